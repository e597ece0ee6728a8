"""The playground page in a real browser (headless Chromium through Playwright).

The page trains in JavaScript from the rule table's text; these tests hold its weights to a Python run
of nn.fit with the same settings, and check its clicks, its URL state and that it asks for nothing.
"""

import re
from urllib.parse import quote

import pytest

from nn.optim_explain import explain_step
from nn.playground import Settings, loss_function, model, optimizer, playground, run, steps_per_epoch
from nn.playground.data import datasets
from tests.support.playground import open_page

pytest_plugins = ("tests.support.playground_fixtures",)  # the fixtures browser and tab


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
    page, page_loss = (
        tab.evaluate("playground.weights()"),
        tab.evaluate("playground.state().score.train.loss"),
    )
    python = run(settings, epochs)
    assert tab.evaluate("playground.labels()") == [p.label for p in python.model.parameters()]
    assert page != tab.evaluate("playground.reset(), playground.weights()")  # training moved them
    assert max(abs(a - p.data) for a, p in zip(page, python.model.parameters())) < 1e-9
    points = tab.evaluate("playground.points()")
    assert [p[:2] for p in points["train"]] == python.train.inputs
    # The page's train loss is the whole training set after the last step: Run.train_loss, the same.
    assert page_loss == pytest.approx(python.train_loss, rel=1e-9)


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
    assert tab.input_value("#settings input[name=n]") == "22"  # the points there are (it said 20)
    tab.mouse.click(*plane_point(tab, 1.2, 1.2))  # on a point: removes it
    train = tab.evaluate("playground.points().train")
    assert len(train) == 21 and added[0] not in train and added[1] in train
    assert tab.input_value("#settings input[name=n]") == "21"
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
        ("data=custom&points=" + quote("0.5,0.5,1;11,9,0"), "a point must read"),
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
    # its numbers in four significant digits (a review: value -1.8935073054816655e+157, gradient NaN)
    value, grad = re.search(r"\(weight (\S+), gradient ([^)]+)\)", state["diverged"]).groups()
    for shown in (value, grad):
        assert shown in ("not a number", "+∞", "−∞") or len(re.sub(r"e.*|\D", "", shown).lstrip("0")) <= 4
    # it names the number that overflowed: a gradient that is not a number is the gradient's (a review:
    # "the update of … overflows" beside a finite weight and a gradient NaN)
    assert state["diverged"].startswith("the gradient of " if grad == "not a number" else "the update of ")
    assert tab.is_visible("#error") and "the learning rate is probably too large" in tab.text_content(
        "#error"
    )


@pytest.mark.parametrize("decay", [0.01, 0.0])
@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
def test_the_update_with_weight_decay_reads_as_python_writes_it(tab, tmp_path, kind, decay):
    options = dict(data="moons", optimizer=kind, weight_decay=decay, batch=0, hidden=(3,))
    open_page(tab, tmp_path, **options)
    tab.click("#step")
    page = tab.text_content("#update").splitlines()
    settings = Settings(**options)  # Python's explanation of the same first step, before it is taken
    net, (train, _) = model(settings), datasets(settings)
    opt = optimizer(settings, net.parameters())
    loss_function(settings)([net(x) for x in train.inputs], list(train.targets)).backward()
    python = explain_step(opt, net.parameters()[0])
    assert page[1:] == python
    assert ("(∂L/∂L1.W_11 + λ·L1.W_11)" in page[1]) == bool(decay)
    if kind == "adam":  # v, a millionth or so: as every view writes a small number (not 1.2e−07)
        assert re.search(r"= \d(\.\d+)?e−[1-9]\d*$", page[2]), page[2]


def canvas_sizes(tab):
    return tab.evaluate("""[...document.querySelectorAll("canvas")].map((c) => [c.id, c.width, c.height,
        Math.round(c.clientWidth * devicePixelRatio), Math.round(c.clientHeight * devicePixelRatio)])""")


@pytest.mark.parametrize(("width", "height", "ratio"), [(1024, 768, 1), (1024, 768, 2), (1920, 1080, 1)])
def test_every_canvas_is_drawn_at_its_shown_size_from_the_start(browser, tmp_path, width, height, ratio):
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=ratio)
    page = context.new_page()
    page.goto(playground(tmp_path / "p.html").as_uri())
    for name, w, h, shown_w, shown_h in canvas_sizes(page):
        assert (w, h) == (shown_w, shown_h), name
    page.set_viewport_size({"width": 1300, "height": 900})
    resized = (
        "(c => c.width === Math.round(c.clientWidth * devicePixelRatio))(document.getElementById('network'))"
    )
    page.wait_for_function(f"() => {resized}")
    context.close()


def test_an_edit_keeps_every_point_and_the_split(browser, tab, tmp_path):
    open_page(tab, tmp_path, data="xor", n=100, test=0.2, noise=1.0)
    before = tab.evaluate("playground.points()")
    assert (len(before["train"]), len(before["test"])) == (80, 20)
    tab.evaluate("playground.steps(3)")
    tab.check("input[name=click][value=edit]")
    tab.mouse.click(*plane_point(tab, 1.37, -1.41))  # a corner with no point
    after = tab.evaluate("playground.points()")
    assert (len(after["train"]), len(after["test"])) == (81, 20)
    rounded = lambda ps: [[round(x, 2), round(y, 2), c] for x, y, c in ps]  # noqa: E731
    assert after["train"][:80] == rounded(before["train"]) and after["test"] == rounded(before["test"])
    assert tab.evaluate("playground.state().score.test") is not None
    assert tab.evaluate("playground.state().step") == 3  # training goes on
    note = tab.text_content("#note")
    assert "Added a training point" in note and "81 training and 20 test points" in note
    assert "steps 0 to 3" in tab.get_attribute("#curve", "aria-label")  # the curve is kept
    # The link holds both sets, and Python reads the same ones.
    settings = Settings(**tab.evaluate("playground.settings()"))
    train, test = datasets(settings)
    assert len(train) == 81 and len(test) == 20
    context = browser.new_context()
    fresh = context.new_page()
    fresh.goto(tab.url)
    assert fresh.evaluate("playground.points()") == after
    context.close()


def test_the_points_limit_is_the_points_field_limit(tab, tmp_path):
    open_page(tab, tmp_path, data="circles", n=400, test=0.0)
    tab.check("input[name=click][value=edit]")
    tab.mouse.click(*plane_point(tab, 1.4, 1.4))
    assert "at most 400 points" in tab.text_content("#note")
    assert len(tab.evaluate("playground.points().train")) == 400


def test_a_refused_field_goes_back_to_the_value_in_use(tab, tmp_path):
    open_page(tab, tmp_path)
    tab.fill("#settings input[name=n]", "abc")
    tab.press("#settings input[name=n]", "Enter")
    note = tab.text_content("#note")  # the field by its name on the page, once
    assert note == (
        'Not applied: points must be a whole number from 4 to 400, not "abc". '
        "The field shows the value in use, 100, again."
    )
    assert tab.input_value("#settings input[name=n]") == "100"
    tab.fill("#settings input[name=lr]", "0.1")
    tab.press("#settings input[name=lr]", "Enter")  # the next change is read alone, and applied
    assert tab.evaluate("playground.settings().lr") == 0.1 and tab.is_hidden("#note")
    tab.fill("#settings input[name=lr]", "abc")
    tab.locator("#settings input[name=seed]").focus()  # leaving the field applies it too
    assert tab.input_value("#settings input[name=lr]") == "0.1"
    note = tab.text_content("#note")
    assert note.startswith("Not applied: learning rate η must be a number from 0.000001 to 10,")
    assert tab.evaluate("playground.settings().lr") == 0.1


def test_the_batch_field_takes_full(browser, tab, tmp_path):
    open_page(tab, tmp_path, batch=10)
    tab.fill("#settings input[name=batch]", "full")
    tab.press("#settings input[name=batch]", "Enter")
    assert tab.evaluate("playground.settings().batch") == 0 and "batch=full" in tab.url
    assert tab.input_value("#settings input[name=batch]") == "full"
    context = browser.new_context()
    fresh = context.new_page()
    fresh.goto(tab.url)
    assert fresh.evaluate("playground.settings().batch") == 0
    context.close()


def test_points_without_custom_data_are_said_to_be_unused(tab, tmp_path):
    open_page(tab, tmp_path, "#points=0.5,0.5,1&seed=3")
    assert tab.evaluate("playground.settings().seed") == 3
    assert "points were not used" in tab.text_content("#note")


def test_after_divergence_the_page_stays_readable(tab, tmp_path):
    open_page(tab, tmp_path, data="moons", activation="linear", optimizer="sgd", lr=10.0,
              hidden=(16, 16, 16, 16), batch=0)  # fmt: skip
    tab.evaluate("playground.steps(5)")
    # on a log scale: the losses span 150 decades (on a linear one the curve was flat, then one spike)
    assert re.search(r"on a log scale: from 0\.\d+ to \d\.\de\d+,", tab.get_attribute("#curve", "aria-label"))
    tab.evaluate("playground.steps(200)")
    state = tab.evaluate("playground.state()")
    assert state["diverged"] and state["step"] == state["epoch"]  # full batch: one epoch a step
    dark = tab.evaluate("""(() => { const c = document.getElementById("plane"), d = c.getContext("2d")
        .getImageData(0, 0, c.width, c.height).data; let k = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 90) k++;
        return k / (d.length / 4); })()""")
    assert dark < 0.05  # a plain plane with its points, not a black square
    assert "overflow" in tab.text_content("#status")


def test_a_teacher_reads_the_same_names_everywhere(tab, tmp_path):
    open_page(tab, tmp_path, hidden=(16, 16, 16, 16))
    assert "class 1 (blue)" in tab.text_content("#classes") and "class 0 (orange)" in tab.text_content(
        "#classes"
    )
    assert tab.locator("#graph .layer-name").all_text_contents() == ["x", "L1", "L2", "L3", "L4", "L5"]
    assert tab.locator("#graph .layer-title").all_text_contents()[-2:] == ["output", "↓ loss Lᵢ"]
    keys = tab.locator("#graph .box-key").all_text_contents()
    assert "∂Lᵢ/∂L1.h_1" in keys and "∂Lᵢ/∂L5.net_1" in keys and "∂Lᵢ/∂" not in keys
    assert (
        tab.evaluate("parseFloat(getComputedStyle(document.querySelector('#graph .box-value')).fontSize)")
        >= 14
    )
    assert tab.evaluate(
        "(e => e.scrollWidth <= e.clientWidth)(document.querySelector('#settings input[name=hidden]'))"
    )
    tab.set_viewport_size({"width": 1024, "height": 768})
    tab.click("#to-graph")
    assert tab.evaluate("document.getElementById('graph-box').getBoundingClientRect().top") < 100


INK_AT_55_PERCENT = """(() => { const c = document.getElementById("curve"), x = Math.round(c.width * 0.55);
    const d = c.getContext("2d").getImageData(x, 0, 1, c.height - 22 * devicePixelRatio).data;
    let k = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 200) k++;
    return k; })()"""


def test_the_loss_curve_joins_frames_but_draws_no_line_over_a_jump(tab, tmp_path):
    open_page(tab, tmp_path, data="xor", batch=10)
    tab.evaluate("playground.steps(1)")
    tab.evaluate("playground.steps(20)")  # two frames of a run at 20 steps apart: joined
    assert tab.evaluate(INK_AT_55_PERCENT) > 0
    tab.evaluate("playground.steps(60)")  # a jump over 59 steps not measured: no mark, no line over them
    tab.evaluate("playground.steps(60)")
    assert tab.evaluate(INK_AT_55_PERCENT.replace("0.55", "0.3")) == 0
