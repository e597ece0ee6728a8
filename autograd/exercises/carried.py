"""What a student's later answers should be, given their own earlier numbers (error carried forward).

`carried` walks a graph forward computing each node's value from its parents, where a parent the student
answered passes the student's number on; the local gradients come from the rule table's formulas as the
slides show them (`as_shown`: σ′ = out·(1 − out) with the student's out); then backward from the output's
seed, where a node whose gradient the student answered passes the student's number on. Grading reads it
(`grading`), and so does the draw of a worksheet (`mistakes_apart`): a student who makes one mistake of
the lab throughout must write numbers apart from both the right ones and the carried ones, or the mark
of a blank would turn on rounding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..errors import DomainError
from ..graph import forward_order, teaching_order
from ..notation import evaluator
from ..ops import Op, checked_forward, checked_local_grads
from ..value import Value
from .blanks import Blank, Tolerance


@dataclass(frozen=True)
class Carried:
    """What each node should hold given a student's answers: `values[node]` computed from its parents'
    numbers (the student's where answered), `grads[node]` from its users' gradients (the student's
    where answered); None where an operation's domain or a float's range stops the walk."""

    values: dict[Value, float | None]
    grads: dict[Value, float | None]


def carried(
    root: Value, values: Mapping[Value, float], grads: Mapping[Value, float], upstream: float = 1.0
) -> Carried:
    """The numbers `root`'s graph should hold given a student's `values` and `grads` (by node).

    Forward in creation order, each computed node's value from its parents' numbers (a node in `values`
    passes the student's number on); local gradients from the rule table's formulas as shown
    (`as_shown`) at those numbers, with the node's own number as `out`; backward in the slides' order
    from `upstream`, each node's gradient the sum over its users (a node in `grads` passes the
    student's number on). Where an operation's domain refuses the numbers, or a number is not finite,
    that node and what depends on it hold None."""
    nodes = forward_order(root)
    expected: dict[Value, float | None] = {}
    used: dict[Value, float | None] = {}  # the number a node passes on: the student's where answered
    local: dict[Value, tuple[float, ...] | None] = {}
    for node in nodes:
        xs = tuple(used[p] for p in node.parents)
        expected[node] = node.data if node.op is None else _forward(node, xs)
        used[node] = values.get(node, expected[node])
        if node.op is not None:
            local[node] = _local(node, xs, used[node])
    sums: dict[Value, float | None] = dict.fromkeys(nodes, 0.0)
    sums[root] = float(upstream)
    expected_grads: dict[Value, float | None] = {}
    for node in teaching_order(root):
        expected_grads[node] = _finite(sums[node])
        passed = grads.get(node, expected_grads[node])
        if node.op is None:
            continue
        for k, parent in enumerate(node.parents):
            d = local[node]
            if d is None or passed is None or sums[parent] is None:
                sums[parent] = None
            else:
                sums[parent] += d[k] * passed
    return Carried(expected, expected_grads)


def _forward(node: Value, xs: tuple[float | None, ...]) -> float | None:
    if any(x is None for x in xs):
        return None
    try:
        return checked_forward(node.op, xs, node.params or {}, _describer(node))
    except DomainError:  # ZeroDivision and Overflow too
        return None


def _local(node: Value, xs: tuple[float | None, ...], out: float | None) -> tuple[float, ...] | None:
    if out is None or any(x is None for x in xs):
        return None
    try:
        return checked_local_grads(as_shown(node.op), xs, out, node.params or {}, _describer(node))
    except ValueError:  # DomainError; a math domain error of the shown formula (log of a negative)
        return None


_SHOWN: dict[str, Op] = {}


def as_shown(op: Op) -> Op:
    """`op` with its local gradients computed from the formula the slides show, as a student computes
    them by hand: σ′ = out·(1 − out) from the student's own out. The rule table computes some of them
    in a rewritten form that keeps precision (σ′ = out·σ(−a)), which would mix the student's out with
    the right a. A changed copy of the row (`dataclasses.replace`); the table is untouched."""
    if not op.precise_formula:
        return op
    if op.name not in _SHOWN:
        shown = [evaluator(text) for text in op.formula]

        def local_grads(*xs: float, out: float, **params: float) -> tuple[float, ...]:
            operands = dict(zip("ab", xs))
            return tuple(f(**operands, out=out, **params) for f in shown)

        _SHOWN[op.name] = replace(op, local_grads=local_grads, precise_formula=())
    return _SHOWN[op.name]


def _describer(node: Value):
    return lambda i: node.parents[i].describe()


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def mistakes_apart(
    root: Value,
    asked: Sequence[Blank],
    wrong: Mapping[str, Mapping[int, float]],
    tolerance: Tolerance,
    upstream: float = 1.0,
) -> str | None:
    """Why a mistake's numbers cannot be told from what error carried forward expects of them (a
    student who makes the mistake throughout: its gradients at every gradient blank, the right values),
    or None. A number equal to the carried one (to 1e-9) is no reason: that blank is right given the
    student's earlier numbers, as a marker would count it."""
    nodes = forward_order(root)
    for key, numbers in wrong.items():
        grads = {nodes[b.node]: numbers[b.number] for b in asked if b.number in numbers}
        expected = carried(root, {}, grads, upstream).grads
        for b in asked:
            if b.number not in numbers or expected[nodes[b.node]] is None:
                continue
            w, ecf = numbers[b.number], expected[nodes[b.node]]
            gap = abs(w - ecf)
            # a carried 0 earns nothing (grading): contributions that cancel, as at Chen's b1 of two nets
            if tolerance.accepts(ecf, 0.0) and not tolerance.accepts(nodes[b.node].grad, 0.0):
                return f"what the mistake {key} carries to blank {b.number} ({b.name}) is {ecf:.4g}, a zero"
            if gap > 1e-9 * max(1.0, abs(ecf)) and gap <= 2 * tolerance.of(ecf):
                return (
                    f"the mistake {key} gives {w:.4g} at blank {b.number} ({b.name}), too close to "
                    f"{ecf:.4g}, right given its earlier numbers"
                )
    return None
