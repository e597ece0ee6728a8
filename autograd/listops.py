"""Helpers over lists of Values: balanced sum, dot, softmax, log-softmax, logsumexp, maxout."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from .ops import exp, logaddexp, maximum
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

    The largest shifted score is exactly 0, so L = log(1 + Σ_{i≠argmax} e^(xᵢ − m)) ≥ 0. L is built as
    a balanced tree of logaddexp (log(e^a + e^b), the rule table's): nothing overflows, and a tiny
    e^(xᵢ − m) is kept, not rounded away in 1 + …. The same operations whatever the data (so a trace
    replays), and the right gradient at a tie too (σ(0) = ½ each).
    """
    m = _largest(xs, name)
    shifted = [x - m for x in xs]
    return shifted, _pairwise(shifted, logaddexp, name)


def log_softmax(xs: Iterable[Value | float]) -> list[Value]:
    """xᵢ − logsumexp(xs), computed as (xᵢ − m) − L (see `_shifted`).

    Both parts have the same sign, so nothing cancels: each result keeps full float precision relative
    to the true value, even for scores of 1e16 that differ by less than their rounding.
    """
    shifted, lse = _shifted(list(xs), "log_softmax")
    return [x - lse for x in shifted]


# The unshifted softmax exp(xᵢ) → Σ → ÷ is safe for xᵢ in [EXP_LOW, EXP_HIGH − ln n]: e^−708 = 3.3e−308
# is above the smallest normal float (2.2e−308), so every eᵢ keeps full relative precision, and n terms
# of at most e^(709 − ln n) add up to at most e^709 = 8.2e307, under half the largest float (1.8e308),
# which leaves room for the sum's rounding. Then 1/Σ ≤ e^708 too, so no local gradient overflows.
EXP_LOW = -708.0
EXP_HIGH = 709.0


def softmax(xs: Iterable[Value | float]) -> list[Value]:
    """e^xᵢ / Σⱼ e^xⱼ, built as the slides draw it: eᵢ = exp(xᵢ), Σ = Σⱼ eⱼ, pᵢ = eᵢ / Σ.

    That form is used whenever it can neither overflow nor underflow (`exp_is_safe`: every score in
    [−708, 709 − ln n]). Each eᵢ is then a normal float within an ulp of e^xᵢ, the sum of positive
    terms and the division add a few roundings, so each pᵢ is within (3 + log₂ n) ulps of the true
    value: as precise as the shifted form or more (that one also inherits the rounding of xᵢ − m).
    Otherwise the largest score m (a plain number, so no gradient changes) is subtracted first,
    exp(xᵢ − m): nothing overflows, for any scores.

    The choice reads the scores through comparisons of Values, so `autograd.comparisons()` notes it:
    a replayed trace (nn.fit) checks every sample against it and falls back to the object engine for
    a sample that needs the other form. Raises ValueError for an empty list.
    """
    xs = list(xs)
    if not xs:
        raise ValueError("softmax: needs at least one value")
    if exp_is_safe(xs):
        exps = [exp(x) for x in xs]
    else:
        m = _largest(xs, "softmax")
        exps = [exp(x - m) for x in xs]
    total = sum(exps)
    return [e / total for e in exps]


def exp_is_safe(xs: Sequence[Value | float]) -> bool:
    """Whether exp(xᵢ) → Σ → ÷ computes the softmax of `xs` without overflow or underflow: every xᵢ in
    [EXP_LOW, EXP_HIGH − ln n] (see the constants). Compares Values, so `comparisons()` notes it."""
    high = EXP_HIGH - math.log(len(xs))
    return all(x >= EXP_LOW and x <= high for x in xs)


def _largest(xs: list, name: str) -> float:
    # A plain number: shifting by a constant changes neither the result nor the gradient.
    if not xs:
        raise ValueError(f"{name}: needs at least one value")
    return max(x.data if isinstance(x, Value) else x for x in xs)
