"""The page's forward mode in headless Chromium: tangents against the engine's jvp and trace (issue 13).

The page computes tangents from the rule table's formula text (its local gradients); the engine's come
from `autograd.trace(root).tangents(seed)` and `autograd.jvp`. They must agree to 1e-12.
"""

import pytest

import autograd
from autograd import Value, topological_order
from autograd.page import page
from demos.examples import catalog
from tests.support.graphs import rebuild, recompute


def as_function(root):
    """f(*inputs) -> root: the graph as a function of its labelled leaves (the trace's inputs), for jvp."""
    nodes = topological_order(root)[::-1]
    inputs = [n for n in nodes if n.op is None and n.label]

    def f(*xs):
        new = dict(zip(inputs, xs))
        for node in nodes:
            if node not in new:
                new[node] = node if node.op is None else Value.apply(node.op, *(new[p] for p in node.parents),
                                                                     **(node.params or {}))  # fmt: skip
        return new[root]

    return f, inputs


def engine_tangents(nodes, wrt_label):
    """Every node's tangent by the input labelled `wrt_label`, by the engine's trace (forward order)."""
    program = autograd.trace(nodes[-1])
    seed = [1.0 if step.label == wrt_label else 0.0 for step in program.inputs]
    dots, _ = program.tangents(seed)
    by_node = dict(zip(program.nodes, dots))
    return [by_node.get(n, 0.0) for n in nodes]  # constants (not in the trace) have tangent 0


def open_chen(tab, tmp_path):
    example = catalog.get("chen-2-2-2")
    root = example.build().outputs[0]
    path = page(root, tmp_path / "chen.html", roles=example.node_roles(), picture="full")
    tab.goto(path.as_uri())
    return root, topological_order(root)[::-1]


def choose(tab, label):
    tab.select_option("#mode", "forward")
    tab.select_option("#wrt", label=label)


@pytest.mark.parametrize("label", ["w5", "w1", "i2", "b1"])
def test_forward_mode_tangents_equal_the_engines(tab, tmp_path, label):
    root, nodes = open_chen(tab, tmp_path)
    choose(tab, label)
    shown = tab.evaluate("chainrule.tangents()")
    assert shown == pytest.approx(engine_tangents(nodes, label), rel=1e-12, abs=1e-15)
    f, inputs = as_function(root)
    seed = [1.0 if x.label == label else 0.0 for x in inputs]
    value, derivative = autograd.jvp(f, [x.data for x in inputs], seed)
    assert shown[-1] == pytest.approx(derivative, rel=1e-12, abs=1e-15)
    assert tab.evaluate("chainrule.values()")[-1] == pytest.approx(value, rel=1e-12)
    _, grads = recompute(root, {})  # forward mode's one number is reverse mode's gradient of that input
    assert shown[-1] == pytest.approx(grads[[n.label for n in nodes].index(label)], rel=1e-12)


def test_forward_mode_after_a_what_if_edit_equals_the_engine(tab, tmp_path):
    root, _ = open_chen(tab, tmp_path)
    choose(tab, "w5")
    tab.fill("#whatif input[aria-label='value of w1']", "-0.7")
    tab.press("#whatif input[aria-label='value of w1']", "Enter")
    new = rebuild(root, {"w1": -0.7})
    shown = tab.evaluate("chainrule.tangents()")
    assert shown == pytest.approx(engine_tangents(new, "w5"), rel=1e-12, abs=1e-15)
    f, inputs = as_function(root)
    values = [-0.7 if x.label == "w1" else x.data for x in inputs]
    _, derivative = autograd.jvp(f, values, [1.0 if x.label == "w5" else 0.0 for x in inputs])
    assert shown[-1] == pytest.approx(derivative, rel=1e-12)
    values, _ = recompute(root, {"w1": -0.7})
    assert tab.evaluate("chainrule.values()") == pytest.approx(values, rel=1e-12)
    choose(tab, "w1")  # another input: the tangents follow the edited numbers too
    assert tab.evaluate("chainrule.tangents()") == pytest.approx(
        engine_tangents(new, "w1"), rel=1e-12, abs=1e-15
    )


def test_stepping_in_forward_mode_shows_tangents_as_they_are_computed(tab, tmp_path):
    _, nodes = open_chen(tab, tmp_path)
    choose(tab, "w5")
    computed = [k for k, n in enumerate(nodes) if n.op is not None]
    assert tab.text_content("#counter") == f"step 0 of {len(computed)} · start"
    slot = "k => document.querySelector(`g.node[data-node='${k}'] text.slot`).textContent"
    w5 = [n.label for n in nodes].index("w5")
    assert tab.evaluate(slot, w5) == "1"  # the seed
    assert tab.evaluate(slot, computed[0]) == ""
    o1 = [n.label for n in nodes].index("o1")
    for _ in range(computed.index(o1) + 1):
        tab.keyboard.press("ArrowRight")
    caption = tab.text_content("#caption")
    assert caption.startswith(
        "o1 = σ(net_o1) = σ(1.106) = 0.7514\ntangent: do1/dw5 = o1·(1 − o1) · dnet_o1/dw5 = "
    )
    assert caption.endswith(" = " + tab.evaluate(f"chainrule.number(chainrule.tangents()[{o1}])"))
    assert tab.evaluate(slot, o1) == tab.evaluate(f"chainrule.number(chainrule.tangents()[{o1}])")
    assert tab.evaluate(slot, computed[computed.index(o1) + 1]) == ""
    tab.keyboard.press("End")
    assert "Reverse mode gives ∂f/∂w5 = 0.08217" in tab.text_content("#caption")


def test_the_counts_of_both_modes_are_the_traces(tab, tmp_path):
    root, _ = open_chen(tab, tmp_path)
    counts = autograd.trace(root).counts()
    text = tab.text_content("#cost")
    assert f"forward mode: {counts.inputs} tangent sweeps × {counts.edges}{counts.forward}" in text
    assert f"reverse mode: 1 adjoint sweep × {counts.edges}{counts.reverse}" in text
    for mode in ("reverse", "forward"):  # a whole sweep does exactly one sweep's multiply-adds
        tab.select_option("#mode", mode)
        tab.keyboard.press("End")
        assert tab.text_content("#sweep").endswith(f"so far: {counts.edges} of {counts.edges} multiply-adds.")


def test_quiz_in_forward_mode_asks_tangents(tab, tmp_path):
    _, nodes = open_chen(tab, tmp_path)
    choose(tab, "w5")
    tab.check("#quiz-mode")
    head = tab.text_content("#quiz label")
    assert head.startswith("dnet_o1/dw5 = ")  # the first named node w5 reaches, in forward order
    k = int(tab.get_attribute("#answer", "data-node"))
    truth = engine_tangents(nodes, "w5")[k]
    tab.fill("#answer", "7")
    tab.press("#answer", "Enter")
    assert tab.text_content("#verdict").startswith("Not quite")
    assert tab.text_content("#missed").startswith("dnet_o1/dw5 = ")
    tab.fill("#answer", repr(truth))
    tab.press("#answer", "Enter")
    assert (
        tab.text_content("#verdict") == f"Right: dnet_o1/dw5 = {tab.evaluate(f'chainrule.number({truth})')}."
    )
    assert tab.text_content("#quiz label").startswith("do1/dw5 = ")
    tab.select_option("#mode", "reverse")  # reverse mode keeps its own questions: gradients
    assert tab.text_content("#quiz label").startswith("∂f/∂")
    tab.select_option("#mode", "forward")
    slot = "k => document.querySelector(`g.node[data-node='${k}'] text.slot`).textContent"
    net_o2 = [n.label for n in nodes].index("net_o2")  # w5 does not reach it: its 0 is shown, not asked
    assert tab.evaluate(slot, net_o2) == "0"
    tab.click(f"g.node[data-node='{net_o2}']")
    assert not tab.text_content("#quiz label").startswith("dnet_o2/dw5")
