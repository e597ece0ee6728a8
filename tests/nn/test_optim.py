"""Optimizers: first steps against hand-computed updates, step for step against torch.optim, bad settings."""

import math

import numpy as np
import pytest

import nn
from autograd import Value


def run_on_square(make, steps, w0=1.0):
    """Minimise L(w) = w² (gradient 2w) from w0; the parameter after each step."""
    w = Value(w0, "w")
    opt = make([w])
    out = []
    for _ in range(steps):
        opt.zero_grad()
        (w * w).backward()
        opt.step()
        out.append(w.data)
    return out


def test_sgd_plain_step_is_minus_lr_times_gradient():
    assert run_on_square(lambda p: nn.SGD(p, lr=0.1), 2) == pytest.approx([0.8, 0.64], abs=1e-15)


def test_sgd_momentum_is_the_slides_rule():
    # Δw(1) = −0.1·2 = −0.2 → w = 0.8; Δw(2) = −0.1·1.6 + 0.9·(−0.2) = −0.34 → w = 0.46
    assert run_on_square(lambda p: nn.SGD(p, lr=0.1, momentum=0.9), 2) == pytest.approx(
        [0.8, 0.46], abs=1e-15
    )


def test_sgd_nesterov_looks_ahead():
    # v1 = −0.2, step = 0.9·v1 − 0.2 = −0.38 → 0.62; g = 1.24, v2 = −0.124 − 0.18 = −0.304,
    # step = 0.9·v2 − 0.124 = −0.3976 → 0.2224
    got = run_on_square(lambda p: nn.SGD(p, lr=0.1, momentum=0.9, nesterov=True), 2)
    assert got == pytest.approx([0.62, 0.2224], abs=1e-15)


def test_sgd_weight_decay_adds_to_the_gradient():
    # g = 2w + 0.5w = 2.5 at w = 1 → w = 1 − 0.1·2.5
    assert run_on_square(lambda p: nn.SGD(p, lr=0.1, weight_decay=0.5), 1) == pytest.approx([0.75])


def test_adagrad_first_steps():
    g1 = 2.0
    w1 = 1 - 0.1 * g1 / (math.sqrt(g1**2) + 1e-10)
    g2 = 2 * w1
    w2 = w1 - 0.1 * g2 / (math.sqrt(g1**2 + g2**2) + 1e-10)
    assert run_on_square(lambda p: nn.Adagrad(p, lr=0.1), 2) == pytest.approx([w1, w2], rel=1e-14)


def test_adagrad_lr_decay():
    w1 = 1 - 0.1 * 2 / (2 + 1e-10)  # step 1: η/(1 + 0·decay)
    g2 = 2 * w1
    w2 = w1 - 0.1 / (1 + 0.5) * g2 / (math.sqrt(4 + g2**2) + 1e-10)  # step 2: η/(1 + 1·decay)
    assert run_on_square(lambda p: nn.Adagrad(p, lr=0.1, lr_decay=0.5), 2) == pytest.approx(
        [w1, w2], rel=1e-14
    )


def test_rmsprop_first_steps():
    v1 = 0.01 * 4
    w1 = 1 - 0.01 * 2 / (math.sqrt(v1) + 1e-8)
    g2 = 2 * w1
    v2 = 0.99 * v1 + 0.01 * g2**2
    w2 = w1 - 0.01 * g2 / (math.sqrt(v2) + 1e-8)
    assert run_on_square(lambda p: nn.RMSprop(p), 2) == pytest.approx([w1, w2], rel=1e-14)


def test_adadelta_first_steps():
    v1 = 0.1 * 4
    d1 = math.sqrt(1e-6) / math.sqrt(v1 + 1e-6) * 2
    u1 = 0.1 * d1**2
    w1 = 1 - d1
    g2 = 2 * w1
    v2 = 0.9 * v1 + 0.1 * g2**2
    d2 = math.sqrt(u1 + 1e-6) / math.sqrt(v2 + 1e-6) * g2
    assert run_on_square(lambda p: nn.Adadelta(p), 2) == pytest.approx([w1, w1 - d2], rel=1e-14)


def test_adam_first_steps():
    m1, v1 = 0.1 * 2, 0.001 * 4
    w1 = 1 - 0.1 * (m1 / 0.1) / (math.sqrt(v1 / 0.001) + 1e-8)  # m̂ = m/(1 − β₁), v̂ = v/(1 − β₂)
    g2 = 2 * w1
    m2, v2 = 0.9 * m1 + 0.1 * g2, 0.999 * v1 + 0.001 * g2**2
    w2 = w1 - 0.1 * (m2 / (1 - 0.9**2)) / (math.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    assert run_on_square(lambda p: nn.Adam(p, lr=0.1), 2) == pytest.approx([w1, w2], rel=1e-13)


def test_nadam_first_step():
    mu1 = 0.9 * (1 - 0.5 * 0.96 ** (1 * 0.004))
    mu2 = 0.9 * (1 - 0.5 * 0.96 ** (2 * 0.004))
    m, v = 0.1 * 2, 0.001 * 4
    d = math.sqrt(v / 0.001) + 1e-8
    w1 = 1 - 0.002 * (1 - mu1) / (1 - mu1) * 2 / d - 0.002 * mu2 / (1 - mu1 * mu2) * m / d
    assert run_on_square(lambda p: nn.NAdam(p), 1) == pytest.approx([w1], rel=1e-14)


def test_zero_grad_and_shared_parameters_are_updated_once():
    b = Value(1.0, "b")
    opt = nn.SGD([b, b], lr=0.1)  # the slides' shared bias appears in two units' parameter lists
    assert opt.params == [b]
    (b * 3.0).backward()
    opt.step()
    assert b.data == pytest.approx(0.7)
    opt.zero_grad()
    assert b.grad == 0.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: nn.SGD(p, lr=-0.1), "learning rate lr must be ≥ 0, got -0.1"),
        (lambda p: nn.SGD(p, lr=float("nan")), "learning rate lr must be a number"),
        (lambda p: nn.SGD(p, lr=0.1, momentum=1.5), "momentum α must be in [0, 1], got 1.5"),
        (lambda p: nn.SGD(p, lr=0.1, nesterov=True), "nesterov=True needs a momentum α > 0"),
        (lambda p: nn.Adam(p, betas=(0.9, 1.0)), "β₂ (betas[1]) must be in [0, 1), got 1.0"),
        (lambda p: nn.Adam(p, betas=(-0.1, 0.9)), "β₁ (betas[0]) must be in [0, 1), got -0.1"),
        (lambda p: nn.Adam(p, betas=0.9), "betas must be a pair"),
        (lambda p: nn.NAdam(p, betas=(0.9, 1.5)), "β₂ (betas[1]) must be in [0, 1)"),
        (lambda p: nn.RMSprop(p, alpha=1.0), "alpha (decay rate) must be in [0, 1), got 1.0"),
        (lambda p: nn.Adadelta(p, rho=-1), "rho (decay rate) must be in [0, 1)"),
        (lambda p: nn.Adagrad(p, eps=-1e-10), "eps must be ≥ 0"),
        (lambda p: nn.Adam(p, weight_decay=-1), "weight_decay must be ≥ 0"),
        (lambda p: nn.SGD([], lr=0.1), "empty parameter list"),
    ],
)
def test_bad_hyper_parameters_say_what_is_wrong(make, message):
    with pytest.raises(ValueError) as e:
        make([Value(1.0)])
    assert message in str(e.value)


def test_learning_rate_is_checked_when_changed():
    opt = nn.SGD([Value(1.0)], lr=0.1)
    opt.lr = 0.05  # a schedule may change it
    with pytest.raises(ValueError, match="must be ≥ 0"):
        opt.lr = -1.0


def test_params_must_be_values():
    with pytest.raises(TypeError, match="params must be Values"):
        nn.SGD([1.0], lr=0.1)
    with pytest.raises(TypeError, match="got one Value"):
        nn.SGD(Value(1.0), lr=0.1)


# --- step for step against torch.optim ---------------------------------------------------------------

TORCH_CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.01}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "amsgrad": True, "weight_decay": 0.01}),
    ("NAdam", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.01, "weight_decay": 0.01}),
]


@pytest.mark.parametrize(("name", "settings"), TORCH_CASES)
def test_matches_torch_optim_step_for_step(name, settings):
    torch = pytest.importorskip("torch")
    start = [0.5, -1.5, 2.0]
    ours = [Value(x, f"w{i}") for i, x in enumerate(start)]
    theirs = torch.tensor(start, dtype=torch.float64, requires_grad=True)

    def loss(w, tanh):  # a non-quadratic loss, so gradients change in every coordinate
        return (w[0] * w[1] - 1) ** 2 + tanh(w[1] + w[2]) + 0.5 * w[2] ** 2 + w[0] ** 4

    opt = getattr(nn, name)(ours, **settings)
    ref = getattr(torch.optim, name)([theirs], **settings)
    for step in range(6):
        opt.zero_grad()
        loss(ours, lambda v: v.tanh()).backward()
        opt.step()
        ref.zero_grad()
        loss(theirs, torch.tanh).backward()
        ref.step()
        # torch keeps NAdam's running product of μ as a float32 scalar: agreement to ~1e-10 there.
        rel = 1e-8 if name == "NAdam" else 1e-12
        assert [w.data for w in ours] == pytest.approx(theirs.tolist(), rel=rel, abs=1e-14), (
            f"step {step + 1}"
        )


def test_an_update_that_overflows_is_an_error_not_an_infinity():
    w = Value(1e300, "w")
    opt = nn.SGD([w], lr=1e10)
    w.grad = -1e300
    with pytest.raises(OverflowError, match="SGD: the update of node 'w' overflows a float"):
        opt.step()
    assert w.data == 1e300  # left as it was


@pytest.mark.parametrize("name", ["Adam", "RMSprop", "Adagrad", "Adadelta", "NAdam"])
def test_a_state_that_overflows_is_an_error_and_the_optimizer_is_left_as_it_was(name):
    # a review: Adam kept v = inf for a gradient of 2.5e301 (its square), silently; the weight stayed
    # and every later step of it was 0
    w, x = Value(1.0, "w"), Value(2.0, "x")
    opt = nn.OPTIMIZERS[name.lower()]([w, x], lr=0.1)
    w.grad, x.grad = 0.5, 0.25
    opt.step()
    kept = {k: v.copy() for k, v in vars(opt).items() if isinstance(v, np.ndarray)}
    assert kept  # the state it keeps: m and v, the sums of squares
    steps, weights = opt.steps, (w.data, x.data)
    x.grad = 2.5e301
    with pytest.raises(OverflowError, match=rf"{name}: the state \w+ of node 'x' overflows a float"):
        opt.step()
    assert opt.steps == steps and (w.data, x.data) == weights
    for k, v in kept.items():
        assert (getattr(opt, k) == v).all(), k
    x.grad = 0.25  # the step goes on from where it was
    opt.step()
    assert opt.steps == steps + 1


def test_explain_step_refuses_a_step_that_overflows_as_the_optimizer_does():
    from nn.optim_explain import explain_step

    x = Value(2.0, "x")
    x.grad = 2.5e301
    with pytest.raises(OverflowError, match="explain_step: the Adam step of node 'x' overflows a float"):
        explain_step(nn.Adam([x], lr=0.1), x)
