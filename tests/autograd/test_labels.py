"""Labels are user text in every view: duplicates told apart, hostile text kept as text, right-to-left
labels isolated.

One set of hostile labels goes through every format: text, Markdown (rendered by markdown-it-py and
loaded in headless Chromium, as a notebook shows it), LaTeX (compiled by LaTeX where installed, and read
by MathJax where node can find mathjax-full), HTML (the page, in Chromium), SVG and DOT.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import Value, forward_order, trace
from autograd.explain import delta_view, explain, write_trace
from autograd.page import html
from autograd.page.data import graph_data
from autograd.render import backward_steps, draw, forward_steps, render
from autograd.render.slide_draw import MAX_NAME_CHARS
from autograd.text import FSI, MAX_PICTURE_LABEL, PDI, names, picture_text
from tests.support.browser import chromium as launched_chromium

PWN = "window.__pwned=1"
HOSTILE = [
    "a`b",
    "`x`",
    f"<img src=x onerror={PWN}>",
    f"`<img src=x onerror={PWN}>`",
    f"</script><script>{PWN}</script>",
    "50%",
    "a&b",
    "&lt;",
    "$x$",
    "\\",
    "\\end{document}",
    "{}",
    "}{",
    "a_b",
    "x^2",
    "#1",
    "'\"",
    "a\nb",
    "[a](javascript:alert(1))",
    "שלום",
    "مرحبا",
]
RTL = ["שלום", "مرحبا", "מחיר"]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def hostile_graph(labels=HOSTILE) -> Value:
    """Each label on a leaf and on a computed node, so that labels meet formulas, numbers and each other."""
    leaves = [Value(0.5 + k / 10, label) for k, label in enumerate(labels)]
    total = leaves[0]
    for k, leaf in enumerate(leaves[1:], 1):
        total = (total * leaf - 0.25).named(f"{labels[k]}'")
    return (total * 2).named("f")


def views_text(root: Value) -> list[str]:
    """Every text view of `root`'s graph: explanations, captions, the trace, the δ view."""
    nodes = forward_order(root)
    out = [explain(root, n) for n in nodes if n.label]
    out += [s.caption for s in backward_steps(root) + forward_steps(root)]
    out.append(write_trace(trace(root)))
    return out


# --- duplicate labels ----------------------------------------------------------------------------------


def duplicated():
    a = Value(2.0, "h")
    b = (a * 3).named("h")
    c = (b * b).named("c")
    return a, b, c


def test_two_nodes_with_one_label_warn_once_and_are_told_apart_in_text():
    a, _, c = duplicated()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(2):  # once per line of the user's code
            line = explain(c, a)
    messages = [str(w.message) for w in caught]
    assert messages == [
        "2 different nodes are labelled 'h'; they are shown as 'h', 'h (2)'…; give them different labels"
    ]
    assert caught[0].filename == __file__  # the user's line, not the library's
    assert line == "∂c/∂h = ∂c/∂(h (2)) · ∂(h (2))/∂h = ((h (2)) + (h (2))) · 3 = 12 · 3 = 36"
    assert "∂h/∂h" not in line
    assert r"\frac{\partial c}{\partial \mathrm{h\ (2)}}" in explain(c, a, format="latex")  # one symbol
    with pytest.warns(UserWarning, match="2 different nodes are labelled 'h'"):
        steps = backward_steps(c)
    assert [s.caption.split(" = ")[0] for s in steps] == [
        "∂c/∂c", "∂c/∂(h (2))", "∂c/∂h", "∂c/∂3 (the constant in h (2))"
    ]  # fmt: skip
    with pytest.warns(UserWarning):
        text = write_trace(trace(c))
    assert "  v₁  h (2)  = v₀·3" in text and "  v₀  h      = 2" in text


def test_a_numbered_name_a_user_already_took_is_skipped():
    x = Value(1.0, "h")
    y = (x + Value(1.0, "h (2)")).named("h")
    z = (y * Value(2.0, "h")).named("z")
    with pytest.warns(UserWarning, match="3 different nodes are labelled 'h'"):
        shown = sorted(name.text for name in names(forward_order(z)).values())
    assert shown == ["h", "h (2)", "h (3)", "h (4)", "z"]


@needs_dot
def test_duplicates_are_told_apart_in_pictures_and_on_the_page(tmp_path):
    _, _, c = duplicated()
    c.backward()
    with pytest.warns(UserWarning):
        source = draw(c).source
    assert "h (2)" in source
    with pytest.warns(UserWarning):
        svg = render(c, tmp_path / "g.svg").read_text()
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "h" in texts and "h (2)" in texts
    with pytest.warns(UserWarning):
        data = graph_data(c, None, 1.0, None, 4)
    assert sorted(n["name"] for n in data["nodes"]) == ["3", "c", "h", "h (2)"]


# --- hostile labels through every format --------------------------------------------------------------


def test_text_shows_every_label_as_it_is():
    root = hostile_graph()
    for label in HOSTILE:
        shown = label if label not in RTL else f"{FSI}{label}{PDI}"
        assert shown in explain(root, label)


def markdown_outputs(root: Value) -> list[str]:
    labels = [n.label for n in forward_order(root) if n.label and n.op is None]
    out = []
    for label in labels:
        e = explain(root, label, format="markdown")
        out += [str(e), e._repr_markdown_()]
    out.append(write_trace(trace(root), format="markdown"))
    return out


def latex_outputs(root: Value) -> list[str]:
    labels = [n.label for n in forward_order(root) if n.label and n.op is None]
    out = []
    for label in labels:
        e = explain(root, label, format="latex")
        out += [str(e), e._repr_latex_()]
    return out


@pytest.fixture(scope="module", name="chromium")
def chromium_browser():
    with launched_chromium() as launched:
        yield launched


HANDLERS_MS = 300  # an onerror handler runs once the broken image fails: a page is given this long


def load(
    browser, content: str | None = None, url: str | None = None, wait: bool = True
) -> tuple[object, list[str]]:
    """A page of `browser` (or of a context of it) with `content` (or at `url`), the dialogs it opened
    (none may be); `wait=False` leaves the wait for its handlers to the caller (pages opened together
    wait once)."""
    tab = browser.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    if url:
        tab.goto(url)
    else:
        tab.set_content(content)
    if wait:
        tab.wait_for_timeout(HANDLERS_MS)
    return tab, dialogs


def test_markdown_as_a_notebook_renders_it_runs_no_script_and_shows_labels_as_text(chromium):
    markdown_it = pytest.importorskip("markdown_it", reason="needs markdown-it-py (the test extra)")
    md = markdown_it.MarkdownIt("commonmark")  # raw HTML on, as notebooks render Markdown
    root = hostile_graph()
    # each output in a page of its own (one browser context: a fresh one per page costs 3× the page), all
    # open while their handlers get their time, once
    context = chromium.new_context()
    pages = []
    for text in markdown_outputs(root):
        rendered = md.render(text)
        body = f"<!doctype html><meta charset=utf-8><body>{rendered}</body>"
        pages.append((text, rendered, *load(context, body, wait=False)))
    pages[-1][2].wait_for_timeout(HANDLERS_MS)
    for text, rendered, tab, dialogs in pages:
        assert tab.evaluate("window.__pwned") is None and dialogs == [], text
        assert tab.evaluate("document.querySelectorAll('img, script, a, iframe').length") == 0, rendered
    context.close()
    # a code span shows the label exactly, as text
    e = explain(root, HOSTILE[3], format="markdown")
    tab, _ = load(chromium, md.render(str(e)))
    assert tab.text_content("code") == e.text.replace("\n", " ")
    tab.close()


MARKUP = r"<[A-Za-z/!?]|&[A-Za-z#]"


def test_latex_holds_no_markup_and_every_special_is_escaped():
    for tex in latex_outputs(hostile_graph()):
        assert not re.search(MARKUP, tex), tex
        unescaped = re.sub(r"\\.", "", tex)
        assert not re.search(r"[%&#]", unescaped), tex  # % comments out, & aligns, # is a parameter
        assert r"\lt" not in tex and r"\gt" not in tex and r"\And" not in tex  # MathJax only
        assert FSI not in tex and PDI not in tex


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="LaTeX (pdflatex) is not installed")
def test_latex_compiles_in_latex(tmp_path):
    root = hostile_graph([label for label in HOSTILE if label.isascii()])  # pdflatex has no Hebrew fonts
    arrays = re.findall(r"\\begin\{array\}.*?\\end\{array\}", write_trace(trace(root), format="latex"), re.S)
    body = "\n\n".join(latex_outputs(root) + [rf"\[{array}\]" for array in arrays])
    document = (
        "\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n" + body + "\n\\end{document}\n"
    )
    (tmp_path / "labels.tex").write_text(document)
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "labels.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-3000:]


def _mathjax() -> str | None:
    node = shutil.which("node")
    if node is None:
        return None
    found = subprocess.run([node, "-e", "require.resolve('mathjax-full/js/mathjax.js')"], capture_output=True)
    return node if found.returncode == 0 else None


@pytest.mark.skipif(_mathjax() is None, reason="node cannot find mathjax-full (set NODE_PATH)")
def test_latex_is_read_by_mathjax_without_errors_or_raw_commands():
    script = Path(__file__).with_name("mathjax_check.js")
    root = hostile_graph()
    items = [t.strip("$") for t in latex_outputs(root)]
    items += [
        line.split(" & ", 2)[1]
        for line in write_trace(trace(root), format="latex").splitlines()
        if " & " in line
    ]
    run = subprocess.run(
        [_mathjax(), str(script)], input=json.dumps(items), capture_output=True, text=True, timeout=120
    )
    results = json.loads(run.stdout)
    for tex, result in zip(items, results):
        assert result["ok"], (tex, result)
        texts = re.findall(r"<mtext[^>]*>(.*?)</mtext>", result["mml"])
        assert not any("\\" in t for t in texts), (tex, texts)  # no command shown as text


def test_the_page_runs_no_script_from_labels_and_shows_them_as_text(chromium, tmp_path):
    root = hostile_graph()
    root.backward()
    path = tmp_path / "page.html"
    path.write_text(html(root))
    tab, dialogs = load(chromium, url=path.as_uri())
    assert tab.evaluate("window.__pwned") is None and dialogs == []
    shown = tab.evaluate("Array.from(document.querySelectorAll('svg text')).map((t) => t.textContent)")
    for label in HOSTILE:  # a box holds the label on one line, shortened past MAX_PICTURE_LABEL
        box = picture_text(f"{FSI}{label}{PDI}" if label in RTL else label, MAX_PICTURE_LABEL)
        assert any(box in text for text in shown), label
    tab.close()


@needs_dot
@pytest.mark.parametrize("view, longest", [("slide", MAX_NAME_CHARS), ("full", MAX_PICTURE_LABEL)])
def test_svg_holds_the_labels_as_text_and_nothing_active(tmp_path, view, longest):
    root = hostile_graph()
    svg = render(root, tmp_path / "g.svg", view=view).read_text()
    tree = ET.fromstring(svg)
    tags = {element.tag.split("}")[1] for element in tree.iter()}
    assert not tags & {"script", "foreignObject", "image", "iframe"}
    assert not any(k.startswith("on") for element in tree.iter() for k in element.attrib)
    texts = [t.text or "" for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    for label in HOSTILE:  # one line (a newline written `\n`), shortened past the view's longest name
        shown = picture_text(f"{FSI}{label}{PDI}" if label in RTL else label, longest)
        assert any(shown in text for text in texts), label


@needs_dot
def test_dot_source_is_valid_for_graphviz():
    source = draw(hostile_graph()).source
    run = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and not run.stderr, run.stderr


# --- right-to-left labels --------------------------------------------------------------------------------


def rtl_graph() -> Value:
    price = Value(-2.0, "מחיר")
    cost = (price * 3 - 1).named("مرحبا")
    return (cost * cost).named("שלום")


def _isolated_everywhere(text: str) -> None:
    for label in RTL:
        for m in re.finditer(re.escape(label), text):
            assert text[m.start() - 1] == FSI and text[m.end()] == PDI, text


def test_rtl_labels_are_isolated_in_every_text_view():
    root = rtl_graph()
    views = [*views_text(root), explain(root, "מחיר", format="markdown")]
    views += delta_view(root, []) or []
    assert sum(label in v for v in views for label in RTL) > 10
    for text in views:
        _isolated_everywhere(text)
    # the line reads in written order: the result comes last, each minus sign before its number
    line = explain(root, "מחיר")
    y, x, cost = (f"{FSI}{label}{PDI}" for label in ("שלום", "מחיר", "مرحبا"))
    assert line == f"∂{y}/∂{x} = ∂{y}/∂{cost} · ∂{cost}/∂{x} = ({cost} + {cost}) · 3 = (−14) · 3 = −42"


@needs_dot
def test_rtl_labels_are_isolated_in_pictures_and_on_the_page(tmp_path):
    root = rtl_graph()
    root.backward()
    _isolated_everywhere(draw(root).source)
    svg = render(root, tmp_path / "g.svg").read_text()
    _isolated_everywhere(svg)
    data = graph_data(root, None, 1.0, None, 4)
    shown = [
        {k: v for k, v in node.items() if k != "label"} for node in data["nodes"]
    ]  # the raw label: a key
    _isolated_everywhere(json.dumps(shown, ensure_ascii=False))


# The characters of an element's text in the order they stand on screen, left to right (isolates left out).
ON_SCREEN = """(selector) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT), range = document.createRange();
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      if ('\\u2068\\u2069\\n'.includes(node.data[i])) continue;
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      chars.push([node.data[i], box.y, box.x]);
    }
  }
  chars.sort((p, q) => (Math.abs(p[1] - q[1]) > 4 ? p[1] - q[1] : p[2] - q[2]));
  return chars.map((c) => c[0]).join('');
}"""


def test_on_the_page_every_caption_with_rtl_labels_reads_in_written_order(chromium, tmp_path):
    root = rtl_graph()
    root.backward()
    path = tmp_path / "page.html"
    path.write_text(html(root))
    tab, _ = load(chromium, url=path.as_uri())
    captions = 0
    for _ in range(len(backward_steps(root)) + len(forward_steps(root))):
        tab.keyboard.press("ArrowRight")
        logical = tab.text_content("#caption")
        if not any(label in logical for label in RTL):
            continue
        # written order: outside the labels every character stands where it was written (the minus
        # before its number, the result last); a label's own letters run right to left
        written = re.sub(f"{FSI}(.*?){PDI}", lambda m: m[1][::-1], logical).replace("\n", "")
        assert tab.evaluate(ON_SCREEN, "#caption") == written, logical
        captions += 1
    assert captions >= 4
    tab.close()
