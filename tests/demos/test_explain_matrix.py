"""The matrix form as a class reads it: `chainrule explain NAME --matrix` in text, Markdown and LaTeX for
every network example (LaTeX compiled by pdflatex in one document, each display read by KaTeX), labels
with TeX specials kept as data, big matrices elided, digits honoured, and the command's errors."""

from __future__ import annotations

import contextlib
import io
import random
import re

import pytest

import nn
from autograd import Value
from autograd.explain import matrix_view
from autograd.explain.matrix_write import MatrixView, text_name, write_matrix_form
from demos.cli import main
from tests.support import latex as check
from tests.support.matrices import NETWORK_EXAMPLES

EXAMPLES = (*NETWORK_EXAMPLES, "output-losses")
SPECIAL = "w_{1}&%$#^~\\"  # a label of TeX's specials: data in every format


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def special_graph() -> Value:
    """Two sigmoid units sharing one bias node labelled SPECIAL (the view's note names it)."""
    x1, x2 = Value(0.05, "x1"), Value(0.1, "x2")
    b = Value(0.35, SPECIAL)
    h1 = (Value(0.15, "w1") * x1 + Value(0.2, "w2") * x2 + b).named("n1").sigmoid().named("h1")
    h2 = (Value(0.25, "w3") * x1 + Value(0.3, "w4") * x2 + b).named("n2").sigmoid().named("h2")
    return (h1 + h2).named("L")


def big_loss():
    """Review finding 6a: an nn.MLP(2, [16, 16, 1]) over 100 inputs (its a₂ = W₂ h₁ + b₂ ran off A4)."""
    rng = random.Random(0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    xs = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(100)]
    return nn.mse_loss([model(x) for x in xs], [[0.0]] * 100)


def wide_loss():
    model = nn.MLP(10, [12, 2], seed=1)
    return nn.mse_loss(model([0.1 * i for i in range(10)]), [0.0, 1.0])


@pytest.fixture(scope="module")
def latex_pieces() -> list[tuple[str, str]]:
    pieces = []
    for name in EXAMPLES:
        status, out, err = run("explain", name, "--matrix", "--format", "latex")
        assert status == 0, (name, err)
        pieces.append((f"explain {name} --matrix --format latex", out))
    pieces.append(("special label", matrix_view(special_graph(), "latex")))
    pieces.append(("elided", matrix_view(wide_loss(), "latex")))
    pieces.append(("2-16-16-1 over 100 inputs", matrix_view(big_loss(), "latex")))
    return pieces


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("format", ["text", "markdown", "latex"])
def test_every_network_example_writes_its_matrix_form(name, format):
    status, out, err = run("explain", name, "--matrix", "--format", format)
    assert status == 0 and err == "", err
    if name != "output-losses":
        head = {"text": "Forward pass", "markdown": "**Forward pass**", "latex": r"\paragraph{Forward pass}"}
        assert head[format] in out
    if format == "markdown":
        assert "```text" in out and out.count("```text\n") == out.count("\n```\n")  # each block closed
    if format == "latex":
        assert r"\begin{pmatrix}" in out and "−" not in "".join(check.math_of(out))


@pytest.mark.skipif(check.PDFLATEX is None, reason=check.NO_PDFLATEX)
def test_the_latex_compiles_with_pdflatex(latex_pieces, tmp_path):
    errors = check.compile_pieces(latex_pieces, tmp_path)
    assert not errors, "\n".join(errors[:15])


@pytest.mark.skipif(check.NODE_KATEX is None, reason=check.NO_KATEX)
def test_katex_reads_every_display(latex_pieces):
    items = [(name, tex) for name, body in latex_pieces for tex in check.math_of(body)]
    notebook = MatrixView(matrix_view(special_graph()).form)._repr_markdown_()
    items += [("notebook", tex) for tex in check.math_of(notebook)]
    results = check.katex([tex for _, tex in items])
    failed = [f"{name}: {r['error']}: {tex[:160]}" for (name, tex), r in zip(items, results) if not r["ok"]]
    assert not failed, "\n".join(failed[:10])


def test_the_shape_check_is_printed():
    status, out, _ = run("explain", "softmax-output", "--matrix")
    assert status == 0
    assert "Forward pass" in out and "Backward pass" in out
    assert "∇_{W₃} L = ∇_{a₃} L h₂ᵀ    (2×3 = 2×1 · 1×3)" in out
    assert "a₁ = W₁ x + b₁    (3×1 = 3×3 · 3×1 + 3×1)" in out
    assert "∇_{a₃} L = ŷ − e(1)    (2×1 = 2×1 − 2×1)" in out


def test_a_special_label_stays_data_in_every_format():
    root = special_graph()
    text = matrix_view(root)
    assert f"({SPECIAL} fills 2 entries: its gradient is their sum" in text
    assert f"({SPECIAL} fills 2 entries" in matrix_view(root, "markdown")
    latex = matrix_view(root, "latex")
    assert SPECIAL not in latex and r"w\_\{1\}\&\%\$\#" in latex
    notebook = text._repr_markdown_()
    assert r"*w\_\{1\}\&\%\$\#\^\~\\ fills 2 entries" in notebook


def test_a_label_with_backticks_does_not_close_the_markdown_fence():
    x = Value(0.5, "x")
    b = Value(0.1, "b```")
    h1 = (Value(0.2, "w1") * x + b).named("a1").tanh().named("h1")
    h2 = (Value(0.3, "w2") * x + b).named("a2").tanh().named("h2")
    out = matrix_view((h1 + h2).named("L"), "markdown")
    block = next(part for part in out.split("\n\n") if "fills" in part)
    assert block.startswith("````text\n") and block.endswith("\n````")


def test_big_matrices_are_elided_in_text_and_latex():
    text = matrix_view(wide_loss())
    block = text.split("\n\n")[1]  # a₁ = W₁ x + b₁, W₁ 12×10
    assert "(12×1 = 12×10 · 10×1 + 12×1)" in block
    assert "⋮" in block and "⋯" in block and "⋱" in block
    assert len(block.split("\n")) == 1 + 7  # the head and 3 + ⋮ + 3 rows
    latex = matrix_view(wide_loss(), "latex")
    assert r"\vdots" in latex and r"\cdots" in latex and r"\ddots" in latex
    for body in re.findall(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", latex):
        rows = body.split(r"\\")
        assert len(rows) <= 7 and all(row.count("&") <= 6 for row in rows)


def test_digits_are_honoured_and_checked():
    root = special_graph()
    short, long = matrix_view(root, digits=2), matrix_view(root, digits=9)
    assert "0.39" in short and "0.3925" not in short
    assert "0.3925" in long
    for digits in (0, 18):
        with pytest.raises(ValueError, match="from 1 to 17"):
            matrix_view(root, digits=digits)
        with pytest.raises(ValueError, match="matrix form: digits must be a whole number from 1 to 17"):
            write_matrix_form(short.form, "text", digits)
    with pytest.raises(ValueError, match="unknown format 'html'"):
        write_matrix_form(short.form, "html")


def test_text_names():
    assert text_name(r"\nabla_{W_{1}} L") == "∇_{W₁} L"
    assert text_name(r"\delta^{(2)}") == "δ⁽²⁾"
    assert text_name(r"\partial E/\partial W^{(1)}") == "∂E/∂W⁽¹⁾"
    assert text_name(r"\mathrm{net}_{1}") == "net₁"
    assert text_name(r"h_{k-1}") == "hₖ₋₁"
    assert text_name(r"\mathrm{LeakyReLU}'(a_{2})") == "LeakyReLU′(a₂)"
    assert text_name(r"\hat{y}") == "ŷ"
    # ∇'s subscript always in braces, whatever it holds (∇ₕ f read like a letter h of ∇)
    assert text_name(r"\nabla_{h} f") == "∇_{h} f" and text_name(r"\nabla_{o} f") == "∇_{o} f"
    assert text_name(r"\nabla_{\hat{y}} L") == "∇_{ŷ} L"
    assert text_name(r"\nabla_{\mathrm{net}_{2}} f") == "∇_{net₂} f"


# --- the command's errors and a teacher's expressions -----------------------------------------------


def test_matrix_with_delta_is_a_usage_error():
    status, out, err = run("explain", "softmax-output", "--matrix", "--delta")
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--matrix" in err and "--delta" in err


def test_a_graph_without_layers_says_so_in_one_line():
    status, out, err = run("explain", "mul-gate", "--matrix")
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "has no layers" in err


def test_a_teachers_network_expression():
    expr = "net = x0*w0 + x1*w1 + w2; f = sigmoid(net)"  # x·w: the weight is still w
    status, out, err = run(
        "explain", "--expr", expr, "--set", "w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3", "--matrix"
    )
    assert status == 0, err
    assert "[1] = [2 −3] · ⎡−1⎤ + [−3]" in out  # W = (w0 w1), x = (x0 x1), b = w2
    assert "∇_{W₁} ŷ = ∇_{a₁} ŷ xᵀ" in out  # the root f is the neuron's output: gradients of ŷ, no loss line


def test_a_teachers_expression_that_is_not_a_network_says_so():
    expr = "p = x*y; q = sigmoid(p); r = sigmoid(q*q)"
    status, out, err = run("explain", "--expr", expr, "--set", "x=1", "y=2", "--matrix")
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "'r' applies sigmoid to 'q', a unit's output" in err
    status, _, err = run("explain", "--expr", "f = x*y + z", "--set", "x=1", "y=2", "z=3", "--matrix")
    assert status == 2 and "has no layers" in err


def test_xor_threshold_prints_one_view_per_output():
    status, out, _ = run("explain", "xor-threshold", "--matrix")
    assert status == 0
    heads = re.findall(r"^== (.*) ==$", out, re.M)
    assert heads == ["y_00 1 of 4", "y_10 2 of 4", "y_01 3 of 4", "y_11 4 of 4"]
    assert out.count("Forward pass") == 4


@pytest.mark.skipif(check.PDFLATEX is None, reason=check.NO_PDFLATEX)
def test_the_latex_fits_an_a4_page(latex_pieces, tmp_path):
    # the widest displays (a 12×10 W elided to 5 columns, ∇W = δ hᵀ) break under the result
    check.compile_pieces(latex_pieces, tmp_path)
    log = (tmp_path / "all.log").read_text(encoding="utf-8", errors="replace")
    wide = re.findall(r"Overfull \\hbox.*", log)
    assert not wide, wide[:5]  # no display and no note runs into the margin


def test_no_character_is_written_as_its_code_point():
    status, out, _ = run("explain", "bishop-2-2-2", "--matrix", "--format", "latex")
    assert status == 0 and "U+" not in out


def test_each_latex_equation_is_one_display_with_thin_spaces_and_set_apart_notes():
    status, out, _ = run("explain", "softmax-output", "--matrix", "--format", "latex")
    assert status == 0
    displays = [line for line in out.split("\n") if line.startswith(r"\[")]
    # the symbols and their numbers in one display: a page break cannot part them
    for display in displays:
        assert display.endswith(r"\]") and display.count(r"\[ ") == 1
        if r"\begin{gathered}" in display:
            assert display.index(r" \\[2pt] ") < display.index(r"\begin{pmatrix}")
    assert any(r"\nabla_{W_{3}} L" in d and r"\begin{pmatrix}" in d for d in displays)
    assert r"\nabla_{a_{3}} L \, {h_{2}}^{\top}" in out  # ∇L hᵀ, not "Lh"
    assert r"\begin{quote}\small\itshape the engine computed the same numbers" in out
    status, out, _ = run("explain", "n-patterns", "--matrix", "--format", "latex")
    assert r"\mathbf{1}" in out  # Δ 1: the ones vector in bold


def test_the_notebook_view_has_the_passes_headings_and_text_notes_are_wrapped():
    view = matrix_view(special_graph())
    notebook = view._repr_markdown_()
    blocks = notebook.split("\n\n")
    assert blocks[0] == "**Forward pass**" and "**Backward pass**" in blocks
    backward = blocks.index("**Backward pass**")
    assert all("nabla" not in b for b in blocks[:backward]) and "nabla" in blocks[backward + 1]
    status, out, _ = run("explain", "bishop-2-2-2", "--matrix")
    assert status == 0 and "canonical" in out  # its note was one line of 189 columns
    assert max(len(line) for line in out.split("\n")) <= 100
