"""Exercises for every student: per-student variants of a worked example, graded node by node.

`variants` draws a graph's leaves anew (reproducible from a seed and a student id, hand-sized, readable);
`blanks` says what a sheet asks (a box's value or gradient), the right answers, the tolerance, and what
each mistake of the lab would write there, so a draw whose numbers cannot tell a mistake from the right
answer is redrawn.
"""

from __future__ import annotations

from .blanks import Blank, Tolerance, answers, blanks, mistake_answers, node_of, shown, too_close
from .variants import (
    CannotDraw,
    Range,
    Variant,
    default_range,
    draw_variant,
    drawn_leaves,
    parse_range,
    ranges_for,
    rebuild,
    unreadable,
    with_values,
)

__all__ = [
    "Blank", "CannotDraw", "Range", "Tolerance", "Variant", "answers", "blanks", "default_range",
    "draw_variant", "drawn_leaves", "mistake_answers", "node_of", "parse_range", "ranges_for", "rebuild",
    "shown", "too_close", "unreadable", "with_values",
]  # fmt: skip
