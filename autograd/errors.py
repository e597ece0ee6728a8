"""The engine's errors, how their messages name operands and nodes, and the checks of plain numbers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from typing import Any


class DomainError(ValueError):
    """An operation was given an input outside its domain, or its result is not a finite number."""


class ZeroDivision(DomainError, ZeroDivisionError):
    """Division by zero (or zero to a negative power) inside the graph."""


class Overflow(DomainError, OverflowError):
    """A result too large for a float."""


DIVISION_BY_ZERO = "division by zero"  # a domain message holding this raises ZeroDivision


def describe_operands(
    xs: Sequence[float], params: Mapping[str, Any], describe: Callable[[int], str] | None
) -> str:
    """The operands of a failed operation as `a = 0.5 (node 'x'), n = 2`: values, node names, settings."""
    names = "ab"
    parts = []
    for i, x in enumerate(xs):
        where = f" ({describe(i)})" if describe else ""
        parts.append(f"{names[i]} = {x!r}{where}")
    parts += [f"{k} = {v!r}" for k, v in params.items()]
    return ", ".join(parts)


def is_real(x: object) -> bool:
    """Whether `x` is a real number and not a bool (True is an int to Python, never a number to us)."""
    return isinstance(x, Real) and not isinstance(x, bool)


def is_whole(x: object) -> bool:
    """Whether `x` is an int and not a bool."""
    return isinstance(x, int) and not isinstance(x, bool)
