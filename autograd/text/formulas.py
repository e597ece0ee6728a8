"""The rule table's formulas with the nodes' names put in: `∂o1/∂net_o1 = o1·(1 − o1)`.

Nothing here knows any calculus: local derivatives come from the rule table (`op.formula`, read with
its own parser, autograd.notation) and their values from the engine (`node.local`). A rule written as
a conditional (`1 if a > 0 else slope`) is written with Iverson brackets (`[a > 0] + slope·[a ≤ 0]`).
"""

from __future__ import annotations

import re
from functools import cache

from ..notation import Node, NotationError, evaluator, parse, spelled
from ..value import Value
from .naming import Name, constant_name, expression, number_name, power
from .numbers import (
    DIGITS,
    MINUS,
    constant_text,
    equals,
    fitting_digits,
    number,
    read_constant,
)


def formula(node: Value, index: int, named: dict[Value, Name], digits: int = DIGITS) -> str:
    """The rule table's ∂node/∂(input `index`), with the nodes' names put in: `o1·(1 − o1)`."""
    values = {"out": named[node].wrapped()}
    for letter, parent in zip("ab", node.parents):
        values[letter] = named[parent].wrapped()
    for key, value in (node.params or {}).items():
        values[key] = constant_name(value, digits).wrapped()
    # One pass over whole words, so that a substituted name is never substituted into again.
    # (a word may be followed by a superscript: b², out²; Python counts ² as a word character)
    pattern = r"\b(" + "|".join(map(re.escape, values)) + r")(?!(?![²³])\w)"
    settled = _settled(node.op.formula[index], node.params or {})
    rule = iverson(settled)
    if rule != settled:  # inside an Iverson bracket a comparison binds loosest: [s − t + 1 > 0], no brackets
        values.update({k: named[p].text for k, p in zip("ab", node.parents)})
    if rule in values:  # the rule is one letter: its name alone, unbracketed (b, not (−2))
        return (named[node] if rule == "out" else _operand(node, rule, named, digits)).text
    text = re.sub(pattern, lambda m: values[m.group(1)], rule)
    if node.op.name == "pow":  # the exponent n − 1 with n put in, as a slide writes it: 2·(t1 − o1)
        text = text.replace(f"^({values['n']}{MINUS}1)", _exponent(node.params["n"] - 1, digits))
    return text


_NEGATION = {">": "≤", "<": "≥", "≤": ">", "≥": "<"}  # the comparisons an Iverson bracket is written with


@cache
def _read(rule: str) -> Node | None:
    """The tree of a rule (autograd.notation), or None for text outside the rule table's notation."""
    try:
        return parse(rule)
    except NotationError:
        return None


def _comparison(rule: str, condition: Node) -> tuple[str, str, str] | None:
    """A condition's left side, comparison and right side as `rule` writes them (`a`, `>`, `0`), when
    it compares with < > ≤ ≥; None for any other (=, >=, <=)."""
    left, right = condition.args
    symbol = rule[left.span[1] : right.span[0]].strip()
    return (spelled(rule, left), symbol, spelled(rule, right)) if symbol in _NEGATION else None


@cache
def iverson(rule: str) -> str:
    """A rule written as a Python conditional (`1 if a > 0 else 0`), written as maths a student reads:
    Iverson brackets, [a > 0] being 1 where a > 0 holds and 0 elsewhere: `[a > 0]`, `[a > 0] + slope·[a ≤ 0]`,
    `[a > 0] − [a < 0]`, `[a > b] + 0.5·[a = b]`. The same text whatever the numbers (the page's what-if
    changes them). Any other rule is returned as it is. The rule is read with the rule table's own
    parser (autograd.notation); each part is written as the rule writes it."""
    tree = _read(rule)
    branches = []  # (value, condition) for each `value if condition else …`
    while tree is not None and tree.kind == "if":
        condition, then, tree = tree.args
        branches.append((spelled(rule, then), condition))
    comparisons = [_comparison(rule, condition) for _, condition in branches]
    if not branches or len(branches) > 2 or None in comparisons:
        return rule
    left, symbol, right = comparisons[0]
    otherwise = f"{left} {_NEGATION[symbol]} {right}" if len(branches) == 1 else f"{left} = {right}"
    terms = [
        *((value, spelled(rule, condition)) for value, condition in branches),
        (spelled(rule, tree), otherwise),
    ]
    text = ""
    for value, condition in terms:
        if value == "0":
            continue
        negative = value.startswith(MINUS)
        size = value.removeprefix(MINUS)
        term = f"[{condition}]" if size == "1" else f"{size}·[{condition}]"
        text += (f" {MINUS} " if negative else " + ") + term if text else (MINUS if negative else "") + term
    return text or "0"


def _settled(rule: str, params: dict) -> str:
    """A rule whose condition is on the op's settings alone (`0 if n = 0 else n·a^(n−1)`): its branch."""
    tree = _read(rule)
    if tree is None or tree.kind != "if" or not params:
        return rule
    condition, then, otherwise = tree.args
    if not _words(condition) <= set(params):
        return rule
    if evaluator(f"1 if {spelled(rule, condition)} else 0")(**params):
        return spelled(rule, then)
    return _settled(spelled(rule, otherwise), params)


def _words(tree: Node) -> set[str]:
    """The variables and functions a tree reads."""
    own = {tree.value} if tree.kind in ("var", "call") else set()
    return own.union(*(_words(arg) for arg in tree.args))


def _operand(node: Value, letter: str, named: dict[Value, Name], digits: int) -> Name:
    if letter in "ab":
        return named[node.parents["ab".index(letter)]]
    return constant_name(node.params[letter], digits)


def _exponent(n: float, digits: int) -> str:
    return "" if n == 1 else power("", n, digits)


def factor(text: str) -> str:
    """A formula as a factor of a product: parenthesised unless it is one term.

    One term has no space outside parentheses (`o1·(1 − o1)`, `out·log(a)`) and no leading minus.
    """
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(ch, 0)  # an Iverson bracket is one term
        if ch == " " and depth == 0:
            return f"({text})"
    return f"({text})" if text.startswith(MINUS) else text


def local_line(node: Value, i: int, named: dict[Value, Name], digits: int = DIGITS) -> str:
    """`∂node/∂parent = formula = value` for input `i` (the value left out where the formula is it, or
    is a constant: `∂e/∂d = 10000000000`, never `= 1e10` after it)."""
    rule, value = formula(node, i, named, digits), number(node.local[i], digits)
    head = f"∂{named[node].wrapped()}/∂{named[node.parents[i]].wrapped()} = {rule}"
    return head if rule == value or constant_text(rule, node.local[i]) else f"{head} = {value}"


def local_constant(node: Value, i: int, named: dict[Value, Name], digits: int = DIGITS) -> str | None:
    """∂node/∂(input `i`) as a constant's text when the rule makes it one (see `constant_text`)."""
    return constant_text(formula(node, i, named, digits), node.local[i])


def operation_numbers(node: Value, digits: int = DIGITS) -> tuple[str, str]:
    """`node`'s operation written with its operands' values (`0.4 · 0.5933`), and the sign before its
    value: the operands get as many digits as it takes for the operation on them as printed to give
    the printed value (" = "), else `digits` and " ≈ " (see `fitting_digits`). A constant (unlabelled
    leaf) is written as it is named (`x·1.0004 = 1 · 1.0004`, `constant`)."""
    fixed = [p.op is None and not p.label for p in node.parents]

    def evaluate(read):
        xs = (read_constant(p.data, digits) if keep else read(p.data) for p, keep in zip(node.parents, fixed))
        return node.op.forward(*xs, **(node.params or {}))

    fit = fitting_digits(evaluate, node.data, digits)
    operands = [
        constant_name(p.data, digits) if keep else number_name(p.data, fit or digits)
        for p, keep in zip(node.parents, fixed)
    ]
    return expression(node, operands, digits, False).text, equals(fit)
