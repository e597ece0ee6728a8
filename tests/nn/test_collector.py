"""nn's forward passes, losses and fit's steps on Values run with the cyclic garbage collector paused (see
autograd.collector_paused); outside them, and after their errors, it is exactly as the program set it."""

import gc
from typing import ClassVar

import pytest

import autograd
import nn
from autograd import Value


@pytest.fixture(autouse=True)
def _collector_on_after():
    yield
    gc.enable()  # whatever a failing test left


class Spy(Value):
    """An input that notes, each time a weight multiplies it, whether the collector is on."""

    seen: ClassVar[list[bool]] = []

    def __rmul__(self, other):
        Spy.seen.append(gc.isenabled())
        return Value.__mul__(other, self)


@pytest.mark.parametrize(
    "module",
    [nn.MLP(2, [3, 1], seed=0), nn.Layer(2, 3, "relu"), nn.Neuron(2, "tanh")],
    ids=["MLP", "Layer", "Neuron"],
)
def test_a_forward_pass_runs_paused(module):
    Spy.seen = []
    gc.enable()
    module([Spy(0.5), Spy(-1.0)])
    assert Spy.seen and not any(Spy.seen)
    assert gc.isenabled()


def test_a_forward_pass_leaves_the_collector_as_the_program_set_it():
    model = nn.MLP(2, [3, 1], seed=0)
    gc.enable()
    with pytest.raises(ValueError, match="MLP expects 2 inputs, got 1"):
        model([1.0])
    assert gc.isenabled()
    gc.disable()
    model([1.0, 2.0])
    assert not gc.isenabled()


LOSSES = {
    "mse_loss": lambda p: nn.mse_loss([p], [0.5]),
    "squared_loss": lambda p: nn.squared_loss([p], [0.5]),
    "l1_loss": lambda p: nn.l1_loss([p], [0.5]),
    "cross_entropy": lambda p: nn.cross_entropy([[p, 1 - p], [p, 1 - p]], [0, 1]),
    "softmax_cross_entropy": lambda p: nn.softmax_cross_entropy([[p, -p], [p, p]], [0, 1]),
    "binary_cross_entropy": lambda p: nn.binary_cross_entropy([p, p], [1, 0]),
    "bce_with_logits": lambda p: nn.bce_with_logits([p, p], [1, 0]),
    "logistic_loss": lambda p: nn.logistic_loss([p, p], [1, -1]),
    "hinge_loss": lambda p: nn.hinge_loss([[p, -p], [p, p]], [0, 1]),
    "binary_hinge_loss": lambda p: nn.binary_hinge_loss([p, p], [1, -1]),
    "l2_penalty": lambda p: nn.l2_penalty([p, p * 2], 0.1),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_runs_paused(name, monkeypatch):
    seen = []
    real = autograd.sum

    def spy(xs):
        seen.append(gc.isenabled())
        return real(xs)

    monkeypatch.setattr(autograd, "sum", spy)
    gc.enable()
    LOSSES[name](Value(0.3))
    assert seen and not any(seen)
    assert gc.isenabled()


def test_a_loss_that_refuses_its_arguments_leaves_the_collector_on():
    gc.enable()
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.mse_loss([Value(1.0)], [0.0], reduction="average")
    assert gc.isenabled()


def test_fit_pauses_its_steps_on_values_but_not_the_callback():
    in_loss, in_callback = [], []

    def loss(outputs, targets):
        in_loss.append(gc.isenabled())
        return nn.mse_loss(outputs, [[t] for t in targets])

    model = nn.MLP(2, [2, 1], "tanh", "sigmoid", seed=0)
    gc.enable()
    nn.fit(model, loss, nn.SGD(model.parameters(), lr=0.5), nn.data.xor(), epochs=2, progress=False,
           replay=False, callback=lambda step, value: in_callback.append(gc.isenabled()))  # fmt: skip
    assert in_loss and not any(in_loss)
    assert in_callback and all(in_callback)
    assert gc.isenabled()


def test_forward_passes_in_a_row_give_the_collector_no_moment_to_run():
    # Each call builds about 640 nodes; between the calls the collector, on, would run a young collection
    # every 700 new objects: but a decorated call pauses it before it creates any object it counts.
    model = nn.MLP(2, [16, 16, 1], "relu", seed=0)
    started = []

    def note(phase, info):
        if phase == "start":
            started.append(info["generation"])

    gc.enable()
    gc.collect()
    gc.callbacks.append(note)
    try:
        outputs = [model([0.1 * i, -0.2 * i]) for i in range(20)]
    finally:
        gc.callbacks.remove(note)
    assert len(outputs) == 20 and started == []
