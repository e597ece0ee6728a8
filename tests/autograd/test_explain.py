"""Chain-rule derivations: for every parameter of every example, the printed numbers give the gradient."""

import re

import pytest
from hypothesis import given

from autograd import Value, forward_order, topological_order
from autograd.explain import delta_view, explain, latex
from demos.examples.catalog import EXAMPLES
from tests.support.strategies import labelled_graphs

CASES = [(name, label) for name, ex in EXAMPLES.items() for label in ex.parameters]


def _output_of(graph, node):
    return next(out for out in graph.outputs if node in set(topological_order(out)))


def _arithmetic(text: str) -> float:
    """Evaluate a row of numbers as printed (· for ×, − for minus), refusing anything but arithmetic."""
    python = text.replace("·", "*").replace("−", "-")
    assert re.fullmatch(r"[\d.e*+\-() ]+", python), text
    return eval(python)


def _check_numbers(line: str, expected: float) -> None:
    *_, numbers, result = line.split(" = ")
    assert float(result.replace("−", "-")) == pytest.approx(expected, rel=1e-3, abs=1e-7), line
    if "…" not in numbers:  # the printed factors (4 digits each) multiply out to the result
        assert _arithmetic(numbers) == pytest.approx(expected, rel=5e-3, abs=1e-6), line


@pytest.mark.parametrize(("name", "label"), CASES)
def test_every_derivation_multiplies_out_to_the_engines_gradient(name, label):
    graph = EXAMPLES[name].build()
    root = _output_of(graph, graph[label])
    line = explain(root, graph[label])
    assert line.startswith(f"∂{root.label}/∂{label} = ")
    _check_numbers(line, graph.grad(label))


@pytest.mark.parametrize("name", [n for n, ex in EXAMPLES.items() if ex.parameters])
def test_the_delta_view_gives_every_delta_and_every_weight_gradient(name):
    graph = EXAMPLES[name].build()
    params = [graph[label] for label in EXAMPLES[name].parameters]
    root = _output_of(graph, params[0])
    try:
        lines = delta_view(root, [p for p in params if p in set(topological_order(root))])
    except ValueError as error:  # a graph with no unit (a linear model) says so
        assert "has no units" in str(error)
        return
    for line in lines:
        if line.startswith("δ_"):
            net = line.split(" = ")[1].split("/∂")[1]
            if len(line.split(" = ")) == 4:  # a linear output's δ: one link, its formula = its value
                *_, result = line.split(" = ")
                assert float(result.replace("−", "-")) == pytest.approx(graph.grad(net), rel=1e-3), line
                continue
            _check_numbers(line, graph.grad(net))
        else:
            _check_numbers(line, graph.grad(line.split(" = ")[0].split("/∂")[1]))


def test_the_slides_derivation_of_w5_three_ways():
    graph = EXAMPLES["chen-2-2-2"].build()
    assert explain(graph.outputs[0], graph["w5"]) == (
        "∂f/∂w5 = ∂f/∂o1 · ∂o1/∂net_o1 · ∂net_o1/∂w5 = 0.5·2·(t1 − o1)·(−1) · o1·(1 − o1) · h1 "
        "= 0.7414 · 0.1868 · 0.5933 = 0.08217"
    )


def test_a_hidden_weight_groups_the_paths_that_share_a_tail():
    # the slides' recursive form: ∂f/∂h1 = δ_o1·w5 + δ_o2·w7, then the unit and the weight
    graph = EXAMPLES["chen-2-2-2"].build()
    line = explain(graph.outputs[0], graph["w1"])
    assert line.startswith(
        "∂f/∂w1 = (∂f/∂net_o1 · ∂net_o1/∂h1 + ∂f/∂net_o2 · ∂net_o2/∂h1) · ∂h1/∂net_h1 · ∂net_h1/∂w1 "
        "= (∂f/∂net_o1 · w5 + ∂f/∂net_o2 · w7) · h1·(1 − h1) · i1"
    )
    deltas = delta_view(graph.outputs[0], [graph["w1"], graph["b1"]])
    assert "δ_h1 = ∂f/∂net_h1 = " in deltas[2] and "(δ_o1 · w5 + δ_o2 · w7) · h1·(1 − h1)" in deltas[2]
    # 0.008771 · 0.05 = 0.00043855 sits on a rounding tie, so δ_h1 takes one digit more
    assert deltas[-2] == "∂f/∂w1 = δ_h1 · i1 = 0.0087714 · 0.05 = 0.0004386"
    assert deltas[-1].startswith("∂f/∂b1 = δ_h1 · 1 + δ_h2 · 1 = ")  # one bias shared by both units


def test_the_upstream_gradient_of_a_gate():
    gate = EXAMPLES["mul-gate"].build()
    assert explain(gate.outputs[0], gate["x"], 5.0, "L") == "∂L/∂x = ∂L/∂z · ∂z/∂x = ∂L/∂z · y = 5 · 3 = 15"


def test_markdown_and_latex():
    graph = EXAMPLES["chen-2-2-2"].build()
    text = explain(graph.outputs[0], graph["w5"])
    assert explain(graph.outputs[0], graph["w5"], format="markdown") == f"`{text}`"
    tex = explain(graph.outputs[0], graph["w5"], format="latex")
    assert tex.startswith(r"$\frac{\partial f}{\partial w_{5}} = ") and tex.endswith("0.08217$")
    assert tex.count("{") == tex.count("}") and "∂" not in tex and "·" not in tex
    assert latex("δ_o1 · h1") == r"$\delta_{\mathrm{o1}} \cdot h1$".replace(r" \cdot ", r"  \cdot  ")


def test_nodes_the_output_does_not_reach_and_the_output_itself():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    z = (x * 3.0).named("z")
    assert explain(z, y) == "∂z/∂y = 0 (no path leads to it)"
    assert explain(z, z) == "∂z/∂z = 1"


def test_the_delta_view_of_a_graph_without_units_says_why_it_is_empty():
    x, w = Value(2.0, "x"), Value(3.0, "w")
    f = (w * x).named("f")
    with pytest.raises(ValueError, match="delta_view: the graph has no units"):
        delta_view(f, ["w"])


def test_a_conditional_rule_is_written_with_iverson_brackets():
    # issue 19: `1 if (s1_frog − s1_cat + 1) > 0 else 0 if … else 0.5` was Python, not maths
    x, a = Value(-2.0, "x"), Value(3.0, "a")
    m = (abs(a) * x.relu()).named("m")
    assert explain(m, "x") == "∂m/∂x = |a|·[x > 0] = 0"
    assert explain(m, "a").startswith("∂m/∂a = ReLU(x)·([a > 0] − [a < 0]) = ")
    assert r"\lbrack{}a {>} 0\rbrack{}" in explain(m, "a", format="latex")
    for name in ("hinge", "numerical-gradient"):
        example = EXAMPLES[name]
        graph = example.build()
        for label in example.parameters or [k for k, n in graph.nodes.items() if n.op is None]:
            line = explain(_output_of(graph, graph[label]), graph[label])
            assert " if " not in line and " else " not in line, line


def test_an_unreadable_formula_side_is_left_out():
    example = EXAMPLES["numerical-gradient"]
    graph = example.build()
    for label in example.parameters:
        line = explain(_output_of(graph, graph[label]), graph[label])
        assert all(len(side) <= 160 and side.count("…") <= 1 for side in line.split(" = ")), line


def test_a_node_used_directly_and_through_another_names_its_own_local_gradient_by_its_expression():
    # ∂L/∂a = ∂L/∂s · ∂s/∂a + ∂L/∂a would hold ∂L/∂a twice, the sum and one of its terms
    a, b = Value(1.0).named("a"), Value(2.0).named("b")
    s = (a * b).named("s")
    loss = (s - a).named("L")
    assert explain(loss, a) == "∂L/∂a = ∂L/∂s · ∂s/∂a + ∂(s − a)/∂a = ∂L/∂s · b + (−1) = 1 · 2 + (−1) = 1"
    assert explain(loss, b) == "∂L/∂b = ∂L/∂s · ∂s/∂b = 1 · a = 1 · 1 = 1"  # one path: as before
    assert r"+ \frac{\partial (s - a)}{\partial a} =" in explain(loss, a, format="latex")


@given(labelled_graphs())
def test_no_derivation_writes_its_own_symbol_among_its_terms(root):
    for node in forward_order(root):
        if node.label and node is not root:
            lhs, symbols = explain(root, node).split(" = ")[:2]
            assert not re.search(re.escape(lhs) + r"(?![\w(])", symbols), (lhs, symbols)
