"""The slides' δ view: δ = ∂loss/∂net for each unit's net input, then ∂loss/∂w = δ · input."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from ..functional import gradients
from ..graph import forward_order, topological_order
from ..text import equals, factor, fitting_digits, number, number_factor, shown_labels
from ..text import names as _names
from ..units import unit_nets
from ..value import Value
from .chain import derive, direct_link
from .lookup import find_node
from .notebook import DeltaView, Explanation
from .write import Format, as_format, math_labels, write


def delta_view(
    root: Value,
    parameters: Sequence[Value | str] | Value | str,
    format: Format = "text",
    *,
    names: Mapping[str, str] | None = None,
) -> DeltaView:
    """The slides' δ notation: δ = ∂root/∂net for each unit's net input, then ∂root/∂w = δ · input.

    A unit is what `autograd.units` says (the network picture's units too): a labelled activation (σ,
    tanh, ReLU...) of a labelled net input, directly or through unlabelled scaling (σ(λ·e)); δ takes
    the unit's name (δ_o1 = ∂f/∂net_o1). A linear output (a labelled sum of weights times units'
    outputs, such as a softmax's or a regression's input) is a unit too, named by its own label, so the
    output layer's δ is always shown. `names` maps net-input labels to the slide's δ names
    ({"a2_1": "δ_1^(2)"}); a label it names is a net input even where no activation follows it.
    `parameters` are nodes or labels (or one of either). The result is a list of str, one line each
    (in `format`), that Jupyter shows as typeset math. Raises ValueError for a label that no node or
    several nodes have (in `parameters` or `names`) and for a graph with no unit, TypeError for a
    parameter that is neither.
    """
    forward = forward_order(root)
    if isinstance(parameters, (Value, str)):
        parameters = [parameters]
    parameters = [find_node(forward, p, "delta_view") for p in parameters]
    labels = math_labels(forward)
    named = _names(forward)
    top = named[root].wrapped()
    delta = _deltas(forward, names or {})
    if not delta and parameters:
        raise ValueError(
            "delta_view: the graph has no units: δ is ∂root/∂net for a labelled net input under a "
            "labelled activation (net_o1 → σ → out_o1), or a labelled sum of weights times activations; "
            "label them (Value.named), name them with names=, or use explain for this graph"
        )
    depth = _distance_from(root)
    lines = []
    for net in sorted(delta, key=lambda n: (depth[n], n.seq)):  # output layer first, as backprop goes
        head, rest = write(derive(root, net), "text").split(" = ", 1)
        for other, name in delta.items():
            rest = rest.replace(f"∂{top}/∂{named[other].wrapped()} ", f"{name} ")
        lines.append(f"{delta[net]} = {head} = {rest}")
    for w in parameters:
        feeds = [(net, direct_link(net, w)) for net in delta]
        feeds = [(net, f) for net, f in feeds if f is not None]
        if not feeds:
            continue
        grads = gradients(root, [net for net, _ in feeds])
        symbols = " + ".join(f"{delta[net]} · {factor(f.formula)}" for net, f in feeds)
        total = math.fsum(g * f.value for (_, f), g in zip(feeds, grads))
        pairs = [(g, f.value) for (_, f), g in zip(feeds, grads)]
        fit = fitting_digits(lambda read, pairs=pairs: math.fsum(read(a) * read(b) for a, b in pairs), total)
        numbers = " + ".join(
            f"{number_factor(g, fit or 4)} · {number_factor(f.value, fit or 4)}"
            for (_, f), g in zip(feeds, grads)
        )
        lines.append(f"∂{top}/∂{named[w].wrapped()} = {symbols} = {numbers}{equals(fit)}{number(total)}")
    return DeltaView(Explanation(as_format(line, format, labels), line, labels) for line in lines)


def _deltas(forward: list[Value], slide_names: Mapping[str, str]) -> dict[Value, str]:
    """Each unit's net input's δ name (see `autograd.units`): the slide's where `slide_names` gives one,
    else δ_<unit label>."""
    shown = shown_labels(forward)
    delta = {net: f"δ_{shown[unit]}" for unit, net in unit_nets(forward).items()}
    for label, name in slide_names.items():
        delta[find_node(forward, label, "delta_view names")] = name
    return delta


def _distance_from(root: Value) -> dict[Value, int]:
    # the longest path from the root: nodes of one layer share it
    depth = {root: 0}
    for node in topological_order(root):
        for parent in node.parents:
            depth[parent] = max(depth.get(parent, 0), depth[node] + 1)
    return depth
