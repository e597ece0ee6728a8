"""Pictures of Value graphs: `draw` (a graphviz.Digraph), `render` (a PNG, SVG or PDF file), and the
backward and forward passes as numbered frames plus an animated GIF (`backward_frames`, `forward_frames`).

Every picture reads the same node fields (label, op, data, grad, local) and the rule table's formulas;
gradients come from the engine, so nothing here computes a derivative. The parts: `text` (names,
formulas, captions; also read by `autograd.explain` and `autograd.page`), `roles` (colours and clusters),
`graph` (the full view), `collapsed` (one box per neuron), `frames` (passes as frames and a GIF),
`output` (running dot, files).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

import graphviz

from ..errors import is_whole
from ..value import Value
from .collapsed import draw_collapsed
from .frames import FrameOptions, Frames, backward_frames, forward_frames
from .graph import Look, Options, check_options, draw_full, fit_ratio, prepare
from .layout import fold
from .network import draw_network
from .output import FILE_FORMATS, PICTURE_FORMATS, GraphvizNotFound, RenderError, write_picture
from .roles import Grouping, NodeKey, node_groups, node_roles, select
from .text import Step, backward_steps, forward_steps

__all__ = [
    "FILE_FORMATS", "PICTURE_FORMATS", "FrameOptions", "Frames", "GraphvizNotFound", "RenderError", "Step",
    "backward_frames", "backward_steps", "draw", "forward_frames", "forward_steps", "node_groups",
    "node_roles", "render",
]  # fmt: skip

View = Literal["auto", "full", "collapsed", "network"]
MAX_NODES = 150  # above this many nodes a full picture stops being readable


def draw(
    root: Value,
    *,
    direction: Literal["LR", "TB", "RL", "BT"] = "LR",
    digits: int = 4,
    show_grad: bool = True,
    show_local: bool | None = None,
    formulas: bool = False,
    highlight: Iterable[NodeKey] | NodeKey = (),
    roles: Mapping[NodeKey, str] | None = None,
    groups: Grouping | bool | None = None,
    view: View = "auto",
    max_nodes: int = MAX_NODES,
    legend: bool = True,
    title: str | None = None,
    tooltips: bool = False,
    fit: str | float | None = None,
) -> graphviz.Digraph:
    """The graph that computed `root` as a graphviz.Digraph (it shows itself inline in Jupyter).

    Each value node shows its label, value and `.grad` (as the node holds it: call `root.backward()`
    first), with the operation that made it as a mark on its left (top, for TB). Edges carry the local
    gradient ∂out/∂in (`show_local`, by default when the graph has at most `max_nodes` nodes; with
    `formulas=True` also the rule table's formula). Colours show roles (see `node_roles`), clusters show
    groups (see `node_groups`). `view="auto"` draws graphs larger than `max_nodes` collapsed, one box
    per neuron, when they have groups; `"full"` always draws every node; `"network"` draws the network
    neuron by neuron, as the slides do (circles for units, arrows labelled with weights; see
    `autograd.render.network`: it takes direction, digits, title and highlight, and raises ValueError
    for a graph without units). `highlight` takes nodes or labels.
    `tooltips=True` gives each node, edge and cluster a hover text in SVG (label or expression, value,
    gradient; an edge's local-gradient formula); `render` turns it on. `fit="16:9"` (or a number,
    width/height) folds a long graph into rows (columns, for TB) so that it fills a picture of that
    shape as well as it can (see `autograd.render.layout.fit`); this runs Graphviz's `dot` to measure.
    Raises ValueError for a bad option (naming it), TypeError for a `roles`/`groups` key of the wrong kind.
    """
    check_options(direction, digits)
    ratio = fit_ratio(fit)
    if view not in ("auto", "full", "collapsed", "network"):
        raise ValueError(f"draw: view must be 'auto', 'full', 'collapsed' or 'network', got {view!r}")
    if not is_whole(max_nodes) or max_nodes < 1:
        raise ValueError(f"draw: max_nodes must be a positive whole number, got {max_nodes!r}")
    if view == "network":
        return draw_network(root, direction=direction, digits=digits, title=title, highlight=highlight)
    drawing = prepare(root, digits, roles, groups)
    nodes = drawing.nodes
    grouped = any(drawing.groups.values())
    if view == "collapsed" and not grouped:
        raise ValueError(
            "draw: view='collapsed' needs groups (labels like 'L1.h_2', or pass groups=...); none found"
        )
    collapse = view == "collapsed" or (view == "auto" and grouped and len(nodes) > max_nodes)
    if show_local is None:
        show_local = len(nodes) <= max_nodes
    opts = Options(
        direction, digits, show_grad, show_local and not collapse, formulas, legend, title, tooltips, ratio
    )
    look = Look(grads={n: n.grad for n in nodes} if show_grad else None)
    look.highlight = select(nodes, highlight, "highlight")
    if collapse:
        look.note = (
            f"Collapsed view of a {len(nodes)}-node graph: one box per neuron with its net input, "
            "activation and δ = ∂loss/∂net."
        )
        if view == "auto":
            look.note += " draw(..., view='full') shows every node."
        return draw_collapsed(drawing, opts, look)
    return draw_full(drawing, opts, look, fold(drawing, opts, look) if ratio else None)


def render(root: Value, path: str | Path, format: str | None = None, **options: object) -> Path:
    """Draw `root`'s graph (options as for `draw`; `tooltips` on unless told) into a PNG, SVG, PDF or DOT
    file; returns its path.

    The format comes from `format` or else from the file's suffix. The file is written whole or not at
    all. Without Graphviz's `dot`, raises GraphvizNotFound (saying how to install it) after saving the
    DOT source next to the target (`graph.png` -> `graph.dot`), so nothing is lost. Raises RenderError
    for a bad path or format, before anything is drawn.
    """
    options.setdefault("tooltips", True)
    return write_picture(draw(root, **options).source, path, format)
