"""Replay of a recorded trace over a NumPy batch: the object engine's values and gradients, per sample."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import autograd
from autograd import OPS, DomainError, Replay, Value, ZeroDivision

SETTINGS = {"pow": {"n": 3}, "leaky_relu": {"slope": 0.1}}


def _points(op_name: str, count: int = 9) -> list[list[float]]:
    rng = random.Random(op_name)
    low = 0.1 if op_name in ("log", "sqrt", "pow_value") else -2.0
    points = [[rng.uniform(low, 2.0) for _ in range(OPS[op_name].arity)] for _ in range(count)]
    if OPS[op_name].arity == 2 and op_name in ("max", "min"):
        points.append([0.5, 0.5])  # a tie splits the gradient
    return points


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_replays_the_object_engines_values_and_gradients(name: str) -> None:
    op = OPS[name]
    points = _points(name)

    def f(*xs: Value) -> Value:
        return Value.apply(op, *xs, **SETTINGS.get(name, {})) * xs[0]  # one more use of the first input

    replayed = Replay(autograd.trace(f, *points[0])).forward(np.array(points).T)
    grads = replayed.gradients()
    for k, xs in enumerate(points):
        leaves = [Value(x) for x in xs]
        out = f(*leaves)
        out.backward()
        assert replayed.output()[k] == pytest.approx(out.data, rel=1e-12, abs=1e-15)
        assert list(grads[:, k]) == pytest.approx([v.grad for v in leaves], rel=1e-12, abs=1e-15)


def test_repeated_operands_and_constants_add_up() -> None:
    def f(x: Value, y: Value) -> Value:
        h = [x * y, x * x, y * 3.0, (x + 1.0) * y]
        return autograd.sum([v.tanh() * x for v in h])

    xs = np.array([[0.3, -1.2, 2.0], [0.7, 0.4, -0.1]])
    grads = Replay(autograd.trace(f, 0.3, 0.7)).forward(xs).gradients(seed=np.array([1.0, 2.0, 0.5]))
    for k, seed in enumerate([1.0, 2.0, 0.5]):
        x, y = Value(xs[0, k]), Value(xs[1, k])
        f(x, y).backward(seed)
        assert grads[:, k] == pytest.approx([x.grad, y.grad], rel=1e-12)


def test_a_domain_error_names_the_node_and_the_sample() -> None:
    t = autograd.trace(lambda a: (a - 1.0).named("d").log().named("L"), 2.0)
    with pytest.raises(
        DomainError, match=r"node 'L' of sample 17: log\(a\) needs a > 0; got a = -0.5 \(node 'd'\)"
    ):
        Replay(t).forward([np.array([3.0, 0.5])], samples=[4, 17])
    t = autograd.trace(lambda a, b: (a / b).named("q"), 1.0, 1.0)
    with pytest.raises(ZeroDivision, match="node 'q' of sample 1"):
        Replay(t).forward([np.array([1.0, 2.0]), np.array([1.0, 0.0])])


def test_a_gradient_that_is_not_finite_names_the_node() -> None:
    t = autograd.trace(lambda a: a.sqrt().named("r"), 2.0)
    sweep = Replay(t).forward([np.array([4.0, 0.0])])
    assert sweep.output().tolist() == [2.0, 0.0]
    with pytest.raises(DomainError, match=r"node 'r' of sample 1: sqrt: the value is 0\.0 but its gradient"):
        sweep.gradients()


def test_a_graph_that_depends_on_the_data_records_another_program() -> None:
    def f(x: Value) -> Value:
        return x * 2.0 if x > 0 else x.exp()

    assert Replay.program(autograd.trace(f, 1.0)) != Replay.program(autograd.trace(f, -1.0))
    assert Replay.program(autograd.trace(f, 1.0)) == Replay.program(autograd.trace(f, 3.0))
    relu = Replay.program(autograd.trace(lambda x: x.relu(), 1.0))  # a branch inside an op: one graph
    assert relu == Replay.program(autograd.trace(lambda x: x.relu(), -1.0))


def test_inputs_of_the_wrong_count_or_length() -> None:
    replay = Replay(autograd.trace(lambda a, b: a * b, 1.0, 2.0))
    with pytest.raises(ValueError, match="the trace has 2 input"):
        replay.forward([np.ones(3)])
    with pytest.raises(ValueError, match="one number or 3"):
        replay.forward([np.ones(3), np.ones(2)])
    assert replay.forward([2.0, np.arange(3.0)]).output().tolist() == [0.0, 2.0, 4.0]
    assert math.isclose(replay.forward([2.0, 5.0]).output()[0], 10.0)


def test_chains_of_sums_give_every_partial_sum_bit_for_bit_and_their_gradients() -> None:
    from functools import reduce
    from operator import add

    def f(*xs: Value) -> Value:
        # two neurons' Σ wₖxₖ as `reduce` builds them, one partial sum used again (not a chain there)
        a = reduce(add, [x * (k + 1.5) for k, x in enumerate(xs)]).named("a")
        shared = (xs[0] + xs[1]).named("shared")
        b = reduce(add, [shared, xs[2], xs[3], shared * xs[4]]).named("b")
        return (a.tanh() + b * a).named("out")

    rng = random.Random(7)
    points = [[rng.uniform(-1e3, 1e3) * 10 ** rng.randint(-9, 0) for _ in range(5)] for _ in range(6)]
    trace = autograd.trace(f, *points[0])
    sweep = Replay(trace).forward(np.array(points).T)
    grads = sweep.gradients()
    for k, xs in enumerate(points):
        leaves = [Value(x) for x in xs]
        out = f(*leaves)
        out.backward()
        replayed = {s.label: sweep.values[sweep.replay._row[s.index], k] for s in trace.body if s.label}
        engine = {v.label: v.data for v in autograd.topological_order(out) if v.label}
        assert replayed == {label: engine[label] for label in replayed}  # exact, rounding and all
        assert list(grads[:, k]) == pytest.approx([v.grad for v in leaves], rel=1e-12, abs=1e-15)


def test_constants_of_an_equal_program_replay_in_the_same_batch() -> None:
    def f(target: float):
        return lambda x, w: ((x * w - target) ** 2).named("loss")

    first, second = autograd.trace(f(1.0), 0.5, 2.0), autograd.trace(f(-3.0), 0.5, 2.0)
    replay = Replay(first)
    constants = np.column_stack([replay.literal_values(first), replay.literal_values(second)])
    sweep = replay.forward(np.array([[0.5, 0.25], [2.0, 4.0]]), literals=constants)
    assert list(sweep.output()) == [(0.5 * 2.0 - 1.0) ** 2, (0.25 * 4.0 + 3.0) ** 2]
    with pytest.raises(ValueError, match="another program"):
        replay.literal_values(autograd.trace(lambda x, w: (x * w) ** 2 - 1.0, 0.5, 2.0))


def _on_values(program, xs, variant):
    """Each sample k on the object engine, by the program of its variant (`program(v)`, a function of the
    leaves): (k, the loss, the leaves' gradients)."""
    for k, v in enumerate(variant):
        leaves = [Value(x) for x in xs[:, k]]
        out = program(v)(*leaves)
        out.backward()
        yield k, out.data, [x.grad for x in leaves]


def test_variants_whose_ops_differ_replay_each_sample_with_its_own_ops() -> None:
    def f(sign: float):  # a hinge loss's Δ − s for y = 1, Δ + s for y = −1: one shape, two programs
        return lambda s, w: ((1.0 - s * w) if sign > 0 else (1.0 + s * w)).relu().softplus().named("L")

    up, down = autograd.trace(f(1.0), 0.2, 0.5), autograd.trace(f(-1.0), 0.2, 0.5)
    assert Replay.program(up) != Replay.program(down) and Replay.shape(up) == Replay.shape(down)
    replay = Replay(up, [down])
    xs = np.array([[0.2, -0.4, 1.5, 0.3], [0.5, 0.5, -0.2, 0.1]])
    variant = [0, 1, 1, 0]
    sweep = replay.forward(xs, variant=variant)
    grads = sweep.gradients()
    for k, value, leaf_grads in _on_values(lambda v: f(-1.0 if v else 1.0), xs, variant):
        assert sweep.output()[k] == value
        assert list(grads[:, k]) == pytest.approx(leaf_grads, rel=1e-12, abs=1e-15)
    with pytest.raises(ValueError, match="another shape"):
        Replay(up, [autograd.trace(lambda s, w: (s * w).relu(), 0.2, 0.5)])


def test_variants_that_read_other_steps_replay_each_sample_with_its_own_operands() -> None:
    def f(j: int):  # a class index picks the log-probability the loss reads: −log softmax(s)_j
        return lambda a, b, c: (-autograd.log_softmax([a, b, c])[j]).named("L")

    traces = [autograd.trace(f(j), 0.1, 0.2, 0.3) for j in range(3)]
    assert len({Replay.program(t) for t in traces}) == 3
    assert len({Replay.shape(t) for t in traces}) == 1
    replay = Replay(traces[0], traces[1:])
    xs = np.random.default_rng(4).normal(size=(3, 7)) * 3
    variant = [0, 1, 2, 2, 1, 0, 2]
    sweep = replay.forward(xs, variant=variant)
    grads = sweep.gradients()
    for k, value, leaf_grads in _on_values(f, xs, variant):
        # (the shift by the largest score is a constant of the recording: equal to a few ulps)
        assert sweep.output()[k] == pytest.approx(value, rel=1e-14)
        assert list(grads[:, k]) == pytest.approx(leaf_grads, rel=1e-12, abs=1e-15)


def test_a_variant_that_reads_one_row_twice_in_a_group_adds_both_gradients() -> None:
    # one wave of two products: variant 0 reads a in both (its gradient gets two contributions in one
    # scatter), variant 1 reads b and w; the batch mixes them
    def f(j: int):
        return lambda a, b, w: (([a, b][j] * w) + ([a, w][j] * 2.0)).named("L")

    first, second = autograd.trace(f(0), 1.0, 2.0, 3.0), autograd.trace(f(1), 1.0, 2.0, 3.0)
    replay = Replay(first, [second])
    (products,) = [g for g in replay._groups if g.op.name == "mul"]
    assert products.picks is not None and not products.picks.distinct  # the path this test is for
    xs = np.array([[1.5, -2.0, 0.5, 3.0], [2.0, 0.25, -1.0, 1.0], [3.0, 1.5, 2.0, -0.5]])
    variant = [0, 1, 1, 0]
    sweep = replay.forward(xs, variant=variant)
    grads = sweep.gradients()
    for k, value, leaf_grads in _on_values(f, xs, variant):
        assert sweep.output()[k] == value
        assert list(grads[:, k]) == leaf_grads


def test_a_sum_that_another_variant_reads_is_not_folded_into_a_chain() -> None:
    # variant 0 reads only the chain's end; variant 1 also reads its first partial sum, so that sum's
    # gradient must be its own, not the end's alone
    def f(inner: bool):
        def g(a, b, c, d):
            s1 = a + b
            total = (s1 + c) + d
            return (total * (s1 if inner else d)).named("L")

        return g

    first, second = autograd.trace(f(False), 1.0, 2.0, 3.0, 4.0), autograd.trace(f(True), 1.0, 2.0, 3.0, 4.0)
    assert Replay.shape(first) == Replay.shape(second)
    replay = Replay(first, [second])
    xs = np.array([[1.0, -2.0, 0.5], [2.0, 0.25, -1.0], [3.0, 1.5, 2.0], [4.0, -0.5, 1.0]])
    variant = [1, 0, 1]
    grads = replay.forward(xs, variant=variant).gradients()
    for k, _, leaf_grads in _on_values(lambda v: f(bool(v)), xs, variant):
        assert list(grads[:, k]) == leaf_grads


def test_a_domain_error_of_a_variant_names_that_samples_op() -> None:
    first = autograd.trace(lambda a: (a * 1.0).named("d").log().named("L"), 2.0)
    second = autograd.trace(lambda a: (a * 1.0).named("d").sqrt().named("L"), 2.0)
    with pytest.raises(DomainError, match=r"node 'L' of sample 1: sqrt"):
        Replay(first, [second]).forward([[3.0, -4.0]], variant=[0, 1])


def test_reused_arrays_give_each_step_the_same_numbers_as_fresh_ones() -> None:
    replay = Replay(autograd.trace(lambda x, y: (x * y).tanh() + x, 0.1, 0.2))
    batches = [np.array([[0.1, 0.7], [0.2, -1.0]]), np.array([[2.0, -0.3], [0.5, 0.25]])]
    for xs in batches:
        fresh = replay.forward(xs)
        reused = replay.forward(xs, reuse=True)
        assert np.array_equal(reused.output(), fresh.output())
        assert np.array_equal(reused.gradients(), fresh.gradients())


def test_replay_of_something_that_is_not_a_trace_says_what_it_takes() -> None:
    with pytest.raises(
        TypeError, match=r"Replay takes an evaluation trace, autograd.trace\(f, \*args\), got function"
    ):
        Replay(lambda x: x)
