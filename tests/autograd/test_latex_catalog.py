"""Every LaTeX output of every example compiles in LaTeX, and KaTeX and MathJax read it.

The sweep: `chainrule explain NAME --format latex` (and `--delta` where the example has units, `--step
sgd|momentum|adam`), `chainrule trace NAME --format latex`, for every built-in example and example file,
and the Python API's LaTeX (explain, its notebook forms, delta_view, write_trace, nn's explain_step) on
graphs with Greek, accented and primed labels and long unlabelled sums. All of it goes into one
document under the preamble the output promises (`tests/support/latex.PREAMBLE`), compiled by one
pdflatex run; an error names the output and its line.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

import nn
from autograd import Value, forward_order, trace
from autograd.explain import delta_view, explain, write_trace
from demos.cli import main
from demos.examples import catalog
from nn.optim_explain import explain_step
from tests.support import latex as check
from tests.support.graphs import chen

# greek_graph labels two nodes ŷ on purpose (the views tell them apart, and warn)
pytestmark = pytest.mark.filterwarnings("ignore:2 different nodes are labelled")

FILES = sorted((Path(catalog.__file__).parent / "files").glob("*.toml"))
EXAMPLES = [*catalog.EXAMPLES, *map(str, FILES)]
MAX_ROWS = 20  # rows of one array, one display: it fits an A4 page
VARIANTS = [[], ["--delta"], ["--step", "sgd"], ["--step", "momentum"], ["--step", "adam"]]


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def catalog_pieces() -> list[tuple[str, str]]:
    """(the command, its LaTeX) for every example and every command that writes LaTeX."""
    pieces = []
    for name in EXAMPLES:
        short = Path(name).name
        for extra in VARIANTS:
            status, out, err = run(["explain", name, *extra, "--format", "latex"])
            if extra == ["--delta"] and "the graph has no units" in err:
                continue  # the δ view needs units: this example has none, and says so
            assert status == 0, (name, extra, err)
            pieces.append((" ".join(["explain", short, *extra, "--format latex"]), out))
        status, out, err = run(["trace", name, "--format", "latex"])
        assert status == 0, (name, err)
        pieces.append((f"trace {short} --format latex", out))
    return pieces


def greek_graph() -> Value:
    """Labels as a teacher types them in Python: θ, η, λ, ŷ (precomposed and combining), primes, δ."""
    theta, eta, lam = Value(0.5, "θ"), Value(0.1, "η"), Value(0.01, "λ")
    x, y = Value(2.0, "x′"), Value(1.0, "y")
    y_hat = (theta * x).named("ŷ")
    y_hat2 = (theta * eta + x).named("ŷ")  # a combining circumflex: the same letter, another node
    delta = (y_hat - y).named("δ")
    return (delta * delta + lam * theta * theta + y_hat2 * eta).named("L")


def long_sums() -> list[Value]:
    """Unlabelled sums and products long enough to be named in short (`∏ 2 factors + 7 more`,
    `∏ 5 factors`, `Σ 8 terms`), as roots and inside a labelled output."""
    xs = [Value(0.1 * k, f"input_feature_{k}") for k in range(1, 9)]
    total = sum((x * x for x in xs[1:]), xs[0] * xs[0])
    product = xs[0] * xs[1] * xs[2] * xs[3] * xs[4]
    longer = [Value(0.1 * k, f"a_rather_long_input_name_{k}") for k in range(1, 9)]
    plain = sum(longer[1:], longer[0])
    return [total, product, plain, ((total * 2).sigmoid() + product.tanh() * 3 + plain).named("f")]


def big_sum() -> Value:
    """A sum too big to write path by path: explain writes it as Σᵢ over the nodes that use x."""
    x = Value(1.0, "x")
    return sum((x * k for k in range(2, 13)), x * 1).named("f")


def api_pieces() -> list[tuple[str, str]]:
    """The Python API's LaTeX on the slides' chen graph, Greek labels and long unlabelled sums."""
    pieces = []
    graphs = {"chen": chen()["f"], "greek": greek_graph()}
    graphs |= {f"long sum {k}": root for k, root in enumerate(long_sums())} | {"big sum": big_sum()}
    for what, root in graphs.items():
        nodes = [n for n in forward_order(root) if n.label and n.op is None]
        nodes = nodes[:1] + nodes[-2:] if len(nodes) > 6 else nodes
        for node in nodes:
            line = explain(root, node, format="latex")
            pieces.append((f"explain({what}, {node.label!r}, format='latex')", line))
            pieces.append(
                (f"explain({what}, {node.label!r})._repr_latex_()", explain(root, node)._repr_latex_())
            )
        pieces.append(
            (f"write_trace(trace({what}), format='latex')", write_trace(trace(root), format="latex"))
        )
        root.backward()
        for make in (lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01), lambda ps: nn.Adam(ps)):
            optimizer = make(nodes)
            text = "\n".join(explain_step(optimizer, nodes[0], "L", format="latex"))
            pieces.append(
                (f"explain_step({type(optimizer).__name__}, {nodes[0].label!r}, format='latex')", text)
            )
    c = chen()
    deltas = delta_view(
        c["f"], [c["w1"], c["w5"]], "latex", names={"net_h1": "(∇_{a_1} L)_1", "net_o1": "δ_1^(2)"}
    )
    pieces.append(("delta_view(chen, names=…, format='latex')", "\n".join(deltas)))
    pieces.append(("delta_view(chen)._repr_latex_()", delta_view(c["f"], [c["w5"]])._repr_latex_()))
    return pieces


@pytest.fixture(scope="module")
def pieces() -> list[tuple[str, str]]:
    return catalog_pieces() + api_pieces()


@pytest.mark.skipif(check.PDFLATEX is None, reason=check.NO_PDFLATEX)
def test_every_latex_output_compiles_with_pdflatex(pieces, tmp_path):
    errors = check.compile_pieces(pieces, tmp_path)
    assert not errors, f"{len(errors)} LaTeX errors, the first ones:\n" + "\n".join(errors[:15])


@pytest.mark.skipif(check.PDFLATEX is None, reason=check.NO_PDFLATEX)
def test_every_trace_table_fits_the_width_of_a_printed_page(pieces, tmp_path):
    # a review found activations' tangent trace 190 pt past the right edge of an A4 page (v̇₁₉, a max)
    traces = [(name, body) for name, body in pieces if name.startswith("trace ")]
    assert len(traces) == len(EXAMPLES)
    assert not check.compile_pieces(traces, tmp_path)
    log = (tmp_path / "all.log").read_text(encoding="utf-8", errors="replace")
    overfull = [float(pt) for pt in re.findall(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)", log)]
    assert max(overfull, default=0.0) < 5.0, overfull


def _math(pieces) -> list[tuple[str, str]]:
    return [(name, tex) for name, body in pieces for tex in check.math_of(body)]


@pytest.mark.skipif(check.NODE_KATEX is None, reason=check.NO_KATEX)
def test_katex_reads_every_latex_output(pieces):
    items = _math(pieces)
    results = check.katex([tex for _, tex in items])
    failed = [
        f"{name}: {result['error']}: {tex[:200]}"
        for (name, tex), result in zip(items, results)
        if not result["ok"]
    ]
    assert not failed, "\n".join(failed[:15])


@pytest.mark.skipif(check.NODE_MATHJAX is None, reason=check.NO_MATHJAX)
def test_mathjax_reads_every_kind_of_latex_output(pieces):
    # MathJax takes about a minute over all of it (KaTeX, strict, reads all): here the first and the last
    # math of each output, which hold each kind of line (the random labels go through MathJax whole)
    items = []
    for name, body in pieces:
        maths = check.math_of(body)
        items += [(name, tex) for tex in dict.fromkeys([maths[0], maths[-1]])]
    results = check.mathjax([tex for _, tex in items])
    failed = [
        f"{name}: {result['error']}: {tex[:200]}"
        for (name, tex), result in zip(items, results)
        if not result["ok"]
    ]
    assert not failed, "\n".join(failed[:15])


def test_the_output_is_math_in_dollars_and_displays_and_never_raw_unicode(pieces):
    for name, body in pieces:
        assert check.math_of(body), name  # every output holds math, delimited
        assert check.latin(body), (name, sorted({ch for ch in body if not ch.isascii()}))


def test_derivations_are_paragraphs_and_tables_fit_a_page(pieces):
    # compiled, lines joined by one newline ran together as one paragraph; a 60-row array fell off the page
    for name, body in pieces:
        if name.startswith("explain ") and body.count("$") > 2:
            assert "$\n$" not in body, name
            assert "$\n\n$" in body, name  # a blank line: a paragraph break between derivations
        for array in body.split(r"\begin{array}")[1:]:
            rows = array.split(r"\end{array}")[0].count("\\\\\n")
            assert rows <= MAX_ROWS, (name, rows)


def test_the_help_prints_the_preamble_latex_needs():
    for command in ("explain", "trace"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
            main([command, "--help"])
        help = " ".join(out.getvalue().split())
        assert r"\documentclass{article} \usepackage{amsmath}" in help, command


def test_a_big_sum_is_a_sum_over_its_index():
    line = explain(big_sum(), "x", format="latex")
    assert line.startswith(r"$\frac{\partial f}{\partial x} = \sum_{i} \frac{\partial f}{\partial u_{i}}")
    assert "U+" not in line  # the index ᵢ is a subscript, not a code point
