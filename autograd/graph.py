"""Walks over a computation graph that read node fields only (`_a`, `_b`: the parents; `seq`).

Nothing here imports `Value`, so the modules below it (the backward pass) and above it (the views)
share one definition of each order. Iterative: a graph of any depth works.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import Any

_creation_order = attrgetter("seq")


def topological_order(root: Any) -> list[Any]:
    """Every node of `root`'s graph, `root` first and each node before its parents.

    This is the reverse of the order in which the nodes were created (a node's parents always exist
    before it), so the backward pass visits nodes in exactly the reverse order of the forward pass.
    Raises TypeError when `root` is not a graph node.
    """
    if not hasattr(root, "seq") or not hasattr(root, "_a"):
        raise TypeError(f"expected a Value, got {type(root).__name__} {root!r}")
    seen = {root}
    stack = [root]
    nodes = [root]
    while stack:
        node = stack.pop()
        # The parent slots, read directly: `parents` would build a tuple per node on the hot path.
        a = node._a
        if a is not None:
            if a not in seen:
                seen.add(a)
                stack.append(a)
                nodes.append(a)
            b = node._b
            if b is not None and b not in seen:
                seen.add(b)
                stack.append(b)
                nodes.append(b)
    nodes.sort(key=_creation_order, reverse=True)
    return nodes


def forward_order(root: Any) -> list[Any]:
    """Every node of `root`'s graph in creation order: each node after its parents, `root` last."""
    nodes = topological_order(root)
    nodes.reverse()
    return nodes


def leading_to(forward: Iterable[Any], targets: Iterable[Any]) -> set[Any]:
    """The nodes of `forward` (in forward order) from which some target can be reached, targets included."""
    relevant = set(targets)
    for node in forward:  # parents before children
        if node not in relevant and any(p in relevant for p in node.parents):
            relevant.add(node)
    return relevant


def teaching_order(root: Any) -> list[Any]:
    """A reverse topological order of `root`'s graph that follows the slides' derivations.

    Any order in which each node comes after every node that uses it gives the right gradients. This
    one shows a gradient as soon as it is complete, and goes on along the path just finished: after
    δ_o1 = ∂f/∂net_o1 come w5 and w6 (∂f/∂w5 = δ_o1·h1), as the first deck derives them, rather than
    every weight at the end. Leaves (inputs, weights) come the moment their gradient is complete;
    among computed nodes the most recently completed goes first (depth first), first operands first.
    """
    nodes = topological_order(root)
    waiting = dict.fromkeys(nodes, 0)  # how many distinct users have not been visited yet
    for node in nodes:
        for parent in _distinct_parents(node):
            waiting[parent] += 1
    order = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        completed = []
        for parent in _distinct_parents(node):
            waiting[parent] -= 1
            if waiting[parent] == 0:
                completed.append(parent)
        order.extend(p for p in completed if p._a is None)  # leaves: shown as soon as complete
        stack.extend(reversed([p for p in completed if p._a is not None]))
    return order


def _distinct_parents(node: Any) -> list[Any]:
    a, b = node._a, node._b
    if a is None:
        return []
    return [a] if b is None or b is a else [a, b]
