"""The playground on a projector (headless Chromium): the page fits the screen, its notes read as a student
reads them, a network without hidden layers is written `hidden=none`, and dead ReLUs are said.

A projector shows 1024×768 or 1920×1080; at both, the plane, the loss curve with its key, the network and
the play and step buttons are on screen without scrolling (the area under the header scrolls, to the graph).
"""

from urllib.parse import parse_qsl, urlsplit

import pytest

from autograd import forward_order
from demos.cli import main
from nn.playground import Settings, run, steps_per_epoch
from tests.support.browser import axe_report, axe_violations
from tests.support.playground import open_page

pytest_plugins = ("tests.support.playground_fixtures",)  # the fixtures browser and tab

SCREENS = [(1024, 768), (1920, 1080)]
ON_SCREEN = ["#play", "#step", "#status", "#classes", "#plane", "#curve", "#curve-key", "#network"]

# Is the element drawn whole: do its corners (4 px in: a button's are round) and its centre all hit it (or
# a child)? Then it is neither off the screen nor scrolled out of its panel nor under another element.
SHOWN = """(selector) => { const e = document.querySelector(selector), r = e.getBoundingClientRect();
  const xs = [r.left + 4, (r.left + r.right) / 2, r.right - 4];
  const ys = [r.top + 4, (r.top + r.bottom) / 2, r.bottom - 4];
  return r.width > 0 && r.height > 0 && xs.every((x) => ys.every((y) => {
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (hit === e || e.contains(hit)); })); }"""
# Every canvas drawn at the size it is shown (the drawing follows a layout change a frame later).
SHARP = """() => [...document.querySelectorAll("canvas")].every((c) =>
  c.width === Math.round(c.clientWidth * devicePixelRatio)
  && c.height === Math.round(c.clientHeight * devicePixelRatio))"""
# The smallest font size of any text on the page, HTML or SVG.
SMALLEST_TEXT = """() => { let smallest = Infinity;
  for (const e of document.querySelectorAll("body *")) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const size = parseFloat(getComputedStyle(e).fontSize);
    if (own && e.getClientRects().length) smallest = Math.min(smallest, size);
  }
  return smallest; }"""

DEAD = "#optimizer=sgd&lr=10&activation=relu&hidden=16,16"  # every ReLU of a layer dies in a few steps


def _tab_of_size(browser, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    yield context.new_page()
    context.close()


@pytest.fixture(params=SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def screen(request, browser):
    yield from _tab_of_size(browser, request.param)


@pytest.mark.parametrize("fragment", ["", "#hidden=16,16,16,16", DEAD])
def test_the_plane_the_loss_the_network_and_play_fit_the_screen(screen, tmp_path, fragment):
    open_page(screen, tmp_path, fragment, data="moons")
    screen.evaluate("playground.steps(60)")
    screen.wait_for_function(SHARP)
    width, height = screen.viewport_size["width"], screen.viewport_size["height"]
    assert screen.evaluate("document.documentElement.scrollHeight") == height  # the page itself stays put
    if fragment == DEAD:
        assert screen.is_visible("#stuck")
    for selector in ON_SCREEN + (["#stuck"] if fragment == DEAD else []):
        assert screen.evaluate(SHOWN, selector), selector
    plane = screen.locator("#plane").bounding_box()
    assert plane["width"] == plane["height"] >= (240 if width < 1500 else 500)
    assert screen.evaluate(SMALLEST_TEXT) >= 12  # the page's least (its hints); numbers are 14 px
    assert screen.evaluate("getComputedStyle(document.getElementById('status')).fontSize") == "14px"
    # The rest is a scroll away: the keys' hint in the plane's panel, the graph under the plane or beside it.
    screen.click("#to-graph")
    assert screen.evaluate(SHOWN, "#graph-title")
    assert screen.evaluate(SHOWN, "#play")  # the controls stay on screen


def test_the_fitted_page_passes_axe_with_its_notes_shown(screen, tmp_path):
    open_page(screen, tmp_path, DEAD)
    screen.evaluate("playground.steps(40)")
    screen.fill("#settings input[name=seed]", "x")
    screen.press("#settings input[name=seed]", "Enter")
    assert screen.is_visible("#stuck") and screen.is_visible("#note")
    violations = axe_violations(screen)
    assert not violations, axe_report("the fitted playground", violations)


def test_a_small_or_zoomed_window_flows_as_one_page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 800, "height": 600})
    tab = context.new_page()
    open_page(tab, tmp_path)
    assert tab.evaluate("document.documentElement.scrollHeight") > 1000  # no panel squeezed to fit
    plane = tab.locator("#plane").bounding_box()
    assert plane["width"] == plane["height"] >= 250
    context.close()


# A narrow window: a split screen or a tablet (800×600), a phone (390×844).
NARROW = [(800, 600), (390, 844)]
# Every control a student uses, and the panels' key parts; each must fit the window's width.
KEY = ["#play", "#step", "#epoch", "#reset", "#speed", "#status", "#classes", "#plane", "#curve",
       "#curve-key", "#network", "#weight", "#update", "#to-graph", "#graph-title"]  # fmt: skip
# The page's visible form controls and buttons, each by a selector that finds it alone.
CONTROLS = """() => [...document.querySelectorAll("button, input, select")]
  .filter((e) => e.getClientRects().length)
  .map((e) => e.id ? "#" + e.id
    : e.name === "click" ? `input[name=click][value=${e.value}]` : `#settings [name=${e.name}]`)"""
# Anything drawn wider than the window, or out at its left (what the graph and an opened box's table
# scroll inside their panels aside).
OUTSIDE = """() => [...document.querySelectorAll("body *")].filter((e) => {
  if (e.parentElement.closest("#graph-wrap, #inside")) return false;
  const r = e.getBoundingClientRect();
  return r.width > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5); }).map((e) => e.id || e.tagName)"""


@pytest.fixture(params=NARROW, ids=lambda s: f"{s[0]}x{s[1]}")
def narrow(request, browser):
    yield from _tab_of_size(browser, request.param)


def shown_there(tab, selector):
    tab.locator(selector).scroll_into_view_if_needed()
    return tab.evaluate(SHOWN, selector)


@pytest.mark.parametrize("fragment", ["", DEAD, "#hidden=16,16,16,16"])
def test_a_narrow_window_stacks_the_panels_and_never_scrolls_sideways(narrow, tmp_path, fragment):
    open_page(narrow, tmp_path, fragment, data="moons")
    narrow.evaluate("playground.steps(60)")
    narrow.wait_for_function(SHARP)
    width = narrow.viewport_size["width"]
    assert narrow.evaluate("document.documentElement.scrollWidth") <= narrow.evaluate("innerWidth") == width
    assert narrow.evaluate(OUTSIDE) == []
    if fragment == DEAD:
        assert shown_there(narrow, "#stuck")
    controls = narrow.evaluate(CONTROLS)
    assert len(controls) >= 20 and "#settings [name=seed]" in controls
    for selector in KEY + controls:  # each on screen whole once scrolled to, under nothing
        assert shown_there(narrow, selector), selector
    assert narrow.evaluate("scrollX") == 0
    plane = narrow.locator("#plane").bounding_box()
    assert plane["width"] == plane["height"] >= 300
    # The panels stack: the settings over the plane; the network beside it (800) or under it (390).
    settings, net = (narrow.locator(s).bounding_box() for s in ("#settings", "#network"))
    assert settings["y"] + settings["height"] < plane["y"]
    assert (
        (net["x"] > plane["x"] + plane["width"])
        if width >= 640
        else (net["y"] > plane["y"] + plane["height"])
    )
    assert narrow.evaluate(SMALLEST_TEXT) >= 12
    # A box of the graph opened: its table scrolls inside its panel, the page still not sideways.
    narrow.click("#to-graph")
    assert narrow.evaluate(SHOWN, "#graph-title")
    narrow.locator("#graph g.box[data-unit]").first.click()
    assert narrow.locator("#inside table").count() == 1
    assert narrow.evaluate("document.documentElement.scrollWidth") <= width
    assert narrow.evaluate(OUTSIDE) == []
    if width < 640:  # the keyboard scrolls the table: its arrows are not a step
        narrow.focus("#inside .inside-table")
        narrow.keyboard.press("ArrowRight")
        narrow.wait_for_function("() => document.querySelector('#inside .inside-table').scrollLeft > 0")
        assert narrow.evaluate("playground.state().step") == 60


def test_the_narrow_page_passes_axe_with_its_notes_shown(narrow, tmp_path):
    open_page(narrow, tmp_path, DEAD)
    narrow.evaluate("playground.steps(40)")
    narrow.fill("#settings input[name=seed]", "x")
    narrow.press("#settings input[name=seed]", "Enter")
    assert narrow.is_visible("#stuck") and narrow.is_visible("#note")
    narrow.locator("#graph g.box[data-unit]").first.click()  # its table, which scrolls sideways on a phone
    assert narrow.locator("#inside table").count() == 1
    violations = axe_violations(narrow)
    assert not violations, axe_report("the narrow playground", violations)


@pytest.mark.parametrize(
    ("field", "text", "note"),
    [
        ("hidden", "4,x", 'Not applied: hidden must list layer sizes like 4,4, not "4,x". '
                          "The field shows the value in use, 4,4, again."),
        ("batch", "-3", 'Not applied: batch size must be a whole number from 0 to 400 (or full), not "-3". '
                        "The field shows the value in use, 10, again."),
    ],
)  # fmt: skip
def test_a_refused_field_is_named_once_as_the_page_names_it(tab, tmp_path, field, text, note):
    open_page(tab, tmp_path)
    tab.fill(f"#settings input[name={field}]", text)
    tab.press(f"#settings input[name={field}]", "Enter")
    assert tab.text_content("#note") == note


def fragment_of(url):
    return dict(parse_qsl(urlsplit(url).fragment, keep_blank_values=True))


@pytest.mark.parametrize("how", ["#hidden=", "#hidden=none", "the field emptied", "the field: none"])
def test_no_hidden_layer_is_written_none_and_python_reads_it(browser, tab, tmp_path, how):
    open_page(tab, tmp_path, how if how.startswith("#") else "")
    if not how.startswith("#"):
        tab.fill("#settings input[name=hidden]", "" if "emptied" in how else "none")
        tab.press("#settings input[name=hidden]", "Enter")
    assert tab.evaluate("playground.settings().hidden") == []
    assert fragment_of(tab.url)["hidden"] == "none" and tab.is_hidden("#note")
    assert tab.input_value("#settings input[name=hidden]") == "none"
    # The command reads what the page writes: the same page, written from the link's value.
    out = tmp_path / "from-the-link.html"
    assert main(["playground", "-o", str(out), "--hidden", fragment_of(tab.url)["hidden"]]) == 0
    context = browser.new_context()
    fresh = context.new_page()
    fresh.goto(out.as_uri())
    assert fresh.evaluate("playground.settings().hidden") == [] and "#" not in fresh.url
    fresh.goto(tab.url)  # and the link opens the same network
    assert fresh.evaluate("playground.settings()") == tab.evaluate("playground.settings()")
    context.close()


def hidden_outputs(settings, epochs):
    """Python's network after `epochs` (nn.fit, as the page trains): each hidden unit's outputs over the
    training points, by label ("L2.h_3")."""
    trained = run(settings, epochs)
    outputs = {}
    for x in trained.train.inputs:
        for node in forward_order(trained.model(x)[0]):
            if node.label and ".h_" in node.label:
                outputs.setdefault(node.label, []).append(node.data)
    return outputs


@pytest.mark.parametrize("by_layers", [True, False])
def test_a_layer_of_dead_relus_is_said_in_the_status(tab, tmp_path, by_layers):
    open_page(tab, tmp_path, DEAD)
    assert tab.is_hidden("#stuck")  # at step 0 they live
    assert tab.evaluate(f"playground.layers({str(by_layers).lower()})") is by_layers
    settings, epochs = Settings(**tab.evaluate("playground.settings()")), 3
    tab.evaluate(f"playground.steps({epochs * steps_per_epoch(settings)})")
    outputs = hidden_outputs(settings, epochs)  # Python's weights equal the page's: its units' outputs too
    dead = [k for k in (1, 2) if all(v == 0 for u in range(1, 17) for v in outputs[f"L{k}.h_{u}"])]
    assert dead, "these settings no longer kill a layer in 3 epochs: pick others"
    layers = f"layer {dead[0]}" if len(dead) == 1 else "layers 1 and 2"
    assert tab.text_content("#stuck") == (
        f"Every ReLU of {layers} is 0 for every training point: no gradient passes back through "
        f"{'it' if len(dead) == 1 else 'them'}, and every point gets the same output. Try a smaller learning "
        "rate, then reset."
    )
    ones = sum(c for _, _, c in tab.evaluate("playground.points().train")) / len(outputs["L1.h_1"])
    accuracy = tab.evaluate("playground.state().score.train.accuracy")
    assert accuracy in (pytest.approx(ones), pytest.approx(1 - ones))  # one class for every point


def test_living_relus_say_nothing(tab, tmp_path):
    open_page(tab, tmp_path, "#activation=relu&hidden=16,16")
    tab.evaluate("playground.steps(80)")
    assert tab.is_hidden("#stuck") and tab.text_content("#stuck") == ""
