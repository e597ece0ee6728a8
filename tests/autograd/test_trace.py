"""The evaluation trace: the classic example's published traces by hand, and random graphs re-evaluated."""

import math
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import DomainError, Value, gradients, trace
from autograd.explain.trace_tables import write_trace
from autograd.parse import parse
from autograd.trace import Literal
from tests.support import latex as latex_check
from tests.support.strategies import program_output, programs


def baydin(x1, x2):
    """f(x₁, x₂) = ln x₁ + x₁x₂ − sin x₂ (Baydin et al. 2018, tables 2 and 3)."""
    return x1.log() + x1 * x2 - x2.sin()


def test_the_classic_primal_trace_at_2_5():
    t = trace(baydin, 2.0, 5.0)
    # Python evaluates ln x₁ + x₁x₂ before sin x₂, so v₃ is the sum and v₄ the sine (the paper's v₄, v₃)
    assert [(s.index, s.op and s.op.name, s.args) for s in t.steps] == [
        (-1, None, ()),
        (0, None, ()),
        (1, "log", (-1,)),
        (2, "mul", (-1, 0)),
        (3, "add", (1, 2)),
        (4, "sin", (0,)),
        (5, "sub", (3, 4)),
    ]
    assert [s.label for s in t.inputs] == ["x1", "x2"]
    assert t.outputs == (5,)
    by_hand = [2.0, 5.0, 0.693147, 10.0, 10.693147, -0.958924, 11.652071]
    assert [s.value for s in t.steps] == pytest.approx(by_hand, abs=1e-6)


def test_the_classic_tangent_trace_with_respect_to_x1():
    t = trace(baydin, 2.0, 5.0)
    dots, multiply_adds = t.tangents([1.0, 0.0])
    # v̇₁ = v̇₋₁/v₋₁ = 1/2; v̇₂ = v̇₋₁·v₀ + v₋₁·v̇₀ = 5; v̇₃ = v̇₁ + v̇₂; v̇₄ = cos(v₀)·v̇₀ = 0; v̇₅ = v̇₃ − v̇₄
    assert dots == [1.0, 0.0, 0.5, 5.0, 5.5, 0.0, 5.5]
    assert multiply_adds == 8  # one per variable operand: log 1, mul 2, add 2, sin 1, sub 2


def test_the_classic_adjoint_trace():
    t = trace(baydin, 2.0, 5.0)
    bars, multiply_adds = t.adjoints()
    # v̄₅ = 1; v̄₃ = 1, v̄₄ = −1; v̄₁ = v̄₂ = 1; v̄₀ = v̄₄·cos v₀ + v̄₂·v₋₁; v̄₋₁ = v̄₂·v₀ + v̄₁/v₋₁
    x2_bar = -math.cos(5.0) + 2.0
    assert bars == pytest.approx([5.5, x2_bar, 1.0, 1.0, 1.0, -1.0, 1.0], abs=1e-15)
    assert x2_bar == pytest.approx(1.716, abs=5e-4)  # the published x̄₂
    assert multiply_adds == 8
    counts = t.counts()
    assert (counts.inputs, counts.outputs, counts.edges, counts.forward, counts.reverse) == (2, 1, 8, 16, 8)


def test_constants_are_literals_and_labelled_leaves_are_inputs_by_default():
    w, x = Value(3.0, "w"), Value(2.0, "x")
    y = (2.0 * w * x + 1.0).named("y")
    t = trace(y)
    assert [s.label for s in t.inputs] == ["w", "x"]
    assert t[1].args == (Literal(2.0), -1) and t[3].args == (2, Literal(1.0))
    assert t[3].label == "y" and t.last == 3
    assert t.counts().edges == 4  # 2·w: 1, (2·w)·x: 2, … + 1: 1; constants take none


def test_explicit_inputs_and_bad_inputs():
    a, b = Value(1.0), Value(2.0)
    t = trace(a * b, inputs=[b])
    assert t.n_inputs == 1 and t[1].args == (Literal(1.0), 0)
    with pytest.raises(ValueError, match="computed by mul; inputs must be leaves"):
        trace(a * b, inputs=[a * b])
    with pytest.raises(ValueError, match="given twice"):
        trace(a * b, inputs=[a, a])
    with pytest.raises(TypeError, match="an output must be a Value, got str"):
        trace(["y"])
    with pytest.raises(IndexError, match="no v7; indices run from -1 to 1"):
        trace(a * b, inputs=[a, b])[7]


def test_evaluate_checks_the_domain_and_the_number_of_inputs():
    t = trace(lambda x: x.log(), 2.0)
    assert t.evaluate([math.e]) == [math.e, 1.0]
    with pytest.raises(DomainError, match=r"log\(a\) needs a > 0"):
        t.evaluate([-1.0])
    with pytest.raises(ValueError, match="needs 1 input"):
        t.evaluate([1.0, 2.0])


def _build(program, xs):
    leaves = [Value(x, f"x{i}") for i, x in enumerate(xs)]
    try:
        out = program_output(program, *leaves)
    except DomainError:
        assume(False)
    assume(abs(out.data) < 1e6)
    return leaves, out


@given(programs())
def test_a_trace_re_evaluated_at_its_inputs_gives_every_node_value(program):
    leaves, out = _build(program, program.inputs)
    t = trace(out, inputs=leaves)
    assert t.evaluate(list(program.inputs)) == [s.value for s in t.steps]
    assert [s.value for s in t.steps] == [n.data for n in t.nodes]


@given(programs(), st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_a_trace_evaluated_at_new_inputs_equals_the_graph_built_there(program, new):
    leaves, out = _build(program, program.inputs)
    _, again = _build(program, new)
    t = trace(out, inputs=leaves)
    try:
        values = t.evaluate(new)
    except DomainError:
        assume(False)
    assert values[-1] == again.data


@given(programs())
def test_adjoint_sweep_equals_the_engines_reverse_mode(program):
    leaves, out = _build(program, program.inputs)
    bars, _ = trace(out, inputs=leaves).adjoints()
    assert bars[: len(leaves)] == pytest.approx(gradients(out, leaves), rel=1e-12, abs=1e-12)


# --- the traces written out (autograd.explain.trace_tables) --------------------------------------


def test_the_classic_traces_written_as_text():
    text = write_trace(trace(baydin, 2.0, 5.0), wrt="x1")
    lines = [" ".join(line.split()) for line in text.splitlines()]  # columns aligned by spaces
    assert "v₁ = log(v₋₁) = log(2) = 0.6931" in lines
    assert "v₅ = v₃ − v₄ = 10.69 − (−0.9589) = 11.65" in lines
    assert "v̇₁ = (1/v₋₁)·v̇₋₁ = 0.5 · 1 = 0.5" in lines
    assert "v̇₂ = v₀·v̇₋₁ + v₋₁·v̇₀ = 5 · 1 + 2 · 0 = 5" in lines
    assert "y\u0307 = v̇₅ = 5.5" in lines
    # one line per contribution, from the output back: v̄₀ gets cos(v₀)·v̄₄ first, then v₋₁·v̄₂
    assert "v̄₀ x2 = v̄₄·cos(v₀) = −1 · 0.2837 = −0.2837" in lines
    assert "v̄₀ x2 = v̄₀ + v̄₂·v₋₁ = −0.2837 + 1 · 2 = 1.716" in lines
    assert lines.index("x̄₁ x1 = v̄₋₁ = 5.5") < lines.index("x̄₂ x2 = v̄₀ = 1.716")
    assert lines[-2:] == ["forward mode: 2 tangent sweeps × 8 = 16", "reverse mode: 1 adjoint sweep × 8 = 8"]


def test_labels_are_data_in_every_format():
    x = Value(2.0, "a|b_<c>&$")
    t = trace((x * x).named("y"))
    assert "| v₀ | a\\|b\\_\\<c\\>\\&\\$ |" in write_trace(t, format="markdown")
    # one upright symbol, each special escaped as explain escapes it (LaTeX, KaTeX and MathJax read it)
    assert r"v_{0} & \mathrm{a|b\_{<}c{>}\&{}\$} & = 2 \\" in write_trace(t, format="latex")


def test_latex_writes_numbers_in_e_notation_as_powers_of_ten():
    t = trace((Value(1e308, "a") * Value(1e-300, "b")).named("y"))
    assert r"v_{-1} & a & = 1 \times 10^{308} \\" in write_trace(t, format="latex")
    assert r"= 1 \times 10^{-300}" in write_trace(t, format="latex")


@given(st.floats(min_value=-1e307, max_value=1e307, allow_nan=False))
def test_no_number_in_the_latex_is_left_in_e_notation(x):
    latex = write_trace(trace((Value(x, "a") * 0.5).named("y")), format="latex")
    assert not re.search(r"\de[-−]?\d", latex)  # an e between digits would be set as the letter e


@pytest.mark.skipif(latex_check.PDFLATEX is None, reason=latex_check.NO_PDFLATEX)
def test_powers_and_quotients_of_numbers_in_e_notation_are_bracketed_and_compile(tmp_path):
    # a review found `v_{-1}^v_{0}` (TeX: double subscript), 3e-5^{2} and 3 × 10⁻⁵ / 2 × 10¹⁰ (misread)
    cases = {
        "w^x": ({"w": 2.0, "x": 10.0}, [r"v_{-1}^{v_{0}} = 2^{10} = 1024"]),
        "x^2 + sqrt(x)": ({"x": 3e-5}, [r"(3 \times 10^{-5})^{2}", r"\surd(3 \times 10^{-5})"]),
        "x/w": ({"x": 3e-5, "w": 2e10}, [r"(3 \times 10^{-5}) / (2 \times 10^{10}) = 1.5 \times 10^{-15}"]),
    }
    pieces = []
    for expression, (values, wanted) in cases.items():
        y = parse(f"y = {expression}").build(values)["y"]
        latex = write_trace(trace(y), format="latex")
        for text in wanted:
            assert text in latex, (expression, latex)
        pieces.append((expression, latex))
    assert not latex_check.compile_pieces(pieces, tmp_path)


def test_write_trace_rejects_unknown_inputs_and_modes():
    t = trace(baydin, 2.0, 5.0)
    with pytest.raises(ValueError, match="no input 'x3'; choose one of: x1, x2"):
        write_trace(t, wrt="x3")
    with pytest.raises(ValueError, match="mode must be"):
        write_trace(t, mode="sideways")
