"""The slides' δ view: δ = ∂loss/∂net for each unit's net input, then ∂loss/∂w = δ · input."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..functional import gradients
from ..graph import forward_order, topological_order
from ..render.text import factor, names, number, number_factor
from ..value import Value
from .chain import derive, direct_link
from .lookup import find_node
from .notebook import DeltaView, Explanation
from .write import Format, as_format, write

UNIT_ACTIVATIONS = {"sigmoid", "tanh", "relu", "leaky_relu", "softplus", "step"}


def delta_view(
    root: Value, parameters: Sequence[Value | str] | Value | str, format: Format = "text"
) -> DeltaView:
    """The slides' δ notation: δ = ∂root/∂net for each unit's net input, then ∂root/∂w = δ · input.

    A unit is a labelled activation (σ, tanh, ReLU...) of a labelled net input; δ takes the unit's
    name (δ_o1 = ∂f/∂net_o1). `parameters` are nodes or labels (or one of either). The result is a
    list of str, one line each (in `format`), that Jupyter shows as typeset math. Raises ValueError
    for a label that no node or several nodes have, TypeError for a parameter that is neither.
    """
    forward = forward_order(root)
    if isinstance(parameters, (Value, str)):
        parameters = [parameters]
    parameters = [find_node(forward, p, "delta_view") for p in parameters]
    labels = [n.label for n in forward if n.label]
    named = names(forward)
    top = named[root].wrapped()
    units = {
        n.parents[0]: n
        for n in forward
        if n.op and n.op.name in UNIT_ACTIVATIONS and n.label and n.parents[0].label
    }
    delta = {net: f"δ_{unit.label}" for net, unit in units.items()}
    depth = _distance_from(root)
    lines = []
    for net in sorted(units, key=lambda n: (depth[n], n.seq)):  # output layer first, as backprop goes
        head, rest = write(derive(root, net), "text").split(" = ", 1)
        for other, name in delta.items():
            rest = rest.replace(f"∂{top}/∂{named[other].wrapped()} ", f"{name} ")
        lines.append(f"{delta[net]} = {head} = {rest}")
    for w in parameters:
        feeds = [(net, direct_link(net, w)) for net in units]
        feeds = [(net, f) for net, f in feeds if f is not None]
        if not feeds:
            continue
        grads = gradients(root, [net for net, _ in feeds])
        symbols = " + ".join(f"{delta[net]} · {factor(f.formula)}" for net, f in feeds)
        numbers = " + ".join(
            f"{number_factor(g)} · {number_factor(f.value)}" for (_, f), g in zip(feeds, grads)
        )
        total = math.fsum(g * f.value for (_, f), g in zip(feeds, grads))
        lines.append(f"∂{top}/∂{named[w].wrapped()} = {symbols} = {numbers} = {number(total)}")
    return DeltaView(Explanation(as_format(line, format, labels), line, labels) for line in lines)


def _distance_from(root: Value) -> dict[Value, int]:
    # the longest path from the root: nodes of one layer share it
    depth = {root: 0}
    for node in topological_order(root):
        for parent in node.parents:
            depth[parent] = max(depth.get(parent, 0), depth[node] + 1)
    return depth
