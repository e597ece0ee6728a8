"""A deck as a PowerPoint file (python-pptx): every slide a whole drawing of the graph in one state.

Boxes are rounded rectangles with their text (name, value, gradient); arrows are Graphviz's curves as
freeform polylines ending in an arrowhead; local gradients are text boxes at Graphviz's label places;
the chain-rule lines a text box below: native shapes a teacher can move and retype, not pictures.
Sizes: 16:9 is 13.333 × 7.5 in (960 × 540 pt), so on a 1920 × 1080 display 1 pt is 2 px: numbers are
at least 10 pt, other text 8 pt.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Sequence
from io import BytesIO

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_LINE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from ..render.slide_draw import MARKS, MAX_NAME_CHARS
from ..render.style import GRAD, HIGHLIGHT, LOCAL, MUTED, PALETTE
from ..text import picture_text, safe
from .captions import INDENT_EM, LEADING, caption, text_width
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
    fit,
    graph_area,
    mark_width,
    page,
    polyline,
)  # fmt: skip
from .steps import Slide

FONT = "Arial"
# An output's parts, their layouts, its slides, the loss's name, each part's caption band (pt).
Section = tuple[Sequence[object], Sequence[object], Sequence[Slide], str, Sequence[float]]


def write_pptx(sections: Sequence[Section], ratio: str = "16:9") -> bytes:
    """The deck's bytes: for each section (an output's parts, their layouts, its slides, the loss's name,
    each part's caption band from `autograd.deck.captions.fit_captions`) one slide per `Slide`.
    Raises ValueError for a bad `ratio`."""
    width, height = page(ratio)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(Pt(width)), Emu(Pt(height))
    blank = prs.slide_layouts[6]
    stamps = _Stamps()
    for parts, layouts, slides, top, bands in sections:
        for slide in slides:
            k = slide.part
            _draw(prs.slides.add_slide(blank), parts[k], layouts[k], slide, ratio, top, bands[k], stamps)
    out = BytesIO()
    prs.save(out)
    return out.getvalue()


class _Stamps:
    """Shapes drawn once and copied: a box in one state, an arrow, a local gradient is the same XML on
    every slide that shows it, and python-pptx builds XML slowly (a deck of the catalog's slides took
    minutes). `draw(slide, key, make, *args)` runs `make(slide, *args)` the first time a key is seen and
    keeps the shapes it added; later it appends copies of them, each with a shape id of its new slide."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, list] = {}

    def draw(self, slide, key: Hashable, make: Callable[..., object], *args: object) -> None:
        tree = slide.shapes._spTree
        if key in self._kept:
            for element in self._kept[key]:
                clone = copy.deepcopy(element)
                clone.xpath("./*[1]/p:cNvPr")[0].set("id", str(slide.shapes._next_shape_id))
                tree.append(clone)
            return
        before = len(tree)
        make(slide, *args)
        self._kept[key] = [copy.deepcopy(element) for element in list(tree)[before:]]


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _text_box(slide, x, y, w, h, wrap=False):
    shape = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
    frame = shape.text_frame
    frame.word_wrap = wrap
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    return shape


def _run(paragraph, text: str, size: float, colour: str = "#111827", bold: bool = False):
    run = paragraph.add_run()
    run.text = safe(text).replace("\n", " ")
    run.font.size = Pt(size)
    run.font.name = FONT
    run.font.bold = bold
    run.font.color.rgb = _rgb(colour)
    return run


def _draw(slide, part, layout, state: Slide, ratio: str, top: str, band: float, stamps: _Stamps) -> None:
    width, _ = page(ratio)
    title = _text_box(slide, MARGIN_PT, MARGIN_PT * 0.5, width * 0.45 - MARGIN_PT, TITLE_PT * 1.3)
    _run(title.text_frame.paragraphs[0], state.title, TITLE_PT, bold=True)
    title.name = "title"
    stamps.draw(slide, ("key", width, top), _key, width, top)
    if state.lines:
        x, y, w, h = caption_area(ratio, band)
        lines = caption(state.lines, w, band, "pptx")
        box = _text_box(slide, x, y, w, h)
        box.name = "caption"
        for k, (line, continued) in enumerate(lines.lines):
            paragraph = box.text_frame.paragraphs[0] if k == 0 else box.text_frame.add_paragraph()
            paragraph.line_spacing = Pt(lines.size * LEADING)  # exactly the height `caption` counts
            if continued:  # the rest of the line above, indented as a derivation is
                paragraph._pPr.set("marL", str(int(Pt(INDENT_EM * lines.size))))
            _run(paragraph, line, lines.size)
    placed = fit(layout.width_pt, layout.height_pt, graph_area(ratio, band))
    here = (id(part), id(layout), band)  # a part drawn in the same place
    for box in part.boxes:
        seen = (box.id in state.current, box.id in state.values, box.id in state.grads)
        rect = placed.rect(layout.boxes[box.id])
        stamps.draw(slide, (*here, "box", box.id, seen), _box, box, rect, state, part, placed.scale)
    locals_ = {(a.tail, a.head): a.local for a in part.arrows}
    for k, (tail, head, points, label_xy) in enumerate(layout.arrows):
        name = f"arrow {tail}→{head}"
        stamps.draw(slide, (*here, "arrow", k), _arrow, placed, points, name)
        text = locals_.get((tail, head))
        if text and label_xy is not None and head in state.values:
            size, name = NUMBER_PT * placed.scale, f"local {tail}→{head}"
            stamps.draw(slide, (*here, "local", k), _label, placed, label_xy, text, size, name)


def _key(slide, width: float, top: str) -> None:
    """Which number is which: the value in black, ∂top/∂node in red, local gradients in green."""
    box = _text_box(slide, width * 0.45, MARGIN_PT * 0.5 + 6, width * 0.55 - MARGIN_PT, KEY_PT * 1.4)
    box.name = "key"
    paragraph = box.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT
    _run(paragraph, "value   ", KEY_PT)
    _run(paragraph, f"∂{top}/∂node   ", KEY_PT, GRAD)
    _run(paragraph, "local gradient on an arrow", KEY_PT, LOCAL)


def _box(slide, box, rect, state: Slide, part, scale: float):
    """A rounded rectangle in the role's colours, the operation's mark in a cell on its left (as the
    slide view draws it), then the name over the value and the gradient (side by side when compact)."""
    x, y, w, h = rect
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Pt(x), Pt(y), Pt(w), Pt(h))
    shape.name = f"box {box.id}"
    shape.adjustments[0] = min(0.2, 6 / max(min(w, h), 1))
    fill, border = PALETTE.get(box.role, PALETTE["intermediate"])
    context = box.id in part.context
    current = box.id in state.current
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb("#f3f4f6" if context else fill)
    shape.line.color.rgb = _rgb(HIGHLIGHT if current else MUTED if context else border)
    shape.line.width = Pt(3.5 if current else 1.2)
    if context:
        shape.line.dash_style = MSO_LINE.DASH  # a box repeated from the neighbouring part
    shape.shadow.inherit = False
    mark_w = 0.0
    if box.op is not None:
        glyph = MARKS.get(box.op, box.op)
        size = (MARK_PT if len(box.op) == 1 else TEXT_PT + 2) * scale
        mark_w = mark_width(box.op) * scale  # the cell Graphviz gave the mark
        mark = _text_box(slide, x, y, mark_w, h)
        mark.name = f"mark {box.id}"
        mark.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        paragraph = mark.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.CENTER
        _run(paragraph, glyph, size, border, bold=True)
        rule = slide.shapes.add_connector(
            MSO_CONNECTOR.STRAIGHT, Pt(x + mark_w), Pt(y + 3 * scale), Pt(x + mark_w), Pt(y + h - 3 * scale)
        )
        rule.line.color.rgb = _rgb(border)
        rule.line.width = Pt(0.75)
    frame = shape.text_frame
    frame.word_wrap = False
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left, frame.margin_right = Pt(mark_w), 0
    frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    derived = not box.node.label
    name_colour = MUTED if context or derived else "#111827"
    name_size = (TEXT_PT + 2 if derived else LABEL_PT) * scale
    value = box.value if box.id in state.values else None
    grad = box.grad if box.id in state.grads else None
    rows: list[list[tuple[str, str]]] = [[(picture_text(box.name, MAX_NAME_CHARS), name_colour)]]
    numbers = []
    if box.value is not None:
        numbers.append((value or " ", MUTED if context else "#111827"))
    if box.grad is not None:
        numbers.append((grad or " ", MUTED if context else GRAD))
    if numbers and part.compact and len(numbers) == 2:
        # side by side: a number not shown yet is written in the box's own colour (as the picture
        # writes it transparent), so that the value stays put when its gradient appears
        paper = "#f3f4f6" if context else fill
        if value is None:
            numbers[0] = (box.value, paper)
        if grad is None:
            numbers[1] = (box.grad, paper)
        rows.append([numbers[0], (" ", "#111827"), numbers[1]])  # one space: clear of the border
    else:
        rows += [[n] for n in numbers]
    for k, row in enumerate(rows):
        paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.CENTER
        paragraph.line_spacing = 1.0
        for text, colour in row:
            _run(
                paragraph,
                text,
                name_size if k == 0 else NUMBER_PT * scale,
                colour,
                bold=k == 0 and not derived,
            )
    return shape


def _arrow(slide, placed: Fit, points, name: str) -> None:
    """Graphviz's spline as an editable freeform polyline (each Bézier sampled), ending in an arrowhead
    (DrawingML's tailEnd: the end of the line)."""
    at = [placed.point(*p) for p in polyline([tuple(p) for p in points])]
    emu = [(int(Pt(x)), int(Pt(y))) for x, y in at]
    builder = slide.shapes.build_freeform(*emu[0], scale=1.0)
    builder.add_line_segments(emu[1:], close=False)
    shape = builder.convert_to_shape()
    shape.name = name
    shape.fill.background()
    shape.shadow.inherit = False
    shape.line.color.rgb = _rgb("#4b5563")
    shape.line.width = Pt(1.25)
    ln = shape.line._get_or_add_ln()
    ln.append(ln.makeelement(qn("a:tailEnd"), {"type": "triangle", "w": "med", "len": "med"}))


def _label(slide, placed: Fit, xy, text: str, size: float, name: str) -> None:
    """A local gradient centred where Graphviz put the edge's label, its box as wide as the text
    (Arial's metrics) and one line high."""
    x, y = placed.point(*xy)
    w, h = text_width(text, size) + 0.1 * size, size * 1.2
    shape = _text_box(slide, x - w / 2, y - h / 2, w, h)
    paragraph = shape.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    _run(paragraph, text, size, LOCAL)
    shape.name = name


__all__ = ["HEIGHT_PT", "write_pptx"]
