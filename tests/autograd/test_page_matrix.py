"""The page's matrix form panel (issue 27): the layers' equations as tables whose entries link to the scalar
graph's nodes, stepped one equation at a time, in Chromium. The numbers on screen are compared with the
Python matrix form's (`autograd.explain.matrix_form`), written with the page's number writer."""

from __future__ import annotations

import pytest

from autograd.explain.matrix import matrix_form
from autograd.graph import forward_order, teaching_order
from autograd.page import html
from autograd.page.matrix_data import matrix_data
from autograd.text import DIGITS, number
from demos.cli.page import example_page
from demos.examples import catalog
from tests.support.browser import axe_report, axe_violations


def open_example(tab, tmp_path, name, fragment=""):
    example = catalog.get(name)
    path = example_page(example, example.build(), tmp_path / f"{name}.html")
    tab.goto(path.as_uri() + fragment)
    return example


def form_of(name):
    example = catalog.get(name)
    root = example.build().outputs[0]
    rule = example.output_rules[0] if example.output_rules else None
    return root, matrix_form(root, example.notation, rule)


def dom_equations(tab):
    """Each equation on screen: its symbols line and its tables as rows of cell texts."""
    return tab.evaluate("""() => Array.from(document.querySelectorAll("#matrix .equation"), (s) => ({
      symbols: s.querySelector(".symbols").firstChild.textContent,
      tables: Array.from(s.querySelectorAll("table.matrix"), (t) =>
        Array.from(t.rows, (r) => Array.from(r.cells, (c) => c.textContent)))}))""")


# Whether a control is on screen and on top at its centre (no panel drawn over it).
HIT = """(selector) => { const b = document.querySelector(selector).getBoundingClientRect();
  const top = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
  return top !== null && top.closest(selector) !== null; }"""


def node_class(tab, k):
    return tab.get_attribute(f'.graph-pane:not([hidden]) g.node[data-node="{k}"]', "class")


@pytest.mark.parametrize("name", ["softmax-output", "chen-2-2-2", "n-patterns"])
def test_a_network_has_the_panel_with_the_matrix_forms_numbers(tab, tmp_path, name):
    open_example(tab, tmp_path, name)
    assert tab.is_visible("#matrix-toggle") and not tab.is_visible("#matrix")
    tab.click("#matrix-toggle")
    assert tab.is_visible("#matrix") and tab.get_attribute("#matrix-toggle", "aria-expanded") == "true"
    assert "matrix=1" in tab.evaluate("location.hash")
    tab.click("#end")
    _, form = form_of(name)
    shown = dom_equations(tab)
    assert len(shown) == len(form.equations)
    for eq, on_screen in zip(form.equations, shown):
        matrices = [eq.result, *eq.operands]
        assert len(on_screen["tables"]) == len(matrices), on_screen["symbols"]
        for m, table in zip(matrices, on_screen["tables"]):
            want = [[number(x, DIGITS) for x in row] for row in m.values]
            assert table == want, (on_screen["symbols"], m.name)
    if name == "n-patterns":  # three patterns: one column each
        assert len(shown[0]["tables"][0][0]) == 3


def test_a_graph_without_layers_has_no_panel(tab, tmp_path):
    open_example(tab, tmp_path, "mul-gate")
    assert not tab.is_visible("#matrix-toggle") and not tab.is_visible("#matrix")
    assert tab.locator("#matrix .equation").count() == 0
    tab.evaluate("location.hash = 'matrix=1'")
    tab.wait_for_function("!document.getElementById('note').hidden")
    assert "no matrix form" in tab.text_content("#note")


def test_entries_link_to_nodes_and_nodes_to_entries(tab, tmp_path):
    open_example(tab, tmp_path, "chen-2-2-2", "#picture=full&matrix=1")
    tab.click("#end")
    names = tab.evaluate("chainrule.names()")
    k = {name: i for i, name in enumerate(names)}
    # (∇W₂)_12 = δ_o1 h2: the weight w6, the net input net_o1 (its δ) and the input h2
    tab.click('#matrix button[aria-label^="∇_{W₂} f row 1 column 2: "]')
    assert tab.evaluate("chainrule.selected()") == k["w6"]
    for name in ("w6", "net_o1", "h2"):
        assert "linked" in node_class(tab, k[name]), name
    assert "selected" in node_class(tab, k["w6"])
    for name in ("w5", "net_o2", "h1", "net_h1"):
        assert "linked" not in node_class(tab, k[name]), name
    lit = tab.evaluate(
        "Array.from(document.querySelectorAll('.graph-pane:not([hidden]) g.edge.linked'), (g) => g.id)"
    )
    assert any(f"-edge-{k['w6']}-" in e for e in lit) and any(f"-edge-{k['h2']}-" in e for e in lit)
    assert not any(f"-edge-{k['w5']}-" in e for e in lit)
    label = tab.get_attribute("#matrix button.entry.picked", "aria-label")
    assert label == "∇_{W₂} f row 1 column 2: 0.08267, node w6"
    # A click on the graph's node: every entry holding it, in every matrix (W₂, ∇W₂, W₂ᵀ), and no link left
    tab.click(f'.graph-pane:not([hidden]) g.node[data-node="{k["w6"]}"]')
    _, form = form_of("chen-2-2-2")
    w6 = next(x for x in forward_order(form.loss) if x.label == "w6")
    count = sum(
        x is w6 for eq in form.equations for m in (eq.result, *eq.operands) for row in m.nodes for x in row
    )
    holds = tab.locator("#matrix button.entry.holds")
    assert holds.count() == count == 3
    assert all(holds.nth(i).get_attribute("data-node") == str(k["w6"]) for i in range(count))
    assert tab.locator(".graph-pane:not([hidden]) .linked").count() == 0
    # Enter on an entry links it too (a button: keyboard-reachable)
    tab.focus('#matrix button[aria-label^="∇_{W₁} f row 2 column 1: "]')
    tab.keyboard.press("Enter")
    assert tab.evaluate("chainrule.selected()") == k["w3"]


def test_a_layer_step_ends_where_its_equation_is_filled(tab, tmp_path):
    example = open_example(tab, tmp_path, "chen-2-2-2", "#picture=full&matrix=1")
    root = example.build().outputs[0]
    nodes = forward_order(root)
    data = matrix_data(root, {x: i for i, x in enumerate(nodes)}, example.notation)
    computed = [i for i, x in enumerate(nodes) if x.op is not None]
    f = len(computed)
    at = {nodes.index(x): i for i, x in enumerate(teaching_order(root))}
    ends = []
    for eq in data["equations"]:
        result = [k for row in eq["result"]["nodes"] for k in row if k is not None]
        forward = eq["kind"] == "forward"
        ends.append(computed.index(max(result)) + 1 if forward else f + max(at[k] for k in result) + 1)
    tab.evaluate(f"location.hash = 'picture=full&matrix=1&step={f}'")
    tab.wait_for_function(f"chainrule.mode().step === {f}")
    tab.click("#layer-forward")
    first = min(e for e in ends if e > f)
    assert tab.evaluate("chainrule.mode().step") == first
    current = tab.locator("#matrix .equation.current")
    assert current.count() >= 1
    # the equation that ends here shows every number of its result; one step back, not all of them
    i = ends.index(first)
    section = tab.locator("#matrix .equation").nth(i)
    assert "current" in section.get_attribute("class")
    cells = lambda: section.locator("table.matrix").first.locator("button.entry").all_text_contents()  # noqa: E731
    assert all(cells())
    tab.click("#back")
    assert not all(cells())
    tab.click("#forward")  # node stepping is unchanged: one node
    assert tab.evaluate("chainrule.mode().step") == first
    tab.keyboard.press("PageDown")
    assert tab.evaluate("chainrule.mode().step") == min(e for e in ends if e > first)
    tab.keyboard.press("PageUp")
    assert tab.evaluate("chainrule.mode().step") == first


def test_numbers_wait_for_their_step(tab, tmp_path):
    open_example(tab, tmp_path, "chen-2-2-2", "#picture=full&matrix=1")
    first = tab.locator("#matrix .equation").first.locator("button.entry").first
    assert first.text_content() == ""
    assert first.get_attribute("aria-label").endswith(": not computed yet, node net_h1")
    tab.click("#layer-forward")
    assert first.text_content() == "0.3775"


def test_the_panel_state_is_in_the_link_and_the_panel_passes_axe(tab, tmp_path):
    open_example(tab, tmp_path, "softmax-output", "#matrix=1&step=20")
    assert tab.is_visible("#matrix")
    tab.click("#matrix button.entry >> nth=3")
    found = axe_violations(tab)
    assert not found, axe_report("matrix panel", found)
    tab.click("#matrix-toggle")
    assert "matrix" not in tab.evaluate("location.hash") and not tab.is_visible("#matrix")


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1920, 1080)])
def test_the_panel_leaves_the_loss_and_controls_in_sight(browser, tmp_path, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    try:
        open_example(tab, tmp_path, "softmax-output", "#matrix=1")
        tab.wait_for_timeout(100)
        root = tab.evaluate("chainrule.root()")
        box = tab.locator(f'.graph-pane:not([hidden]) g.node[data-node="{root}"]').bounding_box()
        pane = tab.locator("#graphs").bounding_box()
        assert pane["x"] <= box["x"] and box["x"] + box["width"] <= pane["x"] + pane["width"]
        for control in ("#forward", "#back", "#matrix-toggle", "#layer-forward"):
            hit = tab.evaluate(HIT, control)
            assert hit, control
        size = float(
            tab.evaluate("getComputedStyle(document.querySelector('#matrix button.entry')).fontSize")[:-2]
        )
        assert size >= (16 if width == 1920 else 12)
    finally:
        context.close()


def test_several_outputs_each_have_their_rule():
    example = catalog.get("output-losses")
    graph = example.build()
    text = html(graph.outputs, notation=example.notation, rule=example.output_rules)
    assert text.count('"kind": "rule"') == 2
    assert '"matrix": null' in html(graph.outputs)  # without the rules: no layers, no panel
