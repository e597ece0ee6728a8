"""The wrong backward passes of the mistakes lab, each a small loop of its own over the node fields.

Each pass reads `parents`, `local`, `op` and `data`, and where a rule must be wrong, a changed copy of a
rule-table row (`SIGMOID_FROM_NET`); the engine (`OPS`, `Value`, `backward`) is never touched, and no
node's `.grad` or `.data` is written. A pass returns a `PassRecord`: the numbers it left and the order
in which it wrote them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..functional import gradients
from ..graph import forward_order, topological_order
from ..ops import OPS
from ..value import Value

MAX_CALLS = 1_000_000  # the recursive pass walks every path from the root: refuse graphs with more

Grads = dict[Any, float]


@dataclass(frozen=True)
class PassRecord:
    """What a wrong pass left: every node's number, and the order in which the pass visited the nodes.

    `steps` are the pass's writes in the order it made them: (node, the node's number just after).
    `entries` names, for a pass in matrix form, each node's entries ("W₂ row 1, column 2").
    """

    values: Grads
    order: list[Any]
    steps: list[tuple[Any, float]] = field(default_factory=list)
    entries: dict[Any, str] = field(default_factory=dict)


def depth_first(root: Any, grad: float = 1.0) -> PassRecord:
    """The recursive backward pass without a topological order (see NO_TOPOLOGICAL_ORDER.code).

    Each call sends the node's whole gradient so far to its parents and recurses into each parent at
    once, so a node used by several others passes its gradient on before it has all of it, and again
    after each later contribution. An explicit stack plays the recursion, so depth is no limit; raises
    ValueError when the graph has more than MAX_CALLS paths from the root.
    """
    calls = _path_count(root)
    if calls > MAX_CALLS:
        raise ValueError(
            f"no-topological-order: the recursive pass would make {calls} calls on this graph (one per "
            f"path from the root); at most {MAX_CALLS} are run"
        )
    grads: Grads = defaultdict(float, {root: float(grad)})
    order = [root]
    steps = [(root, grads[root])]
    stack = [(root, iter(zip(root.parents, root.local)))]
    while stack:
        node, edges = stack[-1]
        for parent, local in edges:
            grads[parent] += local * grads[node]
            order.append(parent)
            steps.append((parent, grads[parent]))
            stack.append((parent, iter(zip(parent.parents, parent.local))))
            break  # backward(parent) runs to its end before the next parent's +=
        else:
            stack.pop()
    return PassRecord(dict(grads), order, steps)


def assign_instead_of_add(root: Any, grad: float = 1.0) -> PassRecord:
    """The backward pass in topological order with `=` instead of `+=` (see ASSIGN.code)."""
    nodes = topological_order(root)
    grads: Grads = dict.fromkeys(nodes, 0.0)
    grads[root] = float(grad)
    steps = [(root, grads[root])]
    for node in nodes:
        for parent, local in zip(node.parents, node.local):
            grads[parent] = local * grads[node]
            steps.append((parent, grads[parent]))
    return PassRecord(grads, nodes, steps)


def no_zero_grad(root: Any, grad: float = 1.0) -> PassRecord:
    """Two calls of a plain `+=` backward pass on one graph with no zero_grad between (NO_ZERO_GRAD.code).

    The second call starts from the gradients the first left, so every node sends its old gradient
    through the chain rule again together with the new one.
    """
    nodes = topological_order(root)
    grads: Grads = dict.fromkeys(nodes, 0.0)
    steps = []
    for _call in range(2):
        grads[root] = float(grad)
        steps.append((root, grads[root]))
        for node in nodes:
            for parent, local in zip(node.parents, node.local):
                grads[parent] += local * grads[node]
                steps.append((parent, grads[parent]))
    return PassRecord(grads, nodes, steps)


def drawn_before_backward(root: Any, grad: float = 1.0) -> PassRecord:
    """The gradients a picture drawn before `backward` reads: every node's is still 0 (DRAWN_EARLY.code).

    The drawing reads the nodes in forward order.
    """
    nodes = forward_order(root)
    return PassRecord({node: 0.0 for node in nodes}, nodes, [(node, 0.0) for node in nodes])


# σ′ written with the sigmoid's input: a changed copy of the rule-table row, OPS itself untouched.
SIGMOID_FROM_NET = replace(
    OPS["sigmoid"],
    local_grads=lambda a, out: (a * (1.0 - a),),
    formula=("a·(1 − a)",),
    precise_formula=(),  # computed as written, like the mistake it is
)


def sigmoid_from_net(root: Any, grad: float = 1.0) -> PassRecord:
    """The backward pass with σ′ = net·(1 − net) from the sigmoid's input, not out·(1 − out)."""
    nodes = topological_order(root)
    grads: Grads = dict.fromkeys(nodes, 0.0)
    grads[root] = float(grad)
    steps = [(root, grads[root])]
    for node in nodes:
        local = node.local
        if node.op is not None and node.op.name == "sigmoid":
            local = SIGMOID_FROM_NET.local_grads(node.parents[0].data, out=node.data)
        for parent, d in zip(node.parents, local):
            grads[parent] += d * grads[node]
            steps.append((parent, grads[parent]))
    return PassRecord(grads, nodes, steps)


def canonical_shortcut(root: Any, grad: float = 1.0) -> PassRecord:
    """The backward pass with δ = h − y at every sigmoid output h under a squared error (h − y)².

    That δ is ∂E/∂net for a linear output with E = ½(h − y)²; here it replaces σ′·∂E/∂h (scaled by
    `grad`, the root's gradient). The rest is the right pass.
    """
    nodes = topological_order(root)
    targets = sigmoid_outputs(root)
    grads: Grads = dict.fromkeys(nodes, 0.0)
    grads[root] = float(grad)
    steps = [(root, grads[root])]
    for node in nodes:
        if node in targets:
            grads[node.parents[0]] += (node.data - targets[node].data) * grad
            steps.append((node.parents[0], grads[node.parents[0]]))
            continue
        for parent, local in zip(node.parents, node.local):
            grads[parent] += local * grads[node]
            steps.append((parent, grads[parent]))
    return PassRecord(grads, nodes, steps)


def sigmoid_outputs(root: Any) -> dict[Any, Any]:
    """Each sigmoid node h of `root`'s graph that enters a squared error (h − y)² or (y − h)², with its y."""
    found = {}
    for node in topological_order(root):
        if node.op is not None and node.op.name == "pow" and (node.params or {}).get("n") == 2:
            difference = node.parents[0]
            if difference.op is not None and difference.op.name == "sub":
                a, b = difference.parents
                for h, y in ((a, b), (b, a)):
                    if h.op is not None and h.op.name == "sigmoid":
                        found[h] = y
    return found


def update_step_wrong_sign(
    root: Any, grad: float = 1.0, *, parameters: Sequence[Any], eta: float
) -> PassRecord:
    """One update step w ← w + η·∂L/∂w (WRONG_SIGN.code), from the engine's gradients: the new values."""
    grads = engine_gradients(root, parameters, grad)
    values = {}
    for w in parameters:
        values[w] = w.data + eta * grads[w]
    return PassRecord(values, list(parameters))


def engine_gradients(root: Value, nodes: Sequence[Value], grad: float) -> Grads:
    """The engine's ∂L/∂node for each of `nodes`, with ∂L/∂root = `grad`: the right numbers."""
    return {node: g * grad for node, g in zip(nodes, gradients(root, list(nodes)))}


def _path_count(root: Any) -> int:
    paths: dict[Any, int] = defaultdict(int, {root: 1})
    for node in topological_order(root):
        for parent in node.parents:
            paths[parent] += paths[node]
    return sum(paths.values())
