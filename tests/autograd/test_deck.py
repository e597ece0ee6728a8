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
from autograd.deck import DeckError, _sections, deck, plan
from autograd.deck.captions import (
    INDENT_EM,
    LEADING,
    MIN_SCALE,
    caption,
    fit_captions,
    text_width,
    wrap,
)
from autograd.deck.pdflatex import log_error
from autograd.deck.place import (
    CAPTION_BAND_PT,
    CAPTION_MIN_PT,
    HEIGHT_PT,
    MARGIN_PT,
    NUMBER_PX,
    TEXT_PX,
    TITLE_PT,
    caption_area,
    graph_area,
    px_per_pt,
)
from autograd.explain.write import latex as math
from autograd.render.measure import _crosses, is_number, overlaps, text_box
from autograd.render.slide import slide_parts
from autograd.text.latex import math_text, text_mode
from demos.examples import catalog
from tests.support.latex import latin

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
        for shape in slide.shapes:
            if shape.name == "caption":
                _caption_checks(shape, prs.slide_height)
    return prs


def _caption_checks(shape, slide_height) -> None:
    """A caption's lines: at number size (they hold numbers), each as wide as its box at most (measured
    with the font's metrics: PowerPoint must not wrap it again), all of them inside the box and slide."""
    from pptx.util import Emu

    paragraphs = shape.text_frame.paragraphs
    for paragraph in paragraphs:
        size = paragraph.runs[0].font.size.pt
        assert size * px_per_pt(HEIGHT_PT) >= NUMBER_PX - 0.01, (paragraph.text, size)
        indent = Emu(int(paragraph._pPr.get("marL", 0)) if paragraph._pPr is not None else 0).pt
        assert indent + text_width(paragraph.text, size) <= Emu(shape.width).pt + 0.5, paragraph.text
    assert len(paragraphs) * size * LEADING <= Emu(shape.height).pt + 0.5
    assert shape.top + shape.height <= slide_height


def fan(n: int = 6) -> Value:
    """x feeding n sigmoid units summed, with long names: a layer's slide has long lines."""
    x = Value(0.5, "input_signal")
    units = [
        sigmoid(x * Value(0.1 * (i + 1), f"weight_of_unit_{i + 1}")).named(f"hidden_activation_{i + 1}")
        for i in range(n)
    ]
    f = sum(units[1:], units[0]).named("f")
    f.backward()
    return f


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
def test_pptx_captions_wrap_at_their_joints_and_keep_number_size(tmp_path):
    path = deck(fan(), tmp_path / "fan.pptx", ratio="4:3", cap=2)  # a slide per layer: 5 lines
    prs = _pptx_checks(path, 10.0)
    captions = [s for slide in prs.slides for s in slide.shapes if s.name == "caption"]
    assert max(len(c.text_frame.paragraphs) for c in captions) >= 5
    continued = [p.text for c in captions for p in c.text_frame.paragraphs if p._pPr.get("marL")]
    assert continued and all(t[:2] in ("= ", "+ ", "− ", "· ") for t in continued)


def arrow_lines(slide) -> dict[str, list[tuple[float, float]]]:
    """Each arrow's polyline (EMU, on the slide), by 'tail→head', read back from its freeform's path."""
    from pptx.oxml.ns import qn

    lines = {}
    for shape in slide.shapes:
        if shape.name.startswith("arrow "):
            path = shape._element.find(".//" + qn("a:path"))
            sx = shape.width / max(int(path.get("w")), 1)
            sy = shape.height / max(int(path.get("h")), 1)
            points = [(int(p.get("x")), int(p.get("y"))) for p in path.iter(qn("a:pt"))]
            lines[shape.name.removeprefix("arrow ")] = [
                (shape.left + x * sx, shape.top + y * sy) for x, y in points
            ]
    return lines


@needs_dot
@pytest.mark.parametrize("name", ["chen-2-2-2", "softmax-ce"])  # chen crossed with straight lines
def test_pptx_arrows_follow_the_curves_and_cross_no_other_label(tmp_path, name):
    from pptx import Presentation

    example = catalog.get(name)
    graph = example.build()
    loss = "L" if graph.upstream != 1 else None
    path = deck(
        graph.outputs, tmp_path / "d.pptx", upstream=graph.upstream, loss=loss, roles=example.node_roles()
    )
    slides = list(Presentation(path).slides)
    last = slides[-1]  # every local gradient shown
    lines = arrow_lines(last)
    assert lines and any(len(line) > 4 for line in lines.values())  # curves, not straight lines
    for shape in last.shapes:
        if shape.name.startswith("arrow "):
            ends = shape._element.findall(".//{http://schemas.openxmlformats.org/drawingml/2006/main}tailEnd")
            assert [e.get("type") for e in ends] == ["triangle"]
    labels = {s.name.removeprefix("local "): s for s in last.shapes if s.name.startswith("local ")}
    assert labels
    for edge, line in lines.items():
        for other, label in labels.items():
            assert other == edge or not _crosses(line, ink(label)), (edge, label.text_frame.text, other)


def ink(label) -> tuple[float, float, float, float]:
    """Where a one-line text box's text is drawn (EMU): its first line's baseline is Arial's ascent
    (0.905 em) below the box's top, the text centred across it, the glyphs' own ink above and below."""
    run = label.text_frame.paragraphs[0].runs[0]
    size = run.font.size  # EMU
    return text_box(
        run.text, label.left + label.width / 2, label.top + 0.905 * size, size, "middle", family="Arial"
    )


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
    # but for letters pdflatex's text fonts have (é, ß), which autograd.text.latex writes as themselves
    assert latin(math(f"∂L/∂{label} = 1", [label])) and latin(text_mode(label))


def test_unicode_becomes_latex_commands():
    assert math("W⁽¹⁾", ["W⁽¹⁾"]) == r"$\mathrm{W^{(1)}}$"
    assert r"\hat{y}" in math_text("ŷ")
    assert math_text("δ · ∇") == r"\delta  \cdot  \nabla "
    # a title is text: TeX's specials as text commands, the notation's symbols as maths
    assert text_mode("σ: 50% of {x}") == r"\ensuremath{\sigma }: 50\% of \{x\}"


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
    numbers = [w.px for _, words in pages for w in words if is_value(w, words)]
    assert numbers and min(numbers) >= NUMBER_PX - 0.01
    assert min(w.px for _, words in pages for w in words if w.text.isalnum()) >= TEXT_PX - 0.01


def is_value(word: Word, words: list[Word]) -> bool:
    """A number written as a value (0.5933, 12), not a name's subscript (the 12 of W1₁₂, set right
    against its name: text). A signed number's − comes from the maths font, taller: left out."""
    if not re.fullmatch(r"\d*\.\d+|\d+", word.text):
        return False
    return not any(
        abs(v.x + v.w - word.x) < 0.6 and v.y < word.y + word.h and word.y < v.y + v.h
        for v in words
        if v is not word
    )


@needs_dot
@needs_latex
def test_beamer_captions_wrap_inside_the_page_at_number_size(tmp_path):
    path = deck(fan(), tmp_path / "fan.pdf", ratio="4:3", cap=2)
    _, _, slides, _, bands = _sections([fan()], "4:3", 4, None, 1.0, None, 2, None, None, "beamer")[0]
    pages = pdf_words(path)
    assert len(pages) == len(slides)
    for ((width, height), words), slide in zip(pages, slides):
        top = caption_area("4:3", bands[slide.part])[1] * height / HEIGHT_PT
        below = [w for w in words if w.y >= top - 1]
        assert bool(below) == bool(slide.lines)
        for w in below:
            assert w.x + w.w <= width - MARGIN_PT * height / HEIGHT_PT + 0.5, w
            assert w.y + w.h <= height, w
            if is_value(w, words):
                assert w.px >= NUMBER_PX - 0.01, w
    rows = {round(w.y) for w in pages[-1][1] if w.y >= top - 1}
    assert len(rows) >= 5  # the layer's lines, wrapped


@needs_dot
@needs_latex
def test_hostile_labels_compile(tmp_path):
    path = deck(hostile_graph(), tmp_path / "h.pdf", ratio="4:3")
    assert path.read_bytes().startswith(b"%PDF")


@needs_dot
@needs_latex
def test_a_catalog_example_with_hostile_labels_compiles(tmp_path):
    # two outputs, so each slide's title starts with its output's name: text, not maths
    graph = catalog.get("output-losses").build()
    names = ["σ·ε → φ", HOSTILE + "|", "日本 ß é", "W⁽¹⁾ ŷ₁", "‖x‖ – ∂", "a b\tc"]
    for k, node in enumerate(graph.nodes.values()):
        node.named(f"{names[k % len(names)]}{k}")
    source = tmp_path / "h.tex"
    deck(graph.outputs, source, title=names[0] + HOSTILE)
    title = r"\ensuremath{\sigma \cdot \varepsilon } \ensuremath{\rightarrow } \ensuremath{\varphi }"
    assert title in source.read_text(encoding="utf-8")  # as text/latex writes ε and φ
    path = deck(graph.outputs, tmp_path / "h.pdf", title=names[0] + HOSTILE)
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


_TERM = st.sampled_from(["∂f/∂net_o1", "∂net_o1/∂h1", "0.1385", "(−0.0381)", "w5", "h1·(1 − h1)", "x"])


@given(
    st.lists(
        st.lists(st.lists(_TERM, min_size=1, max_size=3), min_size=1, max_size=4), min_size=2, max_size=4
    ),
    st.floats(120, 936),
    st.sampled_from(["pptx", "beamer"]),
)
@settings(max_examples=60, deadline=None)
def test_wrap_breaks_only_at_joints_and_fits_where_it_can(sides, width, font):
    line = " = ".join(" + ".join(" · ".join(product) for product in side) for side in sides)
    pieces = wrap(line, width, CAPTION_MIN_PT, font)
    assert " ".join(text for text, _ in pieces) == line
    assert not pieces[0][1] and all(continued for _, continued in pieces[1:])
    for text, continued in pieces:
        if continued:
            assert text[:2] in ("= ", "+ ", "− ", "· ")
        room = width - (INDENT_EM * CAPTION_MIN_PT if continued else 0)
        outside = re.sub(r"\([^()]*\)", "", text)  # a joint inside brackets is part of a term
        joints = [j for j in (" = ", " + ", " − ", " · ") if j in outside]
        assert text_width(text, CAPTION_MIN_PT, font) <= room or not joints, (text, room)


@dataclass(frozen=True)
class _Layout:
    width_pt: float
    height_pt: float


def _slide(lines, part=0):
    from autograd.deck.steps import Slide

    empty = frozenset()
    return Slide(part, "backward", "backward pass", tuple(lines), empty, empty, empty)


def test_a_tall_caption_takes_room_from_a_graph_with_room_to_spare():
    line = "∂f/∂h1 = " + " + ".join(["∂f/∂net_o1 · ∂net_o1/∂h1"] * 9) + " = 0.03635"
    slides, bands = fit_captions([_slide([line] * 4)], [_Layout(400, 100)], "16:9")
    assert len(slides) == 1 and bands[0] > CAPTION_BAND_PT
    set_ = caption(slides[0].lines, caption_area("16:9")[2], bands[0])
    assert set_.size >= CAPTION_MIN_PT and set_.height <= bands[0]


def test_a_caption_that_does_not_fit_goes_over_two_slides():
    # a graph that only just keeps its numbers legible in the usual area: it gives no room
    _, _, w, h = graph_area("16:9")
    full = _Layout(w / MIN_SCALE, h / MIN_SCALE)
    line = "∂f/∂h1 = " + " + ".join(["∂f/∂net_o1 · ∂net_o1/∂h1"] * 9) + " = 0.03635"
    slides, bands = fit_captions([_slide(["∂f/∂f = 1"]), _slide([line] * 4)], [full], "16:9")
    assert bands == [pytest.approx(CAPTION_BAND_PT)] and len(slides) >= 3
    assert [line for s in slides[1:] for line in s.lines] == [line] * 4
    for s in slides:
        set_ = caption(s.lines, caption_area("16:9")[2], bands[0])
        assert set_.size >= CAPTION_MIN_PT and set_.height <= bands[0]


def test_a_sum_inside_a_product_keeps_its_gate_and_its_numbers_multiply_out(tmp_path):
    # f = (x + y)·z: the add gate is a box of its own (fused into f it read as x·y·z), and the
    # product's line multiplies out as written: 3 · (−4), not −2 + 5 · (−4)
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    f = ((x + y) * z).named("f")
    f.backward()
    assert [box.name for box in slide_parts(f)[0].boxes] == ["x", "y", "z", "x + y", "f"]
    source = deck(f, tmp_path / "f.tex").read_text(encoding="utf-8")
    assert r"f = (x + y) \cdot z = 3  \cdot  (-4) = -12" in source
    assert r"{\partial f}/{\partial (x + y)}  \cdot  1 = -4  \cdot  1 = -4" in source  # as a label's


def test_numbers_written_into_a_product_bracket_a_sum_of_numbers():
    from autograd.text import Name, expression, number_name

    product = Value(1.0) * Value(2.0)
    sum_of_numbers = Name("−2 + 5", 1, True)
    assert expression(product, [sum_of_numbers, number_name(-4.0, 4)], 4, False).text == "(−2 + 5) · (−4)"
    assert expression(product, [number_name(-2.0, 4), number_name(5.0, 4)], 4, False).text == "−2 · 5"
