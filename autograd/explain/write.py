"""Derivations written out: as text, as Markdown, as LaTeX."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Literal

from ..text import (
    DIGITS,
    ELLIPSIS,
    FSI,
    PDI,
    checked_side,
    constant_text,
    equals,
    factor,
    fitting_digits,
    number,
    read_fixed,
    shown_labels,
    value_factor,
)
from ..text.latex import SPECIALS, math_symbol, math_text, powers_of_ten
from ..value import Value
from .chain import MAX_SIDE, Bracket, Derivation, Factor

Format = Literal["text", "markdown", "latex"]
# Which text of each factor a row of the chain-rule line writes: its symbol (∂o1/∂w5), its rule-table
# formula (o1·(1 − o1)) or its number. The line reads symbols = formulas = numbers.
Form = Literal["symbol", "formula", "value"]
FORMS: tuple[Form, ...] = ("symbol", "formula", "value")


def write(d: Derivation, format: Format = "text", digits: int = DIGITS) -> str:
    """A derivation as text (`∂f/∂w5 = … = … = 0.08217`), Markdown (code spans) or LaTeX.

    The result has `digits` significant digits; the factors as many more as it takes for their printed
    values to give it (see `autograd.text.fitting_digits`), and the line says ≈ where even that is not enough.
    """
    if not d.parts:
        line = f"{d.symbol} = 0 (no path leads to it)"
    elif len(d.parts) == 1 and isinstance(d.parts[0], Factor) and not d.parts[0].formula:
        line = f"{d.symbol} = {number(d.value, digits)}"
    else:
        fit = fitting_digits(lambda read: _evaluate(d.parts, read), d.value, digits)
        rows = [unwrapped(_product(d.parts, form, fit or digits)) for form in FORMS]
        result = number(d.value, digits)
        rows[1] = readable_side(checked_side(rows[1], d.value, digits))  # the value row says it
        shown = list(dict.fromkeys(r for r in rows if r and r not in (d.symbol, result)))  # each form once
        line = " = ".join([d.symbol, *shown]) + equals(fit if shown else digits) + result
    return as_format(line, format)


def readable_side(text: str) -> str:
    """A derivation's formula side, or "" when no student reads it: longer than MAX_SIDE (160) characters, or
    holding more than one `…` (names folded away: `σ(…)·(…)²`)."""
    return "" if len(text) > MAX_SIDE or text.count(ELLIPSIS) > 1 else text


def unwrapped(text: str) -> str:
    """`text` without a bracket around all of it: `(k + k)` as a whole side reads `k + k`."""
    depth = 0
    for k, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return text[1:-1] if k == len(text) - 1 and k > 0 and text[0] == "(" else text
    return text


def _evaluate(parts: list[Factor | Bracket], read) -> float:
    # the product as a reader computes it from the printed factors (a bracket's hidden terms: its value)
    total = 1.0
    for part in parts:
        if isinstance(part, Factor):
            total *= read_fixed(read, part.value, fixed_factor(part))
        elif part.hidden:
            total *= part.value
        else:
            products = (
                math.prod(read_fixed(read, f.value, fixed_factor(f)) for f in term) for term in part.terms
            )
            total *= math.fsum(products)
    return total


def fixed_factor(part: Factor) -> str | None:
    """A factor whose formula is one constant (x·1.0004's 1.0004): its text, written as given and read
    exactly (see `autograd.text.constant_text`); None for any other factor."""
    text = part.formula
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1]
    return constant_text(text, part.value)


def _product(parts: list[Factor | Bracket], form: Form, digits: int = DIGITS) -> str:
    texts = [_part_text(p, form, digits) for p in parts]
    if any(t is None for t in texts):
        return ""
    return " · ".join(texts)


def _part_text(part: Factor | Bracket, form: Form, digits: int = DIGITS) -> str | None:
    if isinstance(part, Factor):
        if form == "value":
            return value_factor(part.value, digits, fixed_factor(part))
        text = getattr(part, form)
        return factor(text) if text else (part.symbol if form == "formula" else None)
    if part.hidden and form == "symbol":  # a big sum: its symbols once, Σᵢ ∂L/∂ŷᵢ · ∂ŷᵢ/∂w
        return f"({part.sum_symbol})"
    terms = [" · ".join(_part_text(f, form, digits) or f.symbol for f in term) for term in part.terms]
    more = f" + {ELLIPSIS} {part.hidden} more" if part.hidden else ""
    return "(" + " + ".join(terms) + more + ")"


def as_format(line: str, format: Format, labels: Iterable[str] = ()) -> str:
    """One derivation line as plain text, a Markdown code span or LaTeX math ($…$).

    `labels` are the graph's labels: in LaTeX each is written as one escaped symbol (see `latex`).
    """
    if format == "markdown":
        return code_span(line)
    return latex(line, labels) if format == "latex" else line


def math_labels(nodes: Iterable[Value]) -> list[str]:
    """The labels `latex` writes as whole symbols: each node's label, and the name a label shared by
    several nodes is shown by (`h (2)`, see `autograd.text.shown_labels`)."""
    nodes = list(nodes)
    shown = shown_labels(nodes).values()
    return list(dict.fromkeys([*(n.label for n in nodes if n.label), *(s for s in shown if s.endswith(")"))]))


def code_span(text: str) -> str:
    """`text` as one Markdown code span, whatever backticks it holds (CommonMark's longer fence)."""
    text = text.replace("\n", " ")  # a blank line would end the paragraph, and the span with it
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# --- LaTeX ---------------------------------------------------------------------------------------

_LATEX = {
    "∂": r"\partial ", "·": r" \cdot ", "−": "-", "σ": r"\sigma ", "…": r"\dots", "δ": r"\delta ",
    "≤": r"\le ", "≥": r"\ge ",
}  # fmt: skip

_SPECIALS = set(SPECIALS) - set("_^ ")  # TeX's specials but the notation's own _ ^ and spaces
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_HOLE = "\ue0f0{}\ue0f1"  # stands for label number {} while the line's own notation is converted
_HOLES = re.compile("\ue0f0(\\d+)\ue0f1")
_ANY_HOLE = re.compile("\ue0f0\\d+\ue0f1")
_OPEN, _CLOSE = "\ue0f3", "\ue0f4"  # a TeX group of the notation's own (δ names: ∇_{a_3}) while escaping
_GROUP = re.compile(r"([_^])\{([^{}" + _OPEN + _CLOSE + r"]*)\}")


def latex(line: str, labels: Iterable[str] = (), unicode: bool = False) -> str:
    """A derivation line as LaTeX math: ∂f/∂w5 becomes $\\frac{\\partial f}{\\partial w_{5}}$.

    `labels` (the graph's labels) are user text: each occurrence becomes one symbol (see
    `autograd.text.latex.math_symbol`: w5 as w_{5}, net_o1 as net with subscript o1, θ as \\theta, anything
    else upright with every special character escaped), so a label never changes the markup around it.
    Without `labels`, names are guessed from the text (its TeX specials are escaped all the same). The
    line's own notation (δ names such as δ_1^(2) or (∇_{a_3} L)_1, Σ 8 terms) is written as LaTeX. The
    result compiles with pdflatex under `autograd.text.latex.PREAMBLE`; with `unicode`, characters
    pdflatex's fonts lack stay themselves in \\text{} (for MathJax and KaTeX) instead of code points.
    """
    found: list[str] = []
    line = line.replace(FSI, "").replace(PDI, "")  # TeX orders its own math; the isolates are for text
    labels = [label.replace(FSI, "").replace(PDI, "") for label in labels]  # found as the line has them
    line = _hide_labels(line, labels, found)
    # a label in brackets reads as one symbol already (but σ(x) keeps its call brackets)
    line = re.sub(r"(?<![\w)])\((" + _HOLES.pattern + r")\)", r"\1", line)
    line = _notation(line)
    line = re.sub(r"δ_(" + _HOLES.pattern + ")", r"\\delta_{\1}", line)  # δ's unit as the line writes it
    for symbol, command in _LATEX.items():
        line = line.replace(symbol, command)
    line = _outside_holes(line, lambda text: math_text(text, unicode))
    return "$" + _HOLES.sub(lambda m: math_symbol(found[int(m[1])], unicode), line) + "$"


def _outside_holes(line: str, convert) -> str:
    """`line` with `convert` applied to the text between the labels' holes (never inside them)."""
    pieces = _ANY_HOLE.split(line)
    holes = _ANY_HOLE.findall(line)
    return "".join(convert(piece) + (holes[k] if k < len(holes) else "") for k, piece in enumerate(pieces))


def _notation(line: str) -> str:
    # The explainer's own text holds TeX's specials only in the δ names' groups (∇_{a_3}, kept as
    # groups); any other special outside the holes is escaped.
    while (grouped := _GROUP.sub(lambda m: f"{m[1]}{_OPEN}{m[2]}{_CLOSE}", line)) != line:
        line = grouped
    line = "".join(SPECIALS.get(ch, ch) if ch in _SPECIALS else ch for ch in line)
    line = line.replace(_OPEN, "{").replace(_CLOSE, "}")
    # ∂f/∂w5, and ∂(s − a)/∂a or ∂f/∂(x·2): a node named by its expression, in its brackets
    line = re.sub(
        r"∂(\([^()/]*\)|[^\s/·()]+)/∂(\([^()/]*\)|[^\s/·()]+)",
        lambda m: rf"\frac{{∂{_ident(m[1])}}}{{∂{_ident(m[2])}}}",
        line,
    )
    line = re.sub(r"δ_(\w+)", lambda m: rf"\delta_{{\mathrm{{{m[1]}}}}}", line)
    line = re.sub(
        r"(\\delta_\{\\mathrm\{\w+\}\})\^\((\w+)\)", r"\1^{(\2)}", line
    )  # δ_1^(2): layer 2's, not a square
    line = re.sub(
        r"(?<![\\\w])([A-Za-z]+)_(\w+)", lambda m: rf"\mathrm{{{m[1]}}}_{{\mathrm{{{m[2]}}}}}", line
    )
    line = re.sub(r"\^\(([^()]*)\)", r"^{\1}", line)  # a^(n−1): the whole bracket is the exponent
    line = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "^{" + m[0].translate(_SUPERSCRIPTS) + "}", line)
    line = re.sub(r"\b(log|exp|sin|cos|tanh)\(", r"\\\1(", line)
    line = re.sub(r"(?<![\\\w{])(?!if\b|else\b)([A-Za-z]{2,})(?![\w{])", r"\\mathrm{\1}", line)  # ReLU, max
    line = re.sub(r"\((\d+) \\mathrm\{(terms|factors)\}\)", r"(\1\\text{ \2})", line)
    # a long sum or product named in short: Σ 8 terms, ∏ 4 factors, x1 + 7 more
    line = re.sub(r"([Σ∏]) (\d+) \\mathrm\{(terms|factors)\}", _short, line)
    line = re.sub(r"(\d+) \\mathrm\{more\}", r"\1\\text{ more}", line)
    line = powers_of_ten(line)
    return line.replace(" if ", r" \text{ if } ").replace(" else ", r" \text{ else } ")


def _short(m: re.Match[str]) -> str:
    return ("\\Sigma" if m[1] == "Σ" else "\\prod") + f"\\,{m[2]}\\text{{ {m[3]}}}"


def _hide_labels(line: str, labels: Iterable[str], found: list[str]) -> str:
    # Each whole occurrence of a label (not part of a longer name: `h1` in `net_h1` is not one) becomes
    # a hole, so that the notation's regular expressions never read the user's text.
    wanted = sorted({label for label in labels if label}, key=len, reverse=True)
    if not wanted:
        return line
    names = "|".join(map(re.escape, wanted))
    pattern = re.compile(rf"(?:(?<=δ_)|(?<![\w.]))(?:{names})(?![^\W⁰¹²³⁴⁵⁶⁷⁸⁹]|\.)")

    def hole(m: re.Match[str]) -> str:
        found.append(m[0])
        return _HOLE.format(len(found) - 1)

    return pattern.sub(hole, line)


def _ident(label: str) -> str:
    # w5 -> w_{5}; net_o1 and longer names are left for the general rule (net_{o1})
    match = re.fullmatch(r"([A-Za-z])(\d+)", label)
    return f"{match[1]}_{{{match[2]}}}" if match else label
