"""The interactive page in a real browser (headless Chromium through Playwright), and `chainrule page`.

Needs the Python package `playwright` (no browser download: it drives Debian's /usr/bin/chromium) and
Graphviz's `dot`. Every number the page shows is compared with the engine's.
"""

import math
import os
import re
import shutil
from pathlib import Path

import pytest

from autograd import OPS, Value, topological_order
from autograd import max as maximum
from autograd.explain import explain
from autograd.graph import teaching_order
from autograd.page import page, show
from autograd.render import backward_steps, forward_steps
from autograd.text import number
from demos.examples import catalog
from tests.support.cli import chainrule
from tests.support.graphs import recompute
from tests.support.page import SHOWN

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def open_page(tab, tmp_path, roots, name="page.html", **options):
    options.setdefault("picture", "full")  # these tests check the full graph node by node
    path = page(roots, tmp_path / name, **options)
    tab.goto(path.as_uri())
    return path


def open_example(tab, tmp_path, name):
    example = catalog.get(name)
    graph = example.build()
    root = graph.outputs[0]
    open_page(tab, tmp_path, root, roles=example.node_roles(), upstream=graph.upstream)
    return root, topological_order(root)[::-1]


def assert_close(page_numbers, engine_numbers):
    assert len(page_numbers) == len(engine_numbers)
    for k, (shown, engine) in enumerate(zip(page_numbers, engine_numbers)):
        assert shown == pytest.approx(engine, rel=1e-12, abs=1e-15), f"node {k}"


@pytest.mark.parametrize("name", ["chen-2-2-2", "softmax-ce", "bishop-2-2-2"])
def test_stepping_to_the_end_shows_every_value_and_gradient_of_the_engine(tab, tmp_path, name):
    _, nodes = open_example(tab, tmp_path, name)
    shown = tab.evaluate(SHOWN)  # at the start only the leaves' values are known
    assert all(entry["grad"] == "" for entry in shown.values())
    assert all((shown[str(k)].get("value") == "") == (n.op is not None) for k, n in enumerate(nodes))
    total = sum(1 for n in nodes if n.op is not None) + len(nodes)
    for _ in range(total if name == "chen-2-2-2" else 1):  # one example by single steps, the rest jump
        tab.keyboard.press("ArrowRight" if name == "chen-2-2-2" else "End")
    assert tab.text_content("#counter").startswith(f"step {total} of {total}")
    shown = tab.evaluate(SHOWN)
    for k, node in enumerate(nodes):
        assert shown[str(k)]["grad"] == number(node.grad), node.describe()
        if "value" in shown[str(k)]:
            assert shown[str(k)]["value"] == number(node.data), node.describe()
    assert_close(tab.evaluate("chainrule.grads()"), [n.grad for n in nodes])
    assert_close(tab.evaluate("chainrule.values()"), [n.data for n in nodes])


EDGES = """() => Array.from(document.querySelectorAll('.graph-pane:not([hidden]) g.edge'))
  .map(g => [g.id, g.querySelector('text') ? g.querySelector('text').textContent : null])"""


def test_nodes_and_edges_are_found_by_id_and_no_internal_id_shows(tab, tmp_path):
    x = Value(-3.0, "x")
    root = (x * x + x).named("f")  # x·x: two edges from one parent, told apart by operand position
    root.backward()
    nodes = topological_order(root)[::-1]
    html = open_page(tab, tmp_path, root).read_text(encoding="utf-8")
    assert not re.search(r"<title>\s*n\d+", html)
    tab.keyboard.press("End")
    assert tab.evaluate("document.querySelectorAll('g.node[data-node]').length") == len(nodes)
    locals_shown = {}
    for element_id, text in tab.evaluate(EDGES):
        parent, user, i = map(int, re.fullmatch(r"g0-edge-(\d+)-(\d+)-(\d+)", element_id).groups())
        assert nodes[user].parents[i] is nodes[parent]
        locals_shown[user, i] = text
    expected = {(k, i): number(d) for k, n in enumerate(nodes) for i, d in enumerate(n.local)}
    assert locals_shown == expected  # x·x shows −3 twice, x's edge into + shows 1
    hovers = tab.evaluate("Array.from(document.querySelectorAll('svg title, svg a'), e => e.outerHTML)")
    assert hovers == []


@pytest.mark.parametrize("name", ["chen-2-2-2", "softmax-ce", "hinge"])
def test_captions_are_the_renderers_chain_rule_steps(tab, tmp_path, name):
    root, nodes = open_example(tab, tmp_path, name)
    index = {node: k for k, node in enumerate(nodes)}
    for step in backward_steps(root):
        assert tab.evaluate(f"chainrule.caption({index[step.node]}, true)") == step.caption
    for step in forward_steps(root):
        assert tab.evaluate(f"chainrule.caption({index[step.node]}, false)") == step.caption
    # On screen: the first forward step, then (after End and back) the last backward step.
    tab.keyboard.press("ArrowRight")
    assert tab.text_content("#caption") == forward_steps(root)[0].caption
    tab.keyboard.press("End")  # the last backward step: the slides' order ends at this node
    last = teaching_order(root)[-1]
    assert tab.text_content("#caption") == next(s.caption for s in backward_steps(root) if s.node is last)
    current = tab.locator("g.node.current").get_attribute("data-node")
    assert current == str(index[teaching_order(root)[-1]])


def test_every_example_every_output_equals_the_engine(tab, tmp_path):
    # Every op the slides use, in real graphs (hinge's max, xor's step, softmax's exp and log...).
    for name, example in catalog.EXAMPLES.items():
        graph = example.build()
        open_page(tab, tmp_path, graph.outputs, name=f"{name}.html", upstream=graph.upstream)
        assert tab.locator("#warnings").is_hidden(), tab.text_content("#warnings")
        for i, root in enumerate(graph.outputs):
            if i:
                tab.select_option("#case", index=i)
            nodes = topological_order(root)[::-1]
            assert_close(tab.evaluate("chainrule.grads()"), [n.grad for n in nodes])
            assert_close(tab.evaluate("chainrule.values()"), [n.data for n in nodes])


def test_keys_and_buttons_step_play_and_reset(tab, tmp_path):
    open_example(tab, tmp_path, "x-times-w")

    def step():
        return int(tab.text_content("#counter").split()[1])

    for key in ("ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"):
        tab.keyboard.press(key)
    assert step() == 2
    tab.click("#forward")
    assert step() == 3 and tab.locator("g.node.current").count() == 1
    tab.keyboard.press("r")
    assert step() == 0 and tab.locator("g.node.current").count() == 0
    assert tab.is_disabled("#back")
    tab.keyboard.press(" ")  # play: the page steps on by itself until paused
    assert tab.text_content("#play") == "❚❚ pause"
    tab.wait_for_function("() => Number(document.querySelector('#counter').textContent.split(' ')[1]) >= 2")
    tab.keyboard.press(" ")
    assert tab.text_content("#play") == "▶ play"
    tab.click("#end")
    assert tab.is_disabled("#forward")


def test_clicking_a_node_explains_it(tab, tmp_path):
    root, nodes = open_example(tab, tmp_path, "chen-2-2-2")
    w5 = next(k for k, n in enumerate(nodes) if n.label == "w5")
    tab.keyboard.press("End")
    tab.click(f"g.node[data-node='{w5}']")
    assert tab.text_content("#details .name") == "w5"
    assert explain(root, nodes[w5]) in tab.locator("#details .caption").all_text_contents()
    assert tab.locator("g.node.selected").get_attribute("data-node") == str(w5)


@pytest.mark.parametrize(("name", "label", "x"), [("chen-2-2-2", "w5", 0.9), ("softmax-ce", "s_car", -2.5),
                                                  ("bishop-2-2-2", "W1_11", -1.3)])  # fmt: skip
def test_what_if_recomputes_like_the_engine(tab, tmp_path, name, label, x):
    root, nodes = open_example(tab, tmp_path, name)
    k = next(k for k, n in enumerate(nodes) if n.label == label)
    field = tab.locator(f'#whatif input[data-node="{k}"]')
    field.fill(str(x))
    field.press("Enter")
    values, grads = recompute(root, {label: x})
    assert values[k] == x and values != [n.data for n in nodes]
    assert_close(tab.evaluate("chainrule.values()"), values)
    assert_close(tab.evaluate("chainrule.grads()"), grads)
    tab.keyboard.press("End")
    assert tab.evaluate(SHOWN)[str(len(nodes) - 1)]["value"] == number(values[-1])
    tab.click("#restore")
    assert_close(tab.evaluate("chainrule.grads()"), [n.grad for n in nodes])


def test_longer_numbers_after_an_edit_stay_clear_of_their_keys(tab, tmp_path):
    x = Value(0.5, "x")
    y = (x * x).named("y")
    y.backward()
    open_page(tab, tmp_path, y)
    field = tab.locator('#whatif input[data-node="0"]')
    field.fill("-0.000123456")
    field.press("Enter")
    tab.keyboard.press("End")
    overlaps = tab.evaluate("""() => Array.from(document.querySelectorAll('g.node text')).filter(t =>
        t.textContent === 'value' || t.textContent === 'grad').map(key => {
          const number = key.nextElementSibling, k = key.getBBox(), n = number.getBBox();
          return [number.textContent, n.x - (k.x + k.width)]; })""")
    assert {text for text, _ in overlaps} >= {"−0.0001235", "1.524e−8", "−0.0002469"}
    assert all(gap >= 0 for _, gap in overlaps), overlaps


def test_a_bad_edit_is_a_clear_message_never_nan(tab, tmp_path):
    x, w = Value(2.0, "x"), Value(0.5, "w")
    loss = (x.log().named("y") * w).named("loss")
    loss.backward()
    open_page(tab, tmp_path, loss)
    tab.keyboard.press("End")
    before = tab.evaluate("chainrule.values()")
    field = tab.locator('#whatif input[data-node="0"]')
    bad = [("-1", "y = log(a) is not a real number at a = −1 (x)"), ("0", "infinite"),
           ("abc", '"abc" is not a finite number'), ("1e999", "not a finite number")]  # fmt: skip
    for typed, message in bad:
        field.fill(typed)
        field.press("Enter")
        assert tab.is_visible("#error")
        assert message in tab.text_content("#error")
        assert tab.evaluate("chainrule.values()") == before
        assert "NaN" not in tab.inner_text("body") and "Infinity" not in tab.inner_text("body")
    field.fill("3")
    field.press("Enter")
    assert not tab.is_visible("#error")
    assert_close(tab.evaluate("chainrule.grads()"), recompute(loss, {"x": 3.0})[1])


def test_quiz_says_right_or_wrong_and_shows_the_missed_step(tab, tmp_path):
    root, nodes = open_example(tab, tmp_path, "chen-2-2-2")
    steps = {step.node: step.caption for step in backward_steps(root)}
    tab.check("#quiz-mode")
    assert all(entry["grad"] == "?" for entry in tab.evaluate(SHOWN).values())
    k = int(tab.get_attribute("#answer", "data-node"))
    truth = nodes[k].grad
    tab.fill("#answer", str(truth * 1.5 + 0.01))
    tab.press("#answer", "Enter")
    assert "Not quite" in tab.text_content("#verdict")
    assert tab.text_content("#missed") == steps[nodes[k]]
    tab.fill("#answer", number(truth).replace("−", "-"))
    tab.click("#check")
    assert tab.text_content("#verdict").startswith("Right")
    assert tab.evaluate(SHOWN)[str(k)]["grad"] == number(truth)
    assert int(tab.get_attribute("#answer", "data-node")) != k  # on to the next gradient
    w5 = next(k for k, n in enumerate(nodes) if n.label == "w5")  # clicking a node asks about it
    tab.click(f"g.node[data-node='{w5}']")
    assert tab.get_attribute("#answer", "data-node") == str(w5)


HOSTILE = ["<img src=x onerror=window.pwned=1>", "</script><script>window.pwned=2</script>",
           '"><svg onload=window.pwned=3>', "<!--"]  # fmt: skip


def test_labels_are_text_never_markup(tab, tmp_path):
    a, b, c = (Value(v, label) for v, label in zip((1.0, 2.0, 3.0), HOSTILE))
    loss = (a * b + c).named(HOSTILE[3])
    loss.backward()
    open_page(tab, tmp_path, loss, title=HOSTILE[0])
    assert tab.evaluate("window.pwned") is None
    texts = tab.evaluate("Array.from(document.querySelectorAll('svg text')).map(t => t.textContent)")
    for label in HOSTILE:
        assert label in texts
        assert tab.locator(f"#whatif span:text-is('{label}')").count() == (label != HOSTILE[3])
    tab.click("g.node >> nth=0")
    assert tab.text_content("#details .name") == HOSTILE[0]
    assert tab.title() == HOSTILE[0]
    injected = "img, svg svg, script:not([nonce]):not([type])"
    assert tab.evaluate(f"document.querySelectorAll('{injected}').length") == 0
    assert tab.evaluate("document.querySelectorAll('svg').length") == 1
    assert tab.evaluate("window.pwned") is None


def test_rules_in_the_browser_equal_the_engine(tab, tmp_path):
    x = Value(0.5, "x")
    open_page(tab, tmp_path, x.tanh())
    points = [-3.7, -1.2, -0.3, 0.2, 0.9, 2.6, 4.1]
    params = {"pow": [{"n": n} for n in (-2, -1, 0, 1, 2, 3, 0.5, 2.5)], "leaky_relu": [{"slope": 0.01},
              {"slope": 0.2}]}  # fmt: skip
    cases = []
    for name, op in OPS.items():
        for p in params.get(name, [{}]):
            for a in points:
                for b in points if op.arity == 2 else [None]:
                    xs = (a,) if b is None else (a, b)
                    if (op.domain and op.domain(*xs, **p)) or (
                        name in ("max", "min") and a == b
                    ):  # ties: see below
                        continue
                    out = op.forward(*xs, **p)
                    cases.append([name, a, b, p, out, list(op.local_grads(*xs, out=out, **p))])
    got = tab.evaluate(
        "cases => cases.map(([name, a, b, p]) => { const out = RULES[name].forward(a, b, p);"
        " return [out, RULES[name].grads(a, b, out, p)]; })",
        cases,
    )
    assert len(cases) > 300
    for (name, a, b, p, out, local), (js_out, js_local) in zip(cases, got):
        assert js_out == pytest.approx(out, rel=1e-12, abs=1e-300), (name, a, b, p)
        for js, py in zip(js_local, local):
            assert js == pytest.approx(py, rel=1e-12, abs=1e-300), (name, a, b, p)


def test_a_tie_is_split_on_the_page_as_in_the_engine(tab, tmp_path):
    # the rule table's text says what its code does at a tie, so the page needs no warning there
    a, b = Value(1.0, "a"), Value(1.0, "b")
    m = maximum(a, b).named("m")
    m.backward()
    assert (a.grad, b.grad) == (0.5, 0.5)
    open_page(tab, tmp_path, m)
    tab.keyboard.press("End")
    nodes = topological_order(m)[::-1]
    assert_close(tab.evaluate("chainrule.grads()"), [n.grad for n in nodes])
    assert not tab.is_visible("#warnings")


def test_an_upstream_gradient_and_several_outputs(tab, tmp_path):
    example = catalog.get("mul-gate")
    graph = example.build()
    root = graph.outputs[0]
    open_page(tab, tmp_path, root, upstream=graph.upstream, loss="L")
    tab.keyboard.press("End")
    nodes = topological_order(root)[::-1]
    assert_close(tab.evaluate("chainrule.grads()"), [n.grad for n in nodes])
    assert tab.evaluate("chainrule.grads()")[-1] == 5.0
    assert tab.text_content("#caption").startswith("∂L/∂")

    outputs = catalog.get("chen-losses").build().outputs
    open_page(tab, tmp_path, outputs, name="losses.html")
    assert tab.locator("#case option").count() == len(outputs)
    tab.select_option("#case", index=2)
    nodes = topological_order(outputs[2])[::-1]
    assert_close(tab.evaluate("chainrule.grads()"), [n.grad for n in nodes])
    tab.keyboard.press("End")
    shown = tab.evaluate(SHOWN)
    assert [shown[str(k)]["grad"] for k in range(len(nodes))] == [number(n.grad) for n in nodes]
    assert tab.locator(".graph-pane:not([hidden])").count() == 1


def test_the_page_runs_inside_a_jupyter_style_iframe(tab, tmp_path):
    x = Value(3.0, "x")
    y = (x * x).named("y")
    y.backward()
    frame_html = show(y)._repr_html_()
    assert frame_html.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in frame_html
    (tmp_path / "notebook.html").write_text(frame_html, encoding="utf-8")
    tab.goto((tmp_path / "notebook.html").as_uri())
    frame = tab.frames[1]
    frame.wait_for_selector("#counter")
    frame.press("body", "End")
    assert frame.evaluate("chainrule.grads()") == [6.0, 1.0]


def test_screenshot(tab, tmp_path):
    open_example(tab, tmp_path, "chen-2-2-2")
    tab.keyboard.press("End")
    for _ in range(20):
        tab.keyboard.press("ArrowLeft")
    tab.click("g.node >> nth=5")
    folder = Path(os.environ.get("CHAINRULE_SCREENSHOTS", tmp_path))
    shot = tab.screenshot(path=str(folder / "page-chen-2-2-2.png"), full_page=True)
    assert len(shot) > 20_000


# --- the command ------------------------------------------------------------------------------------


@needs_dot
def test_command_writes_one_self_contained_file(tmp_path):
    result = chainrule("page", "chen-2-2-2", "-o", str(tmp_path / "chen.html"))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "chen.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "RULES" in text
    assert "http://" not in text.replace("http://www.w3.org/", "") and "https://" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chen.html"]


def test_command_bad_input_is_one_line(tmp_path):
    result = chainrule("page", "no-such-example", "-o", str(tmp_path / "x.html"))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "unknown example 'no-such-example'" in result.stderr
    (tmp_path / "notes.txt").write_text("a teacher's file")
    for target in (tmp_path / "notes.txt" / "x.html", tmp_path):  # through a file; a folder itself
        result = chainrule("page", "mul-gate", "-o", str(target))
        assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr
        assert "cannot write" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "a teacher's file"
    # a missing folder on the way to the named file is made, as for every command that writes a file
    result = chainrule("page", "mul-gate", "-o", str(tmp_path / "missing" / "x.html"))
    assert result.returncode == 0 and (tmp_path / "missing" / "x.html").is_file(), result.stderr


@needs_dot
def test_page_checks_its_arguments(tmp_path):
    with pytest.raises(TypeError):
        page([], tmp_path / "x.html")
    with pytest.raises(ValueError):
        page(Value(1.0), tmp_path / "x.html", upstream=math.inf)
    assert sorted(tmp_path.iterdir()) == []
