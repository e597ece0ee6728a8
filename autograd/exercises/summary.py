"""A class's marks summed up: each student's score, each misconception (a mistake of the lab that wrote
some wrong answers) with its students and blanks, how the class did on each blank; as Markdown, CSV
and a bar chart.

Names from the roster and labels from the graph are data: Markdown cells escape every character
Markdown or HTML reads, CSV text cells that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`)
start with an apostrophe, and the chart draws no student's name.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomic
from ..lab import MISTAKES
from ..text import safe
from .blanks import Blank, shown
from .grading import Mark
from .worksheet import Worksheet

CHART_FORMATS = ("png", "svg", "pdf")
CHART_DPI = 150
BAR_COLOUR = "#1f77b4"
FONT = 14  # points: readable on a printed A4 page and from the back of a lecture room
STATUSES = ("right", "carried", "wrong", "empty")


@dataclass(frozen=True)
class Score:
    """One student's marks counted: the blanks right, right given their own earlier numbers, wrong, empty."""

    student: str
    name: str
    right: int
    carried: int
    wrong: int
    empty: int

    @property
    def earned(self) -> int:
        """The marks earned: right and carried answers."""
        return self.right + self.carried

    @property
    def total(self) -> int:
        """The number of blanks on the sheet."""
        return self.right + self.carried + self.wrong + self.empty


@dataclass(frozen=True)
class Misconception:
    """A mistake of the lab behind some wrong answers: its key and title, the students whose answers it
    writes (in the class's order) and, for each blank where it does, how many students."""

    key: str
    title: str
    students: tuple[str, ...]
    blanks: dict[int, int]


class ClassSummary:
    """The class's results from `marks` ({student id: that student's marks, from `grading.grade`}) and
    the worksheets (for names and the blanks' questions).

    `marks` are kept as given; `blanks[number]` names what each blank asks (`h1`, `∂E/∂w5`); `scores`
    follow the order of `marks`; `misconceptions` the number of students, most first (then the lab's
    order); `by_blank[number]` counts each status at that blank; `diagnosed[student][key]` how many of
    the student's wrong answers the mistake `key` writes. Raises ValueError for a student
    with no worksheet, or marks for a blank that student's sheet does not have.
    """

    def __init__(self, marks: Mapping[str, Sequence[Mark]], sheets: Sequence[Worksheet]) -> None:
        sheet_of = {sheet.student: sheet for sheet in sheets}
        self.marks = {student: list(marked) for student, marked in marks.items()}
        self.blanks: dict[int, str] = {}
        for student, marked in marks.items():
            if student not in sheet_of:
                raise ValueError(f"marks for student {student!r}, who has no worksheet")
            sheet = sheet_of[student]
            asked = {b.number: b for b in sheet.blanks}
            for mark in marked:
                if mark.blank not in asked:
                    raise ValueError(f"student {student!r}: blank {mark.blank} is not on the sheet")
                self.blanks.setdefault(mark.blank, blank_name(asked[mark.blank], sheet.output))
        self.blanks = dict(sorted(self.blanks.items()))
        self.scores = [_score(student, sheet_of[student].name, marked) for student, marked in marks.items()]
        self.by_blank = {n: Counter({s: 0 for s in STATUSES}) for n in self.blanks}
        for marked in marks.values():
            for mark in marked:
                self.by_blank[mark.blank][mark.status] += 1
        self.misconceptions = _misconceptions(marks)
        self.diagnosed = {
            student: Counter(k for m in marked for k in m.mistakes) for student, marked in marks.items()
        }

    @property
    def size(self) -> int:
        """How many students were graded."""
        return len(self.scores)

    def markdown(self) -> str:
        """Three Markdown tables: the scores, the misconceptions, each blank's results."""
        out = [
            f"## Scores ({self.size} students)",
            "",
            "| student | name | score | right | carried | wrong | empty |",
        ]
        out.append("| --- | --- | --- | ---: | ---: | ---: | ---: |")
        for s in self.scores:
            out.append(
                f"| {_cell(s.student)} | {_cell(s.name)} | {s.earned}/{s.total} | {s.right} | {s.carried} "
                f"| {s.wrong} | {s.empty} |"
            )
        out += ["", "## Misconceptions", ""]
        if self.misconceptions:
            out += ["| mistake | students | where (blank: students) |", "| --- | --- | --- |"]
            for m in self.misconceptions:
                where = ", ".join(f"({n}) {_cell(self.blanks[n])}: {c}" for n, c in m.blanks.items())
                who = ", ".join(_cell(s) for s in m.students)
                out.append(
                    f"| {_cell(m.title)} (`{m.key}`) | {len(m.students)} of {self.size}: {who} | {where} |"
                )
        else:
            out.append("No wrong answer is one a mistake of the lab writes.")
        out += ["", "## Blanks", "", "| blank | asks | right | carried | wrong | empty |"]
        out.append("| ---: | --- | ---: | ---: | ---: | ---: |")
        for n, name in self.blanks.items():
            c = self.by_blank[n]
            out.append(
                f"| {n} | {_cell(name)} | {c['right']} | {c['carried']} | {c['wrong']} | {c['empty']} |"
            )
        return "\n".join(out) + "\n"

    def csv(self) -> str:
        """One row per student: id, name, score, the count of each status, and for each misconception
        the number of that student's blanks it wrote."""
        keys = [m.key for m in self.misconceptions]
        rows = [["student", "name", "earned", "blanks", *STATUSES, *keys]]
        for s in self.scores:
            row = [_text(s.student), _text(s.name), s.earned, s.total, s.right, s.carried, s.wrong, s.empty]
            rows.append(row + [self.diagnosed[s.student][k] for k in keys])
        return _csv(rows)

    def marks_csv(self) -> str:
        """Every student's marks node by node, one row per student and blank: what the blank asks, the
        answer given (empty when left empty), the right answer and the one carried from the student's
        own numbers (4 significant figures), the status, and the mistakes that write a wrong answer."""
        rows = [["student", "blank", "asks", "answer", "right", "carried", "status", "mistakes"]]
        for student, marked in self.marks.items():
            for m in marked:
                given = "" if m.given is None else format(m.given, ".10g")
                carried = "" if m.carried is None else shown(m.carried)
                row = [_text(student), m.blank, _text(self.blanks[m.blank]), given, shown(m.right), carried]
                rows.append([*row, m.status, " ".join(m.mistakes)])
        return _csv(rows)

    def chart(self, path: str | os.PathLike) -> Path:
        """A bar chart of the misconceptions (one horizontal bar each, its title and key above it,
        its number of students at its end) written whole to `path` (.png, .svg or .pdf), for print or a
        projector.

        Returns the path. Raises ValueError for another suffix, and files.WriteError where the file
        cannot be written."""
        fmt = Path(path).suffix.lower().lstrip(".")
        if fmt not in CHART_FORMATS:
            raise ValueError(f"cannot write the chart as {str(path)!r}: use a .png, .svg or .pdf file name")
        bars = [(f"{m.title} ({m.key})", len(m.students)) for m in self.misconceptions]
        return write_atomic(path, misconception_chart(bars, self.size, fmt))


def misconception_chart(bars: Sequence[tuple[str, int]], size: int, fmt: str = "png") -> bytes:
    """A horizontal bar per (title, number of students) of `bars`, the first on top: the title written
    above its bar (the bars keep the chart's width, however long the titles), the number at the bar's
    end, the axis from 0 to `size` students; an empty chart says that no misconception was found.
    Returns the picture as `fmt` bytes (png, svg, pdf). Matplotlib's Figure, never pyplot's state."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(8, 1.5 + 0.75 * max(len(bars), 1)), layout="constrained")
    ax = fig.add_subplot()
    top = max([size, 1, *(count for _, count in bars)])
    for place, (title, count) in enumerate(bars):
        ax.barh(place, count, height=0.4, color=BAR_COLOUR)
        ax.text(count + top * 0.01, place, str(count), va="center", fontsize=FONT, fontweight="bold")
        ax.text(0, place - 0.26, title, va="bottom", fontsize=FONT, parse_math=False)
    ax.set_ylim(len(bars) - 0.5, -0.85)
    ax.set_xlim(0, top * 1.06)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="x", labelsize=FONT)
    ax.set_xlabel(f"students (of {size})", fontsize=FONT)
    ax.set_title("Misconceptions behind wrong answers", fontsize=FONT + 2, loc="left")
    ax.spines[["top", "right", "left"]].set_visible(False)
    if not bars:
        ax.text(0.5, 0.5, "No wrong answer is one a mistake of the lab writes", ha="center", va="center",
                fontsize=FONT, transform=ax.transAxes)  # fmt: skip
    picture = io.BytesIO()
    fig.savefig(picture, format=fmt, dpi=CHART_DPI)
    return picture.getvalue()


def blank_name(blank: Blank, output: str) -> str:
    """What a blank asks, as a table names it: `h1` for a value, `∂E/∂w5` for a gradient."""
    return blank.name if blank.quantity == "value" else f"∂{output}/∂{blank.name}"


def _score(student: str, name: str, marked: Sequence[Mark]) -> Score:
    count = Counter(m.status for m in marked)
    return Score(student, name, count["right"], count["carried"], count["wrong"], count["empty"])


def _misconceptions(marks: Mapping[str, Sequence[Mark]]) -> list[Misconception]:
    students: dict[str, list[str]] = {key: [] for key in MISTAKES}
    blanks: dict[str, Counter] = {key: Counter() for key in MISTAKES}
    for student, marked in marks.items():
        for mark in marked:
            for key in mark.mistakes:
                if student not in students[key]:
                    students[key].append(student)
                blanks[key][mark.blank] += 1
    found = [
        Misconception(key, MISTAKES[key].title, tuple(students[key]), dict(sorted(blanks[key].items())))
        for key in MISTAKES
        if students[key]
    ]
    return sorted(found, key=lambda m: -len(m.students))  # stable: the lab's order among equals


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|$~&%^<>])")


def _cell(text: str) -> str:
    """`text` as a Markdown table cell shows it: every punctuation Markdown or HTML reads escaped
    (CommonMark allows a backslash before any ASCII punctuation), a newline a space."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", safe(text).replace("\n", " "))


def _text(text: str) -> str:
    """A text cell a spreadsheet shows as text: one that starts like a formula gets an apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
