"""Pages a screen reader and a keyboard can use (issue 26): axe-core's WCAG 2.1 A/AA rules in Chromium
over the page's states, the playground and the tour's index, and the keyboard paths through each.

axe-core comes from npm (package.json; `scripts/setup axe` runs npm ci); without it the tests that run
it skip and say why (the keyboard paths and the pictures' contrast are checked without it). No critical
or serious violation may remain; the assertion names each rule, where it failed and how to fix it. A
few representative examples go through every state; every example's page is checked as it opens, and
random graphs' pages too. axe reads HTML text only, so the pictures' SVG text is held to 4.5:1 here.
"""

from __future__ import annotations

import re
import shutil
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings

from autograd import Value
from autograd.page import page
from demos.cli.page import example_page
from demos.cli.tour import build_tour
from demos.examples import catalog
from nn.playground import playground
from tests.support.browser import axe_report, axe_violations
from tests.support.strategies import program_output, programs


def open_example(tab, tmp_path, name, **options):
    example = catalog.get(name)
    path = example_page(example, example.build(), tmp_path / f"{name}.html")
    tab.goto(path.as_uri())
    return tab


FITS = """(() => { const pane = document.getElementById("graphs");
  return pane.scrollWidth <= pane.clientWidth && pane.scrollHeight <= pane.clientHeight; })()"""


class Audit:
    """Collects axe's serious violations state by state; one assertion at the end names them all."""

    def __init__(self, tab):
        self.tab, self.found = tab, []

    def __call__(self, where):
        # axe's label-in-name rule compares a button's name with the part of its text on screen: a box half
        # scrolled out of the pane would be compared by its visible half. The graph is zoomed out to fit
        # the pane first (the page's state, step and selection stay as they are).
        for _ in range(12):
            if not self.tab.locator("#graphs").count() or self.tab.evaluate(FITS):
                break
            self.tab.click("#zoom-out")
        violations = axe_violations(self.tab)
        if violations:
            self.found.append(axe_report(where, violations))

    def check(self):
        assert not self.found, "axe-core (WCAG 2.1 A/AA), critical or serious:\n" + "\n".join(self.found)


def open_panel(tab):
    if tab.get_attribute("#panel", "aria-expanded") == "false":
        tab.click("#panel")


def a_node(tab, k=None):
    """The selector of a node's box on the picture shown (the output's, unless `k` is given)."""
    k = tab.evaluate("chainrule.root()") if k is None else k
    return f'.graph-pane:not([hidden]) g.node[data-node="{k}"]'


# Representative examples: a network with a slide view (both pictures), a gate, a softmax, a loss table.
STATES = ["chen-2-2-2", "mul-gate", "softmax-output", "chen-losses"]


@pytest.mark.parametrize("name", STATES)
def test_every_state_of_the_page_passes_axe(tab, tmp_path, name):
    open_example(tab, tmp_path, name)
    audit = Audit(tab)
    audit("opened")
    for _ in range(3):
        tab.keyboard.press("ArrowRight")
    audit("three steps forward")
    tab.keyboard.press("End")
    for _ in range(2):
        tab.keyboard.press("ArrowLeft")
    audit("stepped back from the end")
    open_panel(tab)
    tab.click(a_node(tab))
    audit("a node selected")
    pictures = tab.evaluate("[...document.querySelectorAll('#picture option')].map(o => o.value)")
    if tab.is_visible("#picture"):
        for kind in pictures:
            tab.select_option("#picture", kind)
            audit(f"the {kind} picture")
    tab.select_option("#mode", "forward")
    tab.keyboard.press("End")
    audit("forward mode")
    tab.select_option("#mode", "reverse")
    tab.check("#quiz-mode")
    tab.fill("#answer", "123456")
    tab.press("#answer", "Enter")
    audit("quiz, answered wrong")
    k = int(tab.get_attribute("#answer", "data-node"))
    truth = tab.evaluate("chainrule.grads()")[k]
    tab.fill("#answer", repr(truth))
    tab.press("#answer", "Enter")
    audit("quiz, answered right")
    tab.uncheck("#quiz-mode")
    field = tab.locator("#whatif input[data-node]").first
    field.fill("abc")
    field.press("Enter")
    audit("what-if refused")
    options = tab.evaluate("[...document.querySelectorAll('#mistake option')].map(o => [o.value, o.text])")
    keys = [key for key, text in options if not text.endswith("(cannot run here)")]
    if len(keys) > 1:
        tab.select_option("#mistake", keys[1])
        for _ in range(4):
            if not tab.is_disabled("#forward"):
                tab.click("#forward")
        audit("mistake replay, four writes")
        tab.click(a_node(tab))
        tab.keyboard.press("End")
        audit("mistake replay, at the end, a node selected")
    audit.check()


@pytest.mark.parametrize("name", list(catalog.EXAMPLES))
def test_every_example_opens_without_a_serious_violation(tab, tmp_path, name):
    open_example(tab, tmp_path, name)
    audit = Audit(tab)
    audit(f"{name}, opened")
    tab.keyboard.press("End")
    audit(f"{name}, every step shown")
    audit.check()


@pytest.fixture(scope="module")
def random_tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_steps=6))
def test_a_random_graph_page_passes_axe(random_tab, tmp_path_factory, program):
    xs = [Value(x, f"x{i}") for i, x in enumerate(program.inputs)]
    f = program_output(program, *xs).named("f")
    path = page(f, tmp_path_factory.mktemp("random") / "page.html")
    random_tab.goto(path.as_uri())
    audit = Audit(random_tab)
    audit("opened")
    random_tab.keyboard.press("ArrowRight")
    random_tab.keyboard.press("End")
    audit("every step shown")
    audit.check()


def test_the_playground_passes_axe(tab, tmp_path):
    path = playground(tmp_path / "playground.html", data="moons", hidden=(4, 4))
    tab.goto(path.as_uri())
    audit = Audit(tab)
    audit("playground, opened")
    tab.evaluate("playground.steps(30)")
    audit("playground, after 30 steps")
    tab.check("input[name=click][value=edit]")
    tab.locator("#graph g.box[data-unit]").first.click()
    audit("playground, editing, a neuron opened")
    audit.check()


def test_the_tour_index_passes_axe(tab, tmp_path):
    build_tour(tmp_path, [catalog.get("mul-gate")], training=False, progress=False)
    tab.goto((tmp_path / "index.html").as_uri())
    assert tab.locator("main").count() == 1
    audit = Audit(tab)
    audit("the tour's index")
    audit.check()


# --- contrast inside the pictures: axe-core reads HTML text, not the SVG text Graphviz draws ------------


def luminance(colour):
    """WCAG 2.1's relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(ink, paper):
    high, low = sorted((luminance(ink), luminance(paper)), reverse=True)
    return (high + 0.05) / (low + 0.05)


SVG = "{http://www.w3.org/2000/svg}"


def picture_texts(text):
    """(where, text, ink, paper) of every visible text in a page's pictures: a box's text on its fill, an
    edge's on the pane's white."""
    for svg in re.findall(r"<svg.*?</svg>", text, re.S):
        for group in ElementTree.fromstring(svg).iter(SVG + "g"):
            kind = group.get("class")
            if kind not in ("node", "edge"):
                continue
            shape = next(
                (e for e in group if e.tag in (SVG + "path", SVG + "polygon") and e.get("fill")), None
            )
            paper = shape.get("fill") if kind == "node" and shape is not None else "#ffffff"
            paper = "#ffffff" if paper in ("none", "white", "transparent") else paper
            for t in group.iter(SVG + "text"):
                ink = t.get("fill", "#000000")
                if ink != "transparent" and t.text:
                    yield group.get("id"), t.text, ink, paper


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("name", list(catalog.EXAMPLES))
def test_text_in_the_pictures_has_a_contrast_of_at_least_4_5(tmp_path, name):
    example = catalog.get(name)
    text = example_page(example, example.build(), tmp_path / "page.html").read_text(encoding="utf-8")
    texts = picture_texts(text)
    low = {(where, t, ink, paper, round(contrast(ink, paper), 2)) for where, t, ink, paper in texts
           if contrast(ink, paper) < 4.5}  # fmt: skip
    assert not low, sorted(low)[:10]


# --- what a screen reader hears and what a keyboard reaches ----------------------------------------------


def small_page(tmp_path):
    i1, w1 = Value(0.5, "i1"), Value(-2.0, "w1")
    f = (i1 * w1).named("f")
    return page(f, tmp_path / "small.html", picture="full")


def test_a_node_button_is_named_with_its_label_value_and_gradient(tab, tmp_path):
    tab.goto(small_page(tmp_path).as_uri())
    names = tab.evaluate("chainrule.names()")
    i1 = names.index("i1")
    before = tab.get_attribute(a_node(tab, i1), "aria-label")
    assert before.startswith("(input) i1") or "i1" in before
    assert "0.5" in before and "not computed yet" in before  # its gradient comes with the backward pass
    tab.keyboard.press("End")
    label = tab.get_attribute(a_node(tab, i1), "aria-label")
    assert "i1" in label and "value 0.5" in label and "−2" in label and "∂f/∂i1" in label, label
    f = tab.get_attribute(a_node(tab, names.index("f")), "aria-label")
    assert "mul" in f and "value −1" in f, f  # the operation, and the output's value
    assert axe_violations(tab) == []


def test_a_target_is_announced_as_a_target_and_a_number_as_a_constant(tab, tmp_path):
    x, t1 = Value(0.5, "x"), Value(1.0, "t1")  # t1 reads as a target (autograd.render.roles)
    loss = ((x * 3 - t1) ** 2).named("L")
    tab.goto(page(loss, tmp_path / "target.html", picture="full").as_uri())
    names = tab.evaluate("chainrule.names()")
    assert tab.get_attribute(a_node(tab, names.index("t1")), "aria-label").startswith("(target) t1")
    assert tab.get_attribute(a_node(tab, names.index("3")), "aria-label").startswith("(constant) 3")
    assert tab.get_attribute(a_node(tab, names.index("x")), "aria-label").startswith("(input) x")


def test_each_step_and_each_selected_node_is_announced(tab, tmp_path):
    tab.goto(small_page(tmp_path).as_uri())
    assert tab.get_attribute("#caption", "aria-live") == "polite"
    tab.keyboard.press("End")
    caption = tab.text_content("#caption")
    assert "∂f/∂" in caption  # the last backward step's chain-rule line
    i1 = tab.evaluate("chainrule.names()").index("i1")
    tab.focus(a_node(tab, i1))
    tab.keyboard.press("Enter")
    spoken = tab.locator("#spoken")
    assert spoken.get_attribute("aria-live") == "polite"
    said = spoken.text_content()
    assert said.startswith("i1") and "value 0.5" in said and "gradient ∂f/∂i1 = −2" in said, said
    assert "∂f/∂i1 = " in said.split("chain rule:")[1], said  # its chain-rule line
    tab.keyboard.press("Home")
    tab.focus(a_node(tab, i1))
    tab.keyboard.press(" ")
    assert "not computed yet" in spoken.text_content()


def test_the_quiz_verdict_is_announced_and_focus_follows(tab, tmp_path):
    tab.goto(small_page(tmp_path).as_uri())
    tab.check("#quiz-mode")
    feedback = tab.locator("#quiz-feedback")
    assert feedback.get_attribute("role") == "status"
    k = int(tab.get_attribute("#answer", "data-node"))
    tab.fill("#answer", "99")
    tab.press("#answer", "Enter")
    assert "Not quite" in feedback.text_content() and "The step you missed" in feedback.text_content()
    assert tab.evaluate("document.activeElement.id") == "answer"  # to try again, the verdict read with it
    assert tab.get_attribute("#answer", "aria-describedby") == "quiz-feedback"
    while tab.locator("#answer").count():
        k = int(tab.get_attribute("#answer", "data-node"))
        tab.fill("#answer", repr(tab.evaluate("chainrule.grads()")[k]))
        tab.press("#answer", "Enter")
        assert feedback.text_content().startswith("Right")
        if tab.locator("#answer").count():  # on to the next question, in its box
            assert tab.evaluate("document.activeElement.id") == "answer"
            assert int(tab.get_attribute("#answer", "data-node")) != k
    # Every gradient answered: the focus goes to what says so, not to the page's body.
    assert tab.evaluate("document.activeElement.id") == "quiz-feedback"
    assert "Every gradient is answered" in tab.text_content("#quiz")


REACHED = (
    "(e => e.dataset && e.dataset.node !== undefined ? 'node' : e.id || e.tagName)(document.activeElement)"
)


def test_every_page_action_is_reachable_with_the_tab_key(tab, tmp_path):
    tab.goto(small_page(tmp_path).as_uri())
    tab.keyboard.press("ArrowRight")  # a step taken: back and reset can be pressed
    reached = set()
    for _ in range(60):
        tab.keyboard.press("Tab")
        reached.add(tab.evaluate(REACHED))
    controls = ["reset", "back", "play", "forward", "end", "mode", "quiz-mode", "zoom-out", "fit", "zoom-in",
                "panel", "node", "side"]  # fmt: skip
    for control in controls:
        assert control in reached, (control, reached)
    assert "mistake" in reached or tab.is_disabled("#mistake")


def test_the_side_panel_can_be_scrolled_by_keyboard_in_a_mistake_replay(tab, tmp_path):
    open_example(tab, tmp_path, "chen-2-2-2")
    open_panel(tab)
    tab.select_option("#mistake", "assign")
    side = tab.locator("#side")
    assert side.get_attribute("tabindex") == "0" and side.get_attribute("aria-label")
    assert tab.evaluate("(e => e.scrollHeight > e.clientHeight)(document.getElementById('side'))")
    side.focus()
    assert tab.evaluate("document.getElementById('side').scrollTop") == 0
    tab.keyboard.press("PageDown")  # the browser scrolls the focused panel (smoothly: waited for)
    tab.wait_for_function("() => document.getElementById('side').scrollTop > 0", timeout=3000)


def test_the_playground_plane_takes_the_keyboard(tab, tmp_path):
    path = playground(tmp_path / "playground.html", data="moons", n=40, hidden=(4,))
    tab.goto(path.as_uri())
    plane = tab.locator("#plane")
    assert plane.get_attribute("tabindex") == "0"
    assert "arrow" in plane.get_attribute("aria-label")
    plane.focus()
    picked = tab.evaluate("playground.picked()")
    tab.keyboard.press("n")  # the next point: the cursor on it, and it is picked
    assert tab.evaluate("playground.picked()") != picked
    assert "picked" in tab.text_content("#plane-status")
    step = tab.evaluate("playground.state().step")
    tab.keyboard.press("ArrowRight")  # moves the cursor; the page does not step
    assert tab.evaluate("playground.state().step") == step
    assert "cursor" in tab.text_content("#plane-status")
    tab.check("input[name=click][value=edit]")
    plane.focus()
    for _ in range(3):
        tab.keyboard.press("ArrowUp")
    count = len(tab.evaluate("playground.points().train"))
    tab.keyboard.press("Shift+Enter")  # a class-1 training point at the cursor
    train = tab.evaluate("playground.points().train")
    assert len(train) == count + 1 and train[-1][2] == 1
    assert "Added a training point" in tab.text_content("#note")
    tab.keyboard.press("Enter")  # the point under the cursor is removed again
    assert len(tab.evaluate("playground.points().train")) == count


def test_the_playground_graph_boxes_open_with_enter_and_space(tab, tmp_path):
    path = playground(tmp_path / "playground.html", data="moons", hidden=(4,))
    tab.goto(path.as_uri())
    box = tab.locator("#graph g.box[data-unit]").first
    assert box.get_attribute("role") == "button" and box.get_attribute("aria-expanded") == "false"
    box.focus()
    tab.keyboard.press(" ")
    assert tab.locator("#inside table").count() == 1
    assert tab.locator("#graph g.box[data-unit]").first.get_attribute("aria-expanded") == "true"
    tab.keyboard.press("Enter")
    assert tab.locator("#inside table").count() == 0
