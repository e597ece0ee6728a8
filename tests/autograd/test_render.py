"""The renderer's text and DOT: names, formulas, chain-rule captions, nodes, colours, clusters, views.

Pictures, frames and errors through Graphviz and the file system are in test_render_files.py.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from autograd import Value, gradients, topological_order
from autograd.graph import teaching_order
from autograd.render import (
    RenderError,
    backward_frames,
    backward_steps,
    draw,
    forward_frames,
    forward_steps,
)
from autograd.render.style import HIGHLIGHT, LOCAL, PALETTE
from autograd.text import MINUS, formula, names, number
from tests.support.dot import Dot, lines_of, parse_number, text
from tests.support.graphs import chen, mlp

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
    assert named[loss_sum] == f"(t1 {MINUS} o1)² + (t2 {MINUS} o2)²"  # exponents as on the slides


def test_a_long_expression_is_named_in_short_never_by_an_internal_id() -> None:
    a, b, c = (Value(1.0, label) for label in ("alpha", "beta", "gamma"))
    long = (a * b + b * c + c * a).sigmoid()
    forward = topological_order(long)[::-1]
    named = {node: name.text for node, name in names(forward).items()}
    assert named[long.parents[0]] == "alpha·beta + 2 more"  # the first term and how many follow
    assert named[long] == "σ(alpha·beta + 2 more)"
    longer = Value(1.0, "a_rather_long_label_for_x") * Value(2.0, "and_another_long_label")
    total = longer + longer * 2.0 + Value(3.0, "z")
    assert names(topological_order(total)[::-1])[total].text == "∏ 2 factors + 2 more"
    total = Value(1.0, "a_label_longer_than_a_box_holds") + Value(3.0, "z") + longer
    assert names(topological_order(total)[::-1])[total].text == "Σ 3 terms"  # the first term is too long
    e = total.exp()
    assert names(topological_order(e)[::-1])[e].text == "exp(Σ 3 terms)"
    e = Value(1.0, "a_label_longer_than_a_box_holds").exp()
    assert names(topological_order(e)[::-1])[e].text == "exp(…)"  # the tooltip has the label
    loss = mlp((2, 3, 3, 1))
    texts = [name.text for name in names(topological_order(loss)[::-1]).values()]
    assert not [t for t in texts if re.search(r"\bn\d+\b", t)]
    assert all(len(t) <= 28 for t in texts)


def test_exponents_are_written_as_superscripts_where_unicode_has_them() -> None:
    x = Value(-0.5, "x")
    cases = {x**2: "x²", x**3: "x³", x**-1: "x⁻¹", x**12: "x¹²", (x * x) ** 0.5: "(x·x)^0.5"}
    for node, written in cases.items():
        assert names(topological_order(node)[::-1])[node].text == written
    cube = x**3
    assert formula(cube, 0, names([x, cube])) == "3·x²"  # n·a^(n−1) with n put in
    square = x**2
    assert formula(square, 0, names([x, square])) == "2·x"


def test_a_negative_number_is_bracketed_unless_it_comes_first() -> None:
    x = Value(-0.5, "x")
    y = ((x * -2.0) + -1.0).named("y")
    captions = [s.caption.split("\n")[0] for s in forward_steps(y)]
    assert captions == [
        f"x·({MINUS}2) = {MINUS}0.5 · ({MINUS}2) = 1",
        f"y = x·({MINUS}2) + ({MINUS}1) = 1 + ({MINUS}1) = 0",
    ]
    assert forward_steps(x**2)[0].caption.startswith(f"x² = ({MINUS}0.5)² = 0.25")


def test_formulas_come_from_the_rule_table_with_labels_put_in() -> None:
    g = chen()
    forward = topological_order(g["f"])[::-1]
    named = names(forward)
    assert formula(g["o1"], 0, named) == "o1·(1 − o1)"  # the rule table's "out·(1 − out)"
    square = g["f"].parents[1].parents[0]
    assert formula(square, 0, named) == f"2·(t1 {MINUS} o1)"
    # Labels that are themselves formula letters are put in once, never substituted again.
    b, a = Value(2.0, "b"), Value(3.0, "a")
    product = b * a
    named = names([b, a, product])
    assert (formula(product, 0, named), formula(product, 1, named)) == ("a", "b")
    # A label that is not one symbol is parenthesised where it is put in.
    spaced = Value(0.5, "my x").sigmoid().named("a+b")
    assert formula(spaced, 0, names([spaced.parents[0], spaced])) == "(a+b)·(1 − (a+b))"
    # The slides' bracketed indices are one symbol still: y_(x1)1, not (y_(x1)1).
    indexed = Value(0.5, "e_(x1)1").sigmoid().named("y_(x1)1")
    assert formula(indexed, 0, names([indexed.parents[0], indexed])) == "y_(x1)1·(1 − y_(x1)1)"
    leaky = Value(-1.0, "out").leaky_relu(0.2)
    assert (
        formula(leaky, 0, names([leaky.parents[0], leaky])) == "[out > 0] + 0.2·[out ≤ 0]"
    )  # an Iverson bracket, not Python


# --- backward and forward steps --------------------------------------------------------------------


def test_backward_steps_follow_the_slides_order_and_end_with_the_engines_gradient() -> None:
    f = chen()["f"]
    order = teaching_order(f)
    engine = gradients(f, order)
    for digits in (4, 7):
        steps = backward_steps(f, digits=digits)
        assert [s.node for s in steps] == order
        for step, expected in zip(steps, engine):
            shown = parse_number(step.caption.rsplit(" = ", 1)[1])
            assert math.isclose(shown, expected, rel_tol=10 ** (1 - digits), abs_tol=1e-300)
            assert step.value == expected
    assert all(node.grad == 0.0 for node in order)  # .grad is neither read nor written


def test_a_weights_gradient_comes_right_after_the_delta_it_needs() -> None:
    g = chen()
    nodes = [s.node for s in backward_steps(g["f"])]
    # δ_o1 = ∂f/∂net_o1, then the sum and product it flows through, then ∂f/∂w5 = δ_o1·h1 (deck 1).
    assert nodes.index(g["w5"]) - nodes.index(g["net_o1"]) == 3
    assert nodes.index(g["w5"]) < nodes.index(g["net_o2"])  # not every weight at the end
    assert topological_order(g["f"]).index(g["w5"]) > topological_order(g["f"]).index(g["net_o2"])


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
    # Many uses: the first three terms, a count, and still the engine's gradient.
    uses = [(x * float(k)).named(f"u{k}") for k in range(1, 7)]
    total = sum(uses[1:], uses[0]).named("T")
    (x_step,) = [s for s in backward_steps(total) if s.node is x]
    assert x_step.caption.startswith("∂T/∂x = ∂T/∂u1 · 1 + ∂T/∂u2 · 2 + ∂T/∂u3 · 3 + … (6 terms) = ")
    assert x_step.caption.endswith(" = 21")


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
        lines = lines_of(dot.nodes[ids[label]]["label"])
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
    assert not any("grad" in lines_of(a["label"]) for a in bare.nodes.values())
    assert all("label" not in attrs for _, _, attrs in bare.edges)
    assert not any(line.startswith("grad") for a in bare.nodes.values() for line in lines_of(a["label"]))
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
    with pytest.raises(ValueError, match="no node is labelled 'w9'; the labels are: "):
        draw(f, highlight=["w9"])
    # One roles mapping may serve several graphs: labels it does not find are left alone.
    assert draw(f, roles={"w9": "parameter"}).source == draw(f).source
    with pytest.raises(TypeError, match="nodes or labels"):
        draw(f, roles={3: "parameter"})
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
        a for nid, a in boxes.items() if dot.cluster_of[nid] == ["L2"] and "neuron 3" in lines_of(a["label"])
    ]
    lines = lines_of(box["label"])
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


def test_a_label_in_a_picture_is_one_short_line_with_its_control_characters_escaped() -> None:
    # issue 19: a newline in a label broke the box in two; a 300-character label spanned the picture
    x = Value(2.0, "a\nb\tc")
    long = Value(3.0, "w" * 300)
    f = (x * long).named("f")
    source = draw(f, tooltips=True).source
    assert "a\\\\nb\\\\tc" in source  # `\n` and `\t` written out (Graphviz reads `\\` as one backslash)
    assert "a<BR/>b" not in source
    boxes = re.findall(r"<B>(w+…?)</B>", source)
    assert boxes and all(len(box) <= 40 for box in boxes) and boxes[0].endswith("…")
    assert "w" * 300 in source  # the tooltip keeps it whole


def test_draw_takes_its_options_as_keywords_or_as_one_record():
    from autograd.render import DrawOptions, draw

    out = chen()["f"]
    out.backward()
    record = DrawOptions(digits=3, view="full", title="chen")
    assert draw(out, record).source == draw(out, digits=3, view="full", title="chen").source
    assert draw(out, record, digits=5).source == draw(out, digits=5, view="full", title="chen").source
    with pytest.raises(TypeError, match="unknown option 'colour'"):
        draw(out, colour="red")
    with pytest.raises(ValueError, match="digits must be a whole number from 1 to 17"):
        DrawOptions(digits=0)
