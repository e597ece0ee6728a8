"""The backward and forward passes as numbered pictures, one step each, plus an animated GIF."""

from __future__ import annotations

import functools
import io
import json
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, Unpack

from ..errors import is_real
from ..graph import forward_order
from ..text import DIGITS
from ..value import Value
from .captions import CaptionedStep, backward_steps, consumers, forward_steps
from .graph import Options, PictureState, caption_html, check_options, draw_full, fit_ratio, prepare
from .layout import fold
from .output import (
    FILE_FORMATS,
    INSTALL_HINT,
    GraphvizNotFound,
    RenderError,
    dot_program,
    run_dot,
    svg_tooltips,
    write_file,
)
from .roles import Grouping, NodeKey
from .slide_frames import backward_slide_sources, forward_slide_sources
from .slide_model import slide_graph
from .style import FONT, LOCAL

MAX_FRAMES = 100  # a pass with more steps (nodes, or boxes in the slide view) is refused: a layout each
GIF_MAX_WIDTH = 2400  # pixels: sharp on a projector, and the file stays a few megabytes
# Frames are PNGs at Graphviz's 96 dpi rather than the single picture's 144: the smallest text ("value",
# "grad") is still 11 pixels high, and rasterising and decoding a frame costs less than half (a tour
# draws some 800 frames, which took most of its time).
FRAME_DPI = 96


@dataclass(frozen=True)
class Frames:
    """What `backward_frames` / `forward_frames` wrote: one picture per step, the GIF, and the steps."""

    paths: list[Path]
    gif: Path | None
    steps: list[CaptionedStep]


class FrameOptions(TypedDict, total=False):
    """The keyword options of `backward_frames` and `forward_frames` (see `backward_frames`)."""

    format: str
    gif: bool
    seconds: float
    prefix: str
    direction: str
    digits: int
    formulas: bool
    fit: str | float | None
    roles: Mapping[NodeKey, str] | None
    groups: Grouping | bool | None
    upstream: float
    loss: str | None
    view: str


@dataclass(frozen=True)
class FrameFiles:
    """Where and how frames are written: `<directory>/<prefix>_000.<format>`..., and `<prefix>.gif`."""

    directory: Path
    prefix: str
    format: str = "png"
    gif: bool = True
    seconds: float = 1.5

    def check_and_create(self) -> None:
        """Refuse a format, prefix or duration that cannot be written; create the directory."""
        if self.format not in FILE_FORMATS:
            raise RenderError(
                f"unknown format {self.format!r} for frames; use one of {', '.join(FILE_FORMATS)}"
            )
        if not re.fullmatch(r"[\w.-]+", self.prefix):
            raise RenderError(
                f"the prefix {self.prefix!r} must be a plain file name (letters, digits, _ . -)"
            )
        if not (is_real(self.seconds) and self.seconds > 0):
            raise ValueError(f"seconds must be a positive number, got {self.seconds!r}")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RenderError(
                f"cannot create the folder {str(self.directory)!r}: {error.strerror or error}"
            ) from error

    def paths(self, n: int) -> list[Path]:
        """The numbered file of each of `n` frames (at least three digits, so they sort)."""
        width = max(3, len(str(n - 1)))
        return [self.directory / f"{self.prefix}_{k:0{width}d}.{self.format}" for k in range(n)]


@dataclass
class FramePlan:
    """How one pass is drawn as frames: its steps, what each step's picture shows, the caption's heading."""

    steps: list[CaptionedStep]
    state_at: Callable[[int], PictureState]
    heading: str  # with {k} and {n}
    show_grad: bool
    # the slide view's frame sources and steps, drawn once the options are checked (None: the full view)
    slide: Callable[[], tuple[list[str], list[CaptionedStep]]] | None = None


def backward_frames(root: Value, directory: str | Path, **options: Unpack[FrameOptions]) -> Frames:
    """The backward pass, one picture per step in the order the slides teach, into `directory`.

    `view` is "slide" (the default: the slide view, see `autograd.render.slide`, one step per box, its
    caption the chain rule over the box's arrows) or "full" (every node of the graph, one step each).

    Step k completes the gradient of the k-th node of `autograd.graph.teaching_order(root)` (see
    `backward_steps`): that node is outlined, the gradients of the nodes done so far are filled in (the
    rest are blank), the edges that bring its gradient are red, and the caption gives that step's
    chain-rule product in numbers. Gradients are the engine's ∂root/∂node (`gradients`); `.grad` is not
    read or changed.

    Options: `format` ("png", "svg", "pdf" or "dot", which needs no Graphviz), `gif` (True: also
    `<prefix>.gif`, `seconds` (1.5) per frame), `prefix` ("backward"), and `direction`, `digits`,
    `formulas`, `fit`, `roles`, `groups` as for `draw`; `upstream` (1.0) and `loss` as for
    `backward_steps` (a gate inside a bigger graph: ∂L/∂root given). Files are
    `<prefix>_000.<format>`...; older numbered files of that prefix and format are removed;
    `directory` is created if needed. Raises RenderError for a bad format, prefix or folder,
    ValueError for a bad option, GraphvizNotFound (after writing the DOT sources) without Graphviz.
    """
    upstream, loss = options.get("upstream", 1.0), options.get("loss")
    if not is_real(upstream) or not math.isfinite(upstream):
        raise ValueError(f"backward_frames: upstream must be a finite number, got {upstream!r}")
    steps = backward_steps(root, options.get("digits", DIGITS), upstream=float(upstream), loss=loss)
    order = [step.node for step in steps]
    grads = {step.node: step.value for step in steps}
    used = consumers(forward_order(root))

    def state_at(k: int) -> PictureState:
        node = order[k]
        return PictureState(
            grads=grads, grads_shown=set(order[: k + 1]), current=node,
            hot_edges={(node, user) for user, _ in used[node]},
        )  # fmt: skip

    heading = "Backward pass, step {k} of {n}: the gradient of one node, by the chain rule"
    drawn = FramePlan(steps, state_at, heading, True)
    if _view(options) == "slide":
        top = forward_order(root)[-1].label if upstream == 1.0 and loss is None else (loss or "L")
        top = top or "L"
        drawn.slide = lambda: backward_slide_sources(root, steps, heading, top, options)
    return _pass_frames(root, directory, drawn, "backward", options)


def forward_frames(root: Value, directory: str | Path, **options: Unpack[FrameOptions]) -> Frames:
    """The forward pass, one picture per computed node in evaluation order (options as `backward_frames`,
    `prefix` "forward").

    The leaves' values show from the start; each step fills in one computed value and the local
    gradients on its input edges (they are computed in the forward pass), with a caption in numbers.
    Raises ValueError for a leaf, which has no step to draw.
    """
    steps = forward_steps(root, options.get("digits", DIGITS))
    if not steps:
        raise ValueError(f"forward_frames: {root.describe()} is a leaf; the forward pass has no step to draw")
    leaves = {node for node in forward_order(root) if node.op is None}

    def state_at(k: int) -> PictureState:
        node = steps[k].node
        shown = leaves | {s.node for s in steps[: k + 1]}
        return PictureState(
            grads=None, values_shown=shown, edges_shown=shown, current=node,
            hot_edges={(p, node) for p in node.parents}, hot_color=LOCAL,
        )  # fmt: skip

    heading = "Forward pass, step {k} of {n}: one value and its local gradients"
    drawn = FramePlan(steps, state_at, heading, False)
    if _view(options) == "slide":
        drawn.slide = lambda: forward_slide_sources(root, steps, heading, options)
    return _pass_frames(root, directory, drawn, "forward", options)


def _view(options: FrameOptions) -> str:
    view = options.get("view", "slide")
    if view not in ("slide", "full"):
        raise ValueError(f"frames: view must be 'slide' or 'full', got {view!r}")
    return view


def _pass_frames(
    root: Value, directory: str | Path, drawn: FramePlan, prefix: str, options: FrameOptions
) -> Frames:
    unknown = set(options) - set(FrameOptions.__annotations__)
    if unknown:
        raise TypeError(
            f"unknown option {sorted(unknown)[0]!r}; frames take {', '.join(FrameOptions.__annotations__)}"
        )
    files = FrameFiles(
        Path(directory), options.get("prefix", prefix), options.get("format", "png"),
        options.get("gif", True), options.get("seconds", 1.5),
    )  # fmt: skip
    opts = Options(
        options.get("direction", "LR"), options.get("digits", DIGITS), drawn.show_grad, True,
        options.get("formulas", False), tooltips=True, fit=fit_ratio(options.get("fit")),
    )  # fmt: skip
    check_options(opts.direction, opts.digits)
    count = len(slide_graph(root).boxes) if drawn.slide is not None else len(drawn.steps)
    if count > MAX_FRAMES:  # refused before any folder is made or any layout is asked for
        view = "slide view" if drawn.slide is not None else "full view"
        raise RenderError(
            f"frames: the {view} of {root.describe()} has {count} steps, more frames than {MAX_FRAMES} (each "
            "one a layout by Graphviz); draw its picture instead, or a smaller graph"
        )
    files.check_and_create()
    if drawn.slide is not None:
        sources, steps = drawn.slide()
    else:
        sources = _frame_sources(root, drawn, opts, options.get("roles"), options.get("groups"))
        steps = list(drawn.steps)
    paths = _write_pictures(sources, files)
    gif = _write_gif(sources, paths, files) if files.gif and files.format != "dot" else None
    return Frames(paths, gif, steps)


def _frame_sources(
    root: Value,
    drawn: FramePlan,
    opts: Options,
    roles: Mapping[NodeKey, str] | None,
    groups: Grouping | bool | None,
) -> list[str]:
    """The DOT source of every frame: one layout, each frame showing its own part of it."""
    drawing = prepare(root, opts.digits, roles, groups)
    n = len(drawn.steps)
    captions = [(drawn.heading.format(k=k + 1, n=n), step.caption) for k, step in enumerate(drawn.steps)]
    size = caption_size(captions)
    states = [drawn.state_at(k) for k in range(n)]
    for state, caption in zip(states, captions):
        state.caption, state.caption_size = caption, size
    bands = fold(drawing, opts, states[-1]) if opts.fit else None  # one fold for every frame
    return [draw_full(drawing, opts, state, bands).source for state in states]


def _write_pictures(sources: Sequence[str], files: FrameFiles) -> list[Path]:
    """Each frame as a picture (or DOT source); without Graphviz, the DOT sources, then GraphvizNotFound."""
    paths = files.paths(len(sources))
    if files.format == "dot" or dot_program() is None:
        for path, source in zip(paths, sources):
            write_file(path.with_suffix(".dot"), source)
        if files.format != "dot":
            raise GraphvizNotFound(
                f"Graphviz's 'dot' program was not found on PATH, so the frames were saved as DOT "
                f"sources ({paths[0].with_suffix('.dot').name}...) in {str(files.directory)!r}. "
                + INSTALL_HINT
            )
    else:
        for path, data in zip(paths, _run_all(sources, files.format)):
            write_file(path, svg_tooltips(data) if files.format == "svg" else data)
    _remove_stale(files.directory, files.prefix, files.format, set(paths))
    return paths


def _write_gif(sources: Sequence[str], paths: Sequence[Path], files: FrameFiles) -> Path:
    """The frames as one GIF: the PNG frames just written, or the sources drawn as PNG for it."""
    pngs = [p.read_bytes() for p in paths] if files.format == "png" else _run_all(sources, "png")
    path = files.directory / f"{files.prefix}.gif"
    write_file(path, animate(pngs, files.seconds))
    return path


def _run_all(sources: Sequence[str], fmt: str) -> list[bytes]:
    # Each frame is its own `dot` process, run side by side. (Several graphs to one process would
    # save a fifth of the CPU time, but Graphviz 2.43 corrupted its heap on some tour frames that way:
    # "malloc_consolidate(): invalid chunk size".)
    def draw(source: str) -> bytes:
        if fmt == "png" and _palette_png_drawn():
            return exact_flat_colours(run_dot(source, PALETTE_PNG, dpi=FRAME_DPI), source)
        return run_dot(source, fmt, dpi=FRAME_DPI)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(draw, sources))


# Frames are drawn by cairo as usual but written by gd's PNG writer as 256 colours: dot's own PNG
# writer (libpng trying every row filter, then zlib) took two thirds of a frame's time, and the
# RGB PNG is three times larger and slower to read back for the GIF. A frame has a dozen flat
# colours plus the anti-aliased edges, so 256 colours lose nothing visible once two flaws of gd's
# are mended: its quantiser shifts flat colours by a few units (white became 252,254,252), and
# the last row and column, which the background covers only in part, come out grey.
PALETTE_PNG = "png:cairo:gd"
_SNAP = 8  # a palette entry this close (per channel) to a colour of the DOT source is that colour
_HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{6})\b")
_WHITE = (255, 255, 255)


@functools.cache
def _palette_png_drawn() -> bool:
    """Whether this Graphviz has the gd plugin that writes `PALETTE_PNG` (not every build does)."""
    try:
        return run_dot("digraph { a }", PALETTE_PNG, dpi=FRAME_DPI).startswith(b"\x89PNG")
    except RenderError:
        return False


def exact_flat_colours(png: bytes, source: str) -> bytes:
    """The palette PNG `png` of DOT `source` (on white) with each palette entry within `_SNAP` of a
    colour of the source (`#rrggbb`, white, black) set to that colour, so that fills, text and the
    background are exact, and its last row and column painted white (they lie in the margin).

    A PNG without a palette (or without white in it) is returned as it is.
    """
    from PIL import Image  # Pillow comes with matplotlib, a dependency (see `animate`)

    image = Image.open(io.BytesIO(png))
    if image.mode != "P":
        return png
    wanted = {tuple(bytes.fromhex(h)) for h in _HEX_COLOUR.findall(source)} | {_WHITE, (0, 0, 0)}
    flat = image.getpalette() or []
    palette = [_nearest(tuple(flat[k : k + 3]), wanted) for k in range(0, len(flat) - 2, 3)]
    if _WHITE not in palette:
        return png
    image.putpalette([c for colour in palette for c in colour])
    width, height = image.size
    white = palette.index(_WHITE)
    image.paste(white, (width - 1, 0, width, height))
    image.paste(white, (0, height - 1, width, height))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # a third faster than 6, the file a quarter larger
    return out.getvalue()


def _nearest(entry: tuple[int, ...], wanted: set[tuple[int, ...]]) -> tuple[int, ...]:
    """The colour of `wanted` closest to `entry` if it is within `_SNAP`, else `entry`."""
    distance, colour = min((max(abs(a - b) for a, b in zip(entry, c)), c) for c in wanted)
    return colour if distance <= _SNAP else entry


def _remove_stale(directory: Path, prefix: str, format: str, keep: set[Path]) -> None:
    pattern = re.compile(rf"{re.escape(prefix)}_\d+\.{format}")
    for path in directory.iterdir():
        if pattern.fullmatch(path.name) and path not in keep:
            path.unlink()


def caption_size(captions: Sequence[tuple[str, str]]) -> tuple[float, float]:
    """The largest caption's width and height in points, so that every frame reserves the same room.

    A caption wider than the graph would widen the picture and shift the graph (Graphviz centres it),
    so each frame's caption cell is made as large as the largest one. Measured by `dot` when it is
    installed, estimated from the text otherwise.
    """
    if dot_program() is None:
        lines = [line for pair in captions for line in "\n".join(pair).split("\n")]
        return max(len(line) for line in lines) * 9.0 + 12, 2.5 * 16 * 1.3 + 12
    body = "\n".join(
        f'm{k} [shape=plaintext, margin=0, label=<<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0">'
        f'<TR><TD BALIGN="LEFT">{caption_html(*pair)}</TD></TR></TABLE>>];'
        for k, pair in enumerate(captions)
    )
    layout = json.loads(run_dot(f'graph {{ node [fontname="{FONT}"]; {body} }}', "json"))
    sizes = [(float(o["width"]) * 72, float(o["height"]) * 72) for o in layout.get("objects", [])]
    # Padding of the caption cell (3 each side) plus slack for rounding.
    return max(w for w, _ in sizes) + 10, max(h for _, h in sizes) + 8


def animate(pngs: Sequence[bytes], seconds: float) -> bytes:
    """An endlessly looping GIF of the PNG frames (the last one held longer), as bytes."""
    try:
        from PIL import Image
    except ImportError as error:  # Pillow comes with matplotlib, a dependency; say so if it is missing
        raise RenderError("the GIF needs Pillow: pip install pillow") from error
    sizes = [Image.open(io.BytesIO(data)).size for data in pngs]  # reads only the headers
    width = max(w for w, _ in sizes)
    height = max(h for _, h in sizes)
    scale = min(1.0, GIF_MAX_WIDTH / width)
    reduced = (round(width * scale), round(height * scale))

    def prepare(data: bytes) -> Image.Image:
        frame = Image.open(io.BytesIO(data))
        frame = frame if frame.mode == "RGB" else frame.convert("RGB")
        if frame.size != (width, height):  # frames reserve the same room, so this is rare: skip the copy
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(frame, (0, 0))
            frame = canvas
        # A box filter averages whole source pixels: text stays crisp, and it costs little.
        return frame.resize(reduced, Image.Resampling.BOX) if scale < 1 else frame

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:  # Pillow releases the GIL
        canvases = list(pool.map(prepare, pngs))
    # One palette for every frame (the frames share their colours): much faster than one per frame,
    # and the colours do not flicker from frame to frame.
    palette = canvases[-1].quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    frames = [c.quantize(palette=palette, dither=Image.Dither.NONE) for c in canvases]
    durations = [round(seconds * 1000)] * len(frames)
    durations[-1] *= 3
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return out.getvalue()
