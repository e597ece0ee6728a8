"""The backward and forward passes as numbered pictures, one step each, plus an animated GIF."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..functional import gradients
from ..graph import forward_order, topological_order
from ..value import Value
from .graph import FONT, LOCAL, Look, Options, caption_html, check_options, draw_full
from .output import (
    FORMATS,
    INSTALL_HINT,
    GraphvizNotFound,
    RenderError,
    dot_program,
    run_dot,
    write_atomic,
)
from .roles import Grouping, NodeKey, node_groups, node_roles
from .text import Step, backward_steps, consumers, forward_steps, names

GIF_MAX_WIDTH = 2400  # pixels: sharp on a projector, and the file stays a few megabytes


@dataclass(frozen=True)
class Frames:
    """What `backward_frames` / `forward_frames` wrote: one picture per step, the GIF, and the steps."""

    paths: list[Path]
    gif: Path | None
    steps: list[Step]


def backward_frames(
    root: Value,
    directory: str | Path,
    *,
    format: str = "png",
    gif: bool = True,
    seconds: float = 1.5,
    prefix: str = "backward",
    direction: str = "LR",
    digits: int = 4,
    formulas: bool = False,
    roles: Mapping[NodeKey, str] | None = None,
    groups: Grouping | bool | None = None,
) -> Frames:
    """The backward pass, one picture per step in the engine's order, into `directory` (created if needed).

    Step k completes the gradient of the k-th node of `topological_order(root)`: that node is outlined,
    the gradients of the nodes done so far are filled in (the rest are blank), the edges that bring
    its gradient are red, and the caption gives that step's chain-rule product in numbers. Gradients
    are the engine's ∂root/∂node (`gradients`); `.grad` is not read or changed. Files are
    `<prefix>_000.<format>`... (older numbered files of that prefix and format are removed) and, with
    `gif=True`, `<prefix>.gif`, `seconds` per frame. `format="dot"` writes DOT sources and needs no Graphviz.
    """
    order = topological_order(root)
    steps = backward_steps(root, digits)
    grads = dict(zip(order, gradients(root, order)))
    used = consumers(order[::-1])

    def look(k: int) -> Look:
        node = order[k]
        return Look(
            grads=grads, grads_shown=set(order[: k + 1]), current=node,
            hot_edges={(node, user) for user, _ in used[node]},
        )  # fmt: skip

    heading = "Backward pass, step {k} of {n}: the gradient of one node, by the chain rule"
    return _write_frames(
        root, steps, look, heading, Path(directory), format, gif, seconds, prefix,
        Options(direction, digits, True, True, formulas), roles, groups,
    )  # fmt: skip


def forward_frames(
    root: Value,
    directory: str | Path,
    *,
    format: str = "png",
    gif: bool = True,
    seconds: float = 1.5,
    prefix: str = "forward",
    direction: str = "LR",
    digits: int = 4,
    formulas: bool = False,
    roles: Mapping[NodeKey, str] | None = None,
    groups: Grouping | bool | None = None,
) -> Frames:
    """The forward pass, one picture per computed node in evaluation order (options as `backward_frames`).

    The leaves' values show from the start; each step fills in one computed value and the local
    gradients on its input edges (they are computed in the forward pass), with a caption in numbers.
    """
    steps = forward_steps(root, digits)
    if not steps:
        raise ValueError(f"forward_frames: {root.describe()} is a leaf; the forward pass has no step to draw")
    done: list[Value] = [node for node in topological_order(root) if node.op is None]

    def look(k: int) -> Look:
        node = steps[k].node
        shown = set(done) | {s.node for s in steps[: k + 1]}
        return Look(
            grads=None, values_shown=shown, edges_shown=shown, current=node,
            hot_edges={(p, node) for p in node.parents}, hot_color=LOCAL,
        )  # fmt: skip

    heading = "Forward pass, step {k} of {n}: one value and its local gradients"
    return _write_frames(
        root, steps, look, heading, Path(directory), format, gif, seconds, prefix,
        Options(direction, digits, False, True, formulas), roles, groups,
    )  # fmt: skip


def _write_frames(
    root: Value,
    steps: Sequence[Step],
    look_at: Callable[[int], Look],
    heading: str,
    directory: Path,
    format: str,
    gif: bool,
    seconds: float,
    prefix: str,
    opts: Options,
    roles: Mapping[NodeKey, str] | None,
    groups: Grouping | bool | None,
) -> Frames:
    check_options(opts.direction, opts.digits)
    if format not in FORMATS:
        raise RenderError(f"unknown format {format!r} for frames; use one of {', '.join(FORMATS)}")
    if not re.fullmatch(r"[\w.-]+", prefix):
        raise RenderError(f"the prefix {prefix!r} must be a plain file name (letters, digits, _ . -)")
    if not seconds > 0:
        raise ValueError(f"seconds must be positive, got {seconds!r}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RenderError(
            f"cannot create the folder {str(directory)!r}: {error.strerror or error}"
        ) from error
    nodes = forward_order(root)
    role_of = node_roles(nodes, root, roles)
    group_of = node_groups(nodes, role_of, groups)
    named = names(nodes, opts.digits)
    n = len(steps)
    captions = [(heading.format(k=k + 1, n=n), step.caption) for k, step in enumerate(steps)]
    size = caption_size(captions)
    sources = []
    for k in range(n):
        look = look_at(k)
        look.caption, look.caption_size = captions[k], size
        sources.append(draw_full(nodes, named, role_of, group_of, opts, look).source)
    width = max(3, len(str(n - 1)))
    paths = [directory / f"{prefix}_{k:0{width}d}.{format}" for k in range(n)]
    if format == "dot" or dot_program() is None:
        for path, source in zip(paths, sources):
            write_atomic(path.with_suffix(".dot"), source.encode("utf-8"))
        if format != "dot":
            raise GraphvizNotFound(
                f"Graphviz's 'dot' program was not found on PATH, so the frames were saved as DOT "
                f"sources ({paths[0].with_suffix('.dot').name}...) in {str(directory)!r}. " + INSTALL_HINT
            )
        pictures = None
    else:
        pictures = _run_all(sources, format)
        for path, data in zip(paths, pictures):
            write_atomic(path, data)
    _remove_stale(directory, prefix, format, set(paths))
    gif_path = None
    if gif and format != "dot":
        pngs = pictures if format == "png" else _run_all(sources, "png")
        gif_path = directory / f"{prefix}.gif"
        write_atomic(gif_path, animate(pngs, seconds))
    return Frames(paths, gif_path, list(steps))


def _run_all(sources: Sequence[str], fmt: str) -> list[bytes]:
    # Each frame is its own `dot` process: run them side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(lambda s: run_dot(s, fmt), sources))


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
    factor = -(-width // GIF_MAX_WIDTH)  # a whole-number reduction is fast and keeps text crisp

    def prepare(data: bytes) -> Image.Image:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(Image.open(io.BytesIO(data)).convert("RGB"), (0, 0))
        return canvas.reduce(factor) if factor > 1 else canvas

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
