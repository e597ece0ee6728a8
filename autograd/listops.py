"""Helpers over lists of Values: balanced sum, dot, softmax, log-softmax, logsumexp, maxout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .ops import exp, log, maximum
from .value import Value


def _pairwise(xs: Iterable[Any], combine: Any, name: str) -> Any:
    layer = list(xs)
    if not layer:
        raise ValueError(f"{name}: needs at least one value")
    # Combine neighbours level by level: depth log2(n), so a long sum is not a deep chain.
    while len(layer) > 1:
        paired = [combine(layer[i], layer[i + 1]) for i in range(0, len(layer) - 1, 2)]
        if len(layer) % 2:
            paired.append(layer[-1])
        layer = paired
    return layer[0]


def sum(xs: Iterable[Value | float]) -> Value:
    """Σ xs as a balanced tree of additions (0 for an empty list)."""
    layer = list(xs)
    return _pairwise(layer, _add, "sum") if layer else Value(0.0)


def _add(a: Any, b: Any) -> Any:
    return a + b


def dot(xs: Sequence[Value | float], ys: Sequence[Value | float]) -> Value:
    """Σ xᵢ·yᵢ."""
    if len(xs) != len(ys):
        raise ValueError(f"dot: the lists differ in length ({len(xs)} and {len(ys)})")
    return sum(x * y for x, y in zip(xs, ys))


def maxout(xs: Iterable[Value | float]) -> Value:
    """The largest of xs (the maxout unit), as a balanced tree of max."""
    return _pairwise(xs, maximum, "maxout")


def logsumexp(xs: Iterable[Value | float]) -> Value:
    """log Σ e^xᵢ, computed as m + log Σ e^(xᵢ − m) with m = max xᵢ, so it never overflows."""
    return _logsumexp(list(xs), "logsumexp")


def _logsumexp(xs: list, name: str) -> Value:
    m = _largest(xs, name)
    return log(sum(exp(x - m) for x in xs)) + m


def log_softmax(xs: Iterable[Value | float]) -> list[Value]:
    """xᵢ − logsumexp(xs), without overflow."""
    xs = list(xs)
    lse = _logsumexp(xs, "log_softmax")
    return [x - lse for x in xs]


def softmax(xs: Iterable[Value | float]) -> list[Value]:
    """e^xᵢ / Σ e^xⱼ, with the largest x subtracted first so nothing overflows."""
    xs = list(xs)
    m = _largest(xs, "softmax")
    exps = [exp(x - m) for x in xs]
    total = sum(exps)
    return [e / total for e in exps]


def _largest(xs: list, name: str) -> float:
    # A plain number: shifting by a constant changes neither the result nor the gradient.
    if not xs:
        raise ValueError(f"{name}: needs at least one value")
    return max(x.data if isinstance(x, Value) else x for x in xs)
