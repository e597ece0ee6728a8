"""The mistakes lab: each wrong backward pass against a hand computation of the same wrong algorithm.

The hand values are worked out in plain floats from the slides' numbers (the formula is in each
comment): chen-2-2-2 has h1 = σ(net_h1) = 0.5933, δ_o1 = (o1 − t1)·o1(1 − o1) = 0.1385 and so on;
bishop-2-2-2 has δ_k = 2(h_k − y_k)·h_k(1 − h_k). "Right" values must equal what the engine's own
backward left in `.grad` when the example was built.
"""

from __future__ import annotations

import math

import pytest

from autograd import OPS, Value, lab, topological_order
from autograd.lab import MISTAKES, compare, train
from demos.examples.catalog import get
from tests.support.graphs import by_label


def _example(name: str):
    example = get(name)
    graph = example.build()
    parameters = [graph[label] for label in example.parameters] or None
    return graph.outputs[0], graph.upstream, parameters


def _x_times_x_plus_x() -> Value:
    x = Value(3.0, "x")
    return (x * x + x).named("r")


def _run(name: str, key: str):
    if name == "x*x + x":
        root, upstream, parameters = _x_times_x_plus_x(), 1.0, None
    else:
        root, upstream, parameters = _example(name)
    return root, compare(root, key, upstream, parameters=parameters)


EXAMPLES = ("chen-2-2-2", "bishop-2-2-2", "mul-gate", "x*x + x")

# (example, mistake) -> (the first wrong node: a label, or a path of parent indices from the root for an
# unlabelled node; {label: the wrong pass's value by hand}). None: the mistake gives the right numbers.
HAND = {
    # no topological order: h1 is first reached through w5·h1 with only w5·δ_o1, sends σ′·w5·δ_o1 on,
    # then again its full H1 = w5·δ_o1 + w7·δ_o2: net_h1 = σ′(h1)·(2·w5·δ_o1 + w7·δ_o2); w1 collects
    # i1·(3·n1 + N) through the add node that also resends (n1 = σ′·w5·δ_o1, N = n1 + σ′·H1).
    ("chen-2-2-2", "no-topological-order"): (
        "net_h1",
        {"net_h1": 0.022139275112374387, "w1": 0.003112151819051839, "h1": 0.03635030639314466},
    ),
    # = instead of +=: in reverse creation order o2's users come before o1's, so the last assignment
    # is o1's: h2 = w6·δ_o1, h1 = w5·δ_o1, b2 = δ_o1. h2 is visited first (created after h1).
    ("chen-2-2-2", "assign"): (
        "h2",
        {"h2": 0.06232435273285063, "h1": 0.05539942465142278, "b2": 0.13849856162855695},
    ),
    # a second call on the same graph: a node k edges below the root (on every path) gets (k + 1)× its
    # gradient: w5 at 8 edges 9×, w1 at 12 edges 13×, b2 at 6 edges 7×. The root is set to 1 again,
    # so the first wrong node is its second operand 0.5·(t2 − o2)², visited before the first.
    ("chen-2-2-2", "no-zero-grad"): (
        (1,),
        {
            "w5": 0.7395033650780769,
            "h1": 0.327152757538302,
            "w1": 0.005701380548166505,
            "b2": 0.702802275784005,
        },
    ),
    ("chen-2-2-2", "drawn-before-backward"): ("i1", {"i1": 0.0, "w5": 0.0, "f": 0.0}),
    # σ′ = net·(1 − net): δ_o2 = (o2 − t2)·net_o2·(1 − net_o2); the hidden layer repeats the mistake.
    ("chen-2-2-2", "sigmoid-from-net"): (
        "net_o2",
        {"net_o2": 0.05980560473326177, "w5": -0.051513746142938285, "net_h1": -0.0011348491219862892},
    ),
    # δ = o − t at both outputs; the hidden layer's σ′ is right, fed with those δ's.
    ("chen-2-2-2", "canonical-shortcut"): (
        "net_o2",
        {
            "net_o1": 0.7413650695523157,
            "net_o2": -0.21707153467853746,
            "w5": 0.4398296489618467,
            "net_h1": 0.045367009073091415,
        },
    ),
    # w1 + η·∂f/∂w1 with η = 0.5
    ("chen-2-2-2", "wrong-sign"): ("w1", {"w1": 0.15021928386723718}),
    # bishop: z1_1 first reached through W2_11·z1_1 with W2_11·δ_1, then with all of it.
    ("bishop-2-2-2", "no-topological-order"): ("a1_1", {"a1_1": 0.050815111139338676}),
    ("bishop-2-2-2", "assign"): ("z1_2", {"z1_1": 0.12464870546570125, "z1_2": 0.11079884930284556}),
    # W2_11 is 7 edges below E (pow, sub, h1, a2_1, the add, W2_11·z1_1, W2_11): 8× its gradient
    ("bishop-2-2-2", "no-zero-grad"): ((1,), {"W2_11": 1.322682045560532}),
    ("bishop-2-2-2", "drawn-before-backward"): ("x1", {"x1": 0.0, "E": 0.0}),
    ("bishop-2-2-2", "sigmoid-from-net"): ("a2_2", {"a2_2": 0.11951493341875448}),
    ("bishop-2-2-2", "canonical-shortcut"): (
        "a2_2",
        {
            "a2_1": 0.7413650695523157,
            "a2_2": -0.217103254298199,
            "W2_11": 0.44250922860324293,
            "a1_1": 0.054153094310076366,
        },
    ),
    ("bishop-2-2-2", "wrong-sign"): ("W1_11", {"W1_11": 0.2505205740040386}),
    # mul-gate: z = x·y with ∂L/∂z = 5, no node used twice
    ("mul-gate", "no-topological-order"): None,
    ("mul-gate", "assign"): None,
    ("mul-gate", "no-zero-grad"): ("y", {"z": 5.0, "x": 30.0, "y": 20.0}),  # 15 + 3·5, 10 + 2·5
    ("mul-gate", "drawn-before-backward"): ("x", {"x": 0.0, "y": 0.0, "z": 0.0}),
    ("mul-gate", "sigmoid-from-net"): None,
    ("mul-gate", "canonical-shortcut"): None,
    ("mul-gate", "wrong-sign"): ("x", {"x": 9.5, "y": 8.0}),  # 2 + 0.5·15, 3 + 0.5·10
    # r = x·x + x at x = 3 (∂r/∂x = 2x + 1 = 7): x is a leaf, so visiting it early is harmless
    ("x*x + x", "no-topological-order"): None,
    ("x*x + x", "assign"): ("x", {"x": 3.0}),  # the last assignment: x·1 from x·x's second operand
    # paths r→x (1 edge, 2×1) and r→x·x→x twice (2 edges, 3×3 each): 2 + 18
    ("x*x + x", "no-zero-grad"): ((0,), {"x": 20.0, "r": 1.0}),
    ("x*x + x", "drawn-before-backward"): ("x", {"x": 0.0, "r": 0.0}),
    ("x*x + x", "sigmoid-from-net"): None,
    ("x*x + x", "canonical-shortcut"): None,
    ("x*x + x", "wrong-sign"): ("x", {"x": 6.5}),  # 3 + 0.5·7
    # the matrix form's mistakes, on chen's square layers (δ_o = (0.1385, −0.0381), W₂ = [[w5 w6] [w7 w8]]):
    # W₂·δ instead of W₂ᵀ·δ: h1 = 0.4·0.1385 + 0.45·(−0.0381), h2 = 0.5·0.1385 + 0.55·(−0.0381)
    ("chen-2-2-2", "no-transpose"): (
        "h2",
        {"h2": 0.04829525073017258, "h1": 0.03825521821897251, "net_h2": 0.01162048531509463},
    ),
    # h·δᵀ instead of δ·hᵀ: entry (i, j) gets (j, i)'s gradient: w7 gets w6's 0.08267, w6 gets w7's
    ("chen-2-2-2", "outer-product-order"): (
        "w7",
        {
            "w7": 0.08266762784753327,
            "w6": -0.02260254047747506,
            "w3": 0.000877135468948694,
            "w2": 0.0004977127352608602,
        },
    ),
    # σ′(o) instead of σ′(net_o): δ_o2 = (o2 − t2)·σ(o2)(1 − σ(o2)) = −0.2171 · 0.2161
    ("chen-2-2-2", "slope-of-wrong-vector"): (
        "net_o2",
        {"net_o2": -0.04690639965809551, "net_o1": 0.16146066852674196},
    ),
    ("bishop-2-2-2", "no-transpose"): ("z1_2", {"z1_2": 0.0965802429695988, "z1_1": 0.09416265553191352}),
    ("bishop-2-2-2", "outer-product-order"): (
        "W2_21",
        {"W2_21": 0.1643340811284616, "W2_12": -0.04549161740081283},
    ),
    ("bishop-2-2-2", "slope-of-wrong-vector"): (
        "a2_2",
        {"a2_2": -0.09382760385231961, "a2_1": 0.3229213370534839},
    ),
    ("mul-gate", "no-transpose"): None,  # no layers: nothing to transpose
    ("mul-gate", "outer-product-order"): None,
    ("mul-gate", "slope-of-wrong-vector"): None,
    ("x*x + x", "no-transpose"): None,
    ("x*x + x", "outer-product-order"): None,
    ("x*x + x", "slope-of-wrong-vector"): None,
}


def test_every_mistake_is_tested_on_every_example():
    assert set(HAND) == {(name, key) for name in EXAMPLES for key in MISTAKES}


def _node(root: Value, where):
    if isinstance(where, str):
        return by_label(root)[where]
    node = root
    for i in where:
        node = node.parents[i]
    return node


@pytest.mark.parametrize(("name", "key"), sorted(HAND))
def test_the_wrong_pass_matches_the_hand_computation(name, key):
    root, result = _run(name, key)
    expected = HAND[name, key]
    if expected is None:
        assert result.same and result.first is None and result.differences == []
        return
    first, values = expected
    assert result.first is _node(root, first)
    labelled = by_label(root)
    for label, value in values.items():
        assert result.wrong[labelled[label]] == pytest.approx(value, rel=1e-12, abs=1e-15), label
    wrong_nodes = [d.node for d in result.differences]
    assert wrong_nodes == [n for n in result.order if n in set(wrong_nodes)]  # in visiting order
    for d in result.differences:
        assert not math.isclose(d.right, d.wrong, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize(("name", "key"), sorted(HAND))
def test_the_right_numbers_are_the_engines(name, key):
    root, result = _run(name, key)
    if name == "x*x + x":
        root.backward()
    eta = 0.5
    for node, right in result.right.items():
        expected = node.data - eta * node.grad if key == "wrong-sign" else node.grad
        assert right == pytest.approx(expected, rel=1e-12, abs=1e-15)
    if key != "wrong-sign":
        assert set(result.right) == set(topological_order(root))


def test_a_node_reached_twice_that_ends_right_is_not_reported():
    # h1 is visited too early by the recursive pass, yet its own gradient ends complete
    root, result = _run("chen-2-2-2", "no-topological-order")
    h1 = by_label(root)["h1"]
    assert h1 not in [d.node for d in result.differences]
    assert result.order.index(h1) < result.order.index(result.first)


def test_the_engine_and_the_graph_are_untouched():
    root, upstream, _ = _example("chen-2-2-2")
    before = {n: (n.data, n.grad, n.local) for n in topological_order(root)}
    sigmoid_row = OPS["sigmoid"]
    for key in MISTAKES:
        compare(root, key, upstream)
    train(root, "wrong-sign", steps=2)
    assert {n: (n.data, n.grad, n.local) for n in topological_order(root)} == before
    assert OPS["sigmoid"] is sigmoid_row
    assert sigmoid_row.local_grads(0.0, out=0.5) == (0.25,)  # σ′(0) = ¼, still
    assert lab.SIGMOID_FROM_NET.local_grads(0.5, out=0.25) == (0.25,)  # net·(1 − net)


def test_the_recursive_pass_runs_deep_graphs_without_recursion():
    x = Value(1.0, "x")
    y = x
    for _ in range(5000):
        y = y * 1.0
    result = compare(y, "no-topological-order")
    assert result.same


def test_the_recursive_pass_refuses_an_exponential_number_of_paths():
    y = Value(1.0, "x")
    for _ in range(25):  # each step doubles the number of paths
        y = y + y
    with pytest.raises(ValueError, match="no-topological-order: the recursive pass would make"):
        compare(y, "no-topological-order")


def test_the_canonical_shortcut_finds_both_orders_of_the_difference():
    root, _, _ = _example("chen-2-2-2")  # (t − o)²
    assert {h.label: y.label for h, y in lab.sigmoid_outputs(root).items()} == {"o1": "t1", "o2": "t2"}
    root, _, _ = _example("bishop-2-2-2")  # (h − y)²
    assert {h.label: y.label for h, y in lab.sigmoid_outputs(root).items()} == {"h1": "y1", "h2": "y2"}


def test_wrong_sign_raises_the_loss_and_the_right_steps_lower_it():
    root, _, parameters = _example("chen-2-2-2")
    curves = train(root, "wrong-sign", parameters, eta=0.5, steps=5)
    assert len(curves.right) == len(curves.wrong) == 6
    assert curves.right[0] == curves.wrong[0] == pytest.approx(0.2983711087600027)
    assert all(b < a for a, b in zip(curves.right, curves.right[1:]))
    assert all(b > a for a, b in zip(curves.wrong, curves.wrong[1:]))


def test_no_zero_grad_steps_use_the_sum_of_all_gradients_so_far():
    x = Value(3.0, "x")
    root = (x * x).named("L")  # ∂L/∂x = 2x
    curves = train(root, "no-zero-grad", [x], eta=0.1, steps=2)
    # right: 3 → 3 − 0.6 = 2.4 → 2.4 − 0.48 = 1.92; wrong: 3 → 2.4 (sum 6) → 2.4 − 0.1·(6 + 4.8) = 1.32
    assert curves.right == pytest.approx([9.0, 5.76, 3.6864])
    assert curves.wrong == pytest.approx([9.0, 5.76, 1.7424])


def test_a_wrong_step_outside_the_domain_ends_the_curve_and_says_why():
    x = Value(0.5, "x")
    root = (-x.log()).named("L")  # ∂L/∂x = −1/x: the wrong sign walks x down to 0.5 − 0.5·2 = −0.5
    curves = train(root, "wrong-sign", [x], eta=0.5, steps=3)
    assert curves.wrong == [pytest.approx(math.log(2))] and curves.stopped.startswith("log")
    assert len(curves.right) == 4


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda r: compare(r, "nope"),
            ValueError,
            "unknown mistake 'nope'; choose one of: no-topological-order",
        ),
        (lambda r: compare(1.0, "assign"), TypeError, "compare: expected a Value as the root, got float"),
        (lambda r: compare(r, "assign", float("nan")), TypeError, "compare: grad must be a finite number"),
        (lambda r: compare(r, "wrong-sign", eta=True), TypeError, "compare: eta must be a finite number"),
        (
            lambda r: compare(r, "wrong-sign", parameters=[r]),
            ValueError,
            "the parameter node 'r' is not a leaf",
        ),
        (lambda r: train(r, "assign"), ValueError, "train: 'assign' is not an update mistake"),
        (lambda r: train(r, "wrong-sign", steps=0), ValueError, "train: steps must be a whole number ≥ 1"),
    ],
)
def test_bad_input_gives_one_clear_error(call, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(_x_times_x_plus_x())


# --- colour: the lab's wrong nodes are red, in the pictures and on the page ---------------------------


def test_the_lab_picture_outlines_wrong_nodes_red_not_in_the_current_steps_violet(tmp_path):
    from autograd.explain.lab_report import WRONG_OUTLINE
    from autograd.render.style import GRAD, HIGHLIGHT
    from demos.cli.mistakes import draw_mistake
    from tests.support.dot import Dot

    path = draw_mistake(get("chen-2-2-2"), 0, "assign", 0.5, tmp_path / "chen.dot")
    merged: dict[str, dict[str, str]] = {}  # a node's attributes over all its statements, the last winning
    for line in path.read_text().splitlines():
        for node_id, attrs in Dot(line.strip()).nodes.items():
            merged.setdefault(node_id, {}).update(attrs)
    outlined = [attrs for attrs in merged.values() if attrs.get("penwidth") == "3.5"]
    assert len(outlined) == 18  # the nodes that end wrong, as the page's verdict counts them
    assert WRONG_OUTLINE == GRAD == "#b91c1c"  # red, the red of the gradients and of the page's --wrong
    assert all(attrs["color"] == WRONG_OUTLINE for attrs in outlined)
    assert HIGHLIGHT not in {attrs.get("color") for attrs in merged.values()}


def test_the_page_outlines_wrong_nodes_red(tmp_path):
    from autograd.page import page
    from tests.support.browser import chromium

    example = get("chen-2-2-2")
    root = example.build().outputs[0]
    c = compare(root, "assign")
    with chromium(needs_dot=True) as browser:
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.goto(page(root, tmp_path / "p.html", roles=example.node_roles()).as_uri())
        tab.select_option("#mistake", "assign")
        tab.click("#end")
        strokes = tab.eval_on_selector_all(
            ".graph-pane:not([hidden]) g.node.mistake-wrong",
            "gs => gs.map(g => getComputedStyle(g.querySelector('path, polygon')).stroke)",
        )
    # the slide view fuses a neuron's products and sums into its net box: at most one box per wrong node
    assert 0 < len(strokes) <= len(c.differences) and set(strokes) == {"rgb(185, 28, 28)"}  # #b91c1c
