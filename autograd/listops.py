"""Helpers over lists of Values: balanced sum, dot, softmax, log-softmax, logsumexp, maxout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .ops import absolute, exp, maximum, softplus
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
    """log Σ e^xᵢ as m + L, with m = max xᵢ and L the log-sum-exp of xᵢ − m (see `_shifted`): no overflow."""
    xs = list(xs)
    _, lse = _shifted(xs, "logsumexp")
    return lse + _largest(xs, "logsumexp")


def _shifted(xs: list, name: str) -> tuple[list, Any]:
    """([xᵢ − m], log Σ e^(xᵢ − m)) with m = max xᵢ, precise to a few ulps of the true value.

    The largest shifted score is exactly 0, so L = log(1 + Σ_{i≠argmax} e^(xᵢ − m)) ≥ 0. L is built
    pairwise as log(e^a + e^b) = max(a, b) + softplus(−|a − b|): nothing overflows, and a tiny
    e^(xᵢ − m) is kept, not rounded away in 1 + ….
    """
    m = _largest(xs, name)
    shifted = [x - m for x in xs]
    return shifted, _pairwise(shifted, _log_add_exp, name)


def _log_add_exp(a: Any, b: Any) -> Any:
    # max(a, b) + softplus(−|a − b|): the same operations whatever the data (so a trace replays), and
    # the right gradient at a tie too (½ each: max splits it, |·|′(0) = 0).
    return maximum(a, b) + softplus(-absolute(a - b))


def log_softmax(xs: Iterable[Value | float]) -> list[Value]:
    """xᵢ − logsumexp(xs), computed as (xᵢ − m) − L (see `_shifted`).

    Both parts have the same sign, so nothing cancels: each result keeps full float precision relative
    to the true value, even for scores of 1e16 that differ by less than their rounding.
    """
    shifted, lse = _shifted(list(xs), "log_softmax")
    return [x - lse for x in shifted]


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
