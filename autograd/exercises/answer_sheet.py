"""A class's answers read from a CSV: one row per student and blank, each bad row reported in one line.

The file's header names the columns `student,blank,answer` (in any order; other columns are ignored).
The blank is the number printed on the sheet (`3` or `(3)`); the answer a number as a student writes
it: `0.5933`, `-0.36`, `−0.36`, `.5`, `1e-3`, with spaces around it. A decimal comma is read where the
CSV keeps it whole: in a quoted field (`s1,3,"0,5933"`) or a file whose columns are separated by `;`
(the header says which); `1,000` is refused (a thousand, or one?). The text is data: it is matched
against the grammar of a decimal number before `float` reads it, so `nan`, `inf`, `1_0` and anything
else never become answers.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence

from .grading import span
from .worksheet import Worksheet

COLUMNS = ("student", "blank", "answer")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+(?:[eE][+-]?[0-9]+)?")
THOUSANDS = re.compile(r"[+-]?[1-9][0-9]{0,2},[0-9]{3}")  # 1,000: a thousand or one? refused
BLANK = re.compile(r"\(?\s*([0-9]{1,9})\s*\)?")
MINUSES = str.maketrans({"−": "-", "–": "-"})  # U+2212 as the sheets print it; an en dash typed for one
QUOTED = 40  # a field longer than this is shortened in a message


class BadRow(ValueError):
    """One row that cannot be read; the message says why, without the row number."""


Answers = dict[str, dict[int, float]]


def read_answers(text: str, sheets: Sequence[Worksheet]) -> tuple[Answers, list[str]]:
    """The answers of `text` (a CSV) by student id and blank number, and one line per bad row.

    Returns ({student: {blank: answer}}, problems). Every student with at least one readable row is a
    key (a row with an empty answer is a blank left empty, and is no problem); a student of `sheets`
    with no row is absent. A problem line names the row as a spreadsheet numbers it (the header is
    row 1): `row 7: unknown student 's99'`, `row 9: blank 41 is not on the sheet (1–29)`,
    `row 12: answer 'abc' is not a number`, a row given twice (the first one counts), a missing or
    extra column. Bad rows are skipped; a file with no usable header gives one problem and no answers.
    Never raises for the file's content."""
    text = text.removeprefix("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = next((d for d in ",;\t" if d in first), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    answers: Answers = {}
    problems: list[str] = []
    where: dict[tuple[str, int], int] = {}  # (student, blank) → the row that gave it
    sheet_of = {sheet.student: sheet for sheet in sheets}
    columns = None
    row = 0  # a spreadsheet's row number: records, a quoted newline inside one not counted
    try:
        for row, fields in enumerate(reader, 1):
            if not any(f.strip() for f in fields):
                continue
            if columns is None:
                columns = _header(fields)
                if columns is None:
                    names = ", ".join(_quoted(f) for f in fields)
                    return {}, [
                        f"row {row}: the header must name the columns student, blank and answer; got {names}"
                    ]
                continue
            try:
                student, number, answer = _row(fields, columns, delimiter, sheet_of)
            except BadRow as bad:
                problems.append(f"row {row}: {bad}")
                continue
            if (student, number) in where:
                first_row = where[student, number]
                problems.append(
                    f"row {row}: blank {number} of student {_quoted(student)} is given twice "
                    f"(first in row {first_row}, which counts)"
                )
                continue
            where[student, number] = row
            given = answers.setdefault(student, {})
            if answer is not None:
                given[number] = answer
    except csv.Error as error:
        problems.append(f"row {row + 1}: the CSV cannot be read from here on ({error})")
    if columns is None:
        problems.append("row 1: no header: the file's first row must be student,blank,answer")
    return answers, problems


def read_number(text: str) -> float:
    """`text` as a student writes a number (`0.5933`, `−.36`, `1e-3`, `"0,5933"`), as a float.

    Raises BadRow for anything else: words, `nan`, `inf`, a number too large for a float, `1,000`."""
    written = text.strip().translate(MINUSES)
    if DECIMAL_COMMA.fullmatch(written):
        if THOUSANDS.fullmatch(written):
            raise BadRow(f"answer {_quoted(text)} could be a thousand or one: write it with a decimal point")
        written = written.replace(",", ".")
    if not NUMBER.fullmatch(written):
        raise BadRow(f"answer {_quoted(text)} is not a number")
    x = float(written)
    if not math.isfinite(x):
        raise BadRow(f"answer {_quoted(text)} is too large for a number")
    return x


def _header(fields: list[str]) -> dict[str, int] | None:
    """Each column's place by name, and the header's `width`; None unless each column is named once."""
    names = [f.strip().lower() for f in fields]
    if not all(names.count(c) == 1 for c in COLUMNS):
        return None
    return {c: names.index(c) for c in COLUMNS} | {"width": len(names)}


def _row(
    fields: list[str], columns: dict[str, int], delimiter: str, sheet_of: dict[str, Worksheet]
) -> tuple[str, int, float | None]:
    _check_width(fields, columns, delimiter)
    student = fields[columns["student"]].strip()
    if not student:
        raise BadRow("no student")
    sheet = sheet_of.get(student)
    if sheet is None:
        raise BadRow(f"unknown student {_quoted(student)}")
    written = fields[columns["blank"]]
    match = BLANK.fullmatch(written.strip())
    if not match:
        raise BadRow(f"blank {_quoted(written)} is not a blank's number")
    number = int(match.group(1))
    numbers = {b.number for b in sheet.blanks}
    if number not in numbers:
        raise BadRow(f"blank {number} is not on the sheet ({span(numbers)})")
    answer = fields[columns["answer"]]
    return student, number, read_number(answer) if answer.strip() else None


def _check_width(fields: list[str], columns: dict[str, int], delimiter: str) -> None:
    width = columns["width"]
    needed = max(columns[c] for c in COLUMNS) + 1
    if len(fields) < needed:
        missing = [c for c in COLUMNS if columns[c] >= len(fields)]
        raise BadRow(f"the {' and '.join(missing)} column{'s are' if len(missing) > 1 else ' is'} missing")
    if any(f.strip() for f in fields[width:]):
        hint = ""
        if delimiter == "," and DECIMAL_COMMA.fullmatch(",".join(fields[columns["answer"] :]).strip()):
            hint = ': a decimal comma must be quoted ("0,5933"), or the columns separated by ;'
        raise BadRow(f"{len(fields)} fields where the header has {width}{hint}")


def _quoted(text: str) -> str:
    short = text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"
    return repr(short)
