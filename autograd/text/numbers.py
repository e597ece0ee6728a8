"""Numbers as every view writes them: significant digits, constants in full, the digits a line needs.

A line such as `0.4 · 0.5933 = 0.2373` must hold when read back: `fitting_digits` finds the fewest digits
for its operands to give its printed result, and `equals` writes ≈ where none do. A constant the user
wrote (1.0004) is written in full and read exactly (`constant`, `constant_text`). Nothing here knows a
graph: these functions take floats and text.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable
from fractions import Fraction

from ..errors import is_whole
from ..notation import NotationError, evaluator

DIGITS = 4  # significant digits of every number a view writes, unless its caller asks for others
MAX_DIGITS = 17  # enough to write any double so that it reads back exactly (IEEE 754-2008, §5.12.2)
MINUS = "−"  # U+2212: the typographic minus the rule table's formulas use


def check_digits(digits: object, name: str = "digits") -> None:
    """Refuse a number of significant digits that `number` cannot write: not a whole number 1…17.

    `name` is how the caller's user knows the setting (`--digits`, `deck: digits`). Raises ValueError.
    """
    if not is_whole(digits) or not 1 <= digits <= MAX_DIGITS:
        raise ValueError(f"{name} must be a whole number from 1 to {MAX_DIGITS}, got {digits!r}")


def number(x: float, digits: int = DIGITS) -> str:
    """`x` to `digits` significant digits, with a real minus sign (0.1385, −0.0381, 1.5e−5)."""
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", MINUS)


EXTRA_DIGITS = 4  # a line's operands get up to this many digits more than its result; past that it says ≈


def rounded(x: float, digits: int = DIGITS) -> float:
    """The number a reader gets back from `number(x, digits)`."""
    return float(f"{x:.{digits}g}")


def fitting_digits(
    evaluate: Callable[[Callable[[float], float]], float], result: float, digits: int = DIGITS
) -> int | None:
    """The fewest digits (from `digits` up to `digits` + EXTRA_DIGITS) to print a line's operands with so
    that they give its printed result; None when even those do not (the line then writes ≈ before it).

    `evaluate(read)` computes the line's right side from its operands, each passed through `read` (the
    number a reader gets back from the printed operand); it is compared with `number(result, digits)`.
    """
    target = number(result, digits)
    if not math.isfinite(result):
        return digits
    for d in range(digits, digits + EXTRA_DIGITS + 1):
        try:
            # the line computed in floats from its printed operands; below the normal range those
            # floats round more coarsely than the printed digits (5.607e−160 · 9.407e−160): ≈ there too
            if rounds_to(_held(evaluate(lambda x, d=d: _read(x, d))), target, digits):
                return d
        except (ArithmeticError, ValueError):
            return None
    return None


def _read(x: float, digits: int) -> float:
    """`rounded(x, digits)`, or ArithmeticError where floats cannot hold the printed number (`_held`)."""
    return _held(rounded(x, digits))


def _held(y: float) -> float:
    """`y`, a number read back from a line, or ArithmeticError where floats cannot hold it as printed:
    below the normal range (4.941e−324 reads back as 5e−324), where sums of printed numbers are not float
    sums. Every number a line's digits are fitted with passes here: the operands `fitting_digits` rounds,
    constants (`read_constant`) and constant local gradients (`read_fixed`), and the line's result as
    computed from them, so such a line writes ≈."""
    if 0 < abs(y) < sys.float_info.min:
        raise ArithmeticError("a subnormal number is not read back as printed")
    return y


def rounds_to(x: float, target: str, digits: int = DIGITS) -> bool:
    """Whether `x` prints as `target`, clear of a rounding tie: a value computed in floats from printed
    numbers may sit a hair off a tie (3.4685) that exact arithmetic puts on it, so both sides must agree."""
    if 0 < abs(x) < 1e-290 and target != "0":  # a subnormal has too few bits for a relative margin
        return rounds_to(x * 1e300, number(float(target.replace(MINUS, "-")) * 1e300, digits), digits)
    return all(number(x * (1 + s * 1e-9), digits) == target for s in (-1, 1))


def equals(d: int | None) -> str:
    """The sign before a line's result: = when its printed operands give it, ≈ when they are rounded."""
    return " = " if d is not None else " ≈ "


EXACT_DIGITS = 12  # a constant of at most this many digits is written in full: 1.0001, not 1


def is_exact(x: float) -> bool:
    """Whether `constant` writes `x` in full (its shortest form has at most EXACT_DIGITS digits)."""
    if not math.isfinite(x):
        return False
    mantissa = repr(float(x)).split("e")[0].lstrip("-").replace(".", "").strip("0")
    # a subnormal's shortest form is far from its value (5e−324 is 4.94…e−324): it is not given in full
    near = abs(Fraction(repr(float(x))) - Fraction(x)) <= abs(Fraction(x)) * Fraction(1, 2**52)
    return len(mantissa) <= EXACT_DIGITS and near


def constant(x: float, digits: int = DIGITS) -> str:
    """A constant's value as the user wrote it (its shortest form, see `is_exact`), else to `digits`."""
    if not is_exact(x):
        return number(x, digits)
    text = repr(float(x))
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa.removesuffix('.0')}e{int(exponent)}"
    return text.removesuffix(".0").replace("-", MINUS)


def number_factor(x: float, digits: int = DIGITS, first: bool = False) -> str:
    """`x` as a factor of a product: a negative number is parenthesised unless it comes first."""
    text = number(x, digits)
    return text if first or x >= 0 else f"({text})"


def read_constant(x: float, digits: int = DIGITS) -> float:
    """The number a reader gets back from a constant's name (`constant`); ArithmeticError below the
    normal range, as for every printed number (`_held`): 5e−324 is named 4.941e−324, read back as 5e−324."""
    return _held(x if is_exact(x) else rounded(x, digits))


_SUPERSCRIPT = str.maketrans("0123456789" + MINUS, "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


_UNSUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789" + MINUS)


def superscript(n: int) -> str:
    """A whole number in superscript digits: 2 -> ², −1 -> ⁻¹."""
    return str(n).replace("-", MINUS).translate(_SUPERSCRIPT)


_NUMERIC_SIDE = re.compile(r"[\d.e−+·/() ⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")


_POWER = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")


def numeric_value(side: str) -> float | None:
    """What a side written in numbers only (`1.0004 · 1.0004`, `1.0001¹⁰⁰⁰⁰`) computes to; None for any
    other text (names, calls, `…`). Read with the rule table's own parser (`autograd.notation`)."""
    if not _NUMERIC_SIDE.fullmatch(side) or not re.search(r"\d", side):
        return None
    text = _POWER.sub(lambda m: "^(" + m[0].translate(_UNSUPERSCRIPT) + ")", side)
    text = re.sub(r"(?<=\d)e(−?\d+)", r"·10^(\1)", text)
    try:
        return evaluator(text)()
    except (NotationError, ArithmeticError, ValueError):
        return None


def checked_side(side: str, value: float, digits: int = DIGITS) -> str:
    """`side` of a line whose result is `value`, or "" when it is written in numbers only (names of
    rounded constants: `1.49·1.49`) that do not give the printed result; the fitted numbers side says it."""
    computed = numeric_value(side)
    if computed is None or not math.isfinite(value) or rounds_to(computed, number(value, digits), digits):
        return side
    return ""


_CONSTANT_TEXT = re.compile(r"−?\d+(?:\.\d+)?(?:e−?\d+)?")


def constant_text(text: str, value: float) -> str | None:
    """`text` when it is one number written in full (a constant as `constant` writes it, or a rule's
    1 or −1) that is exactly `value`, else None.

    Every view asks this of a local gradient (`formula` text and `node.local[i]`): x·1.0004's ∂/∂x is
    the constant 1.0004, so it is written as given (never rounded to 1) and read exactly when a line's
    digits are fitted (see `fitting_digits`).
    """
    if _CONSTANT_TEXT.fullmatch(text) and numeric_value(text) == value and is_exact(value):
        return text
    return None


def value_factor(x: float, digits: int, fixed: str | None = None, first: bool = False) -> str:
    """A factor of a line's numbers: `fixed` (a constant's text, see `constant_text`) where there is one,
    else `x` to `digits`; a negative one parenthesised unless it comes first."""
    if fixed is None:
        return number_factor(x, digits, first)
    return fixed if first or not fixed.startswith(MINUS) else f"({fixed})"


def read_fixed(read: Callable[[float], float], x: float, fixed: str | None) -> float:
    """What a reader gets back from a factor printed by `value_factor`: a constant exactly (`_held`)."""
    return _held(x) if fixed is not None else read(x)
