"""The renderer: names and captions, DOT structure, real `dot` output, frames, errors and escaping."""

from __future__ import annotations

import html
import math
import random
import re
import shutil
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import autograd.render_output as render_output
from autograd import Value, gradients, topological_order
from autograd.render import (
    GraphvizNotFound,
    RenderError,
    backward_frames,
    backward_steps,
    draw,
    forward_frames,
    forward_steps,
    render,
)
from autograd.render_graph import GRAD, HIDDEN, HIGHLIGHT, LOCAL, PALETTE
from autograd.render_text import MINUS, formula, names, number, safe

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


# --- known graphs --------------------------------------------------------------------------------


def chen() -> dict[str, Value]:
    """The first slide deck's 2-2-2 sigmoid network (as demos/engine_demo.py builds it), by label."""
    i1, i2 = Value(0.05, "i1"), Value(0.10, "i2")
    t1, t2 = Value(0.01, "t1"), Value(0.99, "t2")
    w = [Value(x, f"w{k}") for k, x in enumerate((0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55), 1)]
    b1, b2 = Value(0.35, "b1"), Value(0.60, "b2")
    h1 = (w[0] * i1 + w[1] * i2 + b1).named("net_h1").sigmoid().named("h1")
    h2 = (w[2] * i1 + w[3] * i2 + b1).named("net_h2").sigmoid().named("h2")
    o1 = (w[4] * h1 + w[5] * h2 + b2).named("net_o1").sigmoid().named("o1")
    o2 = (w[6] * h1 + w[7] * h2 + b2).named("net_o2").sigmoid().named("o2")
    f = (0.5 * ((t1 - o1) ** 2 + (t2 - o2) ** 2)).named("f")
    return {node.label: node for node in topological_order(f) if node.label}


def mlp(sizes: tuple[int, ...], seed: int = 0) -> Value:
    """A tanh MLP's squared error with nn-style labels: L<k>.W_ji, L<k>.b_j, L<k>.a_j, L<k>.h_j."""
    rng = random.Random(seed)
    layer = [Value(rng.uniform(-1, 1), f"x{i}") for i in range(1, sizes[0] + 1)]
    for k, (n_in, n_out) in enumerate(pairwise(sizes), 1):
        out = []
        for j in range(1, n_out + 1):
            net = Value(rng.uniform(-1, 1), f"L{k}.b_{j}")
            for i in range(1, n_in + 1):
                net = net + Value(rng.uniform(-1, 1), f"L{k}.W_{j}{i}") * layer[i - 1]
            net = net.named(f"L{k}.a_{j}")
            out.append(net if k == len(sizes) - 1 else net.tanh().named(f"L{k}.h_{j}"))
        layer = out
    loss = ((layer[0] - Value(0.5, "y")) ** 2).named("L")
    loss.backward()
    return loss


# --- reading DOT text back -------------------------------------------------------------------------


def _attrs(text: str) -> dict[str, str]:
    attrs, i = {}, 0
    while True:
        match = re.compile(r"\s*([\w-]+)=").match(text, i)
        if match is None:
            return attrs
        key, i = match[1], match.end()
        if text[i] == "<":  # an HTML label: up to the matching '>'
            depth, j = 0, i
            while True:
                depth += {"<": 1, ">": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            attrs[key], i = text[i + 1 : j - 1], j
        elif text[i] == '"':
            j = text.index('"', i + 1)
            attrs[key], i = text[i + 1 : j], j + 1
        else:
            value = re.compile(r"[^\s\]]+").match(text, i)[0]
            attrs[key], i = value, i + len(value)


class Dot:
    """Nodes, edges and clusters of a DOT text made by the renderer."""

    def __init__(self, source: str) -> None:
        self.nodes: dict[str, dict[str, str]] = {}
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self.cluster_of: dict[str, list[str]] = {}  # node id -> cluster labels, outermost first
        self.graph: dict[str, str] = {}
        stack: list[str | None] = []
        for line in source.splitlines():
            line = line.strip()
            if line.startswith("subgraph cluster_"):
                stack.append(None)
            elif line.startswith("{") or line == "subgraph {":
                stack.append("")
            elif line == "}":
                if stack:
                    stack.pop()
            elif m := re.fullmatch(r"(\w+) -> (\w+)(?: \[(.*)\])?", line):
                self.edges.append((m[1], m[2], _attrs(m[3] or "")))
            elif m := re.fullmatch(r"(n\d+|g\d+) \[(.*)\]", line):
                self.nodes[m[1]] = _attrs(m[2])
                self.cluster_of[m[1]] = [c for c in stack if c]
            elif stack and stack[-1] is None and line.startswith(("color=", "label=", "fontname=")):
                stack[-1] = text(_attrs(line)["label"])
            elif not stack and "=" in line and not line.startswith(("node ", "edge ")):
                self.graph.update(_attrs(line))

    def by_name(self) -> dict[str, str]:
        """Node id of each node, by the first line (its name) of its label."""
        return {_lines(attrs["label"])[0]: node_id for node_id, attrs in self.nodes.items()}


def text(label: str) -> str:
    """The visible words of an HTML label, whitespace collapsed."""
    label = re.sub(r'<FONT COLOR="transparent">.*?</FONT>', " ", label)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", label)).split())


def _lines(label: str) -> list[str]:
    rows = re.findall(r"<TR>(.*?)</TR>", label)
    lines = [text(re.sub(r"<TD ROWSPAN.*?</TD>", "", row)) for row in rows]
    return [line for line in lines if line]


def parse_number(text_: str) -> float:
    """A number as the renderer writes it (−, e−5) back to a float."""
    return float(text_.replace(MINUS, "-"))


# --- numbers, names, formulas ----------------------------------------------------------------------


def test_numbers_are_written_with_significant_digits_and_a_real_minus() -> None:
    assert number(0.13849856) == "0.1385"
    assert number(-0.038098) == f"{MINUS}0.0381"
    assert number(0.5) == "0.5"
    assert number(0.0) == "0"
    assert number(1.5e-5) == f"1.5e{MINUS}5"
    assert number(2 / 3, digits=2) == "0.67"


def test_unlabelled_nodes_are_named_by_the_expression_that_made_them() -> None:
    g = chen()
    forward = topological_order(g["f"])[::-1]
    named = {node: name.text for node, name in names(forward).items()}
    w5_h1 = g["net_o1"].parents[0].parents[0]
    assert named[w5_h1] == "w5·h1"
    assert named[g["net_o1"].parents[0]] == "w5·h1 + w6·h2"
    assert named[g["f"].parents[0]] == "0.5"  # a constant is named by its value
    loss_sum = g["f"].parents[1]
    assert named[loss_sum] == f"(t1 {MINUS} o1)^2 + (t2 {MINUS} o2)^2"
    # A name longer than MAX_NAME falls back to the node's id, n<position in forward order>.
    a, b, c = (Value(1.0, label) for label in ("alpha", "beta", "gamma"))
    long = (a * b + b * c + c * a).sigmoid()
    forward = topological_order(long)[::-1]
    named = {node: name.text for node, name in names(forward).items()}
    assert named[long.parents[0]] == f"n{len(forward) - 2}"
    assert named[long] == f"σ(n{len(forward) - 2})"


def test_formulas_come_from_the_rule_table_with_labels_put_in() -> None:
    g = chen()
    forward = topological_order(g["f"])[::-1]
    named = names(forward)
    assert formula(g["o1"], 0, named) == "o1·(1 − o1)"  # the rule table's "out·(1 − out)"
    square = g["f"].parents[1].parents[0]
    assert formula(square, 0, named) == f"2·(t1 {MINUS} o1)^(2−1)"
    # Labels that are themselves formula letters are put in once, never substituted again.
    b, a = Value(2.0, "b"), Value(3.0, "a")
    product = b * a
    named = names([b, a, product])
    assert (formula(product, 0, named), formula(product, 1, named)) == ("a", "b")
    leaky = Value(-1.0, "out").leaky_relu(0.2)
    assert formula(leaky, 0, names([leaky.parents[0], leaky])) == "1 if out > 0 else 0.2"


# --- backward and forward steps --------------------------------------------------------------------


def test_backward_steps_follow_the_engine_and_end_with_its_gradient() -> None:
    f = chen()["f"]
    order = topological_order(f)
    engine = gradients(f, order)
    for digits in (4, 7):
        steps = backward_steps(f, digits=digits)
        assert [s.node for s in steps] == order
        for step, expected in zip(steps, engine):
            shown = parse_number(step.caption.rsplit(" = ", 1)[1])
            assert math.isclose(shown, expected, rel_tol=10 ** (1 - digits), abs_tol=1e-300)
            assert step.value == expected
    assert all(node.grad == 0.0 for node in order)  # .grad is neither read nor written


def test_the_slides_delta_step_reads_as_a_chain_rule_product() -> None:
    g = chen()
    step = next(s for s in backward_steps(g["f"]) if s.node is g["net_o1"])
    # Slide numbers: ∂f/∂o1 = o1 − t1 = 0.7414, o1(1 − o1) = 0.1868, δ_o1 = 0.1385.
    assert step.caption == "∂f/∂net_o1 = ∂f/∂o1 · o1·(1 − o1) = 0.7414 · 0.1868 = 0.1385"


def test_a_node_used_twice_sums_one_product_per_use() -> None:
    g = chen()
    f = g["f"]
    step = next(s for s in backward_steps(f, digits=8) if s.node is g["h1"])
    symbolic, numeric, total = step.caption.split(" = ")[1:]
    assert symbolic == "∂f/∂(w5·h1) · w5 + ∂f/∂(w7·h1) · w7"
    products = [
        math.prod(parse_number(x.strip("()")) for x in term.split(" · ")) for term in numeric.split(" + ")
    ]
    assert math.isclose(sum(products), parse_number(total), rel_tol=1e-6)
    x = Value(3.0, "x")
    square = (x * x).named("s")
    (x_step,) = [s for s in backward_steps(square) if s.node is x]
    assert x_step.caption == "∂s/∂x = ∂s/∂s · x + ∂s/∂s · x = 1 · 3 + 1 · 3 = 6"


def test_forward_steps_compute_each_value_once_in_evaluation_order() -> None:
    g = chen()
    steps = forward_steps(g["f"])
    computed = [n for n in topological_order(g["f"])[::-1] if n.op is not None]
    assert [s.node for s in steps] == computed
    for step in steps:
        first_line = step.caption.split("\n")[0]
        assert math.isclose(parse_number(first_line.rsplit(" = ", 1)[1]), step.node.data, rel_tol=1e-3)
    h1 = next(s for s in steps if s.node is g["h1"])
    assert (
        h1.caption
        == "h1 = σ(net_h1) = σ(0.3775) = 0.5933\nlocal gradients: ∂h1/∂net_h1 = h1·(1 − h1) = 0.2413"
    )


# --- DOT structure ---------------------------------------------------------------------------------


def test_every_node_shows_its_name_value_and_gradient() -> None:
    g = chen()
    f = g["f"]
    f.backward()
    order = topological_order(f)
    dot = Dot(draw(f).source)
    assert len(dot.nodes) == len(order)
    assert len(dot.edges) == sum(len(n.parents) for n in order)
    ids = dot.by_name()
    for label in ("w5", "net_o1", "o1", "f", "i1", "t1"):
        node = g[label]
        lines = _lines(dot.nodes[ids[label]]["label"])
        assert lines[0] == label
        assert f"value {number(node.data)}" in lines
        assert f"grad {number(node.grad)}" in lines
    assert "σ" in text(dot.nodes[ids["o1"]]["label"])  # the operation mark
    # The edge net_o1 -> o1 carries the local gradient o1·(1 − o1) from node.local.
    (edge,) = [e for e in dot.edges if (e[0], e[1]) == (ids["net_o1"], ids["o1"])]
    assert text(edge[2]["label"]) == number(g["o1"].local[0])


def test_nodes_are_coloured_by_role_with_a_legend() -> None:
    g = chen()
    dot = Dot(draw(g["f"]).source)
    ids = dot.by_name()
    fill = {label: dot.nodes[ids[label]]["fillcolor"] for label in ids}
    assert fill["w5"] == fill["b1"] == PALETTE["parameter"][0]
    assert fill["i1"] == PALETTE["input"][0]
    assert fill["t1"] == fill["0.5"] == PALETTE["constant"][0]
    assert fill["net_o1"] == fill["w5·h1"] == PALETTE["intermediate"][0]
    assert fill["f"] == PALETTE["loss"][0]
    legend = text(dot.graph["label"])
    for words in ("input", "parameter", "constant / target", "intermediate", "loss / output"):
        assert words in legend
    told = Dot(draw(g["f"], roles={"i1": "parameter", g["o1"]: "output"}, legend=False).source)
    ids = told.by_name()
    assert told.nodes[ids["i1"]]["fillcolor"] == PALETTE["parameter"][0]
    assert told.nodes[ids["o1"]]["fillcolor"] == PALETTE["loss"][0]
    assert "label" not in told.graph


def test_options_change_what_is_drawn() -> None:
    g = chen()
    f = g["f"]
    bare = Dot(draw(f, show_grad=False, show_local=False, direction="TB").source)
    assert bare.graph["rankdir"] == "TB"
    assert not any("grad" in _lines(a["label"]) for a in bare.nodes.values())
    assert all("label" not in attrs for _, _, attrs in bare.edges)
    assert not any(line.startswith("grad") for a in bare.nodes.values() for line in _lines(a["label"]))
    rich = Dot(draw(f, formulas=True, highlight=["w5", g["o2"]], digits=6).source)
    ids = rich.by_name()
    (edge,) = [e for e in rich.edges if (e[0], e[1]) == (ids["net_o1"], ids["o1"])]
    assert text(edge[2]["label"]) == f"o1·(1 − o1) = {number(g['o1'].local[0], 6)}"
    assert LOCAL in edge[2]["label"]
    for label in ("w5", "o2"):
        assert rich.nodes[ids[label]]["color"] == HIGHLIGHT
    assert rich.nodes[ids["w6"]]["color"] != HIGHLIGHT
    one = Dot(draw(f, highlight="net_o1").source)  # one label alone, not its letters
    assert [nid for nid, a in one.nodes.items() if a["color"] == HIGHLIGHT] == [one.by_name()["net_o1"]]


def test_bad_options_are_refused_with_the_reason() -> None:
    f = chen()["f"]
    with pytest.raises(ValueError, match="direction"):
        draw(f, direction="up")
    with pytest.raises(ValueError, match="digits"):
        draw(f, digits=0)
    with pytest.raises(ValueError, match="no node labelled 'w9'"):
        draw(f, highlight=["w9"])
    with pytest.raises(ValueError, match="unknown role 'weight'"):
        draw(f, roles={"w1": "weight"})
    with pytest.raises(ValueError, match="needs groups"):
        draw(f, view="collapsed")


def test_frames_refuse_what_they_cannot_draw(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is a leaf"):
        forward_frames(Value(1.0, "x"), tmp_path, format="dot")
    f = chen()["f"]
    with pytest.raises(ValueError, match="direction"):
        backward_frames(f, tmp_path, format="dot", direction="sideways")
    with pytest.raises(RenderError, match="unknown format 'gif'"):
        backward_frames(f, tmp_path, format="gif")
    with pytest.raises(RenderError, match="plain file name"):
        backward_frames(f, tmp_path, format="dot", prefix="../escape")
    assert list(tmp_path.iterdir()) == []
    (one,) = backward_frames(Value(2.0, "x"), tmp_path, format="dot").steps  # a leaf: one step
    assert one.caption == "∂x/∂x = 1"


def test_the_same_graph_gives_the_same_dot_text() -> None:
    first, second = draw(chen()["f"]).source, draw(chen()["f"]).source
    assert first == second
    declared = re.findall(r"^\s*n(\d+) \[", first, flags=re.MULTILINE)
    assert declared == [str(k) for k in range(len(Dot(first).nodes))]  # ids from graph order, not id()


def test_groups_become_nested_clusters_and_unlabelled_nodes_join_their_neuron() -> None:
    g = chen()
    groups = {"net_h1": ("hidden", "h1"), "h1": ("hidden", "h1"), "net_h2": ("hidden", "h2")}
    dot = Dot(draw(g["f"], groups=groups).source)
    ids = dot.by_name()
    assert dot.cluster_of[ids["h1"]] == ["hidden", "h1"]
    assert dot.cluster_of[ids["w1·i1 + w2·i2"]] == ["hidden", "h1"]  # joins its user's group
    assert dot.cluster_of[ids["w1"]] == ["hidden", "h1"]  # a parameter used by one neuron only
    assert dot.cluster_of[ids["i1"]] == []  # inputs feed many neurons and belong to none
    assert dot.cluster_of[ids["b1"]] == []  # shared by both hidden units
    assert dot.cluster_of[ids["o1"]] == []


def test_nn_labels_group_an_mlp_by_layer_and_neuron() -> None:
    loss = mlp((3, 2, 12, 1))
    dot = Dot(draw(loss, view="full").source)
    ids = dot.by_name()
    assert dot.cluster_of[ids["L1.W_21"]] == ["L1", "neuron 2"]  # W_ji: row j is the neuron
    assert dot.cluster_of[ids["L2.h_12"]] == ["L2", "neuron 12"]
    assert dot.cluster_of[ids["L3.W_112"]] == ["L3", "neuron 1"]  # ambiguous label: joins its user
    assert dot.cluster_of[ids["x1"]] == dot.cluster_of[ids["L"]] == []


def test_nn_style_wide_weights_and_a_shared_bias_find_their_cluster() -> None:
    xs = [Value(0.1 * i, f"x_{i}") for i in range(1, 4)]
    shared = Value(0.5, "L1.b")  # one bias for the whole layer
    units = []
    for j in (1, 12):
        net = sum((Value(0.2, f"L1.W_{j},{i}") * x for i, x in enumerate(xs, 1)), shared)
        units.append(net.named(f"L1.net_{j}").tanh().named(f"L1.h_{j}"))
    loss = (units[0] * units[1]).named("L")
    dot = Dot(draw(loss, view="full").source)
    ids = dot.by_name()
    assert dot.cluster_of[ids["L1.W_12,3"]] == ["L1", "neuron 12"]
    assert dot.cluster_of[ids["L1.W_1,2"]] == ["L1", "neuron 1"]
    assert dot.cluster_of[ids["L1.b"]] == ["L1"]
    collapsed = Dot(draw(loss, view="collapsed").source)
    ids = collapsed.by_name()
    assert collapsed.cluster_of[ids["L1.b"]] == ["L1"]  # drawn as itself, beside the neuron boxes
    assert sorted(name for name in ids if name.startswith("neuron")) == ["neuron 1", "neuron 12"]


def test_a_big_mlp_collapses_to_one_box_per_neuron() -> None:
    loss = mlp((2, 16, 16, 1))
    nodes = topological_order(loss)
    dot = Dot(draw(loss).source)
    boxes = {node_id: attrs for node_id, attrs in dot.nodes.items() if node_id.startswith("g")}
    assert len(boxes) == 16 + 16 + 1
    assert "Collapsed view of a" in text(dot.graph["label"])
    assert f"{len(nodes)}-node graph" in text(dot.graph["label"])
    # A neuron box: net input, activation, δ = ∂L/∂net, all as the engine has them.
    net = next(n for n in nodes if n.label == "L2.a_3")
    act = next(n for n in nodes if n.label == "L2.h_3")
    (box,) = [
        a for nid, a in boxes.items() if dot.cluster_of[nid] == ["L2"] and "neuron 3" in _lines(a["label"])
    ]
    lines = _lines(box["label"])
    assert lines == [
        "neuron 3",
        f"net {number(net.data)}",
        f"tanh {number(act.data)}",
        f"δ {number(net.grad)}",
    ]
    # Edges between boxes once each: x -> L1, L1 -> L2 (all pairs), L2 -> L3, and the loss's own nodes.
    visible = [(a, b) for a, b, attrs in dot.edges if attrs.get("style") != "invis"]
    assert len(visible) == len(set(visible)) == 2 * 16 + 16 * 16 + 16 + 3
    full = Dot(draw(loss, view="full").source)
    assert len(full.nodes) == len(nodes)


# --- real dot: images ------------------------------------------------------------------------------


@needs_dot
def test_png_svg_and_pdf_are_valid_images_of_sensible_size(tmp_path: Path) -> None:
    from PIL import Image

    f = chen()["f"]
    f.backward()
    png = render(f, tmp_path / "chen.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(png) as image:
        width, height = image.size
    assert 1500 < width < 10000 and 400 < height < 4000  # a wide LR picture, not a thumbnail
    svg = render(f, tmp_path / "chen", format="svg")
    assert svg.suffix == ".svg"
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    groups = root.iter("{http://www.w3.org/2000/svg}g")
    assert sum(1 for g in groups if g.get("class") == "node") == len(topological_order(f))
    words = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"net_o1", "w5·h1", "σ", "0.1385"} <= words
    pdf = render(f, tmp_path / "chen.pdf", direction="TB")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


@needs_dot
def test_the_collapsed_mlp_renders(tmp_path: Path) -> None:
    svg = render(mlp((2, 16, 16, 1)), tmp_path / "mlp.svg")
    root = ET.parse(svg).getroot()
    assert float(root.get("width").removesuffix("pt")) > 500
    words = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert words.count("δ") == 33


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_collapsed_neurons_keep_their_order_down_the_column(direction: str) -> None:
    loss = mlp((2, 6, 5, 1))
    dot = Dot(draw(loss, view="collapsed", direction=direction).source)
    plain = render_output.run_dot(draw(loss, view="collapsed", direction=direction).source, "plain")
    where = {}
    for line in plain.decode().splitlines():
        if line.startswith("node "):
            _, node_id, x, y = line.split()[:4]
            where[node_id] = -float(y) if direction == "LR" else float(x)
    for layer, size in (("L1", 6), ("L2", 5)):
        boxes = [nid for nid in dot.nodes if dot.cluster_of[nid] == [layer]]
        ordered = sorted(boxes, key=where.__getitem__)
        assert [_lines(dot.nodes[nid]["label"])[0] for nid in ordered] == [
            f"neuron {j}" for j in range(1, size + 1)
        ]


LABEL_TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from(list("\"'<>{}|\\&σ∂δ−·\n\t[];=")), min_size=1, max_size=20
)


@needs_dot
@settings(max_examples=25)
@given(LABEL_TEXT, LABEL_TEXT)
@example("\\\x1f", '"q" <σ∂δ> {a|b} \\ & \n\\N')  # Graphviz halves backslashes unless doubled
def test_any_label_renders_through_dot_and_reads_back(tmp_path_factory, first: str, second: str) -> None:
    x = Value(1.5, first)
    y = (x * 2.0).named(second).tanh()
    folder = tmp_path_factory.mktemp("labels")
    svg = render(y, folder / "labels.svg", formulas=True, title=first)
    root = ET.parse(svg).getroot()
    words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    words = " ".join(words.split())
    for label in (first, second):
        for line in safe(label).split("\n"):
            if line.strip():
                assert " ".join(line.split()) in words


# --- frames ----------------------------------------------------------------------------------------


def _visible_grads(source: str) -> int:
    return sum(f'<FONT COLOR="{GRAD}">' in a["label"] for a in Dot(source).nodes.values())


def test_backward_frames_fill_in_one_gradient_per_step(tmp_path: Path) -> None:
    g = chen()
    f = g["f"]
    order = topological_order(f)
    frames = backward_frames(f, tmp_path, format="dot")
    assert len(frames.paths) == len(order) == len(frames.steps)
    assert frames.gif is None
    engine = gradients(f, order)
    for k, (path, step) in enumerate(zip(frames.paths, frames.steps)):
        assert path.name == f"backward_{k:03d}.dot"
        dot = Dot(path.read_text("utf-8"))
        assert _visible_grads(path.read_text("utf-8")) == k + 1
        caption = text(re.search(r"<TD[^>]*BALIGN[^>]*>(.*?)</TD>", dot.graph["label"])[1])
        assert f"step {k + 1} of {len(order)}" in caption
        assert " ".join(step.caption.split()) in caption
        assert math.isclose(parse_number(caption.rsplit(" = ", 1)[1]), engine[k], rel_tol=1e-3)
        current = [nid for nid, a in dot.nodes.items() if a["color"] == HIGHLIGHT]
        assert current == [f"n{len(order) - 1 - k}"]  # ids follow forward order
    # Blank gradients keep their space: the hidden text is there, drawn transparent.
    first = Dot(frames.paths[0].read_text("utf-8"))
    assert sum(f'COLOR="{HIDDEN}"' in a["label"] for a in first.nodes.values()) == len(order) - 1


def test_forward_frames_fill_in_one_value_per_computed_node(tmp_path: Path) -> None:
    f = chen()["f"]
    frames = forward_frames(f, tmp_path / "new" / "folder", format="dot")
    computed = [n for n in topological_order(f) if n.op is not None]
    assert len(frames.paths) == len(computed)
    last = Dot(frames.paths[-1].read_text("utf-8"))
    assert all(f'COLOR="{HIDDEN}"' not in a["label"] for a in last.nodes.values())
    assert all(LOCAL in attrs["label"] for _, _, attrs in last.edges)


@needs_dot
def test_png_frames_share_one_layout_and_make_a_gif(tmp_path: Path) -> None:
    from PIL import Image

    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(1.0, "b")
    y = (w * x + b).named("net").tanh().named("y")
    frames = backward_frames(y, tmp_path, seconds=0.5)
    n = len(topological_order(y))
    assert len(frames.paths) == n and all(p.suffix == ".png" for p in frames.paths)
    sizes = set()
    for path in frames.paths:
        with Image.open(path) as image:
            sizes.add(image.size)
    assert len(sizes) == 1  # captions differ in length, the picture does not move
    with Image.open(frames.gif) as gif:
        assert gif.n_frames == n
        assert gif.info["duration"] == 500
    svg = forward_frames(y, tmp_path, format="svg", gif=False)
    assert svg.gif is None and len(svg.paths) == 3
    for path, step in zip(svg.paths, svg.steps):
        words = " ".join(
            t.text or "" for t in ET.parse(path).getroot().iter("{http://www.w3.org/2000/svg}text")
        )
        assert step.caption.split("\n")[0] in words
    # Fewer frames in the same folder: the old numbered files of that prefix go.
    backward_frames(x * 2.0, tmp_path, gif=False)
    assert sorted(p.name for p in tmp_path.glob("backward_*.png")) == [
        "backward_000.png",
        "backward_001.png",
        "backward_002.png",
    ]


# --- errors ----------------------------------------------------------------------------------------


@pytest.fixture
def no_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Graphviz's dot is not on PATH."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_without_dot_the_error_says_how_to_install_it_and_the_source_is_kept(
    tmp_path: Path, no_dot: None
) -> None:
    f = chen()["f"]
    with pytest.raises(GraphvizNotFound) as error:
        render(f, tmp_path / "graph.png")
    message = str(error.value)
    for hint in (
        "apt-get install graphviz",
        "brew install graphviz",
        "conda install -c conda-forge graphviz",
    ):
        assert hint in message
    assert "graph.dot" in message
    assert not (tmp_path / "graph.png").exists()
    assert (tmp_path / "graph.dot").read_text("utf-8") == draw(f).source
    # DOT output needs no Graphviz at all.
    assert render(f, tmp_path / "only.dot").read_text("utf-8") == draw(f).source
    with pytest.raises(GraphvizNotFound, match="apt-get"):
        backward_frames(f, tmp_path / "frames")
    assert len(list((tmp_path / "frames").glob("backward_*.dot"))) == len(topological_order(f))


def test_a_bad_path_or_format_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    f = chen()["f"]
    cases = [
        (tmp_path / "missing" / "graph.png", None, "does not exist"),
        (tmp_path, "png", "is a folder"),
        (tmp_path / "graph.jpeg", None, "unknown format 'jpeg'"),
        (tmp_path / "graph.png", "svg", "suffix .png"),
        (tmp_path / "graph", None, "add a suffix or pass format="),
    ]
    for path, fmt, reason in cases:
        with pytest.raises(RenderError, match=re.escape(reason)):
            render(f, path, format=fmt)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = chen()["f"]
    (tmp_path / "kept.dot").write_text("old")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render_output.os, "replace", fail)
    with pytest.raises(RenderError, match="No space left on device"):
        render(f, tmp_path / "kept.dot")
    assert [p.name for p in tmp_path.iterdir()] == ["kept.dot"]
    assert (tmp_path / "kept.dot").read_text() == "old"


@needs_dot
def test_dot_failing_is_a_clear_error_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="dot failed"):
        render_output.write_picture("digraph { a -> }", tmp_path / "broken.svg", None)
    assert list(tmp_path.iterdir()) == []
