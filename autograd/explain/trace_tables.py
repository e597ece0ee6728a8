"""The evaluation trace written out: primal, tangent and adjoint traces, as text, Markdown or LaTeX.

The layout is Baydin et al. 2018 (JMLR 18(153), tables 2 and 3) and Griewank & Walther 2008 (§3.1,
§3.2): the primal trace vᵢ in evaluation order; beside it the tangent trace v̇ᵢ = Σ ∂vᵢ/∂vⱼ·v̇ⱼ for
one chosen input (forward mode); and the adjoint trace from the output back, one line per
contribution v̄ⱼ += v̄ᵢ·∂vᵢ/∂vⱼ (reverse mode). Each ∂vᵢ/∂vⱼ is the rule table's formula with the
v-names put in, then its number from the node; the values are the engine's (`autograd.trace`).
Under the traces: the multiply-adds each mode needs for the full gradient, counted on this graph.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from ..text import (
    DIGITS,
    MINUS,
    Name,
    checked_side,
    constant_name,
    constant_text,
    expression,
    factor,
    fitting_digits,
    formula,
    number,
    number_factor,
    operation_numbers,
    read_fixed,
    safe,
    shown_labels,
    value_factor,
)
from ..text.latex import SPECIALS, math_symbol, math_text, powers_of_ten
from ..trace import Trace
from ..value import Value
from .write import Format

Mode = Literal["forward", "reverse", "both"]
_SUBSCRIPT = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
DOT, BAR = "\u0307", "\u0304"  # combining dot (v̇: tangent) and macron (v̄: adjoint)


@dataclass(frozen=True)
class Line:
    """One line of a trace: the quantity it defines (v₁, v̇₁, v̄₋₁), a label beside it, its right side.

    `parts` are the right side's equal forms (symbols, numbers, result), written joined by " = ".
    """

    lhs: str
    label: str
    parts: tuple[str, ...]


def v(index: int, mark: str = "") -> str:
    """The literature's name of step `index`: v₋₁, v₀, v₁; `mark` DOT for its tangent, BAR for its adjoint."""
    return f"v{mark}{str(index).translate(_SUBSCRIPT)}"


def primal_lines(t: Trace, digits: int = DIGITS) -> list[Line]:
    """vᵢ = op(operands) = op(numbers) = value, inputs first."""
    named = _named(t, digits)
    labels = _labels(t)
    lines = []
    for step, node in zip(t.steps, _nodes(t)):
        if step.op is None:
            lines.append(Line(v(step.index), labels[step.index], (number(step.value, digits),)))
            continue
        symbolic = expression(node, [named[p] for p in node.parents], digits).text
        symbolic = checked_side(symbolic, step.value, digits)
        numbers, sign = operation_numbers(node, digits)
        value = number(step.value, digits)
        parts = (
            _distinct(symbolic, numbers, value)
            if sign == " = "
            else _distinct(symbolic, f"{numbers} ≈ {value}")
        )
        lines.append(Line(v(step.index), labels[step.index], parts))
    return lines


def tangent_lines(t: Trace, wrt: int | str | None = None, digits: int = DIGITS) -> list[Line]:
    """Forward mode for the input `wrt` (its index or label; default the first): v̇ᵢ = Σ ∂vᵢ/∂vⱼ·v̇ⱼ.

    Ends with ∂y/∂x = v̇ for each output. Raises ValueError for an unknown input.
    """
    x = input_index(t, wrt)
    dots, _ = t.tangents([1.0 if s.index == x else 0.0 for s in t.inputs])
    at = _position(t)
    named = _named(t, digits)
    labels = _labels(t)
    lines = [Line(v(s.index, DOT), labels[s.index], (number(dots[at(s.index)]),)) for s in t.inputs]
    for step, node in zip(t.body, _nodes(t)[t.n_inputs :]):
        raw = [
            (formula(node, k, named, digits), v(a, DOT), step.local[k], dots[at(a)])
            for k, a in enumerate(step.args)
            if isinstance(a, int)
        ]
        fit = fitting_digits(
            lambda read, raw=raw: math.fsum(_term_value(*r, read) for r in raw), dots[at(step.index)], digits
        )
        terms = [_term(*r, k == 0, fit or digits) for k, r in enumerate(raw)]
        value = number(dots[at(step.index)], digits)
        lines.append(Line(v(step.index, DOT), labels[step.index], _sum(terms, value, fit is not None)))
    for k, y in enumerate(t.outputs):
        result = number(dots[at(y)], digits) if isinstance(y, int) else "0"
        rhs = (v(y, DOT), result) if isinstance(y, int) else (result,)
        lines.append(Line(_numbered("y" + DOT, k, len(t.outputs)), _output_label(t, k), rhs))
    return lines


def adjoint_lines(t: Trace, output: int = 0, digits: int = DIGITS) -> list[Line]:
    """Reverse mode from outputs[`output`]: v̄ = 1 there, then one line per contribution v̄ⱼ += v̄ᵢ·∂vᵢ/∂vⱼ.

    Ends with ∂y/∂x = v̄ for each input.
    """
    y = t.outputs[output]
    if not isinstance(y, int):
        return [Line(_numbered("y", output, len(t.outputs)), "", ("a constant: every adjoint is 0",))]
    at = _position(t)
    named = _named(t, digits)
    bar = [0.0] * len(t.steps)
    bar[at(y)] = 1.0
    labels = _labels(t)
    lines = [Line(v(y, BAR), labels[y], ("1",))]
    touched = {y}
    for step, node in zip(reversed(t.body), reversed(_nodes(t)[t.n_inputs :])):
        g = bar[at(step.index)]
        for k, a in enumerate(step.args):
            if not isinstance(a, int):
                continue
            rule = formula(node, k, named, digits)
            old = bar[at(a)]
            bar[at(a)] += g * step.local[k]
            numbers, fit = _contribution(rule, g, step.local[k], old, a in touched, bar[at(a)], digits)
            symbolic = v(step.index, BAR) if rule == "1" else f"{v(step.index, BAR)}·{_factor(rule)}"
            if a in touched:
                symbolic = f"{v(a, BAR)} + {symbolic}"
            touched.add(a)
            result = number(bar[at(a)], digits)
            parts = (
                _distinct(symbolic, numbers, result) if fit else _distinct(symbolic, f"{numbers} ≈ {result}")
            )
            lines.append(Line(v(a, BAR), labels[a], parts))
    for k, x in enumerate(t.inputs):
        rhs = (v(x.index, BAR), number(bar[at(x.index)], digits))
        lines.append(Line(_numbered("x" + BAR, k, t.n_inputs), labels[x.index], rhs))
    return lines


def count_lines(t: Trace) -> list[str]:
    """The multiply-adds each mode needs for the full gradient (Jacobian) of this trace."""
    c = t.counts()
    what = "gradient" if c.outputs == 1 else "Jacobian"
    return [
        f"Multiply-adds for the full {what} ({_many(c.inputs, 'input')}, {_many(c.outputs, 'output')}, "
        f"{_many(c.edges, 'variable operand')}, one multiply-add each per sweep):",
        f"  forward mode: {_many(c.inputs, 'tangent sweep')} × {c.edges} = {c.forward}",
        f"  reverse mode: {_many(c.outputs, 'adjoint sweep')} × {c.edges} = {c.reverse}",
    ]


def write_trace(
    t: Trace, mode: Mode = "both", wrt: int | str | None = None, format: Format = "text", digits: int = DIGITS
) -> str:
    """The primal trace, then the tangent trace for input `wrt` (forward, both) and the adjoint trace
    of each output (reverse, both), then the operation counts; as text, Markdown or LaTeX.

    `wrt` is an input's index (0, −1, …) or label; by default the first input. Raises ValueError for
    an unknown mode, format or input, or a trace that was not made from a graph (no nodes).
    """
    if mode not in ("forward", "reverse", "both"):
        raise ValueError(f"write_trace: mode must be 'forward', 'reverse' or 'both', got {mode!r}")
    if format not in _WRITERS:
        raise ValueError(f"write_trace: format must be 'text', 'markdown' or 'latex', got {format!r}")
    sections = [("Primal trace (evaluation order)", primal_lines(t, digits))]
    if mode in ("forward", "both"):
        x = input_index(t, wrt)
        sections.append(
            (f"Tangent trace (forward mode, v̇ = ∂v/∂{_input_name(t, x)})", tangent_lines(t, x, digits))
        )
    if mode in ("reverse", "both"):
        for k in range(len(t.outputs)):
            y = _output_name(t, k)
            sections.append((f"Adjoint trace (reverse mode, v̄ = ∂{y}/∂v)", adjoint_lines(t, k, digits)))
    return _WRITERS[format](sections, count_lines(t))


def input_index(t: Trace, wrt: int | str | None) -> int:
    """The index of the input `wrt` (an index or a label; None: the first). ValueError names the choices."""
    if wrt is None:
        if not t.n_inputs:
            raise ValueError("trace: the graph has no inputs, so there is no tangent to follow")
        return t.inputs[0].index
    for s in t.inputs:
        if wrt == s.index if isinstance(wrt, int) else wrt == s.label:
            return s.index
    choices = ", ".join(s.label or v(s.index) for s in t.inputs)
    raise ValueError(f"trace: no input {wrt!r}; choose one of: {choices}")


# --- names --------------------------------------------------------------------------------------


def _nodes(t: Trace) -> tuple[Value, ...]:
    if len(t.nodes) != len(t.steps):
        raise ValueError("trace: this trace holds no graph nodes to name (make it with autograd.trace)")
    return t.nodes


def _named(t: Trace, digits: int) -> dict[Value, Name]:
    named = {node: Name(v(s.index)) for s, node in zip(t.steps, _nodes(t))}
    for node in t.nodes:
        for p in node.parents:
            if p not in named:  # a constant: its value
                named[p] = constant_name(p.data, digits)
    return named


def _labels(t: Trace) -> dict[int, str]:
    """Each step's label as every view shows it (`autograd.text.shown_labels`); "" for none."""
    shown = shown_labels(_nodes(t))
    return {s.index: shown.get(node, "") for s, node in zip(t.steps, t.nodes)}


def _position(t: Trace):
    return lambda index: index + t.n_inputs - 1


def _input_name(t: Trace, index: int) -> str:
    return _labels(t)[index] or v(index)


def _output_label(t: Trace, k: int) -> str:
    y = t.outputs[k]
    return _labels(t)[y] if isinstance(y, int) else ""


def _output_name(t: Trace, k: int) -> str:
    return _output_label(t, k) or _numbered("y", k, len(t.outputs))


def _numbered(name: str, k: int, n: int) -> str:
    """The k-th of n quantities (from 0) as the literature numbers them: y or y₁, y₂; x̄₁, x̄₂ (always)."""
    return name if n == 1 and not name.startswith("x") else f"{name}{str(k + 1).translate(_SUBSCRIPT)}"


def _term(
    rule: str, dot_name: str, local: float, dot: float, first: bool, digits: int
) -> tuple[str, str, str]:
    """One term of a tangent: (sign, symbols, numbers). A rule 1 or −1 is written as a sign."""
    if rule in ("1", f"{MINUS}1"):
        return ("−" if rule != "1" else "+", dot_name, number_factor(dot, digits, first and rule == "1"))
    return (
        "+",
        f"{_factor(rule)}·{dot_name}",
        f"{value_factor(local, digits, constant_text(rule, local), first)} · {number_factor(dot, digits)}",
    )


def _factor(rule: str) -> str:
    # a quotient is bracketed as a factor: (1/v₋₁)·v̇₋₁, not 1/v₋₁·v̇₋₁
    text = factor(rule)
    return f"({text})" if "/" in text and not text.startswith("(") else text


def _term_value(rule: str, _name: str, local: float, dot: float, read) -> float:
    # a term as a reader computes it from the printed numbers (a rule ±1 is written as a sign)
    if rule in ("1", f"{MINUS}1"):
        return read(dot) if rule == "1" else -read(dot)
    return read_fixed(read, local, constant_text(rule, local)) * read(dot)


def _contribution(rule: str, g: float, local: float, old: float, added: bool, new: float, digits: int):
    """The numbers of v̄ⱼ (+)= v̄ᵢ·∂vᵢ/∂vⱼ, with digits enough to give `new` (see `fitting_digits`),
    and whether they give it (else the line writes ≈)."""

    fixed = constant_text(rule, local)  # x·1.0004's 1.0004: written as given, read exactly

    def evaluate(read):
        term = read(g) if rule == "1" else read(g) * read_fixed(read, local, fixed)
        return read(old) + term if added else term

    fit = fitting_digits(evaluate, new, digits)
    d = fit or digits
    product = f"{number_factor(g, d, True)} · {value_factor(local, d, fixed)}"
    numbers = number(g, d) if rule == "1" else product
    return (f"{number(old, d)} + {numbers}" if added else numbers), fit is not None


def _sum(terms: list[tuple[str, str, str]], value: str, exact: bool = True) -> tuple[str, ...]:
    if not terms:
        return ("0",)
    symbolic, numbers = [], []
    for k, (sign, s, n) in enumerate(terms):
        lead = (MINUS if sign == "−" else "") if k == 0 else f" {MINUS if sign == '−' else '+'} "
        symbolic.append(lead + s)
        numbers.append(lead + n)
    if not exact:
        return ("".join(symbolic), f"{''.join(numbers)} ≈ {value}")
    return _distinct("".join(symbolic), "".join(numbers), value)


def _distinct(*parts: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in parts if p))


def _many(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


# --- formats ------------------------------------------------------------------------------------


def _width(text: str) -> int:
    # columns a terminal gives it: combining marks and format characters (bidi isolates) take none
    return sum(not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf" for ch in text)


def _text(sections: list[tuple[str, list[Line]]], counts: list[str]) -> str:
    out = []
    for title, lines in sections:
        lhs = max(_width(line.lhs) for line in lines)
        label = max(_width(safe(line.label)) for line in lines)
        out.append(title)
        for line in lines:
            pad = " " * (lhs - _width(line.lhs))
            text = safe(line.label)
            beside = f"  {text}{' ' * (label - _width(text))}" if label else ""
            out.append(f"  {line.lhs}{pad}{beside}  = {' = '.join(line.parts)}".rstrip())
        out.append("")
    return "\n".join(out + counts)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")


def _markdown_cell(text: str) -> str:
    # Every ASCII punctuation mark that Markdown or HTML could read is escaped: labels are data.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", safe(text).replace("\n", " "))


def _markdown(sections: list[tuple[str, list[Line]]], counts: list[str]) -> str:
    out = []
    for title, lines in sections:
        out += [f"**{_markdown_cell(title)}**", "", "| | label | |", "| --- | --- | --- |"]
        out += [
            f"| {line.lhs} | {_markdown_cell(line.label)} | = {_markdown_cell(' = '.join(line.parts))} |"
            for line in lines
        ]
        out.append("")
    return "\n".join([*out, counts[0], "", *(f"- {c.strip()}" for c in counts[1:])])


_LATEX_WORDS = {
    "log": r"\log", "exp": r"\exp", "sin": r"\sin", "cos": r"\cos", "tanh": r"\tanh", "max": r"\max",
    "min": r"\min", "σ": r"\sigma", "√": r"\surd", "·": r" \cdot ", "−": "-", "…": r"\dots", "×": r"\times",
    "∂": r"\partial ", "if": r"\text{ if }", "else": r"\text{ else }",
}  # fmt: skip
_LATEX_TOKEN = re.compile(
    r"([vxy])([\u0307\u0304]?)([₋]?[₀-₉]+)|([xy])([\u0307\u0304])|\^\(([^()]*)\)|\^([−\d.]+)|([⁻]?[⁰¹²³⁴-⁹]+)|\b(log|exp|sin|cos|tanh|max|min|if|else)\b|([A-Za-z]{2,})|(.)"
)
_POWER_OF = re.compile(r"\^([vxy][\u0307\u0304]?[₋]?[₀-₉]+)| \^ ([^\s()]+)")
_ACCENT = {"\u0307": r"\dot{{{}}}", "\u0304": r"\bar{{{}}}"}
_UNSUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉₋", "0123456789-")
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
# the trace's own text holds no TeX special but by accident: escaped as a label's would be
_MATH_ESCAPE = {ch: SPECIALS[ch] for ch in "&%$#_{}\\~"}


def _latex_math(text: str) -> str:
    def token(m: re.Match) -> str:
        letter, mark, sub, bare, bare_mark, group, plain, sup, word, name, other = m.groups()
        if group is not None or plain is not None:  # an exponent: x^(n−1), x^0.5
            return f"^{{{_latex_math(group if group is not None else plain)}}}"
        if letter is not None or bare is not None:
            base = _ACCENT.get(mark or bare_mark, "{}").format(letter or bare)
            return f"{base}_{{{sub.translate(_UNSUB)}}}" if sub else base
        if sup is not None:
            return f"^{{{sup.translate(_SUPER)}}}"
        if word is not None:
            return _LATEX_WORDS[word] + ("" if word in ("if", "else") else " ")
        if name is not None:
            return rf"\mathrm{{{name}}}"
        return _LATEX_WORDS.get(other, _MATH_ESCAPE.get(other, other))

    # what the tokens leave (≤ in an Iverson bracket, ≈ before a rounded result): LaTeX commands
    # an exponent that is a step or a number as one group (v₋₁^v₀, 2 ^ 10), for TeX's ^ takes one token
    text = _POWER_OF.sub(lambda m: f"^({m[1] or m[2]})", text.replace(" · ", "·"))
    # a number in e-notation as a power of ten (1e308 as 1 × 10^308), for the tokens: its e is no letter
    return math_text(_LATEX_TOKEN.sub(token, powers_of_ten(text, latex=False)))


# Rows of one array: a display never breaks across pages, so a longer table (chen's adjoint trace has 60
# rows) is written as several displays, each under the section's title, and none falls off the page.
MAX_ROWS = 20
# A right side longer than this (characters of its text) is written one equal form a row: on one row it
# ran past the right edge of an A4 page (activations' v̇₁₉ by 190 pt)
WIDE = 44


def _latex(sections: list[tuple[str, list[Line]]], counts: list[str]) -> str:
    out = []
    for title, lines in sections:
        chunks = _chunks([_latex_rows(line) for line in lines]) or [[]]
        for k, chunk in enumerate(chunks):
            part = f" ({k + 1} of {len(chunks)})" if len(chunks) > 1 else ""
            out += [
                _latex_comment(title + part),
                r"\[",
                r"\begin{array}{lll}",
                *chunk,
                r"\end{array}",
                r"\]",
                "",
            ]
    return "\n".join(out + [_latex_comment(c.strip()) for c in counts])


def _latex_rows(line: Line) -> list[str]:
    """A trace line as rows of the array: one, or where its right side is wide one for each equal form,
    a form that is a wide sum one row per term (max's tangent, two Iverson brackets a term)."""
    label = math_symbol(line.label) if line.label else ""
    if len(" = ".join(line.parts)) <= WIDE:
        return [rf"{_latex_math(line.lhs)} & {label} & = {_latex_math(' = '.join(line.parts))} \\"]
    rows = []
    for part in line.parts:
        terms = _terms(part) if len(part) > WIDE else [part]
        rows.append(f"= {_latex_math(terms[0])}")
        rows += [rf"\quad + {_latex_math(t)}" for t in terms[1:]]
    return [rf"{_latex_math(line.lhs)} & {label} & {rows[0]} \\"] + [rf" &  & {r} \\" for r in rows[1:]]


def _terms(part: str) -> list[str]:
    """The terms of a sum, split at each + outside brackets."""
    terms, depth, start = [], 0, 0
    for k, ch in enumerate(part):
        depth += (ch in "([") - (ch in ")]")
        if depth == 0 and part.startswith(" + ", k):
            terms.append(part[start:k])
            start = k + 3
    return [*terms, part[start:]]


def _chunks(rows: list[list[str]]) -> list[list[str]]:
    """The lines' rows in displays of at most MAX_ROWS rows, a line's rows kept together."""
    chunks: list[list[str]] = []
    for line in rows:
        if not chunks or len(chunks[-1]) + len(line) > MAX_ROWS:
            chunks.append([])
        chunks[-1] += line
    return chunks


def _latex_comment(text: str) -> str:
    # a title as a comment, in ASCII as all the LaTeX is (v̇ as \dot{v}): one line
    return "% " + math_text(safe(text).replace("\n", " "))


_WRITERS = {"text": _text, "markdown": _markdown, "latex": _latex}
