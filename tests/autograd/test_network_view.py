"""draw(view="network"): the slides' neuron-level drawing, read from node fields and labels only."""

import re
import shutil

import pytest

from autograd import Value
from autograd.graph import forward_order
from autograd.render import draw, render
from autograd.render.network import find_units


def chen_like() -> Value:
    """i1 → h1 = σ(net_h1 = w1·i1 + b1) → o1 = σ(net_o1 = w5·h1 + b2) → f = ½(t1 − o1)²."""
    numbers = {"i1": 0.05, "w1": 0.15, "b1": 0.35, "w5": 0.4, "b2": 0.6, "t1": 0.01}
    i1, w1, b1, w5, b2, t1 = (Value(v, k) for k, v in numbers.items())
    h1 = (w1 * i1 + b1).named("net_h1").sigmoid().named("h1")
    o1 = (w5 * h1 + b2).named("net_o1").sigmoid().named("o1")
    return (0.5 * (t1 - o1) ** 2).named("f")


def test_units_weights_and_biases_come_from_the_labels():
    units = find_units(forward_order(chen_like()))
    assert {
        u.label: (
            unit.net.label,
            [(s.label, w.label) for s, w in unit.weights],
            [b.label for b in unit.biases],
        )
        for u, unit in units.items()
    } == {
        "h1": ("net_h1", [("i1", "w1")], ["b1"]),
        "o1": ("net_o1", [("h1", "w5")], ["b2"]),
    }


def test_the_drawing_has_a_circle_per_unit_and_an_arrow_per_weight():
    source = draw(chen_like(), view="network").source
    assert source.count("shape=circle") == 3  # i1, h1, o1; the targets t1 and the loss are no circles
    assert re.search(r"n0 -> n1 \[.*w1 = 0\.15", source)  # i1 → h1 carries w1
    assert re.search(r"n1 -> n2 \[.*w5 = 0\.4", source)  # h1 → o1 carries w5
    assert "+ b1" in source and "+ b2" in source
    assert "n2 -> loss" in source
    # σ(0.15·0.05 + 0.35) = σ(0.3575) = 0.5884, by hand
    assert "0.5884" in source


def test_scaled_net_inputs_and_linear_outputs_are_units():
    # three-layer's y = σ(λ·e), then a linear output h = w2·y (a regression's, tanh-linear's)
    lam, x, w1, w2 = Value(2.0, "λ"), Value(1.0, "x"), Value(0.5, "w1"), Value(3.0, "w2")
    y = (lam * (w1 * x).named("e")).sigmoid().named("y")
    h = (w2 * y).named("h")
    loss = ((h - 1) ** 2).named("E")
    units = find_units(forward_order(loss))
    assert {u.label: (unit.kind, unit.net.label) for u, unit in units.items()} == {
        "y": ("σ", "e"),
        "h": ("linear", "h"),
    }


def test_a_graph_without_units_says_so():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    with pytest.raises(ValueError, match="view='network' needs units"):
        draw((a * b).named("L"), view="network")


def test_labels_are_data_not_markup():
    x, w = Value(1.0, "<x>"), Value(0.5, "w&1")
    out = (w * x).named("net").tanh().named("<b>h</b>")
    source = draw(out * 1.0, view="network").source
    assert "&lt;b&gt;h&lt;/b&gt;" in source and "w&amp;1" in source and "<b>h</b>" not in source


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_render_writes_the_network_as_any_picture(tmp_path):
    path = render(chen_like(), tmp_path / "net.png", view="network")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
