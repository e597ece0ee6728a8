"""Chain-rule derivations: for every parameter of every example, the printed numbers give the gradient."""

import math

import pytest

from autograd import Value, topological_order
from autograd.explain import explain
from demos.catalog import EXAMPLES

CASES = [(name, label) for name, ex in EXAMPLES.items() for label in ex.parameters]


def _terms(text: str) -> tuple[list[list[float]], float]:
    parts = text.split(" = ")
    numbers, result = parts[-2], parts[-1]
    terms = [[float(f) for f in term.split(" · ")] for term in numbers.split(" + ")]
    return terms, float(result)


@pytest.mark.parametrize(("name", "label"), CASES)
def test_derivation_numbers_multiply_out_to_the_engines_gradient(name, label):
    example = EXAMPLES[name]
    graph = example.build()
    root = next(out for out in graph.outputs if graph[label] in _ancestors(out))
    text = explain(root, graph[label])
    assert text.startswith(f"∂{root.label}/∂{label} = ")
    terms, result = _terms(text)
    # factors are printed to 4 significant digits: the sum of products agrees to that precision
    assert math.fsum(math.prod(t) for t in terms) == pytest.approx(result, rel=5e-3, abs=1e-6)
    assert result == pytest.approx(graph.grad(label), rel=1e-3, abs=1e-7)


def _ancestors(root: Value) -> set:
    return set(topological_order(root))


def test_the_slides_path_for_w5():
    graph = EXAMPLES["chen-2-2-2"].build()
    assert explain(graph.outputs[0], graph["w5"]) == (
        "∂f/∂w5 = ∂f/∂o1 · ∂o1/∂net_o1 · ∂net_o1/∂w5 = 0.7414 · 0.1868 · 0.5933 = 0.08217"
    )


def test_two_paths_for_a_hidden_weight_and_the_upstream_gradient():
    graph = EXAMPLES["chen-2-2-2"].build()
    text = explain(graph.outputs[0], graph["w1"])
    assert text.count(" + ") == 2  # one + between the symbolic paths, one between the numeric ones
    gate = EXAMPLES["mul-gate"].build()
    assert explain(gate.outputs[0], gate["x"], upstream=5.0, loss="L") == "∂L/∂x = ∂L/∂z · ∂z/∂x = 5 · 3 = 15"


def test_many_paths_fall_back_to_the_recursive_form():
    graph = EXAMPLES["softmax-output"].build()
    assert (
        explain(graph.outputs[0], graph["W1_11"])
        == "∂L/∂W1_11 = ∂L/∂a1_1 · ∂a1_1/∂W1_11 = -0.06561 · 0.5 = -0.0328"
    )


def test_a_node_the_output_does_not_depend_on():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    assert explain((x * 3.0).named("z"), y) == "∂z/∂y = 0 (z does not depend on y)"
