"""Training benchmark: micrograd's own demo, with chainrule's nn and with micrograd 0.1.0, in the same run.

The demo (micrograd's demo.ipynb): MLP(2, [16, 16, 1]) with ReLU hidden units on 100 two-moons points,
SVM loss mean(relu(1 − y·score)) + 1e-4·Σp², full-batch SGD with η = 1 − 0.9·k/100. One step is
forward + backward + update. Both engines get the same points (nn.data.moons(100, noise=0.1)).

Run by hand:  .venv/bin/pip install micrograd==0.1.0 && .venv/bin/python benchmarks/training.py [steps]

chainrule always runs with the garbage collector on, as users have it; micrograd runs twice, with the
collector on (its default) and off. Times are medians over the steps; ratios > 1 mean chainrule is faster.
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


def chainrule_steps(points, labels, steps):
    """Per-step times and the final accuracy of chainrule's nn on the demo."""
    model = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=1337)
    params = model.parameters()
    optimizer = nn.SGD(params, lr=1.0)
    signs = [2 * t - 1 for t in labels]

    def loss(outputs, ys):
        return nn.binary_hinge_loss(outputs, ys) + nn.l2_penalty(params, ALPHA)

    times = []
    for k in range(steps):
        start = time.perf_counter()
        outputs = [model(x) for x in points]
        total = loss(outputs, signs)
        optimizer.zero_grad()
        total.backward()
        optimizer.lr = 1.0 - 0.9 * k / 100
        optimizer.step()
        times.append(time.perf_counter() - start)
        del outputs, total
    accuracy = sum((model(x)[0].data > 0) == (y > 0) for x, y in zip(points, signs)) / len(points)
    return times, accuracy


def micrograd_steps(points, labels, steps):
    """The same loop, written as in micrograd's demo notebook."""
    random.seed(1337)
    model = MicroMLP(2, [16, 16, 1])
    ys = [2 * t - 1 for t in labels]
    times = []
    for k in range(steps):
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
        times.append(time.perf_counter() - start)
        del inputs, scores, losses, data_loss, reg_loss, total
    accuracy = sum((model(list(map(MicroValue, x))).data > 0) == (y > 0) for x, y in zip(points, ys)) / len(
        points
    )
    return times, accuracy


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    data = nn.data.moons(100, noise=0.1, seed=0)
    points, labels = data.inputs, data.targets
    print(f"Python {sys.version.split()[0]}; micrograd's demo, {steps} steps each, median time per step")
    gc.collect()
    ours, our_acc = chainrule_steps(points, labels, steps)
    gc.collect()
    theirs_gc, acc_gc = micrograd_steps(points, labels, steps)
    gc.collect()
    gc.disable()
    try:
        theirs_nogc, acc_nogc = micrograd_steps(points, labels, steps)
    finally:
        gc.enable()
    t_ours = statistics.median(ours)
    print(f"{'engine':<34} {'ms/step':>9} {'accuracy':>9} {'chainrule is':>14}")
    print(f"{'chainrule nn (gc on)':<34} {t_ours * 1e3:>9.2f} {our_acc:>9.0%}")
    for name, t, acc in (
        ("micrograd 0.1.0 (gc on, default)", statistics.median(theirs_gc), acc_gc),
        ("micrograd 0.1.0 (gc off)", statistics.median(theirs_nogc), acc_nogc),
    ):
        print(f"{name:<34} {t * 1e3:>9.2f} {acc:>9.0%} {t / t_ours:>12.1f}x faster")


if __name__ == "__main__":
    main()
