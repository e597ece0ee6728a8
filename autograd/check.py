"""Numerical gradients: central differences, and `check_grads` comparing them with the engine's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import is_real, is_whole
from .functional import grad
from .value import Value, no_grad


class GradientCheckError(AssertionError):
    """The engine's gradient and the numerical one disagree beyond the tolerance."""


def central_difference(f: Callable[..., Any], *xs: float, arg: int = 0, eps: float = 1e-6) -> float:
    """(f(x + eps) − f(x − eps)) / 2eps in argument `arg`: the numerical partial derivative, a float.

    `f` takes len(xs) Values (it runs under no_grad, so no graph is recorded) and returns a Value or a
    number; `arg` counts from 0 (negative from the end), `eps` is the half step. Raises TypeError for an
    `arg` that is not a whole number or an `f` that returns anything else, IndexError for an `arg`
    outside xs, ValueError for an `eps` that is not positive; whatever `f` raises passes through.
    """
    if not is_whole(arg):
        raise TypeError(f"central_difference: arg must be a whole number, got {arg!r}")
    if not -len(xs) <= arg < len(xs):
        raise IndexError(f"central_difference: arg {arg} does not fit {len(xs)} argument(s)")
    if not eps > 0:
        raise ValueError(f"central_difference: eps must be positive, got {eps!r}")
    plus, minus = list(xs), list(xs)
    plus[arg] = xs[arg] + eps
    minus[arg] = xs[arg] - eps
    # f gets Values, as under grad(), so one function serves both; no graph is recorded.
    with no_grad():
        high, low = f(*map(Value, plus)), f(*map(Value, minus))
    name = getattr(f, "__name__", "f")
    return (_as_float(high, name) - _as_float(low, name)) / (2 * eps)


def check_grads(
    f: Callable[..., Any],
    *xs: float,
    order: int = 1,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> None:
    """Check every partial derivative of f at xs, up to `order`, against central differences.

    Raises GradientCheckError naming the argument, both values and the tolerance.
    """
    if order < 1:
        raise ValueError(f"check_grads: order must be at least 1, got {order!r}")
    _check(f, xs, order, eps, rtol, atol, getattr(f, "__name__", "f"))


def _check(f, xs, order, eps, rtol, atol, name) -> None:
    for i in range(len(xs)):
        df = grad(f, i)
        analytic = _as_float(df(*xs), df.__name__)
        numeric = central_difference(f, *xs, arg=i, eps=eps)
        tolerance = atol + rtol * abs(numeric)
        what = f"∂({name})/∂x[{i}]"
        if not abs(analytic - numeric) <= tolerance:
            raise GradientCheckError(
                f"check_grads: {what} at x = {tuple(xs)}: analytic {analytic!r} vs numerical {numeric!r}, "
                f"difference {abs(analytic - numeric):.3g} > tolerance {tolerance:.3g} "
                f"(atol {atol:g} + rtol {rtol:g} × |numerical|)"
            )
        if order > 1:
            _check(df, xs, order - 1, eps, rtol, atol, what)


def _as_float(y: Any, name: str) -> float:
    """What f returned (a Value or a number) as a float; TypeError naming f for anything else."""
    if isinstance(y, Value):
        return y.data
    if not is_real(y):
        raise TypeError(f"{name} must return a number or a Value, got {type(y).__name__} {y!r}")
    return float(y)
