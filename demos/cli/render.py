"""`chainrule render NAME -o DIR|FILE`: an example's graph (the slide view unless --view says otherwise;
split over several slide pictures, NAME-1, NAME-2..., when one slide cannot hold it, NAME itself then
being the whole graph as an overview for print or zooming); with --steps, its backward pass as frames
and a GIF."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograd import topological_order
from autograd.explain import Notation
from autograd.explain.matrix_write import text_name
from autograd.render import (
    FILE_FORMATS,
    MAX_SLIDE_BOXES,
    MAX_SPLIT_BOXES,
    DrawOptions,
    backward_frames,
    draw_layers,
    render,
    render_parts,
    slide_graph,
)
from autograd.render.frames import MAX_FRAMES
from autograd.render.graph import fit_ratio, prepare
from autograd.render.slide_parts import legible_whole
from demos.examples.example import Example, Graph

from .arguments import UsageError, add_digits, checked_digits
from .choose import add_example_arguments, example_from_args
from .output import make_folder, prepare_file

MAX_FRAME_NODES = 80  # bigger graphs get their picture, but a frame per node would be a slideshow of ~100
SLIDE = "16:9"  # the slide's shape: the slide view is split to fit it, the full view folded
# An example's pictures unless told: the slide view for a 16:9 slide, with hover text in SVG.
PICTURE = DrawOptions(view="slide", fit=SLIDE, tooltips=True)


@dataclass(frozen=True)
class Picture:
    """One output's picture, and its backward pass as frames and a GIF when they were drawn."""

    name: str  # the output's label, or the example's name when it has one output
    graph: Path  # the whole graph: an overview when it is split (the first part, if too big to draw whole)
    frames: list[Path]
    gif: Path | None
    parts: list[Path] = field(default_factory=list)  # the slide view split over slides, when it needs it
    note: str = ""  # what was drawn instead, when the graph is past a limit (see docs/pictures.md)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `render` on the `chainrule` parser."""
    p = subparsers.add_parser("render", help="draw an example's graph (and, with --steps, its backward pass)")
    add_example_arguments(p)
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR|FILE",
        help="a folder to write into, or one picture's file name (chen.png: the format from its suffix)",
    )  # fmt: skip
    p.add_argument("--format", choices=FILE_FORMATS, help="picture format (default: png, or -o's suffix)")
    p.add_argument("--steps", action="store_true", help="also one picture per backward step, and a GIF")
    p.add_argument("--direction", choices=("LR", "TB"), default="LR", help="left to right, or top to bottom")
    p.add_argument("--formulas", action="store_true", help="edges show the rule table's formula too")
    p.add_argument("--highlight", nargs="+", default=[], metavar="LABEL", help="outline these nodes")
    add_digits(p)
    p.add_argument(
        "--view", choices=("slide", "full", "collapsed", "network", "layers"), default="slide",
        help="the slide view (default: compact boxes, a neuron's net input as one box, large text), every "
        "node, one box per neuron, the network as the slides draw it (circles and weights), or its "
        "layers as tensor operations (x, W₁ ·, + b₁, σ … with shapes)",
    )  # fmt: skip
    p.add_argument(
        "--fit", default=SLIDE, metavar="W:H",
        help=f"the slide's shape ({SLIDE}; 4:3 for a projector): the slide view is split over several "
        "pictures when one slide of this shape cannot hold it, the full view folded into rows; 'none' "
        "never splits or folds",
    )  # fmt: skip
    p.set_defaults(run=run_render)


def run_render(args: argparse.Namespace) -> int:
    """Write the example's graph picture(s), and with --steps the backward frames and GIF.

    Raises UsageError for a bad option value, OutputError for an output it may not write.
    """
    example = example_from_args(args)
    checked_digits(args.digits)
    try:
        fit_ratio(None if args.fit.lower() == "none" else args.fit)
    except ValueError:
        raise UsageError(
            f"--fit must be a width:height ratio such as 16:9, or none; got {args.fit!r}"
        ) from None
    graph = example.build()
    if args.view == "layers":  # refused before -o's folder is made: a refusal leaves nothing behind
        _check_layers(example, graph)
    folder, fmt, target = _output(args, example, graph)
    options = PICTURE.changed(
        direction=args.direction, formulas=args.formulas, digits=args.digits, highlight=args.highlight,
        view=args.view, fit=None if args.fit.lower() == "none" else args.fit,
    )  # fmt: skip
    try:
        pictures = draw_example(example, graph, folder, fmt, args.steps, target=target, options=options)
    except ValueError as error:
        if type(error) is not ValueError:  # an engine error (DomainError...) is not the user's typing
            raise
        raise UsageError(str(error).removeprefix("draw: ")) from None
    for picture in pictures:
        if picture.note:
            print(picture.note)
        if picture.parts and picture.graph not in picture.parts:
            print(f"{picture.graph}: the whole graph, an overview to print or zoom (too small for a slide)")
        else:
            print(picture.graph)
        if picture.parts:
            print(
                f"{len(picture.parts)} slide pictures, one per slide, in {picture.parts[0].parent}: "
                f"{', '.join(p.name for p in picture.parts)}"
            )
        if picture.frames:
            gif = " and a GIF" if picture.gif else ""
            print(f"{len(picture.frames)} frames{gif} in {picture.frames[0].parent}")
    return 0


def _check_layers(example: Example, graph: Graph) -> None:
    """Raise UsageError (one line, as `render` words it) when an output's graph has no layer picture."""
    for root in graph.outputs:
        try:
            draw_layers(root, values=False, names=layer_names(example))  # no `fit`: no dot run
        except ValueError as error:
            if type(error) is not ValueError:
                raise
            raise UsageError(str(error).removeprefix("draw: ")) from None


def _output(args: argparse.Namespace, example: Example, graph: Graph) -> tuple[Path, str, Path | None]:
    """(folder, format, file or None) from -o and --format, checked before anything is drawn."""
    suffix = args.output.suffix[1:].lower()
    if suffix and suffix not in FILE_FORMATS and not args.output.exists():  # an existing one: see below
        raise UsageError(
            f"-o {args.output}: unknown picture format .{suffix}; "
            f"use {', '.join(FILE_FORMATS)}, or a folder name"
        )
    if suffix not in FILE_FORMATS:  # a folder
        make_folder(args.output)
        return args.output, args.format or "png", None
    if args.format is not None and args.format != suffix:
        raise UsageError(f"-o {args.output} is a .{suffix} file but --format {args.format} was asked for")
    if len(graph.outputs) > 1:
        labels = ", ".join(str(out.label) for out in graph.outputs)
        raise UsageError(
            f"example {example.name!r} draws {len(graph.outputs)} pictures ({labels}); give a folder with -o"
        )
    prepare_file(args.output)
    return args.output.parent, suffix, args.output


def draw_example(
    example: Example,
    graph: Graph,
    folder: Path,
    fmt: str,
    steps: bool,
    max_frame_nodes: int | None = None,
    *,
    target: Path | None = None,
    options: DrawOptions = PICTURE,
) -> list[Picture]:
    """One picture per output of the example; with `steps`, each output's backward frames and GIF
    (only for outputs of at most `max_frame_nodes` nodes, when that is given).

    Pictures are `<folder>/<name>[-<output>].<fmt>`, or `target` (one output only); frames go into
    `<name>-backward/` beside them. The slide view (`view="slide"`, the default) is also split into
    `<name>-1.<fmt>`, `<name>-2.<fmt>`... (`Picture.parts`, see `autograd.render.render_parts`) when one
    slide of shape `fit` (16:9 unless told; None: never split) cannot hold it at the slide sizes: the
    parts are the slides, and `<name>.<fmt>` stays the whole graph in one picture, an overview for
    print or zooming (its text is below the slide sizes). Past the limits (docs/pictures.md, "Limits"),
    within seconds: a slide view of more than MAX_SPLIT_BOXES boxes is not split but drawn collapsed
    (one box per neuron) when the graph has neurons, else whole in one picture (refused past
    MAX_SLIDE_BOXES, or when its text could be read neither on a slide nor on an A4 page: ValueError);
    a pass of more than MAX_FRAMES steps gets no frames; `Picture.note` says so. A re-run removes the
    parts it no longer needs when chainrule drew them, never a user's file. Other views are folded
    to `fit` as `render` does. `options` go to `render` (the example's roles added);
    its `highlight` labels go to each output whose graph has them; direction, digits and formulas also
    to the frames. Frames use the slide view unless `view="full"`. Raises ValueError for a bad option
    or a label no output has.
    """
    roles, highlight, fit = example.node_roles(), options.highlight, options.fit
    if options.view == "layers" and options.layer_names is None:
        options = options.changed(layer_names=layer_names(example))
    labels = [{n.label for n in topological_order(root)} for root in graph.outputs]
    missing = [label for label in highlight if not any(label in found for found in labels)]
    if missing:
        known = ", ".join(graph.nodes)
        raise ValueError(
            f"example {example.name!r} has no node labelled {missing[0]!r}; the labels are: {known}"
        )
    several = len(graph.outputs) > 1
    pictures = []
    for root, found in zip(graph.outputs, labels):
        stem = f"{example.name}-{root.label}" if several else example.name
        path = target or folder / f"{stem}.{fmt}"
        marked = [label for label in highlight if label in found]
        view, note = _within_limits(root, options, roles)
        slide = view == "slide"
        parts: list[Path] = []
        if slide and fmt != "dot" and fit is not None and not note:
            parts = render_parts(
                root, path.parent, path.stem, fmt, ratio=fit, roles=roles, direction=options.direction,
                digits=options.digits,
            )  # fmt: skip
            if len(parts) == 1:  # one slide holds it: that picture is the graph's (with highlights)
                parts[0].unlink()
                parts = []
        shape = fit if not slide else None
        try:
            changes = {"roles": roles, "highlight": marked, "fit": shape, "view": view}
            path = render(root, path, options=options.changed(**changes))
        except BaseException:  # the parts and their overview are one set: none is left without it
            for part in parts:
                part.unlink(missing_ok=True)
            raise
        frames, gif = [], None
        frame_view = "full" if options.view == "full" else "slide"
        count = len(slide_graph(root).boxes) if frame_view == "slide" else len(topological_order(root))
        if steps and count > MAX_FRAMES:
            note = f"{note} No frames: the backward pass has {count} steps, more than {MAX_FRAMES}.".strip()
        elif steps and (max_frame_nodes is None or len(topological_order(root)) <= max_frame_nodes):
            frame_folder = path.parent / f"{path.stem}-backward"
            if target is not None:  # beside the user's own file: a folder of chainrule's only
                make_folder(frame_folder)
            frame_options = {
                "direction": options.direction, "digits": options.digits, "formulas": options.formulas,
                "view": frame_view,
            }  # fmt: skip
            if (
                graph.upstream != 1.0
            ):  # a gate inside a bigger graph: the slide's ∂L/∂output, as explain has it
                frame_options |= {"upstream": graph.upstream, "loss": "L"}
            drawn = backward_frames(root, frame_folder, format=fmt, roles=roles, fit=fit, **frame_options)
            frames, gif = drawn.paths, drawn.gif
        pictures.append(Picture(root.label if several else example.name, path, frames, gif, parts, note))
    return pictures


def layer_names(example: Example) -> Callable[[str, int], str] | None:
    """The layer picture's names from the example's deck notation (LaTeX, as text: W⁽¹⁾, ∇…), or None
    (the picture's own: x, W₁, b₁, h₁, ŷ) where the catalog gives none; kind "function" is "softmax"
    where an output rule is a softmax with cross-entropy (the picture then draws a_L → softmax → ŷ → the
    loss), else "". `autograd.render` and `autograd.lab` rank below `autograd.explain`, so the notation
    is turned into text here and passed down as plain names (`chainrule mistakes` names entries so)."""
    logits = any(rule is not None and rule.kind == "softmax-ce" for rule in example.output_rules)
    if example.notation is None and not logits:
        return None
    notation = example.notation or Notation()

    def name(kind: str, k: int) -> str:
        if kind == "function":
            return "softmax" if logits else ""
        # input, output and loss are names, not templates: `y_{6}` has braces that are LaTeX's
        template = getattr(notation, kind)
        return text_name(template if kind in ("input", "output", "loss") else notation.name(template, k))

    return name


def _within_limits(root, options: DrawOptions, roles) -> tuple[str, str]:
    """The view to draw `root` in, and a note when it is not the slide parts asked for: a slide view of
    more than MAX_SPLIT_BOXES boxes (dozens of slides) is drawn collapsed when the graph has neurons
    (groups), else whole in one picture (which `draw` refuses past MAX_SLIDE_BOXES, in one line).

    Raises ValueError (one line) when that one picture could be read neither on a slide nor on an A4
    page (`legible_whole`): a strip of 3 px text is not written."""
    if options.view != "slide" or options.fit is None:
        return options.view, ""
    boxes = len(slide_graph(root).boxes)
    if boxes <= MAX_SPLIT_BOXES:
        return "slide", ""
    name = root.label or "the output"
    too_many = f"{name}: the slide view has {boxes} boxes, too many to split into slides ({MAX_SPLIT_BOXES})"
    if any(prepare(root, options.digits, roles, options.groups).groups.values()):
        return "collapsed", f"{too_many}; drawn collapsed, one box per neuron (--view network: the network)."
    if boxes <= MAX_SLIDE_BOXES:
        whole = slide_graph(root, digits=options.digits, roles=roles, groups=options.groups)
        if not legible_whole(whole, fit_ratio(options.fit) or 16 / 9, direction=options.direction):
            raise ValueError(
                f"{too_many}, and whole in one picture its text is too small to read on a slide or an A4 "
                f"page: `chainrule explain` gives its steps; --fit none draws it anyway as one strip"
            )
        return "slide", f"{too_many}; drawn whole in one picture, to print or zoom."
    return "slide", f"{too_many}."
