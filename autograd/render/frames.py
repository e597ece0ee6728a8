"""The backward and forward passes as numbered pictures, one step each, plus an animated GIF."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, Unpack

from ..errors import is_real
from ..graph import forward_order
from ..text import DIGITS
from ..value import Value
from .captions import CaptionedStep, backward_steps, consumers, forward_steps
from .frame_images import animate, draw_frames
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
        for path, data in zip(paths, draw_frames(sources, files.format)):
            write_file(path, svg_tooltips(data) if files.format == "svg" else data)
    _remove_stale(files.directory, files.prefix, files.format, set(paths))
    return paths


def _write_gif(sources: Sequence[str], paths: Sequence[Path], files: FrameFiles) -> Path:
    """The frames as one GIF: the PNG frames just written, or the sources drawn as PNG for it."""
    pngs = [p.read_bytes() for p in paths] if files.format == "png" else draw_frames(sources, "png")
    path = files.directory / f"{files.prefix}.gif"
    write_file(path, animate(pngs, files.seconds))
    return path


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
