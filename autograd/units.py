"""What a unit (a neuron) of a computation graph is, defined once: the δ view and the network picture
both read it here.

A unit computes a net input, Σ w·x + b, then an activation. In the graph it is one of:

- a labelled activation (an op the rule table marks `activation`: σ, tanh, ReLU…) of a labelled
  computed net input, reached directly (h1 = σ(net_h1)) or through unlabelled scaling, where exactly one
  labelled computed node lies under it (three-layer's y_n = σ(λ·e_n), net input e_n);
- a linear unit: a labelled computed node, not one of those nor their net input, whose own
  computation (through unlabelled nodes) multiplies a labelled leaf, the weight, by a unit's output (a
  softmax's input, a regression's output). Its net input is itself.

Reads node fields only (label, op, parents), as `graph.py` does; nothing is computed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def unit_nets(forward: Iterable[Any]) -> dict[Any, Any]:
    """Every unit of a graph given in forward order: {output node: net input node}, activations first
    then linear units, each in forward order. A linear unit's net input is its output node."""
    nodes = list(forward)
    units: dict[Any, Any] = {}
    for node in nodes:
        if node.op is not None and node.op.activation and node.label:
            net = _net_input(node.parents[0])
            if net is not None:
                units[node] = net
    nets = set(units.values())
    for node in nodes:
        candidate = node.label and node.op is not None and node not in units and node not in nets
        if candidate and any(_weighs(product, units) for product in products(node)):
            units[node] = node
    return units


def region(net: Any) -> list[Any]:
    """`net` and the nodes under it through unlabelled nodes, with the labelled nodes at its edge."""
    seen, stack, order = set(), [net], []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        if node is net or not node.label:
            stack.extend(reversed(node.parents))
    return order


def products(net: Any) -> list[Any]:
    """The products of two nodes inside `net`'s computation: `net` itself or its unlabelled nodes."""
    return [
        node
        for node in region(net)
        if (node is net or not node.label) and node.op is not None and node.op.name == "mul"
        and len(node.parents) == 2
    ]  # fmt: skip


def _net_input(node: Any) -> Any | None:
    # the activation's argument, or the one labelled computed node under its unlabelled scaling
    if node.label:
        return node if node.op is not None else None
    found = [n for n in region(node) if n.label and n.op is not None]
    return found[0] if len(found) == 1 else None


def _weighs(product: Any, units: dict[Any, Any]) -> bool:
    # a labelled leaf (the weight) times a unit's output
    a, b = product.parents
    return any(x in units and w.label and w.op is None for x, w in ((a, b), (b, a)))
