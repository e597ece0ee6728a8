"""Captions of a pass drawn step by step: each node's chain-rule line (backward) or value line (forward).

The gradients a caption writes are `shown_gradients` (the one rule every view writes a gradient by);
a picture of the gradients a node holds uses `held_gradients`. Names, numbers and formulas come from
autograd.text; nothing here knows any calculus (local derivatives come from the rule table).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from ..graph import forward_order, teaching_order
from ..text import (
    DIGITS,
    Name,
    checked_side,
    equals,
    expression,
    factor,
    fitting_digits,
    formula,
    local_constant,
    local_line,
    names,
    number,
    number_factor,
    operation_numbers,
    read_fixed,
    value_factor,
)
from ..value import Value


def consumers(nodes: Sequence[Value]) -> dict[Value, list[tuple[Value, int]]]:
    """For each node, the (node, input position) pairs that use it, in forward order."""
    used: dict[Value, list[tuple[Value, int]]] = {node: [] for node in nodes}
    for node in nodes:
        for i, parent in enumerate(node.parents):
            used[parent].append((node, i))
    return used


def shown_gradients(root: Value, upstream: float | None = None) -> dict[Value, float]:
    """∂root/∂node for every node of `root`'s graph, as every view writes it (the one rule for that).

    The root's is `upstream` (its `.grad` when None: the seed `root.backward()` left); each other
    node's is the exactly rounded sum (`math.fsum`) of its users' contributions local · (the user's
    shown gradient), users first. That is the engine's `.grad` to the last bit or two, except where the
    contributions cancel: x·a + x·b − x·a − x·b at a = 0.1, b = 0.2 gives 0, where the engine's running
    sum leaves −2.776e−17 (0.1 + 0.2 − 0.1 − 0.2 in floats). `explain` sums paths with fsum too, and
    the page's script sums a node's uses the same way, so every view writes the same number.
    """
    order = teaching_order(root)  # every node after all its users
    used = consumers(order)
    shown = {root: root.grad if upstream is None else upstream}
    for node in order:
        if node is not root:
            shown[node] = math.fsum(c.local[i] * shown[c] for c, i in used[node])
    return shown


def held_gradients(root: Value) -> dict[Value, float]:
    """Each node's `.grad` as a picture writes it: the value the node holds, except that rounding noise
    left where contributions cancel is written as `shown_gradients` writes it (0, not −2.776e−17).

    A `.grad` within a few ulps of the exactly rounded sum of its users' contributions (scaled by the
    size of those contributions: the rounding a running sum can leave) is replaced by that sum; any
    other `.grad` (accumulated over two backward calls, written by a wrong pass of the mistakes lab, not
    yet computed) is kept as held, so a picture never shows a gradient the node does not hold.
    """
    order = teaching_order(root)
    used = consumers(order)
    held = {root: root.grad}
    for node in order:
        if node is root:
            continue
        terms = [c.local[i] * held[c] for c, i in used[node]]
        exact = math.fsum(terms)
        noise = 8 * sys.float_info.epsilon * math.fsum(abs(t) for t in terms)
        held[node] = exact if abs(node.grad - exact) <= noise else node.grad
    return held


@dataclass(frozen=True)
class CaptionedStep:
    """One step of a pass drawn as a frame: the node it completes, its number and the caption."""

    node: Value
    value: float  # the gradient (backward) or the value (forward) the step computes
    caption: str


def is_constant(node: Value) -> bool:
    """Whether `node` is a constant: an unlabelled leaf, written as its value (`x·1.0004`)."""
    return node.op is None and not node.label


def gradient_head(
    node: Value, top: str, named: dict[Value, Name], used: dict[Value, list[tuple[Value, int]]]
) -> str:
    """`∂top/∂node` as a backward step's caption starts; a constant (`is_constant`) is said to be one and
    where it is used, since three constants 1.0004 would read `∂f/∂1.0004` alike: `∂f/∂1.0004 (the
    constant in h)`."""
    head = f"∂{top}/∂{named[node].wrapped()}"
    if not is_constant(node) or not used[node]:
        return head
    users = ", ".join(dict.fromkeys(named[c].text for c, _ in used[node]))
    return f"{head} (the constant in {users})"


def backward_steps(
    root: Value, digits: int = DIGITS, max_terms: int = 4, upstream: float = 1.0, loss: str | None = None
) -> list[CaptionedStep]:
    """The backward pass, one step per node in the order the slides teach, each with its chain-rule caption.

    Step k's node is the k-th node of `autograd.graph.teaching_order(root)`: a reverse topological
    order, so by then every node that uses it has been visited and its gradient is complete; among such
    orders it shows a gradient as soon as it is complete (∂f/∂w5 right after δ_o1, as the first deck
    derives it). The caption sums, over those uses, the user's gradient times the local gradient (formula
    from the rule table, numbers from `node.local`), and ends with the gradient ∂root/∂node as every
    view writes it (`shown_gradients`: their exactly rounded sum; `.grad` is neither read nor changed).
    A constant's step says which one it is (see `gradient_head`). `upstream` is ∂loss/∂root where the
    graph is a gate inside a bigger one (the slide gives it, CS231n's ∂L/∂z = 5); the gradients are then
    of `loss` (its name, "L" by default).
    """
    order = teaching_order(root)
    forward = forward_order(root)
    named = names(forward, digits)
    grads = shown_gradients(root, upstream)
    used = consumers(forward)
    top = named[root].wrapped() if upstream == 1.0 and loss is None else (loss or "L")
    steps = []
    for node in order:
        head = gradient_head(node, top, named, used)
        if node is root:
            given = "1" if upstream == 1.0 and loss is None else f"{number(upstream, digits)} (given)"
            steps.append(CaptionedStep(node, grads[node], f"{head} = {given}"))
            continue
        caption = _backward_caption(head, top, grads[node], used[node], grads, named, digits, max_terms)
        steps.append(CaptionedStep(node, grads[node], caption))
    return steps


def _backward_caption(head, top, value, uses, grads, named, digits: int, max_terms: int) -> str:
    """∂top/∂node summed over its `uses`: symbols = numbers = gradient (numbers as `fitting_digits` says)."""
    shown = uses if len(uses) <= max_terms else uses[: max_terms - 1]
    symbolic = [f"∂{top}/∂{named[c].wrapped()} · {factor(formula(c, i, named, digits))}" for c, i in shown]
    fixed = [local_constant(c, i, named, digits) for c, i in uses]
    fit = digits
    if len(shown) == len(uses):  # every term is shown: its numbers must give the gradient
        fit = fitting_digits(
            lambda read: math.fsum(
                read(grads[c]) * read_fixed(read, c.local[i], k) for (c, i), k in zip(uses, fixed)
            ),
            value,
            digits,
        )
    d = fit or digits
    numeric = [
        f"{number_factor(grads[c], d, k == 0)} · {value_factor(c.local[i], d, fixed[k])}"
        for k, (c, i) in enumerate(shown)
    ]
    if len(shown) < len(uses):
        more = f" + … ({len(uses)} terms)"
        symbolic[-1] += more
        numeric[-1] += more
    return f"{head} = {' + '.join(symbolic)} = {' + '.join(numeric)}{equals(fit)}{number(value, digits)}"


def forward_steps(root: Value, digits: int = DIGITS) -> list[CaptionedStep]:
    """The forward pass, one step per computed node in evaluation order, with the value it computes.

    Leaves (inputs, parameters, constants) are given, not computed, so they have no step. A caption
    writes the operation with names, then with numbers; its second line gives the local gradients
    recorded at that moment (rule-table formula = number from `node.local`), but none with respect to a
    constant (`is_constant`).
    """
    forward = forward_order(root)
    named = names(forward, digits)
    steps = []
    for node in forward:
        if node.op is None:
            continue
        name = named[node]
        symbolic = expression(node, [named[p] for p in node.parents], digits).text
        numbers, sign = operation_numbers(node, digits)
        lhs = "" if symbolic == name.text else f"{name.text} = "
        symbolic = checked_side(symbolic, node.data, digits)
        local = [local_line(node, i, named, digits) for i, p in enumerate(node.parents) if not is_constant(p)]
        head = f"{lhs}{symbolic} = " if symbolic else lhs
        caption = f"{head}{numbers}{sign}{number(node.data, digits)}"
        steps.append(CaptionedStep(node, node.data, f"{caption}\nlocal gradients: {';  '.join(local)}"))
    return steps
