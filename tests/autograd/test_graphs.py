"""Whole graphs: random expressions with shared subexpressions, exact cases, accumulation, depth."""

import math
import sys

import pytest
from hypothesis import assume, given

import autograd
from autograd import OPS, DomainError, Value, central_difference, gradients, no_grad
from tests.support.strategies import program_output, programs

# Ops without kinks: central differences are exact to O(eps²) everywhere for these.
SMOOTH = tuple(sorted(name for name, op in OPS.items() if op.smooth))


def _run(program):
    leaves = [Value(x, f"x{i}") for i, x in enumerate(program.inputs)]
    try:
        out = program_output(program, *leaves)
    except DomainError:  # exp of a large intermediate, say: not what this test is about
        assume(False)
    assume(abs(out.data) < 1e4)
    return leaves, out


@given(programs(ops=SMOOTH))
def test_random_graph_backward_matches_central_differences(program):
    leaves, out = _run(program)
    out.backward()

    def f(*xs):
        return program_output(program, *xs)

    for i, leaf in enumerate(leaves):
        numeric = central_difference(f, *program.inputs, arg=i)
        assert leaf.grad == pytest.approx(numeric, rel=1e-5, abs=1e-5)


@given(programs(ops=SMOOTH))
def test_gradients_equals_backward_and_leaves_grad_untouched(program):
    leaves, out = _run(program)
    returned = gradients(out, leaves)
    assert all(leaf.grad == 0.0 for leaf in leaves)
    out.backward()
    assert returned == pytest.approx([leaf.grad for leaf in leaves], rel=1e-12, abs=1e-12)


@given(programs(ops=SMOOTH, max_steps=5))
def test_random_graph_second_derivatives(program):
    _run(program)  # rejects programs that leave the domain

    def f(*xs):
        return program_output(program, *xs)

    autograd.check_grads(f, *program.inputs, order=2, rtol=1e-4, atol=1e-4)


def test_same_parent_twice():
    x = Value(3.0, "x")
    y = x * x
    assert y.parents == (x, x)
    y.backward()
    assert x.grad == 6.0


def test_diamond():
    a = Value(2.0, "a")
    b, c = a * 3.0, a + 1.0  # a reaches d along two paths
    d = b * c
    d.backward()
    assert a.grad == 3.0 * c.data + b.data * 1.0  # ∂d/∂a = 3c + b = 9 + 6
    assert (b.grad, c.grad) == (3.0, 6.0)


def test_constant_used_twice():
    c, x = Value(3.0, "c"), Value(2.0, "x")
    y = c * x + c * x * x
    y.backward()
    assert c.grad == x.data + x.data**2
    assert x.grad == c.data + 2 * c.data * x.data


def test_backward_accumulates_across_calls_like_pytorch():
    x = Value(1.5, "x")
    h = (x * x).named("h")
    y = h * h  # y = x⁴
    y.backward()
    first = (x.grad, h.grad, y.grad)
    y.backward()
    # every node doubles: an old gradient is never pushed through the chain rule again
    assert (x.grad, h.grad, y.grad) == (2 * first[0], 2 * first[1], 2 * first[2])
    assert first[0] == 4 * 1.5**3
    y.zero_grad()
    assert (x.grad, h.grad, y.grad) == (0.0, 0.0, 0.0)


def test_backward_with_an_upstream_gradient():
    # the slides' multiply gate: z = x·y, upstream ∂L/∂z = 5
    x, y = Value(2.0, "x"), Value(3.0, "y")
    z = (x * y).named("z")
    z.backward(5.0)
    assert (z.data, x.grad, y.grad) == (6.0, 15.0, 10.0)


def test_every_node_gets_a_gradient():
    x = Value(0.5, "x")
    net = (x * 2.0 + 1.0).named("net")
    out = net.tanh().named("out")
    out.backward()
    assert out.grad == 1.0
    assert net.grad == pytest.approx(1 - out.data**2)
    for node in autograd.topological_order(out):
        assert node.grad != 0.0 or node.op is None  # constants get theirs too


def test_no_grad_records_nothing_and_restores():
    x = Value(2.0)
    with no_grad():
        assert not autograd.is_grad_enabled()
        y = (x * x + 1.0).exp().tanh()
    assert autograd.is_grad_enabled()
    assert (y.parents, y.op, y.local) == ((), None, ())
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError
    assert autograd.is_grad_enabled()


def test_third_derivative_of_sin_is_minus_cos():
    d3 = autograd.grad(autograd.grad(autograd.grad(autograd.sin)))
    for x in (-2.0, 0.0, 0.3, 1.0, 3.0):
        assert d3(x) == pytest.approx(-math.cos(x), rel=1e-12, abs=1e-15)


def test_higher_derivatives_through_gradients_create_graph():
    x = Value(0.8, "x")
    y = x**4
    (g1,) = gradients(y, [x], create_graph=True)
    (g2,) = gradients(g1, [x], create_graph=True)
    (g3,) = gradients(g2, [x], create_graph=True)
    assert [g.data for g in (g1, g2, g3)] == pytest.approx([4 * 0.8**3, 12 * 0.8**2, 24 * 0.8])


def test_million_node_chain_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 1000  # pytest's own default; the engine never raises it
    x = Value(1.0, "x")
    y = x
    for _ in range(1_000_000):
        y = y + x
    y.backward()
    assert x.grad == 1_000_001.0
    assert y.data == 1_000_001.0


@given(programs())
def test_teaching_order_visits_every_node_once_after_all_its_users(program):
    from autograd.graph import teaching_order, topological_order

    _, out = _run(program)
    order = teaching_order(out)
    assert sorted(n.seq for n in order) == sorted(n.seq for n in topological_order(out))
    position = {node: k for k, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[parent] > position[node], "a node came before one of its users"


def test_teaching_order_shows_a_weight_right_after_its_delta_as_the_first_deck_does():
    from autograd.graph import teaching_order
    from tests.support.graphs import chen

    labelled = [n.label for n in teaching_order(chen()["f"]) if n.label]
    assert labelled[labelled.index("net_o1") + 1 : labelled.index("net_o1") + 3] == ["w5", "w6"]
    assert labelled.index("w5") < labelled.index("net_o2") < labelled.index("net_h1")  # layer by layer
