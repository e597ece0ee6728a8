"""Every command that draws has limits: past them it draws another view or refuses in one line, before
Graphviz runs (a 399-term sum's full view ran 22 minutes and wrote a 610-megapixel PNG).

The limits are lowered here (monkeypatch) so that small graphs stand for big ones: the behaviour is
tested, not the timings.
"""

from __future__ import annotations

import importlib
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

import autograd.render as render_module
import autograd.render.frames as frames_module
import autograd.render.output as output_module
import demos.cli.render as render_command
from autograd import Value, topological_order
from autograd.parse import parse
from autograd.render import TooBigToSplit, backward_frames, draw, render, render_parts, slide_graph
from autograd.render.output import RenderError, run_dot
from demos.examples.user import from_expression

parts_module = importlib.import_module("autograd.render.slide_parts")  # the package's slide_parts: a function
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def _sum(n: int) -> Value:
    f = parse("f = " + " + ".join(f"x*{k}" for k in range(1, n + 1))).build({"x": 1.0})["f"]
    f.backward()
    return f


def _chain(n: int) -> str:
    return "; ".join(["a1 = sin(x)"] + [f"a{k} = sin(a{k - 1})" for k in range(2, n + 1)])


def _one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text, text
    return text


def test_the_full_view_past_its_limit_is_refused_by_render_and_auto_draws_the_slide_view(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(render_module, "MAX_FULL_NODES", 20)
    f = _sum(10)  # 30 nodes
    with pytest.raises(ValueError) as refused:
        render(f, tmp_path / "f.svg", view="full")
    assert "has 30 nodes, more than Graphviz lays out in seconds (20)" in _one_line(refused.value)
    assert "view='slide'" in str(refused.value)
    assert not (tmp_path / "f.svg").exists()
    auto = draw(f, view="auto").source
    assert auto == draw(f, view="slide").source  # the slide view instead, not a refusal


def test_the_slide_view_past_its_limit_is_refused_by_draw(monkeypatch):
    monkeypatch.setattr(render_module, "MAX_SLIDE_BOXES", 5)
    f = parse(_chain(8)).build({"x": 1.0})["a8"]
    with pytest.raises(ValueError) as refused:
        draw(f, view="slide")
    assert "has 9 boxes, more than one picture can show (5)" in _one_line(refused.value)
    assert "'collapsed'" in str(refused.value)


def test_a_slide_view_too_big_to_split_is_refused_at_once_without_a_layout(tmp_path, monkeypatch):
    monkeypatch.setattr(parts_module, "MAX_SPLIT_BOXES", 5)

    def no_layout(*args, **kwargs):
        raise AssertionError("Graphviz was asked to lay out a graph that is refused")

    monkeypatch.setattr(parts_module, "layout_of", no_layout)
    f = parse(_chain(8)).build({"x": 1.0})["a8"]
    with pytest.raises(TooBigToSplit) as refused:
        render_parts(f, tmp_path)
    assert "slide view of 9 boxes is too big to split into slides (at most 5)" in _one_line(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_frames_past_their_limit_are_refused_before_any_folder_is_made(tmp_path, monkeypatch):
    monkeypatch.setattr(frames_module, "MAX_FRAMES", 4)
    f = parse(_chain(6)).build({"x": 1.0})["a6"]
    f.backward()
    for view in ("slide", "full"):
        with pytest.raises(RenderError) as refused:
            backward_frames(f, tmp_path / view, view=view, format="dot")
        assert "more frames than 4" in _one_line(refused.value)
        assert not (tmp_path / view).exists()


@needs_dot
def test_a_png_is_scaled_down_to_the_pixel_limit(monkeypatch):
    monkeypatch.setattr(output_module, "MAX_PIXELS", 200_000)
    source = "digraph { rankdir=LR; " + " -> ".join(f"n{k}" for k in range(200)) + " }"
    width, height = Image.open(io.BytesIO(run_dot(source, "png"))).size
    assert width * height <= 200_000 * 1.01 and max(width, height) <= 200_000**0.5 + 2


@needs_dot
def test_the_render_command_draws_a_big_network_collapsed_and_a_big_chain_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(render_command, "MAX_SPLIT_BOXES", 5)
    monkeypatch.setattr(render_command, "MAX_FRAMES", 5)
    # labels with groups (L1.…): one box per neuron instead of dozens of slides
    x1, w1, w2, b = Value(0.5, "x1"), Value(0.3, "L1.w_1"), Value(-0.2, "L1.w_2"), Value(0.1, "L1.b")
    net = (x1 * w1 + x1 * w2 + b).named("L1.a_1")
    h = net.tanh().named("L1.h_1")
    loss = ((h - 1.0) ** 2).named("L")
    loss.backward()
    assert len(slide_graph(loss).boxes) > 5
    view, note = render_command._within_limits(loss, render_command.PICTURE, None)
    assert view == "collapsed" and "too many to split into slides (5)" in note

    example = from_expression(_chain(8), {"x": 1.0})
    graph = example.build()
    (picture,) = render_command.draw_example(example, graph, tmp_path, "svg", steps=True)
    assert picture.parts == [] and picture.frames == [] and picture.graph.exists()
    assert "drawn whole in one picture" in picture.note and "No frames" in picture.note
    assert sorted(p.name for p in tmp_path.iterdir()) == ["expression.svg"]


def test_limits_are_counted_in_the_graph_not_guessed():
    f = _sum(5)
    assert len(topological_order(f)) == 15  # the full view's count: every node
    assert len(slide_graph(f).boxes) < 15  # the slide view fuses x·k into the sum's box


def test_the_limits_hold_the_catalog(monkeypatch):
    # Every built-in example stays below every limit: none of them changes.
    from demos.examples.catalog import EXAMPLES

    for example in EXAMPLES.values():
        for out in example.build().outputs:
            boxes = len(slide_graph(out).boxes)
            assert len(topological_order(out)) <= render_module.MAX_FULL_NODES
            assert boxes <= parts_module.MAX_SPLIT_BOXES and boxes <= frames_module.MAX_FRAMES


def test_a_path_is_never_needed_to_refuse(tmp_path: Path, monkeypatch):
    # refusals come before the target is checked or written
    monkeypatch.setattr(render_module, "MAX_FULL_NODES", 3)
    with pytest.raises(ValueError):
        render(_sum(2), tmp_path / "missing-folder" / "f.png", view="full")


@needs_dot
def test_a_chain_too_long_to_split_and_too_small_to_read_whole_is_refused_in_one_line(tmp_path, monkeypatch):
    # Issue 26: a 300-step chain was written as a 6324×16 px strip (3 px text) without a word. Past
    # the split limit, a picture that is legible neither on a 1920×1080 slide nor on an A4 page is
    # refused, saying why and what to do; --fit none still draws the strip when asked.
    monkeypatch.setattr(render_command, "MAX_SPLIT_BOXES", 5)
    example = from_expression(_chain(60), {"x": 1.0})
    graph = example.build()
    with pytest.raises(ValueError) as refused:
        render_command.draw_example(example, graph, tmp_path, "png", steps=False)
    text = _one_line(refused.value)
    assert "too small to read" in text and "A4" in text and "--fit none" in text and "explain" in text
    assert list(tmp_path.iterdir()) == []
    options = render_command.PICTURE.changed(fit=None)
    (picture,) = render_command.draw_example(example, graph, tmp_path, "svg", steps=False, options=options)
    assert picture.graph.exists() and picture.note == ""


def test_the_legibility_of_a_whole_slide_picture_is_measured_on_a_slide_and_on_a_page():
    short = slide_graph(parse(_chain(3)).build({"x": 1.0})["a3"])
    long = slide_graph(parse(_chain(60)).build({"x": 1.0})["a60"])
    assert parts_module.legible_whole(short) and not parts_module.legible_whole(long)
