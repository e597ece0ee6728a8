"""The layer picture (`view="layers"`): one node per tensor operation, shapes on the arrows, the loss."""

import html
import math
import re
import shutil
from itertools import pairwise

import pytest
from PIL import Image

import nn
from autograd import Value
from autograd.layers import LayerError, find_layers
from autograd.render import default_names, draw, draw_layers, render
from autograd.render.measure import measure_digraph
from demos.examples import catalog
from tests.support.cli import chainrule

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")

_NODE = re.compile(r"^\t(\w+) \[label=<(.*)> ", re.M)
_EDGE = re.compile(r"^\t(\w+) -> (\w+) \[label=<(.*)>[\] ]", re.M)


def _text(label: str) -> str:
    """An HTML label's words: tags dropped, cells apart, entities read."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", label)).split())


def picture(root, **options):
    """(node id -> its text, in drawing order; (tail, head) -> the arrow's text) of the DOT source."""
    source = draw_layers(root, **options).source
    nodes = {node: _text(label) for node, label in _NODE.findall(source)}
    edges = {(tail, head): _text(label) for tail, head, label in _EDGE.findall(source)}
    return nodes, edges


def example_root(name: str):
    return catalog.get(name).build().outputs[0]


def _layer_error(name: str) -> LayerError:
    with pytest.raises(LayerError) as error:
        find_layers(example_root(name))
    return error.value


def test_chen_is_two_sigmoid_layers_of_2x2_then_the_loss():
    nodes, edges = picture(example_root("chen-2-2-2"), values=False)
    assert list(nodes) == ["x", "W1", "b1", "g1", "h1", "W2", "b2", "g2", "h2", "loss"]
    assert nodes["x"] == "x 2×1" and nodes["W1"] == "W₁ · 2×2" and nodes["b1"] == "+ b₁ 2×1"
    assert nodes["g1"] == nodes["g2"] == "σ" and nodes["h1"] == "h₁ 2×1" and nodes["h2"] == "ŷ 2×1"
    assert nodes["loss"] == "f"  # the root's own label
    chain = list(nodes)
    assert list(edges) == list(pairwise(chain))  # one chain, each op feeding the next
    assert set(edges.values()) == {"2×1", "a₁: 2×1", "a₂: 2×1", "loss"}
    assert edges[("h2", "loss")] == "loss"  # the arrow into the loss says what it is
    assert "dashed" not in draw_layers(example_root("chen-2-2-2")).source


def test_values_are_the_tensors_numbers():
    root = example_root("chen-2-2-2")
    nodes, _ = picture(root, digits=4)
    assert nodes["x"] == "x 2×1 0.05 0.1"  # Chen's inputs
    assert nodes["W1"] == "W₁ · 2×2 0.15 0.2 0.25 0.3"
    assert nodes["loss"] == f"f {root.data:.4g}"


def test_softmax_output_ends_in_a_linear_layer_of_2_units():
    nodes, edges = picture(example_root("softmax-output"), values=False)
    assert [n for n in nodes if n[0] == "W"] == ["W1", "W2", "W3"]
    assert nodes["W1"] == "W₁ · 3×3" and nodes["W3"] == "W₃ · 2×3"
    assert "g3" not in nodes and ("b3", "h3") in edges  # a linear layer: no activation node
    assert nodes["h3"] == "ŷ 2×1" and nodes["loss"] == "L" and edges[("h3", "loss")] == "loss"


def test_n_patterns_are_columns():
    nodes, edges = picture(example_root("n-patterns"), values=False)
    assert nodes["x"] == "x 3×3" and nodes["W1"] == "W₁ · 2×3" and nodes["b1"] == "+ b₁ 2×1"
    assert edges[("x", "W1")] == "3×3" and edges[("W1", "b1")] == "2×3" and edges[("b1", "g1")] == "a₁: 2×3"
    assert nodes["h2"] == "ŷ 2×3"


def test_an_nn_mlp_of_3_4_4_2():
    model = nn.MLP(3, [4, 4, 2], activation="relu", seed=1)
    loss = nn.squared_loss(model([0.1, 0.2, 0.3]), [0.0, 1.0])
    nodes, _ = picture(loss, values=False)
    shapes = {n: nodes[n].split()[-1] for n in ("W1", "W2", "W3", "x", "h1", "h2", "h3")}
    assert shapes == {
        "W1": "4×3",
        "W2": "4×4",
        "W3": "2×4",
        "x": "3×1",
        "h1": "4×1",
        "h2": "4×1",
        "h3": "2×1",
    }
    assert nodes["g1"] == nodes["g2"] == "ReLU" and "g3" not in nodes
    assert len(nodes) == 1 + 3 * 2 + 2 + 3 + 1  # x, (W, b) × 3, 2 activations, h × 3, the loss


def test_names_come_from_the_caller():
    names = {"input": "i", "weight": "V{k}", "bias": "c{k}", "net": "z{k}", "hidden": "y{k}", "output": "o"}
    nodes, edges = picture(example_root("chen-2-2-2"), names=lambda kind, k: names[kind].format(k=k))
    assert nodes["x"].startswith("i ") and nodes["W2"].startswith("V2 · ") and nodes["h2"].startswith("o ")
    assert edges[("b1", "g1")] == "z1: 2×1"


def test_a_graph_without_layers_is_refused_naming_why():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    with pytest.raises(ValueError, match=r"view='layers': the graph has no layers: no unit computes"):
        draw(x * y, view="layers")
    because = str(_layer_error("chen-chain")).removeprefix("layers: ")  # a chain of units, not layers
    with pytest.raises(ValueError) as refused:
        draw_layers(example_root("chen-chain"))
    assert str(refused.value) == f"draw: view='layers': the graph does not group into layers: {because}"
    assert "'a" in because  # it names the node


@needs_dot
def test_a_deep_network_wraps_into_rows_readable_on_a_slide():
    for name in ("softmax-output", "n-patterns", "three-layer", "deep-thin"):
        g = draw(example_root(name), view="layers", fit="16:9")
        measured = measure_digraph(g)
        assert measured.readable(number_px=24, text_px=24), (name, measured.smallest(True), measured.overlaps)
        assert not measured.crossings, (name, measured.crossings)
    one_row = measure_digraph(draw(example_root("deep-thin"), view="layers"))
    assert (
        one_row.size_pt[0]
        > 2 * measure_digraph(draw(example_root("deep-thin"), view="layers", fit="16:9")).size_pt[0]
    )


@needs_dot
def test_the_png_is_written_and_opens(tmp_path):
    path = render(example_root("softmax-output"), tmp_path / "layers.png", view="layers", fit="16:9")
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        width, height = image.size
    assert 1000 < width < 4000 and 300 < height < width  # a picture of a slide's shape, not a strip


@needs_dot
def test_the_command_draws_the_layers_in_the_decks_notation(tmp_path):
    result = chainrule("render", "bishop-2-2-2", "--view", "layers", "-o", str(tmp_path / "b.dot"))
    assert result.returncode == 0, result.stderr
    source = (tmp_path / "b.dot").read_text(encoding="utf-8")
    assert "W⁽¹⁾ ·" in source and "+ b⁽²⁾" in source and "z⁽¹⁾" in source  # Bishop's W⁽ᵏ⁾, z⁽ᵏ⁾
    result = chainrule("render", "softmax-output", "--view", "layers", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "softmax-output.png").read_bytes().startswith(b"\x89PNG")


def test_a_softmax_with_cross_entropy_draws_logits_then_softmax_then_y_hat_then_the_loss(tmp_path):
    # Khapra: the last layer gives a₃; ŷ = softmax(a₃) is what the loss compares with the label
    result = chainrule("render", "softmax-output", "--view", "layers", "-o", str(tmp_path / "s.dot"))
    assert result.returncode == 0, result.stderr
    source = (tmp_path / "s.dot").read_text(encoding="utf-8")
    nodes = {node: _text(label) for node, label in _NODE.findall(source)}
    edges = {(tail, head): _text(label) for tail, head, label in _EDGE.findall(source)}
    assert list(nodes)[-4:] == ["h3", "f", "y", "loss"]
    assert nodes["h3"] == "a₃ 2×1 0.7238 −0.06045" and nodes["f"] == "softmax"
    assert nodes["y"] == "ŷ 2×1 0.6866 0.3134"  # softmax(a₃), as explain --matrix prints it
    assert nodes["loss"] == "L 0.376" and edges[("y", "loss")] == "loss"
    assert edges[("h3", "f")] == edges[("f", "y")] == "2×1"


def test_softmax_is_taken_column_by_column_and_drawn_only_when_the_names_give_it():
    model = nn.MLP(2, [3, 2], activation="tanh", seed=2)
    loss = nn.losses.softmax_cross_entropy([model([0.5, -1.0]), model([1.0, 2.0])], [1, 0], reduction="sum")
    names = lambda kind, k: "softmax" if kind == "function" else default_names(kind, k)  # noqa: E731
    nodes, _ = picture(loss, names=names, digits=6)
    a = [float(v.replace("−", "-")) for v in nodes["h2"].split()[2:]]  # rows: a[0], a[1] | a[2], a[3]
    y = [float(v.replace("−", "-")) for v in nodes["y"].split()[2:]]
    assert nodes["h2"].startswith("a₂ 2×2") and nodes["y"].startswith("ŷ 2×2")
    for p in (0, 1):  # pattern p is column p: ŷ[:, p] = softmax(a[:, p])
        e = [math.exp(a[p]), math.exp(a[2 + p])]
        assert y[p] == pytest.approx(e[0] / sum(e), abs=1e-5) and y[p] + y[2 + p] == pytest.approx(
            1, abs=1e-5
        )
    plain, _ = picture(loss)
    assert "f" not in plain and "y" not in plain and plain["h2"].startswith("ŷ ")  # no function by default


def test_the_command_refuses_a_graph_without_layers_in_one_line(tmp_path):
    chain = str(_layer_error("chen-chain")).removeprefix("layers: ")
    for name, why in (("mul-gate", "the graph has no layers: "), ("chen-chain", f"into layers: {chain}")):
        result = chainrule("render", name, "--view", "layers", "-o", str(tmp_path))
        assert result.returncode == 2
        message = result.stderr.strip()
        assert message.count("\n") == 0 and message.startswith("chainrule render: error: view='layers': ")
        assert why in message
        out = tmp_path / f"out-{name}"
        result = chainrule("render", name, "--view", "layers", "-o", str(out))
        assert result.returncode == 2 and not out.exists()  # refused before the folder is made
    assert not list(tmp_path.glob("*.png"))


@needs_dot
def test_labels_are_data_escaped_in_the_picture(tmp_path):
    model = nn.MLP(2, [2, 1], activation="tanh", seed=3)
    loss = nn.squared_loss(model([0.5, -1.0]), [1.0]).named("E<b>&]")
    nodes, _ = picture(loss, names=lambda kind, k: "W<&>" if kind == "weight" else default_names(kind, k))
    assert nodes["loss"].startswith("E<b>&]") and nodes["W1"].startswith("W<&> · ")
    svg = render(loss, tmp_path / "l.svg", view="layers").read_text(encoding="utf-8")
    assert "E&lt;b&gt;&amp;]" in svg  # drawn as text by Graphviz, not read as markup


@needs_dot
def test_two_layers_over_three_patterns_wrap_to_fill_a_slide():
    # n-patterns: one row per layer was 4.5 times as wide as high (half a 16:9 slide empty); rows of
    # even width cut inside a layer draw it a third larger
    g = draw(example_root("n-patterns"), view="layers", fit="16:9")
    width, height = measure_digraph(g).size_pt
    assert 1.2 < width / height < 2.4, (width, height)
    assert len(re.findall(r"rank=same", g.source)) == 3


@needs_dot
def test_a_network_that_fills_the_slide_by_layers_keeps_rows_of_whole_layers():
    g = draw(example_root("three-layer"), view="layers", fit="16:9")
    firsts = re.findall(r"\{\s*rank=same\s*(\w+)", g.source)
    assert firsts == ["x", "h1", "h2"]  # each row starts with a layer's input tensor
