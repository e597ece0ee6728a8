"""The pieces of fit's batch programs (nn._replay): a batch's groups of samples, the parameters-only
part of a loss replayed once per batch, and the walks over a recorded graph that find where to cut it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import Replay, Value


def below(cuts: list[Value]) -> set[Value]:
    """The nodes under `cuts` (not the cuts themselves)."""
    seen: set[Value] = set()
    stack = [p for c in cuts for p in c.parents]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node.parents)
    return seen


def guards(compared: list, n_outputs: int) -> tuple[list[Value], tuple]:
    """The nodes the recorded comparisons read (traced as outputs after the model's) and the guards:
    (output, op, output or number, answer) each."""
    read = list(dict.fromkeys(n for a, _, b, _ in compared for n in (a, b) if isinstance(n, Value)))
    at = {node: 1 + n_outputs + k for k, node in enumerate(read)}
    guards = tuple((at[a], op, at[b] if isinstance(b, Value) else b, answer) for a, op, b, answer in compared)
    return read, guards


def above(roots: list[Value], stop: list[Value]) -> list[Value]:
    """The nodes `roots` are computed from, down to the `stop` nodes (included), in creation order."""
    stops, seen, stack = set(stop), set(), list(roots)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(() if node in stops else node.parents)
    return sorted(seen, key=lambda n: n.seq)


def parameters_only(value: Value, leaves: list[Value], params: list[Value]) -> list[Value]:
    """The computed nodes of the loss (above the last layer's outputs, `leaves`) that read parameters
    but not those outputs, and that a node reading the outputs uses: cutting there leaves the
    parameters-only part (an l2 penalty) to be computed once per batch."""
    nodes = above([value], leaves)
    reads_outputs, reads_params = set(leaves), set(params)
    for n in nodes:
        if n.op is not None:
            if any(p in reads_outputs for p in n.parents):
                reads_outputs.add(n)
            elif any(p in reads_params for p in n.parents):
                reads_params.add(n)
    return list(
        dict.fromkeys(
            p for n in nodes if n in reads_outputs for p in n.parents
            if p.op is not None and p in reads_params and p not in reads_outputs
        )
    )  # fmt: skip


@dataclass
class Group:
    """A batch's samples that one Replay runs: their columns in the batch (a slice when they are the
    whole batch), rows in the data, each one's constants and variant, the keys of the targets it runs and
    its inputs (features × samples; None where the layers take the batch's)."""

    replay: Replay
    cols: Any
    rows: np.ndarray
    literals: np.ndarray
    variants: np.ndarray
    keys: list[Any]  # the targets' keys its replay runs, each once (some may have no sample here)
    code: np.ndarray  # each sample's target: its position in `keys`
    x: np.ndarray | None

    @property
    def size(self) -> int:
        return len(self.rows)


@dataclass
class Batch:
    idx: list[int]
    targets: list[Any]
    groups: list[Group]
    x: np.ndarray | None  # every sample's inputs, features × samples, where the layers take them


class Part:
    """A parameters-only part of the loss replayed once for the batch (one column): its values (the
    cuts the loss reads) and, once the samples' sweeps added them up, its gradients' seeds."""

    def __init__(self, replay: Replay, theta: np.ndarray) -> None:
        self.sweep = replay.forward(theta[:, None], reuse=True)
        self.values = self.sweep.values[replay._outputs]
        self.seed = np.zeros(len(self.values))

    def gradients(self) -> np.ndarray:
        n = len(self.values)
        if n == 1:  # one cut (an l2 penalty): its seed is a number
            return self.sweep.gradients(float(self.seed[0]))[:, 0]
        return self.sweep.gradients(self.seed[:, None], range(n))[:, 0]
