"""The neuron-level drawing of a network, as the slides draw it: a circle per unit, an arrow per weight.

It reads only node fields (label, op, data, parents) and labels; nothing is computed. Which nodes are
units is `autograd.units` (one definition, the δ view's too): a labelled activation of a labelled net
input, reached directly or through unlabelled scaling (three-layer's f(e) = σ(λ·e)), or a linear
unit, a labelled node that sums labelled weights times units' outputs. Within a unit's net input, a
product of a labelled leaf (the weight) and an input or another unit's activation is an arrow
labelled with the weight; a labelled leaf added without a weight is the unit's bias.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import graphviz

from ..graph import forward_order
from ..text import DIGITS, html_text, number, shown_labels
from ..units import products, region, unit_nets
from ..value import Value
from .graph import check_options
from .roles import NodeKey, default_role, select
from .style import FONT, MUTED, PALETTE

# A unit's circle names its activation (an op the rule table marks `activation`) by the op's symbol,
# but spells out two that are short marks on an edge (LReLU, Th).
CIRCLE_NAMES = {"leaky_relu": "leaky ReLU", "step": "step"}
LINEAR = "linear"
HIGHLIGHT = "#7c3aed"


@dataclass
class Unit:
    """One circle: the node that is its output, its net input, its incoming weights and its bias."""

    out: Value
    net: Value
    kind: str  # the activation's symbol, or "linear"
    weights: list[tuple[Value, Value]] = field(default_factory=list)  # (source node, weight leaf)
    biases: list[Value] = field(default_factory=list)


def find_units(nodes: list[Value]) -> dict[Value, Unit]:
    """Every unit of the graph (nodes in forward order), keyed by its output node, with its arrows.

    Which nodes are units, and their net inputs, is `autograd.units.unit_nets` (the δ view reads it
    too); this adds what the picture draws: each unit's weights' arrows and its biases.
    """
    units = {
        out: Unit(out, net, LINEAR if net is out else CIRCLE_NAMES.get(out.op.name, out.op.symbol))
        for out, net in unit_nets(nodes).items()
    }
    for unit in units.values():
        for source, weight in _products(unit.net):
            if source in units or source.op is None:
                unit.weights.append((source, weight))
        unit.biases = _biases(unit.net)
    return units


def _products(net: Value) -> list[tuple[Value, Value]]:
    """(source, weight) for each weight·source product inside `net`'s unlabelled region."""
    found = []
    for node in products(net):
        a, b = node.parents
        if _is_weight(a, b):
            found.append((b, a))
        elif _is_weight(b, a):
            found.append((a, b))
    return found


def _is_weight(w: Value, other: Value) -> bool:
    # a labelled leaf; when both are, the one whose label reads like a weight (the first if neither does)
    if w.op is not None or not w.label:
        return False
    if other.op is not None or not other.label:
        return True
    return default_role(w, w) != "input" or default_role(other, other) == "input"


def _biases(net: Value) -> list[Value]:
    weights = {id(w) for _, w in _products(net)}
    multiplied = {id(p) for n in region(net) if n.op and n.op.name == "mul" for p in n.parents}
    return [
        n
        for n in region(net)
        if n is not net and n.op is None and n.label and id(n) not in weights and id(n) not in multiplied
    ]


def draw_network(
    root: Value,
    *,
    direction: str = "LR",
    digits: int = DIGITS,
    title: str | None = None,
    highlight: Iterable[NodeKey] | NodeKey = (),
) -> graphviz.Digraph:
    """The network that computed `root` drawn neuron by neuron: inputs, then a column of circles per
    layer (label, activation, value, bias), arrows labelled with their weight and its value, and the
    output units feeding the loss `root`. `highlight` (nodes or labels) outlines units, inputs or
    weights' arrows. Raises ValueError when the graph has no units, or for a bad option or label.
    """
    check_options(direction, digits)
    nodes = forward_order(root)
    marked = select(nodes, highlight, "highlight")
    units = find_units(nodes)
    if not units:
        raise ValueError(
            "draw: view='network' needs units (a labelled activation of a labelled net input, such as "
            "h1 = σ(net_h1), or a labelled sum of weights times activations); this graph has none"
        )
    layer = _layers(units)
    shown = shown_labels(nodes)  # duplicates told apart, right-to-left labels isolated, as everywhere
    graph_attr = {"rankdir": direction, "fontname": FONT, "nodesep": "0.5", "ranksep": "2.2",
                  "splines": "line", "newrank": "true"}  # fmt: skip
    # weight labels sit on their arrow (labelangle 0), near its start unless said otherwise
    edge_attr = {"fontname": FONT, "labelangle": "0", "labeldistance": "4", "labelfontsize": "11"}
    dot = graphviz.Digraph(graph_attr=graph_attr, node_attr={"fontname": FONT}, edge_attr=edge_attr)
    ids = {node: f"n{k}" for k, node in enumerate(layer)}
    feeds = {source for unit in units.values() for source, _ in unit.weights}
    for depth in sorted(set(layer.values())):
        with dot.subgraph(name=f"layer{depth}", graph_attr={"rank": "same"}) as column:
            for node in sorted((n for n, d in layer.items() if d == depth), key=lambda n: n.seq):
                unit = units.get(node)
                role = "input" if unit is None else ("intermediate" if node in feeds else "loss")
                column.node(ids[node], _circle(node, unit, digits, shown), **_look(role, node in marked))
    fanout = {source: sum(s is source for u in units.values() for s, _ in u.weights) for source in feeds}
    for unit in units.values():
        for source, weight in unit.weights:
            look = {"color": HIGHLIGHT, "penwidth": "2.5"} if weight in marked else {}
            # the label goes at the end where fewer arrows meet, so neighbouring labels stay apart
            end = "headlabel" if fanout[source] > len(unit.weights) else "taillabel"
            if end == "headlabel":  # far enough back that the label leaves the arrowhead clear
                look["labeldistance"] = "5.5"
            dot.edge(ids[source], ids[unit.out], **{end: _weight_label(weight, digits, shown)}, **look)
    outputs = [u.out for u in units.values() if u.out not in feeds]
    if root not in units and root.label:
        dot.node("loss", f"<{html_text(shown[root])}<BR/><FONT POINT-SIZE='10'>{number(root.data, digits)}"
                 "</FONT>>", shape="box", style="rounded,filled", fillcolor=PALETTE["loss"][0],
                 color=PALETTE["loss"][1])  # fmt: skip
        for out in outputs:
            dot.edge(ids[out], "loss", style="dashed", color=MUTED, arrowhead="none")
    caption = (
        title or "Each circle is a unit: net = Σ w·input + b, then its activation. Arrows carry the weights."
    )
    dot.attr(label=html_text(caption), labelloc="b", fontsize="12", fontcolor=MUTED)
    return dot


def _weight_label(weight: Value, digits: int, shown: dict[Value, str]) -> str:
    # on the arrow near its start, on white: arrows into one unit converge, from one source they part
    text = f"{html_text(shown.get(weight, ''))} = {html_text(number(weight.data, digits))}"
    return f"<<TABLE BORDER='0' CELLPADDING='1' BGCOLOR='white'><TR><TD>{text}</TD></TR></TABLE>>"


def _layers(units: dict[Value, Unit]) -> dict[Value, int]:
    """Column of each drawn node: inputs 0, a unit one past its furthest source."""
    layer: dict[Value, int] = {}
    for out in sorted(units, key=lambda n: n.seq):  # forward order: sources come first
        sources = [source for source, _ in units[out].weights]
        for source in sources:
            layer.setdefault(source, 0)
        layer[out] = 1 + max((layer[s] for s in sources), default=0)
    return layer


def _circle(node: Value, unit: Unit | None, digits: int, shown: dict[Value, str]) -> str:
    name = html_text(shown.get(node) or number(node.data, digits))
    lines = [f"<B>{name}</B>"]
    if unit is not None:
        lines.append(f"<FONT POINT-SIZE='10'>{html_text(unit.kind)}</FONT>")
    lines.append(f"<FONT POINT-SIZE='10'>{number(node.data, digits)}</FONT>")
    if unit is not None and unit.biases:
        lines.append(
            f"<FONT POINT-SIZE='9'>+ {html_text(', '.join(shown.get(b, '') for b in unit.biases))}</FONT>"
        )
    return "<" + "<BR/>".join(lines) + ">"


def _look(role: str, marked: bool) -> dict[str, str]:
    fill, border = PALETTE[role]
    look = {"shape": "circle", "style": "filled", "fillcolor": fill, "color": border, "fixedsize": "false"}
    if marked:
        look.update(color=HIGHLIGHT, penwidth="3")
    return look
