"""Marking one worksheet node by node, with the error carried forward, and naming the mistake behind a
wrong gradient.

Error carried forward, as human markers do: an answer that is wrong earns no mark, but every later
answer is also checked against what it should be *given the student's own earlier numbers*. `carried`
walks the variant's graph forward computing each node's value from its parents, where a parent whose
value the sheet asks and the student answered takes the student's number; the local gradients come
from the rule table's formulas at those numbers (σ′ = out·(1 − out) with the student's out, as the
slides write it); then backward from the output's seed, where a node whose gradient the student
answered passes the student's number on to its parents. An answer within the tolerance of the right
answer is "right"; else within the tolerance of that carried expectation (when it differs from the
right answer) "carried", which earns its mark; else "wrong".

A carried expectation of 0 where the right answer is not 0 earns no mark: a zero makes every later
step trivial (0 · anything), and a sheet of zeros would otherwise collect every carried mark.

A wrong gradient is diagnosed by the mistakes lab: every mistake whose wrong pass on the variant's
numbers (`Worksheet.mistakes`) writes the student's answer there; where several do, those that write
the most of the student's wrong answers (a chance match is not a misconception). A mistake made on
top of a wrong earlier value is not diagnosed: the lab's passes read a graph's nodes, and a graph
holding the student's own computed numbers cannot be rebuilt from leaves (`variants.rebuild`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from ..errors import is_real
from ..graph import forward_order
from .blanks import Tolerance
from .carried import carried
from .worksheet import Worksheet

Status = Literal["right", "carried", "wrong", "empty"]
EARNS = ("right", "carried")  # the statuses that earn a blank's mark


@dataclass(frozen=True)
class Mark:
    """One blank marked: its number on the sheet, the answer given (None when left empty), the right
    answer, the status, the keys of the lab's mistakes that write this wrong answer (by key, in the
    lab's order; empty unless wrong), and `carried`, the number expected given the student's own
    earlier answers (None where it cannot be computed: a log of the student's negative number)."""

    blank: int
    given: float | None
    right: float
    status: Status
    mistakes: tuple[str, ...] = ()
    carried: float | None = None

    @property
    def earned(self) -> bool:
        """True when the blank earns its mark (right, or right given the student's earlier numbers)."""
        return self.status in EARNS


def grade(sheet: Worksheet, given: Mapping[int, float], tolerance: Tolerance) -> list[Mark]:
    """Mark each blank of `sheet` (in blank order) given the student's answers, {blank number: number}.

    A blank missing from `given` is "empty". Raises ValueError naming the student and the blank for a
    blank number not on the sheet or an answer that is not a finite number (`answer_sheet.read_answers`
    reports such rows instead of passing them on)."""
    _check_given(sheet, given)
    root = sheet.variant.root
    nodes = forward_order(root)
    values = {
        nodes[b.node]: given[b.number] for b in sheet.blanks if b.quantity == "value" and b.number in given
    }
    grads = {
        nodes[b.node]: given[b.number] for b in sheet.blanks if b.quantity == "gradient" and b.number in given
    }
    expected = carried(root, values, grads, sheet.variant.upstream)
    marks = []
    for blank in sheet.blanks:
        node = nodes[blank.node]
        right = sheet.answers[blank.number]
        ecf = (expected.values if blank.quantity == "value" else expected.grads)[node]
        answer = given.get(blank.number)
        marks.append(_mark(sheet, blank.number, answer, right, ecf, tolerance))
    return _likeliest(marks)


def _mark(
    sheet: Worksheet, number: int, answer: float | None, right: float, ecf: float | None, tolerance: Tolerance
) -> Mark:
    if answer is None:
        return Mark(number, None, right, "empty", carried=ecf)
    if tolerance.accepts(answer, right):
        return Mark(number, answer, right, "right", carried=ecf)
    if _may_carry(ecf, right, tolerance) and tolerance.accepts(answer, ecf):
        return Mark(number, answer, right, "carried", carried=ecf)
    found = tuple(
        key
        for key, numbers in sheet.mistakes.items()
        if number in numbers and tolerance.accepts(answer, numbers[number])
    )
    return Mark(number, answer, right, "wrong", found, ecf)


def span(numbers: set[int]) -> str:
    """The blanks of a sheet as its reader sees them: `1–29`, or `no blanks`."""
    return f"{min(numbers)}–{max(numbers)}" if numbers else "no blanks"


def _likeliest(marks: list[Mark]) -> list[Mark]:
    """`marks` with each wrong answer's mistakes cut to those that write the most of this student's wrong
    answers (all of them on a tie): a mistake that writes one number by chance where another writes
    the whole sheet is not named."""
    reach = Counter(key for mark in marks for key in mark.mistakes)
    out = []
    for mark in marks:
        if len(mark.mistakes) > 1:
            most = max(reach[k] for k in mark.mistakes)
            mark = replace(mark, mistakes=tuple(k for k in mark.mistakes if reach[k] == most))
        out.append(mark)
    return out


def _may_carry(ecf: float | None, right: float, tolerance: Tolerance) -> bool:
    """Whether a carried expectation can earn a mark: it exists, differs from the right answer, and is
    not a zero standing for a number that is not (a zero makes the later steps trivial)."""
    if ecf is None or math.isclose(ecf, right, rel_tol=1e-9, abs_tol=1e-12):
        return False
    return not tolerance.accepts(ecf, 0.0)


def _check_given(sheet: Worksheet, given: Mapping[int, float]) -> None:
    numbers = {b.number for b in sheet.blanks}
    for number, answer in given.items():
        if number not in numbers:
            raise ValueError(
                f"student {sheet.student!r}: blank {number!r} is not on the sheet ({span(numbers)})"
            )
        if not is_real(answer) or not math.isfinite(answer):
            raise ValueError(
                f"student {sheet.student!r}: the answer to blank {number} is {answer!r}, not a number"
            )
