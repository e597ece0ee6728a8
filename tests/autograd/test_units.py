"""One definition of a unit (issue 26): the δ view's units are the network picture's, everywhere."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.explain import delta_view
from autograd.explain.delta import _deltas
from autograd.graph import forward_order
from autograd.render.network import find_units
from autograd.units import unit_nets
from demos.examples.catalog import EXAMPLES
from tests.support.strategies import engine_lib, programs

OPS = ("add", "mul", "sigmoid", "tanh", "relu")


def _delta_nets(root: Value) -> set[Value]:
    return set(_deltas(forward_order(root), {}))


def _network_nets(root: Value) -> set[Value]:
    return {unit.net for unit in find_units(forward_order(root)).values()}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_delta_view_and_the_network_picture_find_the_same_units_in_every_example(name):
    for root in EXAMPLES[name].build().outputs:
        assert _delta_nets(root) == _network_nets(root), name


@settings(max_examples=150, deadline=None)
@given(programs(ops=OPS, max_steps=10), st.data())
def test_the_same_units_in_random_labelled_graphs(program, data):
    nodes = program.run(*(Value(x) for x in program.inputs), lib=engine_lib())
    for k, node in enumerate(nodes):  # some nodes labelled, as a teacher labels a graph
        if data.draw(st.booleans(), label=f"label node {k}"):
            node.named(f"n{k}")
    root = nodes[-1]
    assert _delta_nets(root) == _network_nets(root)
    assert set(unit_nets(forward_order(root)).values()) == _network_nets(root)


def test_a_scaled_net_input_is_a_unit_for_the_delta_view_too():
    # three-layer's y = σ(λ·e): the network drew it as a unit, the δ view said "no units"
    lam, x, w, b = Value(2.0, "λ"), Value(1.0, "x"), Value(0.5, "w"), Value(0.1, "b")
    e = (w * x + b).named("e")
    y = (lam * e).sigmoid().named("y")
    loss = ((y - 1.0) ** 2).named("E")
    lines = delta_view(loss, [w])
    assert lines[0].startswith("δ_y = ∂E/∂e = ")
    assert lines[-1].startswith("∂E/∂w = δ_y · x = ")


def test_the_three_layer_example_has_a_delta_view():
    graph = EXAMPLES["three-layer"].build()
    lines = delta_view(graph.outputs[0], list(EXAMPLES["three-layer"].parameters))
    assert any(line.startswith("δ_y_6 = ∂loss/∂e_6 = ") for line in lines)
