"""Text as LaTeX math that compiles in LaTeX (pdflatex, article + amsmath) and reads in KaTeX and MathJax.

Every LaTeX view (the derivations, the δ view, the trace tables, nn's optimizer steps) writes its own
notation's Unicode and a user's labels through here, so that no character reaches LaTeX raw:

- `math_text`: the views' own notation (Greek letters, ∂, ≤, ≈, ←, x̂, β₁, x²) as LaTeX commands;
- `math_symbol`: a user's label as one symbol: w5 as w_{5}, net_o1 as net with subscript o1, θ as
  \\theta, ŷ as \\hat{y}, anything else upright with TeX's specials escaped;
- `text_mode`: running text (a Beamer deck's titles, a caption's words, a student's name), TeX's
  specials escaped with text-mode commands, Latin letters with their accents as text-mode accent
  commands (ş as \\c{s}, ị as \\d{i}, ễ as \\~{\\^{e}}) and the notation's symbols as maths.

A character that pdflatex's default fonts lack (Hebrew, Arabic, Cyrillic, CJK, emoji) is written as its
code point, ⟨U+05E9⟩, unless `unicode=True` (MathJax and KaTeX only, as in a notebook): then it stays
itself inside \\text{}. What the output guarantees is PREAMBLE; docs/explanations.md says it to users.
Greek is maths (italic): pdflatex's installed fonts have no Greek text font.
"""

from __future__ import annotations

import re
import unicodedata

# The LaTeX output compiles under these two lines (and nothing else), with pdflatex.
PREAMBLE = r"\documentclass{article}" + "\n" + r"\usepackage{amsmath}"

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ϵ": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "π": "pi", "ϖ": "varpi", "ρ": "rho", "ϱ": "varrho", "σ": "sigma",
    "ς": "varsigma", "τ": "tau", "υ": "upsilon", "φ": "varphi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
    "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
    "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
    "µ": "mu",  # the micro sign, µ on a keyboard: the same letter as μ
}  # fmt: skip
# Greek letters that look like Latin ones have no command: the Latin letter is the symbol (omicron is o;
# \o would be the Scandinavian ø)
_LATIN_LOOKING = dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΧο", "ABEZHIKMNOPTXo"))

_SYMBOLS = {
    "∂": r"\partial", "∇": r"\nabla", "·": r"\cdot", "×": r"\times", "−": "-", "±": r"\pm", "≤": r"\le",
    "≥": r"\ge", "≈": r"\approx", "≠": r"\ne", "∞": r"\infty", "∑": r"\sum", "∏": r"\prod", "√": r"\surd",
    "←": r"\leftarrow", "→": r"\rightarrow", "↦": r"\mapsto", "…": r"\dots", "⋯": r"\cdots",
    "⋮": r"\vdots", "⋱": r"\ddots", "½": r"\tfrac{1}{2}",
    "∈": r"\in", "⊙": r"\odot", "∘": r"\circ", "ℓ": r"\ell", "∀": r"\forall", "∃": r"\exists",
    "⟨": r"\langle", "⟩": r"\rangle", "÷": r"\div", "′": "'", "″": "''", "‴": "'''", "ᵀ": r"^{\top}",
    "ı": r"\imath", "ȷ": r"\jmath", "°": r"^{\circ}", "¬": r"\neg", "∧": r"\wedge", "∨": r"\vee",
    "‖": r"\|", "\u2013": "-", "\u2014": "-", "\u00a0": r"\ ", "\u2009": r"\,", "\u202f": r"\,",
}  # fmt: skip

# Combining marks as math accents: ŷ (y + U+0302) is \hat{y}.
_ACCENTS = {
    "\u0300": "grave", "\u0301": "acute", "\u0302": "hat", "\u0303": "tilde", "\u0304": "bar",
    "\u0306": "breve", "\u0307": "dot", "\u0308": "ddot", "\u030a": "mathring", "\u030c": "check",
    "\u20d7": "vec",
}  # fmt: skip

# Letters pdflatex's text fonts have (inputenc reads them in text mode): written inside \text{}.
_TEXT_LETTERS = set("ßæÆœŒøØłŁ")
# Latin-1 and Latin Extended-A letters that LaTeX's inputenc has no OT1 command for (T1 only, or none):
# the others are written as themselves inside \text{} (ş, ő, ě, ğ, ů, ž, Ł)
_NOT_IN_OT1 = set("ÐÞðþĄąĐđĘęĦħĮįĸĿŀŉŊŋŦŧŲųſ")

_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ", "0123456789+-=()aeoxhklmnpstij")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", "0123456789+-=()ni")
_SCRIPTS = re.compile("([₀-₎ₐₑₒₓₕ-ₜᵢⱼ]+)|([⁰¹²³⁴-⁾ⁿⁱ]+)")
_INDEXED_SUM = re.compile("Σ(?=[ₐ-ₜᵢⱼ])")  # Σᵢ, a sum over an index (explain's big sums): \sum_{i}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # ASCII controls but tab and newline: TeX refuses them

# How a character of a label is written inside \mathrm{}: TeX's specials escaped with commands that both
# LaTeX and MathJax know, and nothing that HTML or Markdown would read as markup, since notebooks put this
# text into web pages: `<` only as `{<}` (no tag starts with `<{`), `&` as `\&{}` (no entity follows).
# `^` and `~` print as characters, not accents over nothing (x^2 read x̂2): a raised wedge and \sim, since
# MathJax's \text{} knows no \textasciicircum and MathJax no \char.
SPECIALS = {
    "\\": r"\backslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&{}", "#": r"\#", "%": r"\%",
    "_": r"\_", "^": r"{}^{\wedge}", "~": r"{\sim}", "`": r"\grave{}", "<": "{<}", ">": "{>}",
    "[": r"\lbrack{}", "]": r"\rbrack{}", "*": r"\ast{}", " ": r"\ ",
}  # fmt: skip


def _clusters(text: str) -> list[str]:
    """`text` as base characters, each with the combining marks after it (ŷ decomposed: y and U+0302)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _base(ch: str) -> str | None:
    """One character (no marks) as math, or None when LaTeX's math has no command for it."""
    if ch.isascii():
        return ch
    if ch in _GREEK:
        return "\\" + _GREEK[ch] + " "
    if ch in _LATIN_LOOKING:
        return _LATIN_LOOKING[ch]
    if ch in _SYMBOLS:
        command = _SYMBOLS[ch]
        return command + " " if command[-1].isalpha() else command
    return None


def _cluster(cluster: str) -> str | None:
    """One character and its combining marks as math (ŷ as \\hat{y}, ≠ as \\ne), or None where math has no
    way (a mark over anything but a letter or digit: an accent over `}` or `'` would break the markup)."""
    composed = unicodedata.normalize("NFC", cluster)  # ≠ is = and a combining slash, in NFD
    if len(composed) == 1 and len(cluster) > 1 and _base(composed) is not None:
        return _base(composed)
    math = _base(cluster[0])
    if math is None or not all(mark in _ACCENTS for mark in cluster[1:]):
        return None
    if len(cluster) > 1 and cluster[0].isascii() and not cluster[0].isalnum():
        return None
    for mark in cluster[1:]:
        math = rf"\{_ACCENTS[mark]}{{{math.strip()}}}"
    return math


def foreign(text: str, unicode: bool = False) -> str:
    """Characters LaTeX's math has no command for: inside \\text{} where pdflatex's text fonts have
    them (ß, æ, ø, ç) or with `unicode` (MathJax and KaTeX read any), else as code points: ⟨U+05E9 U+05DC⟩.
    Control characters show as a space; format characters (bidi isolates, zero widths) are left out."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zs") else ch for ch in text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    out = []
    for run in re.findall(r" +|[^ ]+", text):
        if run.startswith(" "):
            out.append(r"\ " * len(run))
        elif unicode or all(_text_letter(ch) for ch in run):
            out.append(r"\text{" + run + "}")
        else:
            out.append(r"\langle\text{" + " ".join(f"U+{ord(ch):04X}" for ch in run) + r"}\rangle ")
    return "".join(out)


def _text_letter(ch: str) -> bool:
    """Whether pdflatex reads `ch` (one character, NFC) as itself in text, in OT1 and T1 alike: ß, ø, é,
    ş, ő, ě, ł (inputenc's commands for them), not ą or đ (T1 only) nor ị (none)."""
    return ch in _TEXT_LETTERS or (
        "\u00c0" <= ch <= "\u017f" and ch.isalpha() and ch not in _NOT_IN_OT1 and ch not in "ªº"
    )


def math_text(text: str, unicode: bool = False) -> str:
    """A view's own notation as LaTeX math: every non-ASCII character as a command (δ as \\delta, ≤ as
    \\le, ← as \\leftarrow, x̂ as \\hat{x}, β₁ as \\beta_{1}, x² as x^{2}); ASCII is left as it is (the
    caller's markup). What has no command is `foreign` text."""
    text = _INDEXED_SUM.sub(r"\\sum", _CONTROL.sub(" ", text))
    text = _SCRIPTS.sub(
        lambda m: f"_{{{m[1].translate(_SUBSCRIPT)}}}" if m[1] else f"^{{{m[2].translate(_SUPERSCRIPT)}}}",
        text,
    )
    if text.isascii():
        return _DOUBLE_SUPERSCRIPT.sub(r"\1{}", text)
    out: list[str] = []
    run: list[str] = []  # characters without math, written together as one `foreign` text
    for cluster in _clusters(text):
        math = cluster if cluster.isascii() else _cluster(cluster)
        if math is None:
            run.append(cluster)
            continue
        if run:
            out.append(foreign("".join(run), unicode))
            run = []
        out.append(math)
    if run:
        out.append(foreign("".join(run), unicode))
    return _DOUBLE_SUPERSCRIPT.sub(r"\1{}", "".join(out))


# A superscript right after another (x¹°, x²′) is a "Double superscript" error in TeX: an empty group
# between them gives the second its own base
_DOUBLE_SUPERSCRIPT = re.compile(r"(\^\{[^{}]*\})(?=[\^'])")


_LETTER = r"(?:[A-Za-z]|[α-ωΑ-Ωϑϕϖϱϵµ])[\u0300-\u036f\u20d7]*"  # one letter (ASCII or Greek), accents on it
_ALNUM = r"[A-Za-z0-9α-ωΑ-Ωϑϕϖϱϵµ\u0300-\u036f\u20d7]"


# A number in e-notation as our number formats write it (1e308, 2.5e−7, 1e-300), and an empty group a
# superscript after it may have been given (see _DOUBLE_SUPERSCRIPT)
_E_NUMBER = re.compile(r"(?<![0-9A-Za-z_.])(\d+(?:\.\d+)?)e([−-]?\d+)(?![0-9A-Za-z_.])(\{\})?")
# what binds tighter than the × of m × 10ⁿ: a quotient, a root, a power of the whole number
_BINDS_BEFORE = ("/", "÷", "√", "\\surd")
_BINDS_AFTER = ("/", "÷", "^", "{}^", *"⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def powers_of_ten(text: str, latex: bool = True) -> str:
    """Each number in e-notation in `text` as a power of ten: 2.5e−7 as 2.5 \\times 10^{-7} (LaTeX), or
    as 2.5 × 10^−7 (`latex=False`: the notation's own text, for a writer that makes it LaTeX after).
    In brackets where an operator beside it binds tighter than its ×: (3 × 10⁻⁵)², √(9 × 10⁻¹⁰),
    (3 × 10⁻⁵)/2."""

    def write(m: re.Match[str]) -> str:
        exponent = m[2].replace("−", "-") if latex else m[2]
        number = rf"{m[1]} \times 10^{{{exponent}}}" if latex else f"{m[1]} × 10^{exponent}"
        before, after = m.string[: m.start()].rstrip(), m.string[m.end() :].lstrip()
        if before.endswith(_BINDS_BEFORE) or after.startswith(_BINDS_AFTER) or m[3]:
            return f"({number})"  # a group {} after it marked a superscript: (m × 10ⁿ)^{2} needs none
        return number

    return _E_NUMBER.sub(write, text)


def math_symbol(label: str, unicode: bool = False) -> str:
    """A user's label as one LaTeX math symbol, whatever its text: it never changes the markup around it.

    One letter (with accents, primes) is itself: x, \\theta, \\hat{y}, y'; a letter and digits are
    subscripted: w_{5}, \\theta_{1}; name_sub is upright with an upright subscript (net_o1 as
    \\mathrm{net}_{\\mathrm{o1}}); anything else is upright, each TeX special escaped (`upright`).
    """
    label = unicodedata.normalize("NFD", _spaced(label))
    primes = re.fullmatch(rf"({_LETTER})(\d*)(['′]*)", label)
    if primes:
        letter, digits, marks = primes.groups()
        sub = f"_{{{digits}}}" if digits else ""
        return math_text(letter, unicode).strip() + sub + "'" * len(marks)
    if match := re.fullmatch(rf"({_LETTER}{_ALNUM}*)_({_ALNUM}+)", label):
        base, sub = (math_text(part, unicode).strip() for part in match.groups())
        return rf"\mathrm{{{base}}}_{{\mathrm{{{sub}}}}}"
    return upright(label, unicode)


def upright(text: str, unicode: bool = False) -> str:
    """`text` upright in math, \\mathrm{…}, each TeX special escaped (see SPECIALS) and every other
    character written as `math_text` writes it."""
    escaped = "".join(
        SPECIALS[cluster[0]] + (foreign(cluster[1:], unicode) if len(cluster) > 1 else "")
        if cluster[0] in SPECIALS
        else cluster
        for cluster in _clusters(_spaced(text))
    )  # a mark over a special stands beside its escape: \\} is two characters, no accent goes over both
    return r"\mathrm{" + math_text(escaped, unicode) + "}"


def _spaced(text: str) -> str:
    # a control character (a line break would end the line, a blank line the paragraph) shows as a space;
    # a format character (bidi isolates and controls, zero widths) has no glyph in TeX: left out
    return "".join(
        " " if unicodedata.category(ch) == "Cc" else ch for ch in text if unicodedata.category(ch) != "Cf"
    )


# TeX's specials in running text, as text-mode commands; OT1's text fonts have no < > | (they print ¡ ¿ —),
# so those three are maths
TEXT_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
    "_": r"\_", "^": r"\^{}", "~": r"\~{}", "<": r"\ensuremath{<}", ">": r"\ensuremath{>}",
    "|": r"\ensuremath{|}",
}  # fmt: skip
# Characters beyond ASCII that text mode has commands for; any other is written as maths (`math_text`)
_TEXT_SYMBOLS = {
    "…": r"\dots{}", "\u00a0": "~", "\u2013": "--", "\u2014": "---", "\u2009": r"\,", "\u202f": r"\,",
}  # fmt: skip


# Combining marks as text-mode accents (pdflatex, OT1 and T1 alike): above the letter (ễ: \~{\^{e}})
# and below it (ị: \d{i}). The ogonek is T1's only: \UseTextAccent takes it from T1 in an OT1 document.
_TEXT_ACCENTS = {
    "\u0300": r"\`", "\u0301": r"\'", "\u0302": r"\^", "\u0303": r"\~", "\u0304": r"\=", "\u0306": r"\u",
    "\u0307": r"\.", "\u0308": r'\"', "\u030a": r"\r", "\u030b": r"\H", "\u030c": r"\v", "\u0323": r"\d",
    "\u0326": r"\textcommabelow", "\u0327": r"\c", "\u0328": r"\UseTextAccent{T1}{\k}", "\u0331": r"\b",
}  # fmt: skip
# Latin letters of their own (no base letter and mark in Unicode), as text commands; T1's only taken
# from T1 (\UseTextSymbol), so that an OT1 document compiles them too
_LETTER_COMMANDS = {
    "ł": r"\l{}", "Ł": r"\L{}", "ø": r"\o{}", "Ø": r"\O{}", "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}",
    "œ": r"\oe{}", "Œ": r"\OE{}", "ı": r"\i{}", "ȷ": r"\j{}", "đ": r"\UseTextSymbol{T1}{\dj}",
    "Đ": r"\UseTextSymbol{T1}{\DJ}", "ð": r"\UseTextSymbol{T1}{\dh}", "Ð": r"\UseTextSymbol{T1}{\DH}",
    "þ": r"\UseTextSymbol{T1}{\th}", "Þ": r"\UseTextSymbol{T1}{\TH}", "ŋ": r"\UseTextSymbol{T1}{\ng}",
    "Ŋ": r"\UseTextSymbol{T1}{\NG}",
}  # fmt: skip
_ABOVE = 230  # the canonical combining class of a mark above the letter


def text_letter(cluster: str) -> str | None:
    """A Latin letter and its combining marks (one `_clusters` item, NFD) as text-mode commands that
    pdflatex typesets under PREAMBLE and under T1: ş as \\c{s}, ị as \\d{i}, ễ as \\~{\\^{e}}, ǘ on a
    dotless i or j where a mark goes above, Ł as \\L{}; the marks above nested inside those below. None
    for anything else (Greek, Cyrillic, a mark with no command)."""
    base, marks = cluster[0], cluster[1:]
    if base in _LETTER_COMMANDS:
        out = _LETTER_COMMANDS[base]
    elif base.isascii() and base.isalpha():
        out = base
    else:
        return None
    if any(mark not in _TEXT_ACCENTS for mark in marks):
        return None
    above = [m for m in marks if unicodedata.combining(m) == _ABOVE]
    below = [m for m in marks if unicodedata.combining(m) != _ABOVE]
    if above and base in "ij":
        out = rf"\{base}"  # í: the accent replaces the dot
    for mark in above + below:
        out = f"{_TEXT_ACCENTS[mark]}{{{out}}}"
    return out


def text_mode(text: str) -> str:
    """`text` as LaTeX running text (not maths: a Beamer frame's title, a caption's words, a student's
    name), compiling under PREAMBLE: TeX's specials as text-mode commands (TEXT_SPECIALS), … and dashes
    as text, Latin letters with accents as `text_letter` writes them (Nguyễn as Nguy\\~{\\^{e}}n), a
    character pdflatex's fonts lack (Cyrillic, CJK, Arabic) as its code point in text (⟨U+0416 U+0438⟩,
    a line may break between two code points), and any other character beyond ASCII (σ, ∂, x₁, ≤) as
    `math_text` writes it, inside \\ensuremath{}."""
    out: list[str] = []
    run: list[str] = []  # clusters written together as maths
    points: list[str] = []  # clusters written as code points

    def flush() -> None:
        if run:
            out.append(r"\ensuremath{" + math_text("".join(run)) + "}")
            run.clear()
        if points:
            codes = " ".join(f"U+{ord(ch):04X}" for ch in "".join(points))
            out.append(rf"\ensuremath{{\langle}}{codes}\ensuremath{{\rangle}}")
            points.clear()

    for cluster in _clusters(_spaced(text)):
        written = TEXT_SPECIALS.get(cluster) or _TEXT_SYMBOLS.get(cluster) or text_letter(cluster)
        if cluster.isascii() or written is not None:
            flush()
            out.append(written or cluster)
        elif r"\langle\text{U+" in math_text(cluster):
            if run:
                flush()
            points.append(cluster)
        else:
            if points:
                flush()
            run.append(cluster)
    flush()
    return "".join(out)
