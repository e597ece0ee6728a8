"""fit() replays by default: the same weights as the object engine (replay=False) for every module, loss,
activation and optimizer; a graph it cannot replay falls back with one warning."""

from __future__ import annotations

import random
import re
import warnings

import pytest

import nn
from autograd import DomainError, Replay
from nn import ReplayWarning

DATA = nn.data.moons(24, noise=0.2, seed=3)
THREE = nn.data.Dataset("three", [[x, y] for x, y in DATA.inputs], [i % 3 for i in range(24)], 3)


def _sign(t: list[int]) -> list[float]:
    return [2.0 * y - 1.0 for y in t]


# name: (output activation, outputs, data, loss)
LOSSES = {
    "mse": ("linear", 1, DATA, lambda o, t: nn.mse_loss(o, [[float(y)] for y in t])),
    "mse sum": ("linear", 1, DATA, lambda o, t: nn.mse_loss(o, [[float(y)] for y in t], reduction="sum")),
    "squared": ("sigmoid", 1, DATA, lambda o, t: nn.squared_loss(o, [[float(y)] for y in t])),
    "l1": ("linear", 1, DATA, lambda o, t: nn.l1_loss(o, [[float(y)] for y in t])),
    "cross_entropy": ("softmax", 3, THREE, nn.cross_entropy),
    "softmax_cross_entropy": ("linear", 3, THREE, nn.softmax_cross_entropy),
    "binary_cross_entropy": ("sigmoid", 1, DATA, nn.binary_cross_entropy),
    "bce_with_logits": ("linear", 1, DATA, nn.bce_with_logits),
    "logistic_loss": ("linear", 1, DATA, lambda o, t: nn.logistic_loss(o, _sign(t))),
    "hinge_loss": ("linear", 3, THREE, nn.hinge_loss),
    "binary_hinge_loss": ("linear", 1, DATA, lambda o, t: nn.binary_hinge_loss(o, _sign(t))),
}


def _fit(replay: bool, loss_name: str = "mse", activation: str = "tanh", optimizer: str = "sgd", **kw):
    out_act, outs, data, loss = LOSSES[loss_name]
    model = nn.MLP(2, [4, outs], activation=activation, output_activation=out_act, seed=5, **kw)
    params = model.parameters()
    opt = nn.OPTIMIZERS[optimizer](params, lr=0.05)

    def total(o, t):  # a sum's penalty would be counted once per sample: see the fallback test
        if loss_name in ("mse sum", "squared"):
            return loss(o, t)
        return loss(o, t) + nn.l2_penalty(params, 1e-3)

    history = nn.fit(
        model, total, opt, data, epochs=3, batch_size=10, progress=False, replay=replay, test=data
    )
    return [p.data for p in params], history


def _same_weights(**case) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReplayWarning)
        replayed, history = _fit(True, **case)
    engine, reference = _fit(False, **case)
    assert history.replayed and not reference.replayed
    assert replayed == pytest.approx(engine, rel=1e-12, abs=1e-12)
    assert history.loss == pytest.approx(reference.loss, rel=1e-12)
    assert history.accuracy == reference.accuracy
    assert history.test_loss == pytest.approx(reference.test_loss, rel=1e-12)
    assert history.test_accuracy == reference.test_accuracy


@pytest.mark.parametrize("loss_name", sorted(k for k in LOSSES if LOSSES[k][3]))
def test_every_loss_replays_to_the_object_engines_weights(loss_name: str) -> None:
    _same_weights(loss_name=loss_name)


@pytest.mark.parametrize(
    "activation", ["tanh", "relu", "sigmoid", "softplus", "leaky_relu", "step", "linear"]
)
def test_every_activation_replays_to_the_object_engines_weights(activation: str) -> None:
    _same_weights(activation=activation, loss_name="bce_with_logits")


@pytest.mark.parametrize("optimizer", sorted(nn.OPTIMIZERS))
def test_every_optimizer_replays_to_the_object_engines_weights(optimizer: str) -> None:
    _same_weights(optimizer=optimizer, loss_name="softmax_cross_entropy")


def test_a_layer_replays_too() -> None:
    weights = []
    for replay in (True, False):
        model = nn.Layer(2, 3, "tanh", seed=1)
        opt = nn.SGD(model.parameters(), lr=0.1)
        h = nn.fit(model, nn.softmax_cross_entropy, opt, THREE, 2, 8, progress=False, replay=replay)
        assert h.replayed is replay
        weights.append([p.data for p in model.parameters()])
    assert weights[0] == pytest.approx(weights[1], rel=1e-12, abs=1e-12)


def _branching_fit(replay: bool) -> tuple[nn.History, list[float]]:
    model = nn.Layer(2, 1, weights=[[1.0, 0.5]], biases=[0.0])  # the output is x₁ + x₂/2: both signs

    def loss(outputs, targets):  # a Python `if` on a value: another graph for some samples
        terms = [o[0] * o[0] if o[0] > 0.5 else -o[0] for o in outputs]
        return nn.losses.autograd.sum(terms) / len(terms)

    history = nn.fit(
        model, loss, nn.SGD(model.parameters(), lr=0.01), DATA, 2, 8, progress=False, replay=replay
    )
    return history, [p.data for p in model.parameters()]


def test_a_graph_that_depends_on_the_data_falls_back_with_one_warning() -> None:
    with pytest.warns(ReplayWarning, match="replay is off .*depends on the data") as caught:
        history, replayed = _branching_fit(True)
    assert len(caught) == 1 and not history.replayed
    assert replayed == _branching_fit(False)[1]


def _crossing_fit(replay: bool, epochs: int) -> tuple[nn.History, list[float], list[str]]:
    """A branch no sample takes at first: scores start below 1 and some cross it after ~17 epochs."""
    data = nn.data.moons(40, noise=0.1, seed=0)

    def loss(outputs, targets):
        terms = [(s - 5) * (s - 5) if s < 1 else (s - 5).abs() * 0.1 for (s,) in outputs]
        return nn.losses.autograd.sum(terms) / len(terms)

    model = nn.MLP(2, [4, 1], activation="tanh", seed=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = nn.fit(
            model, loss, nn.SGD(model.parameters(), lr=0.002), data, epochs, 40, progress=False, replay=replay
        )
    return history, [p.data for p in model.parameters()], [str(w.message) for w in caught]


def test_a_branch_first_taken_mid_training_is_caught_before_its_step() -> None:
    # issue 20: the program was re-checked at epochs 2, 4, 8, … only, so epochs 18 to 31 replayed the
    # wrong branch for the samples that crossed; every comparison is now a guard checked on every sample
    history, replayed, warned = _crossing_fit(True, 20)
    assert not history.replayed and len(warned) == 1 and "answers a comparison `<` the other way" in warned[0]
    _, engine, _ = _crossing_fit(False, 20)
    assert max(abs(a - b) for a, b in zip(replayed, engine)) < 1e-12


def test_a_branch_on_a_plain_number_is_caught_at_the_next_check_where_a_probed_sample_crossed() -> None:
    # `s.data < 1` is no guard: fit records 4 samples again at epochs 2, 4, 8, … (other ones each time);
    # some cross after ~17 epochs, and a probe at epoch 32 sees one: the one warning says when, and
    # points at the line that called fit
    data = nn.data.moons(40, noise=0.1, seed=0)

    def loss(outputs, targets):
        terms = [(s - 5) * (s - 5) if s.data < 1 else (s - 5).abs() * 0.1 for (s,) in outputs]
        return nn.losses.autograd.sum(terms) / len(terms)

    model = nn.MLP(2, [4, 1], activation="tanh", seed=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = nn.fit(model, loss, nn.SGD(model.parameters(), lr=0.002), data, 40, 40, progress=False)
    assert not history.replayed and len(caught) == 1
    message = str(caught[0].message)
    assert re.search(r"sample \d+ computes another loss on Values\), at epoch 32, step 32", message)
    assert caught[0].filename == __file__


def test_a_comparison_every_sample_answers_alike_keeps_replaying() -> None:
    history, replayed, warned = _crossing_fit(True, 3)  # no sample crosses yet
    assert history.replayed and not warned
    _, engine, _ = _crossing_fit(False, 3)
    assert max(abs(a - b) for a, b in zip(replayed, engine)) < 1e-12


def test_a_sum_with_a_penalty_falls_back_with_the_same_weights() -> None:
    def run(replay: bool):
        model = nn.MLP(2, [3, 1], seed=2)
        params = model.parameters()

        def loss(o, t):  # Σ over the batch + one penalty: not a sum of per-sample losses
            return nn.bce_with_logits(o, t, reduction="sum") + nn.l2_penalty(params, 0.1)

        return nn.fit(model, loss, nn.SGD(params, lr=0.01), DATA, 2, 8, progress=False, replay=replay), params

    with pytest.warns(ReplayWarning, match="neither the mean nor the sum"):
        history, replayed = run(True)
    _, engine = run(False)
    assert not history.replayed
    assert [p.data for p in replayed] == [p.data for p in engine]


def test_a_domain_error_in_a_replayed_batch_names_the_node_and_the_sample() -> None:
    first = next(nn.batches(4, 2, random.Random(0)))  # fit's first batch runs on Values
    xs = [[1.0], [2.0], [3.0], [4.0]]
    bad = next(i for i in range(4) if i not in first)
    xs[bad] = [-3.0]
    data = nn.data.Dataset("d", xs, [0, 0, 0, 0], 1)
    model = nn.Layer(1, 1, weights=[[1.0]], biases=[0.0])

    def loss(outputs, targets):
        return nn.losses.autograd.sum([o[0].log().named("log o") for o in outputs])

    with pytest.raises(DomainError, match=f"node 'log o' of sample {bad}: log"):
        nn.fit(model, loss, nn.SGD(model.parameters(), lr=0.0), data, 2, batch_size=2, progress=False)


def test_classes_whose_programs_differ_only_in_constants_share_one_replay() -> None:
    from nn._replay import BatchProgram

    model = nn.MLP(2, [3, 1], activation="tanh", seed=2)
    loss = LOSSES["mse"][3]
    program = BatchProgram(model, loss, nn.SGD(model.parameters(), lr=0.1), DATA.inputs)
    idx = list(range(len(DATA)))
    program.prepare(idx, DATA.targets)
    assert program.replays[0] is program.replays[1]  # the target is a constant of one program
    program.scale = "mean"
    value, _, _, grads = program.step(idx, DATA.targets)
    replayed = list(grads)
    model.zero_grad()
    engine = loss([model(x) for x in DATA.inputs], DATA.targets)
    engine.backward()
    assert value == pytest.approx(engine.data, rel=1e-12)
    assert replayed == pytest.approx([p.grad for p in model.parameters()], rel=1e-12, abs=1e-15)


def test_a_hinge_losss_two_classes_run_as_two_variants_of_one_replay() -> None:
    from nn._replay import BatchProgram

    model = nn.MLP(2, [3, 1], activation="relu", seed=2)
    loss = LOSSES["binary_hinge_loss"][3]
    program = BatchProgram(model, loss, nn.SGD(model.parameters(), lr=0.1), DATA.inputs)
    program.prepare(list(range(len(DATA))), DATA.targets)
    assert program.replays[0] is program.replays[1]  # Δ + s and Δ − s: one shape
    assert sorted(program.variant.values()) == [0, 1]
    assert len(program.replays[0].variants) == 2


def test_classes_whose_programs_have_other_shapes_replay_side_by_side() -> None:
    # three classes, three programs of two shapes: classes 0 and 2 share a replay, class 1 has its own;
    # batches of 5 hold both families, or one (a family with no sample in a batch is skipped)
    def loss(outputs, targets):
        outputs = [o[0] if isinstance(o, list) else o for o in outputs]
        terms = [
            (o - t) ** 2 if t != 1 else (o - 1.0) ** 2 + 0.5 * o.tanh() for o, t in zip(outputs, targets)
        ]
        return sum(terms) * (1.0 / len(terms))

    def fit(replay: bool):
        model = nn.MLP(2, [3, 1], activation="tanh", seed=4)
        history = nn.fit(
            model, loss, nn.SGD(model.parameters(), lr=0.1), THREE, epochs=4, batch_size=5,
            progress=False, replay=replay,
        )  # fmt: skip
        return [p.data for p in model.parameters()], history

    with warnings.catch_warnings():
        warnings.simplefilter("error", ReplayWarning)
        replayed, history = fit(True)
    engine, reference = fit(False)
    assert history.replayed
    assert replayed == pytest.approx(engine, rel=1e-12, abs=1e-12)
    assert history.loss == pytest.approx(reference.loss, rel=1e-12)


@pytest.mark.parametrize("loss_name", ["softmax_cross_entropy", "cross_entropy", "hinge_loss"])
def test_classes_whose_losses_pick_other_outputs_share_one_replay(loss_name: str) -> None:
    # class j's loss reads output j: one program per class, one shape, so one replay runs every class's
    # samples together, each reading its own rows (it used to be one replay, and one sweep, per class)
    from nn._replay import BatchProgram

    out_act, outs, data, loss = LOSSES[loss_name]
    model = nn.MLP(2, [4, outs], activation="tanh", output_activation=out_act, seed=2)
    program = BatchProgram(model, loss, nn.SGD(model.parameters(), lr=0.1), data.inputs)
    idx = list(range(len(data)))
    program.prepare(idx, data.targets)
    assert program.replays[0] is program.replays[1] is program.replays[2]
    assert len({Replay.program(program.replays[0].variants[program.variant[k]]) for k in range(3)}) == 3
    program.scale = "mean"
    value, _, _, grads = program.step(idx, data.targets)
    assert len(program._last.groups) == 1
    model.zero_grad()
    engine = loss([model(x) for x in data.inputs], data.targets)
    engine.backward()
    assert value == pytest.approx(engine.data, rel=1e-12)
    assert list(grads) == pytest.approx([p.grad for p in model.parameters()], rel=1e-12, abs=1e-15)
