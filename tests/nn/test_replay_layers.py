"""fit() replays a network's layers as matrix products (autograd.replay.LayerReplay): which models take
that path, and that it gives the object engine's numbers; the pieces it stands on (trace cuts, several
outputs seeded at once, a tree of sums as one group)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
import nn
from autograd import Replay, Value
from nn._replay import BatchProgram

DATA = nn.data.moons(30, noise=0.2, seed=1)
THREE = nn.data.Dataset("three", list(DATA.inputs), [i % 3 for i in range(30)], 3)


def _program(model, loss, data=DATA) -> BatchProgram:
    program = BatchProgram(model, loss, nn.SGD(model.parameters(), lr=0.1), data.inputs)
    idx = list(range(len(data)))
    program.prepare(idx, [data.targets[i] for i in idx])
    return program


@pytest.mark.parametrize(
    ("sizes", "activation", "output"), [([3, 1], "tanh", "linear"), ([4, 4, 3], "relu", "softmax"),
                                        ([5, 1], "sigmoid", "sigmoid")],
)  # fmt: skip
def test_an_mlp_replays_its_layers_as_matrices_with_the_engines_numbers(sizes, activation, output):
    data = THREE if sizes[-1] == 3 else DATA
    model = nn.MLP(2, sizes, activation=activation, output_activation=output, seed=4)
    params = model.parameters()

    def loss(o, t):
        base = nn.cross_entropy(o, t) if sizes[-1] == 3 else nn.mse_loss(o, [[float(y)] for y in t])
        return base + nn.l2_penalty(params, 1e-3)

    program = _program(model, loss, data)
    assert program.layers is not None and len(program.layers.plans) == len(sizes)
    assert any(part is not None for part in program.hoisted.values())  # the penalty, once per batch
    program.scale = "mean"
    idx = list(range(len(data)))
    value, outputs, _, grads = program.step(idx, [data.targets[i] for i in idx])
    engine = loss([model(x) for x in data.inputs], list(data.targets))
    engine.backward()
    assert value == pytest.approx(engine.data, rel=1e-12)
    assert list(grads) == pytest.approx([p.grad for p in params], rel=1e-10, abs=1e-14)
    first = model(data.inputs[0])
    assert list(outputs[:, 0]) == pytest.approx([o.data for o in first], rel=1e-12)


def test_a_model_that_is_not_a_stack_of_layers_replays_step_by_step():
    class Skip(nn.Module):  # the output reads the input directly: not a plain stack of layers
        def __init__(self):
            self.mlp = nn.MLP(2, [3, 1], seed=2)

        def __call__(self, x):
            return [self.mlp(x)[0] + x[0]]

        def parameters(self):
            return self.mlp.parameters()

    program = _program(Skip(), lambda o, t: nn.mse_loss(o, [[float(y)] for y in t]))
    assert program.layers is None


def test_fit_takes_the_layered_path_and_trains_as_the_object_engine_does():
    def run(replay):
        model = nn.MLP(2, [6, 6, 1], activation="relu", seed=7)
        params = model.parameters()

        def loss(o, t):
            return nn.binary_hinge_loss(o, [2.0 * y - 1 for y in t]) + nn.l2_penalty(params, 1e-4)

        nn.fit(model, loss, nn.Adam(params, lr=0.01), DATA, epochs=6, progress=False, replay=replay)
        return [p.data for p in params], [p.grad for p in params]

    (replayed, replayed_grads), (engine, engine_grads) = run(True), run(False)
    assert replayed == pytest.approx(engine, rel=1e-10, abs=1e-13)
    assert replayed_grads == pytest.approx(engine_grads, rel=1e-9, abs=1e-13)  # the last step's .grad


def test_a_trace_cut_starts_at_the_cut_nodes():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    inner = (a * b).named("inner")
    out = (inner.exp() + a).named("out")
    traced = autograd.trace(out, inputs=[a], cuts=[inner])
    assert traced.n_inputs == 2 and all(step.op is None or step.op.name != "mul" for step in traced.body)
    sweep = Replay(traced).forward([np.array([2.0, 1.0]), np.array([6.0, 0.0])])
    assert list(sweep.output()) == pytest.approx([math.exp(6.0) + 2.0, 1.0 + 1.0])
    grads = sweep.gradients()
    assert list(grads[1]) == pytest.approx([math.exp(6.0), 1.0])  # ∂out/∂inner, the cut


def test_several_outputs_are_seeded_at_once():
    x = Value(1.5, "x")
    traced = autograd.trace([x * x, x.exp()], inputs=[x])
    sweep = Replay(traced).forward([np.array([1.5])])
    grads = sweep.gradients(np.array([[2.0], [3.0]]), [0, 1])
    assert grads[0, 0] == pytest.approx(2.0 * 3.0 + 3.0 * math.exp(1.5))


def test_a_balanced_tree_of_sums_runs_as_one_group_bit_for_bit():
    xs = [Value(v, f"x{k}") for k, v in enumerate(np.random.default_rng(0).normal(size=37))]
    total = autograd.sum([x * x for x in xs])
    replay = Replay(autograd.trace(total, inputs=xs))
    assert sum(g.tree is not None for g in replay._groups) == 1
    sweep = replay.forward([np.array([x.data]) for x in xs])
    assert sweep.output()[0] == total.data  # each node added as the graph adds it
    total.backward()
    assert list(sweep.gradients()[:, 0]) == [x.grad for x in xs]
