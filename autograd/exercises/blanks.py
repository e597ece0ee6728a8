"""What a worksheet asks: the blanks (a box's value or gradient), their answers, and the tolerance.

The blanks are the boxes of the slide view (`autograd.render.slide`: a neuron's net input is one box,
as the slides draw it): the value of every computed box in forward order, then the gradient of every
box but the output's in the backward pass's order (a box's users before the box). A blank is named by
the node's place in the graph's forward order, so the same blank finds its node in every variant.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..graph import forward_order, teaching_order
from ..lab import DRAWN_EARLY, MISTAKES, CannotRun, compare
from ..render.slide_model import slide_graph
from ..value import Value

Quantity = Literal["value", "gradient"]
SIGNIFICANT = 4  # answers are asked to 4 significant figures


@dataclass(frozen=True)
class Tolerance:
    """An answer is right when within `relative`·|answer| or `absolute` of it, whichever is larger:
    room for a hand calculation that rounds its intermediate numbers to 4 significant figures (1%); the
    absolute room is for a right answer of 0 (a small answer is held to 1% as a large one is)."""

    relative: float = 0.01
    absolute: float = 1e-6

    def of(self, x: float) -> float:
        """The room around a right answer `x`."""
        return max(self.relative * abs(x), self.absolute)

    def accepts(self, answer: float, right: float) -> bool:
        """True when `answer` is within the room around `right`."""
        return abs(answer - right) <= self.of(right)


@dataclass(frozen=True)
class Blank:
    """One box to fill in: its number on the sheet, the node's place in forward order, its name, and
    whether the value or the gradient is asked."""

    number: int
    node: int
    name: str
    quantity: Quantity

    def question(self, output: str) -> str:
        """The blank as a question: `h1 = ?` or `∂E/∂w5 = ?`."""
        name = f"({self.name})" if " " in self.name else self.name
        return f"{self.name} = ?" if self.quantity == "value" else f"∂{output}/∂{name} = ?"


def blanks(root: Value, ask: Sequence[str] | None = None) -> list[Blank]:
    """The blanks of `root`'s graph: every computed box's value (forward order), then every box's
    gradient but the output's and the constants' (users first), numbered from 1.

    `ask` chooses the boxes by label (patterns with * and ?, as `fnmatch`); None asks every labelled
    box (the names the slides use), and ["*"] every box, unlabelled ones (t1 − o1) too. Raises
    ValueError for a pattern that names no box."""
    nodes = forward_order(root)
    place = {node: k for k, node in enumerate(nodes)}
    boxes = {box.node: box for box in slide_graph(root).boxes}
    if ask is None:
        boxes = {n: box for n, box in boxes.items() if n.label}
    else:
        chosen = {}
        for pattern in ask:
            hits = {n: b for n, b in boxes.items() if fnmatch.fnmatchcase(b.name, pattern)}
            if not hits:
                known = ", ".join(b.name for b in boxes.values())
                raise ValueError(f"--ask {pattern!r} names no box; the boxes are {known}")
            chosen |= hits
        boxes = chosen
    values = [n for n in nodes if n in boxes and n.op is not None]
    grads = [n for n in teaching_order(root) if n in boxes and n is not root and boxes[n].role != "constant"]
    asked = [(n, "value") for n in values] + [(n, "gradient") for n in grads]
    return [Blank(k, place[n], boxes[n].name, q) for k, (n, q) in enumerate(asked, 1)]


def node_of(root: Value, blank: Blank) -> Value:
    """The node `blank` asks about in `root`'s graph (a variant's, or the example's own)."""
    return forward_order(root)[blank.node]


def answers(root: Value, asked: Sequence[Blank]) -> dict[int, float]:
    """Each blank's right answer on `root`'s graph (its backward pass run): the value or `.grad`."""
    nodes = forward_order(root)
    return {b.number: nodes[b.node].data if b.quantity == "value" else nodes[b.node].grad for b in asked}


def mistake_answers(
    root: Value, asked: Sequence[Blank], upstream: float = 1.0
) -> dict[str, dict[int, float]]:
    """What each gradient mistake of the lab writes in each gradient blank, by mistake key.

    Mistakes of the update step (wrong-sign) ask no gradient and are left out, as is a picture drawn
    before backward (every gradient 0: a mistake of code, which by hand is a blank left at 0), and the
    matrix form's mistakes on a graph they cannot run on (CannotRun)."""
    nodes = forward_order(root)
    found = {}
    for key, mistake in MISTAKES.items():
        if mistake.quantity != "gradient" or mistake is DRAWN_EARLY:
            continue
        try:
            wrong = compare(root, key, upstream).wrong
        except CannotRun:
            continue
        found[key] = {
            b.number: wrong[nodes[b.node]]
            for b in asked
            if b.quantity == "gradient" and nodes[b.node] in wrong
        }
    return found


def too_close(
    right: Mapping[int, float],
    wrong: Mapping[str, Mapping[int, float]],
    tolerance: Tolerance,
    names: Mapping[int, str],
) -> str | None:
    """Why a mistake cannot be told from the right answer at some blank (its number differs from the
    right one, but by no more than two tolerances), or None. A mistake that gives the right number
    exactly (it is harmless on this graph, as the lab says) is no reason. A mistake that gives 0 where
    the right answer is not is one: a zero is what a blank left undone looks like, and it carries
    nothing forward (σ′ = net·(1 − net) at a net of exactly 1)."""
    for key, numbers in wrong.items():
        for number, w in numbers.items():
            r = right[number]
            gap = abs(w - r)
            if (gap > 1e-9 * max(1.0, abs(r)) and gap <= 2 * tolerance.of(r)) or (w == 0 and gap):
                return f"the mistake {key} gives {w:.4g} at blank {number} ({names[number]}), right {r:.4g}"
    return None


def shown(x: float) -> str:
    """An answer as the key writes it: 4 significant figures, no exponent for hand-sized numbers."""
    if x == 0:
        return "0"
    digits = max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(x))))
    text = f"{x:.{digits}f}"
    return "0" if float(text) == 0 else text
