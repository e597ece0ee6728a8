"""Losses: the slides' numbers recomputed by hand, PyTorch's values and gradients, and the input checks."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value


def vals(xs):
    return [Value(x) for x in xs]


# --- the slides' examples, recomputed by hand ---------------------------------------------------------


def test_chen_squared_and_cross_entropy_losses():
    y, y1, y2 = [0.3, 0.5, 0.2], [0.4, 0.5, 0.1], [0.2, 0.5, 0.3]
    assert nn.squared_loss(vals(y1), y).data == pytest.approx(0.1**2 + 0 + 0.1**2)  # slide: 0.02
    assert nn.squared_loss(vals(y2), y).data == pytest.approx(0.02)
    ce1 = -(0.3 * math.log(0.4) + 0.5 * math.log(0.5) + 0.2 * math.log(0.1))
    ce2 = -(0.3 * math.log(0.2) + 0.5 * math.log(0.5) + 0.2 * math.log(0.3))
    assert nn.cross_entropy(vals(y1), y).data == pytest.approx(ce1)
    assert round(ce1, 5) == 1.08198  # the slide's figure
    assert nn.cross_entropy(vals(y2), y).data == pytest.approx(ce2)


def test_chen_mse_normalisations():
    o, t = [0.751, 0.773], [0.01, 0.99]
    e = (0.01 - 0.751) ** 2 + (0.99 - 0.773) ** 2
    assert nn.mse_loss(vals(o), t, reduction="half_sum").data == pytest.approx(e / 2)  # the slide's ½Σ
    # (the slide prints 0.275 for this ½Σ; the true value is 0.298: one of the slides' errata)
    assert nn.mse_loss(vals(o), t).data == pytest.approx(e / 2)  # 1/(N·D) with N = 1, D = 2
    # a batch of N = 2 samples, D = 2 outputs
    batch, targets = [vals(o), vals([0.5, 0.5])], [t, [0.0, 1.0]]
    e2 = e + 0.5**2 + 0.5**2
    assert nn.mse_loss(batch, targets).data == pytest.approx(e2 / 4)
    assert nn.mse_loss(batch, targets, reduction="sample_mean").data == pytest.approx(e2 / 2)
    assert nn.mse_loss(batch, targets, reduction="sum").data == pytest.approx(e2)
    none = nn.mse_loss(batch, targets, reduction="none")
    assert [len(row) for row in none] == [2, 2]
    assert [x.data for row in none for x in row] == pytest.approx([0.741**2, 0.217**2, 0.25, 0.25])


def test_mse_term_reads_like_the_slide():
    o1 = Value(0.75, "o1")
    t1 = Value(0.01, "t1")
    term = nn.mse_loss([o1], [t1], reduction="none")[0]
    diff = term.parents[0]
    assert diff.op.name == "sub" and diff.parents == (t1, o1)  # (t1 − o1)², one subtraction node


def test_lesson4_hinge_loss_by_hand():
    # columns of the slide's table: true classes cat, car, frog
    scores = [[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]
    by_hand = [
        max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1),  # 2.9
        max(0, 1.3 - 4.9 + 1) + max(0, 2.0 - 4.9 + 1),  # 0
        max(0, 2.2 + 3.1 + 1) + max(0, 2.5 + 3.1 + 1),  # 12.9 (the slide prints 10.9)
    ]
    losses = nn.hinge_loss([vals(s) for s in scores], [0, 1, 2], reduction="none")
    assert [v.data for v in losses] == pytest.approx(by_hand)
    assert nn.hinge_loss([vals(s) for s in scores], [0, 1, 2]).data == pytest.approx(sum(by_hand) / 3)
    assert nn.hinge_loss(vals(scores[0]), 0, margin=0.0).data == pytest.approx(5.1 - 3.2)


def test_lesson4_softmax_cross_entropy_by_hand():
    s = [3.2, 5.1, -1.7]
    p_cat = math.exp(3.2) / sum(math.exp(x) for x in s)
    loss = nn.softmax_cross_entropy(vals(s), 0)
    assert loss.data == pytest.approx(-math.log(p_cat))  # natural log: 2.04 (the slide's 0.89 is log10)
    assert nn.cross_entropy([Value(p_cat), Value(0.5), Value(0.5 - p_cat)], 0).data == pytest.approx(
        -math.log(p_cat)
    )


def test_softmax_cross_entropy_is_stable_for_huge_scores():
    loss = nn.softmax_cross_entropy(vals([1000.0, 0.0, -1000.0]), 1)
    assert loss.data == pytest.approx(1000.0)


def test_binary_losses_by_hand():
    p, y = 0.8, 1.0
    assert nn.binary_cross_entropy(Value(p), y).data == pytest.approx(-math.log(0.8))
    assert nn.binary_cross_entropy([Value(0.8), Value(0.3)], [1, 0]).data == pytest.approx(
        (-math.log(0.8) - math.log(0.7)) / 2
    )
    s = 0.4
    assert nn.bce_with_logits(Value(s), 0.25).data == pytest.approx(
        -(0.25 * math.log(1 / (1 + math.exp(-s))) + 0.75 * math.log(1 - 1 / (1 + math.exp(-s))))
    )
    assert nn.logistic_loss(Value(s), -1).data == pytest.approx(math.log(1 + math.exp(s)))
    assert nn.binary_hinge_loss([[Value(0.3)], [Value(2.0)]], [1, -1]).data == pytest.approx((0.7 + 3.0) / 2)


def test_binary_cross_entropy_clamps_log_like_torch():
    assert nn.binary_cross_entropy(Value(0.0), 1).data == 100.0
    assert nn.binary_cross_entropy(Value(1.0), 1).data == 0.0


def test_l1_and_l2_penalty():
    assert nn.l1_loss(vals([1.0, -2.0]), [0.5, 0.0]).data == pytest.approx((0.5 + 2.0) / 2)
    w = vals([1.0, -2.0, 3.0])
    reg = nn.l2_penalty(w, 0.1)
    assert reg.data == pytest.approx(0.1 * 14)
    reg.backward()
    assert [p.grad for p in w] == pytest.approx([0.2, -0.4, 0.6])  # 2λw
    assert nn.l2_penalty([], 0.1).data == 0.0


# --- against PyTorch: values and gradients -------------------------------------------------------------


def _compare(torch, ours_fn, torch_fn, inputs):
    ours = [vals(row) for row in inputs]
    theirs = torch.tensor(inputs, dtype=torch.float64, requires_grad=True)
    a, b = ours_fn(ours), torch_fn(theirs)
    a.backward()
    b.backward()
    assert a.data == pytest.approx(b.item(), rel=1e-12)
    grads = [v.grad for row in ours for v in row]
    assert grads == pytest.approx(theirs.grad.flatten().tolist(), rel=1e-10, abs=1e-14)


PRED = [[0.2, -1.3, 0.7], [1.5, 0.1, -0.4]]
TARGET = [[0.0, -1.0, 1.0], [1.0, 0.5, 0.0]]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_regression_losses_match_torch(reduction):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    t = torch.tensor(TARGET, dtype=torch.float64)
    _compare(
        torch,
        lambda o: nn.mse_loss(o, TARGET, reduction),
        lambda x: F.mse_loss(x, t, reduction=reduction),
        PRED,
    )
    _compare(
        torch,
        lambda o: nn.l1_loss(o, TARGET, reduction),
        lambda x: F.l1_loss(x, t, reduction=reduction),
        PRED,
    )


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_classification_losses_match_torch(reduction):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    cls = [2, 0]
    idx = torch.tensor(cls)
    _compare(torch, lambda s: nn.softmax_cross_entropy(s, cls, reduction),
             lambda x: F.cross_entropy(x, idx, reduction=reduction), PRED)  # fmt: skip
    soft = [[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]
    t_soft = torch.tensor(soft, dtype=torch.float64)
    _compare(torch, lambda s: nn.softmax_cross_entropy(s, soft, reduction),
             lambda x: F.cross_entropy(x, t_soft, reduction=reduction), PRED)  # fmt: skip
    probs = [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]
    _compare(torch, lambda p: nn.cross_entropy(p, cls, reduction),
             lambda x: F.nll_loss(torch.log(x), idx, reduction=reduction), probs)  # fmt: skip
    # MultiMarginLoss divides each sample's hinge by the number of classes; the slides do not
    _compare(torch, lambda s: nn.hinge_loss(s, cls, reduction=reduction),
             lambda x: 3 * F.multi_margin_loss(x, idx, reduction=reduction), PRED)  # fmt: skip


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_binary_losses_match_torch(reduction):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    y01, ysign = [1.0, 0.0, 0.3], [1.0, -1.0, -1.0]
    t01, tsign = torch.tensor(y01, dtype=torch.float64), torch.tensor(ysign, dtype=torch.float64)
    scores = [[0.3, -1.2, 2.0]]
    _compare(
        torch,
        lambda s: nn.bce_with_logits(s[0], y01, reduction),
        lambda x: F.binary_cross_entropy_with_logits(x[0], t01, reduction=reduction),
        scores,
    )
    _compare(torch, lambda s: nn.logistic_loss(s[0], ysign, reduction),
             lambda x: F.soft_margin_loss(x[0], tsign, reduction=reduction), scores)  # fmt: skip
    _compare(torch, lambda p: nn.binary_cross_entropy(p[0], y01, reduction),
             lambda x: F.binary_cross_entropy(x[0], t01, reduction=reduction), [[0.7, 0.2, 0.6]])  # fmt: skip


# --- bad inputs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: nn.mse_loss(vals([1, 2]), [1.0]), "2 predictions but 1 target"),
        (
            lambda: nn.mse_loss([vals([1, 2]), vals([1])], [[1, 2], [1]]),
            "sample 1 has 1 prediction, sample 0 has 2",
        ),
        (lambda: nn.mse_loss(vals([1]), [1.0], reduction="avg"), "reduction must be one of"),
        (lambda: nn.mse_loss([], []), "non-empty list"),
        (lambda: nn.mse_loss(vals([1]), ["a"]), "the target must hold numbers or Values"),
        (
            lambda: nn.cross_entropy(vals([0.5, 1.5]), 0),
            "probability 1 must be a probability in [0, 1], got 1.5",
        ),
        (
            lambda: nn.cross_entropy(vals([0.5, 0.5]), 2),
            "class index 2 is out of range for 2 classes (0 to 1)",
        ),
        (lambda: nn.cross_entropy(vals([1.0, 0.0]), 1), "the probability of class 1 is 0"),
        (lambda: nn.cross_entropy(vals([0.5, 0.5]), [0.5, 0.2, 0.3]), "3 probabilities for 2 classes"),
        (lambda: nn.softmax_cross_entropy(vals([1, 2]), -1), "class index -1 is out of range"),
        (lambda: nn.softmax_cross_entropy(vals([1, 2]), 1.0), "must be a class index (an int), got 1.0"),
        (lambda: nn.softmax_cross_entropy([vals([1, 2])], [0, 1]), "1 prediction but 2 targets"),
        (lambda: nn.softmax_cross_entropy(vals([1]), 0), "needs at least 2 classes"),
        (
            lambda: nn.hinge_loss([vals([1, 2]), vals([1, 2])], [0, 5]),
            "class index 5 of sample 1 is out of range",
        ),
        (lambda: nn.hinge_loss(vals([1, 2]), 0, margin=-1), "margin must be a finite number ≥ 0"),
        (
            lambda: nn.binary_cross_entropy(Value(1.2), 1),
            "prediction must be a probability in [0, 1], got 1.2",
        ),
        (lambda: nn.binary_cross_entropy(Value(0.5), 2), "target must be a probability in [0, 1], got 2.0"),
        (lambda: nn.bce_with_logits([Value(0.5), Value(1.0)], [1]), "2 predictions but 1 target"),
        (
            lambda: nn.logistic_loss(Value(0.5), 0),
            "must be −1 or +1, got 0.0; for class indices 0 and 1 (a Dataset's) pass [2 * y - 1 for y in "
            "targets]",
        ),
        (lambda: nn.binary_hinge_loss(Value(0.5), 2), "target must be −1 or +1, got 2.0"),
        (lambda: nn.binary_hinge_loss([vals([1, 2])], [1]), "has 2 outputs; a binary loss needs one"),
        (lambda: nn.l2_penalty(vals([1]), -0.1), "lam must be a finite number ≥ 0"),
    ],
)
def test_bad_inputs_say_what_is_wrong(call, message):
    with pytest.raises(ValueError) as e:
        call()
    assert message in str(e.value)


# --- gradients against central differences, on random inputs ---------------------------------------------

finite = st.floats(-4.0, 4.0, allow_nan=False)
probability = st.floats(0.05, 0.95)


@given(st.lists(finite, min_size=6, max_size=6), st.integers(0, 2))
def test_softmax_cross_entropy_gradients_are_numerically_right(xs, cls):
    def f(*v):
        return nn.softmax_cross_entropy([list(v[:3]), list(v[3:])], [cls, 2 - cls])

    autograd.check_grads(f, *xs)


@given(st.lists(finite, min_size=4, max_size=4), st.lists(finite, min_size=4, max_size=4))
def test_mse_and_l2_gradients_are_numerically_right(xs, ts):
    def f(*v):
        return nn.mse_loss([list(v[:2]), list(v[2:])], [ts[:2], ts[2:]]) + nn.l2_penalty(v, 0.1)

    autograd.check_grads(f, *xs)


@given(
    st.lists(probability, min_size=3, max_size=3),
    st.lists(st.sampled_from([0.0, 1.0, 0.3]), min_size=3, max_size=3),
)
def test_binary_cross_entropy_gradients_are_numerically_right(ps, ys):
    autograd.check_grads(lambda *v: nn.binary_cross_entropy(list(v), ys), *ps)
    autograd.check_grads(lambda *v: nn.bce_with_logits(list(v), ys), *[4 * p - 2 for p in ps])


def test_softmax_cross_entropy_of_equal_huge_scores_is_ln_2():
    for s in (1e8, 1e16, 1e300, -1e300):
        assert nn.softmax_cross_entropy([Value(s), Value(s)], 1).data == pytest.approx(math.log(2), rel=1e-15)
    # three equal scores: ln 3, not the ln 2 a pairwise log-sum-exp rounded at 1e16 would leave
    assert nn.softmax_cross_entropy([Value(1e16)] * 3, 0).data == pytest.approx(math.log(3), rel=1e-15)


def test_bce_with_logits_keeps_a_tiny_loss():
    # softplus(40) − 40 rounds to 0; the loss is log(1 + e^−40) = 4.248354255291589e-18
    assert nn.bce_with_logits(Value(40.0), 1.0).data == pytest.approx(math.log1p(math.exp(-40.0)), rel=1e-15)
    assert nn.bce_with_logits(Value(-40.0), 0.0).data == pytest.approx(math.log1p(math.exp(-40.0)), rel=1e-15)


@given(st.lists(st.floats(-20, 20), min_size=2, max_size=5), st.data())
def test_the_slides_exp_sum_divide_log_graph_equals_the_stable_loss_for_moderate_scores(xs, data):
    """cross_entropy(softmax(s)) is the graph the slides draw (exp → Σ → ÷ → −log); for scores within a
    few tens of each other it gives the stable softmax_cross_entropy's loss and gradients, to within a
    few ulps of the larger of the loss and 1 (−log p loses relative digits only as p → 1, loss → 0)."""
    cls = data.draw(st.integers(0, len(xs) - 1))
    slides, stable = vals(xs), vals(xs)
    drawn = nn.cross_entropy(autograd.softmax(slides), cls)
    loss = nn.softmax_cross_entropy(stable, cls)
    assert drawn.data == pytest.approx(loss.data, rel=1e-14, abs=1e-14)
    drawn.backward()
    loss.backward()
    for a, b in zip(slides, stable):
        assert a.grad == pytest.approx(b.grad, rel=1e-12, abs=1e-14)
