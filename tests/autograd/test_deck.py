"""Decks (autograd.deck): which slides, PowerPoint read back with python-pptx, Beamer compiled by pdflatex."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, sigmoid
from autograd.deck import DeckError, deck, plan
from autograd.deck.beamer import log_error
from autograd.deck.place import HEIGHT_PT, NUMBER_PX, TEXT_PX, TITLE_PT, px_per_pt
from autograd.deck.tex import ascii_math, math
from autograd.render.measure import is_number, overlaps
from autograd.render.slide import slide_parts
from demos.examples import catalog

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
needs_latex = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
    reason="pdflatex or pdftotext is missing (scripts/setup tex installs them)",
)
HOSTILE = "{}$&%#_^\\~<>"


@dataclass(frozen=True)
class Word:
    """A word of a PDF page as pdftotext -bbox gives it (points, top-left origin), `px` its font size
    on a 1920×1080 display."""

    text: str
    x: float
    y: float
    w: float
    h: float
    px: float


def pdf_words(path, first: int = 1, last: int | None = None) -> list[tuple[tuple[float, float], list[Word]]]:
    """Each page's size and words. A word's box is its font's ascent to descent (pdftotext), so its font
    size is its height over that span per em, read off the page's title (set at TITLE_PT)."""
    args = ["pdftotext", "-f", str(first), *(["-l", str(last)] if last else []), "-bbox", str(path), "-"]
    html = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page (.*?)</page>", html, re.S):
        width, height = map(float, re.search(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        found = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page)
        boxes = [(t, float(a), float(b), float(c) - float(a), float(d) - float(b)) for a, b, c, d, t in found]
        title = next(b for b in boxes if b[0] in ("forward", "backward") and b[2] < height * 0.1)
        em = title[4] / (TITLE_PT * height / HEIGHT_PT)  # the word height of a 1 pt font
        px = 1080 / height
        pages.append(((width, height), [Word(*b, px=b[4] / em * px) for b in boxes]))
    return pages


def chen():
    return catalog.get("chen-2-2-2").build().outputs[0]


def hostile_graph() -> Value:
    """A neuron whose labels hold every TeX special and Unicode the slides use."""
    x = Value(0.5, HOSTILE)
    w = Value(-1.5, "W⁽¹⁾")
    b = Value(0.25, "β_ŷ")
    net = (w * x + b).named("net δ")
    out = sigmoid(net).named("ŷ → 日本")
    loss = ((out - 1.0) ** 2).named("L²")
    loss.backward()
    return loss


@needs_dot
def test_chen_plan_has_a_slide_per_boxed_step_and_the_slides_lines():
    root = chen()
    parts = slide_parts(root)
    slides = plan(root, parts)
    fused = {f for part in parts for box in part.boxes for f in box.fused if f is not box.node}
    boxes = [box for part in parts for box in part.boxes]
    computed = {box.node for box in boxes if box.node.op is not None and box.value is not None}
    graded = {box.node for box in boxes if box.grad is not None}
    forward = [s for s in slides if s.phase == "forward"]
    backward = [s for s in slides if s.phase == "backward"]
    assert len(forward) == 1 + len(computed)  # the given values, then one per computed box
    assert len(backward) == len(graded)
    current = {
        box.node for s in slides for part in [parts[s.part]] for box in part.boxes if box.id in s.current
    }
    assert not current & fused  # a product fused into a net input has no slide
    lines = [line for s in backward for line in s.lines]
    assert lines[0] == "∂f/∂f = 1"
    assert "∂f/∂w5 = ∂f/∂net_o1 · ∂net_o1/∂w5 = 0.1385 · 0.5933 = 0.08217" in lines
    assert (
        "∂f/∂h1 = ∂f/∂net_o1 · ∂net_o1/∂h1 + ∂f/∂net_o2 · ∂net_o2/∂h1"
        " = 0.1385 · 0.4 + (−0.0381) · 0.5 = 0.03635" in lines
    )
    net = next(s.lines[0] for s in forward if s.lines and s.lines[0].startswith("net_o1 ="))
    assert net == "net_o1 = w5·h1 + w6·h2 + b2 = 0.4 · 0.5933 + 0.45 · 0.5969 + 0.6 = 1.106"
    # each slide shows at least what the one before it showed
    for a, b in itertools.pairwise(forward):
        assert a.values <= b.values or a.part != b.part


@needs_dot
def test_a_big_graph_is_a_deck_of_tens_of_slides_by_layer():
    root = catalog.get("n-patterns").build().outputs[0]
    slides = plan(root, slide_parts(root), cap=40)
    assert len([s for s in slides if s.phase == "forward"]) <= 41
    assert len([s for s in slides if s.phase == "backward"]) <= 40
    assert all(len(s.lines) <= 5 for s in slides)


def _pptx_checks(path, ratio_width_in):
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation(path)
    assert round(Emu(prs.slide_width).inches, 2) == ratio_width_in
    assert round(Emu(prs.slide_height).inches, 2) == 7.5
    px = px_per_pt(HEIGHT_PT)
    for slide in prs.slides:
        texts = []
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    if not run.text.strip():
                        continue
                    size = run.font.size.pt * px
                    limit = NUMBER_PX if is_number(run.text.strip()) else TEXT_PX
                    assert size >= limit - 0.01, (run.text, size)
            if shape.text_frame.text.strip() and not shape.name.startswith("box "):
                texts.append(shape)
        rects = [(s.name + ":" + s.text_frame.text, s.left, s.top, s.width, s.height) for s in texts]
        boxes = [
            (s.name, s.left, s.top, s.width, s.height) for s in slide.shapes if s.name.startswith("box ")
        ]
        # text boxes (title, key, caption, local gradients) overlap neither each other nor a box
        assert not overlaps(rects, tolerance=Emu(12700 * 1.5)), overlaps(rects, tolerance=12700 * 1.5)
        marks = {r[0].split(":")[0].removeprefix("mark ") for r in rects if r[0].startswith("mark ")}
        for r in rects:
            if r[0].startswith("mark "):
                continue
            hits = [b for b in boxes if overlaps([r, b], tolerance=12700 * 1.5)]
            assert not hits, (r[0], hits)
        assert marks <= {b[0].removeprefix("box ") for b in boxes}
    return prs


@needs_dot
@pytest.mark.parametrize("ratio, width", [("16:9", 13.33), ("4:3", 10.0)])
def test_pptx_reads_back_with_every_box_and_legible_sizes(tmp_path, ratio, width):
    root = chen()
    path = deck(root, tmp_path / "chen.pptx", ratio=ratio)
    prs = _pptx_checks(path, width)
    parts = slide_parts(root)
    assert len(prs.slides) == len(plan(root, parts))
    names = {box.name for part in parts for box in part.boxes}
    for slide in list(prs.slides)[:3] + list(prs.slides)[-3:]:
        shown = {s.text_frame.paragraphs[0].text.strip() for s in slide.shapes if s.name.startswith("box ")}
        assert names <= shown | {n for n in names if any(t.endswith(n) for t in shown)}


@needs_dot
def test_hostile_labels_go_into_a_pptx_as_text(tmp_path):
    path = deck(hostile_graph(), tmp_path / "h.pptx")
    from pptx import Presentation

    text = " ".join(
        s.text_frame.text for slide in Presentation(path).slides for s in slide.shapes if s.has_text_frame
    )
    assert HOSTILE in text and "W⁽¹⁾" in text and "日本" in text


@given(st.text(max_size=30))
@settings(max_examples=200, deadline=None)
def test_tex_text_is_ascii_for_any_label(label):
    assert math(f"∂L/∂{label} = 1", [label]).isascii()


def test_unicode_becomes_latex_commands():
    assert math("W⁽¹⁾", ["W⁽¹⁾"]) == r"$\mathrm{W^{(1)}}$"
    assert r"\hat{y}" in ascii_math("ŷ")
    assert ascii_math("δ · ∇") == r"\delta  \cdot  \nabla "


@needs_dot
@needs_latex
@pytest.mark.parametrize("name", ["softmax-ce", "mul-gate"])  # chen compiles in the CLI test
def test_beamer_compiles_and_numbers_are_legible(tmp_path, name):
    example = catalog.get(name)
    graph = example.build()
    path = deck(
        graph.outputs, tmp_path / "d.pdf", upstream=graph.upstream, loss="L" if graph.upstream != 1 else None
    )
    pages = pdf_words(path, last=4)
    width, height = pages[0][0]
    assert abs(width / height - 16 / 9) < 0.01
    sizes = [(w.px, w.text) for _, words in pages for w in words]
    # a lone digit is a subscript of a name (w₁): text; a signed number's − is taller (the maths font)
    numbers = [size for size, t in sizes if re.fullmatch(r"\d*\.\d+|\d\d+", t)]
    assert numbers and min(numbers) >= NUMBER_PX
    assert min(size for size, t in sizes if t.isalnum()) >= TEXT_PX


@needs_dot
@needs_latex
def test_hostile_labels_compile(tmp_path):
    path = deck(hostile_graph(), tmp_path / "h.pdf", ratio="4:3")
    assert path.read_bytes().startswith(b"%PDF")


@needs_dot
def test_without_pdflatex_the_tex_is_written_and_the_error_says_how(tmp_path, monkeypatch):
    which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "pdflatex" else which(name))
    with pytest.raises(DeckError, match=r"pdflatex is missing.*apt-get install texlive"):
        deck(chen(), tmp_path / "chen.pdf")
    assert (tmp_path / "chen.tex").read_text().startswith(r"\documentclass[aspectratio=169]{beamer}")
    assert not (tmp_path / "chen.pdf").exists()


def test_latex_errors_name_the_line(tmp_path):
    log = tmp_path / "deck.log"
    log.write_text("junk\n! Undefined control sequence.\nl.3 \\foo\n")
    assert (
        log_error(log, "a\nb\n\\foo bar\n")
        == "LaTeX error: ! Undefined control sequence. (deck.tex line 3: \\foo bar)"
    )


def test_bad_format_and_ratio(tmp_path):
    with pytest.raises(DeckError, match="unknown deck format"):
        deck(Value(1.0, "x"), tmp_path / "x.doc")
    with pytest.raises(ValueError, match="ratio"):
        deck(Value(1.0, "x"), tmp_path / "x.pptx", ratio="3:2")
