"""Exercises for every student: per-student variants of a worked example, graded node by node.

`variants` draws a graph's leaves anew (reproducible from a seed and a student id, hand-sized, readable);
`blanks` says what a sheet asks (a box's value or gradient), the right answers, the tolerance, and what
each mistake of the lab would write there; `worksheet` makes a class's worksheets, redrawing any whose
numbers cannot tell a mistake from the right answer or from what carried error expects (`carried`);
`sheets` typesets a student's sheet and key (pdflatex); `keyfile` writes the key as JSON and CSV and
reads it back; `answer_sheet` reads the answers a class gave, `grading` marks them with the error
carried forward and names the lab's mistake behind a wrong gradient, `summary` sums up the class;
`moodle` writes the variants as Moodle XML. The command line is `chainrule worksheet` and `grade`.
"""

from __future__ import annotations

from .answer_sheet import read_answers
from .blanks import Blank, Tolerance, answers, blanks, mistake_answers, node_of, shown, too_close
from .carried import carried
from .grading import Mark, grade
from .keyfile import KeyFileError, key_csv, key_json, read_key
from .moodle import moodle_xml
from .sheets import write_sheet
from .summary import ClassSummary
from .typeset import SheetError
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
from .worksheet import Worksheet, Worksheets, make_worksheets, picture

__all__ = [
    "Blank", "CannotDraw", "ClassSummary", "KeyFileError", "Mark", "Range", "SheetError", "Tolerance",
    "Variant", "Worksheet", "Worksheets", "answers", "blanks", "carried", "default_range", "draw_variant",
    "drawn_leaves", "grade", "key_csv", "key_json", "make_worksheets", "mistake_answers", "moodle_xml",
    "node_of", "parse_range", "picture", "ranges_for", "read_answers", "read_key", "rebuild", "shown",
    "too_close", "unreadable", "with_values", "write_sheet",
]  # fmt: skip
