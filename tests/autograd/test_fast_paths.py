"""Value's fast paths (+, *, apply() and the methods) build the nodes, and raise the errors, that the rule
table's checked functions give: the same value, the same local gradients, the same message."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import OPS, Value
from autograd.ops import checked_forward, checked_local_grads
from tests.support.strategies import DOMAINS, EDGES, OPERATORS, defined

ALL_OPS = sorted(OPS)
moderate = st.floats(-1e150, 1e150)  # neither the sum nor the product overflows


def _built(name, via, leaves, params):
    if via == "apply":
        return Value.apply(OPS[name], *leaves, **params)
    if name in OPERATORS:
        return OPERATORS[name](*leaves, *params.values())
    if via == "method":
        return getattr(leaves[0], name)(*leaves[1:], **params)
    return getattr(autograd, name)(*leaves, **params)


def _checked(name, args, params, leaves):
    """(value, local gradients) from the table's checked functions, or the error they raise."""
    op = OPS[name]

    def describe(i):
        return leaves[i].describe()

    try:
        out = checked_forward(op, args, params, describe)
        return out, checked_local_grads(op, args, out, params, describe)
    except Exception as error:  # whatever it is, the fast path must raise the same
        return error


@pytest.mark.parametrize("via", ["apply", "method", "function"])
@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_a_node_holds_the_checked_value_and_local_gradients(name, via, data):
    args, params = data.draw(DOMAINS[name])
    leaves = [Value(a) for a in args]
    node = _built(name, via, leaves, params)
    out, local = _checked(name, args, params, leaves)
    assert node.data == out and node.local == tuple(local)
    assert node.op is OPS[name] and node.parents == tuple(leaves) and node.params == (params or None)


@pytest.mark.parametrize("via", ["apply", "method", "function"])
@pytest.mark.parametrize("name", ALL_OPS)
def test_outside_the_domain_the_fast_path_raises_the_checked_error(name, via):
    undefined = [(a, p) for a, p in EDGES[name] if not defined(name, a, p)]
    for args, params in undefined:
        leaves = [Value(a, label=f"u{i}") for i, a in enumerate(args)]
        expected = _checked(name, args, params, leaves)
        with pytest.raises(type(expected)) as caught:
            _built(name, via, leaves, params)
        assert str(caught.value) == str(expected)


@given(a=moderate, b=moderate)
def test_sum_and_product_store_the_tables_local_gradients(a, b):
    x, y = Value(a), Value(b)
    product, total = x * y, x + y
    assert product.local == OPS["mul"].local_grads(a, b, out=product.data)
    assert total.local == OPS["add"].local_grads(a, b, out=total.data)


def test_without_a_graph_a_node_records_nothing():
    with autograd.no_grad():
        node = Value(2.0).tanh()
    assert node.op is None and node.parents == () and node.local == () and node.params is None
