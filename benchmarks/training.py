"""Training benchmark: micrograd's own demo, with chainrule's nn and with micrograd 0.1.0, in the same run.

The demo (micrograd's demo.ipynb): MLP(2, [16, 16, 1]) with ReLU hidden units on 100 two-moons points,
SVM loss mean(relu(1 − y·score)) + 1e-4·Σp², full-batch SGD with η = 1 − 0.9·k/100. One step is
forward + backward + update. Both engines get the same points (nn.data.moons(100, noise=0.1)).

Run by hand:  .venv/bin/pip install micrograd==0.1.0 && .venv/bin/python benchmarks/training.py [steps]

chainrule always runs with the garbage collector on, as users have it; micrograd runs twice, with the
collector on (its default) and off. The three take turns, a block of steps each; times are medians over
the steps, and ratios > 1 mean chainrule is faster.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time

import nn

try:
    from micrograd.engine import Value as MicroValue
    from micrograd.nn import MLP as MicroMLP
except ImportError:
    sys.exit("micrograd is not installed: run  .venv/bin/pip install micrograd==0.1.0")

ALPHA = 1e-4


def chainrule_steps(points, labels):
    """chainrule's nn on the demo: yields each step's time, then (None, final accuracy)."""
    model = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=1337)
    params = model.parameters()
    optimizer = nn.SGD(params, lr=1.0)
    signs = [2 * t - 1 for t in labels]

    def loss(outputs, ys):
        return nn.binary_hinge_loss(outputs, ys) + nn.l2_penalty(params, ALPHA)

    k = 0
    while True:
        start = time.perf_counter()
        outputs = [model(x) for x in points]
        total = loss(outputs, signs)
        optimizer.zero_grad()
        total.backward()
        optimizer.lr = 1.0 - 0.9 * k / 100
        optimizer.step()
        elapsed = time.perf_counter() - start
        del outputs, total
        k += 1
        if (yield elapsed) == "done":
            break
    yield sum((model(x)[0].data > 0) == (y > 0) for x, y in zip(points, signs)) / len(points)


def micrograd_steps(points, labels):
    """The same loop, written as in micrograd's demo notebook."""
    random.seed(1337)
    model = MicroMLP(2, [16, 16, 1])
    ys = [2 * t - 1 for t in labels]
    k = 0
    while True:
        start = time.perf_counter()
        inputs = [list(map(MicroValue, row)) for row in points]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
        elapsed = time.perf_counter() - start
        del inputs, scores, losses, data_loss, reg_loss, total
        k += 1
        if (yield elapsed) == "done":
            break
    yield sum((model(list(map(MicroValue, x))).data > 0) == (y > 0) for x, y in zip(points, ys)) / len(points)


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    data = nn.data.moons(100, noise=0.1, seed=0)
    runs = {
        "chainrule nn (gc on)": (chainrule_steps(data.inputs, data.targets), True),
        "micrograd 0.1.0 (gc on, default)": (micrograd_steps(data.inputs, data.targets), True),
        "micrograd 0.1.0 (gc off)": (micrograd_steps(data.inputs, data.targets), False),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    print(f"Python {sys.version.split()[0]}; micrograd's demo, {steps} steps each, median time per step")
    # The engines take turns, a block of steps each, so that a busy machine slows them alike. No
    # collection is forced: an engine pays for the garbage that is alive when it runs, as in a user's loop.
    rounds = 3
    for r in range(rounds):
        block = steps // rounds + (1 if r < steps % rounds else 0)
        for name, (run, gc_on) in runs.items():
            if not gc_on:
                gc.disable()
            try:
                times[name].extend(next(run) for _ in range(block))
            finally:
                gc.enable()
    accuracy = {name: run.send("done") for name, (run, _) in runs.items()}
    ours = statistics.median(times["chainrule nn (gc on)"])
    print(f"{'engine':<34} {'ms/step':>9} {'accuracy':>9} {'chainrule is':>14}")
    for name in runs:
        t = statistics.median(times[name])
        ratio = "" if name.startswith("chainrule") else f"{t / ours:>12.1f}x faster"
        print(f"{name:<34} {t * 1e3:>9.2f} {accuracy[name]:>9.0%} {ratio}")


if __name__ == "__main__":
    main()
