"""The mistakes lab: backward passes written wrong on purpose, each beside the few lines it runs.

Every mistake is a small function with its own loop over the graph's node fields (`parents`, `local`,
`op`, `data`), and where a rule must be wrong, a changed copy of a rule-table row; the engine (`OPS`,
`Value`, `backward`) is never touched, and no node's `.grad` or `.data` is written. `compare` runs one
mistake and the engine's backward pass on the same graph and lists every node where they differ, in
the order the wrong pass visits them; `train` runs a few update steps of an update mistake, right and
wrong. The views (`autograd.explain.mistakes`, `chainrule mistakes`) name the nodes and draw them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import DomainError, Overflow, is_real
from .functional import gradients
from .graph import forward_order, topological_order
from .ops import OPS
from .value import Value

MAX_CALLS = 1_000_000  # the recursive pass walks every path from the root: refuse graphs with more
DEFAULT_ETA = 0.5
DEFAULT_STEPS = 10

Grads = dict[Any, float]


@dataclass(frozen=True)
class Pass:
    """What a wrong pass left: every node's number, and the order in which the pass visited the nodes.

    `steps` are the pass's writes in the order it made them: (node, the node's number just after).
    """

    values: Grads
    order: list[Any]
    steps: list[tuple[Any, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Mistake:
    """One wrong way of writing backprop: its key, what the wrong code does, and that code."""

    key: str
    title: str
    does: str  # one sentence: what the wrong code does
    code: str  # the few lines of wrong code, as a student would write them
    harmless: str  # when it happens to give the right numbers anyway
    run: Callable[..., Pass]
    quantity: str = "gradient"  # what the comparison compares
    update: bool = False  # a mistake in the update steps: `train` shows the loss over steps


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

    @property
    def first(self) -> Any | None:
        return self.differences[0].node if self.differences else None

    @property
    def same(self) -> bool:
        """True when the mistake gives the right numbers on this graph."""
        return not self.differences


# --- the wrong passes ---------------------------------------------------------------------------------


def depth_first(root: Any, grad: float = 1.0) -> Pass:
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
    return Pass(dict(grads), order, steps)


def assign_instead_of_add(root: Any, grad: float = 1.0) -> Pass:
    """The backward pass in topological order with `=` instead of `+=` (see ASSIGN.code)."""
    nodes = topological_order(root)
    grads: Grads = dict.fromkeys(nodes, 0.0)
    grads[root] = float(grad)
    steps = [(root, grads[root])]
    for node in nodes:
        for parent, local in zip(node.parents, node.local):
            grads[parent] = local * grads[node]
            steps.append((parent, grads[parent]))
    return Pass(grads, nodes, steps)


def no_zero_grad(root: Any, grad: float = 1.0) -> Pass:
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
    return Pass(grads, nodes, steps)


def drawn_before_backward(root: Any, grad: float = 1.0) -> Pass:
    """The gradients a picture drawn before `backward` reads: every node's is still 0 (DRAWN_EARLY.code).

    The drawing reads the nodes in forward order.
    """
    nodes = forward_order(root)
    return Pass({node: 0.0 for node in nodes}, nodes, [(node, 0.0) for node in nodes])


# σ′ written with the sigmoid's input: a changed copy of the rule-table row, OPS itself untouched.
SIGMOID_FROM_NET = replace(
    OPS["sigmoid"], local_grads=lambda a, out: (a * (1.0 - a),), formula=("a·(1 − a)",)
)


def sigmoid_from_net(root: Any, grad: float = 1.0) -> Pass:
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
    return Pass(grads, nodes, steps)


def canonical_shortcut(root: Any, grad: float = 1.0) -> Pass:
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
    return Pass(grads, nodes, steps)


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


def update_step_wrong_sign(root: Any, grad: float = 1.0, *, parameters: Sequence[Any], eta: float) -> Pass:
    """One update step w ← w + η·∂L/∂w (WRONG_SIGN.code), from the engine's gradients: the new values."""
    grads = _engine_gradients(root, parameters, grad)
    values = {}
    for w in parameters:
        values[w] = w.data + eta * grads[w]
    return Pass(values, list(parameters))


# --- the table of mistakes ----------------------------------------------------------------------------

NO_TOPOLOGICAL_ORDER = Mistake(
    key="no-topological-order",
    title="No topological order",
    does=(
        "recurses depth first from the root, and each node sends its gradient so far to its parents at "
        "once, so a node used twice passes its gradient on before it has all of it, and again with each "
        "later part"
    ),
    code=(
        "def backward(node):               # root.grad = 1.0; backward(root)\n"
        "    for parent, local in zip(node.parents, node.local):\n"
        "        parent.grad += local * node.grad\n"
        "        backward(parent)           # before parent has all its gradient"
    ),
    harmless="no computed node feeds more than one other node (a leaf used twice is harmless)",
    run=depth_first,
)
ASSIGN = Mistake(
    key="assign",
    title="= instead of +=",
    does="assigns each contribution instead of adding it, so a node used twice keeps only its last one",
    code=(
        "root.grad = 1.0\n"
        "for node in topological_order(root):\n"
        "    for parent, local in zip(node.parents, node.local):\n"
        "        parent.grad = local * node.grad     # = instead of +="
    ),
    harmless="no node is used twice",
    run=assign_instead_of_add,
)
NO_ZERO_GRAD = Mistake(
    key="no-zero-grad",
    title="No zero_grad",
    does=(
        "calls backward a second time without zero_grad, so each node sends its old gradient through the "
        "chain rule again along with the new one"
    ),
    code=(
        "def backward(root):\n"
        "    root.grad = 1.0\n"
        "    for node in topological_order(root):\n"
        "        for parent, local in zip(node.parents, node.local):\n"
        "            parent.grad += local * node.grad\n"
        "backward(f)\n"
        "backward(f)         # no zero_grad() in between"
    ),
    harmless="every gradient but the root's is 0",
    run=no_zero_grad,
    update=True,
)
DRAWN_EARLY = Mistake(
    key="drawn-before-backward",
    title="Drawn before backward",
    does="draws the graph before backward has run, so every gradient the picture shows is still 0",
    code="picture = draw(f)    # every .grad is still 0.0\nf.backward()         # too late for the picture",
    harmless="every gradient is 0",
    run=drawn_before_backward,
)
SIGMOID_NET = Mistake(
    key="sigmoid-from-net",
    title="σ′ from the wrong node",
    does="computes σ′ from the sigmoid's input as net·(1 − net) instead of from its output as out·(1 − out)",
    code=(
        "# the sigmoid node's backward, out = σ(net):\n"
        "net.grad += net.data * (1 - net.data) * out.grad   # right: out.data * (1 - out.data)"
    ),
    harmless="the graph has no sigmoid whose gradient is used",
    run=sigmoid_from_net,
)
CANONICAL = Mistake(
    key="canonical-shortcut",
    title="The canonical-output shortcut where it does not hold",
    does=(
        "sets δ = ∂E/∂net = h − y at each sigmoid output h of a squared error, the rule for a linear "
        "output with ½(h − y)², instead of the chain rule's σ′·∂E/∂h = h(1 − h)·∂E/∂h"
    ),
    code=(
        "# at each output h = σ(net) of a squared error (h − y)²:\n"
        "net.grad += h.data - y.data      # right: h.data * (1 - h.data) * h.grad"
    ),
    harmless="no sigmoid output enters a squared error (h − y)²",
    run=canonical_shortcut,
)
WRONG_SIGN = Mistake(
    key="wrong-sign",
    title="Wrong sign in the update",
    does="adds η·∂L/∂w to each parameter instead of subtracting it, a step uphill that raises the loss",
    code="for w in parameters:\n    w.data += eta * w.grad       # right: w.data -= eta * w.grad",
    harmless="every parameter's gradient is 0",
    run=update_step_wrong_sign,
    quantity="value after one update step",
    update=True,
)

MISTAKES: dict[str, Mistake] = {
    m.key: m
    for m in (NO_TOPOLOGICAL_ORDER, ASSIGN, NO_ZERO_GRAD, DRAWN_EARLY, SIGMOID_NET, CANONICAL, WRONG_SIGN)
}


def get(key: str) -> Mistake:
    """The mistake called `key`; raises ValueError listing the keys for an unknown one."""
    try:
        return MISTAKES[key]
    except KeyError:
        raise ValueError(f"unknown mistake {key!r}; choose one of: {', '.join(MISTAKES)}") from None


# --- the comparison -----------------------------------------------------------------------------------


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
    not a Value or a bad grad or eta, ValueError for a parameter that is not a leaf of the graph.
    """
    mistake = get(key)
    if not isinstance(root, Value):
        raise TypeError(f"compare: expected a Value as the root, got {type(root).__name__} {root!r}")
    _check_number(grad, "grad")
    if mistake is WRONG_SIGN:
        _check_number(eta, "eta")
        parameters = _parameters(root, parameters)
        wrong = mistake.run(root, grad, parameters=parameters, eta=eta)
        engine = _engine_gradients(root, parameters, grad)
        right = {w: w.data - eta * engine[w] for w in parameters}
    else:
        wrong = mistake.run(root, grad)
        right = _engine_gradients(root, topological_order(root), grad)
    order = list(dict.fromkeys(wrong.order))  # first visits
    differences = [
        Difference(node, right[node], wrong.values[node])
        for node in order
        if not math.isclose(right[node], wrong.values[node], rel_tol=1e-9, abs_tol=1e-12)
    ]
    return Comparison(mistake, root, right, wrong.values, order, differences, wrong.steps)


def _engine_gradients(root: Value, nodes: Sequence[Value], grad: float) -> Grads:
    return {node: g * grad for node, g in zip(nodes, gradients(root, list(nodes)))}


def _path_count(root: Any) -> int:
    paths: dict[Any, int] = defaultdict(int, {root: 1})
    for node in topological_order(root):
        for parent in node.parents:
            paths[parent] += paths[node]
    return sum(paths.values())


def _check_number(x: Any, name: str) -> None:
    if not is_real(x) or not math.isfinite(x):
        raise TypeError(f"compare: {name} must be a finite number, got {x!r}")


def _parameters(root: Value, parameters: Sequence[Value] | None) -> list[Value]:
    nodes = forward_order(root)
    if parameters is None:
        return [n for n in nodes if n.op is None and n.label]
    members = set(nodes)
    for w in parameters:
        if w not in members or w.op is not None:
            described = w.describe() if isinstance(w, Value) else repr(w)
            raise ValueError(f"the parameter {described} is not a leaf of this graph")
    return list(parameters)


# --- update steps, right and wrong ---------------------------------------------------------------------


@dataclass(frozen=True)
class Curves:
    """The root's value (the loss) before each of a few update steps, with right and with wrong updates.

    A list ends early where the wrong steps take a value outside an operation's domain or overflow;
    `stopped` then says why.
    """

    mistake: Mistake
    eta: float
    right: list[float]
    wrong: list[float]
    stopped: str | None = None


def train(
    root: Value,
    key: str,
    parameters: Sequence[Value] | None = None,
    eta: float = DEFAULT_ETA,
    steps: int = DEFAULT_STEPS,
) -> Curves:
    """The loss (the root's value) over `steps` gradient-descent steps on `parameters`, right and wrong.

    Right: w ← w − η·∂L/∂w with zeroed gradients. "wrong-sign": w ← w + η·∂L/∂w. "no-zero-grad": each
    step's gradients are added to all earlier steps' (a new graph each step, as a training loop builds,
    so only the parameters keep their old gradients), w ← w − η·(sum so far). The graph is evaluated
    again on the new values (its nodes are not changed). Raises ValueError for a key that is not an
    update mistake or steps < 1, TypeError for a bad eta.
    """
    mistake = get(key)
    if mistake not in (WRONG_SIGN, NO_ZERO_GRAD):
        raise ValueError(f"train: {key!r} is not an update mistake; use wrong-sign or no-zero-grad")
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"train: steps must be a whole number ≥ 1, got {steps!r}")
    _check_number(eta, "eta")
    parameters = _parameters(root, parameters)
    right, _ = _descend(root, parameters, eta, steps, sign=-1.0, accumulate=False)
    wrong, stopped = _descend(
        root,
        parameters,
        eta,
        steps,
        sign=1.0 if mistake is WRONG_SIGN else -1.0,
        accumulate=mistake is NO_ZERO_GRAD,
    )
    return Curves(mistake, eta, right, wrong, stopped)


def _descend(
    root: Value, parameters: list[Value], eta: float, steps: int, sign: float, accumulate: bool
) -> tuple[list[float], str | None]:
    data = {w: w.data for w in parameters}
    held = dict.fromkeys(parameters, 0.0)  # each parameter's .grad
    losses = []
    for _step in range(steps + 1):
        try:
            new_root, new = _evaluate(root, data)
            losses.append(new_root.data)
            if len(losses) > steps:
                break
            grads = gradients(new_root, [new[w] for w in parameters])
        except (DomainError, Overflow) as error:
            return losses, str(error)
        for w, g in zip(parameters, grads):
            held[w] = held[w] + g if accumulate else g
            data[w] += sign * eta * held[w]
    return losses, None


def _evaluate(root: Value, data: dict[Value, float]) -> tuple[Value, dict[Value, Value]]:
    """`root`'s graph built again from its rule-table operations, with the leaves in `data` changed."""
    new: dict[Value, Value] = {}
    for node in forward_order(root):
        if node.op is None:
            new[node] = Value(data.get(node, node.data), node.label)
        else:
            new[node] = Value.apply(node.op, *(new[p] for p in node.parents), **(node.params or {}))
    return new[root], new
