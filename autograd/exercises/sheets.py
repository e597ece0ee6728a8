"""A student's printable worksheet, and its answer key, as one PDF each (A4).

Page 1 (landscape: the graphs run left to right) holds the heading (the worked example's title, the
student's name and id), what to do, the graph with its numbered blanks (`worksheet.picture`) and the
given numbers again as a table. A graph too big to read there is printed on landscape pages of its
own, whole or in parts (`sheet_pictures.plan`: its text never under MIN_PT). The next pages hold the
blanks, each page headed by the student's name and id: two columns of numbered questions (∂f/∂w5 = ?)
each beside a box big enough to write a number in by hand. The key has the same pages with the
filled picture and the answers in the boxes (lay it over a student's sheet), then each gradient's
chain-rule derivation with the student's numbers (`autograd.explain.explain`).

Typeset by LaTeX (pdflatex), not Typst: it is the one typesetting engine the project already installs,
runs and tests (the Beamer decks, the derivations' LaTeX output), and every label and name reaches it
through the one LaTeX writer that escapes them (`autograd.text.latex`: math_symbol, math_text,
text_mode): no text from a user goes into the source raw. A name is printed with its accents (T1's
accent commands); the PDF's text carries it exactly (an ActualText span), so that it is found and
copied as written.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from ..deck.pdflatex import SAFE_NAME
from ..explain import explain, latex, math_labels
from ..graph import forward_order
from ..text import number
from ..text.latex import math_symbol, math_text, text_mode
from .blanks import Blank, node_of, shown
from .sheet_pictures import Pictures, plan
from .typeset import SheetError, check_target, compile_pdf
from .worksheet import Worksheet, Worksheets, picture

__all__ = ["SheetError", "first_page_room", "sheet_tex", "write_sheet"]

ROWS = 16  # rows of blanks on a page, two blanks a row: an 11 mm box each, room for a handwritten number
GIVEN_COLUMNS = 6  # "label = value" columns of the given numbers' table on page 1, at most
LINE_CHARS = 140  # characters of small text on a line of the landscape page
PICTURE = "graph.pdf"  # the picture's name beside the source (graph-1.pdf, graph-2.pdf… for parts)
LANDSCAPE_PT = 529.0  # the height of a landscape page's text area (the geometry below), in pt
PORTRAIT_PT = 738.0  # and of a portrait page's
ROW_PT = 40.0  # a row of answer boxes: an 11 mm box and 3 mm below it
PICTURE_GAP_PT = 14.0  # kept free around page 1's picture
ESTIMATE_SLACK_PT = 10.0  # page 1's text may take this much more than `first_page_room` counts
HEADER_CHARS = 92  # the running header's title and name (id), in printed characters at most
WHO_CHARS = 45  # of which the name (id) at most
LONG_WORD = 24  # a word of a name longer than this many characters may break anywhere
_LETTERS = {chr(c) for c in [*range(0xC0, 0x250), *range(0x370, 0x400), *range(0x1E00, 0x1F00)]}

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath}
\usepackage{graphicx}
\usepackage{adjustbox}
\usepackage{array}
\usepackage{pdflscape}
\usepackage{accsupp}
\usepackage[a4paper, margin=12mm, includehead, includefoot, headheight=14pt, headsep=6pt,
  footskip=18pt]{geometry}
\usepackage{fancyhdr}
\pagestyle{fancy}
\fancyhf{}
\newsavebox{\who}
\fancyhead[L]{\small\adjustbox{max width=\dimexpr\textwidth-\wd\who-2em\relax}{%(title)s}}
\fancyhead[R]{\usebox\who}
\fancyfoot[C]{\small \thepage}
\setlength{\parindent}{0pt}
\setlength{\fboxsep}{0pt}
\newsavebox{\given}
\newlength{\pictureroom}
\begin{document}
\sbox\who{\small\adjustbox{max width=.5\textwidth}{%(who)s}}
"""


def sheet_tex(
    worksheets: Worksheets,
    sheet: Worksheet,
    picture_files: str | Sequence[str],
    key: bool = False,
    *,
    first_page: bool = True,
    given: bool = True,
) -> str:
    """The LaTeX source of `sheet`'s worksheet (with `key`, its answer key), which includes the graph's
    picture(s) from `picture_files`, PDFs beside the source (`worksheet.picture(sheet, "pdf", key=key,
    part=…)`): one name, or one per part. With `first_page` the one picture goes on page 1 under the
    instructions, `first_page_room` high at most; else each picture has a landscape page of its own.
    `given`: page 1 lists the given numbers (the leaves' labels and numbers) again as a table.

    Every label, name and title is written through `autograd.text.latex`. Raises ValueError for a
    picture file name that TeX would not read as written (letters, digits, `.` and `-` only)."""
    files = [picture_files] if isinstance(picture_files, str) else list(picture_files)
    for file in files:
        if not SAFE_NAME.fullmatch(file):
            raise ValueError(f"the picture's file name {file!r} has characters TeX would read as markup")
    first_page = first_page and len(files) == 1
    who, who_chars = _header_who(sheet, key)
    header = {"title": _header(worksheets.title, HEADER_CHARS - who_chars), "who": who}
    parts = [_PREAMBLE % header]
    parts += [r"\begin{landscape}", r"\thispagestyle{empty}", _heading(worksheets, sheet, key)]
    parts.append(_instructions(worksheets, sheet, key, [] if first_page else files))
    table = _given(sheet) if given else ""
    if first_page:
        boxed = rf"\sbox\given{{\begin{{minipage}}{{\linewidth}}{table}\end{{minipage}}}}"
        parts += [boxed, _picture(files[0])]
        table = r"\usebox\given"
    parts += [table, r"\end{landscape}"]
    if not first_page:
        parts += [_picture_page(file) for file in files]
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
    pictures, given = _plan(worksheets, sheet)
    several = len(pictures.graphs) > 1
    names = [f"graph-{k}.pdf" if several else PICTURE for k in range(1, len(pictures.graphs) + 1)]
    drawn = {name: picture(sheet, "pdf", key=key, part=g) for name, g in zip(names, pictures.graphs)}
    tex = sheet_tex(worksheets, sheet, names, key, first_page=pictures.first_page, given=given)
    return compile_pdf(tex, path, drawn, what)


def _plan(worksheets: Worksheets, sheet: Worksheet) -> tuple[Pictures, bool]:
    """Where the sheet's graph goes (`sheet_pictures.plan`), and whether page 1 lists the given numbers:
    it does, unless leaving the table out is what puts the whole picture on page 1 (its leaves' boxes
    show the same numbers)."""
    pictures = plan(sheet, first_page_room(worksheets, sheet, given=True))
    if not pictures.first_page:
        without = plan(sheet, first_page_room(worksheets, sheet, given=False))
        if without.first_page:
            return without, False
    return pictures, True


def first_page_room(worksheets: Worksheets, sheet: Worksheet, given: bool = True) -> float:
    """About how high (pt) a picture may be on page 1 under the heading and the instructions (and above
    the given numbers' table, with `given`), on the sheet and on the key alike (the less of the two),
    erring low: each line is counted at its size and ESTIMATE_SLACK more is kept. LaTeX sizes the
    picture to the room the page really has (`_picture`), so it prints no smaller than planned on
    this. 0 when nothing is left."""
    title = 22.0 * _lines(worksheets.title, 64) + 6
    who = 14.5 * _lines(f"Name: {sheet.name} Student id: {sheet.student}", 96) + 6
    out = sheet.output
    lines = _lines(
        f"Fill in each numbered blank: first the values, forward from the given numbers; "
        f"then the gradients, backward from the output {out}.",
        140,
    )
    lines += _lines(
        f"The output's gradient is given: {number(sheet.variant.upstream)} (in {out}'s box).", 140
    )
    instructions = 14.0 * (lines + 2) + 24  # the student's lines (the key's are fewer), the list's gaps
    leaves = sum(1 for n in forward_order(sheet.variant.root) if n.op is None and n.label)
    table = 24.0 + 14.0 * math.ceil(leaves / _given_columns(sheet)) if leaves and given else 0.0
    room = LANDSCAPE_PT - title - who - instructions - table - PICTURE_GAP_PT - ESTIMATE_SLACK_PT
    return max(room, 0.0)


def _lines(text: str, chars: int) -> int:
    return max(1, math.ceil(_printed_width(text) / chars))


def _name(text: str) -> str:
    """`text` (a name, an id) as LaTeX text: its accents typeset, a long word free to break anywhere,
    and, where every character is printed as itself, the PDF's text exactly `text` (an ActualText span:
    ị is typeset as i with a dot under it, which a PDF reader would read as two characters)."""
    words = re.split(r"(\s+)", text)
    tex = "".join(
        text_mode(w) if len(w) <= LONG_WORD else r"\allowbreak{}".join(map(text_mode, _pieces(w, 8)))
        for w in words
    )
    if r"\langle" in tex:  # code points shown: the PDF's text is what is printed
        return tex
    printed = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    printed = unicodedata.normalize("NFC", "".join(c for c in printed if unicodedata.category(c) != "Cf"))
    hexed = printed.encode("utf-16-be").hex().upper()
    return rf"\BeginAccSupp{{method=hex,unicode,ActualText={hexed}}}{tex}\EndAccSupp{{}}"


def _pieces(word: str, size: int) -> list[str]:
    """`word` cut into pieces of `size` characters, a letter's combining marks kept with it."""
    pieces: list[str] = [""]
    for ch in unicodedata.normalize("NFD", word):
        if len(pieces[-1]) >= size and not unicodedata.combining(ch):
            pieces.append("")
        pieces[-1] += ch
    return pieces


def _header(text: str, chars: int) -> str:
    """`text` for the running header: at most `chars` printed characters, else cut and ended with …"""
    if _printed_width(text) <= chars:
        return text_mode(text)
    cut = ""
    for ch in unicodedata.normalize("NFC", text):
        if _printed_width(cut + ch) > chars - 1:
            break
        cut += ch
    return text_mode(cut.rstrip() + "…")


def _header_who(sheet: Worksheet, key: bool) -> tuple[str, int]:
    """The running header's right: the name (id), cut to WHO_CHARS, and ANSWER KEY on the key; and
    about how many characters wide it prints."""
    budget = WHO_CHARS - (12 if key else 0)
    if sheet.name:
        id_chars = min(_printed_width(sheet.student), budget // 3)
        name_chars = min(_printed_width(sheet.name), budget - id_chars - 3)
        who = f"{_header(sheet.name, name_chars)} ({_header(sheet.student, id_chars)})"
        chars = name_chars + id_chars + 3
    else:
        chars = min(_printed_width(sheet.student), budget)
        who = _header(sheet.student, chars)
    return who + (r" \textbf{ANSWER KEY}" if key else ""), chars + (12 if key else 0)


def _who_line(sheet: Worksheet) -> str:
    """The student's name and id, as page 1 and every answer page begin: a long name wraps."""
    name = _name(sheet.name) if sheet.name else r"\rule{70mm}{0.4pt}"
    return (
        r"{\large\raggedright Name: "
        rf"{name}\qquad Student id: {_name(sheet.student)}\par}}\medskip"
    )


def _heading(worksheets: Worksheets, sheet: Worksheet, key: bool) -> str:
    mark = r"\hfill{\Large\bfseries ANSWER KEY}" if key else ""
    title = rf"{{\LARGE\bfseries\raggedright {text_mode(worksheets.title)}{mark}\par}}\medskip"
    return title + _who_line(sheet)


def _instructions(worksheets: Worksheets, sheet: Worksheet, key: bool, pages: Sequence[str]) -> str:
    output = math_symbol(sheet.output)
    given = f"${_number(sheet.variant.upstream, picture=True)}$"
    where = ""
    if pages:
        where = (
            r"The graph is on the next page."
            if len(pages) == 1
            else rf"The graph is on the next {len(pages)} pages, in parts: each part repeats, greyed and "
            r"dashed, the boxes where it joins the parts before and after it."
        )
    if key:
        tolerance = worksheets.tolerance
        return (
            r"The right answers, to 4 significant figures, in the picture and in the boxes of the answer "
            r"pages, which lie over a student's own; then each gradient's chain rule with these numbers. "
            rf"An answer within {tolerance.relative * 100:g}\,\% of the right one "
            rf"(or ${_decimal(tolerance.absolute)}$ of it) is accepted. {where}\par\medskip"
        )
    return (
        r"\begin{itemize}\setlength{\itemsep}{0pt}"
        r"\item Fill in each numbered blank: first the values, forward from the given numbers; "
        rf"then the gradients, backward from the output ${output}$."
        rf"\item The output's gradient is given: {given} (in ${output}$'s box)."
        r"\item The picture shows each blank by its number, (3): write the answer in the box with that "
        r"number on the answer pages, to 4 significant figures ($0.001234$ or $-12.34$, say)."
        + (rf"\item {where}" if where else "")
        + r"\end{itemize}"
    )


def _picture(picture_file: str) -> str:
    """The picture on page 1, as large as the room the page has left above the given numbers (boxed in
    \\given before it), less PICTURE_GAP_PT."""
    room = rf"\dimexpr\pagegoal-\pagetotal-\ht\given-\dp\given-{PICTURE_GAP_PT:g}pt\relax"
    size = r"width=\linewidth, height=\pictureroom, keepaspectratio"
    return (
        rf"\par\setlength{{\pictureroom}}{{{room}}}"
        rf"\begin{{center}}\includegraphics[{size}]{{{picture_file}}}\end{{center}}"
    )


def _picture_page(picture_file: str) -> str:
    """A landscape page of the picture alone, as large as the page's text area (`sheet_pictures.PAGE_PT`)."""
    size = r"width=\linewidth, height=\dimexpr\textheight-4pt\relax, keepaspectratio"
    return (
        rf"\begin{{landscape}}\thispagestyle{{empty}}\centering"
        rf"\includegraphics[{size}]{{{picture_file}}}\par\end{{landscape}}"
    )


def _given(sheet: Worksheet) -> str:
    """The leaves' numbers as a table, label = value, column by column, as the picture writes them."""
    leaves = [n for n in forward_order(sheet.variant.root) if n.op is None and n.label]
    cells = [rf"${math_symbol(n.label)} = {_number(n.data, picture=True)}$" for n in leaves]
    if not cells:
        return ""
    columns = _given_columns(sheet)
    rows = math.ceil(len(cells) / columns)
    width = rf"{1 / columns - 0.001:.3f}\linewidth"  # no space between the columns: each cell ends in a gap
    lines = []
    for r in range(rows):
        row = [cells[c * rows + r] if c * rows + r < len(cells) else "" for c in range(columns)]
        lines.append(" & ".join(rf"\adjustbox{{max width=.92\linewidth}}{{{cell}}}" for cell in row) + r" \\")
    spec = "".join(rf"@{{}}p{{{width}}}" for _ in range(columns))
    body = "\n".join(lines)
    return rf"\textbf{{Given}}\par\smallskip{{\small\begin{{tabular}}{{{spec}@{{}}}}{body}\end{{tabular}}}}"


def _given_columns(sheet: Worksheet) -> int:
    """How many columns the given numbers' table has: as many of the widest cell as a line holds."""
    leaves = [n for n in forward_order(sheet.variant.root) if n.op is None and n.label]
    widest = max((_printed_width(f"{n.label} = {number(n.data)}") for n in leaves), default=1)
    return max(1, min(GIVEN_COLUMNS, LINE_CHARS // (widest + 4)))


def _question(sheet: Worksheet, blank: Blank) -> str:
    """`net_h1 = ?` or `∂f/∂w5 = ?` as maths, each label as one symbol; an unlabelled box's expression
    as maths too, bracketed after ∂: ∂f/∂(t_1 − o_1)."""
    root = sheet.variant.root
    if node_of(root, blank).label:
        name = math_symbol(blank.name)
    else:  # t1 − o1: the box's expression, its labels as symbols
        name = latex(blank.name, math_labels(forward_order(root)))[1:-1]
        if blank.quantity == "gradient" and re.search(r"\s|[-+·×/−]", blank.name):
            name = f"({name})"
    if blank.quantity == "value":
        return rf"${name} = {{?}}$"
    return rf"$\dfrac{{\partial {math_symbol(sheet.output)}}}{{\partial {name}}} = {{?}}$"


def _blank_cell(sheet: Worksheet, blank: Blank | None, key: bool) -> str:
    if blank is None:
        return " & & "
    answer = rf"\large${_number(sheet.answers[blank.number])}$" if key else ""
    box = rf"\fbox{{\parbox[c][11mm][c]{{36mm}}{{\centering\mbox{{}}{answer}}}}}"
    question = rf"\adjustbox{{max width=36mm}}{{{_question(sheet, blank)}}}"
    return rf"\textbf{{({blank.number})}} & {question} & {box}"


def _blank_pages(sheet: Worksheet, key: bool) -> list[str]:
    """The blanks, two columns a page (numbered down the left column, then the right), each with a box,
    under the student's name and id: ROWS rows a page at most (fewer under a name of several lines),
    the pages filled alike."""
    title = "Answers" if key else "Your answers (4 significant figures)"
    name_lines = _lines(f"Name: {sheet.name} Student id: {sheet.student}", 80)
    most = max(4, min(ROWS, int((PORTRAIT_PT - 80 - 14.5 * name_lines) / ROW_PT)))
    count = math.ceil(len(sheet.blanks) / (2 * most))
    per_page = max(1, math.ceil(len(sheet.blanks) / (2 * max(count, 1))))  # alike: 66 as 22, 22, 22
    spec = r"@{}>{\raggedleft}m{8mm}@{\hspace{2mm}}>{\raggedleft}m{36mm}@{\hspace{2mm}}c@{\hspace{8mm}}"
    spec += r">{\raggedleft}m{8mm}@{\hspace{2mm}}>{\raggedleft}m{36mm}@{\hspace{2mm}}c@{}"
    pages = []
    for start in range(0, len(sheet.blanks), 2 * per_page):
        chunk = sheet.blanks[start : start + 2 * per_page]
        rows = math.ceil(len(chunk) / 2)
        lines = []
        for r in range(rows):
            pair = [chunk[r], chunk[r + rows] if r + rows < len(chunk) else None]
            lines.append(" & ".join(_blank_cell(sheet, b, key) for b in pair) + r" \\ \noalign{\vspace{3mm}}")
        body = "\n".join(lines)
        pages.append(
            rf"\newpage{_who_line(sheet)}{{\Large\bfseries {title}}}\par\bigskip"
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
    """About how many characters wide `text` prints: a Latin or Greek letter one (its accents none), a
    character pdflatex's fonts lack seven, as it is written as its code point (⟨U+05E9⟩)."""
    text = unicodedata.normalize("NFD", text)
    return sum(0 if unicodedata.combining(ch) else 1 if ch.isascii() or ch in _LETTERS else 7 for ch in text)


def _decimal(x: float) -> str:
    """`x` in decimals, never with an exponent: 0.00005."""
    return f"{x:.12f}".rstrip("0").rstrip(".") or "0"
