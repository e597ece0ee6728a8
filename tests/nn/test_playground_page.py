"""The playground page in a real browser (headless Chromium through Playwright).

The page trains in JavaScript from the rule table's text; these tests hold its weights to a Python run
of nn.fit with the same settings, and check its clicks, its URL state and that it asks for nothing.
"""

import os
from urllib.parse import quote

import pytest

from nn.playground import Settings, playground, run, steps_per_epoch

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the page tests need the package playwright")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"the page tests need Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tab(browser):
    """A fresh tab where every request is routed: anything but file: and data: fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    requests, refused, errors = [], [], []

    def route(r):
        requests.append(r.request.url)
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    tab.route("**/*", route)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield tab
    context.close()
    assert errors == []
    assert refused == []
    assert requests and all(url.startswith("file:") for url in requests), requests


def open_page(tab, tmp_path, fragment="", **settings):
    path = playground(tmp_path / "playground.html", **settings)
    tab.goto(path.as_uri() + fragment)
    return path


def test_the_page_trains_xor_to_every_point_right(tab, tmp_path):
    open_page(tab, tmp_path, data="xor", noise=0.0, hidden=(4, 4), optimizer="adam", lr=0.03, batch=10)
    assert tab.evaluate("playground.state().score.train.accuracy") < 1.0
    tab.evaluate("playground.steps(400)")
    score = tab.evaluate("playground.state().score")
    assert score["train"]["accuracy"] == 1.0 and score["test"]["accuracy"] == 1.0
    assert "accuracy 100.0%" in tab.text_content("#status")


CASES = [
    dict(data="xor", optimizer="sgd", lr=0.5, batch=16, hidden=(3,)),
    dict(data="moons", optimizer="momentum", lr=0.1, momentum=0.8, batch=7, noise=0.1, activation="relu"),
    dict(data="circles", optimizer="adam", lr=0.02, batch=0, noise=0.05, hidden=(5, 4), weight_decay=0.01),
    dict(data="spirals", optimizer="adam", loss="mse", activation="sigmoid", lr=0.05, batch=12, n=60),
    dict(data="custom", optimizer="momentum", lr=0.2, activation="leaky_relu", batch=2,
         points=[(0.5, 0.5, 1), (-0.5, -0.25, 1), (0.75, -0.5, 0), (-1.0, 1.0, 0), (0.0, 0.1, 1)]),
]  # fmt: skip


@pytest.mark.parametrize("options", CASES, ids=lambda o: f"{o['data']}-{o['optimizer']}")
def test_every_weight_equals_the_python_fit_run(tab, tmp_path, options):
    settings = Settings(**options)
    epochs = 4
    open_page(tab, tmp_path, **options)
    steps = epochs * steps_per_epoch(settings)
    assert tab.evaluate(f"playground.steps({steps})") == steps
    page = tab.evaluate("playground.weights()")
    python = run(settings, epochs)
    assert tab.evaluate("playground.labels()") == [p.label for p in python.model.parameters()]
    assert page != tab.evaluate("playground.reset(), playground.weights()")  # training moved them
    assert max(abs(a - p.data) for a, p in zip(page, python.model.parameters())) < 1e-9
    points = tab.evaluate("playground.points()")
    assert [p[:2] for p in points["train"]] == python.train.inputs


def plane_point(tab, x, y):
    box = tab.locator("#plane").bounding_box()
    return box["x"] + (x + 1.5) / 3 * box["width"], box["y"] + (1.5 - y) / 3 * box["height"]


def test_clicks_add_and_remove_points(browser, tab, tmp_path):
    open_page(tab, tmp_path, data="xor", n=20, test=0.0)
    tab.check("input[name=click][value=edit]")
    tab.mouse.click(*plane_point(tab, 1.2, 1.2))
    tab.keyboard.down("Shift")
    tab.mouse.click(*plane_point(tab, -1.2, 1.2))
    tab.keyboard.up("Shift")
    train = tab.evaluate("playground.points().train")
    added = train[-2:]
    assert len(train) == 22 and [c for _, _, c in added] == [0, 1]  # a plain click class 0, shift class 1
    assert all(abs(a - b) <= 0.02 for p, q in zip(added, [(1.2, 1.2), (-1.2, 1.2)]) for a, b in zip(p, q))
    assert tab.evaluate("playground.settings().data") == "custom"
    assert "points=" in tab.url and ",".join(map(str, added[0])) in tab.url
    tab.mouse.click(*plane_point(tab, 1.2, 1.2))  # on a point: removes it
    train = tab.evaluate("playground.points().train")
    assert len(train) == 21 and added[0] not in train and added[1] in train
    assert tab.evaluate("playground.steps(3)") == 3  # it still trains, on the new points
    context = browser.new_context()
    fresh = context.new_page()
    fresh.goto(tab.url)  # the link holds the user's points
    assert fresh.evaluate("playground.points().train") == train
    context.close()


def test_the_url_keeps_the_settings(browser, tab, tmp_path):
    open_page(tab, tmp_path)
    assert "#" not in tab.url  # the page as written adds nothing
    tab.select_option("#settings select[name=optimizer]", "momentum")
    tab.fill("#settings input[name=hidden]", "6,3")
    tab.press("#settings input[name=hidden]", "Enter")
    tab.fill("#settings input[name=seed]", "42")
    tab.press("#settings input[name=seed]", "Enter")
    assert "optimizer=momentum" in tab.url and "hidden=6,3" in tab.url and "seed=42" in tab.url
    tab.evaluate("playground.steps(5)")
    settings, weights = tab.evaluate("playground.settings()"), tab.evaluate("playground.weights()")
    context = browser.new_context()
    fresh = context.new_page()
    fresh.goto(tab.url)
    assert fresh.evaluate("playground.settings()") == settings
    assert fresh.evaluate("playground.steps(5), playground.weights()") == weights
    assert fresh.input_value("#settings input[name=hidden]") == "6,3"
    assert fresh.is_hidden("#note")
    context.close()


@pytest.mark.parametrize(
    ("fragment", "says"),
    [
        ("lr=1e999", "lr must be a number"),
        ("data=" + quote("<img src=x onerror=alert(1)>"), "data must be one of"),
        ("colour=red", "unknown setting"),
        ("seed=1&seed=2", "twice"),
        ("hidden=4,99", "hidden takes up to"),
        ("data=custom&points=" + quote("0.5,0.5,1;9,9,0"), "a point must read"),
        ("points=" + "0.1,0.1,1;" * 2000, "longer than"),
    ],
)
def test_a_hostile_fragment_is_refused_with_a_note(tab, tmp_path, fragment, says):
    open_page(tab, tmp_path, "#" + fragment, data="moons")
    note = tab.text_content("#note")
    assert tab.is_visible("#note") and note.startswith("This link's settings were not used") and says in note
    assert tab.evaluate("playground.settings()") == Settings(data="moons").to_dict()
    assert tab.locator("img").count() == 0
    assert "#" not in tab.url  # the URL shows the state the page is really in


def test_play_pause_step_epoch_reset(tab, tmp_path):
    open_page(tab, tmp_path, data="moons", batch=20)
    first = tab.evaluate("playground.weights()")
    tab.click("#step")
    assert tab.evaluate("playground.state().step") == 1
    tab.click("#epoch")  # the rest of epoch 1: 80 training points in batches of 20
    assert tab.evaluate("playground.state()")["step"] == 4
    tab.click("#play")
    tab.wait_for_function("() => playground.state().step > 10")
    tab.click("#play")
    stopped = tab.evaluate("playground.state().step")
    tab.wait_for_timeout(100)
    assert tab.evaluate("playground.state().step") == stopped and not tab.evaluate(
        "playground.state().playing"
    )
    assert "∂L/∂L1.W_11" in tab.text_content("#update")
    tab.select_option("#weight", "L2.b_1")  # another weight: its next update is written out
    assert tab.text_content("#update") == "No step yet: press step or play."
    tab.click("#step")
    assert "L2.b_1 ← L2.b_1 − η·m̂/(√v̂ + ε)" in tab.text_content("#update")
    tab.click("#reset")
    assert tab.evaluate("playground.state().step") == 0 and tab.evaluate("playground.weights()") == first


def test_it_trains_inside_a_notebook_frame(tab, tmp_path):
    # What Jupyter shows: the page in a sandboxed iframe (srcdoc), with no URL of its own to write to.
    view = playground(None, data="circles")
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body>{view._repr_html_()}</body></html>", encoding="utf-8")
    tab.goto(path.as_uri())
    frame = tab.frames[1]
    frame.wait_for_function("() => window.playground !== undefined")
    assert frame.evaluate("playground.steps(8)") == 8
    assert frame.evaluate("playground.state().step") == 8


def test_a_diverging_run_stops_with_a_message(tab, tmp_path):
    open_page(tab, tmp_path, data="moons", activation="linear", loss="bce", optimizer="sgd", lr=10.0,
              hidden=(16, 16, 16, 16), batch=0)  # fmt: skip
    tab.evaluate("playground.steps(200)")
    state = tab.evaluate("playground.state()")
    assert state["diverged"] and "overflows a float" in state["diverged"]
    assert tab.is_visible("#error") and "the learning rate is probably too large" in tab.text_content(
        "#error"
    )
