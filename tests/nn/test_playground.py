"""The playground's Python side: the shared generator, the settings' checks, the data, and the run."""

import math
import random
from importlib import resources

import pytest

import nn
from nn.playground import SCRIPTS, Mulberry32, Settings, html, run, steps_per_epoch
from nn.playground.data import datasets


def test_mulberry32_gives_the_reference_stream():
    # The first outputs of mulberry32 seeded 1, as the reference JavaScript (Math.imul) gives them.
    g = Mulberry32(1)
    assert [g.next_u32() for _ in range(3)] == [2693262067, 11749833, 2265367787]
    assert Mulberry32(1).random() == 2693262067 / 2**32


def test_mulberry32_is_a_random_random_that_shuffles_as_the_page_does():
    g = Mulberry32(7)
    assert isinstance(g, random.Random)
    order = list(range(10))
    g.shuffle(order)
    assert sorted(order) == list(range(10)) and order != list(range(10))
    h, expected = Mulberry32(7), list(range(10))
    for i in range(9, 0, -1):  # Fisher–Yates from the end, j = ⌊u·(i + 1)⌋
        j = math.floor(h.random() * (i + 1))
        expected[i], expected[j] = expected[j], expected[i]
    assert order == expected
    with pytest.raises(TypeError, match="seed must be an integer"):
        Mulberry32(1.5)


def test_fit_takes_the_generator_and_keeps_its_default():
    data = nn.data.moons(40, seed=3)

    def trained(seed):
        model = nn.MLP(2, [3, 1], seed=0)
        nn.fit(model, lambda o, t: nn.bce_with_logits([x[0] for x in o], t), nn.SGD(model.parameters(), 0.1),
               data, 2, batch_size=8, seed=seed, progress=False)  # fmt: skip
        return [p.data for p in model.parameters()]

    assert trained(5) == trained(random.Random(5))  # an int seed is Python's generator, as before
    assert trained(Mulberry32(5)) == trained(Mulberry32(5)) != trained(5)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"data": "blobs"}, "data must be one of"),
        ({"lr": 0}, "lr must be a number from 1e-06 to 10"),
        ({"batch": 2.5}, "batch must be a whole number"),
        ({"hidden": (4, 40)}, "hidden must list up to 4 layer sizes from 1 to 16"),
        ({"data": "custom"}, "needs points"),
        ({"data": "custom", "points": [(0, 0, 2)]}, "point 0 must be"),
        ({"seed": -1}, "seed must be a whole number from 0 to 4294967295, got -1"),
        ({"momentum": 1.0}, "momentum must be a number from 0 to 0.999999"),
        ({"data": "custom", "points": [(0, 0, 1, 1)]}, "at least one training point"),
    ],
)
def test_bad_settings_are_refused_by_name(options, message):
    with pytest.raises(ValueError, match=message):
        Settings(**options)


def test_the_data_is_seeded_and_split():
    s = Settings(data="moons", n=50, test=0.2, noise=0.1, seed=9)
    train, test = datasets(s)
    assert len(train) == 40 and len(test) == 10
    assert datasets(s)[0].inputs == train.inputs
    assert datasets(Settings(data="moons", n=50, test=0.2, noise=0.1, seed=10))[0].inputs != train.inputs
    custom = Settings(data="custom", points=[(0.5, 0.5, 1), (-0.5, 0.25, 0)])
    train, test = datasets(custom)
    assert train.inputs == [[0.5, 0.5], [-0.5, 0.25]] and train.targets == [1, 0] and test is None


def test_run_trains_the_page_network_with_fit():
    s = Settings(data="xor", noise=0.0, hidden=(4, 4), seed=1)
    r = run(s, epochs=30)
    assert r.history.steps == 30 * steps_per_epoch(s) == 240
    assert nn.accuracy(r.model, r.train) == 1.0
    assert [layer.nout for layer in r.model.layers] == [4, 4, 1]


def test_the_page_text_holds_its_settings_safely():
    text = html(Settings(), title="</script><b>x</b>")
    assert "</script><b>" not in text and "&lt;/script&gt;" in text
    assert "default-src 'none'" in text and "const RULES" in text
    with pytest.raises(TypeError):
        nn.playground(None, colour="red")
    assert "iframe" in nn.playground()._repr_html_()


def test_the_page_script_writes_no_calculus():
    # Values and local gradients come from RULES (the rule table's text); the script calls no
    # activation or loss function of its own and writes no derivative; its network runs on the trace's
    # interpreter (autograd/page/program.js), which calls the rule table.
    script = "".join(
        (resources.files("nn.playground") / name).read_text(encoding="utf-8") for name in SCRIPTS
    ) + (resources.files("autograd.page") / "program.js").read_text(encoding="utf-8")
    for forbidden in ("Math.tanh", "Math.exp", "Math.log1p", "1 - out", "out * (1", "1 - t * t"):
        assert forbidden not in script
    assert "r.forward(va, vb, p[k])" in script and "r.grads(va, vb, out, p[k])" in script
    assert "RULES[name]" in script and "F.sigmoid" in script


def test_nn_playground_is_both_the_call_and_the_module(tmp_path):
    assert nn.playground.run is run and nn.playground.Settings is Settings
    path = nn.playground(tmp_path / "p.html", batch_size="full")
    assert '"batch": 0' in path.read_text(encoding="utf-8")
    assert Settings(batch="full").batch == Settings(batch=None).batch == Settings(batch=0).batch == 0
    assert run(data="xor", batch_size=20).settings.batch == 20


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: run({"data": "xor"}), TypeError, "run: settings must be a Settings"),
        (lambda: nn.playground(123), TypeError, "path must be a str or Path ending in .html, got 123"),
        (lambda: nn.playground("p.txt"), ValueError, "the playground is an .html file"),
        (lambda: nn.playground(batch_size=2.5), ValueError, "batch_size must be a whole number"),
        (lambda: nn.playground(batch=1, batch_size=2), TypeError, "batch_size or batch, not both"),
        (lambda: nn.playground(colour="red"), TypeError, "playground: settings got an unexpected keyword"),
    ],
)
def test_python_refusals_are_one_line(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_run_reports_the_loss_the_page_shows():
    # History.loss is the mean of the epoch's batch losses, each before its update; the page's train
    # loss is the whole training set after the last step: Run gives that as train_loss.
    r = run(Settings(data="moons", batch=10, seed=3), epochs=2)
    model, train = r.model, r.train
    whole = nn.bce_with_logits([model(x)[0] for x in train.inputs], list(train.targets)).data
    assert r.train_loss == pytest.approx(whole) and r.train_loss != pytest.approx(r.history.loss[-1])
    assert r.test_loss == pytest.approx(r.history.test_loss[-1])


def test_custom_points_keep_their_test_marks():
    s = Settings(data="custom", points=[(0.5, 0.5, 1), (-0.5, 0.25, 0, 1), (3.0, -4.0, 0)])
    train, test = datasets(s)
    assert train.inputs == [[0.5, 0.5], [3.0, -4.0]] and test.inputs == [[-0.5, 0.25]] and test.targets == [0]


def test_the_playground_offers_some_of_nns_activations():
    from nn.playground.settings import MENU_ACTIVATIONS

    assert set(MENU_ACTIVATIONS) <= set(nn.ACTIVATIONS) - {"softmax"}
