"""Engine benchmark: chainrule's autograd side by side with micrograd 0.1.0, in the same run.

Run by hand: `make bench`, or `.venv/bin/pip install micrograd==0.1.0` then
`.venv/bin/python benchmarks/engine.py`.

Times are medians over repeats, in the loop a user writes: the collector on and never forced, each run
paying for whatever garbage the run before left. Ratios > 1 mean chainrule is faster / smaller.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc

import autograd

try:
    from micrograd.engine import Value as MicroValue
except ImportError:
    sys.exit("micrograd is not installed: run  .venv/bin/pip install micrograd==0.1.0")

WIDE = 100_000
CHAIN = 450  # micrograd's recursive backward fails at 500 steps (1,000 nodes deep) by default
REPEATS = 7


def pairwise_sum(xs):
    while len(xs) > 1:
        pairs = [xs[i] + xs[i + 1] for i in range(0, len(xs) - 1, 2)]
        xs = [*pairs, xs[-1]] if len(xs) % 2 else pairs
    return xs[0]


def wide(V, xs, ws):
    out = pairwise_sum([x * w for x, w in zip(xs, ws)])
    out.backward()


def chain(V, steps):
    x = V(0.5)
    y = x
    for _ in range(steps):
        y = y * 1.0001 + 0.001
    y.backward()


def median_time(fn, *args, inner=1):
    # No collection forced between runs: each run pays for the garbage the one before left, with the
    # collector on, as in the loop a user writes.
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(inner):
            fn(*args)
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)


def bytes_per_node(V, steps=20_000):
    gc.collect()
    tracemalloc.start()
    x = V(0.5)
    y = x
    for _ in range(steps):
        y = y * 1.0001 + 0.001
    retained, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del x, y
    gc.collect()
    return retained / (4 * steps)  # each step makes 4 nodes: two constants, a product and a sum


def deepest_chain(V, limit):
    """The longest chain y = y*1.0001 + 0.001 (in steps) whose backward completes, up to `limit`."""
    if _backward_runs(V, limit):
        return limit
    ok, steps = 0, 256
    while _backward_runs(V, steps):  # double until it fails ...
        ok, steps = steps, steps * 2
    while steps - ok > 1:  # ... then bisect between the last success and the first failure
        middle = (ok + steps) // 2
        ok, steps = (middle, steps) if _backward_runs(V, middle) else (ok, middle)
    return ok


def _backward_runs(V, steps):
    try:
        chain(V, steps)
    except RecursionError:
        return False
    return True


def row(name, ours, theirs, unit, better_when_lower=True):
    ratio = theirs / ours if better_when_lower else ours / theirs
    print(f"{name:<42} {ours:>12.4g} {theirs:>12.4g} {unit:<8} {ratio:>7.1f}x")


def main() -> None:
    print(f"Python {sys.version.split()[0]}, gc enabled: {gc.isenabled()}, {REPEATS} repeats, medians")
    print(f"{'benchmark':<42} {'chainrule':>12} {'micrograd':>12} {'unit':<8} {'ratio':>8}")
    xs_ours = [autograd.Value(i * 1e-5) for i in range(WIDE)]
    ws_ours = [autograd.Value(1.0 - i * 1e-6) for i in range(WIDE)]
    xs_mg = [MicroValue(i * 1e-5) for i in range(WIDE)]
    ws_mg = [MicroValue(1.0 - i * 1e-6) for i in range(WIDE)]
    row(
        f"wide: Σ of {WIDE:,} products, fwd+bwd",
        median_time(wide, autograd.Value, xs_ours, ws_ours),
        median_time(wide, MicroValue, xs_mg, ws_mg),
        "s",
    )
    row(
        f"chain: {CHAIN} steps y=y*1.0001+0.001, fwd+bwd",
        median_time(chain, autograd.Value, CHAIN, inner=20),
        median_time(chain, MicroValue, CHAIN, inner=20),
        "s",
    )
    row(
        "memory retained per node (tracemalloc)",
        bytes_per_node(autograd.Value),
        bytes_per_node(MicroValue),
        "bytes",
    )
    ours_deep = deepest_chain(autograd.Value, 1_000_000)
    theirs_deep = deepest_chain(MicroValue, 1_000_000)
    print(f"{'deepest chain whose backward runs (steps)':<42} {ours_deep:>12,} {theirs_deep:>12,}")
    print("(each step adds a product and a sum: the graph is twice as deep as the steps)")


if __name__ == "__main__":
    main()
