"""How fast graphs render: a 2,000-node graph to SVG, and the largest graph that renders in under 10 s.

Run by hand: .venv/bin/python benchmarks/render.py  (needs Graphviz's dot). Prints one line per
measurement: the graph family, its node count, seconds in Python (building the DOT text), seconds in
total (DOT text + dot's layout + SVG file).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd
from autograd import Value, topological_order
from autograd.render import draw, render

LIMIT = 10.0  # seconds


def mlp_loss(width: int, inputs: int = 4, seed: int = 0) -> Value:
    """Squared error of an inputs-width-width-1 tanh MLP on one sample, labelled like nn: L<k>.W_ji..."""
    rng = random.Random(seed)
    layer = [Value(rng.uniform(-1, 1), f"x{i}") for i in range(1, inputs + 1)]
    sizes = (inputs, width, width, 1)
    for k, (n_in, n_out) in enumerate(pairwise(sizes), 1):
        out = []
        for j in range(1, n_out + 1):
            net = Value(rng.uniform(-1, 1), f"L{k}.b_{j}")
            for i in range(1, n_in + 1):
                net = net + Value(rng.uniform(-1, 1), f"L{k}.W_{j}_{i}") * layer[i - 1]
            net = net.named(f"L{k}.a_{j}")
            out.append(net if k == len(sizes) - 1 else net.tanh().named(f"L{k}.h_{j}"))
        layer = out
    return ((layer[0] - Value(0.5, "y")) ** 2).named("L")


def random_dag(size: int, seed: int = 0) -> Value:
    """About `size` nodes: random unary and binary operations on recent nodes, summed into one output."""
    rng = random.Random(seed)
    pool = [Value(rng.uniform(0.5, 1.5), f"x{i}") for i in range(8)]
    unused = set(pool)
    while len(pool) + len(unused) < size:  # the final sum adds about one node per unused node
        a, b = rng.choice(pool[-40:]), rng.choice(pool[-40:])
        kind = rng.randrange(4)
        node = a + b if kind == 0 else a * b if kind == 1 else a.tanh() if kind == 2 else a.sigmoid()
        unused -= set(node.parents)
        unused.add(node)
        pool.append(node)
    return autograd.sum(sorted(unused, key=lambda v: v.seq)).named("out")


def timed(root: Value, path: Path, **options: object) -> tuple[int, float, float]:
    """(nodes, seconds to build the DOT text, seconds to render the SVG file from scratch)."""
    n = len(topological_order(root))
    start = time.perf_counter()
    draw(root, **options)
    python = time.perf_counter() - start
    start = time.perf_counter()
    render(root, path, **options)
    return n, python, time.perf_counter() - start


def largest(name: str, make: Callable[[int], Value], sizes: list[int], path: Path, **options: object) -> None:
    """Render growing graphs until one takes LIMIT seconds; print each and the largest under LIMIT."""
    best = None
    for size in sizes:
        n, python, total = timed(make(size), path, **options)
        print(f"  {name:<34} {n:>7} nodes  python {python:6.2f} s  total {total:6.2f} s", flush=True)
        if total >= LIMIT:
            break
        best = n
    print(f"  -> largest {name} under {LIMIT:.0f} s: {best} nodes\n", flush=True)


def main() -> None:
    """Print the measurements."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "graph.svg"
        print("A 2,000-node graph to SVG (every node drawn):")
        for name, root, options in [
            ("MLP 4-23-23-1, clustered", mlp_loss(23), {"view": "full"}),
            ("MLP 4-23-23-1, no clusters", mlp_loss(23), {"view": "full", "groups": False}),
            ("MLP 4-23-23-1, local gradients", mlp_loss(23), {"view": "full", "show_local": True}),
            ("random DAG", random_dag(2000), {}),
        ]:
            n, python, total = timed(root, path, **options)
            print(f"  {name:<34} {n:>7} nodes  python {python:6.2f} s  total {total:6.2f} s", flush=True)
        print("\nA 2-16-16-1 MLP on one sample (the automatic view collapses it, one box per neuron):")
        png = Path(folder) / "graph.png"
        for name, target, options in [
            ("collapsed, SVG", path, {}),
            ("collapsed, PNG", png, {}),
            ("every node, SVG", path, {"view": "full"}),
        ]:
            n, python, total = timed(mlp_loss(16, inputs=2), target, **options)
            print(f"  {name:<34} {n:>7} nodes  python {python:6.2f} s  total {total:6.2f} s", flush=True)
        print()
        print(f"The largest graph that renders in under {LIMIT:.0f} s:")
        largest("MLP, full view, clustered", mlp_loss, [23, 32, 38, 45, 54, 64], path, view="full")
        largest(
            "MLP, full view, no clusters", mlp_loss, [23, 32, 38, 45, 54, 64], path, view="full", groups=False
        )
        largest("random DAG", random_dag, [2000, 3000, 4000, 5000, 6000, 8000], path)


if __name__ == "__main__":
    main()
