"""A training step on Values, side by side with micrograd 0.1.0: micrograd's own demo, in one process.

The demo (micrograd's demo.ipynb): MLP(2, [16, 16, 1]) with ReLU hidden units on 100 two-moons points,
SVM loss mean(relu(1 − y·score)) + 1e-4·Σp², full-batch SGD with η = 1 − 0.9·k/100. One step is
forward + backward + update. Every engine starts from micrograd's own weights (random.seed(1337)) and
the same points (nn.data.moons(100, noise=0.1)); their first losses are printed, to show they agree.

- chainrule nn: nn.MLP, nn.binary_hinge_loss + nn.l2_penalty, nn.SGD, as a user of `nn` writes it;
- chainrule Values by hand: micrograd's nn.py and demo loop, word for word, on `autograd.Value`;
- the same two with each step inside `autograd.collector_paused()`, the opt-in for a user's loop;
- micrograd, collector off: the collector disabled while a step runs, and each step's garbage (its
  graphs are reference cycles: closures) collected after it, outside the timing;
- micrograd, collector on: as it runs by default, timed after the other engines' rounds, so that no
  engine pays for its garbage and none is collected by force.

chainrule runs with the collector on, as users have it, and is never collected by force: it pays for
the collections its allocations trigger (its graphs, freed by reference counting, leave no garbage;
each step's graph is freed outside the timing, as micrograd's is). The engines take turns, the order
rotating from round to round, so that a busy machine slows them alike: in each turn `--warmup` steps
that are not counted (the first after another engine's turn finds the collector's counts reset by a
collection it did not cause), then `--block` steps timed, wall-clock and CPU time of the thread.
Medians over the timed steps.

Run by hand (`make bench` runs it bare):
    .venv/bin/pip install micrograd==0.1.0
    .venv/bin/python benchmarks/training.py [--sklearn] [--rounds 10] [--block 3] [--warmup 1]
`--sklearn` imports scikit-learn first, as micrograd's notebook does (`from sklearn.datasets import
make_moons`): a heavier process, whose every full collection walks more objects.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext

import nn
from autograd import Value, collector_paused

try:
    from micrograd.engine import Value as MicroValue
    from micrograd.nn import MLP as MicroMLP
except ImportError:
    sys.exit("micrograd is not installed: run  .venv/bin/pip install micrograd==0.1.0")

ALPHA = 1e-4


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sklearn", action="store_true", help="import scikit-learn first (micrograd's notebook does)"
    )
    parser.add_argument("--rounds", type=int, default=10, help="rounds of turns (default 10)")
    parser.add_argument("--block", type=int, default=3, help="timed steps per turn (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed steps per turn first (default 1)")
    parser.add_argument(
        "--gc-on-block", type=int, default=1, help="timed steps per turn of micrograd, collector on (1)"
    )
    return parser.parse_args()


Steps = Iterator[tuple[float, float]]  # each next() runs one step: (wall-clock, CPU) time in seconds


def micrograd_model() -> MicroMLP:
    random.seed(1337)  # the notebook's seed
    return MicroMLP(2, [16, 16, 1])


def micrograd_weights() -> tuple[list[list[list[float]]], list[list[float]]]:
    """The demo's initial weights and biases, layer by layer (row j: the weights into unit j)."""
    layers = micrograd_model().layers
    weights = [[[w.data for w in n.w] for n in layer.neurons] for layer in layers]
    biases = [[n.b.data for n in layer.neurons] for layer in layers]
    return weights, biases


# --- (a) chainrule through nn ------------------------------------------------------------------------


def nn_steps(points: list, labels: list, first: list, paused: bool = False) -> Steps:
    weights, biases = micrograd_weights()
    model = nn.MLP(2, [16, 16, 1], "relu", "linear", weights=weights, biases=biases)
    params = model.parameters()
    optimizer = nn.SGD(params, lr=1.0)
    signs = [2 * t - 1 for t in labels]
    k = 0
    while True:
        start, cpu = time.perf_counter(), time.thread_time()
        with collector_paused() if paused else nullcontext():
            outputs = [model(x) for x in points]
            total = nn.binary_hinge_loss(outputs, signs) + nn.l2_penalty(params, ALPHA)
            optimizer.zero_grad()
            total.backward()
            optimizer.lr = 1.0 - 0.9 * k / 100
            optimizer.step()
        elapsed = time.perf_counter() - start, time.thread_time() - cpu
        if k == 0:
            first.append(total.data)
        del outputs, total  # the graph is freed here, outside the timing
        k += 1
        yield elapsed


# --- (b) chainrule Values in a user's own classes: micrograd's nn.py on autograd.Value ----------------


class Neuron:
    def __init__(self, w: list[float], b: float, nonlin: bool) -> None:
        self.w = [Value(x) for x in w]
        self.b = Value(b)
        self.nonlin = nonlin

    def __call__(self, x: list) -> Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]


class Layer:
    def __init__(self, w: list[list[float]], b: list[float], nonlin: bool) -> None:
        self.neurons = [Neuron(row, bias, nonlin) for row, bias in zip(w, b)]

    def __call__(self, x: list) -> Value | list[Value]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, weights: list, biases: list) -> None:
        last = len(weights) - 1
        self.layers = [Layer(w, b, nonlin=i != last) for i, (w, b) in enumerate(zip(weights, biases))]

    def __call__(self, x: list) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0


def demo_loop(
    model: Callable, value: type, points: list, labels: list, first: list, paused: bool = False
) -> Steps:
    """micrograd's demo loop (its loss() and the training cell) for a model of `value` nodes."""
    ys = [2 * t - 1 for t in labels]
    k = 0
    while True:
        start, cpu = time.perf_counter(), time.thread_time()
        with collector_paused() if paused else nullcontext():
            inputs = [list(map(value, row)) for row in points]
            scores = list(map(model, inputs))
            losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(ys, scores)]
            data_loss = sum(losses) * (1.0 / len(losses))
            reg_loss = ALPHA * sum(p * p for p in model.parameters())
            total = data_loss + reg_loss
            model.zero_grad()
            total.backward()
            learning_rate = 1.0 - 0.9 * k / 100
            for p in model.parameters():
                p.data -= learning_rate * p.grad
        elapsed = time.perf_counter() - start, time.thread_time() - cpu
        if k == 0:
            first.append(total.data)
        del inputs, scores, losses, data_loss, reg_loss, total
        k += 1
        yield elapsed


def values_steps(points: list, labels: list, first: list, paused: bool = False) -> Steps:
    return demo_loop(MLP(*micrograd_weights()), Value, points, labels, first, paused)


# --- (c), (d) micrograd ------------------------------------------------------------------------------


def micrograd_steps(points: list, labels: list, first: list, collector: bool) -> Steps:
    steps = demo_loop(micrograd_model(), MicroValue, points, labels, first)
    while True:
        if collector:
            yield next(steps)
            continue
        gc.disable()
        try:
            elapsed = next(steps)
        finally:
            gc.enable()
        gc.collect()  # the step's cycles, outside the timing
        yield elapsed


def _turn(steps: Steps, warmup: int, block: int, times: list) -> None:
    """An engine's turn: `warmup` steps not counted, then `block` timed."""
    for _ in range(warmup):
        next(steps)
    times.extend(next(steps) for _ in range(block))


def main() -> None:
    args = parse_args()
    if args.sklearn:
        from sklearn.datasets import make_moons  # noqa: F401  (the import is the point: a heavier process)
    data = nn.data.moons(100, noise=0.1, seed=0)
    points, labels = [list(x) for x in data.inputs], list(data.targets)
    engines = {
        "chainrule nn": (nn_steps, args.block),
        "chainrule Values by hand": (values_steps, args.block),
        "chainrule nn, collector_paused()": (lambda *a: nn_steps(*a, paused=True), args.block),
        "chainrule Values, collector_paused()": (lambda *a: values_steps(*a, paused=True), args.block),
        MG_OFF: (lambda *a: micrograd_steps(*a, collector=False), args.block),
        MG_ON: (lambda *a: micrograd_steps(*a, collector=True), args.gc_on_block),
    }
    firsts: dict[str, list[float]] = {name: [] for name in engines}
    runs = {name: make(points, labels, firsts[name]) for name, (make, _) in engines.items()}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in engines}
    tracked = len(gc.get_objects())
    load_before = os.getloadavg()
    names = list(engines)
    turning = [name for name in names if name != MG_ON]  # micrograd with its collector on comes last
    for r in range(args.rounds):
        for name in [*turning[r % len(turning) :], *turning[: r % len(turning)]]:
            _turn(runs[name], args.warmup, engines[name][1], times[name])
    for _ in range(args.rounds):
        _turn(runs[MG_ON], args.warmup, engines[MG_ON][1], times[MG_ON])
    load_after = os.getloadavg()

    process = "scikit-learn imported" if args.sklearn else "bare process"
    print(f"Python {sys.version.split()[0]}, {process}, {tracked:,} objects tracked before the first step")
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; {os.cpu_count()} CPUs")
    losses = ", ".join(f"{firsts[n][0]:.15f}" for n in names)
    print(f"{args.rounds} rounds, {args.warmup} untimed step(s) a turn; first losses {losses}")
    print("medians in ms; ratios > 1: faster than micrograd (wall-clock, and CPU time in brackets)")
    print(f"{'engine':<37} {'steps':>5} {'wall':>7} {'CPU':>6} {'vs micrograd off':>17} {'vs on':>12}")
    medians = {name: [statistics.median(t) for t in zip(*times[name])] for name in names}
    for name in names:
        wall, cpu = medians[name]
        off, on = medians[MG_OFF], medians[MG_ON]
        print(
            f"{name:<37} {len(times[name]):>5} {wall * 1e3:>7.1f} {cpu * 1e3:>6.1f} "
            f"{off[0] / wall:>9.2f}× ({off[1] / cpu:.2f}) {on[0] / wall:>5.1f}× ({on[1] / cpu:.1f})"
        )


MG_OFF, MG_ON = "micrograd 0.1.0, collector off", "micrograd 0.1.0, collector on"

if __name__ == "__main__":
    main()
