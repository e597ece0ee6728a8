# ruff: noqa: E402  (the thread settings must come before NumPy is imported)
"""Replay benchmark: micrograd's demo step through nn.fit (replayed), micrograd 0.1.0, PyTorch eager,
JAX jit and NumPy by hand.

The step (micrograd's demo.ipynb): MLP(2, [16, 16, 1]) with ReLU, 100 two-moons points, full batch,
mean hinge loss + 1e-4·Σp², backward, SGD; then the same at other widths and batch sizes, and on the
digits (MLP 64-w-w-10, ReLU, softmax cross-entropy, SGD; mini-batches of 128, shuffled, or the whole
1,797). chainrule runs it as a user does, `nn.fit(..., epochs=K)` (replayed; see `chainrule_fit`);
micrograd, PyTorch (float64, one thread) and NumPy run the loop as their users write it, over the
same batches. The collector stays on, nothing collects between steps, except for the "collector off"
row (micrograd's graphs hold cycles: its collection time is left out there). The NumPy row is the
floor: the same step written by hand as matrix products, forward and backward. Medians of the
per-step times; ratios > 1 mean the replayed fit is faster.

JAX, where it installs (`pip install -e '.[jax]'`, which `make bench` tries), runs the whole step as one
`jax.jit`-compiled function (forward, loss, gradient and SGD update) in float64; it is compiled before
the timing, for each batch shape it meets.

Run by hand: `make bench` (micrograd 0.1.0 installed by it; PyTorch and JAX if installed); `--plot FILE.png`
also draws the scaling table as a picture (cost per step against the batch size).
"""

from __future__ import annotations

import os

# One thread for every engine, as PyTorch is set to: NumPy's BLAS would otherwise start a thread per core
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
# and for JAX's XLA on the CPU: its Eigen thread pool off, one thread per operation
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import argparse
import contextlib
import gc
import random
import statistics
import sys
import time
from functools import partial
from itertools import pairwise
from typing import Any

import numpy as np

import nn

try:
    from micrograd.engine import Value as MicroValue
    from micrograd.nn import MLP as MicroMLP
except ImportError:
    sys.exit("micrograd is not installed: run  .venv/bin/pip install micrograd==0.1.0")

ALPHA = 1e-4
STEPS = 40


def _model(case: str, width: int) -> nn.MLP:
    if case == "digits":  # 64 pixels in, 10 scores out (softmax cross-entropy, as PyTorch's)
        return nn.MLP(64, [width, width, 10], activation="relu", seed=1337)
    return nn.MLP(2, [width, width, 1], activation="relu", seed=1337)


def _fit(data, width: int, epochs: int, callback=None, case: str = "moons", batch: int | None = None):
    model = _model(case, width)
    params = model.parameters()

    def loss(outputs, ys):
        if case == "digits":
            return nn.softmax_cross_entropy(outputs, ys)
        return nn.binary_hinge_loss(outputs, [2 * y - 1 for y in ys]) + nn.l2_penalty(params, ALPHA)

    h = nn.fit(model, loss, nn.SGD(params, lr=0.5 if case == "moons" else 0.1), data, epochs,
               batch_size=batch, progress=False, callback=callback)  # fmt: skip
    assert h.replayed
    return h


def chainrule_fit(data, width: int = 16, case: str = "moons", batch: int | None = None) -> float:
    """A step of `nn.fit(..., epochs=K)` as a user calls it: the median of its epochs' times
    (`History.epoch_seconds`) over the steps of an epoch, the first epoch (the recording) left out; the
    epochs 2, 4, 8, … that record samples again are in the median's tail."""
    per_epoch = -(-len(data) // (batch or len(data)))
    h = _fit(data, width, 200 if batch is None else 20, case=case, batch=batch)
    return statistics.median(h.epoch_seconds[1:]) / per_epoch


def chainrule_fit_with_callback(data, width: int = 16) -> list[float]:
    """Each step timed by a callback, which makes fit write the weights into the Values every step
    (a callback may read them) and read them back."""
    stamps = [time.perf_counter()]
    _fit(data, width, STEPS, lambda step, value: stamps.append(time.perf_counter()))
    return [b - a for a, b in pairwise(stamps[1:])]  # the first step runs on Values


def micrograd_steps(data, steps=STEPS // 4) -> list[float]:
    random.seed(1337)
    model = MicroMLP(2, [16, 16, 1])
    ys = [2 * t - 1 for t in data.targets]
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        scores = [model(list(map(MicroValue, row))) for row in data.inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
        total = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= 0.5 * p.grad
        times.append(time.perf_counter() - start)
    return times


def _batches(n: int, batch: int | None, steps: int) -> list[list[int]]:
    """The index lists of `steps` steps: the full batch, or shuffled mini-batches epoch after epoch (as
    fit draws them)."""
    rng, found = random.Random(0), []
    while len(found) < steps:
        found.extend(nn.data.batches(n, batch, rng))
    return found[:steps]


def torch_steps(data, width: int = 16, case: str = "moons", batch: int | None = None) -> list[float]:
    import torch

    torch.set_num_threads(1)
    model = _model(case, width).to_torch()
    x = torch.tensor(data.inputs, dtype=torch.float64)
    if case == "digits":
        y = torch.tensor(data.targets, dtype=torch.long)
    else:
        y = torch.tensor([2.0 * t - 1 for t in data.targets], dtype=torch.float64)
    opt = torch.optim.SGD(model.parameters(), lr=0.5 if case == "moons" else 0.1)
    times = []
    for idx in _batches(len(data), batch, STEPS * 5):
        start = time.perf_counter()
        rows = torch.tensor(idx) if batch else slice(None)
        if case == "digits":
            total = torch.nn.functional.cross_entropy(model(x[rows]), y[rows])
        else:
            score = model(x)[:, 0]
            total = torch.relu(1 - y * score).mean() + ALPHA * sum((p * p).sum() for p in model.parameters())
        opt.zero_grad()
        total.backward()
        opt.step()
        times.append(time.perf_counter() - start)
    return times


def jax_steps(data, width: int = 16, case: str = "moons", batch: int | None = None) -> list[float]:
    """JAX: the whole step (forward, loss, gradient, SGD update) as one jit-compiled function, float64,
    compiled before the timing for every batch shape it meets; each step waits for its new weights."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    model = _model(case, width)
    params = [
        (jnp.array(layer.weights()), jnp.array([n.b.data for n in layer.neurons])) for layer in model.layers
    ]
    x_all = np.array(data.inputs, dtype=float)
    if case == "digits":
        y_all, lr = np.array(data.targets), 0.1
    else:
        y_all, lr = np.array([2.0 * t - 1 for t in data.targets]), 0.5

    def loss(params, x, y):
        h = x
        for k, (w, b) in enumerate(params):
            h = h @ w.T + b
            if k < len(params) - 1:
                h = jax.nn.relu(h)
        if case == "digits":
            return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(h), y[:, None], axis=1))
        penalty = sum((w * w).sum() + (b * b).sum() for w, b in params)
        return jnp.mean(jax.nn.relu(1 - y * h[:, 0])) + ALPHA * penalty

    @jax.jit
    def step(params, x, y):
        value, grads = jax.value_and_grad(loss)(params, x, y)
        return [(w - lr * gw, b - lr * gb) for (w, b), (gw, gb) in zip(params, grads)], value

    steps = _batches(len(data), batch, STEPS * 5)
    for idx in {len(idx): idx for idx in steps}.values():  # compile once per batch shape, untimed
        jax.block_until_ready(step(params, x_all[idx], y_all[idx]))
    times = []
    for idx in steps:
        start = time.perf_counter()
        x, y = (x_all[idx], y_all[idx]) if batch else (x_all, y_all)
        params, _ = step(params, x, y)
        jax.block_until_ready(params)
        times.append(time.perf_counter() - start)
    return times


def micrograd_steps_collector_off(data) -> list[float]:
    gc.disable()
    try:
        return micrograd_steps(data, STEPS // 2)
    finally:
        gc.enable()
        gc.collect()  # the cycles it left, outside every timed step


def numpy_steps(data, width: int = 16, case: str = "moons", batch: int | None = None) -> list[float]:
    """The floor: the same step by hand, a matrix product per layer forward and backward."""
    model = _model(case, width)
    ws = [np.array(layer.weights()) for layer in model.layers]
    bs = [np.array([n.b.data for n in layer.neurons]) for layer in model.layers]
    x_all = np.array(data.inputs, dtype=float)
    if case == "digits":
        y_all = np.eye(10)[np.array(data.targets)]
        lr, alpha = 0.1, 0.0
    else:
        y_all = np.array([2.0 * t - 1 for t in data.targets])
        lr, alpha = 0.5, ALPHA
    times = []
    for idx in _batches(len(data), batch, STEPS * 5):
        start = time.perf_counter()
        x, y = (x_all[idx], y_all[idx]) if batch else (x_all, y_all)
        hs = [x]
        for k, (w, b) in enumerate(zip(ws, bs)):
            z = hs[-1] @ w.T + b
            hs.append(np.maximum(z, 0.0) if k < len(ws) - 1 else z)
        if case == "digits":  # softmax cross-entropy: its gradient is (p − y) / N
            z = hs[-1] - hs[-1].max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            _ = -np.log(p[y > 0]).mean()
            g = (p - y) / len(y)
        else:
            margin = 1.0 - y * hs[-1][:, 0]
            # loss = mean(relu(margin)) + ALPHA·Σp² (computed for the step's cost, as the others do)
            _ = np.maximum(margin, 0.0).mean() + ALPHA * sum(
                (w * w).sum() + (b * b).sum() for w, b in zip(ws, bs)
            )
            g = (-(margin > 0.0).astype(float) * y / len(y))[:, None]
        for k in range(len(ws) - 1, -1, -1):
            gw, gb = g.T @ hs[k], g.sum(axis=0)
            if alpha:
                gw, gb = gw + 2 * alpha * ws[k], gb + 2 * alpha * bs[k]
            if k:
                g = (g @ ws[k]) * (hs[k] > 0)
            ws[k] -= lr * gw
            bs[k] -= lr * gb
        times.append(time.perf_counter() - start)
    return times


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--plot", metavar="FILE.png", help="also draw the scaling table as a picture")
    p.add_argument("--no-digits", action="store_true", help="leave out the digits rows (needs scikit-learn)")
    return p.parse_args()


ROUNDS = 3  # the engines timed in turn, round after round: a slow spell of the machine slows them all


def _rounds(measure: dict[str, Any]) -> dict[str, list[float]]:
    """Each engine's step time (ms) in each of ROUNDS rounds, the engines timed one after another within
    a round. On a shared machine the speed drifts by up to 2× from minute to minute; a ratio taken
    within a round compares the engines at one speed."""
    found: dict[str, list[float]] = {name: [] for name in measure}
    for _ in range(ROUNDS):
        for name, step in measure.items():
            found[name].append(step() * 1e3)
    return found


def _has_jax() -> bool:
    try:
        import jax  # noqa: F401
    except ImportError:
        return False
    return True


def _median(steps: Any, *args: Any) -> float:
    return statistics.median(steps(*args))


def _ratio(found: dict[str, list[float]], slower: str, faster: str) -> float:
    """The median over the rounds of slower's time / faster's."""
    return statistics.median(a / b for a, b in zip(found[slower], found[faster]))


def main() -> None:
    args = parse_args()
    data = nn.data.moons(100, noise=0.1, seed=0)
    chainrule_fit(data)  # warm-up: the first fit of a process measured about 1.7x slower than the next
    measure = {
        "chainrule nn.fit, replayed (gc on)": lambda: chainrule_fit(data),
        "chainrule, a callback each step": lambda: statistics.median(chainrule_fit_with_callback(data)),
    }
    with contextlib.suppress(ImportError):
        import torch  # noqa: F401

        measure["PyTorch eager float64, 1 thread"] = lambda: statistics.median(torch_steps(data))
    if _has_jax():
        measure["JAX jit of the whole step, float64"] = lambda: statistics.median(jax_steps(data))
    measure["NumPy by hand (the floor)"] = lambda: statistics.median(numpy_steps(data))
    found = _rounds(measure)
    found["micrograd 0.1.0 (gc on)"] = [statistics.median(micrograd_steps(data)) * 1e3] * ROUNDS
    off = statistics.median(micrograd_steps_collector_off(data)) * 1e3
    found["micrograd 0.1.0 (gc off, not counted)"] = [off] * ROUNDS
    ours = next(iter(found))
    print(f"Python {sys.version.split()[0]}; micrograd's demo step, ms per step (median of {ROUNDS} rounds)")
    for name, times in found.items():
        print(f"{name:<38} {statistics.median(times):>9.3f} ms   replayed fit is "
              f"{_ratio(found, name, ours):>7.2f}x its speed")  # fmt: skip
    scaling(args.plot, digits=not args.no_digits)


SIZES = ((16, 100), (16, 300), (16, 1000), (64, 100), (64, 300), (64, 1000))
DIGITS = ((16, 128), (64, 128), (16, None), (64, None))  # width, batch (None: the whole 1,797)


def scaling(plot: str | None = None, digits: bool = True) -> None:
    """The same step at other widths and batch sizes, and on the digits (MLP 64-w-w-10, softmax
    cross-entropy, SGD): ms per step, and the ratios to PyTorch and NumPy (medians of ROUNDS rounds);
    with `plot`, the cost per step against the batch size, a line per engine and width, as a picture."""
    print(f"\nscaling: MLP 2-w-w-1 on n moons points (full batch), MLP 64-w-w-10 on the digits; ms per step "
          f"(median of {ROUNDS} rounds)")  # fmt: skip
    print(f"{'data':>7} {'w':>4} {'n':>6} {'chainrule':>10} {'PyTorch':>9} {'JAX jit':>8} {'NumPy':>8} "
          f"{'vs PyTorch':>11} {'vs JAX':>7} {'vs NumPy':>9}")  # fmt: skip
    cases = [("moons", w, n, None) for w, n in SIZES]
    if digits:
        cases += [("digits", w, b or 1797, b) for w, b in DIGITS]
    try:
        import torch
    except ImportError:
        torch = None
    has_jax, nan = _has_jax(), float("nan")
    plotted = []
    for case, width, n, batch in cases:
        data = nn.data.moons(n, noise=0.1, seed=0) if case == "moons" else nn.data.digits()
        measure = {"chainrule": partial(chainrule_fit, data, width, case, batch)}
        if torch is not None:
            measure["PyTorch"] = partial(_median, torch_steps, data, width, case, batch)
        if has_jax:
            measure["JAX"] = partial(_median, jax_steps, data, width, case, batch)
        measure["NumPy"] = partial(_median, numpy_steps, data, width, case, batch)
        found = _rounds(measure)
        ms = {name: statistics.median(found[name]) if name in found else nan for name in ("PyTorch", "JAX")}
        vs = {name: _ratio(found, name, "chainrule") if name in found else nan for name in ms}
        ours, floor = statistics.median(found["chainrule"]), statistics.median(found["NumPy"])
        to_floor = _ratio(found, "chainrule", "NumPy")
        print(f"{case:>7} {width:>4} {n:>6} {ours:>10.3f} {ms['PyTorch']:>9.3f} {ms['JAX']:>8.3f} "
              f"{floor:>8.3f} {vs['PyTorch']:>10.2f}x {vs['JAX']:>6.2f}x {to_floor:>8.2f}x")  # fmt: skip
        if case == "moons":
            plotted.append((width, n, ours, ms["PyTorch"], ms["JAX"], floor))
    if plot:
        _plot(plotted, plot)


def _plot(found, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    fig, ax = plt.subplots(figsize=(10, 5), dpi=120)
    engines = (("chainrule fit", "-o"), ("PyTorch eager", "--s"), ("JAX jit", "-.d"), ("NumPy by hand", ":^"))
    for k, (engine, style) in enumerate(engines):
        for width, colour in ((16, "#1d4ed8"), (64, "#c2410c")):
            rows = [r for r in found if r[0] == width and r[2 + k] == r[2 + k]]  # a missing engine is nan
            if rows:
                ax.plot([r[1] for r in rows], [r[2 + k] for r in rows], style, color=colour,
                        label=f"{engine}, width {width}")  # fmt: skip
    ax.set(xscale="log", yscale="log", xlabel="points per batch", ylabel="ms per training step")
    plain = FuncFormatter(lambda v, _: f"{v:g}" if f"{v:g}".strip("0.")[0] in "125" else "")  # not 3×10⁻¹
    ax.set_xticks(sorted({r[1] for r in found}), [f"{r:,}" for r in sorted({r[1] for r in found})])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(plain)
    ax.set_title("MLP 2-w-w-1, ReLU, hinge loss + l2, one step (forward, backward, SGD)")
    ax.legend(fontsize=9, loc="center left", bbox_to_anchor=(1.01, 0.5))  # beside the lines, not on them
    fig.tight_layout()
    fig.savefig(path)
    print(f"plot: {path}")


if __name__ == "__main__":
    main()
