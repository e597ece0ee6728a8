"""The layer picture (`view="layers"`): one node per tensor operation, shapes on the arrows, the loss."""

import html
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
    assert set(edges.values()) == {"2×1", "a₁: 2×1", "a₂: 2×1"}


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
    assert nodes["h3"] == "ŷ 2×1" and nodes["loss"] == "L" and edges[("h3", "loss")] == "2×1"


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


def test_a_softmax_with_cross_entropy_ends_in_logits_not_y_hat(tmp_path):
    # ŷ = softmax(a₃) lies inside the loss (Khapra): the last layer's output is a₃, as the matrix form says
    result = chainrule("render", "softmax-output", "--view", "layers", "-o", str(tmp_path / "s.dot"))
    assert result.returncode == 0, result.stderr
    source = (tmp_path / "s.dot").read_text(encoding="utf-8")
    assert "ŷ" not in source and ">a₃<" in source.replace(" ", "")


def test_the_command_refuses_a_graph_without_layers_in_one_line(tmp_path):
    chain = str(_layer_error("chen-chain")).removeprefix("layers: ")
    for name, why in (("mul-gate", "the graph has no layers: "), ("chen-chain", f"into layers: {chain}")):
        result = chainrule("render", name, "--view", "layers", "-o", str(tmp_path))
        assert result.returncode == 2
        message = result.stderr.strip()
        assert message.count("\n") == 0 and message.startswith("chainrule render: error: view='layers': ")
        assert why in message
    assert not list(tmp_path.glob("*.png"))  # no picture (the folder holds only chainrule's mark)


@needs_dot
def test_labels_are_data_escaped_in_the_picture(tmp_path):
    model = nn.MLP(2, [2, 1], activation="tanh", seed=3)
    loss = nn.squared_loss(model([0.5, -1.0]), [1.0]).named("E<b>&]")
    nodes, _ = picture(loss, names=lambda kind, k: "W<&>" if kind == "weight" else default_names(kind, k))
    assert nodes["loss"].startswith("E<b>&]") and nodes["W1"].startswith("W<&> · ")
    svg = render(loss, tmp_path / "l.svg", view="layers").read_text(encoding="utf-8")
    assert "E&lt;b&gt;&amp;]" in svg  # drawn as text by Graphviz, not read as markup
