"""The measuring instrument of slide pictures (autograd.render.measure): sizes in slide px, overlaps."""

import math
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.render import draw
from autograd.render.measure import (
    PROJECTOR,
    SLIDE,
    is_number,
    measure_digraph,
    measure_svg,
    overlaps,
    text_box,
)

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def svg(body: str, width: float = 960, height: float = 540, transform: str = "translate(0 0)") -> str:
    """A picture as Graphviz writes one: size in pt, a viewBox, one graph group holding `body`."""
    return (
        f'<svg width="{width}pt" height="{height}pt" viewBox="0.00 0.00 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<g id="graph0" class="graph" transform="{transform}">{body}</g></svg>'
    )


def text(words: str, x: float, y: float, size: float, anchor: str = "start") -> str:
    return (
        f'<text text-anchor="{anchor}" x="{x}" y="{y}" font-family="Helvetica,sans-serif" '
        f'font-size="{size}">{words}</text>'
    )


def node(name: str, x: float, y: float, w: float, h: float, *texts: str) -> str:
    points = f"{x},{y} {x + w},{y} {x + w},{y + h} {x},{y + h} {x},{y}"
    return (
        f'<g id="{name}" class="node"><title>{name}</title>'
        f'<polygon fill="white" stroke="black" points="{points}"/>{"".join(texts)}</g>'
    )


def edge(tail: str, head: str, *texts: str) -> str:
    return f'<g class="edge"><title>{tail}&#45;&gt;{head}</title>{"".join(texts)}</g>'


# ---- sizes -------------------------------------------------------------------------------------------


def test_font_sizes_become_slide_pixels_at_the_scale_that_fits_the_slide():
    picture = svg(text("h1", 10, 20, 8) + text("0.5", 10, 60, 10) + text("−2.5e−3", 10, 100, 12))
    m = measure_svg(picture)  # 960×540 pt on 1920×1080 px: 2 px a point
    assert m.scale == 2
    assert m.smallest_text_px == 16
    assert m.smallest_number_px == 20
    assert sorted((t.text, t.px, t.number) for t in m.texts) == [
        ("0.5", 20, True),
        ("h1", 16, False),
        ("−2.5e−3", 24, True),
    ]
    assert m.readable()
    assert not m.readable(number_px=21)


def test_the_scale_is_the_side_that_binds_width_on_a_wide_picture_height_on_a_tall_one():
    wide = measure_svg(svg(text("x", 0, 10, 10), width=3840, height=540))
    tall = measure_svg(svg(text("x", 0, 10, 10), width=100, height=2160))
    assert wide.scale == 0.5 and wide.smallest_text_px == 5
    assert tall.scale == 0.5
    projector = measure_svg(svg(text("x", 0, 10, 10), width=960, height=540), slide=PROJECTOR)
    assert projector.scale == pytest.approx(1024 / 960)
    assert projector.slide == PROJECTOR and wide.slide == SLIDE


def test_a_scaled_graph_group_scales_its_text():
    # Graphviz writes `size=` as a scale on the graph group: the font sizes are in the group's units.
    m = measure_svg(svg(text("0.5", 0, 10, 20), transform="scale(0.5 0.5) rotate(0) translate(4 500)"))
    assert m.smallest_number_px == 20  # 20 units × 0.5 pt a unit × 2 px a point


def test_a_picture_without_numbers_has_no_smallest_number():
    m = measure_svg(svg(text("only words", 0, 10, 10)))
    assert m.smallest_number_px == math.inf
    assert m.smallest(number=True) is None
    assert m.smallest(number=False).text == "only words"


def test_blank_and_hidden_texts_are_not_measured():
    hidden = text("0.25", 0, 10, 2).replace("<text ", '<text fill="transparent" ')  # a frame's later label
    m = measure_svg(svg(text("&#160;&#160;", 0, 10, 2) + text(" ", 0, 10, 2) + hidden + text("a", 0, 10, 10)))
    assert [t.text for t in m.texts] == ["a"]


@pytest.mark.parametrize(
    "words",
    [
        "0",
        "0.5",
        "−0.0006887",
        "-3",
        "+2",
        ".5",
        "1e-5",
        "−2.776e−17",
        "1.2×10^−3",
        "×10⁻³",
        "25%",
        "−∞",
        "1,024",
    ],
)
def test_numbers_as_pictures_write_them(words):
    assert is_number(words)


@pytest.mark.parametrize("words", ["", " ", "h1", "w5·h1", "value", "grad", "x = 0.5", "e", "σ", "0.5 and 2"])
def test_other_text_is_not_a_number(words):
    assert not is_number(words)


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="not an SVG"):
        measure_svg("<html></html>")
    with pytest.raises(ValueError, match="not an SVG"):
        measure_svg("not xml at all")
    with pytest.raises(ValueError, match="no width"):
        measure_svg('<svg xmlns="http://www.w3.org/2000/svg"></svg>')


# ---- text boxes --------------------------------------------------------------------------------------


def test_a_text_box_grows_with_its_size_and_sits_on_its_anchor():
    x, y, w, h = text_box("0.2745", 100, 50, 10)
    assert x == 100 and y < 50 < y + h  # from the baseline up (and a little below, for descenders)
    assert 20 < w < 40  # six characters of Helvetica at 10 pt: about 28 pt
    bigger = text_box("0.2745", 100, 50, 20)
    assert bigger[2] == pytest.approx(2 * w) and bigger[3] == pytest.approx(2 * h)
    assert text_box("0.2745", 100, 50, 10, "middle")[0] == pytest.approx(100 - w / 2)
    assert text_box("0.2745", 100, 50, 10, "end")[0] == pytest.approx(100 - w)
    assert text_box("WWWW", 0, 0, 10)[2] > text_box("iiii", 0, 0, 10)[2]  # a real metric, not a count


# ---- overlaps ----------------------------------------------------------------------------------------


def test_an_edge_label_inside_a_box_is_reported():
    picture = svg(
        node("n0", 100, 100, 120, 60, text("λ", 150, 120, 14), text("1", 190, 145, 14))
        + node("n1", 400, 100, 120, 60, text("loss", 440, 130, 14))
        + edge("n0", "n1", text("0.2745", 205, 140, 14))  # drawn over n0's right edge
    )
    (found,) = measure_svg(picture).overlaps
    assert "0.2745" in found and "n0" in found and "λ" in found and "box" in found


def test_text_over_text_is_reported_naming_both():
    picture = svg(
        node("n0", 100, 100, 120, 60, text("Σe", 150, 130, 14))
        + edge("n0", "n1", text("−0.0006887", 300, 200, 14))
        + edge("n2", "n3", text("1", 320, 205, 14))  # stacked over the other label
    )
    (found,) = measure_svg(picture).overlaps
    assert "−0.0006887" in found and "'1'" in found and "overlaps" in found


def test_a_clean_picture_has_no_overlaps():
    picture = svg(
        node("n0", 100, 100, 120, 60, text("λ", 150, 120, 14), text("value", 110, 145, 9))
        + node("n1", 400, 100, 120, 60, text("loss", 440, 130, 14), text("0.5", 480, 150, 14))
        + edge("n0", "n1", text("0.2745", 260, 125, 14))
        + text("grad = ∂loss/∂node", 100, 30, 12)
    )
    assert measure_svg(picture).overlaps == []


def test_a_nodes_own_texts_do_not_cross_its_box():
    m = measure_svg(svg(node("n0", 0, 0, 40, 20, text("a wide label that spills", 2, 15, 12))))
    assert m.overlaps == []


def test_invisible_shapes_are_not_boxes():
    picture = svg(
        '<g class="node"><title>n0</title>'
        '<polygon fill="none" stroke="transparent" points="0,0 90,0 90,90 0,90"/></g>'
        + edge("n0", "n1", text("0.5", 10, 50, 12))
    )
    assert measure_svg(picture).overlaps == []


def line(d: str) -> str:
    return f'<path fill="none" stroke="#4b5563" d="{d}"/>'


def test_an_arrow_through_another_arrows_label_is_a_crossing_not_an_overlap():
    picture = svg(
        edge("n0", "n1", line("M100,100C150,100 250,100 300,100"), text("0.5", 190, 95, 14))
        + edge("n2", "n3", line("M200,50C200,80 200,120 200,150"), text("0.25", 210, 130, 14))
    )
    m = measure_svg(picture)
    assert m.overlaps == []
    (found,) = m.crossings  # n2→n3 runs down through n0→n1's label; each arrow passes its own label
    assert "n2→n3" in found and "'0.5'" in found


def test_an_arrow_beside_a_label_does_not_cross_it():
    picture = svg(edge("n0", "n1", line("M100,100C150,100 250,100 300,100"), text("0.5", 190, 95, 14)))
    assert measure_svg(picture).crossings == []  # its own label
    other = svg(
        edge("n0", "n1", line("M100,120C150,120 250,120 300,120"))
        + edge("n2", "n3", text("0.5", 190, 95, 14))
    )
    assert measure_svg(other).crossings == []  # 0.5's ink ends at y = 95 (descent 0), the line is at 120


def test_overlaps_of_boxes_from_elsewhere():
    boxes = [("title", 0, 0, 100, 20), ("box h1", 50, 10, 40, 40), ("arrow label", 200, 200, 30, 10)]
    assert overlaps(boxes) == ["'title' overlaps 'box h1'"]
    touching = [("a", 0, 0, 10, 10), ("b", 9.5, 0, 10, 10)]  # within the tolerance
    assert overlaps(touching) == []
    assert overlaps(touching, tolerance=0.1) == ["'a' overlaps 'b'"]


# Whole (and half) points, so that moving a box is exact and no meeting sits on the tolerance by rounding.
half = st.integers(0, 1000).map(lambda k: k / 2)
rect = st.tuples(half, half, half.map(lambda v: v + 1), half.map(lambda v: v + 1))


@given(st.lists(rect, max_size=8), st.integers(-1000, 1000), st.integers(-1000, 1000))
def test_overlaps_do_not_depend_on_where_the_picture_is(rects, dx, dy):
    boxes = [(f"b{k}", x, y, w, h) for k, (x, y, w, h) in enumerate(rects)]
    moved = [(name, x + dx, y + dy, w, h) for name, x, y, w, h in boxes]
    assert overlaps(moved) == overlaps(boxes)


@given(st.lists(st.tuples(st.floats(3, 50), st.floats(3, 50)), max_size=10))
def test_boxes_in_a_row_with_gaps_never_overlap(sizes):
    boxes, x = [], 0.0
    for k, (w, h) in enumerate(sizes):
        boxes.append((f"b{k}", x, 0.0, w, h))
        x += w + 2
    assert overlaps(boxes) == []
    if len(boxes) >= 2:  # and one moved onto its neighbour does
        name, _, y, w, h = boxes[1]
        boxes[1] = (name, boxes[0][1] + 1, y + 1, w, h)  # at least 2 × 2 in common
        assert overlaps(boxes)[0] == "'b0' overlaps 'b1'"


# ---- a real picture ----------------------------------------------------------------------------------


@needs_dot
def test_a_drawn_graph_is_measured_at_its_font_sizes():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    f = (x + y) * z
    f.label = "f"
    f.backward()
    m = measure_digraph(draw(f, view="full"))
    width, height = m.size_pt
    assert m.scale == pytest.approx(min(1920 / width, 1080 / height))
    assert {t.text for t in m.texts} >= {"x", "y", "z", "f", "−4", "−12"}
    for t in m.texts:  # every size is the font size × the scale; Graphviz writes sizes in whole points
        assert (t.px / m.scale) == pytest.approx(round(t.px / m.scale, 2))
    assert m.overlaps == []
    assert measure_digraph(draw(f, view="full").source).smallest_number_px == m.smallest_number_px
