"""Random graphs of every op give PyTorch's float64 values and gradients (skipped without torch)."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
from autograd import OPS, DomainError, Value, grad
from tests.support.strategies import engine_lib, programs
from tests.support.torch_ops import TORCH

torch = pytest.importorskip("torch")


def _close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=1e-10, abs_tol=1e-12)


def _near_a_kink(program, nodes) -> bool:
    # A value one rounding away from a kink (log(√0.5² + 0.5): 0 here, −1.1e-16 in torch) takes the
    # other branch of max, |·| or ReLU in one engine: both right, for their own numbers. Ties that are
    # the same in both are the rule table's conventions, checked in test_rule_table.
    for name, args, _ in program.steps:
        if not OPS[name].smooth:
            xs = [nodes[i].data for i in args]
            if abs(xs[0] - xs[1] if len(xs) == 2 else xs[0]) < 1e-9:
                return True
    return False


def test_every_op_has_a_torch_twin():
    assert set(TORCH) == set(OPS)


@pytest.mark.parametrize("name", sorted(OPS))
@given(data=st.data())
def test_random_graphs_agree_with_torch(name, data):
    program = data.draw(programs(must_use=name, max_steps=10))
    leaves = [Value(x) for x in program.inputs]
    try:
        nodes = program.run(*leaves, lib=engine_lib())
    except DomainError:
        assume(False)
    # torch's softplus switches to the identity above 20; stay where both compute log(1 + eˣ)
    assume(all(abs(v.data) < 15 for v in nodes))
    assume(not _near_a_kink(program, nodes))
    autograd.sum(nodes).backward()

    xs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.inputs]
    torch_nodes = program.run(*xs, lib=TORCH)
    torch_out = torch.stack(torch_nodes).sum()
    torch_grads = torch.autograd.grad(torch_out, xs, allow_unused=True)

    for ours, theirs in zip(nodes, torch_nodes):
        assert _close(ours.data, theirs.item()), (ours, theirs)
    for leaf, g in zip(leaves, torch_grads):
        assert _close(leaf.grad, 0.0 if g is None else g.item()), (leaf.grad, g)


@given(st.lists(st.floats(-30, 30), min_size=1, max_size=6), st.sampled_from(["softmax", "log_softmax"]))
def test_softmax_helpers_agree_with_torch(scores, helper):
    ours = [Value(s) for s in scores]
    outputs = getattr(autograd, helper)(ours)
    weights = [0.3 * (i + 1) for i in range(len(scores))]  # a fixed, asymmetric readout
    autograd.dot(outputs, weights).backward()

    t = torch.tensor(scores, dtype=torch.float64, requires_grad=True)
    t_out = getattr(torch, helper)(t, dim=0)
    (t_out * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    for o, to in zip(outputs, t_out.tolist()):
        assert _close(o.data, to)
    for v, g in zip(ours, t.grad.tolist()):
        assert _close(v.grad, g)


@given(st.lists(st.floats(-1000, 1000), min_size=1, max_size=6))
def test_logsumexp_agrees_with_torch(scores):
    ours = [Value(s) for s in scores]
    lse = autograd.logsumexp(ours)
    lse.backward()
    t = torch.tensor(scores, dtype=torch.float64, requires_grad=True)
    t_lse = torch.logsumexp(t, dim=0)
    t_lse.backward()
    assert _close(lse.data, t_lse.item())
    for v, g in zip(ours, t.grad.tolist()):
        assert _close(v.grad, g)


@pytest.mark.parametrize("a", [0.0, -0.0, -2.0, 0.5, 2.0])
@pytest.mark.parametrize("b", [-2.0, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0])
def test_a_value_power_agrees_with_torch_or_is_a_clear_error(a, b):
    # Where PyTorch's value and both gradients are finite the engine gives them (0^b's limits included);
    # where any is nan or infinite (0 to a negative power, a negative base's ∂/∂b) a DomainError.
    ta, tb = (torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (a, b))
    t_out = ta**tb
    t_out.backward()
    theirs = [t_out.item(), ta.grad.item(), tb.grad.item()]
    base, exponent = Value(a, "a"), Value(b, "b")
    if not all(math.isfinite(x) for x in theirs):
        with pytest.raises(DomainError, match="; got a = "):
            base**exponent
        return
    out = base**exponent
    out.backward()
    assert [out.data, base.grad, exponent.grad] == pytest.approx(theirs, rel=1e-15, abs=0)
    tb2 = torch.tensor(b, dtype=torch.float64, requires_grad=True)  # a plain number as the base
    (a**tb2).backward()
    assert grad(lambda y: a**y)(b) == pytest.approx(tb2.grad.item(), rel=1e-15, abs=0)
