"""Gradients returned rather than written: `gradients(output, wrt)` (PyTorch's `torch.autograd.grad`),
and JAX-style transforms of functions of floats, `grad(f)` and `value_and_grad(f)`, to any order."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .backward import raise_overflow
from .errors import is_real, is_whole
from .graph import leading_to, topological_order
from .value import Value, set_grad_enabled

_tracing = 0  # how many transforms (grad, jvp) are running f right now


@contextmanager
def inside_transform() -> Iterator[None]:
    """Run a function the way an outer transform does: inside the block, grad(g) returns Values.

    Those Values are graphs (made with create_graph=True), so the outer transform (grad, or jvp for
    forward over reverse) can differentiate them again.
    """
    global _tracing
    _tracing += 1
    try:
        yield
    finally:
        _tracing -= 1


def gradients(
    output: Value, wrt: Value | Sequence[Value], create_graph: bool = False
) -> float | Value | list:
    """∂output/∂x for each x in `wrt` (one Value or a sequence), without touching `.grad`.

    Returns one gradient for one Value, a list for a sequence: floats, or with `create_graph=True`
    Values, themselves graphs that can be differentiated again. A node that `output` does not depend
    on gets gradient 0. Raises TypeError for a `wrt` that holds something else than Values, Overflow
    naming the node whose gradient is not finite.
    """
    single = isinstance(wrt, Value)
    targets = [wrt] if single else list(wrt)
    for t in targets:
        if not isinstance(t, Value):
            raise TypeError(f"gradients: wrt must hold Values, got {type(t).__name__} {t!r}")
    nodes = topological_order(output)
    relevant = leading_to(reversed(nodes), targets)
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
                raise_overflow(t)
    return result[0] if single else result


def value_and_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., tuple[Any, Any]]:
    """A function returning (f(*args), ∂f/∂args[argnums]); a tuple of gradients for a tuple argnums.

    `argnums` picks positional arguments. Keyword arguments reach f as given and are not differentiated
    (as in HIPS autograd and JAX): `grad(f, argnums=(3, 1))(a, b, c, d, scale=2.0)`.
    Called from inside another transform (grad(grad(f))) it returns Values, so the outer transform
    can differentiate the gradient: that is how second and higher derivatives work.
    """
    several = not isinstance(argnums, int)
    positions = tuple(argnums) if several else (argnums,)

    def value_and_grad_f(*args: Any, **keywords: Any) -> tuple[Any, Any]:
        for i in positions:
            if not is_whole(i):
                raise TypeError(f"grad: argnums must be whole numbers, got {argnums!r}")
            if not -len(args) <= i < len(args):
                raise IndexError(f"grad: argnums {argnums!r} does not fit {len(args)} argument(s)")
        nested = _tracing > 0
        # Every number reaches f as a Value, so f may use Value methods (x.tanh()) on any argument.
        inputs = [Value(a) if is_real(a) else a for a in args]
        for i in positions:
            inputs[i] = _fresh_input(args[i], i)
        with set_grad_enabled(True):
            with inside_transform():
                out = f(*inputs, **keywords)
            if isinstance(out, Value):
                grads = gradients(out, [inputs[i] for i in positions], create_graph=nested)
            elif is_real(out):
                grads = [Value(0.0) if nested else 0.0 for _ in positions]  # f ignores its inputs
            else:
                name = getattr(f, "__name__", "f")
                raise TypeError(f"grad: {name} must return one number (a Value), got {type(out).__name__}")
        value = out if nested or not isinstance(out, Value) else out.data
        return value, (tuple(grads) if several else grads[0])

    return value_and_grad_f


def grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """The function ∂f/∂args[argnums]; `grad(grad(f))` is the second derivative, and so on.

    Keyword arguments pass through to f undifferentiated, as in value_and_grad.
    """
    vg = value_and_grad(f, argnums)

    def grad_f(*args: Any, **keywords: Any) -> Any:
        return vg(*args, **keywords)[1]

    grad_f.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    return grad_f


def _fresh_input(x: Any, position: int) -> Value:
    if isinstance(x, Value):
        # A node of its own that still depends on x, so that an outer transform sees through it
        # while this one differentiates with respect to this argument only.
        return x + 0.0
    if not is_real(x):
        raise TypeError(f"grad: argument {position} must be a number, got {type(x).__name__} {x!r}")
    return Value(x, label=f"x{position}")
