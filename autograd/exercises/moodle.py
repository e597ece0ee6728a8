"""A class's worksheets as Moodle XML: one Cloze question per variant, in one category.

Why Cloze ("embedded answers", `type="cloze"`), not numerical questions: a sheet's blanks belong to one
graph with one student's numbers, and a Moodle quiz's "random question from a category" draws questions
one at a time. With a numerical question per blank, a quiz's random slots would mix blanks of different
variants under one picture; with one Cloze question per variant, one random slot draws a whole variant,
its picture and every blank of it. Each blank is a NUMERICAL sub-question `{1:NUMERICAL:=right:room~…}`
(weight 1, the room `Tolerance.of(right)` as an absolute number, which is how Moodle reads it), so the
quiz still marks blank by blank. The other alternatives of a gradient blank are the numbers the mistakes
of the lab write there, each with feedback naming the mistake: Moodle matches a response to the first
alternative within its room (the right one comes first), so a student who made that mistake is told
which one.

Moodle draws the random question at random, not by student: the student id in a question's name only
names the variant (the same numbers as that student's paper sheet).

The file follows Moodle's importer, question/format/xml/format.php (`import_multianswer`,
`import_text_with_files`, `import_category`), and the Cloze parser `qtype_multianswer_extract_question`
(question/type/multianswer/questiontype.php):
- a `<question type="category">` whose `<category><text>` is `$course$/top/NAME` (a `/` in NAME is
  written `//`, as `assemble_category_path` does);
- per question: `<name><text>`, `<questiontext format="html">` with the picture as a child
  `<file name=… path="/" encoding="base64">` referenced as `@@PLUGINFILE@@/name` in the HTML,
  `<generalfeedback format="html">` (the key's answers), `<penalty>`, `<hidden>`; no `<defaultgrade>`,
  which Moodle's own export leaves out for Cloze (the mark is the sum of the sub-questions' weights);
- every user text (labels, ids, the title) HTML-escaped, and `{ } ~ @` written as character references
  in the question text: the Cloze parser looks for `{N:TYPE:` in the raw HTML, the display splits it at
  `{#N}`, and Moodle rewrites `@@PLUGINFILE@@`; numbers are plain decimals (no exponent), as the
  parser's NUMBER_REGEX reads them.
Moodle keeps names and categories as PARAM_TEXT (tags stripped); characters XML 1.0 cannot hold (control
characters) are written as U+FFFD.
"""

from __future__ import annotations

import base64
import html
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from decimal import Decimal

from ..graph import forward_order
from ..lab import MISTAKES
from ..text import number
from .blanks import Blank, Tolerance, shown
from .worksheet import Worksheet, Worksheets, picture

CATEGORY_ROOT = "$course$/top"  # the course's question bank, as Moodle (3.5 on) writes it
PENALTY = "0.3333333"  # Moodle's default penalty for each wrong try (interactive and adaptive modes)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ANSWER_DIGITS = 12  # significant digits of a right answer: no float noise (0.8400000000000001) on show
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # outside XML 1.0's Char
# written as character references in HTML: braces and ~ (the Cloze parser's and the display's syntax),
# @ (Moodle rewrites @@PLUGINFILE@@), CR (an XML reader turns a raw one into LF)
_REFERENCES = str.maketrans({"{": "&#123;", "}": "&#125;", "~": "&#126;", "@": "&#64;", "\r": "&#13;"})


def moodle_xml(
    worksheets: Worksheets, pictures: Mapping[str, bytes] | None = None, category: str | None = None
) -> str:
    """The class's worksheets as a Moodle XML file's text: one category, then one Cloze question per
    variant, with the variant's graph embedded as a PNG and every blank a numerical sub-question.

    `pictures`: student id -> PNG bytes of the sheet's picture (`picture(sheet, "png", web=True)`),
    embedded as given; None draws them (Graphviz's dot). `category`: the category's name, under the
    course's top category (default: the worksheets' title). Raises ValueError for no sheets, a student
    without a picture in `pictures` or one that is not a PNG, or an answer that is not a finite number;
    where pictures are drawn, RenderError or GraphvizNotFound as `picture` does."""
    if not worksheets.sheets:
        raise ValueError("no worksheets to export: the class has no students")
    name = (category if category is not None else worksheets.title).strip() or "chainrule worksheets"
    quiz = ET.Element("quiz")
    quiz.append(_category(name, worksheets))
    for k, sheet in enumerate(worksheets.sheets, 1):
        quiz.append(_question(sheet, worksheets, _png(sheet, pictures), f"graph-{k:03d}.png"))
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def _png(sheet: Worksheet, pictures: Mapping[str, bytes] | None) -> bytes:
    if pictures is None:
        return picture(sheet, "png", web=True)
    if sheet.student not in pictures:
        raise ValueError(f"no picture for student {sheet.student!r}: give one per student, or none")
    png = pictures[sheet.student]
    if bytes(png[:8]) != PNG_MAGIC:
        raise ValueError(f"the picture for student {sheet.student!r} is not a PNG")
    return bytes(png)


def _category(name: str, worksheets: Worksheets) -> ET.Element:
    question = ET.Element("question", type="category")
    _text(ET.SubElement(question, "category"), f"{CATEGORY_ROOT}/{_category_name(name)}")
    info = (
        f"Variants of “{worksheets.title}” drawn by chainrule (seed {worksheets.seed}), one Cloze question "
        "per student. A quiz's random question from this category gives each attempt one variant."
    )
    _text(ET.SubElement(question, "info", format="html"), f"<p>{_prose(info)}</p>")
    return question


def _category_name(name: str) -> str:
    """One category name in a Moodle category path: '/' doubled, padded where it starts or ends one."""
    escaped = name.replace("/", "//")
    return (" " if escaped.startswith("/") else "") + escaped + (" " if escaped.endswith("/") else "")


def _question(sheet: Worksheet, worksheets: Worksheets, png: bytes, file_name: str) -> ET.Element:
    question = ET.Element("question", type="cloze")
    _text(ET.SubElement(question, "name"), f"{sheet.student} · {worksheets.title}")
    text = ET.SubElement(question, "questiontext", format="html")
    _text(text, _question_html(sheet, worksheets, file_name))
    encoded = ET.SubElement(text, "file", name=file_name, path="/", encoding="base64")
    encoded.text = base64.b64encode(png).decode("ascii")
    _text(ET.SubElement(question, "generalfeedback", format="html"), _key_html(sheet))
    ET.SubElement(question, "penalty").text = PENALTY
    ET.SubElement(question, "hidden").text = "0"
    return question


def _question_html(sheet: Worksheet, worksheets: Worksheets, file_name: str) -> str:
    tolerance, out = worksheets.tolerance, sheet.output
    intro = (
        f"Work the forward pass, then the backward pass, on the graph of “{worksheets.title}” below, and "
        f"fill in each numbered blank: a box's value, or its gradient ∂{out}/∂x. Write 4 significant "
        f"figures; an answer within {_plain(tolerance.relative * 100)}% of the right one (or "
        f"{_plain(tolerance.absolute)} of it, near 0) is accepted."
    )
    alt = f"The graph of “{worksheets.title}”: its given numbers and the blanks (1) to ({len(sheet.blanks)})"
    source = f"@@PLUGINFILE@@/{file_name}"
    return "\n".join(
        [
            f"<p>{_prose(intro)}</p>",
            f'<p><a href="{source}" target="_blank"><img src="{source}" alt="{_prose(alt)}" '
            'class="img-fluid" style="max-width: 100%; height: auto;"></a>'
            "<br>(Open the graph full size: click it.)</p>",
            f"<p>{_prose(_given(sheet))}</p>",
            "<table>",
            *_rows(sheet, "value", "Forward pass: values", tolerance),
            *_rows(sheet, "gradient", "Backward pass: gradients", tolerance),
            "</table>",
        ]
    )


def _rows(sheet: Worksheet, quantity: str, heading: str, tolerance: Tolerance) -> list[str]:
    """The table's rows for the blanks that ask `quantity`, under a heading row (none without blanks)."""
    asked = [b for b in sheet.blanks if b.quantity == quantity]
    rows = [
        f"<tr><td>({b.number})</td><td>{_prose(b.question(sheet.output).removesuffix(' ?'))}</td>"
        f"<td>{_sub_question(sheet, b, tolerance)}</td></tr>"
        for b in asked
    ]
    return [f'<tr><th colspan="3" style="text-align: left;">{heading}</th></tr>', *rows] if rows else []


def _given(sheet: Worksheet) -> str:
    """The numbers the picture gives, as text: every labelled leaf, and the backward pass's seed."""
    root = sheet.variant.root
    leaves = [f"{n.label} = {number(n.data)}" for n in forward_order(root) if n.op is None and n.label]
    seed = f"∂{sheet.output}/∂{sheet.output} = {number(sheet.variant.upstream)}"
    return f"Given: {', '.join(leaves)}; the backward pass starts from {seed}."


def _sub_question(sheet: Worksheet, blank: Blank, tolerance: Tolerance) -> str:
    """The blank as `{1:NUMERICAL:=right:room~wrong:room#feedback…}`: the right answer first, then each
    distinct number a mistake of the lab writes there, with feedback naming the mistake."""
    right = _finite(sheet, blank, sheet.answers[blank.number])
    alternatives = [f"={_decimal(right)}:{_decimal(tolerance.of(right))}"]
    for wrong, keys in _mistakes_at(sheet, blank.number, tolerance).items():
        said = " Or: ".join(_in_words(k) for k in keys)
        feedback = f"Not right. This is the number a known mistake gives here. {said}"
        alternatives.append(f"{_decimal(wrong)}:{_decimal(tolerance.of(wrong))}#{_cloze_feedback(feedback)}")
    return "{1:NUMERICAL:" + "~".join(alternatives) + "}"


def _in_words(key: str) -> str:
    """A mistake for a student: its title and what it does (a key not in the lab's table as itself)."""
    mistake = MISTAKES.get(key)
    return f"{mistake.title}: the pass {mistake.does}." if mistake else f"{key}."


def _mistakes_at(sheet: Worksheet, number: int, tolerance: Tolerance) -> dict[float, list[str]]:
    """Each number a mistake writes at blank `number` outside the right answer's room, with the keys of
    the mistakes that write it (numbers within one room of each other count as one)."""
    right = sheet.answers[number]
    found: dict[float, list[str]] = {}
    for key, numbers in sheet.mistakes.items():
        wrong = numbers.get(number)
        if wrong is None or not math.isfinite(wrong) or tolerance.accepts(wrong, right):
            continue
        same = next((w for w in found if tolerance.accepts(wrong, w)), None)
        found.setdefault(wrong if same is None else same, []).append(key)
    return found


def _key_html(sheet: Worksheet) -> str:
    """The general feedback, shown once an attempt is over: every blank's right answer."""
    lines = [
        f"({b.number}) {b.question(sheet.output).removesuffix(' ?')} {shown(sheet.answers[b.number])}"
        for b in sheet.blanks
    ]
    return "<p>The answers:</p>\n<p>" + "<br>\n".join(_prose(line) for line in lines) + "</p>"


def _finite(sheet: Worksheet, blank: Blank, x: float) -> float:
    if not math.isfinite(x):
        raise ValueError(f"student {sheet.student!r}, blank {blank.number} ({blank.name}): the answer is {x}")
    return x


def _decimal(x: float) -> str:
    """`x` to ANSWER_DIGITS significant digits as a plain decimal (no exponent), as Moodle's numbers read."""
    return format(Decimal(f"{x:.{ANSWER_DIGITS}g}"), "f")


def _plain(x: float) -> str:
    """A setting as a short plain decimal (1, 0.00005)."""
    return format(Decimal(f"{x:.6g}").normalize(), "f")


def _prose(text: str) -> str:
    """User text as HTML that the Cloze parser, the question's display and Moodle's file links leave alone."""
    return _NOT_XML.sub("\ufffd", html.escape(text)).translate(_REFERENCES)


def _cloze_feedback(text: str) -> str:
    """Text as a sub-question's feedback: Moodle decodes character references there once (then stores
    HTML), and `~` or `}` would end the alternative, so the HTML is escaped a second time."""
    once = html.escape(_NOT_XML.sub("\ufffd", text), quote=False)
    return once.replace("&", "&amp;").translate(_REFERENCES)


def _text(parent: ET.Element, content: str) -> None:
    """A `<text>` child of `parent` holding `content`, with characters XML cannot hold replaced."""
    ET.SubElement(parent, "text").text = _NOT_XML.sub("\ufffd", content)
