"""Every op of the rule table, over its domain: backward vs central differences, second order, formulas."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import OPS, Value, central_difference, check_grads, gradients
from tests.support.strategies import DOMAINS, INTERIOR, OPERATORS

ALL_OPS = sorted(OPS)


def test_every_op_has_a_domain_strategy():
    # Adding an op to the table without saying where it is defined fails here, so no op goes untested.
    assert set(INTERIOR) == set(DOMAINS) == set(OPS)


def test_every_op_is_reachable_as_method_and_function():
    for name in OPS:
        if name in OPERATORS:
            continue
        assert callable(getattr(Value, name, None)), f"Value.{name} is missing"
        assert callable(getattr(autograd, name, None)), f"autograd.{name} is missing"


# That every op's public forms (operator, method, module function, Value.apply) build its node with the
# table's value, local gradients, op and parents: tests/autograd/test_fast_paths.py.


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_backward_matches_central_differences(name, data):
    # A fixed step is accurate only inside the domain; tests/autograd/test_edges.py covers the edges.
    op = OPS[name]
    args, params = data.draw(INTERIOR[name])
    leaves = [Value(a) for a in args]
    Value.apply(op, *leaves, **params).backward()

    def f(*xs):
        return Value.apply(op, *xs, **params)

    for i, leaf in enumerate(leaves):
        numeric = central_difference(f, *args, arg=i)
        assert leaf.grad == pytest.approx(numeric, rel=1e-6, abs=1e-6), f"∂{name}/∂x{i} at {args}"


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_second_derivatives_match_central_differences(name, data):
    op = OPS[name]
    args, params = data.draw(INTERIOR[name])
    check_grads(lambda *xs: Value.apply(op, *xs, **params), *args, order=2, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_local_gradients_on_values_equal_those_on_floats(name, data):
    # create_graph evaluates the same rule on Values; both evaluations must agree. (Inside the domain: at
    # an edge such as sqrt at 5e-324 the rule's own nodes need the second derivative, which overflows.)
    op = OPS[name]
    args, params = data.draw(INTERIOR[name])
    leaves = [Value(a) for a in args]
    out = Value.apply(op, *leaves, **params)
    as_values = op.local_grads(*leaves, out=out, **params)
    for on_floats, on_values in zip(out.local, as_values):
        assert float(on_values) == pytest.approx(on_floats, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", ALL_OPS)
def test_every_op_has_a_symbol_and_a_reachable_arity(name):
    # The text of the formulas and expression is checked against the code in test_notation.py,
    # with the one parser of that notation the project has.
    op = OPS[name]
    assert op.name == name and op.symbol and op.arity in (1, 2)
    assert len(op.formula) == op.arity and op.expression


@given(st.floats(-700, 700))
def test_sigmoid_and_softplus_never_overflow(x):
    s = Value(x).sigmoid()
    assert 0.0 <= s.data <= 1.0
    sp = Value(x).softplus()
    assert sp.data >= max(x, 0.0) and math.isfinite(sp.data)
    sp.backward()


def test_the_table_says_which_ops_are_activations_and_which_are_smooth():
    # The δ view, the network picture, nn's layers and the gradient checks read these flags.
    activations = [name for name, op in OPS.items() if op.activation]
    assert activations == ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "step"]
    kinked = {name for name, op in OPS.items() if not op.smooth}
    assert kinked == {"abs", "relu", "leaky_relu", "step", "max", "min"}
    assert all(OPS[name].note for name in kinked)  # each says its convention where it has no slope


@pytest.mark.parametrize(
    ("name", "x", "expected_grad"),
    [
        ("relu", 0.0, 0.0),  # PyTorch's conventions at the kinks
        ("abs", 0.0, 0.0),
        ("leaky_relu", 0.0, 0.01),
        ("step", 0.0, 0.0),
        ("step", 2.0, 0.0),
    ],
)
def test_conventions_at_kinks(name, x, expected_grad):
    v = Value(x)
    getattr(v, name)().backward()
    assert v.grad == expected_grad


@pytest.mark.parametrize("name", ["max", "min"])
def test_ties_split_the_gradient(name):
    a, b = Value(1.5), Value(1.5)
    getattr(a, name)(b).backward()
    assert (a.grad, b.grad) == (0.5, 0.5)


def test_gradients_of_each_op_with_create_graph_are_values():
    x = Value(0.7)
    for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "sin", "cos"):
        (g,) = gradients(getattr(x, name)(), [x], create_graph=True)
        assert isinstance(g, Value) and g.parents, name
