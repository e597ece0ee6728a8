"""Forward mode: jvp and jacobian against reverse mode, central differences and PyTorch's torch.func.jvp."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
from autograd import OPS, DomainError, Value, grad, gradients, jacobian, jvp
from tests.support.strategies import engine_lib, program_output, programs
from tests.support.torch_ops import TORCH, torch  # None without torch

SMOOTH = tuple(sorted(name for name, op in OPS.items() if op.smooth))
tangent_vectors = st.lists(st.floats(-1, 1), min_size=3, max_size=3)


def test_jvp_of_the_classic_example():
    def f(x1, x2):
        return x1.log() + x1 * x2 - x2.sin()

    value, derivative = jvp(f, (2.0, 5.0), (1.0, 0.0))
    assert value == pytest.approx(math.log(2) + 10 - math.sin(5))
    assert derivative == 5.5  # ẏ = 1/x₁ + x₂ (Baydin et al. 2018, table 2)
    assert jvp(f, (2.0, 5.0), (0.0, 1.0))[1] == pytest.approx(2 - math.cos(5))


def test_jvp_of_several_outputs_and_of_a_constant():
    values, derivatives = jvp(lambda x, y: [x * y, x.exp(), 3.0], (2.0, 3.0), (1.0, 2.0))
    assert values == [6.0, math.exp(2.0), 3.0]
    assert derivatives == [3.0 + 2.0 * 2.0, math.exp(2.0), 0.0]
    assert jvp(lambda x: x * x, 3.0, 1.0) == (9.0, 6.0)


def test_jvp_rejects_bad_arguments():
    with pytest.raises(ValueError, match="2 primal"):
        jvp(lambda x, y: x * y, (1.0, 2.0), (1.0,))
    with pytest.raises(TypeError, match="jvp: tangents must hold numbers, got str"):
        jvp(lambda x: x, (1.0,), ("1",))
    with pytest.raises(TypeError, match="jvp: <lambda> must return Values"):
        jvp(lambda x: "y", (1.0,), (1.0,))


def test_forward_over_reverse_gives_hessian_vector_products():
    def f(x, y):
        return x * x * y + x.sin() * y**3

    x, y, v = 1.0, 2.0, (0.3, -0.7)
    hessian = [
        [2 * y - math.sin(x) * y**3, 2 * x + 3 * math.cos(x) * y**2],
        [2 * x + 3 * math.cos(x) * y**2, 6 * math.sin(x) * y],
    ]
    gradient, hv = jvp(grad(f, argnums=(0, 1)), (x, y), v)
    assert gradient == pytest.approx([2 * x * y + math.cos(x) * y**3, x * x + 3 * math.sin(x) * y**2])
    assert hv == pytest.approx([sum(h * vj for h, vj in zip(row, v)) for row in hessian], rel=1e-12)


def test_jacobian_modes_and_passes():
    def f(x, y):
        return [x * y, x + y, x.sin()]

    expected = [[2.0, 1.0], [1.0, 1.0], [math.cos(1.0), 0.0]]
    auto = jacobian(f)(1.0, 2.0)
    assert (auto.mode, auto.passes) == ("forward", 2)  # n = 2 < m = 3
    assert _flat(auto.matrix) == pytest.approx(_flat(expected))
    reverse = jacobian(f, mode="reverse")(1.0, 2.0)
    assert (reverse.mode, reverse.passes, reverse.matrix) == ("reverse", 3, auto.matrix)
    assert (auto.multiply_adds, reverse.multiply_adds) == (2 * 5, 3 * 5)  # 5 variable operands
    scalar = jacobian(lambda x, y, z: x * y * z)(1.0, 2.0, 3.0)
    assert (scalar.mode, scalar.passes, scalar.matrix, scalar.value) == (
        "reverse",
        1,
        [[6.0, 3.0, 2.0]],
        [6.0],
    )
    with pytest.raises(ValueError, match="mode must be"):
        jacobian(f, mode="sideways")


def _flat(matrix):
    return [x for row in matrix for x in row]


def _output(program):
    def f(*xs):
        return program_output(program, *xs)

    try:
        f(*program.inputs)
    except DomainError:
        assume(False)
    # Every node moderate, not only the output: 1.7e13 + 1 − 1.7e13 leaves the 1 to rounding, and then
    # forward and reverse sums (and central differences) differ by float rounding, not by a mistake.
    nodes = autograd.topological_order(f(*program.inputs))
    assume(max(abs(node.data) for node in nodes) < 1e4)
    return f


@given(programs(ops=SMOOTH), tangent_vectors)
def test_jvp_is_the_gradient_times_the_tangent_and_a_central_difference(program, tangent):
    f = _output(program)
    value, derivative = jvp(f, program.inputs, tangent)
    leaves = [Value(x) for x in program.inputs]
    out = f(*leaves)
    assert value == out.data
    assert derivative == pytest.approx(sum(g * t for g, t in zip(gradients(out, leaves), tangent)), abs=1e-9)
    eps = 1e-6
    try:
        ahead = f(*(x + eps * t for x, t in zip(program.inputs, tangent))).data
        behind = f(*(x - eps * t for x, t in zip(program.inputs, tangent))).data
    except DomainError:
        assume(False)
    assert derivative == pytest.approx((ahead - behind) / (2 * eps), rel=1e-5, abs=1e-5)


@given(programs())
def test_jacobian_forward_equals_reverse(program):
    def f(*xs):
        return program.run(*xs, lib=engine_lib())  # every node an output: m ≥ n

    try:
        forward = jacobian(f, mode="forward")(*program.inputs)
    except DomainError:
        assume(False)
    reverse = jacobian(f, mode="reverse")(*program.inputs)
    assert _flat(forward.matrix) == pytest.approx(_flat(reverse.matrix), rel=1e-12, abs=1e-12)
    assert (forward.passes, reverse.passes) == (3, 3 + len(program.steps))
    assert jacobian(f)(*program.inputs).mode == "forward"


@given(programs(max_steps=10), tangent_vectors)
def test_jvp_agrees_with_torch_func_jvp(program, tangent):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    f = _output(program)
    nodes = program.run(*map(Value, program.inputs), lib=engine_lib())
    assume(all(abs(n.data) < 15 for n in nodes))  # torch's softplus is the identity above 20
    value, derivative = jvp(f, program.inputs, tangent)
    primals = tuple(torch.tensor(x, dtype=torch.float64) for x in program.inputs)
    directions = tuple(torch.tensor(t, dtype=torch.float64) for t in tangent)
    t_value, t_derivative = torch.func.jvp(
        lambda *xs: torch.stack(program.run(*xs, lib=TORCH)).sum(), primals, directions
    )
    assert value == pytest.approx(t_value.item(), rel=1e-10, abs=1e-12)
    assert derivative == pytest.approx(t_derivative.item(), rel=1e-10, abs=1e-12)
