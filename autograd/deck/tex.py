"""Text for a Beamer deck: the explainer's LaTeX (`autograd.explain.write.latex`, which escapes every TeX
special character of a label) made safe for pdflatex, which reads no Unicode in maths: Greek letters,
super- and subscripts (W⁽¹⁾, x₁), accents (ŷ) and the slides' symbols (∇, ≈, →) become commands; any
other character is written as its code point, so no label can break the compile."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..explain.write import latex

_GREEK = "αβγδεζηθικλμνξοπρστυφχψω"
_GREEK_NAMES = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "o",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
]
_SYMBOLS = {g: ("o" if n == "o" else "\\" + n + " ") for g, n in zip(_GREEK, _GREEK_NAMES)}
_SYMBOLS |= {
    "ς": r"\varsigma ", "ϕ": r"\phi ", "ϑ": r"\vartheta ", "ϵ": r"\epsilon ",
    "Γ": r"\Gamma ", "Δ": r"\Delta ", "Θ": r"\Theta ", "Λ": r"\Lambda ", "Ξ": r"\Xi ", "Π": r"\Pi ",
    "Σ": r"\Sigma ", "Υ": r"\Upsilon ", "Φ": r"\Phi ", "Ψ": r"\Psi ", "Ω": r"\Omega ",
    "∂": r"\partial ", "·": r"\cdot ", "−": "-", "×": r"\times ", "÷": r"\div ", "≈": r"\approx ",
    "≤": r"\le ", "≥": r"\ge ", "≠": r"\ne ", "…": r"\dots ", "→": r"\to ", "←": r"\leftarrow ",
    "∇": r"\nabla ", "∑": r"\sum ", "∏": r"\prod ", "√": r"\surd ", "∞": r"\infty ", "±": r"\pm ",
    "′": "'", "∈": r"\in ", "⊙": r"\odot ", "∘": r"\circ ", "‖": r"\|", "°": r"^{\circ}", "ℓ": r"\ell ",
    "\u2013": "-", "\u2014": "-", "\u00a0": r"\ ", "\u2009": r"\,", "\u202f": r"\,",
}  # fmt: skip
_GREEK_CAPITALS = dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΧ", "ABEZHIKMNOPTX"))
_SUPER = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ", "0123456789+-=()niT"))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓᵢⱼₖₙ", "0123456789+-=()aeoxijkn"))
_ACCENTS = {
    "\u0300": r"\grave", "\u0301": r"\acute", "\u0302": r"\hat", "\u0303": r"\tilde", "\u0304": r"\bar",
    "\u0306": r"\breve", "\u0307": r"\dot", "\u0308": r"\ddot", "\u030a": r"\mathring", "\u030c": r"\check",
    "\u20d7": r"\vec",
}  # fmt: skip
_SCRIPT_RUN = re.compile(f"[{''.join(_SUPER)}]+|[{''.join(_SUB)}]+")


def ascii_math(text: str) -> str:
    """LaTeX maths with every non-ASCII character written as a pdflatex command (see the module)."""
    text = unicodedata.normalize("NFD", text)
    text = _SCRIPT_RUN.sub(_script, text)
    out: list[str] = []
    for ch in text:
        if ch < "\x80":
            out.append(ch)
        elif ch in _ACCENTS:
            out[-1:] = [f"{_ACCENTS[ch]}{{{out[-1] if out else ''}}}"]
        elif unicodedata.combining(ch):
            continue  # a mark TeX has no accent for: the base letter alone
        else:
            out.append(_char(ch))
    return "".join(out)


def _script(match: re.Match[str]) -> str:
    run = match[0]
    table, mark = (_SUPER, "^") if run[0] in _SUPER else (_SUB, "_")
    inner = "".join(table[ch] for ch in run)
    return mark + "{" + inner + "}"


def _char(ch: str) -> str:
    if ch in _SYMBOLS:
        return _SYMBOLS[ch]
    if ch in _GREEK_CAPITALS:
        return _GREEK_CAPITALS[ch]
    category = unicodedata.category(ch)
    if category.startswith("Z"):
        return r"\ "
    if category in ("Cf", "Cc", "Cs", "Co", "Cn"):
        return ""  # no glyph: bidi isolates, zero widths, unassigned code points
    return rf"\mbox{{\ttfamily[U+{ord(ch):04X}]}}"  # pdflatex has no glyph for it: its code point instead


def math(text: str, labels: Iterable[str] = ()) -> str:
    """A line of the slides' notation (`∂f/∂w5 = … = 0.08217`) as pdflatex-safe inline maths `$…$`;
    `labels` (the graph's labels) are written as whole, escaped symbols (see `explain.write.latex`)."""
    return ascii_math(latex(text, labels))
