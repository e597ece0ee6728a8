"""The softmax family as the slides draw it: exp → Σ → ÷ (and −log of it) in every view of the teaching
examples, with the numbers of a precise computation; the shifted form only where exp would overflow."""

from __future__ import annotations

import json
import math
import re
import shutil
import warnings

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value, forward_order
from autograd.explain import explain
from autograd.listops import EXP_HIGH, EXP_LOW, exp_is_safe
from autograd.render import draw
from demos.examples import catalog
from demos.examples.report import as_text

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")

# --- autograd.softmax: exp → Σ → ÷ whenever that is safe ---------------------------------------------


def _is_unshifted(probs: list[Value], xs: list[Value]) -> bool:
    """Whether pᵢ = exp(xᵢ) / Σ, each exp reading its score itself (no xᵢ − m in between)."""
    exps = [p.parents[0] for p in probs]
    return all(e.op.name == "exp" and e.parents == (x,) for e, x in zip(exps, xs))


def test_softmax_is_exp_sum_divide_as_the_slides_draw_it():
    xs = [Value(3.2, "s_cat"), Value(5.1, "s_car"), Value(-1.7, "s_frog")]
    probs = autograd.softmax(xs)
    assert _is_unshifted(probs, xs)
    total = probs[0].parents[1]
    assert all(p.op.name == "div" and p.parents[1] is total for p in probs)
    assert {n.op.name for n in forward_order(total) if n.op} == {"exp", "add"}


@pytest.mark.parametrize("n", [1, 2, 3, 10])
def test_the_safe_range_ends_where_exp_or_the_sum_would_leave_the_normal_floats(n):
    high = EXP_HIGH - math.log(n)
    top = [Value(high)] * n  # every eᵢ as large as the range allows: the sum is still finite
    probs = autograd.softmax(top)
    assert _is_unshifted(probs, top) and math.isfinite(probs[0].parents[1].data)
    assert math.exp(EXP_LOW) >= 2.2250738585072014e-308  # the smallest normal float
    bottom = [Value(EXP_LOW)] * n
    assert _is_unshifted(autograd.softmax(bottom), bottom)
    for beyond in (math.nextafter(high, math.inf), math.nextafter(EXP_LOW, -math.inf)):
        xs = [Value(beyond)] * n
        probs = autograd.softmax(xs)
        assert not _is_unshifted(probs, xs)  # shifted by the largest score: exp(x − m)
        assert [p.data for p in probs] == pytest.approx([1 / n] * n, rel=1e-15)


def test_huge_scores_are_shifted_and_do_not_overflow():
    xs = [Value(1000.0), Value(1000.0), Value(0.0)]
    assert not exp_is_safe(xs)
    assert [p.data for p in autograd.softmax(xs)] == [0.5, 0.5, 0.0]


def _reference(xs: list[float]) -> list[mpmath.mpf]:
    with mpmath.workdps(2000):
        exps = [mpmath.exp(mpmath.mpf(x)) for x in xs]
        total = mpmath.fsum(exps)
        return [e / total for e in exps]


def _shifted(xs: list[float]) -> list[float]:
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    total = math.fsum(exps)
    return [e / total for e in exps]


_safe_scores = st.integers(1, 6).flatmap(
    lambda n: st.lists(st.floats(EXP_LOW, EXP_HIGH - math.log(n), allow_nan=False), min_size=n, max_size=n)
)


@given(_safe_scores)
def test_unshifted_softmax_is_as_precise_as_the_shifted_form(xs):
    """In the safe range each pᵢ is within (3 + log₂ n) ulps of the true value (2000-digit mpmath), with
    no factor for the spread of the scores: the shifted form also inherits the rounding of xᵢ − m."""
    probs = autograd.softmax([Value(x) for x in xs])
    bound = (3 + math.log2(len(xs))) * 2.3e-16
    for got, shifted, true in zip(probs, _shifted(xs), _reference(xs)):
        if true < 2.3e-308:  # the result itself is below the normal floats: absolute precision only
            assert abs(got.data - true) <= 1e-320
            continue
        error = abs(mpmath.mpf(got.data) - true) / true
        assert error <= bound, (xs, got.data, true)
        spread = max(xs) - min(xs)
        assert error <= max(bound, abs(mpmath.mpf(shifted) - true) / true * (1 + spread)), (xs, shifted)


def test_the_choice_is_noted_as_comparisons_so_replay_can_guard_it():
    xs = [Value(0.5, "a"), Value(-1.0, "b")]
    with autograd.comparisons() as noted:
        autograd.softmax(xs)
    assert {(a.label, op) for a, op, _, answer in noted if answer} == {
        (x.label, op) for x in xs for op in (">=", "<=")
    }


def test_fit_falls_back_to_the_object_engine_when_a_sample_needs_the_shift():
    """A replayed program is exp → Σ → ÷ for scores in range; a sample with scores beyond answers the
    recorded comparisons the other way, so fit() warns and trains on the object engine."""
    data = nn.data.Dataset("far", [[0.1], [0.2], [-0.3], [1e5]], [0, 1, 0, 1], 2)

    def train(replay: bool):
        model = nn.MLP(1, [2], "linear", "softmax", seed=3)
        opt = nn.optim.SGD(model.parameters(), lr=0.01)
        loss = lambda o, t: nn.mse_loss(o, [[1.0 - y, float(y)] for y in t])  # noqa: E731
        history = nn.fit(model, loss, opt, data, epochs=2, progress=False, replay=replay)
        return [p.data for p in model.parameters()], history

    with pytest.warns(nn.ReplayWarning, match="depends on the data"):
        replayed, history = train(True)
    engine, _ = train(False)
    assert not history.replayed and replayed == engine


def test_fit_replays_a_softmax_output_whose_scores_stay_in_range():
    data = nn.data.Dataset("near", [[0.1], [0.2], [-0.3], [0.4]], [0, 1, 0, 1], 2)
    model = nn.MLP(1, [3, 2], "tanh", "softmax", seed=3)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", nn.ReplayWarning)
        history = nn.fit(model, nn.cross_entropy, opt, data, epochs=2, progress=False)
    assert history.replayed


# --- every view of the teaching examples -------------------------------------------------------------

# (example, output): the graphs of the catalog that teach softmax or cross-entropy from scores
SOFTMAX_GRAPHS = [
    ("softmax-output", "L"),
    ("output-losses", "fruit.L"),
    ("activations", "softmax_1"),
    ("numerical-gradient", "loss"),
    ("softmax-ce", "L"),
]
STABLE_OPS = {"max", "min", "abs", "softplus", "logaddexp"}  # the stable forms' parts the slides never draw
# what the stable forms look like in text: max(…), |…|, softplus, and a score shifted by a number
STABLE_TEXT = re.compile(r"(?<!\w)max\(|\||softplus|logaddexp|exp\([^()]*[−-] ?\d")


def _graph(name: str, output: str):
    example = catalog.get(name)
    graph = example.build()
    return example, graph, next(o for o in graph.outputs if o.label == output)


@pytest.mark.parametrize(("name", "output"), SOFTMAX_GRAPHS)
def test_the_graph_is_exp_sum_divide_log(name, output):
    _, _, root = _graph(name, output)
    nodes = forward_order(root)
    assert not {n.op.name for n in nodes if n.op} & STABLE_OPS
    exps = [n for n in nodes if n.op and n.op.name == "exp"]
    assert exps and all(e.parents[0].label for e in exps)  # exp of a score, never of a shifted score


@pytest.mark.parametrize(("name", "output"), SOFTMAX_GRAPHS)
def test_picture_and_explain_draw_exp_sum_divide(name, output):
    _, _, root = _graph(name, output)
    picture = draw(root, view="full").source
    assert not STABLE_TEXT.search(picture)
    leaves = [n for n in forward_order(root) if n.op is None and n.label]
    for leaf in leaves:
        line = str(explain(root, leaf))
        assert not STABLE_TEXT.search(line), line


def test_explain_writes_the_softmax_output_derivation_with_exp_and_sum():
    _, _, root = _graph("softmax-output", "L")
    line = str(explain(root, "W3_11"))
    assert "exp(a3_1) + exp(a3_2)" in line and "0.7238" not in line


@pytest.mark.parametrize(("name", "output"), SOFTMAX_GRAPHS)
def test_show_has_no_stable_internals(name, output):
    example, graph, _ = _graph(name, output)
    text = as_text(example, graph)
    assert not STABLE_TEXT.search(text.replace("softplus", "") if name == "activations" else text)


@needs_dot
@pytest.mark.parametrize(("name", "output"), SOFTMAX_GRAPHS)
def test_the_page_draws_exp_sum_divide(name, output):
    from autograd.page import html

    _, _, root = _graph(name, output)
    text = html(root)
    data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', text, re.S)
    shown = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)  # the picture and the captions
    names = [
        node["name"] for g in json.loads(data.group(1).replace("<\\/", "</"))["graphs"] for node in g["nodes"]
    ]
    assert any(n.startswith("exp(") or n.startswith("e_") for n in names)
    for part in (data.group(1), shown):
        assert not STABLE_TEXT.search(part), STABLE_TEXT.search(part)
