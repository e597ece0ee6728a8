"""Every error the engine raises: triggered, with its message checked (op, operand values, labels)."""

import math
from fractions import Fraction

import pytest

import autograd
from autograd import DomainError, GradientCheckError, Op, Overflow, Value, ZeroDivision


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        ("abc", TypeError, ["real number", "str", "'abc'"]),
        (None, TypeError, ["real number", "NoneType", "None"]),
        (True, TypeError, ["real number", "bool"]),
        ([1.0], TypeError, ["real number", "list"]),
        (math.nan, ValueError, ["finite", "nan"]),
        (math.inf, ValueError, ["finite", "inf"]),
        (-math.inf, ValueError, ["finite", "-inf"]),
        (10**400, ValueError, ["finite", "too large"]),
    ],
)
def test_bad_data(data, error, words):
    with pytest.raises(error) as caught:
        Value(data, label="w1")
    message = str(caught.value)
    assert all(w in message for w in words), message
    assert "'w1'" in message


def test_bad_label():
    with pytest.raises(TypeError, match="label must be a string, got int 3"):
        Value(1.0, label=3)
    with pytest.raises(TypeError, match="label must be a string"):
        Value(1.0).named(None)


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Value(-1.0, "z").log(), DomainError, "log(a) needs a > 0; got a = -1.0 (node 'z')"),
        (lambda: Value(0.0, "z").log(), DomainError, "log(a) needs a > 0; got a = 0.0 (node 'z')"),
        (lambda: Value(-4.0, "v").sqrt(), DomainError, "sqrt(a) needs a ≥ 0; got a = -4.0 (node 'v')"),
        (
            lambda: Value(1.0, "a") / Value(0.0, "b"),
            ZeroDivision,
            "a / b: division by zero; got a = 1.0 (node 'a'), b = 0.0 (node 'b')",
        ),
        (
            lambda: 1.0 / Value(0.0, "b"),
            ZeroDivision,
            "a / b: division by zero; got a = 1.0 (an unlabelled leaf holding 1.0), b = 0.0 (node 'b')",
        ),
        (
            lambda: Value(0.0, "x") ** -2,
            ZeroDivision,
            "a ** n: zero to a negative power is a division by zero; got a = 0.0 (node 'x'), n = -2",
        ),
        (
            lambda: Value(-8.0, "x") ** (1 / 3),
            DomainError,
            "a ** n: a negative number to a non-integer power is not a real number; got a = -8.0",
        ),
        (
            lambda: Value(-2.0, "x") ** Value(2.0, "y"),
            DomainError,
            "a ** b with a Value exponent b needs a ≥ 0 (its gradient with respect to b, out·log(a), is "
            "not a real number for a < 0); got a = -2.0 (node 'x'), b = 2.0 (node 'y')",
        ),
        (
            lambda: Value(800.0, "s").exp(),
            Overflow,
            "exp: the result overflows a float (|value| > 1.8e308); got a = 800.0 (node 's')",
        ),
        (lambda: Value(1e200, "p") * Value(1e200, "q"), Overflow, "mul: the result overflows a float"),
        (lambda: Value(1.5e308, "p") + Value(1.5e308, "q"), Overflow, "add: the result overflows a float"),
        (lambda: Value(10.0, "x") ** 400, Overflow, "pow: the result overflows a float"),
    ],
)
def test_domain_errors_name_the_op_the_values_and_the_nodes(build, error, message):
    with pytest.raises(error) as caught:
        build()
    assert message in str(caught.value)


def test_error_classes_are_the_python_ones_too():
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0
    with pytest.raises(OverflowError):
        Value(1000.0).exp()
    with pytest.raises(ValueError):
        Value(-1.0).log()


def test_an_unlabelled_computed_operand_is_described_by_its_op():
    x = Value(1.0, "x")
    with pytest.raises(DomainError, match=r"got a = 0\.0 \(an unlabelled sub node\)"):
        (x - x).log()


def test_infinite_local_gradient_is_an_error_not_a_silent_inf():
    with pytest.raises(DomainError, match=r"sqrt: the value is 0\.0 but its gradient .* is not finite"):
        Value(0.0, "r").sqrt()
    with autograd.no_grad():
        assert Value(0.0).sqrt().data == 0.0  # no gradient is needed, so the value is fine


def test_gradient_overflow_names_the_node():
    # every value is finite (1e-300, 1, 1e300) but ∂c/∂a = 1e300 · 1e300 is not
    a = Value(1e-300, "a")
    c = (a * 1e300) * 1e300
    with pytest.raises(Overflow, match="backward: the gradient of node 'a' overflows a float"):
        c.backward()
    with pytest.raises(Overflow, match="the gradient of node 'a' overflows"):
        autograd.gradients(c, [a])


def test_operands_that_are_not_numbers():
    x = Value(1.0, "x")
    with pytest.raises(TypeError, match="add: operands must be Values or numbers, got str 'a'"):
        x + "a"
    with pytest.raises(TypeError, match="mul: operands must be Values or numbers, got NoneType None"):
        x * None
    with pytest.raises(TypeError, match="sub: operands must be Values or numbers, got list"):
        x - [1]
    with pytest.raises(TypeError, match="pow: the exponent must be a number or a Value"):
        x ** "2"
    # True is an int to Python, never a number to the engine
    with pytest.raises(TypeError, match="add: operands must be Values or numbers, got bool True"):
        x + True
    with pytest.raises(TypeError, match="mul: operands must be Values or numbers, got bool False"):
        False * x
    with pytest.raises(TypeError, match="pow: the exponent must be a number or a Value, got True"):
        x**True
    assert (x + 2).data == 3.0 and (x * 2).data == 2.0  # ints are numbers


def test_operands_of_number_types_other_than_float_and_int():
    x = Value(1.0, "x")
    assert (x + Fraction(1, 2)).data == 1.5 and Value(Fraction(1, 4)).data == 0.25


def test_backward_rejects_a_bad_seed_gradient():
    for bad in (math.nan, math.inf, "1", None, True):
        with pytest.raises(TypeError, match="backward: grad must be a finite number"):
            Value(1.0).backward(bad)


def test_plain_float_functions_check_their_domain_too():
    with pytest.raises(DomainError, match=r"log\(a\) needs a > 0; got a = -1\.0$"):
        autograd.log(-1.0)
    assert autograd.exp(0.0) == 1.0


def test_check_grads_reports_argument_values_and_tolerance():
    # An op whose rule is deliberately wrong (claims d(a²)/da = a): check_grads must catch it.
    wrong = Op("square", 1, lambda a: a * a, lambda a, out: (a,), ("a",), "²")

    def f(x, y):
        return Value.apply(wrong, x) * y

    with pytest.raises(GradientCheckError) as caught:
        autograd.check_grads(f, 3.0, 2.0)
    message = str(caught.value)
    assert "∂(f)/∂x[0] at x = (3.0, 2.0)" in message
    assert "analytic 6.0 vs numerical 12.0" in message
    assert "tolerance" in message and "atol 1e-06 + rtol 1e-05" in message


def test_check_grads_order_two_finds_a_wrong_second_derivative():
    # First derivative right on floats, wrong when differentiated again: the rule for create_graph
    # returns a constant where it should return a graph.
    half_right = Op("cube", 1, lambda a: a**3, lambda a, out: (3 * float(a) ** 2,), ("3·a²",), "³")
    autograd.check_grads(lambda x: Value.apply(half_right, x), 1.5)
    with pytest.raises(GradientCheckError, match=r"∂\(∂\(<lambda>\)/∂x\[0\]\)/∂x\[0\]"):
        autograd.check_grads(lambda x: Value.apply(half_right, x), 1.5, order=2)


def test_bad_arguments_to_the_checkers():
    with pytest.raises(IndexError, match="arg 2 does not fit 1 argument"):
        autograd.central_difference(lambda x: x, 1.0, arg=2)
    with pytest.raises(ValueError, match="eps must be positive"):
        autograd.central_difference(lambda x: x, 1.0, eps=0)
    with pytest.raises(ValueError, match="order must be at least 1"):
        autograd.check_grads(lambda x: x, 1.0, order=0)
    with pytest.raises(TypeError, match="central_difference: arg must be a whole number, got True"):
        autograd.central_difference(lambda x, y: x, 1.0, 2.0, arg=True)


def test_the_checkers_name_a_function_that_returns_no_number():
    def halves(x):
        return "half"

    with pytest.raises(TypeError, match="halves must return a number or a Value, got str 'half'"):
        autograd.central_difference(halves, 1.0)
    assert autograd.central_difference(lambda x: 3, 1.0) == 0.0  # a plain number is a constant


def test_gradients_rejects_non_values():
    with pytest.raises(TypeError, match=r"wrt must hold Values, got float 1\.0"):
        autograd.gradients(Value(1.0), [1.0])
    with pytest.raises(TypeError, match="expected a Value, got float"):
        autograd.gradients(1.0, [Value(1.0)])


def test_apply_checks_the_number_of_operands():
    with pytest.raises(TypeError, match=r"mul takes 2 operand\(s\), got 1"):
        Value.apply(autograd.OPS["mul"], Value(1.0))
