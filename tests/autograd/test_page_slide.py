"""The page's slide view (issue 24): its step captions, its colour key, its place in the URL, the
mistake view on it, and the side panel on a 1024×768 projector; in headless Chromium.

The captions are compared with the slide view's own text: the frames' (`backward_slide_steps`) for the
backward pass and the deck's (`autograd.deck.steps`) for a fused box's forward step.
"""

import json

import pytest

from autograd import Value
from autograd.deck.steps import _forward_line  # the deck's line for a fused box, the page's model
from autograd.graph import forward_order
from autograd.page import page
from autograd.render.captions import backward_steps
from autograd.render.slide import slide_graph
from autograd.render.slide_frames import backward_slide_steps
from autograd.text import names
from demos.examples import catalog

SLIDE_SHOWN = "() => chainrule.picture()"


def example(name: str) -> tuple[Value, dict]:
    ex = catalog.get(name)
    graph = ex.build()
    return graph.outputs[0], {"roles": ex.node_roles(), "upstream": graph.upstream}


def open_tab(browser, url, size=(1920, 1080)):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(url)
    return context, tab, errors


@pytest.mark.parametrize("name", ["chen-2-2-2", "softmax-ce", "three-layer"])
def test_backward_captions_are_the_frames_own(browser, tmp_path, name):
    root, options = example(name)
    path = page(root, tmp_path / "p.html", picture="slide", **options)
    context, tab, errors = open_tab(browser, path.as_uri())
    assert tab.evaluate(SLIDE_SHOWN) == "slide"
    nodes = forward_order(root)
    index = {node: k for k, node in enumerate(nodes)}
    top = json.loads(tab.evaluate("() => document.querySelector('#page-data').textContent"))["graphs"][0][
        "top"
    ]
    slide = slide_graph(root, roles=options["roles"])
    steps = backward_steps(root, upstream=options["upstream"], loss="L" if options["upstream"] != 1 else None)
    expected = {s.node: s.caption for s in backward_slide_steps(slide, steps, top, 4) if s.node is not root}
    got = tab.evaluate("ks => ks.map(k => chainrule.caption(k, true))", [index[n] for n in expected])
    context.close()
    assert errors == []
    assert got == list(expected.values())
    assert all("·" in text for text in got)
    if name == "chen-2-2-2":  # no node inside a box is named: the box's own arrows
        h2 = got[list(expected).index(next(n for n in expected if n.label == "h2"))]
        assert h2.startswith("∂f/∂h2 = ∂f/∂net_o1 · ∂net_o1/∂h2 + ∂f/∂net_o2 · ∂net_o2/∂h2 = ")
        assert "w6·h2" not in h2


@pytest.mark.parametrize("signs", [(1, 1, 1), (-1, 1, 1), (1, -1, -1), (-1, -1, -1)])
def test_a_fused_box_forward_caption_is_the_decks_line_with_any_signs(browser, tmp_path, signs):
    # net_o1 = w5·h1 + w6·h2 + b2 with w5, w6, b2 of either sign: the brackets as the deck writes them
    root, options = example("chen-2-2-2")
    path = page(root, tmp_path / "p.html", picture="slide", **options)
    nodes = forward_order(root)
    by_label = {n.label: n for n in nodes if n.label}
    values = {label: s * by_label[label].data for label, s in zip(("w5", "w6", "b2"), signs)}
    fragment = "&".join(f"set.{k}={v}" for k, v in values.items())
    context, tab, errors = open_tab(browser, path.as_uri() + "#" + fragment)
    k = nodes.index(by_label["net_o1"])
    got = tab.evaluate("k => chainrule.caption(k, false)", k)
    context.close()
    assert errors == []
    edited = {n: Value(values.get(n.label, n.data), n.label) for n in nodes if n.op is None}
    for n in nodes:  # the graph again with the edits, node for node
        if n.op is not None:
            edited[n] = Value.apply(n.op, *(edited[p] for p in n.parents), **(n.params or {}))
            edited[n].label = n.label
    again = edited[root]
    again.backward()
    order = forward_order(again)
    box = next(b for b in slide_graph(again, roles=options["roles"]).boxes if b.node.label == "net_o1")
    line = _forward_line(box, "", names(order, 4), 4)
    assert got.split("\n")[0] == line
    assert got.startswith("net_o1 = w5·h1 + w6·h2 + b2 = ")
    assert got.split("\n")[1].startswith("local gradients: ∂net_o1/∂w5 = ")


def test_the_key_says_which_number_is_which_in_the_slide_view(browser, tmp_path):
    root, options = example("chen-2-2-2")
    path = page(root, tmp_path / "p.html", **options)
    context, tab, errors = open_tab(browser, path.as_uri())
    assert tab.evaluate(SLIDE_SHOWN) == "slide"
    key = tab.locator(".legend:not([hidden]) .slide-only")
    assert key.is_visible() and key.inner_text() == "box, top to bottom: label, value, gradient ∂loss/∂node"
    assert tab.locator(".legend:not([hidden]) .slot-key").is_hidden()  # no word "grad" in these boxes
    words = tab.evaluate(
        "() => Array.from(document.querySelectorAll('.graph-pane:not([hidden]) g.node text'),"
        " t => t.textContent)"
    )
    assert "value" not in words and "grad" not in words
    tab.select_option("#mode", "forward")
    assert key.inner_text().startswith("box, top to bottom: label, value, tangent d(node)/d")
    tab.select_option("#picture", "full")
    assert key.is_hidden() and tab.locator(".legend:not([hidden]) .slot-key").is_visible()
    context.close()
    assert errors == []


def test_the_picture_is_kept_in_the_link_and_a_bad_one_is_ignored_with_a_note(browser, tmp_path):
    root, options = example("chen-2-2-2")
    path = page(root, tmp_path / "p.html", **options)
    context, tab, errors = open_tab(browser, path.as_uri())
    assert tab.evaluate(SLIDE_SHOWN) == "slide" and "picture=slide" in tab.url
    tab.select_option("#picture", "full")
    for _ in range(5):
        tab.keyboard.press("ArrowRight")
    assert "picture=full" in tab.url and "step=5" in tab.url
    url = tab.url
    context.close()
    context, tab, errors2 = open_tab(browser, url)
    assert tab.evaluate(SLIDE_SHOWN) == "full" and tab.evaluate("chainrule.mode().step") == 5
    context.close()
    mlp = Value(0.5, "x")  # a graph drawn only as the slide view: past FULL_NODES
    for _ in range(40):
        mlp = (mlp * 0.9 + 0.1).tanh()
    mlp = mlp.named("y")
    mlp.backward()
    big = page(mlp, tmp_path / "big.html")
    for where, fragment, note in [
        (path, "picture=nope", 'picture must be full or slide, not "nope"'),
        (path, "picture=%3Cimg%20src%3Dx%3E", 'picture must be full or slide, not "<img src=x>"'),
        (path, "picture=slide&step=41", "step must be a whole number from 0 to 40"),
        (path, "picture=slide&mistake=assign", "mistake goes with picture=full"),
        (big, "picture=full", "this graph has no full picture"),
    ]:
        context, tab, errors3 = open_tab(browser, where.as_uri() + "#" + fragment)
        assert note in tab.inner_text("#note"), fragment
        assert tab.locator("img").count() == 0  # data, never markup
        context.close()
        assert errors3 == []
    assert errors == [] and errors2 == []


def test_a_mistake_is_stepped_on_the_full_graph_or_on_the_boxes_alone(browser, tmp_path):
    root, options = example("chen-2-2-2")
    nodes = forward_order(root)
    path = page(root, tmp_path / "p.html", **options)
    context, tab, errors = open_tab(browser, path.as_uri())
    assert tab.evaluate(SLIDE_SHOWN) == "slide"
    tab.select_option("#mistake", "assign")
    assert tab.evaluate(SLIDE_SHOWN) == "full" and tab.is_disabled("#picture")
    assert "shows the full graph" in tab.inner_text("#note")
    full_total = tab.evaluate("chainrule.mistake().total")
    context.close()
    only = page(root, tmp_path / "slide.html", picture="slide", **options)  # no full picture to switch to
    context, tab, errors2 = open_tab(browser, only.as_uri())
    boxes = {nodes.index(b.node) for b in slide_graph(root, roles=options["roles"]).boxes}
    tab.select_option("#mistake", "assign")
    m = tab.evaluate("chainrule.mistake()")
    assert 0 < m["total"] < full_total
    assert f"of its {full_total} writes" in tab.inner_text("#caption")
    for _ in range(m["total"]):
        tab.keyboard.press("ArrowRight")
        assert tab.evaluate("chainrule.mistake().current") in boxes
    assert "with a wrong gradient" in tab.inner_text("#caption")
    context.close()
    assert errors == [] and errors2 == []


def test_on_a_1024x768_projector_the_graph_comes_first_and_a_click_brings_the_panel(browser, tmp_path):
    root, options = example("chen-2-2-2")
    path = page(root, tmp_path / "p.html", **options)
    context, tab, errors = open_tab(browser, path.as_uri(), (1024, 768))
    assert tab.get_attribute("#panel", "aria-expanded") == "false" and tab.is_visible("#panel")
    h2 = next(k for k, n in enumerate(forward_order(root)) if n.label == "h2")
    tab.click(f".graph-pane:not([hidden]) g.node[data-node='{h2}']")
    assert tab.get_attribute("#panel", "aria-expanded") == "true"
    assert tab.locator("#details .name").inner_text() == "h2"
    tab.click("#panel")  # folded by the learner: a click on a node leaves it so
    tab.click(f".graph-pane:not([hidden]) g.node[data-node='{h2}']")
    assert tab.get_attribute("#panel", "aria-expanded") == "false"
    context.close()
    x, y = Value(2.0, "x"), Value(3.0, "y")
    f = (x * y).named("f")
    f.backward()
    small = page(f, tmp_path / "small.html")
    context, tab, errors2 = open_tab(browser, small.as_uri(), (1024, 768))
    assert tab.get_attribute("#panel", "aria-expanded") == "true"  # it fits whole beside the panel
    context.close()
    context, tab, errors3 = open_tab(browser, path.as_uri(), (1920, 1080))
    assert tab.get_attribute("#panel", "aria-expanded") == "true"
    context.close()
    assert errors == errors2 == errors3 == []


def test_forward_mode_on_the_slide_view_steps_a_box_over_its_arrows(browser, tmp_path):
    root, options = example("chen-2-2-2")
    nodes = forward_order(root)
    h1 = next(n for n in nodes if n.label == "h1")
    path = page(root, tmp_path / "p.html", **options)
    # the forward steps on the slide view: net_h1, h1, net_h2, h2, net_o1 (boxes only)
    context, tab, errors = open_tab(browser, path.as_uri() + "#picture=slide&mode=forward&wrt=w5&step=5")
    caption = tab.inner_text("#caption")
    k = next(k for k, n in enumerate(nodes) if n.label == "net_o1")
    tab.click(f".graph-pane:not([hidden]) g.node[data-node='{k}']")
    details = tab.inner_text("#details")
    context.close()
    assert errors == []
    h = f"{h1.data:.4g}"
    assert caption.split("\n")[1] == f"tangent: dnet_o1/dw5 = ∂net_o1/∂w5 · dw5/dw5 = {h} · 1 = {h}"
    assert "net_o1 = w5·h1 + w6·h2 + b2" in details and "∂net_o1/∂(w5·h1" not in details
