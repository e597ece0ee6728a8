"""`chainrule render NAME -o DIR`: an example's graph; with --steps, its backward pass as frames and a GIF."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from autograd import topological_order
from autograd.render import backward_frames, render
from demos.examples.example import Example, Graph

from .commands import example_named
from .output import make_folder

PICTURE_FORMATS = ("png", "svg", "pdf")
MAX_FRAME_NODES = 80  # bigger graphs get their picture, but a frame per node would be a slideshow of ~100


@dataclass(frozen=True)
class Picture:
    """One output's picture, and its backward pass as frames and a GIF when they were drawn."""

    name: str  # the output's label, or the example's name when it has one output
    graph: Path
    frames: list[Path]
    gif: Path | None


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `render` on the `chainrule` parser."""
    p = subparsers.add_parser("render", help="draw an example's graph (and, with --steps, its backward pass)")
    p.add_argument("name", help="an example name (see `chainrule list`)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--format", choices=PICTURE_FORMATS, default="png")
    p.add_argument("--steps", action="store_true", help="also one picture per backward step, and a GIF")
    p.set_defaults(run=run_render)


def run_render(args: argparse.Namespace) -> int:
    """Write the example's graph picture(s), and with --steps the backward frames and GIF."""
    example = example_named(args.name)
    make_folder(args.output)
    for picture in draw_example(example, example.build(), args.output, args.format, args.steps):
        print("\n".join(str(path) for path in (picture.graph, *picture.frames, picture.gif) if path))
    return 0


def draw_example(
    example: Example, graph: Graph, folder: Path, fmt: str, steps: bool, max_frame_nodes: int | None = None
) -> list[Picture]:
    """One picture per output of the example; with `steps`, each output's backward frames and GIF
    (only for outputs of at most `max_frame_nodes` nodes, when that is given)."""
    roles = example.node_roles()
    pictures = []
    for root in graph.outputs:
        several = len(graph.outputs) > 1
        stem = f"{example.name}-{root.label}" if several else example.name
        path = render(root, folder / f"{stem}.{fmt}", roles=roles)
        frames, gif = [], None
        if steps and (max_frame_nodes is None or len(topological_order(root)) <= max_frame_nodes):
            drawn = backward_frames(root, folder / f"{stem}-backward", format=fmt, roles=roles)
            frames, gif = drawn.paths, drawn.gif
        pictures.append(Picture(root.label if several else example.name, path, frames, gif))
    return pictures
