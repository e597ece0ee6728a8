"""Which slides a deck has: the forward pass, then the backward pass, one slide per step of the slide view.

A step is one of `autograd.render.forward_steps` / `backward_steps` (evaluation order, then the slides'
teaching order), kept when its node has a box of its own in the slide view: a product or partial sum
fused into a net input's box has no slide. Where a pass has more than `cap` steps, consecutive steps of
one layer (boxes at the same depth of one part) share a slide, so that a big graph stays a deck of tens of
slides, not hundreds. Each slide is a whole state of the picture: which boxes show their value, which
their gradient, which are outlined as the current step, and the chain-rule lines as its text.

Nothing here differentiates: local gradients come from the rule table (through the steps' captions) and
gradients of a net input with respect to what feeds it from the engine (`autograd.gradients`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ..functional import gradients
from ..graph import forward_order
from ..render.captions import backward_steps as _backward_steps
from ..render.captions import consumers, gradient_head, is_constant
from ..render.captions import forward_steps as _forward_steps
from ..render.slide_draw import depths  # a box's layer: the longest chain of arrows into it
from ..text import (
    DIGITS,
    Name,
    constant_name,
    equals,
    expression,
    fitting_digits,
    names,
    number,
    number_factor,
    number_name,
    read_constant,
)
from ..value import Value

CAP = 40  # a pass with more steps than this gets one slide per layer (or per run of layers)
MAX_LINES = 4  # chain-rule lines written on one slide; the rest are counted
MAX_TERMS = 4  # terms of a sum written out in one line

Phase = Literal["forward", "backward"]


class BoxLike(Protocol):
    id: str
    node: Value
    name: str
    value: str | None
    grad: str | None
    fused: tuple[Value, ...]
    formula: str


class GraphLike(Protocol):
    boxes: tuple[BoxLike, ...]
    arrows: tuple  # of Arrow(tail, head, local)
    root: Value
    context: frozenset[str]


@dataclass(frozen=True)
class Slide:
    """One slide: the part of the graph it draws and the state it draws it in.

    `values` and `grads` are the ids of the part's boxes whose value / gradient is shown; `current`
    the boxes outlined (the step's node, or a layer's nodes); `lines` the chain-rule text.
    """

    part: int
    phase: Phase
    title: str
    lines: tuple[str, ...]
    current: frozenset[str]
    values: frozenset[str]
    grads: frozenset[str]


@dataclass(frozen=True)
class _Step:
    node: Value
    line: str


def plan(
    root: Value,
    parts: Sequence[GraphLike],
    *,
    digits: int = DIGITS,
    upstream: float = 1.0,
    loss: str | None = None,
    cap: int = CAP,
    heading: str = "",
) -> list[Slide]:
    """The slides of one output's forward and backward pass over the slide view's `parts`.

    A first slide shows the given values (inputs, parameters); then one slide per forward step (each
    shows one more value), one slide with ∂root/∂root given, then one per backward step in the teaching
    order. `upstream`/`loss` as for `autograd.render.backward_steps` (a gate inside a bigger graph).
    A step's slide draws the part whose own (not context) box holds its node. Past `cap` steps in a
    pass, steps are grouped by layer. `heading` starts each title (the output's name in a deck of several).
    Raises ValueError when `parts` is empty.
    """
    if not parts:
        raise ValueError(f"plan: the slide view of {root.describe()} has no parts")
    home = _homes(parts)
    boxes = {node: box for part in reversed(parts) for box in part.boxes for node in (box.node,)}
    for part in parts:  # a node's own box (not a context copy) wins
        for box in part.boxes:
            if box.id not in part.context:
                boxes[box.node] = box
    fused_in = {f: box for box in boxes.values() for f in box.fused}
    forward = forward_order(root)
    named = names(forward, digits)

    fsteps = [
        _Step(s.node, _forward_line(boxes[s.node], s.caption, named, digits))
        for s in _forward_steps(root, digits)
        if s.node in home and boxes[s.node].value is not None
    ]
    bsteps = _backward(root, forward, named, boxes, fused_in, home, digits, upstream, loss)

    given = [n for n in forward if n.op is None and n in home and boxes[n].value is not None]
    known_values = set(given)
    known_grads: set[Value] = set()
    prefix = f"{heading}: " if heading else ""
    slides = []
    first = home[root][0]
    shown = [f"{named[n].text} = {boxes[n].value}" for n in given if not is_constant(n)]
    start_lines = ("given: " + ",  ".join(shown[:8]) + (" …" if len(shown) > 8 else ""),) if shown else ()
    slides.append(
        _slide(parts, first, "forward", f"{prefix}forward pass", start_lines, (), known_values, set())
    )
    for group in _groups(fsteps, home, parts, cap):
        known_values |= {s.node for s in group}
        part = home[group[0].node][0]
        slides.append(
            _slide(parts, part, "forward", f"{prefix}forward pass", _lines(group), group, known_values, set())
        )
    known_values = set(home)
    for group in _groups(bsteps, home, parts, cap):
        known_grads |= {s.node for s in group}
        part = home[group[0].node][0]
        slides.append(
            _slide(
                parts,
                part,
                "backward",
                f"{prefix}backward pass",
                _lines(group),
                group,
                known_values,
                known_grads,
            )
        )
    return slides


def _homes(parts: Sequence[GraphLike]) -> dict[Value, tuple[int, str]]:
    """Each boxed node's part (the first where its box is not context) and box id there."""
    home: dict[Value, tuple[int, str]] = {}
    for k, part in enumerate(parts):
        for box in part.boxes:
            if box.id not in part.context and box.node not in home:
                home[box.node] = (k, box.id)
    for k, part in enumerate(parts):  # a node only ever drawn as context still has a place
        for box in part.boxes:
            home.setdefault(box.node, (k, box.id))
    return home


def _slide(parts, k: int, phase: Phase, title: str, lines, group, values: set, grads: set) -> Slide:
    part = parts[k]
    return Slide(
        part=k,
        phase=phase,
        title=title,
        lines=tuple(lines),
        current=frozenset(b.id for b in part.boxes if any(s.node is b.node for s in group)),
        values=frozenset(b.id for b in part.boxes if b.node in values and b.value is not None),
        grads=frozenset(b.id for b in part.boxes if b.node in grads and b.grad is not None),
    )


def _lines(group: Sequence[_Step]) -> tuple[str, ...]:
    lines = [s.line for s in group[:MAX_LINES]]
    if len(group) > MAX_LINES:
        lines.append(f"… and {len(group) - MAX_LINES} more in this layer")
    return tuple(lines)


def _groups(steps: list[_Step], home, parts: Sequence[GraphLike], cap: int) -> list[list[_Step]]:
    """One group per step; past `cap` steps, runs of steps on one layer of one part, merged further
    (neighbouring runs) until at most `cap` remain."""
    if len(steps) <= cap:
        return [[s] for s in steps]
    depth = [depths(part) for part in parts]

    def layer(step: _Step) -> tuple[int, int]:
        k, box = home[step.node]
        return k, depth[k].get(box, 0)

    runs: list[list[_Step]] = []
    for step in steps:
        if runs and layer(runs[-1][-1]) == layer(step):
            runs[-1].append(step)
        else:
            runs.append([step])
    while len(runs) > cap:  # join the neighbouring pair with the fewest steps, in the same part if any
        pairs = [i for i in range(len(runs) - 1) if layer(runs[i][0])[0] == layer(runs[i + 1][0])[0]]
        pairs = pairs or list(range(len(runs) - 1))
        i = min(pairs, key=lambda i: len(runs[i]) + len(runs[i + 1]))
        runs[i : i + 2] = [runs[i] + runs[i + 1]]
    return runs


# --- text -------------------------------------------------------------------------------------------


def _forward_line(box: BoxLike, caption: str, named: dict[Value, Name], digits: int) -> str:
    """The step's line: the caption's first line, or for a fused box (a net input) its whole sum with
    numbers, `net_o1 = w5·h1 + w6·h2 + b2 = 0.4 · 0.5933 + 0.45 · 0.5969 + 0.6 = 1.106`."""
    if not box.fused:
        return caption.split("\n", 1)[0]
    inside = set(box.fused) | {box.node}
    order = [n for n in forward_order(box.node) if n in inside and n.op is not None]

    def evaluate(read) -> float:
        got: dict[Value, float] = {}
        for node in order:
            xs = [got[p] if p in got else _reader(p, read, digits) for p in node.parents]
            got[node] = node.op.forward(*xs, **(node.params or {}))
        return got[box.node]

    fit = fitting_digits(evaluate, box.node.data, digits)
    shown: dict[Value, Name] = {}
    for node in order:
        operands = [shown.get(p) or _number_name(p, fit or digits, digits) for p in node.parents]
        shown[node] = expression(node, operands, digits, False)
        right = node.parents[-1]
        if (
            node.op.name == "add"
            and right in shown
            and right.op.name == "add"
            and not _negative(shown[right])
        ):
            # a sum added to a sum needs no brackets: 0.1 + 0.2 · 0.5 + 0.1 · 0.25, as the formula reads
            shown[node] = Name(f"{operands[0].wrapped(1)} + {shown[right].text}", 1, True)
    symbolic = box.formula or expression(box.node, [named[p] for p in box.node.parents], digits).text
    result = f"{equals(fit)}{number(box.node.data, digits)}"
    return f"{named[box.node].text} = {symbolic} = {shown[box.node].text}{result}"


def _negative(
    name: Name,
) -> bool:  # a sum that starts with a minus keeps its brackets: 0.1 + (−0.3 · 0.5 + …)
    return name.text.startswith("−")


def _reader(node: Value, read, digits: int) -> float:
    return read_constant(node.data, digits) if is_constant(node) else read(node.data)


def _number_name(node: Value, fit: int, digits: int) -> Name:
    return constant_name(node.data, digits) if is_constant(node) else number_name(node.data, fit)


def _backward(root, forward, named, boxes, fused_in, home, digits, upstream, loss) -> list[_Step]:
    """The backward steps that have a box; a node used inside a fused box gets the slide's own line,
    `∂f/∂w5 = ∂f/∂net_o1 · ∂net_o1/∂w5 = 0.1385 · 0.5933 = 0.08217` (the box's users, not the hidden
    product), with ∂net/∂w5 from the engine."""
    used = consumers(forward)
    total = {n: upstream * g for n, g in zip(forward, gradients(root, forward))}
    top = named[root].wrapped() if upstream == 1.0 and loss is None else (loss or "L")
    steps = []
    for step in _backward_steps(root, digits, upstream=upstream, loss=loss):
        node = step.node
        if node not in home or boxes[node].grad is None:
            continue
        users = [c for c, _ in used[node]]
        if not any(c in fused_in for c in users):
            steps.append(_Step(node, step.caption))
            continue
        heads = list(dict.fromkeys(fused_in.get(c, boxes.get(c)).node for c in users))
        locals_ = [gradients(h, node) for h in heads]
        grads = [total[h] for h in heads]
        steps.append(
            _Step(node, _sum_line(node, heads, grads, locals_, step.value, top, named, used, digits))
        )
    return steps


def _sum_line(node, heads, grads, locals_, value, top, named, used, digits) -> str:
    shown = heads if len(heads) <= MAX_TERMS else heads[: MAX_TERMS - 1]
    symbolic = [
        f"∂{top}/∂{named[h].wrapped()} · ∂{named[h].wrapped()}/∂{named[node].wrapped()}" for h in shown
    ]
    fit = digits
    if len(shown) == len(heads):
        fit = fitting_digits(
            lambda read: math.fsum(read(g) * read(x) for g, x in zip(grads, locals_)), value, digits
        )
    d = fit or digits
    numeric = [
        f"{number_factor(g, d, k == 0)} · {number_factor(x, d)}"
        for k, (g, x) in enumerate(zip(grads, locals_))
    ]
    numeric = numeric[: len(shown)]
    if len(shown) < len(heads):
        symbolic[-1] += f" + … ({len(heads)} terms)"
        numeric[-1] += f" + … ({len(heads)} terms)"
    head = gradient_head(node, top, named, used)
    return f"{head} = {' + '.join(symbolic)} = {' + '.join(numeric)}{equals(fit)}{number(value, digits)}"
