"""One mistake run on a graph beside the engine: each node whose number differs, in the wrong pass's order."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import is_real
from ..graph import forward_order, topological_order
from ..value import Value
from .mistakes import WRONG_SIGN, Mistake, get
from .passes import Grads, engine_gradients

DEFAULT_ETA = 0.5


@dataclass(frozen=True)
class Difference:
    """One node whose number differs: the engine's (right) and the wrong pass's."""

    node: Any
    right: float
    wrong: float


@dataclass(frozen=True)
class Comparison:
    """A mistake run on one graph beside the engine: every node that differs, in the wrong pass's order.

    `first` is the first node the wrong pass visits whose number ends up wrong (None when none does);
    `right` and `wrong` hold every compared node's number; `steps` are the wrong pass's writes in its
    own order, (node, its number just after the write), for a view that steps through the pass.
    """

    mistake: Mistake
    root: Any
    right: Grads
    wrong: Grads
    order: list[Any]
    differences: list[Difference]
    steps: list[tuple[Any, float]] = field(default_factory=list)
    entries: dict[Any, str] = field(default_factory=dict)  # a matrix-form pass's names of the entries

    @property
    def first(self) -> Any | None:
        return self.differences[0].node if self.differences else None

    @property
    def same(self) -> bool:
        """True when the mistake gives the right numbers on this graph."""
        return not self.differences


def compare(
    root: Value,
    key: str,
    grad: float = 1.0,
    *,
    parameters: Sequence[Value] | None = None,
    eta: float = DEFAULT_ETA,
) -> Comparison:
    """Run mistake `key` on `root`'s graph beside the engine and list every node whose number differs.

    `grad` is ∂L/∂root (the root's seed gradient). The right numbers are the engine's gradients (for
    "wrong-sign", the parameters after one step w − η·∂L/∂w of `parameters`, by default the graph's
    labelled leaves, with learning rate `eta`). Differences come in the wrong pass's visiting order, a
    node visited several times at its first visit; numbers equal to 1e-9 (relative) count as equal.
    Nothing in the graph is changed. Raises ValueError for an unknown key, TypeError for a root that is
    not a Value or a bad grad or eta, ValueError for a parameter that is not a leaf of the graph, and
    CannotRun (a ValueError) where the mistake's wrong code cannot run on this graph (a matrix product
    whose shapes do not fit, a graph with no matrix form), its message naming the layer and the shapes.
    """
    mistake = get(key)
    if not isinstance(root, Value):
        raise TypeError(f"compare: expected a Value as the root, got {type(root).__name__} {root!r}")
    check_number(grad, "grad")
    if mistake is WRONG_SIGN:
        check_number(eta, "eta")
        parameters = graph_parameters(root, parameters)
        wrong = mistake.run(root, grad, parameters=parameters, eta=eta)
        engine = engine_gradients(root, parameters, grad)
        right = {w: w.data - eta * engine[w] for w in parameters}
    else:
        wrong = mistake.run(root, grad)
        right = engine_gradients(root, topological_order(root), grad)
    order = list(dict.fromkeys(wrong.order))  # first visits
    differences = [
        Difference(node, right[node], wrong.values[node])
        for node in order
        if not math.isclose(right[node], wrong.values[node], rel_tol=1e-9, abs_tol=1e-12)
    ]
    return Comparison(mistake, root, right, wrong.values, order, differences, wrong.steps, wrong.entries)


def check_number(x: Any, name: str) -> None:
    """Raise TypeError unless `x` (the argument called `name`) is a finite real number."""
    if not is_real(x) or not math.isfinite(x):
        raise TypeError(f"compare: {name} must be a finite number, got {x!r}")


def graph_parameters(root: Value, parameters: Sequence[Value] | None) -> list[Value]:
    """`parameters` checked to be leaves of `root`'s graph, or by default its labelled leaves.

    Raises ValueError for a parameter that is not a leaf of the graph.
    """
    nodes = forward_order(root)
    if parameters is None:
        return [n for n in nodes if n.op is None and n.label]
    members = set(nodes)
    for w in parameters:
        if w not in members or w.op is not None:
            described = w.describe() if isinstance(w, Value) else repr(w)
            raise ValueError(f"the parameter {described} is not a leaf of this graph")
    return list(parameters)
