"""A worked example's graph with new numbers: the same nodes, operations and labels, other leaf values.

A variant keeps the structure of a graph and draws its own numbers for the labelled leaves (inputs,
weights, biases, targets), numbers a student can work by hand: one or two decimals, in ranges the
teacher can set, and away from where a hand calculation stops reading well (a sigmoid near 0 or 1, a
ReLU at its kink, a log near 0). The draw is reproducible: the same seed and student id give the same
numbers on every machine (a SHA-256 of both seeds the generator, never Python's salted `hash`).
"""

from __future__ import annotations

import fnmatch
import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import DomainError, Overflow
from ..graph import forward_order
from ..render.roles import default_role
from ..value import Value

MAX_VALUE = 100.0  # a number larger than this in a variant is not hand work
# where an operation's input makes a hand calculation unreadable: the input must lie in [lo, hi]
READABLE_INPUT = {"sigmoid": (-4.0, 4.0), "tanh": (-2.5, 2.5), "exp": (-5.0, 5.0), "log": (0.05, math.inf)}
KINKS = {"relu", "leaky_relu", "abs", "step", "max", "min"}  # kinked: inputs kept 0.05 away from the kink
KINK_MARGIN = 0.05


@dataclass(frozen=True)
class Range:
    """The numbers a leaf may take: from `low` to `high`, with `decimals` decimals (1 or 2), never 0."""

    low: float
    high: float
    decimals: int = 1

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low <= self.high):
            raise ValueError(f"a range needs finite low ≤ high, got {self.low}:{self.high}")
        if max(abs(self.low), abs(self.high)) > MAX_VALUE:
            raise ValueError(
                f"a range's numbers are hand work, at most {MAX_VALUE:g} in size; "
                f"got {self.low:g}:{self.high:g}"
            )
        if self.decimals not in (0, 1, 2):
            raise ValueError(f"a range's numbers have 0, 1 or 2 decimals, got {self.decimals}")
        step = 10.0**-self.decimals
        if math.floor(self.high / step) - math.ceil(self.low / step) < 1:
            raise ValueError(
                f"the range {self.low:g}:{self.high:g} holds too few numbers with {self.decimals} decimal(s)"
            )

    def draw(self, rng: random.Random) -> float:
        """One number of the range: a multiple of 10⁻ᵈᵉᶜⁱᵐᵃˡˢ, not 0."""
        step = 10**self.decimals
        while True:
            k = rng.randint(math.ceil(self.low * step), math.floor(self.high * step))
            if k:
                return k / step


def parse_range(text: str) -> tuple[str, Range]:
    """`LABEL=LOW:HIGH` (LABEL may hold * and ? wildcards: `w*=-1:1`) as (pattern, Range); the decimals
    are those LOW or HIGH is written with (`0.5:2` one, `-1:1` one, `0.25:0.75` two). Raises ValueError
    for text of another form, numbers that do not read, or more than 2 decimals."""
    pattern, sep, span = text.partition("=")
    low, colon, high = span.partition(":")
    if not (sep and colon and pattern.strip()):
        raise ValueError(f"a range is LABEL=LOW:HIGH (w1=-1:1, 'w*=0.1:0.9'), got {text!r}")
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        raise ValueError(f"a range's LOW and HIGH are numbers, got {text!r}") from None
    decimals = max(1, *(len(s.strip().partition(".")[2]) for s in (low, high)))
    if decimals > 2:
        raise ValueError(f"a range's numbers have at most 2 decimals (hand work), got {text!r}")
    return pattern.strip(), Range(lo, hi, decimals)


def drawn_leaves(root: Value, named: Sequence[str] = ()) -> list[Value]:
    """The leaves a variant draws anew: every labelled leaf but inputs and targets that hold exactly 0 or
    1 (one-hot targets, binary labels and indicator inputs keep their meaning; a weight or bias of 0 is
    drawn), unless a pattern of `named` (a range's LABEL, wildcards allowed) matches their label.
    Unlabelled leaves are constants."""
    return [
        n
        for n in forward_order(root)
        if n.op is None
        and n.label
        and (
            n.data not in (0.0, 1.0)
            or default_role(n, root) == "parameter"
            or any(fnmatch.fnmatchcase(n.label, pattern) for pattern in named)
        )
    ]


def default_range(value: float, target: bool = False) -> Range:
    """The range a leaf draws from unless the teacher sets one: around the example's own number, the
    same sign, within half its size of it or 0.5, whichever is more, one decimal. A `target` between 0
    and 1 (what a sigmoid or a probability is compared with) stays between 0.1 and 0.9."""
    if target and 0 < value < 1:
        return Range(0.1, 0.9, 1)
    width = max(0.5, abs(value) / 2)
    low, high = value - width, value + width
    if value > 0:
        low = max(low, 0.1)
    elif value < 0:
        high = min(high, -0.1)
    low, high = max(low, -MAX_VALUE), min(high, MAX_VALUE)
    return Range(round(low, 1), round(high, 1), 1)


def ranges_for(leaves: Sequence[Value], rules: Sequence[tuple[str, Range]] = ()) -> dict[Value, Range]:
    """Each leaf's range: the last rule whose pattern matches its label, else `default_range`.

    A target (a leaf whose label reads like one: t…, y…) between 0 and 1 stays there. Leaves that
    hold 0 or 1 are drawn only when a rule names them (`drawn_leaves`). Raises ValueError for a rule
    that matches no labelled leaf (a typo would otherwise pass unseen), and for a leaf over MAX_VALUE
    that no rule gives a range (its numbers would not be hand work)."""
    for pattern, _ in rules:
        if not any(fnmatch.fnmatchcase(leaf.label, pattern) for leaf in leaves):
            labels = ", ".join(sorted(leaf.label for leaf in leaves)) or "none"
            raise ValueError(f"the range {pattern!r} names no leaf; the leaves are {labels}")
    ranges: dict[Value, Range] = {}  # in the leaves' order: the order a variant draws them in
    for leaf in leaves:
        spans = [span for pattern, span in rules if fnmatch.fnmatchcase(leaf.label, pattern)]
        if spans:
            ranges[leaf] = spans[-1]
        elif abs(leaf.data) > MAX_VALUE:
            raise ValueError(
                f"leaf {leaf.label!r} is {leaf.data:.4g}, over {MAX_VALUE:g}: a worksheet's numbers are hand "
                f"work; give it a range (--range '{leaf.label}=LOW:HIGH')"
            )
        else:
            ranges[leaf] = default_range(leaf.data, default_role(leaf, None) == "constant")
    return ranges


def rebuild(root: Value, values: Mapping[Value, float]) -> tuple[Value, dict[Value, Value]]:
    """`root`'s graph again, with `values` for some leaves: the same operations, parameters and labels.

    Returns the new root and the map from each old node to its new one. Raises the engine's errors
    (DomainError, Overflow…) where the new numbers leave an operation's domain, naming the node.
    """
    new: dict[Value, Value] = {}
    for node in forward_order(root):
        if node.op is None:
            new[node] = Value(values.get(node, node.data), node.label)
        else:
            made = Value.apply(node.op, *(new[p] for p in node.parents), **(node.params or {}))
            made.label = node.label
            new[node] = made
    return new[root], new


def rng_for(seed: int, student: str) -> random.Random:
    """The generator of one student's variant: the same (seed, student) gives the same numbers anywhere."""
    digest = hashlib.sha256(f"{seed}\0{student}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def unreadable(root: Value) -> str | None:
    """Why `root`'s numbers are not hand work (an input of σ outside [−4, 4], a ReLU at its kink, a
    number over 100), or None when they read well."""
    for node in forward_order(root):
        if abs(node.data) > MAX_VALUE:
            return f"{node.describe()} is {node.data:.4g}, over {MAX_VALUE:g}"
        if node.op is None:
            continue
        name = node.op.name
        if name in READABLE_INPUT:
            lo, hi = READABLE_INPUT[name]
            x = node.parents[0].data
            if not lo <= x <= hi:
                return f"the input of {name} at {node.describe()} is {x:.4g}, outside [{lo:g}, {hi:g}]"
        if name in KINKS:
            xs = [p.data for p in node.parents]
            gap = abs(xs[0] - xs[1]) if len(xs) == 2 else abs(xs[0])
            if gap < KINK_MARGIN:
                return f"{name} at {node.describe()} is at its kink"
    return None


@dataclass
class Variant:
    """One student's graph: `root` (its backward pass run with `upstream`), the numbers drawn for its
    leaves by label, and `nodes`, the map from the example's nodes to the variant's."""

    student: str
    root: Value
    drawn: dict[str, float]
    nodes: dict[Value, Value]
    upstream: float = 1.0


class CannotDraw(ValueError):
    """No draw of the ranges gives numbers that read well and tell every mistake apart."""


def draw_variant(
    root: Value,
    student: str,
    seed: int,
    ranges: Mapping[Value, Range],
    *,
    upstream: float = 1.0,
    accept=None,
    attempts: int = 400,
) -> Variant:
    """A variant of `root`'s graph for `student`: each leaf of `ranges` drawn from its range, redrawn
    until the numbers read well (`unreadable`) and `accept(variant)` returns None (else a reason).

    Raises CannotDraw after `attempts` draws, with the last reason, so a teacher can set the ranges.
    """
    rng = rng_for(seed, student)
    reason = "no draw was made"
    for _ in range(attempts):
        drawn = {leaf: span.draw(rng) for leaf, span in ranges.items()}
        try:
            new_root, nodes = rebuild(root, drawn)
        except (DomainError, Overflow, ZeroDivisionError, ValueError) as error:
            reason = str(error)
            continue
        reason = unreadable(new_root)
        if reason:
            continue
        new_root.backward(upstream)
        variant = Variant(student, new_root, {leaf.label: x for leaf, x in drawn.items()}, nodes, upstream)
        reason = accept(variant) if accept else None
        if reason is None:
            return variant
    raise CannotDraw(
        f"no numbers for {student!r} after {attempts} draws: {reason}; give the leaves ranges where the "
        "numbers read well (--range LABEL=LOW:HIGH)"
    )


def with_values(root: Value, drawn: Mapping[str, float], upstream: float = 1.0) -> Variant:
    """The variant whose leaves labelled in `drawn` hold those numbers (as a key file records them).

    Raises ValueError for a label that names no drawn leaf of the graph."""
    leaves = {leaf.label: leaf for leaf in forward_order(root) if leaf.op is None and leaf.label}
    unknown = sorted(set(drawn) - set(leaves))
    if unknown:
        raise ValueError(f"no leaf labelled {unknown[0]!r} in this graph")
    new_root, nodes = rebuild(root, {leaves[k]: float(x) for k, x in drawn.items()})
    new_root.backward(upstream)
    return Variant("", new_root, dict(drawn), nodes, upstream)
