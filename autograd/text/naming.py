"""A name for every node of a graph: its label, a constant's value, or the expression that made it.

A `Name` is text with the precedence it binds at, so that an expression puts brackets only where they
are needed (`w5·h1 + b`, `(a + b)·c`); `expression` writes an operation with its operands' names (or
numbers) as the slides do, and `names` names every node of a graph once, long expressions in short.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import is_whole
from ..value import Value
from .labels import ELLIPSIS, isolated, shown_labels
from .numbers import DIGITS, MINUS, constant, number, superscript

# Labels that read as one symbol: w5, net_o1, L1.W_12,3, ŷ, and the slides' w_(x1)1 or z_i^(3) (brackets
# that pair up inside the label, not around an expression).
_ATOMIC_LABEL = re.compile(r"[\w.,'′^\[\]{}]+(?:\([\w.,'′^]+\)[\w.,'′^\[\]{}]*)*")


MAX_NAME = 28  # longer expressions are named in short (`w1·x1 + 2 more`, `σ(…)`): a box stays a box


ATOM = 9  # the precedence of a name that never needs parentheses


_INFIX = {"add": ("+", 1), "sub": (MINUS, 1), "mul": ("·", 2), "div": ("/", 2), "pow_value": ("^", 3)}


@dataclass(frozen=True)
class Name:
    """How a node is written in pictures and captions, with the precedence its text binds at."""

    text: str
    precedence: int = ATOM
    derived: bool = False  # not the node's own label: an expression or a constant's value
    short: bool = False  # a long expression written in short (`short_name`)

    def wrapped(self, precedence: int = ATOM) -> str:
        """The text, parenthesised when it binds looser than `precedence`."""
        return f"({self.text})" if self.precedence < precedence else self.text


def _written_number(text: str) -> Name:
    # bracketed by its text, not its value: a constant −0.0 is written −0 (and the number −0.0 as 0), and
    # −(−0) is what a reader writes; the page's templates bracket by the same test (autograd.page.data)
    return Name(text, 1 if text.startswith(MINUS) else ATOM, derived=True)


def number_name(x: float, digits: int) -> Name:
    """A constant's name: its value (a negative number is parenthesised inside products and powers)."""
    return _written_number(number(x, digits))


def constant_name(x: float, digits: int) -> Name:
    """A constant's or a setting's name: its value as written (see `constant`), bracketed like a number:
    a constant −0.0 is written −0 and bracketed as a negative number is, −(−0) and x·(−0)."""
    return _written_number(constant(x, digits))


def _is_number(text: str) -> bool:
    # a number as `number_name` writes it, or a template's slot for one (a private-use character: the
    # page's number templates, autograd.page.data)
    if len(text.lstrip(MINUS)) == 1 and "\ue000" <= text.lstrip(MINUS) <= "\uf8ff":
        return True
    try:
        float(text.replace(MINUS, "-"))
    except ValueError:
        return False
    return True


def expression(node: Value, operands: Sequence[Name], digits: int, tight: bool = True) -> Name:
    """`node`'s operation written with `operands` (parents' names or values): `w5·h1`, `σ(net_o1)`.

    `tight=True` for names: products without spaces. `tight=False` for numbers (every operand is a
    number, a negative one with precedence 1 as `number_name` makes it): spaced (0.4 · 0.5933), and a
    negative number is bracketed as `number_factor` does it, bare only in front (−0.3 · 0.5 + (−0.2)).
    """
    op = node.op
    params = node.params or {}
    if op.name in _INFIX:
        symbol, prec = _INFIX[op.name]
        right_prec = prec + 1 if op.name in ("sub", "div", "pow_value") else prec
        left_prec = prec + 1 if op.name == "pow_value" else prec
        if not tight and op.name != "pow_value":
            # a number: a negative one bare in front, bracketed after; a sum of numbers inside a
            # product is bracketed by precedence, as a name would be: (−2 + 5) · (−4)
            left_prec = 1 if _is_number(operands[0].text) else left_prec
            right_prec = 2 if _is_number(operands[1].text) else right_prec
        a, b = operands
        right = b.wrapped(right_prec)
        if right.startswith(MINUS):  # a minus right after an operator is bracketed: x + (−1), x − (−y)
            right = f"({right})"
        space = " " if prec == 1 or not tight else ""  # w5·h1 + w6·h2, as on a slide
        return Name(f"{a.wrapped(left_prec)}{space}{symbol}{space}{right}", prec, True)
    if op.name == "neg":
        return Name(f"{MINUS}{operands[0].wrapped(3)}", 1, True)  # binds like a sum: x·(−y)
    if op.name == "pow":
        return Name(power(operands[0].wrapped(4), params["n"], digits), 3, True)
    if op.name == "abs":
        return Name(f"|{operands[0].text}|", ATOM, True)
    args = ", ".join(o.text for o in operands)
    extra = "".join(f", {k}={number(v, digits)}" for k, v in params.items())
    return Name(f"{op.symbol}({args}{extra})", ATOM, True)


def power(base: str, n: float, digits: int = DIGITS) -> str:
    """`base` to the power `n` as the slides write it: x², x³, x⁻¹; x^0.5 where Unicode has no digits."""
    if is_whole(n) or (isinstance(n, float) and n.is_integer() and abs(n) < 1e6):
        return f"{base}{superscript(int(n))}"
    return f"{base}^{number_name(n, digits).wrapped()}"


def names(nodes: Sequence[Value], digits: int = DIGITS) -> dict[Value, Name]:
    """A name for every node (given in forward order): its label, a constant's value, or an expression.

    An unlabelled computed node is named by the expression that made it (`w5·h1`); when that would be
    longer than MAX_NAME characters, by a short form of it (see `short_name`). Labels are shown as
    `shown_labels` writes them: a label several nodes share is told apart (`h`, `h (2)`) with a warning,
    and a right-to-left one is isolated. No picture or caption shows an internal id.
    """
    labels = shown_labels(nodes)
    result: dict[Value, Name] = {}
    ends: dict[Value, tuple[Value, int]] = {}  # each chain's first operand and length, from its parents'
    for node in nodes:
        if node.op is not None and not node.label and node.op.name in ("add", "mul"):
            ends[node] = _chain_ends(node, ends)
        if node.label:  # an empty label names nothing
            # A label such as "my x" or "a+b" is parenthesised wherever it is put into an expression.
            atomic = _ATOMIC_LABEL.fullmatch(node.label) and labels[node] == isolated(node.label)
            result[node] = Name(labels[node], ATOM if atomic else 0)
        elif node.op is None:
            result[node] = constant_name(node.data, digits)
        else:
            name = expression(node, [result[p] for p in node.parents], digits)
            # A chain that holds a shortened part is shortened as a whole: never `a + 1 more + b`.
            if len(name.text) > MAX_NAME or any(result[p].short and p.op is node.op for p in node.parents):
                name = short_name(node, result, digits, ends)
            result[node] = name
    return result


def short_name(
    node: Value,
    named: dict[Value, Name],
    digits: int = DIGITS,
    ends: dict[Value, tuple[Value, int]] | None = None,
) -> Name:
    """A name of at most about MAX_NAME characters for an unlabelled node whose expression is longer.

    A sum or product of an unlabelled chain (an MLP's net input) is named by its first term and a count
    (`L2.W_11·L1.h_1 + 2 more`, `x·… (4 factors)`), or by the count alone (`Σ 3 terms`, `∏ 4 factors`);
    any other operation keeps its shape with long operands written `…` (`σ(…)`, `(…)²`). `ends` holds
    each chain's first operand and length where they are known already (`names` keeps them: a sum of
    2,000 terms is named in time linear in its size, not quadratic).
    """
    if node.op.name in ("add", "mul"):
        start, count = (ends or {}).get(node) or _chain_ends(node, ends or {})
        first = named[start].wrapped(1 if node.op.name == "add" else 2)
        if node.op.name == "add":
            text, short = f"{first} + {count - 1} more", f"Σ {count} terms"
        else:
            text, short = f"{first}·{ELLIPSIS} ({count} factors)", f"∏ {count} factors"
        return Name(text if len(text) <= MAX_NAME else short, 1, True, short=True)
    elided = Name(ELLIPSIS)
    operands = [elided if named[p].derived and p.op is not None else named[p] for p in node.parents]
    name = expression(node, operands, digits)
    if len(name.text) > MAX_NAME:
        name = expression(node, [elided] * len(operands), digits)
    return Name(name.text, name.precedence, True, short=True)


def _chain_ends(node: Value, ends: dict[Value, tuple[Value, int]]) -> tuple[Value, int]:
    """The first operand and the number of operands of `node`'s chain (see `_chain`), from those of
    the parents in `ends` (each parent's chain otherwise walked)."""
    first, count = None, 0
    for parent in node.parents:
        if parent.op is node.op and not parent.label:
            if parent not in ends:
                terms = _chain(parent)
                ends[parent] = (terms[0], len(terms))
            start, n = ends[parent]
        else:
            start, n = parent, 1
        first = start if first is None else first
        count += n
    return first, count


def _chain(node: Value) -> list[Value]:
    """The operands of a chain of one associative operation through unlabelled nodes, left to right."""
    terms, stack = [], [node]
    while stack:
        current = stack.pop()
        if current is node or (current.op is node.op and not current.label):
            stack.extend(reversed(current.parents))
        else:
            terms.append(current)
    return terms
