"""The page's mistake view (issue 14): a wrong backward pass stepped through beside the right numbers.

The wrong passes are Python's (`autograd.lab`); the page only replays their writes. Every number
the page shows is compared with `autograd.lab.compare` on the same graph.
"""

import pytest

from autograd import Value, lab
from autograd.graph import forward_order
from autograd.page import page
from autograd.text import number
from demos.examples import catalog
from tests.support.page import SHOWN, reopen

MISTAKE = "() => chainrule.mistake()"


def chen():
    ex = catalog.get("chen-2-2-2")
    graph = ex.build()
    return graph.outputs[0], {"roles": ex.node_roles(), "upstream": graph.upstream}


def x_squared_plus_x():
    x = Value(3.0, "x")
    f = x * x + x
    f.label = "f"
    return f, {}


def slots(tab):
    """Each node's grad slot as the DOM shows it, by node index."""
    return {int(k): entry.get("grad") for k, entry in tab.evaluate(SHOWN).items()}


@pytest.mark.parametrize("build", [chen, x_squared_plus_x], ids=["chen-2-2-2", "x*x+x"])
@pytest.mark.parametrize("key", ["no-topological-order", "assign"])
def test_stepping_a_mistake_shows_the_wrong_pass_and_where_it_diverges(tab, tmp_path, build, key):
    root, options = build()
    c = lab.compare(root, key, options.get("upstream", 1.0))
    index = {node: k for k, node in enumerate(forward_order(root))}
    # On x*x + x the recursive pass is harmless (only a leaf is used twice): no node diverges.
    assert (c.first is None) == (build is x_squared_plus_x and key == "no-topological-order")
    first_step = 1 + [node for node, _ in c.steps].index(c.first) if c.first else len(c.steps) + 1
    tab.goto(page(root, tmp_path / "p.html", picture="full", **options).as_uri())
    tab.select_option("#mistake", key)
    assert tab.url.endswith("#mistake=" + key)
    assert tab.evaluate(MISTAKE)["total"] == len(c.steps)
    assert all(text == "" for text in slots(tab).values())  # no gradient written yet
    shown = {}
    for step, (node, value) in enumerate(c.steps, start=1):
        tab.click("#forward")
        k = index[node]
        shown[k] = value
        state = tab.evaluate(MISTAKE)
        assert state["step"] == step and state["current"] == k
        assert state["wrong"][k] == value  # the very float compare gives, not a recomputation
        assert slots(tab)[k] == number(value)
        caption = tab.inner_text("#caption")
        assert f"= {number(value)}".replace("-", "−") in caption
        assert f"(right: {number(c.right[node])})".replace("-", "−") in caption
        # The first diverging node is marked from its first write on, and only then.
        marked = tab.locator(".graph-pane:not([hidden]) g.node.mistake-first").count()
        assert marked == (1 if step >= first_step else 0)
        assert ("← first: " in caption) == (step == first_step)
        if c.first:
            assert ("← first: " + c.first.label in caption) == (step == first_step)
    final = slots(tab)
    for node, k in index.items():
        assert final[k] == (number(c.wrong[node]) if k in shown else "")
    wrong_boxes = tab.eval_on_selector_all(
        ".graph-pane:not([hidden]) g.node.mistake-wrong", "gs => gs.map(g => Number(g.dataset.node))"
    )
    assert sorted(wrong_boxes) == sorted(index[d.node] for d in c.differences)
    verdict = tab.inner_text("#mistake-verdict")
    if c.first:
        assert tab.get_attribute(f"#g0-node-{index[c.first]}", "class").split().count("mistake-first") == 1
        assert f"the first the wrong pass reaches is {c.first.label} (write {first_step})" in verdict
    else:
        assert "does no harm" in verdict and c.mistake.harmless in verdict
    rows = tab.eval_on_selector_all("#mistake-box tr.differs", "rs => rs.map(r => Number(r.dataset.node))")
    assert sorted(rows) == sorted(index[d.node] for d in c.differences)


def test_the_mistake_view_shows_its_sentence_and_code_and_turns_off_what_if(tab, tmp_path):
    root, options = chen()
    tab.goto(page(root, tmp_path / "p.html", picture="full", **options).as_uri())
    tab.fill("#whatif input[aria-label='value of w5']", "0.9")
    tab.press("#whatif input[aria-label='value of w5']", "Enter")
    tab.select_option("#mistake", "assign")
    assert "what-if edits were undone" in tab.inner_text("#note")
    assert (
        tab.evaluate("() => chainrule.mode().leaves")[
            list(forward_order(root)).index(next(n for n in forward_order(root) if n.label == "w5"))
        ]
        == 0.4
    )
    assert tab.is_disabled("#whatif input[aria-label='value of w5']")
    assert tab.is_disabled("#mode") and tab.is_disabled("#quiz-mode")
    assert tab.inner_text("#mistake-code") == lab.ASSIGN.code
    assert lab.ASSIGN.does in tab.inner_text("#mistake-box")
    tab.select_option("#mistake", "")
    assert not tab.is_disabled("#whatif input[aria-label='value of w5']")
    assert tab.is_hidden("#mistake-box") and tab.url.endswith("p.html")


def test_a_harmless_mistake_says_so(tab, tmp_path):
    x, y = Value(2.0, "x"), Value(-3.0, "y")
    f = x * y + y * Value(1.5, "c")  # y used twice, but no computed node is: depth first is harmless
    f.label = "f"
    assert lab.compare(f, "no-topological-order").same
    tab.goto(page(f, tmp_path / "p.html").as_uri())
    tab.select_option("#mistake", "no-topological-order")
    tab.click("#end")
    verdict = tab.inner_text("#mistake-verdict")
    assert "does no harm" in verdict and lab.NO_TOPOLOGICAL_ORDER.harmless in verdict
    assert tab.locator("g.node.mistake-wrong, g.node.mistake-first").count() == 0


def test_a_mistake_link_round_trips_and_a_bad_one_is_refused(browser, tab, tmp_path):
    root, options = chen()
    path = page(root, tmp_path / "p.html", **options)
    tab.goto(path.as_uri())
    tab.select_option("#mistake", "no-topological-order")
    for _ in range(13):
        tab.click("#forward")
    context, fresh, errors = reopen(browser, tab.url)
    assert fresh.evaluate(MISTAKE)["step"] == 13 and fresh.evaluate(MISTAKE)["firstShown"]
    assert fresh.inner_text("#caption") == tab.inner_text("#caption")
    context.close()
    assert errors == []
    for fragment, note in [
        ("mistake=nope", 'no mistake view "nope"'),
        ("mistake=wrong-sign", 'no mistake view "wrong-sign"'),
        ("mistake=assign&mode=forward", "mistake goes with neither"),
        ("mistake=assign&set.w5=1", "mistake goes with neither"),
        ("mistake=assign&step=50", "step must be a whole number from 0 to 49"),
    ]:
        context, fresh, errors = reopen(browser, path.as_uri() + "#" + fragment)
        assert note in fresh.inner_text("#note")
        assert fresh.evaluate(MISTAKE) is None
        context.close()
        assert errors == []
