"""A deck as Beamer: the slide view drawn in TikZ at Graphviz's coordinates, one frame per part of the
graph, the steps as overlays (values appear in the forward steps, gradients in the backward ones, the
current box outlined, the chain-rule lines typeset as maths), compiled to PDF by pdflatex.

Everything is placed on the page (`remember picture, overlay`: two pdflatex runs), in the page's points:
a 16:9 frame is 160 × 90 mm (453.5 × 255.1 pt), so on a 1920 × 1080 display 1 pt is 4.23 px.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..explain.write import math_labels
from ..files import write_atomic
from ..graph import forward_order
from ..render.graph import GRAD, HIGHLIGHT, LOCAL, MUTED, PALETTE
from ..render.slide_draw import MARKS
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
    caption_size,
    check_ratio,
    curve,
    fit,
    graph_area,
    page,
)  # fmt: skip
from .steps import Slide
from .tex import ascii_math, math

PAGES = {"16:9": (453.54, 255.12, "169"), "4:3": (364.19, 273.14, "43")}  # Beamer's frame sizes (pt)
TIMEOUT = 300  # seconds for one pdflatex run (a deck of a few hundred overlays)
INSTALL = (
    "install LaTeX: Debian/Ubuntu: sudo apt-get install texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-pictures (or run scripts/setup tex); macOS: MacTeX"
)

_PREAMBLE = r"""\documentclass[aspectratio=%(aspect)s]{beamer}
\usepackage[T1]{fontenc}
\usepackage{amsmath}
\usepackage{tikz}
\setbeamertemplate{navigation symbols}{}
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
    """The Beamer source of a deck: `sections` as `autograd.deck.pptx.write_pptx` takes them."""
    check_ratio(ratio)
    _, height, aspect = PAGES[ratio]
    roles = "\n".join(
        rf"\definecolor{{fill-{role}}}{{HTML}}{{{fill[1:]}}}\definecolor{{line-{role}}}{{HTML}}{{{line[1:]}}}"
        for role, (fill, line) in PALETTE.items()
    )
    colours = {"grad": GRAD, "local": LOCAL, "muted": MUTED, "current": HIGHLIGHT}
    fields = {name: hex_colour[1:] for name, hex_colour in colours.items()}
    fields |= {"aspect": aspect, "roles": roles, "title": _text(title or "Backpropagation")}
    out = [_PREAMBLE % fields]
    for parts, layouts, slides, top in sections:
        labels = math_labels(forward_order(parts[0].root))
        for run in _runs(slides):
            k = run[0].part
            out.append(_frame(parts[k], layouts[k], run, ratio, height / HEIGHT_PT, top, labels))
    out.append("\\end{document}\n")
    return "\n".join(out)


def _runs(slides: Sequence[Slide]) -> list[list[Slide]]:
    """Consecutive slides on one part: one frame, an overlay each."""
    runs: list[list[Slide]] = []
    for slide in slides:
        if runs and runs[-1][-1].part == slide.part:
            runs[-1].append(slide)
        else:
            runs.append([slide])
    return runs


def _spec(overlays: Iterable[int]) -> str | None:
    """Overlay numbers as Beamer writes them (1-3,5), or None for none."""
    numbers = sorted(set(overlays))
    if not numbers:
        return None
    spans, start = [], numbers[0]
    for a, b in zip(numbers, [*numbers[1:], None]):
        if b != a + 1:
            spans.append(str(start) if start == a else f"{start}-{a}")
            start = b
    return ",".join(spans)


def _only(overlays: Iterable[int], body: str, total: int) -> str:
    spec = _spec(overlays)
    if spec is None:
        return ""
    return body if spec == ("1" if total == 1 else f"1-{total}") else f"\\only<{spec}>{{{body}}}"


def _text(text: str) -> str:
    return ascii_math(
        re.sub(
            r"[\\{}$&#%_^~]",
            lambda m: {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}.get(m[0], "\\" + m[0]),
            text,
        )
    )


def _size(pt: float) -> str:
    return rf"\fontsize{{{pt:.2f}}}{{{pt * 1.2:.2f}}}\selectfont"


def _frame(part, layout, run: list[Slide], ratio: str, k: float, top: str, labels) -> str:
    """One frame: the part drawn once, an overlay per slide of `run`; PowerPoint's geometry (see
    `autograd.deck.place`) scaled by `k` to Beamer's smaller page."""
    total = len(run)
    width = page(ratio)[0] * k
    out = [
        r"\begin{frame}[plain]",
        r"\begin{tikzpicture}[remember picture, overlay, x=1pt, y=-1pt, shift={(current page.north west)}]",
    ]
    titles: dict[str, list[int]] = {}
    for n, slide in enumerate(run, 1):
        titles.setdefault(slide.title, []).append(n)
    for title, overlays in titles.items():
        at = _pt(MARGIN_PT * k, MARGIN_PT * 0.5 * k)
        font = rf"\bfseries{_size(TITLE_PT * k)}"
        node = rf"\node[anchor=north west, inner sep=0pt, font={font}] at {at} {{{_text(title)}}};"
        out.append(_only(overlays, node, total))
    gradient = _slashed(math(f"∂{top}/∂node"))
    key = (
        rf"value\quad\textcolor{{grad}}{{{gradient}}}"
        rf"\quad\textcolor{{local}}{{local gradient on an arrow}}"
    )
    at = _pt(width - MARGIN_PT * k, (MARGIN_PT * 0.5 + 6) * k)
    out.append(rf"\node[anchor=north east, inner sep=0pt, font={_size(KEY_PT * k)}] at {at} {{{key}}};")
    x, y, w, h = graph_area(ratio)
    placed = fit(layout.width_pt, layout.height_pt, (x * k, y * k, w * k, h * k))
    out += _arrows(part, layout, placed, run, total)
    out += _boxes(part, layout, placed, run, total, labels)
    x, y, w, h = caption_area(ratio)
    for n, slide in enumerate(run, 1):
        if slide.lines:
            size = caption_size(slide.lines, w) * k
            body = r" \\ ".join(_slashed(math(line, labels)) for line in slide.lines)
            style = (
                rf"anchor=north west, inner sep=0pt, text width={w * k:.2f}pt, align=left, font={_size(size)}"
            )
            out.append(_only([n], rf"\node[{style}] at {_pt(x * k, y * k)} {{{body}}};", total))
    out += [r"\end{tikzpicture}", r"\end{frame}", ""]
    return "\n".join(line for line in out if line)


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


def _arrows(part, layout, placed: Fit, run, total: int) -> list[str]:
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
        out.append(rf"\draw[-stealth, arrow, line width=0.6pt] {path};")
        text = locals_.get((tail, head))
        if text and label_xy is not None:
            overlays = [k for k, s in enumerate(run, 1) if head in s.values]
            at = _pt(*placed.point(*label_xy))
            font = _size(NUMBER_PT * placed.scale)
            node = rf"\node[text=local, inner sep=0pt, font={font}] at {at} {{{math(text)}}};"
            out.append(_only(overlays, node, total))
    return out


def _boxes(part, layout, placed: Fit, run, total: int, labels) -> list[str]:
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
        out.append(rf"\draw[{style}, rounded corners=2pt, line width=0.5pt] {corners};")
        current = [n for n, s in enumerate(run, 1) if box.id in s.current]
        out.append(
            _only(current, rf"\draw[draw=current, rounded corners=2pt, line width=1.6pt] {corners};", total)
        )
        left = x
        if box.op is not None:
            glyph = MARKS.get(box.op, box.op)
            size = (MARK_PT if len(box.op) == 1 else TEXT_PT + 2) * scale
            mark_w = len(glyph) * 0.62 * size + 8 * scale
            colour = "muted" if context else f"line-{role}"
            at = _pt(x + mark_w / 2 + scale, y + h / 2)
            font = rf"\bfseries{_size(size)}"
            out.append(
                rf"\node[inner sep=0pt, text={colour}, font={font}] at {at} {{{math(glyph, [glyph])}}};"
            )
            rx = x + mark_w + 2 * scale
            rule = rf"{_pt(rx, y + 2 * scale)} -- {_pt(rx, y + h - 2 * scale)}"
            out.append(rf"\draw[draw={colour}, line width=0.4pt] {rule};")
            left = x + mark_w + 2 * scale
        derived = not box.node.label
        name_size = (TEXT_PT + 2 if derived else LABEL_PT) * scale
        name = math(box.name, labels)
        name = rf"\textcolor{{muted}}{{{name}}}" if derived or context else rf"\mbox{{\boldmath{name}}}"
        values = [n for n, s in enumerate(run, 1) if box.id in s.values]
        grads = [n for n, s in enumerate(run, 1) if box.id in s.grads]
        ink = "muted" if context else "grad"
        numbers = []
        if box.value is not None:
            numbers.append((math(box.value), values))
        if box.grad is not None:
            numbers.append((rf"\textcolor{{{ink}}}{{{math(box.grad)}}}", grads))
        rows: list[list[tuple[str, list[int]]]] = [[(name, list(range(1, total + 1)))]]
        if len(numbers) == 2 and part.compact:
            rows.append(numbers)
        else:
            rows += [[n] for n in numbers]
        middle = (left + x + w) / 2
        step = h / len(rows)
        for i, row in enumerate(rows):
            size = _size(name_size if i == 0 else NUMBER_PT * scale)
            cy = y + step * (i + 0.5)
            if len(row) == 1:
                text, overlays = row[0]
                node = rf"\node[inner sep=0pt, font={size}] at {_pt(middle, cy)} {{{text}}};"
                out.append(_only(overlays, node, total))
                continue
            for (text, overlays), anchor, dx in zip(row, ("east", "west"), (-4 * scale, 4 * scale)):
                at = _pt(middle + dx, cy)
                node = rf"\node[anchor={anchor}, inner sep=0pt, font={size}] at {at} {{{text}}};"
                out.append(_only(overlays, node, total))
    return out


def compile_pdf(source: str, target: Path) -> Path:
    """Compile `source` with pdflatex (twice: the page positions) in a temporary folder and write the PDF
    to `target`, whole or not at all. Raises DeckError when pdflatex is missing (the .tex is written
    beside `target` unless a file is there, and the message says how to install LaTeX), when it fails
    (naming the log's error and the source line) or runs past TIMEOUT."""
    from . import DeckError

    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        tex = target.with_suffix(".tex")
        note = f"the deck's source is in {tex}" if not tex.exists() else f"{tex} exists, so it was left alone"
        if not tex.exists():
            write_atomic(tex, source)
        raise DeckError(f"cannot make {target}: pdflatex is missing; {note}; {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="chainrule-deck-") as folder:
        (Path(folder) / "deck.tex").write_text(source, encoding="utf-8")
        for _ in range(2):
            try:
                done = subprocess.run(
                    [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "deck.tex"],
                    cwd=folder, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                raise DeckError(f"cannot make {target}: pdflatex ran past {TIMEOUT} s") from None
            if done.returncode != 0 or not (Path(folder) / "deck.pdf").is_file():
                raise DeckError(f"cannot make {target}: {log_error(Path(folder) / 'deck.log', source)}")
        return write_atomic(target, (Path(folder) / "deck.pdf").read_bytes())


def log_error(log: Path, source: str) -> str:
    """The first error of a LaTeX log as one line:
    `LaTeX error: ! Undefined control sequence. (deck.tex line 12: …)`."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "pdflatex failed and wrote no log"
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!"):
            where = next((m for m in (re.match(r"l\.(\d+)", x) for x in lines[i : i + 12]) if m), None)
            if where:
                number = int(where[1])
                code = source.splitlines()[number - 1].strip() if number <= len(source.splitlines()) else ""
                return f"LaTeX error: {line} (deck.tex line {number}: {code[:120]})"
            return f"LaTeX error: {line}"
    return "pdflatex failed; no error line in its log"
