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


def page_order(root, form):
    """The form's equations in the panel's order: each pass as its steps fill the results (forward: the
    last result node's place in forward order; backward: in the slides' backward order), ties as written."""
    nodes = forward_order(root)
    at = {id(x): i for i, x in enumerate(teaching_order(root))}
    out = []
    for forward in (True, False):
        keyed, before = [], -1
        for i, eq in enumerate(e for e in form.equations if (e.kind == "forward") == forward):
            result = [x for row in eq.result.nodes for x in row if x is not None]
            if result:
                before = (
                    max(nodes.index(x) for x in result) if forward else max(at.get(id(x), -1) for x in result)
                )
            keyed.append((before, i, eq))
        out += [eq for _, _, eq in sorted(keyed, key=lambda t: t[:2])]
    return out


def dom_equations(tab):
    """Each equation on screen: its name as said (aria-label) and its tables as rows of cell texts."""
    return tab.evaluate("""() => Array.from(document.querySelectorAll("#matrix .equation"), (s) => ({
      symbols: s.getAttribute("aria-label"),
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
    root, form = form_of(name)
    shown = dom_equations(tab)
    assert len(shown) == len(form.equations)
    for eq, on_screen in zip(page_order(root, form), shown):
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
    tab.click('#matrix button[aria-label^="∇W₂ f row 1 column 2: "]')
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
    assert label == "∇W₂ f row 1 column 2: 0.08267, node w6"
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
    tab.focus('#matrix button[aria-label^="∇W₁ f row 2 column 1: "]')
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
    for eq in data["equations"]:  # the panel lists them in this order (their ends' order, each pass)
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
    i = sorted(ends).index(first)  # the panel lists each pass as its steps fill it
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


# A box wholly inside the graph's pane, as drawn; the boxes of the picture shown.
INSIDE = """(b, pane) => b.left >= pane.left && b.right <= pane.right && b.top >= pane.top &&
  b.bottom <= pane.bottom"""
BOXES = """Array.from(document.querySelectorAll(".graph-pane:not([hidden]) g.node"),
  (g) => [Number(g.dataset.node), g.getBoundingClientRect()])"""
PANE = 'document.getElementById("graphs").getBoundingClientRect()'


def entries_in_pane(tab, nodes):
    """Whether each node's box lies wholly inside the graph's pane."""
    inside = tab.evaluate(f"() => {BOXES}.map(([k, b]) => [k, ({INSIDE})(b, {PANE})])")
    return [dict(inside)[k] for k in nodes]


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1920, 1080)])
def test_an_entry_brings_its_nodes_into_the_pane(browser, tmp_path, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    try:
        open_example(tab, tmp_path, "softmax-output", "#matrix=1&step=75")
        # opening the panel folds the side panel on every screen: the graph keeps its room
        assert "panel-closed" in tab.get_attribute("body", "class") and not tab.is_visible("#side")
        names = tab.evaluate("chainrule.names()")
        tab.evaluate("document.getElementById('graphs').scrollTo(0, 0)")  # the pane far from W3_12
        entry = tab.locator('#matrix button[aria-label^="∇W₃ L row 1 column 2: "]')
        entry.scroll_into_view_if_needed()
        entry.click()
        linked = ".graph-pane:not([hidden]) g.node.linked"
        lit = [int(k) for k in tab.eval_on_selector_all(linked, "(gs) => gs.map((g) => g.dataset.node)")]
        assert names.index("W3_12") in lit and len(lit) == 3
        assert all(entries_in_pane(tab, lit)), [names[k] for k in lit]
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1920, 1080)])
def test_at_the_start_the_loss_sits_among_the_graph_not_in_a_corner(browser, tmp_path, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    try:
        open_example(tab, tmp_path, "softmax-output")
        tab.click("#matrix-toggle")
        root = tab.evaluate("chainrule.root()")
        assert entries_in_pane(tab, [root]) == [True]
        # the nodes in sight: their middle in the pane's middle half, both ways (the review found them all
        # in the bottom-right corner of an empty pane)
        middle = tab.evaluate(
            f"""() => {{ const pane = {PANE};
            const seen = {BOXES}.map(([, b]) => b).filter((b) => ({INSIDE})(b, pane));
            const x = seen.reduce((t, b) => t + b.left + b.right, 0) / (2 * seen.length);
            const y = seen.reduce((t, b) => t + b.top + b.bottom, 0) / (2 * seen.length);
            return [(x - pane.left) / pane.width, (y - pane.top) / pane.height, seen.length]; }}"""
        )
        assert 0.25 <= middle[0] <= 0.75 and 0.25 <= middle[1] <= 0.75 and middle[2] >= 5, middle
    finally:
        context.close()


def test_layer_steps_move_the_mark_down_the_panel_only(tab, tmp_path):
    open_example(tab, tmp_path, "chen-2-2-2", "#picture=full&matrix=1")
    marks = []
    while not tab.is_disabled("#layer-forward"):
        tab.click("#layer-forward")
        classes = tab.eval_on_selector_all("#matrix .equation", "(ss) => ss.map((s) => s.className)")
        marks.append(next((i for i, c in enumerate(classes) if "current" in c.split()), -1))
    seen = [m for m in marks if m >= 0]
    assert len(seen) >= 8 and seen == sorted(seen), marks
    # ∇b₂ = ∇net₂ is filled before ∇W₂ = ∇net₂ hᵀ (the sum before the products): it is listed first
    order = tab.evaluate(
        "Array.from(document.querySelectorAll('#matrix .equation'), (s) => s.getAttribute('aria-label'))"
    )
    assert order.index("∇b₂ f = ∇net₂ f") < order.index("∇W₂ f = ∇net₂ f hᵀ")


def test_names_are_set_with_subscripts_not_braces(tab, tmp_path):
    open_example(tab, tmp_path, "softmax-output", "#matrix=1&step=75")
    text = tab.inner_text("#matrix")
    assert "_{" not in text and "^{" not in text
    head = tab.locator('#matrix .equation[aria-label="∇W₃ L = ∇a₃ L h₂ᵀ"] .symbols .expr')
    assert head.locator("sub").all_text_contents() == ["W3", "3", "a3", "3", "2"]
    assert head.inner_html().count("<sub>") == 5


def test_a_what_if_edit_updates_the_entries_that_are_nodes_and_greys_the_others(tab, tmp_path):
    open_example(tab, tmp_path, "chen-2-2-2", "#picture=full&matrix=1&set.w5=0.9")
    tab.click("#end")
    names = tab.evaluate("chainrule.names()")
    w5, b2 = names.index("w5"), names.index("b2")
    grads = tab.evaluate("chainrule.grads()")
    number = lambda x: tab.evaluate("(x) => chainrule.number(x)", x)  # noqa: E731
    entries = tab.locator(f'#matrix button.entry[data-node="{w5}"]')
    shown = entries.all_text_contents()
    assert shown == ["0.9", number(grads[w5]), "0.9"]  # W₂, ∇W₂ (the graph's new gradient), W₂ᵀ
    assert number(grads[w5]) != "0.08217"
    # ∇b₂ = ∇net₂ (b2 shared by the layer: an entry per unit) follows ∇net₂'s new entries
    net_o1 = names.index("net_o1")
    bias = tab.locator(f'#matrix .equation[aria-label="∇b₂ f = ∇net₂ f"] button.entry[data-node="{b2}"]')
    assert bias.first.text_content() == number(grads[net_o1])
    # the slopes σ′(net) exist in the panel only: greyed, said not updated, and the panel says why
    stale = tab.locator("#matrix button.entry.stale")
    assert stale.count() == 4
    assert all("σ′" in stale.nth(i).get_attribute("aria-label") for i in range(4))
    assert "(not updated for the what-if edit)" in stale.first.get_attribute("aria-label")
    assert "greyed entries" in tab.text_content("#matrix .edited") and tab.is_visible("#matrix .edited")
    found = axe_violations(tab)  # the greyed numbers keep their contrast
    assert not found, axe_report("matrix panel after a what-if edit", found)


def test_a_mistake_that_cannot_run_says_why_when_chosen(tab, tmp_path):
    open_example(tab, tmp_path, "softmax-output")
    option = tab.locator("#mistake option[value='no-transpose']")
    assert option.text_content().endswith("(cannot run here)")
    tab.select_option("#mistake", "no-transpose")
    assert tab.input_value("#mistake") == "" and tab.evaluate("chainrule.mistake()") is None
    note = tab.text_content("#note")
    assert tab.is_visible("#note") and "cannot run here: layer 3:" in note and "does not multiply" in note
    assert "∇a₃ L" in note and "_{" not in note
    assert "no-transpose: layer" not in note  # the reason, not the key repeated
    tab.evaluate("location.hash = 'mistake=outer-product-order'")
    tab.wait_for_function("document.getElementById('note').textContent.includes('outer-product-order')")
    assert "cannot run here" in tab.text_content("#note")
