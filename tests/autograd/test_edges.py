"""Every rule-table op at the edges of its domain, against an independent high-precision reference.

Where the derivative exists (and fits a float) the engine gives it; where it does not, the engine's
clear error (a DomainError naming the op). Kinks follow the documented conventions instead.
"""

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS, DomainError, Value, grad, gradients
from tests.support.strategies import EDGES

mpmath.mp.prec = 2600  # far beyond 53 bits: 1.8e308 ± 2^-1250 is exact, so a step that small counts

# The ops' values written independently of the rule table, in mpmath.
REFERENCE = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda a: -a,
    "pow": lambda a, n: mpmath.mpf(1) if n == 0 else a**n,
    "pow_value": lambda a, b: _real_power(a, b),
    "exp": mpmath.exp,
    "log": mpmath.log,
    "sqrt": mpmath.sqrt,
    "abs": abs,
    "tanh": mpmath.tanh,
    "sigmoid": lambda a: 1 / (1 + mpmath.exp(-a)),
    "relu": lambda a: a if a > 0 else mpmath.mpf(0),
    "leaky_relu": lambda a, slope: a if a > 0 else slope * a,
    "softplus": lambda a: mpmath.log1p(mpmath.exp(a)),
    "step": lambda a: mpmath.mpf(1 if a > 0 else 0),
    "sin": mpmath.sin,
    "cos": mpmath.cos,
    "max": lambda a, b: max(a, b),
    "min": lambda a, b: min(a, b),
    "logaddexp": lambda a, b: mpmath.log(mpmath.exp(a) + mpmath.exp(b)),
}


def _real_power(a, b):
    # a^b for a real exponent b is a real function of (a, b) where a > 0, and at a = 0 its limit from
    # a > 0: 0 for b > 0 (then ∂/∂b = 0 and ∂/∂a = b·0^(b−1), one-sided), 1 for b = 0; ∞ for b < 0.
    if a > 0:
        return mpmath.power(a, b)
    if a == 0 and b >= 0:
        return mpmath.mpf(0 if b > 0 else 1)
    raise ValueError("a^b needs a > 0, or a = 0 and b ≥ 0")


FLOAT_MAX = mpmath.mpf(2) ** 1024 - mpmath.mpf(2) ** 970  # from here on a result rounds to inf


def _is_kink(name, args):
    # where an op that is not smooth has no slope: a unary one at 0, a binary one (max, min) at a tie;
    # and 0^b at b = 0, which jumps from 0 (b > 0) to 1 (PyTorch's convention, tested below: gradients 0)
    if name == "pow_value":
        return args[0] == 0 and args[1] == 0
    return not OPS[name].smooth and args[0] == (0 if len(args) == 1 else args[1])


def _reference(name, args, params, i):
    """(value, ∂/∂args[i]) in high precision, or None for either where it is not a finite real."""
    f = REFERENCE[name]
    xs = [mpmath.mpf(a) for a in args]
    extra = [mpmath.mpf(v) if name != "pow" else v for v in params.values()]
    try:
        value = f(*xs, *extra)
    except (ValueError, ZeroDivisionError):
        return None, None
    if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value):
        return None, None
    # Central differences with two tiny steps: they agree where the derivative exists. At the end of the
    # domain (x^1.5 at 0) the one-sided difference inside it.
    slopes, one_sided = [], False
    for step in (mpmath.mpf(2) ** -1200, mpmath.mpf(2) ** -1210):
        slope = _difference(f, xs, extra, i, step, -step)
        if slope is None:  # one-sided: only as close as √step to x^1.5's 0, say
            one_sided = True
            slope = _difference(f, xs, extra, i, 2 * step, 0)
        if slope is None:
            return value, None
        slopes.append(slope)
    d1, d2 = slopes
    if abs(d1 - d2) > mpmath.mpf(2) ** -60 * max(abs(d1), 1) or abs(d1) > FLOAT_MAX:
        return value, None
    return value, (0 if one_sided and abs(d1) < 1e-150 else d1)


def _difference(f, xs, extra, i, up_step, down_step):
    up, down = list(xs), list(xs)
    up[i], down[i] = xs[i] + up_step, xs[i] + down_step
    try:
        high, low = f(*up, *extra), f(*down, *extra)
    except (ValueError, ZeroDivisionError):
        return None
    if not all(isinstance(v, mpmath.mpf) for v in (high, low)):
        return None
    return (high - low) / (up_step - down_step)


CASES = [(name, args, params) for name in sorted(OPS) for args, params in EDGES[name]]


@pytest.mark.parametrize(("name", "args", "params"), CASES, ids=lambda x: repr(x))
def test_each_op_at_each_edge_gives_its_derivative_or_a_clear_error(name, args, params):
    op = OPS[name]
    leaves = [Value(a) for a in args]
    if _is_kink(name, args):
        Value.apply(op, *leaves, **params).backward()  # a convention, checked in test_rule_table
        return
    expected = [_reference(name, args, params, i) for i in range(op.arity)]
    value = expected[0][0]
    if value is None or abs(value) > FLOAT_MAX or any(d is None for _, d in expected):
        with pytest.raises(DomainError, match="; got a = "):  # the reason, and the operands named
            Value.apply(op, *leaves, **params).backward()
        return
    out = Value.apply(op, *leaves, **params)
    out.backward()
    assert out.data == pytest.approx(float(value), rel=5e-16, abs=1e-320)
    for leaf, (_, d) in zip(leaves, expected):
        assert leaf.grad == pytest.approx(float(d), rel=5e-16, abs=1e-320), (name, args, params)


@pytest.mark.parametrize("n", [0, 0.0])
def test_x_to_the_zero_at_zero_is_the_constant_one(n):
    x = Value(0.0)
    y = x**n
    y.backward()
    assert (y.data, x.grad) == (1.0, 0.0)


def test_grad_of_x_to_the_zero_at_zero():
    assert grad(lambda x: x**0)(0.0) == 0.0


def test_the_second_derivative_of_x_squared_at_zero():
    # x² at 0: 2x = 0, then 2 (the rule's n·a^(n−1) with n − 1 = 1, then 0 at n − 1 = 0 never divides).
    assert grad(grad(lambda x: x**2))(0.0) == 2.0
    assert grad(grad(lambda x: x**1))(0.0) == 0.0


def test_zero_to_a_fractional_power_below_one_has_no_derivative():
    with pytest.raises(DomainError, match="pow"):
        Value(0.0) ** 0.5


# --- a Value exponent at a zero base: the limits, as PyTorch gives them ------------------------------


@pytest.mark.parametrize(
    ("b", "value", "d_a"),
    [(3.0, 0.0, 0.0), (2.0, 0.0, 0.0), (1.5, 0.0, 0.0), (1.0, 0.0, 1.0), (0.0, 1.0, 0.0)],
)
def test_zero_to_a_value_power_has_its_limits(b, value, d_a):
    # 0^b = 0 for b > 0, with ∂/∂b = 0 and ∂/∂a = b·0^(b−1); 0^0 = 1 with both gradients 0 (PyTorch)
    a, e = Value(0.0, "a"), Value(b, "b")
    out = a**e
    out.backward()
    assert (out.data, a.grad, e.grad) == (value, d_a, 0.0)
    f = 0.0 ** Value(b)  # a plain zero base
    assert f.data == value
    assert grad(lambda y: 0.0**y)(b) == 0.0


@pytest.mark.parametrize("b", [0.5, 0.25])
def test_zero_to_a_value_power_below_one_has_an_infinite_gradient(b):
    with pytest.raises(DomainError, match=r"pow_value: the value is 0\.0 but its gradient"):
        Value(0.0, "a") ** Value(b, "b")


@pytest.mark.parametrize(("a", "b"), [(0.0, -1.0), (0.0, -0.5), (-2.0, 2.0), (-2.0, 0.5), (-0.0, -2.0)])
def test_a_value_power_without_a_finite_limit_is_a_clear_error(a, b):
    # zero to a negative power is infinite; a negative base has no real ∂/∂b = out·log(a) (PyTorch: nan)
    with pytest.raises(DomainError, match=r"a \*\* b.*; got a = .*\(node 'a'\), b = .*\(node 'b'\)"):
        Value(a, "a") ** Value(b, "b")


def test_zero_to_a_value_power_matches_central_differences_in_b():
    from autograd import central_difference

    for b in (1.0, 2.0, 3.5):  # (below 1, ∂/∂a is infinite: an error, tested above)
        assert grad(lambda x: Value(0.0) ** x)(b) == central_difference(lambda x: Value(0.0) ** x, b) == 0.0
        # in a, one-sided (0^b is a real function of a ≥ 0 only): (h^b − 0)/h → b·0^(b−1)
        h = 1e-9
        assert grad(lambda x, b=b: x ** Value(b))(0.0) == pytest.approx(h**b / h, abs=1e-6)


def test_a_quotient_by_a_tiny_number_keeps_its_finite_gradient():
    a, b = Value(1e-300), Value(1e-200)
    (a / b).backward()
    assert b.grad == pytest.approx(-1e-300 / 1e-200 / 1e-200, rel=1e-15)  # −a/b² = −1e100


# --- a sum whose terms cancel: every view writes its gradient as explain does ------------------------

CANCELLED = "f = x*a + x*b - x*a - x*b"  # ∂f/∂x = 0.1 + 0.2 − 0.1 − 0.2: a running sum leaves −2.776e−17
CANCELLED_AT = {"x": 1.0, "a": 0.1, "b": 0.2}


def _cancelled():
    from autograd import forward_order

    x, a, b = (Value(v, k) for k, v in CANCELLED_AT.items())
    f = (x * a + x * b - x * a - x * b).named("f")  # as `chainrule --expr` parses CANCELLED
    f.backward()
    return f, {n.label: n for n in forward_order(f) if n.label}


def autograd_nodes(f):
    from autograd import forward_order

    return forward_order(f)


def test_the_engine_leaves_a_rounding_residue_that_the_shown_gradient_does_not():
    from autograd.render.captions import shown_gradients

    f, node = _cancelled()
    assert node["x"].grad == -2.7755575615628914e-17  # the engine's running sum: 0.1 + 0.2 − 0.1 − 0.2
    shown = shown_gradients(f)
    assert shown[node["x"]] == 0.0 and shown[node["a"]] == 0.0 and shown[f] == 1.0
    # everywhere else it is the engine's gradient: chen's 2-2-2 network to the last bit or two
    from tests.support.graphs import chen

    loss = chen()["f"]
    loss.backward()
    for n, g in shown_gradients(loss).items():
        assert g == pytest.approx(n.grad, rel=1e-15, abs=1e-300)


def test_explain_and_the_backward_steps_write_0():
    from autograd.explain import explain
    from autograd.render import backward_steps

    f, node = _cancelled()
    assert str(explain(f, "x")).endswith("= 0")
    step = next(s for s in backward_steps(f) if s.node is node["x"])
    assert step.value == 0.0 and step.caption.endswith(" = 0") and "e−17" not in step.caption


def test_show_writes_0(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    sets = [f"{k}={v}" for k, v in CANCELLED_AT.items()]
    out = subprocess.run(
        [sys.executable, "-m", "demos", "show", "--expr", CANCELLED, "--set", *sets],
        capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parents[2],
    ).stdout  # fmt: skip
    row = next(line.split() for line in out.splitlines() if line.startswith("x "))
    assert row == ["x", "1", "0"]


def test_the_full_picture_writes_0():
    from autograd.render import draw
    from tests.support.dot import Dot, lines_of

    f, _ = _cancelled()
    dot = Dot(draw(f, view="full").source)
    x = next(attrs for attrs in dot.nodes.values() if lines_of(attrs.get("label", ""))[:1] == ["x"])
    assert "grad 0" in " ".join(lines_of(x["label"])) and "e−17" not in x["label"]


def test_the_slide_picture_writes_0():
    from autograd.render import draw

    f, _ = _cancelled()  # f's own value is 2.776e−17 (the forward sum); no gradient may show that
    source = draw(f, view="slide").source
    x_box = next(line for line in source.splitlines() if "<B>x</B>" in line)
    assert '<FONT COLOR="#b91c1c" POINT-SIZE="22">0</FONT>' in x_box
    arrows = [line for line in source.splitlines() if "->" in line and "label" in line]
    assert arrows and all("e−17" not in line for line in arrows)


def test_the_page_writes_0(tmp_path):
    from autograd.page import page
    from tests.support.browser import chromium

    f, node = _cancelled()
    index = {n: k for k, n in enumerate(autograd_nodes(f))}
    with chromium(needs_dot=True) as browser:
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.goto(page(f, tmp_path / "p.html", picture="full").as_uri())
        grads = tab.evaluate("chainrule.grads()")
        tab.click("#end")
        slot = tab.evaluate(
            """k => {
              const g = document.querySelector(`.graph-pane:not([hidden]) g.node[data-node="${k}"]`);
              const t = Array.from(g.querySelectorAll('text'));
              return t[t.findIndex((e) => e.textContent === 'grad') + 1].textContent;
            }""",
            index[node["x"]],
        )
    assert grads[index[node["x"]]] == 0.0 and slot == "0"


def test_pictures_write_the_gradient_a_node_holds_not_a_recomputed_one():
    """Only rounding noise is cleaned: a .grad accumulated over two backward calls stays doubled."""
    from autograd.render import draw

    x, w = Value(3.0, "x"), Value(0.5, "w")
    y = (x * w).named("y")
    y.backward()
    y.backward()  # accumulates, like PyTorch: ∂y/∂x is held as 2 · 0.5 = 1
    assert x.grad == 1.0
    for view in ("full", "slide"):
        source = draw(y, view=view).source
        x_box = next(line for line in source.splitlines() if "<B>x</B>" in line)
        assert ">1<" in x_box and ">0.5<" not in x_box, view


# --- σ′ and tanh′ keep their digits for large inputs ---------------------------------------------------

SLOPES = {  # the true local gradient, in mpmath: σ′(x) = e^−x/(1 + e^−x)², tanh′(x) = 1/cosh²(x)
    "sigmoid": lambda x: mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2,
    "tanh": lambda x: 1 / mpmath.cosh(x) ** 2,
}


def _ulps(ours: float, true) -> float:
    """|ours − true| in units in the last place of the true value (of the smallest normal below it)."""
    unit = mpmath.mpf(2) ** (max(int(mpmath.floor(mpmath.log(true, 2))), -1022) - 52)
    return float(abs(mpmath.mpf(ours) - true) / unit)


@pytest.mark.parametrize(
    ("name", "x", "slope"), [("sigmoid", 40.0, 4.248354255291589e-18), ("tanh", 20.0, 1.7e-17)]
)
def test_the_issues_slopes_are_not_zero(name, x, slope):
    v = Value(x)
    getattr(v, name)().backward()
    assert v.grad == pytest.approx(slope, rel=0.01)


@pytest.mark.parametrize("name", sorted(SLOPES))
@given(
    x=st.one_of(st.floats(-50, 50), st.floats(-800, 800), st.floats(allow_nan=False, allow_infinity=False))
)
def test_sigmoid_and_tanh_slopes_are_within_a_few_ulps(name, x):
    # docs/engine.md promises it: 1 − out² and out·(1 − out) would be 0 from x ≈ 19 and 37 on.
    true = SLOPES[name](mpmath.mpf(x))
    v = Value(x)
    getattr(v, name)().backward()
    assert _ulps(v.grad, true) <= 4, (x, v.grad, true)
    # the same rule on Values (create_graph) gives the same number, for every x (2x overflows past 9e307)
    w = Value(x)
    (g,) = gradients(getattr(w, name)(), [w], create_graph=True)
    assert g.data == pytest.approx(v.grad, rel=1e-15, abs=0)
