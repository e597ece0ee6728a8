"""The key as data: every student's numbers and answers as JSON (read back to grade) and as CSV.

`key_json` writes what `read_key` needs to make the same worksheets again from the example's graph: the
seed, the tolerance, the blanks, and each student's drawn numbers; the answers and the mistakes' numbers
are written too (for a teacher's own tools), and checked on reading: a key whose example has changed
since (other answers from the same numbers) is refused rather than graded against the wrong graph.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from typing import Any

from ..value import Value
from .blanks import Blank, Tolerance, answers, blanks, mistake_answers, shown
from .variants import Range, with_values
from .worksheet import Worksheet, Worksheets

FORMAT = "chainrule worksheets"
VERSION = 1


class KeyFileError(ValueError):
    """A key file that cannot be read: not JSON, another format, a field missing or of the wrong type."""


def key_json(worksheets: Worksheets, source: dict[str, Any], ask: list[str] | None) -> str:
    """The key of `worksheets` as JSON text; `source` says how to build the example again (the command
    records its name, its file or its expression), `ask` the blanks' patterns (None: the default)."""
    first = worksheets.sheets[0]
    data = {
        "format": FORMAT,
        "version": VERSION,
        "title": worksheets.title,
        "source": source,
        "seed": worksheets.seed,
        "upstream": first.variant.upstream,
        "ask": ask,
        "tolerance": {"relative": worksheets.tolerance.relative, "absolute": worksheets.tolerance.absolute},
        "ranges": {k: [r.low, r.high, r.decimals] for k, r in worksheets.ranges.items()},
        "blanks": [
            {"blank": b.number, "node": b.node, "name": b.name, "quantity": b.quantity} for b in first.blanks
        ],
        "students": [
            {
                "id": s.student,
                "name": s.name,
                "drawn": s.variant.drawn,
                "answers": {str(k): x for k, x in s.answers.items()},
                "mistakes": {m: {str(k): x for k, x in xs.items()} for m, xs in s.mistakes.items()},
            }
            for s in worksheets.sheets
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def key_csv(worksheets: Worksheets) -> str:
    """The key as CSV: one row per student and blank (student, name, blank, quantity, node, the answer to
    4 significant figures, and exactly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "name", "blank", "quantity", "node", "answer", "exact"])
    for s in worksheets.sheets:
        for b in s.blanks:
            x = s.answers[b.number]
            writer.writerow([s.student, s.name, b.number, b.quantity, b.name, shown(x), repr(x)])
    return out.getvalue()


def read_key(text: str, root_of: Callable[[dict[str, Any]], Value]) -> Worksheets:
    """The worksheets a key file records, made again on the graph `root_of(source)` builds (`source`:
    the key's record of the example, as `key_json` was given it). Raises KeyFileError for a file that is
    not such a key, and ValueError when the graph no longer gives the key's blanks or answers (the
    example changed since the sheets were made)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise KeyFileError(f"not a key file (JSON): {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KeyFileError(f"not a key file: its format is not {FORMAT!r}")
    if data.get("version") != VERSION:
        raise KeyFileError(
            f"a key file of version {data.get('version')!r}; this chainrule reads version {VERSION}"
        )
    try:
        tolerance = Tolerance(float(data["tolerance"]["relative"]), float(data["tolerance"]["absolute"]))
        upstream = float(data["upstream"])
        ranges = {str(k): Range(float(r[0]), float(r[1]), int(r[2])) for k, r in data["ranges"].items()}
        asked = [
            Blank(int(b["blank"]), int(b["node"]), str(b["name"]), b["quantity"]) for b in data["blanks"]
        ]
        students = [(str(s["id"]), str(s["name"]), dict(s["drawn"]), s["answers"]) for s in data["students"]]
        seed, title, source = int(data["seed"]), str(data["title"]), dict(data["source"])
    except KeyError as error:
        raise KeyFileError(f"a key file without its {error.args[0]!r} field") from None
    except (TypeError, ValueError, IndexError):
        raise KeyFileError("a key file with a field of the wrong type") from None
    root = root_of(source)
    if blanks(root, data.get("ask")) != asked:
        raise ValueError("the example has changed since these worksheets were made: its blanks differ")
    sheets = []
    for student, name, drawn, recorded in students:
        variant = with_values(root, drawn, upstream)
        variant.student = student
        right = answers(variant.root, asked)
        if any(not math.isclose(right[b.number], float(recorded[str(b.number)]), rel_tol=1e-9, abs_tol=1e-12)
               for b in asked):  # fmt: skip
            raise ValueError(
                f"the example has changed since these worksheets were made: {student}'s answers differ "
                "(or the key was edited)"
            )
        wrong = mistake_answers(variant.root, asked, upstream)
        sheets.append(Worksheet(student, name, variant, asked, right, wrong))
    return Worksheets(title, seed, tolerance, sheets, ranges)
