"""Update steps, right and wrong: the loss over a few gradient-descent steps with an update mistake."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import DomainError, Overflow
from ..functional import gradients
from ..graph import forward_order
from ..value import Value
from .comparison import DEFAULT_ETA, check_number, graph_parameters
from .mistakes import NO_ZERO_GRAD, WRONG_SIGN, Mistake, get

DEFAULT_STEPS = 10


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
    check_number(eta, "eta")
    parameters = graph_parameters(root, parameters)
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
