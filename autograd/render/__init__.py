"""Pictures of Value graphs: `draw` (a graphviz.Digraph), `render` (a PNG, SVG or PDF file), and the
backward and forward passes as numbered frames plus an animated GIF (`backward_frames`, `forward_frames`).

Every picture reads the same node fields (label, op, data, grad, local) and the rule table's formulas;
gradients come from the engine, so nothing here computes a derivative. Names, numbers and formulas come
from `autograd.text`. The parts: `captions` (a pass's captions, step by step), `roles` (colours and clusters),
`style` (fonts, colours, marks), `clusters` (nodes nested by group), `graph` (the full view), `collapsed`
(one box per neuron), `frames` (passes as frames; `frame_images`: their PNGs and the GIF), `output` (running
dot, files), `options` (DrawOptions), and the slide view (`slide`: compact boxes, a neuron's net input as one
box, text large enough for the back row; `slide_draw`, `slide_parts`, `slide_frames`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import graphviz

from ..graph import forward_order
from ..value import Value
from .captions import CaptionedStep, backward_steps, forward_steps, held_gradients
from .collapsed import draw_collapsed
from .frames import FrameOptions, Frames, backward_frames, forward_frames
from .graph import Options, PictureState, check_options, draw_full, fit_ratio, prepare
from .layers_view import LayerNames, default_names, draw_layers
from .layout import fold
from .network import draw_network
from .options import MAX_FULL_NODES, DrawOptions
from .options import MAX_NODES as MAX_NODES  # the page's limit too
from .output import (
    FILE_FORMATS,
    PICTURE_FORMATS,
    GraphvizNotFound,
    RenderError,
    drawn_by_chainrule,
    write_picture,
)
from .roles import Grouping, NodeKey, node_groups, node_roles, select
from .slide import SlidePictureState, slide_digraph, slide_graph, slide_layout, slide_parts
from .slide_parts import MAX_SPLIT_BOXES, TooBigToSplit, best_compact

__all__ = [
    "FILE_FORMATS", "MAX_FULL_NODES", "MAX_SLIDE_BOXES", "MAX_SPLIT_BOXES", "PICTURE_FORMATS",
    "CaptionedStep", "DrawOptions", "FrameOptions", "Frames", "GraphvizNotFound", "LayerNames", "RenderError",
    "TooBigToSplit",
    "backward_frames", "backward_steps", "default_names", "draw", "draw_layers", "forward_frames",
    "forward_steps", "node_groups",
    "node_roles", "render", "render_parts", "slide_digraph", "slide_graph", "slide_layout", "slide_parts",
]  # fmt: skip

MAX_SLIDE_BOXES = 400  # a slide picture with more boxes is refused by `draw` and `render`


def draw(root: Value, options: DrawOptions | None = None, /, **keywords: Any) -> graphviz.Digraph:
    """The graph that computed `root` as a graphviz.Digraph (it shows itself inline in Jupyter).

    Options come as keywords (`draw(f, digits=3, view="full")`), as a `DrawOptions`, or both (the
    keywords change the record's): `DrawOptions` lists each option once, with its default and its check.

    Each value node shows its label, value and `.grad` (as the node holds it: call `root.backward()`
    first), with the operation that made it as a mark on its left (top, for TB). Edges carry the local
    gradient ∂out/∂in (`show_local`, by default when the graph has at most `max_nodes` nodes; with
    `formulas=True` also the rule table's formula). Colours show roles (see `node_roles`), clusters show
    groups (see `node_groups`). `view="auto"` draws graphs larger than `max_nodes` collapsed, one box
    per neuron, when they have groups; `"full"` always draws every node; `"network"` draws the network
    neuron by neuron, as the slides do (circles for units, arrows labelled with weights; see
    `autograd.render.network`: it takes direction, digits, title and highlight, and raises ValueError
    for a graph without units). `highlight` takes nodes or labels.
    `view="slide"` draws the slide view (see `autograd.render.slide`): compact boxes (label, value,
    gradient, with a key), a neuron's net input as one Σ box whose arrows carry ∂net/∂input, text sized
    for a 1920×1080 slide; it takes direction, digits, show_grad, formulas, highlight, roles, groups,
    legend, title and tooltips (`fit` is checked and left to `render_parts`, which splits for that
    slide shape).
    `view="layers"` draws the layer picture (see `autograd.render.layers_view`): one node per tensor
    operation (input tensor, Wₖ ·, + bₖ, activation) layer by layer, then the loss, shapes on the
    arrows and each tensor's numbers where they fit; it takes direction, digits, title, fit (rows of
    whole layers) and layer_names, and raises ValueError for a graph that does not group into layers.
    Limits: a graph of more than MAX_FULL_NODES (400) nodes, whose full view Graphviz would take minutes
    to lay out, is drawn as the slide view with `view="auto"` (`"full"` draws it, and `render` refuses
    it); the slide view of more than MAX_SLIDE_BOXES (400) boxes is refused (ValueError, one line).
    `tooltips=True` gives each node, edge and cluster a hover text in SVG (label or expression, value,
    gradient; an edge's local-gradient formula); `render` turns it on. `fit="16:9"` (or a number,
    width/height) folds a long graph into rows (columns, for TB) so that it fills a picture of that
    shape as well as it can (see `autograd.render.layout.fit`); this runs Graphviz's `dot` to measure.
    Raises ValueError for a bad option (naming it), TypeError for an unknown option or a `roles`/`groups`
    key of the wrong kind.
    """
    options = (options or DrawOptions()).changed(**keywords)
    if options.view == "network":
        return draw_network(
            root, direction=options.direction, digits=options.digits, title=options.title,
            highlight=options.highlight,
        )  # fmt: skip
    if options.view == "slide":
        return _draw_slide(root, options)
    if options.view == "layers":
        return draw_layers(
            root, direction=options.direction, digits=options.digits, title=options.title,
            names=options.layer_names, fit=fit_ratio(options.fit),
        )  # fmt: skip
    return _draw_graph(root, options)


def _draw_slide(root: Value, options: DrawOptions) -> graphviz.Digraph:
    graph = slide_graph(
        root, digits=options.digits, roles=options.roles, groups=options.groups, show_grad=options.show_grad
    )
    if len(graph.boxes) > MAX_SLIDE_BOXES:
        raise ValueError(
            f"draw: the slide view of {root.describe()} has {len(graph.boxes)} boxes, more than one picture "
            f"can show ({MAX_SLIDE_BOXES}); draw view='collapsed' (one box per neuron) or 'network', or a "
            "smaller graph"
        )
    if len(graph.boxes) <= MAX_SLIDE_BOXES:  # the box shape that reads larger on the slide
        ratio = fit_ratio(options.fit) or 16 / 9
        graph = replace(graph, compact=best_compact(graph, ratio, direction=options.direction))
    look = SlidePictureState(
        highlight={b.id for b in graph.boxes if b.node in _selected(root, options.highlight)}
    )
    return slide_digraph(
        graph, direction=options.direction, title=options.title, legend=options.legend,
        tooltips=options.tooltips, look=look, formulas=options.formulas,
    )  # fmt: skip


def _draw_graph(root: Value, options: DrawOptions) -> graphviz.Digraph:
    """The full view, or the collapsed one (one box per neuron)."""
    drawing = prepare(root, options.digits, options.roles, options.groups)
    nodes = drawing.nodes
    grouped = any(drawing.groups.values())
    if options.view == "collapsed" and not grouped:
        raise ValueError(
            "draw: view='collapsed' needs groups (labels like 'L1.h_2', or pass groups=...); none found"
        )
    small = len(nodes) <= options.max_nodes
    collapse = options.view == "collapsed" or (options.view == "auto" and grouped and not small)
    if options.view == "auto" and not collapse and len(nodes) > MAX_FULL_NODES:  # minutes in Graphviz
        return _draw_slide(root, options)
    show_local = small if options.show_local is None else options.show_local
    ratio = fit_ratio(options.fit)
    opts = Options(
        options.direction, options.digits, options.show_grad, show_local and not collapse, options.formulas,
        options.legend, options.title, options.tooltips, ratio,
    )  # fmt: skip
    # .grad, a cancelled sum as 0
    look = PictureState(grads=held_gradients(root) if options.show_grad else None)
    look.highlight = select(nodes, options.highlight, "highlight")
    if collapse:
        look.note = (
            f"Collapsed view of a {len(nodes)}-node graph: one box per neuron with its net input, "
            "activation and δ = ∂loss/∂net."
        )
        if options.view == "auto":
            look.note += " draw(..., view='full') shows every node."
        return draw_collapsed(drawing, opts, look)
    return draw_full(drawing, opts, look, fold(drawing, opts, look) if ratio else None)


def _selected(root: Value, highlight: Iterable[NodeKey] | NodeKey) -> set[Value]:
    return select(forward_order(root), highlight, "highlight")


def render(
    root: Value,
    path: str | Path,
    format: str | None = None,
    *,
    options: DrawOptions | None = None,
    **keywords: Any,
) -> Path:
    """Draw `root`'s graph into a PNG, SVG, PDF or DOT file; returns its path.

    Options are `draw`'s, as keywords (with `tooltips` on and `view` "slide" unless told: the picture
    meant for a slide) or as `options=DrawOptions(...)`, taken as it is and changed by any keywords.

    The slide view draws the whole graph in one picture, which may need scaling below the slide sizes
    when the graph is big: `render_parts` splits it over several pictures instead. Limits, each a
    ValueError in one line before Graphviz runs: the full view of more than MAX_FULL_NODES nodes, the
    slide view of more than MAX_SLIDE_BOXES boxes. A PNG is scaled down to at most `output.MAX_PIXELS`
    pixels, and Graphviz is stopped after `output.DOT_TIMEOUT` seconds.

    The format comes from `format` or else from the file's suffix. The file is written whole or not at
    all. Without Graphviz's `dot`, raises GraphvizNotFound (saying how to install it) after saving the
    DOT source next to the target (`graph.png` -> `graph.dot`), so nothing is lost. Raises RenderError
    for a bad path or format, before anything is drawn.
    """
    options = (options or DrawOptions(tooltips=True, view="slide")).changed(**keywords)
    nodes = len(forward_order(root))
    if options.view == "full" and nodes > MAX_FULL_NODES:
        raise ValueError(
            f"render: the full view of {root.describe()} has {nodes} nodes, more than Graphviz lays out in "
            f"seconds ({MAX_FULL_NODES}); draw view='slide' (neurons fused), 'collapsed' or 'network'"
        )
    return write_picture(draw(root, options).source, path, format)


def render_parts(
    root: Value,
    folder: str | Path,
    name: str = "graph",
    format: str = "png",
    *,
    ratio: str | float = "16:9",
    direction: Literal["LR", "TB", "RL", "BT"] = DrawOptions.direction,
    digits: int = DrawOptions.digits,
    roles: Mapping[NodeKey, str] | None = None,
    groups: Grouping | bool | None = None,
    title: str | None = None,
) -> list[Path]:
    """The slide view of `root`'s graph as slide pictures in `folder`: `<name>.<format>` when one slide of
    width:height `ratio` holds it at the slide sizes (numbers ≥ 20 px, text ≥ 16 px on 1920×1080),
    else `<name>-1.<format>`, `<name>-2.<format>`... one per part (see `slide_parts`: stages along the
    main axis, each repeating its neighbours' boxes, muted). Returns the paths written, in order; older
    `<name>-<k>.<format>` parts beyond them are removed when chainrule drew them (a PNG's text chunk, an
    SVG or DOT graph named chainrule: see `output.drawn_by_chainrule`); other files, and PDFs, are left.
    `direction` and `digits` default as in `DrawOptions`. Raises ValueError for a bad option,
    RenderError for a bad folder or format, GraphvizNotFound without Graphviz.
    """
    check_options(direction, digits)
    shape = fit_ratio(ratio)
    folder = Path(folder)
    if not folder.is_dir():
        raise RenderError(f"cannot write into {str(folder)!r}: it is not a folder")
    parts = slide_parts(root, ratio=shape, digits=digits, roles=roles, groups=groups, direction=direction)
    several = len(parts) > 1
    targets = [
        folder / (f"{name}-{k}.{format}" if several else f"{name}.{format}") for k in range(1, 1 + len(parts))
    ]
    for target in targets if several else ():  # a part's name was not named by the user: never theirs
        if target.exists() and not drawn_by_chainrule(target):
            raise RenderError(
                f"{str(target)!r} exists and chainrule did not draw it: the slide parts of {name} would "
                "overwrite it; move it, or write the pictures into another folder"
            )
    paths: list[Path] = []
    try:
        for part, target in zip(parts, targets):
            heading = part.title if title is None else (f"{title}: {part.title}" if several else title)
            source = slide_digraph(part, direction=direction, title=heading, tooltips=True).source
            paths.append(write_picture(source, target, format))
    except BaseException:  # parts are written whole or not at all: no half set left behind
        for path in paths:
            path.unlink(missing_ok=True)
        raise
    for stale in folder.glob(f"{name}-*.{format}"):
        suffix = stale.stem.removeprefix(f"{name}-")
        if suffix.isdigit() and stale not in paths and drawn_by_chainrule(stale):
            stale.unlink()
    return paths
