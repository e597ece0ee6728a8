"""Random labels through the Python API's LaTeX: pdflatex compiles it, KaTeX and MathJax read it.

Labels are drawn from what teachers type (Greek letters θ η δ λ, ŷ precomposed and combining, primes,
subscripts, digits), TeX's specials (_ { } \\ % # & $ ~ ^), right-to-left text, emoji, and any other
Unicode character. Each drawn batch of labels goes through explain (text to LaTeX, and its notebook
form), the δ view, the trace tables, nn's optimizer steps and as running text (`text_mode`, a Beamer
deck's titles), and is compiled by one pdflatex run.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, trace
from autograd.explain import delta_view, explain, write_trace
from autograd.text.latex import PREAMBLE, math_symbol, text_mode
from nn.optim_explain import explain_step
from tests.support import latex as check

PIECES = [
    "θ", "η", "δ", "λ", "ŷ", "y\u0302", "x̄", "′", "'", "₁", "²", "_", "{", "}", "\\", "%", "#", "&", "$",
    "~", "^", "<", ">", "[", "]", "*", "`", '"', "שלום", "مرحبا", "😀", "é", "ß", "Σ", "∏", "x", "w", "1",
    "7", " ", "\n", "\t", "\u200b", "\u2068", "ж", "中", "net_", "(2)", "\\end{document}",
]  # fmt: skip
label = st.lists(
    st.one_of(st.sampled_from(PIECES), st.characters(blacklist_categories=("Cs",))), min_size=1, max_size=5
).map("".join)
labels = st.lists(label, min_size=6, max_size=14, unique=True)
# A few batches, each checked by one run of pdflatex or node; no shrinking (a run a step would take
# minutes): a failure shows the batch's labels, and each error names the output it comes from.
BATCHES = dict(
    max_examples=4,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)


def latex_of(names: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(pieces for pdflatex, notebook math for MathJax) of a graph whose nodes carry `names`."""
    leaves = [Value(0.5 + k / 10, name) for k, name in enumerate(names[:-2])]
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total * leaf - 0.25
    unit = total.named(names[-2]).sigmoid().named(names[-1])  # a unit, for the δ view
    root = (unit * 2).named("f")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # two labels may show alike: each view says so, once
        pieces = [
            (f"explain(f, {leaf.label!r}, format='latex')", explain(root, leaf, format="latex"))
            for leaf in leaves
        ]
        notebook = [explain(root, leaf).math() for leaf in leaves]
        pieces.append(("write_trace(…, format='latex')", write_trace(trace(root), format="latex")))
        deltas = delta_view(root, leaves[:2], "latex")
        pieces.append(("delta_view(…, 'latex')", "\n".join(deltas)))
        notebook += [line.math() for line in delta_view(root, leaves[:2])]
        root.backward()
        optimizer = nn.Adam(leaves[:1])
        pieces.append(
            (
                "explain_step(Adam, …, format='latex')",
                "\n".join(explain_step(optimizer, leaves[0], names[1], "latex")),
            )
        )
        # running text (a Beamer deck's titles and words): the labels as text, not maths
        pieces.append(("text_mode(labels)", "\n".join(map(text_mode, names))))
    return pieces, notebook


@pytest.mark.skipif(check.PDFLATEX is None, reason=check.NO_PDFLATEX)
@settings(**BATCHES)
@given(labels)
def test_random_labels_compile_with_pdflatex(names):
    pieces, _ = latex_of(names)
    for name, body in pieces:
        assert check.latin(body), (name, body)  # what pdflatex's fonts lack is written as code points
    with tempfile.TemporaryDirectory() as directory:
        errors = check.compile_pieces(pieces, Path(directory))
    assert not errors, "\n".join(errors[:10])


@pytest.mark.skipif(check.PDFLATEX is None, reason=check.NO_PDFLATEX)
def test_a_label_with_a_bidi_isolate_is_still_one_symbol():
    # the lines drop FSI/PDI (TeX orders its own math); the labels must be found without them too
    names = ["\u2068\x15wnet_", "δ中\u200b\\*", "\\", "\x00ŷ2", "\nwZλ中", "äk;\x84¯", "\u200bä\t", "\x90"]
    pieces, _ = latex_of(names)
    with tempfile.TemporaryDirectory() as directory:
        errors = check.compile_pieces(pieces, Path(directory))
    assert not errors, "\n".join(errors[:10])


def test_the_micro_sign_is_the_letter_mu():
    # µ (U+00B5, a keyboard's) was written as its code point; it is the Greek letter μ (U+03BC)
    assert math_symbol("µ1") == math_symbol("μ1") == r"\mu_{1}"
    assert math_symbol("µ") == r"\mu"


@pytest.mark.skipif(check.PDFLATEX is None, reason=check.NO_PDFLATEX)
def test_superscripts_one_after_another_compile():
    # hypothesis found ¹° (^{1}^{\circ}), a "Double superscript" in TeX; x²′ is the same fault
    names = ["¹°$مرحبا`", "x²′", "°°", "w¹²³°", "a′²", "β₁²°"]
    assert math_symbol("x²′") == r"\mathrm{x^{2}{}'}"
    pieces, _ = latex_of(names)
    with tempfile.TemporaryDirectory() as directory:
        errors = check.compile_pieces(pieces, Path(directory))
    assert not errors, "\n".join(errors[:10])
    items = [tex for _, body in pieces for tex in check.math_of(body)]
    if check.NODE_KATEX is not None:
        assert all(r["ok"] for r in check.katex(items))


@pytest.mark.skipif(check.NODE_KATEX is None, reason=check.NO_KATEX)
@settings(**BATCHES)
@given(labels)
def test_random_labels_are_read_by_katex(names):
    pieces, _ = latex_of(names)
    items = [tex for _, body in pieces for tex in check.math_of(body)]
    failed = [(tex, r["error"]) for tex, r in zip(items, check.katex(items)) if not r["ok"]]
    assert not failed, failed[:3]


@pytest.mark.skipif(check.NODE_MATHJAX is None, reason=check.NO_MATHJAX)
@settings(**BATCHES)
@given(labels)
def test_random_labels_are_read_by_mathjax_as_latex_and_in_a_notebook(names):
    pieces, notebook = latex_of(names)
    items = [tex for _, body in pieces for tex in check.math_of(body)] + notebook
    failed = [(tex, r["error"]) for tex, r in zip(items, check.mathjax(items)) if not r["ok"]]
    assert not failed, failed[:3]


@pytest.mark.parametrize(
    "label, symbol",
    [
        ("θ", r"\theta"), ("η", r"\eta"), ("λ", r"\lambda"), ("δ_o1", r"\mathrm{\delta}_{\mathrm{o1}}"),
        ("ŷ", r"\hat{y}"), ("y\u0302", r"\hat{y}"), ("x′", "x'"), ("θ1", r"\theta_{1}"), ("w5", "w_{5}"),
        ("net_o1", r"\mathrm{net}_{\mathrm{o1}}"), ("a_b%", r"\mathrm{a\_b\%}"),
        ("café", r"\mathrm{caf\acute{e}}"), ("Straße", r"\mathrm{Stra\text{ß}e}"),
        ("שלום", r"\mathrm{\langle\text{U+05E9 U+05DC U+05D5 U+05DD}\rangle }"),
        ("x²", r"\mathrm{x^{2}}"), ("a\nb", r"\mathrm{a\ b}"),
        ("x^2", r"\mathrm{x{}^{\wedge}2}"), ("~t", r"\mathrm{{\sim}t}"),
    ],
)  # fmt: skip
def test_a_label_is_one_symbol(label, symbol):
    assert math_symbol(label) == symbol


def test_notebooks_keep_what_pdflatex_lacks_as_text():
    assert math_symbol("שלום", unicode=True) == r"\mathrm{\text{שלום}}"
    f = (Value(2.0, "😀") * 3).named("f")
    assert r"\text{😀}" in explain(f, "😀")._repr_latex_()
    assert r"\langle\text{U+1F600}\rangle" in explain(f, "😀", format="latex")


def test_caret_and_tilde_print_as_characters_not_accents():
    # \hat{} and \tilde{} printed x̂2 and a stray accent: ^ as a raised wedge, ~ as \sim
    for label in ("x^2", "~t", "a^b~c"):
        assert r"\hat" not in math_symbol(label) and r"\tilde" not in math_symbol(label), label


def test_a_delta_names_its_unit_as_the_line_writes_it():
    # δ for a unit labelled y_6: its subscript as the rest of the line writes y_6, not upright y\_6
    x = Value(0.5, "x")
    net = (x * Value(2.0, "w")).named("net_6")
    root = (net.sigmoid().named("y_6") * 2).named("f")
    line = delta_view(root, ["w"], "latex")[0]
    assert line.startswith(r"$\delta_{\mathrm{y}_{\mathrm{6}}} = "), line
    assert r"\_" not in line


def test_the_preamble_is_article_and_amsmath():
    assert check.PREAMBLE == PREAMBLE
