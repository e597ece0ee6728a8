"""Helpers over lists: balanced sum, dot, softmax, log_softmax, logsumexp, maxout."""

import math

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value


def _depth(root: Value) -> int:
    depth = {}
    for node in reversed(autograd.topological_order(root)):
        depth[node] = 1 + max((depth[p] for p in node.parents), default=0)
    return depth[root]


def test_sum_is_a_balanced_tree():
    xs = [Value(float(i)) for i in range(1024)]
    total = autograd.sum(xs)
    assert total.data == sum(range(1024))
    assert _depth(total) == 11  # log2(1024) additions above the leaves
    total.backward()
    assert all(x.grad == 1.0 for x in xs)


@given(st.lists(st.floats(-10, 10), max_size=40))
def test_sum_matches_pythons(xs):
    total = autograd.sum(Value(x) for x in xs)
    assert total.data == pytest.approx(math.fsum(xs), abs=1e-9)


def test_sum_edge_cases():
    assert autograd.sum([]).data == 0.0
    x = Value(2.0)
    assert autograd.sum([x]) is x
    assert autograd.sum([x, 1.0]).data == 3.0


def test_dot():
    xs, ws = [Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]
    d = autograd.dot(xs, ws)
    d.backward()
    assert d.data == 11.0
    assert [x.grad for x in xs] == [3.0, 4.0] and [w.grad for w in ws] == [1.0, 2.0]
    with pytest.raises(ValueError, match=r"dot: the lists differ in length \(2 and 1\)"):
        autograd.dot(xs, ws[:1])


def test_softmax_of_huge_scores_does_not_overflow():
    p = autograd.softmax([Value(1000.0), Value(1000.0), Value(0.0)])
    assert [q.data for q in p] == pytest.approx([0.5, 0.5, 0.0])
    lse = autograd.logsumexp([Value(1000.0), Value(1000.0)])
    assert lse.data == pytest.approx(1000.0 + math.log(2.0), rel=1e-15)
    logp = autograd.log_softmax([Value(1000.0), Value(-1000.0)])
    assert logp[0].data == 0.0 and logp[1].data == -2000.0


def test_softmax_cross_entropy_gradient_is_p_minus_onehot():
    # the slides' cat / car / frog scores, true class cat
    scores = [Value(3.2, "s_cat"), Value(5.1, "s_car"), Value(-1.7, "s_frog")]
    p = autograd.softmax(scores)
    loss = -p[0].log()
    loss.backward()
    expected = [q.data - (1.0 if i == 0 else 0.0) for i, q in enumerate(p)]
    assert [s.grad for s in scores] == pytest.approx(expected, rel=1e-12)


def test_maxout():
    xs = [Value(0.5), Value(2.0), Value(-1.0)]
    m = autograd.maxout(xs)
    m.backward()
    assert m.data == 2.0 and [x.grad for x in xs] == [0.0, 1.0, 0.0]


@pytest.mark.parametrize("helper", ["softmax", "log_softmax", "logsumexp", "maxout"])
def test_empty_lists_are_refused(helper):
    with pytest.raises(ValueError, match=f"{helper}: needs at least one value"):
        getattr(autograd, helper)([])


# --- precision against a high-precision reference ----------------------------------------------------

_score = st.floats(-1e300, 1e300, allow_nan=False)
# extreme scores, equal ones, and ones a few ulps apart
_scores = st.one_of(
    st.lists(_score, min_size=1, max_size=5),
    st.tuples(_score, st.integers(1, 4)).map(lambda t: [t[0]] * t[1]),
    st.tuples(_score, st.integers(-3, 3)).map(
        lambda t: [t[0], math.nextafter(t[0], math.copysign(math.inf, t[1]))]
    ),
    st.lists(st.floats(-50, 50), min_size=1, max_size=5),
)


def _lse_reference(xs) -> mpmath.mpf:
    with mpmath.workdps(2000):  # exact enough for sums across 600 orders of magnitude
        return mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(x)) for x in xs))


def _close(got: float, true, xs, ulps: float = 4, size=None) -> bool:
    # Within a few units in the last place of `size` (the true value unless given), times 1 + the spread
    # of the scores: e^(x − m) inherits the rounding of x − m itself (absolute below the normal floats).
    spread = max(xs) - min(xs)
    size = abs(true) if size is None else size
    return abs(mpmath.mpf(got) - true) <= ulps * 2.3e-16 * (1 + spread) * size + 1e-300


@given(_scores)
def test_logsumexp_and_log_softmax_keep_full_precision(xs):
    true = _lse_reference(xs)
    # logsumexp = m + log Σ e^(x − m): m and the log can cancel (−1 + ln 3 ≈ 0.099), so its error is
    # a few ulps of the larger of the two, not of the small result.
    size = max(abs(true), max(abs(x) for x in xs))
    assert _close(autograd.logsumexp([Value(x) for x in xs]).data, true, xs, size=size)
    for x, got in zip(xs, autograd.log_softmax([Value(x) for x in xs])):
        with mpmath.workdps(2000):
            expected = mpmath.mpf(x) - true
        assert _close(got.data, expected, xs), (x, got.data, expected)


@given(_scores)
def test_softmax_keeps_full_precision(xs):
    true = _lse_reference(xs)
    for x, got in zip(xs, autograd.softmax([Value(x) for x in xs])):
        with mpmath.workdps(2000):
            expected = mpmath.exp(mpmath.mpf(x) - true)
        assert _close(got.data, expected, xs, ulps=8), (x, got.data, expected)


def test_log_softmax_of_two_equal_huge_scores_is_minus_ln_2():
    assert [v.data for v in autograd.log_softmax([Value(1e16), Value(1e16)])] == [-math.log(2)] * 2


@given(st.floats(-1e300, 1e300), st.floats(-1e300, 1e300))
def test_logaddexp_is_the_pairwise_form_it_replaced_to_the_bit(a, b):
    # logsumexp's pairs were max(a, b) + softplus(−|a − b|), six nodes; the one node gives the same float
    old = autograd.max(a, b) + autograd.softplus(-autograd.abs(a - b))
    assert autograd.logaddexp(a, b) == old
