"""Reverse mode: topological order, `backward` (writes `.grad`) and `gradients` (returns them)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from operator import attrgetter

from .ops import Overflow
from .value import Value, set_grad_enabled

_creation_order = attrgetter("seq")
_grad_of = attrgetter("grad")


def topological_order(root: Value) -> list[Value]:
    """Every node of `root`'s graph, `root` first and each node before its parents.

    This is the reverse of the order in which the nodes were created (a node's parents always exist
    before it), so the backward pass visits nodes in exactly the reverse order of the forward pass.
    Iterative: any depth works.
    """
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value, got {type(root).__name__} {root!r}")
    seen = {root}
    stack = [root]
    nodes = [root]
    while stack:
        node = stack.pop()
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


def backward(root: Value, grad: float = 1.0) -> None:
    """Add ∂root/∂node · grad to `.grad` of every node of `root`'s graph (see `Value.backward`)."""
    if isinstance(grad, bool) or not isinstance(grad, Real) or not math.isfinite(grad):
        raise TypeError(f"backward: grad must be a finite number, got {grad!r}")
    nodes = topological_order(root)
    # This pass's gradients are computed from zero and then added to what the nodes held, so that
    # accumulating across calls never feeds an old gradient through the chain rule a second time.
    previous = list(map(_grad_of, nodes))
    accumulating = any(previous)
    if accumulating:
        for node in nodes:
            node.grad = 0.0
    root.grad = float(grad)
    for node in nodes:
        g = node.grad
        if g:
            a = node._a
            if a is not None:
                a.grad += node._da * g
                b = node._b
                if b is not None:
                    b.grad += node._db * g
    if accumulating:
        for node, old in zip(nodes, previous):
            node.grad += old
    total = sum(map(_grad_of, nodes))
    if total - total:  # some gradient is inf or nan (or the finite ones only overflow when summed)
        for node in nodes:
            if not math.isfinite(node.grad):
                _raise_overflow(node)


def _raise_overflow(node: Value) -> None:
    raise Overflow(
        f"backward: the gradient of {node.describe()} overflows a float; the graph multiplies "
        "local gradients whose product is too large (rescale the inputs)"
    )


def gradients(
    output: Value, wrt: Value | Sequence[Value], create_graph: bool = False
) -> float | Value | list:
    """∂output/∂x for each x in `wrt` (one Value or a sequence), without touching `.grad`.

    With `create_graph=True` the gradients are Values, themselves graphs that can be differentiated
    again. A node that `output` does not depend on gets gradient 0.
    """
    single = isinstance(wrt, Value)
    targets = [wrt] if single else list(wrt)
    for t in targets:
        if not isinstance(t, Value):
            raise TypeError(f"gradients: wrt must hold Values, got {type(t).__name__} {t!r}")
    nodes = topological_order(output)
    relevant = _leading_to(nodes, targets)
    grads: dict[Value, float | Value] = {output: 1.0}
    with set_grad_enabled(create_graph):
        for node in nodes:
            if node not in relevant or not node.parents:
                continue
            g = grads[node]
            if create_graph:
                local = node.op.local_grads(*node.parents, out=node, **(node.params or {}))
            else:
                local = node.local
            for parent, d in zip(node.parents, local):
                if parent in relevant:
                    term = g if (d.__class__ is float and d == 1.0) else d * g
                    grads[parent] = grads[parent] + term if parent in grads else term
    result = [grads.get(t, 0.0) for t in targets]
    if create_graph:
        result = [g if isinstance(g, Value) else Value(g) for g in result]
    else:
        for t, g in zip(targets, result):
            if not math.isfinite(g):
                _raise_overflow(t)
    return result[0] if single else result


def _leading_to(nodes: list[Value], targets: list[Value]) -> set[Value]:
    """The nodes from which some target can be reached (the targets included)."""
    relevant = set(targets)
    for node in reversed(nodes):  # parents before children
        if node not in relevant:
            for parent in node.parents:
                if parent in relevant:
                    relevant.add(node)
                    break
    return relevant
