"""`chainrule trace` end to end: the example's traces, the counts under them, and bad --wrt."""

from tests.support.cli import chainrule


def test_trace_of_chen_shows_all_three_traces_and_the_counts():
    result = chainrule("trace", "chen-2-2-2", "--wrt", "w5")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())  # columns aligned by spaces
    assert (
        "Tangent trace (forward mode, v̇ = ∂v/∂w5)" in out and "Adjoint trace (reverse mode, v̄ = ∂f/∂v)" in out
    )
    # ∂f/∂w5 = 0.08217 (the slide's 0.082167): once by the tangent sweep, once by the adjoint sweep
    assert "y\u0307 f = v̇₂₇ = 0.08217" in out
    assert "x̄₉ w5 = v̄₋₅ = 0.08217" in out
    # 14 labelled leaves (i1, i2, t1, t2, w1..w8, b1, b2), 46 variable operands in the graph
    assert out.endswith("forward mode: 14 tangent sweeps × 46 = 644 reverse mode: 1 adjoint sweep × 46 = 46")


def test_trace_modes_and_formats():
    forward = chainrule("trace", "chen-2-2-2", "--mode", "forward", "--format", "markdown")
    assert forward.returncode == 0, forward.stderr
    assert "**Tangent trace" in forward.stdout and "Adjoint trace" not in forward.stdout
    assert "| v₋₅ | w5 | = 0\\.4 |" not in forward.stdout and "| v₋₅ | w5 | = 0.4 |" in forward.stdout
    latex = chainrule("trace", "chen-2-2-2", "--mode", "reverse", "--format", "latex")
    assert latex.returncode == 0, latex.stderr
    assert (
        r"\bar{v}_{-5} & w_{5} & = \bar{v}_{11} \cdot v_{5} = 0.1385 \cdot 0.5933 = 0.08217 \\"
        in latex.stdout
    )
    assert "Tangent trace" not in latex.stdout


def test_unknown_wrt_label_is_one_line_and_exit_2():
    result = chainrule("trace", "chen-2-2-2", "--wrt", "w9")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "chainrule trace: error: example 'chen-2-2-2': no input 'w9'; choose one of: "
        "i1, i2, t1, t2, w1, w2, w3, w4, w5, w6, w7, w8, b1, b2\n"
    )


def test_unknown_example_is_a_usage_error():
    result = chainrule("trace", "no-such-example")
    assert result.returncode == 2 and "unknown example 'no-such-example'" in result.stderr
