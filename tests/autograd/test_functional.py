"""grad / value_and_grad / gradients / check_grads / central_difference, as users call them."""

import math

import pytest

import autograd
from autograd import Value, comparisons, grad, gradients, value_and_grad


def test_grad_of_a_function_of_floats():
    assert grad(lambda x: x**3)(2.0) == 12.0
    assert grad(lambda x: x.tanh())(0.5) == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-15)


def test_value_and_grad_returns_plain_numbers():
    value, g = value_and_grad(lambda x, y: x * y + y.exp())(2.0, 0.0)
    assert (value, g) == (1.0, 0.0)
    assert type(value) is float and type(g) is float


def test_argnums_selects_and_tuples():
    f = lambda x, y: x * x * y  # noqa: E731
    assert grad(f, argnums=1)(3.0, 2.0) == 9.0
    assert grad(f, argnums=(0, 1))(3.0, 2.0) == (12.0, 9.0)
    assert grad(f, argnums=-1)(3.0, 2.0) == 9.0
    with pytest.raises(IndexError, match="argnums 2 does not fit 2 argument"):
        grad(f, argnums=2)(3.0, 2.0)


def test_second_and_mixed_derivatives():
    f = lambda x, y: x**3 * y**2  # noqa: E731
    assert grad(grad(f, 0), 0)(2.0, 3.0) == pytest.approx(6 * 2.0 * 9.0)
    assert grad(grad(f, 0), 1)(2.0, 3.0) == pytest.approx(3 * 4.0 * 2 * 3.0)


def test_nested_grad_sees_closed_over_values():
    # d/dx [x · d/dy (x·y)] = d/dx [x·x] = 2x: the inner derivative must stay a function of x
    outer = grad(lambda x: x * grad(lambda y: x * y)(2.0))
    assert outer(3.0) == 6.0


def test_function_that_ignores_its_input_has_zero_gradient():
    assert grad(lambda x: 5.0)(1.0) == 0.0
    assert grad(grad(lambda x: x * 2.0))(1.0) == 0.0


def test_grad_rejects_bad_functions_and_arguments():
    with pytest.raises(TypeError, match=r"must return one number .* got list"):
        grad(lambda x: [x])(1.0)
    with pytest.raises(TypeError, match="argument 0 must be a number, got str"):
        grad(lambda x: x)("1")
    with pytest.raises(TypeError, match="argument 0 must be a number, got bool"):
        grad(lambda x: x)(True)
    with pytest.raises(TypeError, match="argnums must be whole numbers, got True"):
        grad(lambda x, y: x * y, argnums=True)(1.0, 2.0)
    with pytest.raises(TypeError, match=r"argnums must be whole numbers, got \(0, 1\.0\)"):
        grad(lambda x, y: x * y, argnums=(0, 1.0))(1.0, 2.0)


def test_grad_records_even_inside_no_grad():
    with autograd.no_grad():
        assert grad(lambda x: x * x)(3.0) == 6.0
        assert not autograd.is_grad_enabled()


def test_gradients_of_an_unrelated_node_is_zero():
    x, y = Value(1.0), Value(2.0)
    assert gradients(x * 3.0, [x, y]) == [3.0, 0.0]
    assert gradients(x * 3.0, y) == 0.0
    (g,) = gradients(x * 3.0, [y], create_graph=True)
    assert isinstance(g, Value) and g.data == 0.0


def test_gradients_with_respect_to_an_inner_node():
    x = Value(0.3, "x")
    net = (x * 2.0).named("net")
    out = net.sigmoid()
    assert gradients(out, net) == pytest.approx(out.data * (1 - out.data))


def test_central_difference_and_check_grads_accept_functions_of_values():
    f = lambda a, b: (a * b).sin() + a.exp() / b  # noqa: E731
    assert autograd.central_difference(f, 0.5, 1.5, arg=1) == pytest.approx(grad(f, 1)(0.5, 1.5), rel=1e-8)
    autograd.check_grads(f, 0.5, 1.5, order=3)


def test_comparisons_are_noted_only_inside_the_block_with_their_answers() -> None:
    a, b = Value(2.0), Value(3.0)
    assert a < b and not a > 5  # outside any block: plain answers, nothing noted
    with comparisons() as outer:
        assert a < b and 1 < a and not a >= 5  # noqa: SIM300 (1 < a is what a user writes: a.__gt__(1))
        with comparisons() as inner:
            assert b <= 3
        assert inner == [(b, "<=", 3.0, True)]
    assert outer == [(a, "<", b, True), (a, ">", 1.0, True), (a, ">=", 5.0, False)]


def test_keyword_arguments_pass_through_undifferentiated():
    # As in HIPS autograd and JAX: argnums picks positional arguments; keywords reach f as given.
    def f(x, y, z, w, *, scale, act=None):
        assert not isinstance(scale, Value) and act is autograd.tanh  # as given, not made Values
        return act(w * y * scale) + z

    gw, gy = grad(f, argnums=(3, 1))(1.0, 2.0, 3.0, 0.5, scale=3.0, act=autograd.tanh)
    assert gy == pytest.approx((1 - math.tanh(3.0) ** 2) * 1.5)
    assert gw == pytest.approx((1 - math.tanh(3.0) ** 2) * 6.0)
    value, g = value_and_grad(lambda x, k: k * x**2)(3.0, k=2.0)
    assert (value, g) == (18.0, 12.0)
    # to any order: an inner transform hands the keywords on
    assert grad(grad(lambda x, k: k * x**3))(2.0, k=1.5) == pytest.approx(18.0)
