"""Derivations written out: as text, as Markdown, as LaTeX."""

from __future__ import annotations

import re
from typing import Literal

from ..render.text import factor, number, number_factor
from .chain import Bracket, Derivation, Factor

Format = Literal["text", "markdown", "latex"]


def write(d: Derivation, format: Format = "text") -> str:
    """A derivation as text (`∂f/∂w5 = … = … = 0.08217`), Markdown (code spans) or LaTeX."""
    if not d.parts:
        line = f"{d.symbol} = 0 (no path leads to it)"
    elif len(d.parts) == 1 and isinstance(d.parts[0], Factor) and not d.parts[0].formula:
        line = f"{d.symbol} = {number(d.value)}"
    else:
        rows = [_product(d.parts, way) for way in ("symbol", "formula", "value")]
        result = number(d.value)
        shown = dict.fromkeys(r for r in rows if r and r not in (d.symbol, result))  # each way once
        line = " = ".join([d.symbol, *shown, result])
    return as_format(line, format)


def _product(parts: list[Factor | Bracket], way: str) -> str:
    texts = [_part_text(p, way) for p in parts]
    if any(t is None for t in texts):
        return ""
    return " · ".join(texts)


def _part_text(part: Factor | Bracket, way: str) -> str | None:
    if isinstance(part, Factor):
        if way == "value":
            return number_factor(part.value)
        text = getattr(part, way)
        return factor(text) if text else (part.symbol if way == "formula" else None)
    terms = [" · ".join(_part_text(f, way) or f.symbol for f in term) for term in part.terms]
    more = f" + … ({len(part.terms) + part.hidden} terms)" if part.hidden else ""
    return "(" + " + ".join(terms) + more + ")"


def as_format(line: str, format: Format) -> str:
    """One derivation line as plain text, a Markdown code span or LaTeX math."""
    return {"text": line, "markdown": f"`{line}`", "latex": latex(line) if format == "latex" else line}[
        format
    ]


# --- LaTeX ----------------------------------------------------------------------------------------

_LATEX = {"∂": r"\partial ", "·": r" \cdot ", "−": "-", "σ": r"\sigma", "…": r"\dots", "δ": r"\delta "}


def latex(line: str) -> str:
    """A derivation line as LaTeX math: ∂f/∂w5 becomes \\frac{\\partial f}{\\partial w_{5}}."""
    line = re.sub(
        r"∂([^\s/·()]+)/∂([^\s/·()]+)", lambda m: rf"\frac{{∂{_ident(m[1])}}}{{∂{_ident(m[2])}}}", line
    )
    line = re.sub(r"δ_(\w+)", lambda m: rf"\delta_{{\mathrm{{{m[1]}}}}}", line)
    line = re.sub(
        r"(?<![\\\w])([A-Za-z]+)_(\w+)", lambda m: rf"\mathrm{{{m[1]}}}_{{\mathrm{{{m[2]}}}}}", line
    )
    for symbol, command in _LATEX.items():
        line = line.replace(symbol, command)
    return f"${line}$"


def _ident(label: str) -> str:
    # w5 -> w_{5}; net_o1 and longer names are left for the general rule (net_{o1})
    match = re.fullmatch(r"([A-Za-z])(\d+)", label)
    return f"{match[1]}_{{{match[2]}}}" if match else label
