"""Known graphs for the tests, built as the slides and `nn` label them, and looked up by label."""

from __future__ import annotations

import random
from itertools import pairwise

from autograd import Value, forward_order, topological_order


def chen() -> dict[str, Value]:
    """The first slide deck's 2-2-2 sigmoid network (as demos/examples/chen.py builds it), by label."""
    i1, i2 = Value(0.05, "i1"), Value(0.10, "i2")
    t1, t2 = Value(0.01, "t1"), Value(0.99, "t2")
    w = [Value(x, f"w{k}") for k, x in enumerate((0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55), 1)]
    b1, b2 = Value(0.35, "b1"), Value(0.60, "b2")
    h1 = (w[0] * i1 + w[1] * i2 + b1).named("net_h1").sigmoid().named("h1")
    h2 = (w[2] * i1 + w[3] * i2 + b1).named("net_h2").sigmoid().named("h2")
    o1 = (w[4] * h1 + w[5] * h2 + b2).named("net_o1").sigmoid().named("o1")
    o2 = (w[6] * h1 + w[7] * h2 + b2).named("net_o2").sigmoid().named("o2")
    f = (0.5 * ((t1 - o1) ** 2 + (t2 - o2) ** 2)).named("f")
    return {node.label: node for node in topological_order(f) if node.label}


def mlp(sizes: tuple[int, ...], seed: int = 0) -> Value:
    """A tanh MLP's squared error with nn-style labels: L<k>.W_ji, L<k>.b_j, L<k>.a_j, L<k>.h_j."""
    rng = random.Random(seed)
    layer = [Value(rng.uniform(-1, 1), f"x{i}") for i in range(1, sizes[0] + 1)]
    for k, (n_in, n_out) in enumerate(pairwise(sizes), 1):
        out = []
        for j in range(1, n_out + 1):
            net = Value(rng.uniform(-1, 1), f"L{k}.b_{j}")
            for i in range(1, n_in + 1):
                net = net + Value(rng.uniform(-1, 1), f"L{k}.W_{j}{i}") * layer[i - 1]
            net = net.named(f"L{k}.a_{j}")
            out.append(net if k == len(sizes) - 1 else net.tanh().named(f"L{k}.h_{j}"))
        layer = out
    loss = ((layer[0] - Value(0.5, "y")) ** 2).named("L")
    loss.backward()
    return loss


def by_label(root: Value) -> dict[str, Value]:
    """Every labelled node of `root`'s graph, by its label."""
    return {node.label: node for node in topological_order(root) if node.label}


def rebuild(root: Value, changes: dict[str, float]) -> list[Value]:
    """`root`'s graph built again with some labelled leaves' values changed: its nodes in forward order."""
    new: dict[Value, Value] = {}
    for node in forward_order(root):
        if node.op is None:
            new[node] = Value(changes.get(node.label, node.data), node.label)
        else:
            new[node] = Value.apply(node.op, *(new[p] for p in node.parents), **(node.params or {}))
    return list(new.values())


def recompute(
    root: Value, changes: dict[str, float], upstream: float = 1.0
) -> tuple[list[float], list[float]]:
    """The engine on a copy of `root`'s graph with some leaves' values changed (by label): every node's
    value and gradient (∂root/∂node times `upstream`), in forward order."""
    nodes = rebuild(root, changes)
    nodes[-1].backward(upstream)  # the root is made last
    return [n.data for n in nodes], [n.grad for n in nodes]


def tiny_beside_cancelling_ways() -> tuple[Value, Value]:
    """∂out/∂n1 has four ways: 1 and −1 cancel beside two tiny ones (a running sum says 0)."""
    zero = Value(0.0)
    n1 = Value(9.193114654161707e-158, "n1")
    other = Value(0.0)
    a, b = abs(zero), abs(zero)
    minus = -n1
    square = (minus * minus + 0.5) ** 2
    c = abs(zero)
    total = zero + n1 + other + a + b + minus
    return (total + square + c).named("out"), n1
