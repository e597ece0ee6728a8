"""The playground's matrix replay (nn/playground/layers.js) against its trace, sample by sample.

Python groups the written network's graph into layers (find_layers → the page's data), and for a network
set in the page sends the activations with which nn's parameter layout gives its plan (`layouts`, checked
against find_layers); the page trains a network that groups as matrix products over the batch, and must
reach the very weights, losses and plane the trace replay reaches. A plan that does not fit the recorded
trace, or a graph that does not group, trains by the trace.
"""

import sys
from urllib.parse import parse_qsl

import pytest

import nn.playground  # noqa: F401  (the package, for monkeypatch: `nn.playground` is also callable)
from autograd import Value
from nn.playground import Settings, layers, layouts, run, steps_per_epoch
from nn.playground.layers import layout_plan, page_layers
from nn.playground.settings import LOSSES, MENU_ACTIVATIONS
from tests.support.playground import open_page

pytest_plugins = ("tests.support.playground_fixtures",)  # the fixtures browser and tab

PACKAGE = sys.modules["nn.playground"]


def trained(tab, steps):
    """Weights, scores and the plane's pixels after `steps` from step 0, and the page's diverged message."""
    tab.evaluate("playground.reset()")
    tab.evaluate(f"playground.steps({steps})")
    state = tab.evaluate("playground.state()")
    return (
        tab.evaluate("playground.weights()"),
        state["score"],
        tab.evaluate("document.getElementById('plane').toDataURL()"),
        state["diverged"],
    )


CASES = [
    dict(data="moons", hidden=(16, 16), batch=0, n=100, test=0.0, noise=0.1),
    dict(data="xor", optimizer="sgd", lr=0.5, batch=16, hidden=(3,)),
    dict(data="moons", optimizer="momentum", lr=0.1, momentum=0.8, batch=7, noise=0.1, activation="relu"),
    dict(data="circles", lr=0.02, batch=0, noise=0.05, hidden=(5, 4), weight_decay=0.01),
    dict(data="spirals", loss="mse", activation="sigmoid", lr=0.05, batch=12, n=60),
    dict(data="xor", hidden=(), loss="mse", optimizer="sgd", lr=1.0),
    dict(data="xor", hidden=(), loss="bce"),
    dict(data="circles", hidden=(4,), activation="linear", batch=1),
    dict(data="moons", hidden=(6, 3, 2), activation="leaky_relu", batch=5),
    dict(data="custom", optimizer="momentum", lr=0.2, activation="leaky_relu", batch=2,
         points=[(0.5, 0.5, 1), (-0.5, -0.25, 1), (0.75, -0.5, 0), (-1.0, 1.0, 0), (0.0, 0.1, 1, 1)]),
]  # fmt: skip


@pytest.mark.parametrize("options", CASES, ids=lambda o: f"{o['data']}-{o.get('activation', 'tanh')}")
def test_layers_and_the_trace_reach_the_same_weights(tab, tmp_path, options):
    open_page(tab, tmp_path, **options)
    assert tab.evaluate("playground.state().layered")
    steps = 3 * steps_per_epoch(Settings(**options)) + 2
    by_layers = trained(tab, steps)
    assert tab.evaluate("playground.layers(false)") is False
    by_trace = trained(tab, steps)
    weights, score, plane, _ = by_layers
    assert weights != tab.evaluate("playground.reset(), playground.weights()")  # training moved them
    assert max(abs(a - b) for a, b in zip(weights, by_trace[0])) <= 1e-12
    for part in ("train", "test"):
        if score[part] is None:
            assert by_trace[1][part] is None
            continue
        assert score[part]["loss"] == pytest.approx(by_trace[1][part]["loss"], rel=1e-12, abs=1e-15)
        assert score[part]["accuracy"] == by_trace[1][part]["accuracy"]
    assert plane == by_trace[2]  # the plane's shade, pixel for pixel


@pytest.mark.parametrize("activation", ["linear", "leaky_relu"])
def test_a_diverging_run_stops_at_the_same_step_either_way(tab, tmp_path, activation):
    open_page(tab, tmp_path, data="moons", activation=activation, optimizer="sgd", lr=10.0,
              hidden=(16, 16, 16, 16), batch=0)  # fmt: skip
    by_layers = trained(tab, 200)
    step = tab.evaluate("playground.state().step")
    tab.evaluate("playground.layers(false)")
    by_trace = trained(tab, 200)
    assert by_layers[3] and "overflows a float" in by_layers[3]
    assert by_layers[3] == by_trace[3] and tab.evaluate("playground.state().step") == step
    assert by_layers[0] == by_trace[0]  # the last finite weights, kept


def test_the_written_network_trains_by_python_s_layers(tab, tmp_path):
    settings = Settings(data="moons", hidden=(5, 3), activation="leaky_relu", loss="mse")
    plan = layers(settings)
    assert [(len(k["weights"]), len(k["weights"][0])) for k in plan["layers"]] == [(5, 2), (3, 5), (1, 3)]
    assert [k["activation"] for k in plan["layers"]] == ["leaky_relu", "leaky_relu", "sigmoid"]
    assert plan["layers"][0]["params"] == {"slope": 0.01} and plan["inputs"] == [0, 1]
    open_page(tab, tmp_path, **settings.to_dict())
    assert tab.evaluate("playground.plan()") == plan


def python_weights_reached(tab, options, epochs=2):
    settings = Settings(**options)
    tab.evaluate(f"playground.steps({epochs * steps_per_epoch(settings)})")
    python = run(settings, epochs)
    page = tab.evaluate("playground.weights()")
    return max(abs(a - p.data) for a, p in zip(page, python.model.parameters())) < 1e-9


def changed(tab, fragment):
    """The page's network set by a link (`fragment`, "#hidden=8,8"), as a reader's address bar sets it."""
    tab.goto(tab.url.split("#")[0] + fragment)
    tab.wait_for_function(IN_USE, arg=dict(parse_qsl(fragment[1:], keep_blank_values=True)))
    return Settings(**tab.evaluate("playground.settings()"))


IN_USE = """(want) => { const s = playground.settings();
  const shown = (key) => (key === "hidden" ? s.hidden.join() : String(s[key]));
  return Object.entries(want).every(([key, text]) => shown(key) === text); }"""


WRITTEN = dict(data="moons", noise=0.1, batch=10, hidden=(4, 4))  # tanh, bce
SET_IN_THE_PAGE = [
    "#hidden=8,8",
    "#hidden=16,16&activation=leaky_relu",
    "#activation=relu&loss=mse",
    "#hidden=3&activation=sigmoid&loss=mse",
    "#hidden=&activation=linear",
    "#hidden=5,1,2&loss=mse",
]


@pytest.mark.parametrize("fragment", SET_IN_THE_PAGE)
def test_a_network_set_in_the_page_trains_by_layers_as_the_trace_does(tab, tmp_path, fragment):
    open_page(tab, tmp_path, **WRITTEN)
    settings = changed(tab, fragment)
    assert tab.evaluate("playground.state().layered")
    # nn's layout in JavaScript is the plan Python's find_layers gives that network had it been written.
    assert tab.evaluate("playground.plan()") == layers(settings)
    steps = 2 * steps_per_epoch(settings) + 3
    by_layers = trained(tab, steps)
    assert tab.evaluate("playground.layers(false)") is False
    by_trace = trained(tab, steps)
    assert by_layers[0] != tab.evaluate("playground.reset(), playground.weights()")  # training moved them
    assert max(abs(a - b) for a, b in zip(by_layers[0], by_trace[0])) <= 1e-12
    assert by_layers[1]["train"]["loss"] == pytest.approx(by_trace[1]["train"]["loss"], rel=1e-12)
    assert by_layers[2] == by_trace[2]  # the plane's shade, pixel for pixel


def test_a_network_set_through_the_fields_trains_by_layers(tab, tmp_path):
    open_page(tab, tmp_path, **WRITTEN)
    tab.select_option("#settings select[name=activation]", "sigmoid")
    tab.select_option("#settings select[name=loss]", "mse")
    tab.fill("#settings input[name=hidden]", "6,2")
    tab.press("#settings input[name=hidden]", "Enter")
    settings = Settings(**tab.evaluate("playground.settings()"))
    assert (settings.hidden, settings.activation, settings.loss) == ((6, 2), "sigmoid", "mse")
    assert tab.evaluate("playground.state().layered")
    assert tab.evaluate("playground.plan()") == layers(settings)
    assert python_weights_reached(tab, settings.to_dict())


def test_every_activation_and_loss_of_the_menus_trains_by_layers_where_python_groups_it(tab, tmp_path):
    open_page(tab, tmp_path, **WRITTEN)
    refused = []
    for activation in MENU_ACTIVATIONS:
        for loss in LOSSES:
            settings = changed(tab, f"#hidden=3,5&activation={activation}&loss={loss}")
            python = layers(settings)
            assert tab.evaluate("playground.plan()") == python
            assert tab.evaluate("playground.state().layered") is (python is not None)
            if python is None:
                refused.append(f"{activation} {loss}")
    assert refused == []  # every network of the menus groups (a linear hidden unit's output is its net)


@pytest.fixture
def linear_not_grouped(monkeypatch):
    """Python refusing to group networks of linear units (as find_layers did until it read a linear
    unit's net as its output): the page must then replay the trace."""
    grouped = PACKAGE._grouped
    monkeypatch.setattr(PACKAGE, "_grouped", lambda s: None if s.activation == "linear" else grouped(s))
    PACKAGE.layouts.cache_clear()
    yield
    PACKAGE.layouts.cache_clear()


def test_a_network_set_in_the_page_that_python_does_not_group_trains_by_the_trace(
    tab, tmp_path, linear_not_grouped
):
    open_page(tab, tmp_path, **WRITTEN)
    settings = changed(tab, "#hidden=3&activation=linear&loss=mse")
    assert layers(settings) is None and layouts()["linear mse"] is None
    assert not tab.evaluate("playground.state().layered") and tab.evaluate("playground.plan()") is None
    assert python_weights_reached(tab, settings.to_dict())


def test_nn_s_layout_is_find_layers_plan_at_every_size():
    kinds = layouts()
    assert set(kinds) == {f"{a} {loss}" for a in MENU_ACTIVATIONS for loss in LOSSES}
    for key, kind in kinds.items():
        activation, loss = key.split()
        for sizes in [(1,), (16, 16), (16, 1, 7, 16)]:
            python = layers(Settings(hidden=sizes, activation=activation, loss=loss))
            assert (python is None) is (kind is None)
            if kind is not None:
                assert layout_plan(sizes, kind["hidden"], kind["output"]) == python


def test_a_graph_python_does_not_group_trains_by_the_trace(tab, tmp_path, linear_not_grouped):
    options = dict(data="circles", hidden=(3,), activation="linear", loss="mse", batch=8)
    assert layers(Settings(**options)) is None
    open_page(tab, tmp_path, **options)
    assert not tab.evaluate("playground.state().layered")
    assert python_weights_reached(tab, options)


def two_layer_graph(skip: bool):
    """A 2-2-1 network by hand, named as the slides name it; with `skip`, its output also reads x_1."""
    xs = [Value(0.5, label="x_1"), Value(-0.5, label="x_2")]
    w = [Value(0.1 * k, label=f"w{k}") for k in range(1, 8)]
    b = [Value(0.1, label=f"b{k}") for k in range(1, 4)]
    h = []
    for i in range(2):
        net = w[2 * i] * xs[0] + w[2 * i + 1] * xs[1] + b[i]
        net.label = f"net_h{i + 1}"
        h.append(net.tanh())
        h[-1].label = f"h{i + 1}"
    total = w[4] * h[0] + w[5] * h[1]
    out = (total + w[6] * xs[0] if skip else total) + b[2]
    out.label = "net_o"
    return out, [*w, *b], xs


def test_a_graph_that_does_not_group_has_no_layers():
    out, params, xs = two_layer_graph(skip=False)
    plan = page_layers(out, params, xs)
    assert [k["weights"] for k in plan["layers"]] == [[[0, 1], [2, 3]], [[4, 5]]]
    assert [k["biases"] for k in plan["layers"]] == [[7, 8], [9]]
    assert [k["activation"] for k in plan["layers"]] == ["tanh", None]
    out, params, xs = two_layer_graph(skip=True)
    assert page_layers(out, params, xs) is None


def test_without_layers_the_page_trains_by_the_trace(tab, tmp_path, monkeypatch):
    options = dict(data="moons", batch=10, hidden=(4, 3), optimizer="adam")
    monkeypatch.setattr(PACKAGE, "layers", lambda settings: None)
    open_page(tab, tmp_path, **options)
    assert not tab.evaluate("playground.state().layered") and tab.evaluate("playground.plan()") is None
    assert python_weights_reached(tab, options)


def wrong(plan, what):
    if what == "activation":
        plan["layers"][0]["activation"] = "sigmoid"
    elif what == "weights":
        row = plan["layers"][1]["weights"][0]
        row[0], row[1] = row[1], row[0]
    elif what == "bias":
        plan["layers"][0]["biases"][0] = plan["layers"][1]["biases"][0]
    elif what == "slope":
        plan["layers"][0]["params"] = {"slope": 0.02}
    elif what == "inputs":
        plan["inputs"] = [1, 0]
    elif what == "a layer short":
        plan["layers"].pop()
    return plan


@pytest.mark.parametrize("what", ["activation", "weights", "bias", "slope", "inputs", "a layer short"])
def test_a_plan_that_does_not_fit_the_trace_is_not_used(tab, tmp_path, monkeypatch, what):
    options = dict(data="moons", batch=10, hidden=(4, 3), activation="leaky_relu")
    good = layers(Settings(**options))
    monkeypatch.setattr(PACKAGE, "layers", lambda settings: wrong(layers(settings), what))
    open_page(tab, tmp_path, **options)
    assert tab.evaluate("playground.plan()") is None and not tab.evaluate("playground.state().layered")
    tab.evaluate("playground.steps(12)")
    by_trace = tab.evaluate("playground.weights()")
    monkeypatch.setattr(PACKAGE, "layers", lambda settings: good)
    open_page(tab, tmp_path, **options)
    assert tab.evaluate("playground.state().layered")
    assert tab.evaluate("playground.steps(12), playground.weights()") == by_trace


def wrong_kinds(what):
    kinds = {
        key: None if kind is None else {part: dict(kind[part]) for part in kind}
        for key, kind in layouts().items()
    }
    if what == "slope":
        kinds["leaky_relu bce"]["hidden"]["params"] = {"slope": 0.02}
    elif what == "hidden":
        kinds["leaky_relu bce"]["hidden"] = {"activation": "relu", "params": {}}
    elif what == "output":
        kinds["leaky_relu bce"]["output"] = {"activation": "sigmoid", "params": {}}
    return kinds


@pytest.mark.parametrize("what", ["slope", "hidden", "output"])
def test_a_layout_that_does_not_fit_a_network_set_in_the_page_is_not_used(tab, tmp_path, monkeypatch, what):
    monkeypatch.setattr(PACKAGE, "layouts", lambda: wrong_kinds(what))
    open_page(tab, tmp_path, **WRITTEN)
    settings = changed(tab, "#hidden=6,5&activation=leaky_relu")
    assert tab.evaluate("playground.plan()") is None and not tab.evaluate("playground.state().layered")
    assert python_weights_reached(tab, settings.to_dict())
