"""A student's printable worksheet, and its answer key, as one PDF each (A4).

Page 1 (landscape: the graphs run left to right) holds the heading (the worked example's title, the
student's name and id), what to do, the graph with its numbered blanks (`worksheet.picture`) and the
given numbers again as a table. The next pages hold the blanks, two columns of numbered questions
(∂f/∂w5 = ?) each beside a box big enough to write a number in by hand. The key has the same pages with
the filled picture and the answers in the boxes (lay it over a student's sheet), then each gradient's
chain-rule derivation with the student's numbers (`autograd.explain.explain`).

Typeset by LaTeX (pdflatex), not Typst: it is the one typesetting engine the project already installs,
runs and tests (the Beamer decks, the derivations' LaTeX output), and every label and name reaches it
through the one LaTeX writer that escapes them (`autograd.text.latex`: math_symbol, math_text,
text_mode): no text from a user goes into the source raw.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..deck.pdflatex import SAFE_NAME
from ..explain import explain
from ..graph import forward_order
from ..text import number
from ..text.latex import math_symbol, math_text, text_mode
from .blanks import Blank, node_of, shown
from .typeset import SheetError, check_target, compile_pdf
from .worksheet import Worksheet, Worksheets, picture

__all__ = ["SheetError", "sheet_tex", "write_sheet"]

ROWS = 16  # rows of blanks on a page, two blanks a row: an 11 mm box each, room for a handwritten number
GIVEN_COLUMNS = 6  # "label = value" columns of the given numbers' table on page 1, at most
LINE_CHARS = 140  # characters of small text on a line of the landscape page
PICTURE = "graph.pdf"  # the picture's name beside the source

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath}
\usepackage{graphicx}
\usepackage{adjustbox}
\usepackage{array}
\usepackage{pdflscape}
\usepackage[a4paper, margin=15mm, includehead, headheight=14pt]{geometry}
\usepackage{fancyhdr}
\pagestyle{fancy}
\fancyhf{}
\fancyhead[L]{\small\adjustbox{max width=.6\textwidth}{%(title)s}}
\fancyhead[R]{\small\adjustbox{max width=.38\textwidth}{%(who)s}}
\fancyfoot[C]{\small \thepage}
\setlength{\parindent}{0pt}
\setlength{\fboxsep}{0pt}
\begin{document}
"""


def sheet_tex(worksheets: Worksheets, sheet: Worksheet, picture_file: str, key: bool = False) -> str:
    """The LaTeX source of `sheet`'s worksheet (with `key`, its answer key), which includes the graph's
    picture from `picture_file`, a PDF beside the source (`worksheet.picture(sheet, "pdf", key=key)`).

    Every label, name and title is written through `autograd.text.latex`. Raises ValueError for a
    `picture_file` name that TeX would not read as written (letters, digits, `.` and `-` only)."""
    if not SAFE_NAME.fullmatch(picture_file):
        raise ValueError(f"the picture's file name {picture_file!r} has characters TeX would read as markup")
    who = text_mode(f"{sheet.name} ({sheet.student})" if sheet.name else sheet.student)
    who += r" \textbf{ANSWER KEY}" if key else ""
    parts = [_PREAMBLE % {"title": text_mode(worksheets.title), "who": who}]
    parts += [r"\begin{landscape}", r"\thispagestyle{empty}", _heading(worksheets, sheet, key)]
    parts += [
        _instructions(worksheets, sheet, key),
        _picture(picture_file),
        _given(sheet),
        r"\end{landscape}",
    ]
    parts += _blank_pages(sheet, key)
    if key:
        parts.append(_derivations(sheet))
    parts.append("\\end{document}\n")
    return "\n".join(parts)


def write_sheet(worksheets: Worksheets, sheet: Worksheet, path: Path, key: bool = False) -> Path:
    """Write `sheet`'s worksheet (with `key`, its answer key) as a PDF at `path`, whole or not at all.

    Raises MissingFolder when `path`'s folder does not exist (before anything is drawn), SheetError
    when pdflatex is missing or fails, RenderError or GraphvizNotFound when the picture cannot be drawn."""
    path = Path(path)
    what = f"the {'answer key' if key else 'sheet'} of student {sheet.student!r} ({path})"
    check_target(path, what)
    drawn = picture(sheet, "pdf", key=key)
    return compile_pdf(sheet_tex(worksheets, sheet, PICTURE, key), path, {PICTURE: drawn}, what)


def _heading(worksheets: Worksheets, sheet: Worksheet, key: bool) -> str:
    name = text_mode(sheet.name) if sheet.name else r"\rule{70mm}{0.4pt}"
    mark = r"\hfill{\Large\bfseries ANSWER KEY}" if key else ""
    return (
        rf"{{\LARGE\bfseries {text_mode(worksheets.title)}}}{mark}\par\medskip"
        rf"{{\large Name: {name}\qquad Student id: {text_mode(sheet.student)}}}\par\medskip"
    )


def _instructions(worksheets: Worksheets, sheet: Worksheet, key: bool) -> str:
    output = math_symbol(sheet.output)
    given = f"${_number(sheet.variant.upstream, picture=True)}$"
    if key:
        tolerance = worksheets.tolerance
        return (
            r"The right answers, to 4 significant figures, in the picture and in the boxes of the next "
            r"page(s), which lie over a student's own; then each gradient's chain rule with these numbers. "
            rf"An answer within {tolerance.relative * 100:g}\,\% of the right one "
            rf"(or ${_decimal(tolerance.absolute)}$ of it) is accepted.\par"
        )
    return (
        r"\begin{itemize}\setlength{\itemsep}{0pt}"
        r"\item Fill in each numbered blank: first the values, forward from the given numbers; "
        rf"then the gradients, backward from the output ${output}$."
        rf"\item The output's gradient is given: {given} (in ${output}$'s box)."
        r"\item Write each answer to 4 significant figures ($0.001234$ or $-12.34$, say) in its numbered box "
        r"on the next page(s)."
        r"\end{itemize}"
    )


def _picture(picture_file: str) -> str:
    size = r"width=\linewidth, height=.6\textheight, keepaspectratio"
    return rf"\begin{{center}}\includegraphics[{size}]{{{picture_file}}}\end{{center}}"


def _given(sheet: Worksheet) -> str:
    """The leaves' numbers as a table, label = value, column by column, as the picture writes them."""
    leaves = [n for n in forward_order(sheet.variant.root) if n.op is None and n.label]
    cells = [rf"${math_symbol(n.label)} = {_number(n.data, picture=True)}$" for n in leaves]
    if not cells:
        return ""
    widest = max(_printed_width(f"{n.label} = {number(n.data)}") for n in leaves)
    columns = max(1, min(GIVEN_COLUMNS, LINE_CHARS // (widest + 4)))
    rows = math.ceil(len(cells) / columns)
    width = rf"{1 / columns - 0.001:.3f}\linewidth"  # no space between the columns: each cell ends in a gap
    lines = []
    for r in range(rows):
        row = [cells[c * rows + r] if c * rows + r < len(cells) else "" for c in range(columns)]
        lines.append(" & ".join(rf"\adjustbox{{max width=.92\linewidth}}{{{cell}}}" for cell in row) + r" \\")
    spec = "".join(rf"@{{}}p{{{width}}}" for _ in range(columns))
    body = "\n".join(lines)
    return rf"\textbf{{Given}}\par\smallskip{{\small\begin{{tabular}}{{{spec}@{{}}}}{body}\end{{tabular}}}}"


def _question(blank: Blank, output: str) -> str:
    """`net_h1 = ?` or `∂f/∂w5 = ?` as maths, each label as one symbol."""
    name = math_symbol(blank.name)
    if blank.quantity == "value":
        return rf"${name} = {{?}}$"
    return rf"$\dfrac{{\partial {math_symbol(output)}}}{{\partial {name}}} = {{?}}$"


def _blank_cell(sheet: Worksheet, blank: Blank | None, key: bool) -> str:
    if blank is None:
        return " & & "
    answer = rf"\large${_number(sheet.answers[blank.number])}$" if key else ""
    box = rf"\fbox{{\parbox[c][11mm][c]{{36mm}}{{\centering\mbox{{}}{answer}}}}}"
    question = rf"\adjustbox{{max width=36mm}}{{{_question(blank, sheet.output)}}}"
    return rf"\textbf{{({blank.number})}} & {question} & {box}"


def _blank_pages(sheet: Worksheet, key: bool) -> list[str]:
    """The blanks, two columns a page (numbered down the left column, then the right), each with a box."""
    title = "Answers" if key else "Your answers (4 significant figures)"
    spec = r"@{}>{\raggedleft}m{8mm}@{\hspace{2mm}}>{\raggedleft}m{36mm}@{\hspace{2mm}}c@{\hspace{8mm}}"
    spec += r">{\raggedleft}m{8mm}@{\hspace{2mm}}>{\raggedleft}m{36mm}@{\hspace{2mm}}c@{}"
    pages = []
    for start in range(0, len(sheet.blanks), 2 * ROWS):
        chunk = sheet.blanks[start : start + 2 * ROWS]
        rows = math.ceil(len(chunk) / 2)
        lines = []
        for r in range(rows):
            pair = [chunk[r], chunk[r + rows] if r + rows < len(chunk) else None]
            lines.append(" & ".join(_blank_cell(sheet, b, key) for b in pair) + r" \\ \noalign{\vspace{3mm}}")
        body = "\n".join(lines)
        pages.append(
            rf"\newpage{{\Large\bfseries {title}}}\par\bigskip"
            rf"\begin{{center}}\begin{{tabular}}{{{spec}}}{body}\end{{tabular}}\end{{center}}"
        )
    return pages


def _derivations(sheet: Worksheet) -> str:
    """Each gradient blank's chain rule, `∂f/∂w5 = symbols = formulas = numbers = answer`, as one
    paragraph: TeX breaks it between the sides where it can, else after a · or a +, each further line
    indented under the first."""
    root, upstream = sheet.variant.root, sheet.variant.upstream
    out = [
        r"\newpage{\Large\bfseries The chain rule, blank by blank}\par\bigskip",
        r"\begingroup\raggedright\lineskiplimit=4pt\lineskip=4pt\parskip=3mm",
    ]
    for blank in sheet.blanks:
        if blank.quantity != "gradient":
            continue
        line = str(explain(root, node_of(root, blank), upstream=upstream, format="latex")).strip()
        first, *rest = _split_equals(line.removeprefix("$").removesuffix("$"))
        # a line may break before each `=` (and after a · or a +), never just after one
        sides = "".join(rf"\allowbreak$\displaystyle {{}}=\nobreak {side}$" for side in rest)
        label = rf"\textbf{{({blank.number})}}\enspace"
        out.append(rf"\hangindent=12mm\hangafter=1{label}$\displaystyle {first}${sides}\par")
    out.append(r"\endgroup")
    return "\n".join(out)


def _split_equals(tex: str) -> list[str]:
    """`tex` cut at each ` = ` outside braces: the sides of a derivation line."""
    pieces, depth, start = [], 0, 0
    for match in re.finditer(r"\\.|[{}]| = ", tex):
        token = match[0]
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif token == " = " and depth == 0:
            pieces.append(tex[start : match.start()].strip())
            start = match.end()
    pieces.append(tex[start:].strip())
    return pieces


def _number(x: float, picture: bool = False) -> str:
    """A number as maths: as the picture writes it (`picture`: significant digits, real minus) or as the
    key's answers (`blanks.shown`: 4 significant figures)."""
    return math_text(number(x) if picture else shown(x))


def _printed_width(text: str) -> int:
    """About how many characters wide `text` prints: a character pdflatex's fonts lack is written as
    its code point (`autograd.text.latex.foreign`: ⟨U+05E9⟩), seven characters."""
    return sum(1 if ch.isascii() or "\u00c0" <= ch <= "\u03ff" else 7 for ch in text)


def _decimal(x: float) -> str:
    """`x` in decimals, never with an exponent: 0.00005."""
    return f"{x:.12f}".rstrip("0").rstrip(".") or "0"
