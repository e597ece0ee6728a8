"""A deck as Beamer: the slide view drawn in TikZ at Graphviz's coordinates, a frame per step (values
appear in the forward steps, gradients in the backward ones, the current box outlined, the chain-rule
lines typeset as maths), compiled to PDF by pdflatex in one run.

Each frame is a page-sized picture whose origin is the page's top-left corner, in the page's points: a
16:9 frame is 160 × 90 mm (453.5 × 255.1 pt), so on a 1920 × 1080 display 1 pt is 4.23 px. What does
not change from step to step is typeset once per part into a savebox (see `write_tex`): a deck of 80
steps compiles in seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..explain.write import latex, math_labels
from ..files import write_atomic
from ..graph import forward_order
from ..render.slide_draw import MARKS, MAX_NAME_CHARS
from ..render.style import GRAD, HIGHLIGHT, LOCAL, MUTED, PALETTE
from ..text import picture_text
from ..text.latex import math_text, text_mode
from .captions import INDENT_EM, LEADING, caption
from .errors import DeckError
from .pdflatex import INSTALL, LatexFailed, LatexMissing, pdflatex
from .place import (
    HEIGHT_PT,
    KEY_PT,
    LABEL_PT,
    MARGIN_PT,
    MARK_PT,
    NUMBER_PT,
    TEXT_PT,
    TITLE_PT,
    Fit,
    caption_area,
    check_ratio,
    curve,
    fit,
    graph_area,
    mark_width,
    page,
)  # fmt: skip
from .steps import Slide

PAGES = {"16:9": (453.54, 255.12, "169"), "4:3": (364.19, 273.14, "43")}  # Beamer's frame sizes (pt)
GAP_PT = 8.0  # between a compact box's value and gradient (layout pt): under the picture's two spaces (12),
# so that the pair, in Latin Modern's wider minus, keeps clear of the box's border
TIMEOUT = 300  # seconds for the pdflatex run (a deck of a few hundred slides takes well under a minute)

_PREAMBLE = r"""\documentclass[aspectratio=%(aspect)s]{beamer}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath}
\usepackage{tikz}
\usepackage{adjustbox}
\setbeamertemplate{navigation symbols}{}
\setbeamersize{text margin left=0pt, text margin right=0pt}
%% a subscript (w_1, net_h1, W1_12) at 0.88 of its name, not TeX's 0.7: at least 16 px wherever the name
%% or number it goes with is at least 20 px (sizes LaTeX has no table for take these ratios)
\renewcommand\defaultscriptratio{.88}
\renewcommand\defaultscriptscriptratio{.88}
\AtBeginDocument{%% names in maths upright sans as the slide's text, in OT1, which has Greek capitals
  \SetMathAlphabet{\mathrm}{normal}{OT1}{\sfdefault}{\mddefault}{n}%%
  \SetMathAlphabet{\mathrm}{bold}{OT1}{\sfdefault}{\bfdefault}{n}}
\definecolor{grad}{HTML}{%(grad)s}
\definecolor{local}{HTML}{%(local)s}
\definecolor{muted}{HTML}{%(muted)s}
\definecolor{current}{HTML}{%(current)s}
\definecolor{arrow}{HTML}{4B5563}
%(roles)s
\title{%(title)s}
\begin{document}
"""


def write_tex(sections: Sequence, ratio: str = "16:9", title: str | None = None) -> str:
    """The Beamer source of a deck: `sections` as `autograd.deck.pptx.write_pptx` takes them.

    Each part's picture (boxes, arrows, marks, names, the key) is typeset once into a box, and what
    its slides have shown so far (values, gradients, local gradients) into a second box that each
    slide only adds to; a slide is then those two boxes, its outline, title and chain-rule lines. So
    pdflatex typesets every TikZ node about once, not once per slide, in one run (nothing is placed by
    page positions read back from the .aux)."""
    check_ratio(ratio)
    width, height, aspect = PAGES[ratio]
    roles = "\n".join(
        rf"\definecolor{{fill-{role}}}{{HTML}}{{{fill[1:]}}}\definecolor{{line-{role}}}{{HTML}}{{{line[1:]}}}"
        for role, (fill, line) in PALETTE.items()
    )
    colours = {"grad": GRAD, "local": LOCAL, "muted": MUTED, "current": HIGHLIGHT}
    fields = {name: hex_colour[1:] for name, hex_colour in colours.items()}
    fields |= {"aspect": aspect, "roles": roles, "title": text_mode(title or "Backpropagation")}
    out = [_PREAMBLE % fields]
    k = height / HEIGHT_PT
    page_box = rf"\useasboundingbox (0,0) rectangle {_pt(width, height)};"
    count = 0
    for parts, layouts, slides, top, bands in sections:
        labels = math_labels(forward_order(parts[0].root))
        names, drawn, pieces = [], [], []
        for part, layout, band in zip(parts, layouts, bands):
            name = _box_name(count)
            count += 1
            names.append(name)
            drawn.append(set())
            part_pieces = _pieces(part, layout, ratio, k, top, labels, band)
            pieces.append(part_pieces)
            static = [cmd for when, cmd in part_pieces if when is None]
            out.append(rf"\newsavebox\picture{name}\newsavebox\shown{name}")
            out.append(rf"\sbox\picture{name}{{{_picture(page_box, static)}}}")
        for slide in slides:
            n = slide.part
            name, part_pieces, done = names[n], pieces[n], drawn[n]
            visible = {
                i
                for i, (when, _) in enumerate(part_pieces)
                if when and when[0] != "current" and _shown(when, slide)
            }
            if visible != done:  # what a part shows only grows; if it ever shrinks, start the box afresh
                again = not done <= visible
                new = [part_pieces[i][1] for i in sorted(visible if again else visible - done)]
                under = () if again else (rf"\shown{name}",)
                out.append(rf"\sbox\shown{name}{{{_picture(page_box, new, under)}}}")
                drawn[n] = visible
            out.append(_slide(slide, name, page_box, part_pieces, ratio, k, labels, bands[n]))
    out.append("\\end{document}\n")
    return "\n".join(out)


def _box_name(n: int) -> str:
    """A savebox's name for the `n`th part, in letters (TeX names have none of digits): A, B, …, AA."""
    name = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def _picture(page_box: str, commands: list[str], under: Sequence[str] = ()) -> str:
    """A page-sized TikZ picture of `commands` (top-left origin, y down, in points) over the saveboxes
    `under` (each a page-sized picture too, so all meet at the page's corner)."""
    boxes = "".join(rf"\rlap{{\usebox{box}}}" for box in under)
    body = "\n".join(commands)
    return f"{boxes}\\begin{{tikzpicture}}[x=1pt, y=-1pt]{page_box}\n{body}\n\\end{{tikzpicture}}"


When = tuple[str, str] | None  # a piece shown when a box's value/grad/outline is (None: always)


def _shown(when: tuple[str, str], slide: Slide) -> bool:
    kind, box = when
    return box in {"value": slide.values, "grad": slide.grads, "current": slide.current}[kind]


def _slide(slide: Slide, name: str, page_box: str, pieces, ratio: str, k: float, labels, band: float) -> str:
    """One frame: the part's picture and what it shows so far, this step's outline, title and lines."""
    out = [cmd for when, cmd in pieces if when and when[0] == "current" and _shown(when, slide)]
    at = _pt(MARGIN_PT * k, MARGIN_PT * 0.5 * k)
    font = rf"\bfseries{_size(TITLE_PT * k)}"
    out.append(rf"\node[anchor=north west, inner sep=0pt, font={font}] at {at} {{{text_mode(slide.title)}}};")
    if slide.lines:
        x, y, w, _ = caption_area(ratio, band)
        lines = caption(slide.lines, w, band, "beamer")
        # a paragraph per chain-rule line, its pieces on lines of their own, every line after its first
        # indented (TeX's own breaks too, after = or + in the maths, should a piece come out wider)
        paragraphs: list[list[str]] = []
        for line, continued in lines.lines:
            if not continued:
                paragraphs.append([])
            # "… and 3 more in this layer" is words, not maths (whose spaces TeX drops)
            words = line.startswith("… and ")
            lead = "given: " if line.startswith("given: ") else ""  # a word, then the values as maths
            body = text_mode(line) if words else text_mode(lead) + _slashed(latex(line[len(lead) :], labels))
            paragraphs[-1].append(body)
        hang = rf"\hangindent={INDENT_EM}em\hangafter=1\relax "
        body = r"\par ".join(hang + r"\newline ".join(pieces) for pieces in paragraphs)  # \\ ends a par
        size = lines.size * k
        font = rf"\fontsize{{{size:.2f}}}{{{size * LEADING:.2f}}}\selectfont"
        text = rf"\begin{{minipage}}[t]{{{w * k:.2f}pt}}{font}\raggedright {body}\end{{minipage}}"
        out.append(rf"\node[anchor=north west, inner sep=0pt] at {_pt(x * k, y * k)} {{{text}}};")
    picture = _picture(page_box, out, (rf"\picture{name}", rf"\shown{name}"))
    return (
        f"\\begin{{frame}}[plain]\n\\noindent{picture}\n\\end{{frame}}\n"  # one line: the boxes side by side
    )


def _size(pt: float) -> str:
    return rf"\fontsize{{{pt:.2f}}}{{{pt * 1.2:.2f}}}\selectfont"


def _pieces(part, layout, ratio: str, k: float, top: str, labels, band: float) -> list[tuple[When, str]]:
    """Everything drawn for a part, each TikZ command with when it shows: the key, arrows, boxes, marks
    and names always; values, gradients, local gradients and outlines from their step on. PowerPoint's
    geometry (see `autograd.deck.place`) scaled by `k` to Beamer's smaller page."""
    width = page(ratio)[0] * k
    gradient = _slashed(latex(f"∂{top}/∂node"))
    key = (
        rf"value\quad\textcolor{{grad}}{{{gradient}}}"
        rf"\quad\textcolor{{local}}{{local gradient on an arrow}}"
    )
    at = _pt(width - MARGIN_PT * k, (MARGIN_PT * 0.5 + 6) * k)
    font = _size(KEY_PT * k)
    pieces: list[tuple[When, str]] = [
        (None, rf"\node[anchor=north east, inner sep=0pt, font={font}] at {at} {{{key}}};")
    ]
    x, y, w, h = graph_area(ratio, band)
    placed = fit(layout.width_pt, layout.height_pt, (x * k, y * k, w * k, h * k))
    pieces += _arrows(part, layout, placed)
    pieces += _boxes(part, layout, placed, labels)
    return pieces


def _slashed(tex: str) -> str:
    """`\\frac{A}{B}` written `A/B`: a caption line keeps one line's height, as the slides write ∂f/∂w5."""
    while (at := tex.find(r"\frac{")) >= 0:
        first_end = _group_end(tex, at + 5)
        second_end = _group_end(tex, first_end + 1)
        numerator, denominator = tex[at + 6 : first_end], tex[first_end + 2 : second_end]
        tex = f"{tex[:at]}{{{numerator}}}/{{{denominator}}}{tex[second_end + 1 :]}"
    return tex


def _group_end(tex: str, start: int) -> int:
    """The index of the brace closing the group opened at `start`."""
    depth = 0
    for i in range(start, len(tex)):
        if tex[i] == "\\":
            continue
        if tex[i] == "{" and tex[i - 1] != "\\":
            depth += 1
        elif tex[i] == "}" and tex[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return i
    return len(tex) - 1


def _pt(x: float, y: float) -> str:
    return f"({x:.2f},{y:.2f})"


def _arrows(part, layout, placed: Fit) -> list[tuple[When, str]]:
    out = []
    locals_ = {(a.tail, a.head): a.local for a in part.arrows}
    for tail, head, points, label_xy in layout.arrows:
        spline, tip = curve([tuple(p) for p in points])
        at = [placed.point(*p) for p in spline]
        path = _pt(*at[0])
        if len(at) >= 4 and (len(at) - 1) % 3 == 0:
            for i in range(1, len(at), 3):
                path += f" .. controls {_pt(*at[i])} and {_pt(*at[i + 1])} .. {_pt(*at[i + 2])}"
        else:
            path += "".join(f" -- {_pt(*p)}" for p in at[1:])
        if tip is not None:
            path += f" -- {_pt(*placed.point(*tip))}"
        out.append((None, rf"\draw[-stealth, arrow, line width=0.6pt] {path};"))
        text = locals_.get((tail, head))
        if text and label_xy is not None:
            at = _pt(*placed.point(*label_xy))
            font = _size(NUMBER_PT * placed.scale)
            node = rf"\node[text=local, inner sep=0pt, font={font}] at {at} {{{latex(text)}}};"
            out.append((("value", head), node))
    return out


def _boxes(part, layout, placed: Fit, labels) -> list[tuple[When, str]]:
    """Each box as the slide view draws it: role colours, the operation's mark in a cell on the left,
    the name over the value and the gradient (side by side when compact), each shown from its step on."""
    out = []
    scale = placed.scale
    for box in part.boxes:
        x, y, w, h = placed.rect(layout.boxes[box.id])
        role = box.role if box.role in PALETTE else "intermediate"
        context = box.id in part.context
        style = "draw=muted, dashed, fill=muted!8" if context else f"draw=line-{role}, fill=fill-{role}"
        corners = rf"{_pt(x, y)} rectangle {_pt(x + w, y + h)}"
        out.append((None, rf"\draw[{style}, rounded corners=2pt, line width=0.5pt] {corners};"))
        out.append(
            (("current", box.id), rf"\draw[draw=current, rounded corners=2pt, line width=1.6pt] {corners};")
        )
        left = x
        if box.op is not None:
            glyph = MARKS.get(box.op, box.op)
            size = (MARK_PT if len(box.op) == 1 else TEXT_PT + 2) * scale
            cell = mark_width(box.op) * scale
            colour = "muted" if context else f"line-{role}"
            font = rf"\bfseries{_size(size)}"
            at = _pt(x + cell / 2, y + h / 2)
            out.append(
                (None, rf"\node[inner sep=0pt, text={colour}, font={font}] at {at} {{{_mark(glyph)}}};")
            )
            rule = rf"{_pt(x + cell, y + 2 * scale)} -- {_pt(x + cell, y + h - 2 * scale)}"
            out.append((None, rf"\draw[draw={colour}, line width=0.4pt] {rule};"))
            left = x + cell
        derived = not box.node.label
        name_size = (TEXT_PT + 2 if derived else LABEL_PT) * scale
        name = latex(picture_text(box.name, MAX_NAME_CHARS), labels)  # shortened as the picture is
        name = rf"\textcolor{{muted}}{{{name}}}" if derived or context else rf"\mbox{{\boldmath{name}}}"
        ink = "muted" if context else "grad"
        numbers = []
        if box.value is not None:
            numbers.append((latex(box.value), ("value", box.id)))
        if box.grad is not None:
            numbers.append((rf"\textcolor{{{ink}}}{{{latex(box.grad)}}}", ("grad", box.id)))
        rows: list[list[tuple[str, When]]] = [[(name, None)]]
        if len(numbers) == 2 and part.compact:
            rows.append(numbers)
        else:
            rows += [[n] for n in numbers]
        middle = (left + x + w) / 2
        step = h / len(rows)
        room = rf"{max(x + w - left - 3 * scale, 1.0):.2f}pt"  # Graphviz sized the box for Helvetica:
        # a wider Latin Modern line is narrowed to the box rather than run over its border
        for i, row in enumerate(rows):
            size = _size(name_size if i == 0 else NUMBER_PT * scale)
            cy = y + step * (i + 0.5)
            if len(row) == 1:
                text, when = row[0]
                text = rf"\adjustbox{{max width={room}}}{{{text}}}"
                node = rf"\node[inner sep=0pt, font={size}] at {_pt(middle, cy)} {{{text}}};"
                out.append((when, node))
                continue
            (value, shown), (grad, known) = row
            gap = rf"\hspace{{{GAP_PT * scale:.2f}pt}}"
            # value and gradient appear at different steps: each is drawn beside the other's phantom,
            # so that the pair is centred in the box whichever shows
            for text, when in (
                (rf"{value}{gap}\phantom{{{grad}}}", shown),
                (rf"\phantom{{{value}}}{gap}{grad}", known),
            ):
                text = rf"\adjustbox{{max width={room}}}{{{text}}}"
                node = rf"\node[inner sep=0pt, font={size}] at {_pt(middle, cy)} {{{text}}};"
                out.append((when, node))
    return out


def _mark(glyph: str) -> str:
    """An operation's mark, bold as the picture draws it: a word (exp, log, tanh) in bold sans, a symbol
    (Σ, ×, σ, +, x²) as bold maths: all of one weight."""
    if len(glyph) > 1 and glyph.isalpha():
        return rf"\textbf{{{text_mode(glyph)}}}"
    return rf"$\boldsymbol{{{math_text(glyph)}}}$"


def compile_pdf(source: str, target: Path) -> Path:
    """Compile `source` with pdflatex (once: nothing needs the .aux) in a temporary folder and write the PDF
    to `target`, whole or not at all. Raises DeckError when pdflatex is missing (the .tex is written
    beside `target` unless a file is there, and the message says how to install LaTeX), when it fails
    (naming the log's error and the source line) or runs past TIMEOUT."""
    try:
        return write_atomic(target, pdflatex(source, "deck", TIMEOUT))
    except LatexMissing:
        tex = target.with_suffix(".tex")
        note = f"the deck's source is in {tex}" if not tex.exists() else f"{tex} exists, so it was left alone"
        if not tex.exists():
            write_atomic(tex, source)
        raise DeckError(f"cannot make {target}: pdflatex is missing; {note}; {INSTALL}") from None
    except LatexFailed as error:
        raise DeckError(f"cannot make {target}: {error}") from None
