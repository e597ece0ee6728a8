"""One student's worksheet as data, and the class's: what the sheets, the key, the grading and Moodle read.

`make_worksheets` draws a variant per student (`variants.draw_variant`), each checked so that every
mistake of the lab writes a number apart from the right one in every gradient blank it changes
(`blanks.too_close`), and apart from the number error carried forward expects there
(`carried.mistakes_apart`); `picture` draws a variant's graph (or a part of it) in the slide view with
its blanks numbered ("(3)": the answer goes in the answer page's box of that number) or, for the key,
filled in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..render.frame_images import draw_frames
from ..render.output import run_dot
from ..render.slide import SlidePictureState, slide_digraph, slide_graph
from ..render.slide_model import SlideGraph
from ..text import DIGITS, number
from ..value import Value
from .blanks import Blank, Tolerance, answers, blanks, mistake_answers, node_of, too_close
from .carried import mistakes_apart
from .variants import Range, Variant, draw_variant


@dataclass
class Worksheet:
    """One student's sheet: the variant, what is asked, the right answers and each mistake's numbers
    (by mistake key, then blank number)."""

    student: str
    name: str  # the student's name as the roster gives it ("" when none)
    variant: Variant
    blanks: list[Blank]
    answers: dict[int, float]
    mistakes: dict[str, dict[int, float]] = field(default_factory=dict)

    @property
    def output(self) -> str:
        """The output's name in the questions (∂E/∂w5): its label, else L."""
        return self.variant.root.label or "L"


@dataclass
class Worksheets:
    """A class's worksheets on one graph: its title, the blanks, the tolerance, the seed, one per student."""

    title: str
    seed: int
    tolerance: Tolerance
    sheets: list[Worksheet]
    ranges: dict[str, Range]


def make_worksheets(
    title: str,
    root: Value,
    students: Sequence[tuple[str, str]],
    seed: int,
    ranges: dict[Value, Range],
    *,
    upstream: float = 1.0,
    ask: Sequence[str] | None = None,
    tolerance: Tolerance | None = None,
    progress: Callable[[], object] | None = None,
) -> Worksheets:
    """A worksheet per (student id, name) of `students` on `root`'s graph, no two with the same numbers;
    `progress()` is called as each is drawn.

    Raises ValueError for no students, a student id given twice, an `ask` pattern that names no box, or
    several students and no leaf to draw (`ranges` empty), and CannotDraw when a student's numbers
    cannot be drawn (see `draw_variant`)."""
    tolerance = tolerance or Tolerance()
    if not students:
        raise ValueError("no students: give a roster with at least one row, or a count of at least 1")
    ids = [s for s, _ in students]
    twice = next((s for s in ids if ids.count(s) > 1), None)
    if twice is not None:
        raise ValueError(f"the student id {twice!r} is given twice")
    if not ranges and len(students) > 1:
        raise ValueError(
            "the graph has no numbers to draw (its labelled leaves hold 0 or 1, or it has none): every "
            "student would get the same sheet; name the leaves to draw with a range (--range LABEL=LOW:HIGH)"
        )
    asked = blanks(root, ask)
    names = {b.number: b.name for b in asked}

    taken: dict[tuple, str] = {}  # each student's numbers differ from every other's: copying shows

    def accept(variant: Variant) -> str | None:
        numbers = tuple(sorted(variant.drawn.items()))
        if numbers in taken:
            return f"the numbers drawn are {taken[numbers]}'s; a range with more numbers in it gives room"
        right = answers(variant.root, asked)
        wrong = mistake_answers(variant.root, asked, upstream)
        return too_close(right, wrong, tolerance, names) or mistakes_apart(
            variant.root, asked, wrong, tolerance, upstream
        )

    sheets = []
    for student, name in students:
        variant = draw_variant(root, student, seed, ranges, upstream=upstream, accept=accept)
        right = answers(variant.root, asked)
        wrong = mistake_answers(variant.root, asked, upstream)
        sheets.append(Worksheet(student, name, variant, asked, right, wrong))
        taken[tuple(sorted(variant.drawn.items()))] = student
        if progress:
            progress()
    return Worksheets(title, seed, tolerance, sheets, {leaf.label: r for leaf, r in ranges.items()})


def written(sheet: Worksheet, blank: Blank, key: bool = False, digits: int = DIGITS) -> str:
    """What the picture writes in `blank`'s place: its number, "(3)", or with `key` its answer too,
    "(3) 0.5932" (`digits` significant digits, as the slide view writes numbers)."""
    return f"({blank.number}) {number(sheet.answers[blank.number], digits)}" if key else f"({blank.number})"


def picture(
    sheet: Worksheet,
    fmt: str = "pdf",
    *,
    key: bool = False,
    digits: int = DIGITS,
    web: bool = False,
    part: SlideGraph | None = None,
) -> bytes:
    """The variant's graph in the slide view, as `fmt` bytes (pdf, png, svg): the leaves' numbers
    given, each blank written as its number, "(3)" (with `key`, its answer: `written`), every other
    computed number and the arrows' local gradients left out (they would give answers away; the key
    below the picture then says nothing of arrows). The output's gradient is the seed (1), given.
    `part`: draw only this part of the sheet's slide view (one of `slide_parts` of
    `slide_graph(sheet.variant.root, digits=digits)`, its title above the key) instead of the whole.
    `web=True` draws a PNG for a web page (a Moodle question) as the frames are drawn: 96 dpi and 256
    exact colours, a third of the bytes. Raises RenderError or GraphvizNotFound where dot fails or is
    missing."""
    root = sheet.variant.root
    graph = slide_graph(root, digits=digits) if part is None else part
    box_of = {box.node: box for box in graph.boxes}
    look = SlidePictureState(
        values_shown=set(), grads_shown=set(), arrows_shown=None if key else set(), arrow_key=key
    )
    for box in graph.boxes:
        if box.node.op is None:
            look.values_shown.add(box.id)
    if root in box_of:
        look.grads_shown.add(box_of[root].id)
    for blank in sheet.blanks:
        box = box_of.get(node_of(root, blank))
        if box is not None:  # None: in another part
            shown = look.value_text if blank.quantity == "value" else look.grad_text
            shown[box.id] = written(sheet, blank, key, digits)
    title = None if part is None else part.title
    digraph = slide_digraph(graph, look=look, legend=True, title=title)
    if fmt == "pdf":
        digraph.attr(margin="0")  # dot's PDF adds half an inch of white each side: the page has margins
    source = digraph.source
    return draw_frames([source], "png")[0] if web and fmt == "png" else run_dot(source, fmt)
