"""Reverse mode's pass over a whole graph: `backward` writes ∂root/∂node into every node's `.grad`.

`Value.backward` and `Value.zero_grad` call this module; it reads node fields only, so it sits below
`value.py`. `autograd.functional.gradients` returns gradients instead of writing them.
"""

from __future__ import annotations

import math
from operator import attrgetter
from typing import Any

from .errors import Overflow, is_real
from .graph import topological_order

_grad_of = attrgetter("grad")


def backward(root: Any, grad: float = 1.0) -> None:
    """Add ∂root/∂node · grad to `.grad` of every node of `root`'s graph (see `Value.backward`).

    Raises TypeError for a grad that is not a finite number, Overflow naming the first node whose
    gradient is not finite.
    """
    if not is_real(grad) or not math.isfinite(grad):
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
                raise_overflow(node)


def zero_grad(root: Any) -> None:
    """Set `.grad` to 0 on every node of `root`'s graph."""
    for node in topological_order(root):
        node.grad = 0.0


def raise_overflow(node: Any) -> None:
    """Raise Overflow for a node whose gradient is not a finite float."""
    raise Overflow(
        f"backward: the gradient of {node.describe()} overflows a float; the graph multiplies "
        "local gradients whose product is too large (rescale the inputs)"
    )
