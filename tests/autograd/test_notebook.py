"""Jupyter: explain and delta_view print as text and show as math; nodes are named by their labels; a
Value shows as a small table. Labels are user text, so hostile ones must stay text in every form."""

import copy
import json
import pickle
import re

import pytest

from autograd import Value
from autograd.explain import DeltaView, Explanation, delta_view, explain, latex
from autograd.explain.write import code_span
from tests.support.graphs import chen

HOSTILE = ["`x`", "<img src=x onerror=alert(1)>", "a_b%&#$", "[a](javascript:alert(1))", "\\{x}^~*"]


# What HTML or Markdown could read as markup: a tag or comment opening (< before a letter, /, ! or ?), an
# entity (& before a letter or #), a code span or a link. LaTeX writes < as {<} and & as \&{} (commands
# that LaTeX and MathJax both have), which no HTML or Markdown parser reads as markup.
MARKUP = r"<[A-Za-z/!?]|&[A-Za-z#]|[`\[\]]"


def _hostile_graph():
    x, y, z, u, v = (Value(float(k), label) for k, label in enumerate(HOSTILE, 1))
    f = ((x * y).tanh() * z + u * v).named("f")
    return f, [x, y, z, u, v]


def _balanced(tex: str) -> bool:
    depth = 0
    for i, ch in enumerate(tex):
        if ch in "{}" and tex[i - 1] != "\\":
            depth += 1 if ch == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def test_explain_is_the_text_and_shows_as_typeset_math():
    node = chen()
    line = explain(node["f"], node["w5"])
    assert isinstance(line, str) and isinstance(line, Explanation)
    assert line == "∂f/∂w5 = ∂f/∂o1 · ∂o1/∂net_o1 · ∂net_o1/∂w5 = " + line.split(" = ", 2)[2]
    assert str(line) == line.text and f"{line}" == line  # print() and f-strings give today's text
    assert json.loads(json.dumps({"explain": line})) == {"explain": line}  # the page's data
    math = line._repr_markdown_()
    assert math.startswith(r"$$\frac{\partial f}{\partial w_{5}} = \frac{\partial f}{\partial o_{1}}")
    assert r"\frac{\partial \mathrm{net}_{\mathrm{o1}}}{\partial w_{5}}" in math and math.endswith(
        "0.08217$$"
    )
    assert line._repr_latex_() == math and _balanced(math) and "∂" not in math and "·" not in math


def test_the_format_asked_for_is_the_string_and_the_math_stays_the_same():
    node = chen()
    text = explain(node["f"], node["w5"])
    markdown = explain(node["f"], node["w5"], format="markdown")
    assert markdown == f"`{text}`" and markdown.text == text
    assert explain(node["f"], node["w5"], format="latex") == text._repr_latex_()[1:-1]
    assert markdown._repr_markdown_() == text._repr_markdown_()


def test_explanations_copy_and_pickle_as_strings_with_their_math():
    line = explain(chen()["f"], "w5")
    for clone in (copy.copy(line), copy.deepcopy(line), pickle.loads(pickle.dumps(line))):
        assert clone == line and clone._repr_markdown_() == line._repr_markdown_()


def test_a_node_or_its_label():
    node = chen()
    assert explain(node["f"], "w5") == explain(node["f"], node["w5"])
    assert explain(node["f"], "w1", format="latex") == explain(node["f"], node["w1"], format="latex")
    by_label = delta_view(node["f"], ["w1", "w5"])
    assert by_label == delta_view(node["f"], [node["w1"], node["w5"]])
    assert delta_view(node["f"], "w5") == delta_view(node["f"], [node["w5"]])  # one label, not letters


def test_an_unknown_label_names_it_and_lists_the_graphs_labels():
    node = chen()
    with pytest.raises(
        ValueError, match=r"explain: no node is labelled 'w9'; the graph's labels are"
    ) as caught:
        explain(node["f"], "w9")
    assert "'w5'" in str(caught.value) and str(caught.value).endswith(" and 11 more")
    with pytest.raises(ValueError, match=r"labels are 'net_o2', 'net_o1', 'net_h2', 'net_h1'"):
        explain(node["f"], "net_o3")  # the likeliest first
    with pytest.raises(ValueError, match=r"delta_view: no node is labelled 'W1'.* and \d+ more$"):
        delta_view(node["f"], ["w1", "W1"])
    with pytest.raises(ValueError, match="no node is labelled 'x'; this graph has no labels"):
        explain(Value(1.0) * 2.0, "x")


def test_a_label_two_nodes_share_is_an_error_too():
    a, b = Value(1.0, "w"), Value(2.0, "w")
    f = (a * b).named("f")
    with pytest.raises(ValueError, match="explain: 2 nodes are labelled 'w'; pass the node itself"):
        explain(f, "w")
    with pytest.raises(ValueError, match="delta_view: 2 nodes are labelled 'w'"):
        delta_view(f, ["w"])
    assert explain(f, a).endswith(" = 2")  # the node itself still works


def test_a_node_is_a_value_or_a_label():
    with pytest.raises(TypeError, match=r"explain: a node must be a Value or a label \(str\), got int 5"):
        explain(chen()["f"], 5)
    with pytest.raises(
        TypeError, match=r"delta_view: a node must be a Value or a label \(str\), got NoneType"
    ):
        delta_view(chen()["f"], [None])


def test_the_delta_view_is_a_list_of_lines_and_one_equation_each_in_jupyter():
    node = chen()
    lines = delta_view(node["f"], ["w1", "w5"])
    assert isinstance(lines, DeltaView) and isinstance(lines, list) and all(isinstance(x, str) for x in lines)
    assert "\n".join(lines).splitlines() == list(lines)  # the CLI joins them
    assert repr(lines) == repr([str(x) for x in lines])  # print(lines) shows what it showed
    markdown = lines._repr_markdown_()
    assert markdown.count("$$") == 2 * len(lines) and markdown.split("\n\n")[0] == lines[0]._repr_markdown_()
    assert r"\delta_{o_{1}} = \frac{\partial f}{\partial \mathrm{net}_{\mathrm{o1}}}" in markdown
    assert lines._repr_latex_().count("$$") == 2 * len(lines)


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_stay_text_in_markdown_and_latex(label):
    f, _ = _hostile_graph()
    line = explain(f, label)
    assert label in line  # the text shows the label as it is
    for shown in (line._repr_markdown_(), line._repr_latex_(), explain(f, label, format="latex")):
        assert not re.search(MARKUP, shown), shown  # nothing HTML or Markdown reads as markup
        assert _balanced(shown) and shown.count("$") - shown.count(r"\$") in (2, 4), shown
        assert "\ue0f0" not in shown and "\ue0f2" not in shown
    markdown = explain(f, label, format="markdown")
    assert _code_span_text(markdown) == line


def test_tex_specials_in_a_label_are_escaped():
    f, _ = _hostile_graph()
    tex = explain(f, "a_b%&#$")._repr_latex_()
    assert r"\partial \mathrm{a\_b\%\&{}\#\$}}" in tex
    assert r"\mathrm{\backslash{}\{x\}{}^{\wedge}{\sim}\ast{}}" in explain(f, "\\{x}^~*")._repr_latex_()
    assert r"\mathrm{{<}img\ src=x\ onerror=alert(1){>}}" in explain(f, HOSTILE[1])._repr_latex_()
    # without the graph's labels, the specials of the text are escaped all the same
    assert latex("∂f/∂q%&#$") == r"$\frac{\partial f}{\partial q\%\&{}\#\$}$"


def test_labels_are_whole_symbols_and_the_notation_never_reads_inside_them():
    x, y = Value(2.0, "x"), Value(3.0, "sig_x")
    f = (x.sigmoid() * y).named("f")
    tex = explain(f, x)._repr_latex_()
    assert r"\sigma (x)" in tex and r"\mathrm{sig}_{\mathrm{x}}" in tex
    assert latex("δ_o1 · o1²", ["o1"]) == r"$\delta_{o_{1}}  \cdot  o_{1}^{2}$"  # δ's o1 as the line's
    assert latex("1.5e−5 · w1e5", ["w1e5"]) == r"$1.5 \times 10^{-5}  \cdot  \mathrm{w1e5}$"
    # a power of ten beside an operator that binds tighter than its × is bracketed (an Adam step's v̂)
    assert latex("0.001 · 3e−5²") == r"$0.001  \cdot  (3 \times 10^{-5})^{2}$"
    assert latex("m/(√9e−10 + 1e−8)") == r"$m/(\surd (9 \times 10^{-10}) + 1 \times 10^{-8})$"


def _code_span_text(markdown: str) -> str:
    """The text of one CommonMark code span (the fence is the run of backticks it opens with)."""
    fence = re.match("`+", markdown)[0]
    assert markdown.endswith(fence) and markdown[len(fence) : -len(fence)].count(fence) == 0
    inner = markdown[len(fence) : -len(fence)]
    assert not re.search(f"(?<!`){fence}(?!`)", inner)  # no run as long as the fence inside
    return inner[1:-1] if inner.startswith(" ") and inner.endswith(" ") and inner.strip() else inner


def test_code_spans_hold_any_backticks():
    assert code_span("a") == "`a`"
    assert code_span("∂f/∂(`x`)") == "``∂f/∂(`x`)``"
    assert code_span("`x`") == "`` `x` ``" and _code_span_text(code_span("`x`")) == "`x`"
    assert _code_span_text(code_span("a ``` b")) == "a ``` b"
    assert code_span("a\n\nb") == "`a  b`"  # a blank line would end the paragraph


def test_a_value_shows_in_jupyter_as_a_table():
    node = chen()
    node["f"].backward()
    html = node["w5"]._repr_html_()
    assert html.startswith("<table>") and html.endswith("</table>")
    cells = re.findall(r"<t[hd]>(.*?)</t[hd]>", html)
    assert cells == ["label", "value", "grad", "op", "w5", "0.4", f"{node['w5'].grad:.6g}", "leaf"]
    assert re.findall(r"<td>(.*?)</td>", node["net_o1"]._repr_html_())[3] == "add"
    assert re.findall(r"<td>(.*?)</td>", (node["w5"] ** 2)._repr_html_())[3] == "pow (n = 2)"
    assert "<i>unlabelled</i>" in (node["w5"] * 2.0)._repr_html_()


def test_a_values_label_is_escaped_in_its_table():
    html = Value(1.0, "<img src=x onerror=alert(1)>")._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;&amp;" in Value(1.0, "<b>&")._repr_html_()


def test_words_in_the_math_are_upright_and_keep_their_spaces():
    assert latex("max(x, 1) · (1 if x > 1 else 0)", ["x"]) == (
        r"$\mathrm{max}(x, 1)  \cdot  (1 \text{ if } x {>} 1 \text{ else } 0)$"
    )
    assert latex("tanh(x·… (7 terms))", ["x"]) == r"$\tanh(x \cdot \dots (7\text{ terms}))$"
