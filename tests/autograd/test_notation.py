"""The rule table's notation translated for the page: every op's text parses and equals the engine's code."""

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS
from autograd.notation import NotationError, evaluator, parse, rules_js, to_js
from tests.support.strategies import DOMAINS

ALL_OPS = sorted(OPS)


@pytest.mark.parametrize("name", ALL_OPS)
def test_every_op_has_text_the_page_can_read(name):
    op = OPS[name]
    assert op.expression, f"{name} has no expression text"
    for text in (op.expression, *op.formula):
        parse(text)


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_translated_text_equals_the_engine(name, data):
    # The page evaluates exactly this translation (written as JavaScript instead of Python).
    op = OPS[name]
    args, params = data.draw(DOMAINS[name])
    out = op.forward(*args, **params)
    env = dict(zip("ab", args), out=out, **params)
    assert evaluator(op.expression)(**env) == pytest.approx(out, rel=1e-12, abs=1e-300)
    codes = op.local_grads(*args, out=out, **params)
    for text, code in zip(op.computed_formula, codes):
        assert evaluator(text)(**env) == pytest.approx(code, rel=1e-12, abs=1e-300), text
    # The shown formula (as the slides write it) is the same derivative: equal up to its lost digits
    # (1 − out² against 1.7e-17 at tanh(20)), wherever it can be evaluated (b·a^(b−1) at 0^0 cannot).
    for text, code in zip(op.formula, codes):
        try:
            shown = evaluator(text)(**env)
        except (ArithmeticError, ValueError):
            continue
        if math.isfinite(shown):
            assert shown == pytest.approx(code, rel=1e-9, abs=1e-15), text


@pytest.mark.parametrize(
    ("text", "js"),
    [
        ("−a^2", "(-Math.pow(a, 2))"),  # as in Python: the power binds tighter than the minus
        ("1 − out²", "(1 - (out * out))"),
        ("n·a^(n−1)", "(p.n * Math.pow(a, (p.n - 1)))"),
        ("1 if a > 0 else slope", "((a > 0) ? 1 : p.slope)"),
        ("1 if a > 0 else −1 if a < 0 else 0", "((a > 0) ? 1 : ((a < 0) ? (-1) : 0))"),
        ("log(1 + exp(a))", "Math.log1p(Math.exp(a))"),
        ("σ(a)", "F.sigmoid(a)"),
        ("a/b/2", "((a / b) / 2)"),
    ],
)
def test_precedence_and_names(text, js):
    assert to_js(parse(text)) == js


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a +",
        "(a",
        "a)",
        "x",
        "alert(1)",
        "a; b",
        "a if a else b",
        "a = b",
        "`a`",
        "a if a > 0",
        "1..2",
        "π",
    ],
)
def test_anything_outside_the_notation_is_refused(text):
    with pytest.raises(NotationError):
        parse(text)


def test_the_generated_script_holds_only_the_notations_words():
    # Labels never reach this code; it is made from the rule table alone, so only these words appear.
    numbers = r"(?<![\w.])\d+(?:\.\d+)?(?:e-\d+)?"  # 2.2250738585072014e-308 is a number, not the word e
    words = set(re.findall(r"[A-Za-z_]\w*", re.sub(numbers, "0", rules_js())))
    allowed = {"const", "F", "sigmoid", "RULES", "function", "return", "a", "b", "out", "p", "n", "slope",
               "Math", "exp", "log", "log1p", "sin", "cos", "tanh", "sqrt", "abs", "pow", "forward",
               "grads"}  # fmt: skip
    assert words - allowed <= set(OPS)


def test_softplus_keeps_tiny_values_like_the_engine():
    # log(1 + exp(−40)) rounds to 0 when written naively; the engine (and the page's log1p) keep it.
    assert evaluator(OPS["softplus"].expression)(a=-40.0) == pytest.approx(OPS["softplus"].forward(-40.0))
    assert evaluator(OPS["softplus"].expression)(a=-40.0) > 0 and math.isfinite(
        OPS["softplus"].forward(-40.0)
    )


# The page computes from the text, so the text must say what the code does at ties, kinks and extremes.
@pytest.mark.parametrize("name", ["max", "min"])
def test_ties_split_the_gradient_as_the_engine_does(name):
    op = OPS[name]
    env = {"a": 1.0, "b": 1.0, "out": 1.0}
    assert [evaluator(t)(**env) for t in op.formula] == list(op.local_grads(1.0, 1.0, out=1.0))


def test_abs_at_zero_as_the_engine_does():
    assert evaluator(OPS["abs"].formula[0])(a=0.0, out=0.0) == OPS["abs"].local_grads(0.0, out=0.0)[0]


def test_softplus_of_a_large_number_as_the_engine_does():
    assert evaluator(OPS["softplus"].expression)(a=800.0) == OPS["softplus"].forward(800.0)


@pytest.mark.parametrize("n", [250, 2000])
def test_a_long_sum_or_product_is_read_without_nesting_limits(n):
    # An explanation's numbers side of a big sum (249 + 248 + … + 1) is read back with `evaluator`:
    # left-nested text, as deep as it is long, that Python's compiler refuses past ~200 levels.
    assert evaluator(" + ".join(str(k) for k in range(1, n + 1)))() == n * (n + 1) / 2
    assert evaluator(" · ".join(["1.0001"] * n) + " − 1")() == pytest.approx(1.0001**n - 1)


@pytest.mark.parametrize("name", ["relu", "step", "leaky_relu", "abs", "max"])
def test_the_numpy_rules_give_the_engines_numbers_to_the_sign_of_zero(name):
    # ReLU as np.maximum(a, 0.0) and a slope as (C * 1.0): one ufunc each, and the same bits as the rule
    import numpy as np

    from autograd.replay.rules import compiled_rule

    op, rule = OPS[name], compiled_rule(OPS[name])
    edges = [-0.0, 0.0, 5e-324, -5e-324, 1.5, -1.5, 1e308, -1e308]
    pairs = [(a, b) for a in edges for b in (edges if op.arity == 2 else [None])]
    xs = [np.array([a for a, _ in pairs]), None if op.arity == 1 else np.array([b for _, b in pairs])]
    params = {"slope": 0.01} if name == "leaky_relu" else {}
    settings = {"n": None, "slope": params.get("slope")}
    values = rule.forward(xs[0], xs[1], None, **settings)
    for k, (a, b) in enumerate(pairs):
        args = (a,) if b is None else (a, b)
        out = op.forward(*args, **params)
        assert math.copysign(1, values[k]) == math.copysign(1, out) and values[k] == out, (a, b)
        locals_ = op.local_grads(*args, out=out, **params)
        for slope, engine in zip(rule.grads, locals_):
            got = np.broadcast_to(slope(xs[0], xs[1], values, **settings), values.shape)[k]
            assert got == engine and math.copysign(1, got) == math.copysign(1, engine), (a, b)
