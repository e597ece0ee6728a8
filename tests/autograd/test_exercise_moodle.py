"""Moodle XML: one Cloze question per variant in one category, read back as Moodle reads it.

The reader below follows Moodle's source (moodle/moodle, main branch as stored by the code index):
- question/format/xml/format.php: `readquestions` (a `<quiz>` of `<question type=…>`), `import_category`
  (`<category><text>`, `<info format=…><text>`), `import_multianswer` (type "cloze": `<name><text>`,
  `<questiontext format=…>` through `import_text_with_files`, whose `<file name= path= encoding="base64">`
  children become the text's files, `<generalfeedback>`, `<penalty>`; it reads no `<defaultgrade>`, and
  `writequestion` leaves it out for Cloze), `trans_format` (the format names);
- question/type/multianswer/questiontype.php: `qtype_multianswer_extract_question` (ANSWER_REGEX and its
  alternatives, NUMBER_REGEX, the feedback decoded with html_entity_decode, each sub-question replaced by
  `{#N}`), `qtype_multianswer_validate_question` (every numerical answer a number, one answer with
  fraction 1), `initialise_question_instance` (the stored text split at `{#N}` for display);
- question/type/numerical/question.php: `get_matching_answer` (the first answer within its tolerance);
- question/format.php: `split_category_path` (a category path split at single slashes, `//` is a slash).
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, forward_order
from autograd.exercises import drawn_leaves, ranges_for, shown
from autograd.exercises.blanks import Tolerance
from autograd.exercises.moodle import moodle_xml
from autograd.exercises.worksheet import make_worksheets, picture
from autograd.lab import MISTAKES
from demos.examples import catalog
from demos.examples.user import from_expression

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # outside XML 1.0's Char

# Moodle's Cloze grammar (qtype_multianswer), PCRE written as Python's re: PCRE's lookbehind
# (?<!\\|&|&amp;) has branches of different lengths, which Python spells as three lookbehinds.
_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALTERNATIVE = f"({_FRACTION})?({_ANSWER})(#({_FEEDBACK}))?"
_TYPES = (
    "(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|"
    "(SHORTANSWER|SA|MW)|(SHORTANSWER_C|SAC|MWC)|"
    "(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|(MULTICHOICE_HS|MCHS)|"
    "(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|(MULTIRESPONSE_HS|MRHS)"
)
ANSWER_REGEX = re.compile(
    r"\{([0-9]*):(" + _TYPES + "):(" + _ALTERNATIVE + "(~" + _ALTERNATIVE + r")*)\}", re.S
)
ALTERNATIVE_REGEX = re.compile("~?" + _ALTERNATIVE, re.S)
_NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
NUMERICAL_REGEX = re.compile(f"^({_NUMBER})(:{_NUMBER})?$", re.S)
PLACE = re.compile(r"\{#(\d+)\}")
MOODLE_FORMATS = {"moodle_auto_format", "html", "plain_text", "wiki_like", "markdown"}  # trans_format


@dataclass
class Alternative:
    fraction: float
    answer: str
    tolerance: float
    feedback: str


@dataclass
class SubQuestion:
    weight: str
    numerical: bool
    alternatives: list[Alternative]

    def matching(self, response: float) -> Alternative | None:
        """qtype_numerical's get_matching_answer: the first alternative within its tolerance."""
        return next((a for a in self.alternatives if abs(response - float(a.answer)) <= a.tolerance), None)


def extract(text: str) -> tuple[str, list[SubQuestion]]:
    """qtype_multianswer_extract_question: the stored text (each sub-question replaced by {#N}) and the
    sub-questions, in order."""
    subs: list[SubQuestion] = []
    while (found := ANSWER_REGEX.search(text)) is not None:
        numerical, alternatives, remaining = bool(found[3]), [], found[16]
        while (alt := ALTERNATIVE_REGEX.search(remaining)) is not None:
            fraction = 1.0 if alt[1] == "=" else float(alt[2].replace(",", ".")) / 100 if alt[2] else 0.0
            feedback = html.unescape(alt[5] or "").replace("\\}", "}").replace("\\#", "#")
            number = NUMERICAL_REGEX.search(alt[3]) if numerical else None
            answer = number[1] if number else html.unescape(alt[3])
            tolerance = float(number[6]) if number and number[6] is not None else 0.0
            alternatives.append(Alternative(fraction, answer, tolerance, feedback))
            remaining = remaining.split(alt[0], 1)[1]
        subs.append(SubQuestion(found[1] or "1", numerical, alternatives))
        text = text.replace(found[0], f"{{#{len(subs)}}}", 1)
    return text, subs


def validate(subs: list[SubQuestion]) -> None:
    """qtype_multianswer_validate_question, for numerical sub-questions."""
    assert subs, "a Cloze question needs sub-questions"
    for sub in subs:
        assert sub.numerical
        assert all(NUMERICAL_REGEX.search(a.answer) for a in sub.alternatives)
        assert any(a.fraction == 1 for a in sub.alternatives)


def split_category_path(path: str) -> list[str]:
    return [name.replace("//", "/").strip() for name in re.split(r"(?<!/)/(?!/)", path)]


class Tags(HTMLParser):
    """The start tags and the img sources of an HTML text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sources: list[str] = []
        self.links: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.sources.append(dict(attrs)["src"])
        if tag == "a":
            self.links.append(dict(attrs)["href"])


def _png(k: int) -> bytes:
    from PIL import Image  # Pillow is a dependency of chainrule (the GIFs)

    out = io.BytesIO()
    Image.new("RGB", (k + 1, 2), (k % 256, 40, 90)).save(out, "PNG")
    return out.getvalue()


def _worksheets(name: str, count: int, seed: int = 7, tolerance: Tolerance | None = None):
    if name == "expression":
        example = from_expression("net = w*x + b; f = sigmoid(net)", {"w": 0.5, "x": 1.5, "b": -0.2})
    else:
        example = catalog.get(name)
    graph = example.build()
    root = graph.outputs[0]
    students = [(f"s{k:02d}", f"Student {k}") for k in range(1, count + 1)]
    ranges = ranges_for(drawn_leaves(root))
    return make_worksheets(
        example.title, root, students, seed, ranges, upstream=graph.upstream, tolerance=tolerance
    )


def _questions(text: str) -> tuple[ET.Element, list[ET.Element]]:
    quiz = ET.fromstring(text)
    assert quiz.tag == "quiz"
    category, *questions = quiz.findall("question")
    assert category.get("type") == "category"
    assert all(q.get("type") == "cloze" for q in questions)
    return category, questions


@pytest.mark.parametrize("name", ["chen-2-2-2", "bishop-2-2-2", "softmax-ce", "softmax-output", "expression"])
def test_every_variant_is_one_cloze_question_holding_every_blank_of_its_key(name):
    worksheets = _worksheets(name, 30)
    pictures = {s.student: _png(k) for k, s in enumerate(worksheets.sheets)}
    category, questions = _questions(moodle_xml(worksheets, pictures))

    assert category.findtext("category/text") == f"$course$/top/{worksheets.title}"
    assert len(questions) == 30
    for sheet, question in zip(worksheets.sheets, questions, strict=True):
        assert question.findtext("name/text") == f"{sheet.student} · {worksheets.title}"
        stored, subs = extract(question.findtext("questiontext/text"))
        validate(subs)
        assert len(subs) == len(sheet.blanks)
        for blank, sub in zip(sheet.blanks, subs, strict=True):
            right = sub.alternatives[0]
            key = sheet.answers[blank.number]
            assert (sub.weight, right.fraction) == ("1", 1.0)
            assert math.isclose(float(right.answer), key, rel_tol=1e-11, abs_tol=1e-15)
            assert math.isclose(right.tolerance, worksheets.tolerance.of(key), rel_tol=1e-11)
            assert all(a.fraction == 0 for a in sub.alternatives[1:])
        # the question states this variant's numbers: each drawn leaf with its value
        text = html.unescape(stored)
        for label, x in sheet.variant.drawn.items():
            assert f"{label} = {format(x, 'g').replace('-', '−')}" in text


def test_a_student_who_writes_the_key_to_four_figures_gets_every_mark_and_a_mistake_is_named():
    worksheets = _worksheets("chen-2-2-2", 4)
    _, questions = _questions(moodle_xml(worksheets, {s.student: _png(1) for s in worksheets.sheets}))
    named = 0
    for sheet, question in zip(worksheets.sheets, questions, strict=True):
        _, subs = extract(question.findtext("questiontext/text"))
        for blank, sub in zip(sheet.blanks, subs, strict=True):
            right = sheet.answers[blank.number]
            assert sub.matching(float(shown(right))).fraction == 1.0
            for key, numbers in sheet.mistakes.items():
                wrong = numbers.get(blank.number)
                if wrong is None or worksheets.tolerance.accepts(wrong, right):
                    continue  # the mistake is harmless at this blank
                matched = sub.matching(float(shown(wrong)))
                assert matched.fraction == 0.0
                assert f"{MISTAKES[key].title}: the pass {MISTAKES[key].does}" in matched.feedback
                named += 1
    assert named > 50  # chen has a node used twice, sigmoids, a squared error: most mistakes show


def test_each_variant_embeds_its_own_picture_as_a_file_its_text_refers_to():
    worksheets = _worksheets("softmax-ce", 5)
    pictures = {s.student: _png(10 + k) for k, s in enumerate(worksheets.sheets)}
    _, questions = _questions(moodle_xml(worksheets, pictures))
    names = set()
    for sheet, question in zip(worksheets.sheets, questions, strict=True):
        (file,) = question.findall("questiontext/file")
        assert file.get("encoding") == "base64" and file.get("path") == "/"
        data = base64.b64decode(file.text, validate=True)
        assert data == pictures[sheet.student] and data.startswith(PNG_MAGIC)
        tags = Tags(question.findtext("questiontext/text"))
        assert tags.sources == tags.links == [f"@@PLUGINFILE@@/{file.get('name')}"]
        assert re.fullmatch(r"[A-Za-z0-9._-]+\.png", file.get("name"))  # a name Moodle keeps as it is
        names.add(file.get("name"))
    assert len(names) == 5


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_without_pictures_each_variant_s_graph_is_drawn_with_its_blanks():
    from PIL import Image

    worksheets = _worksheets("softmax-ce", 2)
    _, questions = _questions(moodle_xml(worksheets))
    for sheet, question in zip(worksheets.sheets, questions, strict=True):
        data = base64.b64decode(question.findtext("questiontext/file"))
        assert data == picture(sheet, "png", web=True)  # dot draws the same graph to the same bytes
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            assert min(image.size) > 100


def _hostile_root() -> Value:
    x = Value(1.5, label="<x>&amp;{1:NUMERICAL:=3}")
    w = Value(0.5, label="w]]>#~=:")
    b = Value(-0.2, label="b{#1}@@PLUGINFILE@@/a.png")
    net = (w * x + b).named("net</td></tr><script>alert(1)</script>")
    return net.sigmoid().named("f \"q\" 'q' } ~ \x07")


def _labels(root: Value) -> list[Value]:
    return [n for n in forward_order(root) if n.label]


def test_hostile_labels_ids_and_titles_come_back_as_text_and_never_as_syntax():
    root = _hostile_root()
    students = [("s<1>&]]>", "Ada"), ("{2:NM:=1}", "Bo"), ("@@PLUGINFILE@@/x", ""), ("bell\x07", "")]
    title = "A </text> & {1:SA:=x} ]]> title"
    worksheets = make_worksheets(title, root, students, 3, ranges_for(drawn_leaves(root)))
    hostile_mistake = "<b>{1:NM:=2}</b> ~ & #"  # a mistake's name goes into a sub-question's feedback
    worksheets.sheets[0].mistakes[hostile_mistake] = {len(worksheets.sheets[0].blanks): 12.5}
    category_name = "/Week 3 / {x} <b>/"
    text = moodle_xml(worksheets, {s: _png(3) for s, _ in students}, category=category_name)
    category, questions = _questions(text)

    assert split_category_path(category.findtext("category/text")) == ["$course$", "top", category_name]
    labels = [n.label for n in _labels(root)]
    for (student, _), sheet, question in zip(students, worksheets.sheets, questions, strict=True):
        assert question.findtext("name/text") == NOT_XML.sub("\ufffd", f"{student} · {title}")
        raw = question.findtext("questiontext/text")
        stored, subs = extract(raw)
        validate(subs)
        assert len(subs) == len(sheet.blanks)
        assert "{" not in PLACE.sub("", stored) and raw.count("@@PLUGINFILE@@") == 2  # the link and the img
        assert [m[1] for m in PLACE.finditer(stored)] == [str(k) for k in range(1, len(subs) + 1)]
        assert set(Tags(stored).tags) == {"p", "a", "img", "br", "table", "tr", "th", "td"}
        shown_text = html.unescape(stored)
        for label in labels:
            assert NOT_XML.sub("\ufffd", label) in shown_text
        assert set(Tags(question.findtext("generalfeedback/text")).tags) <= {"p", "br"}
    feedback = extract(questions[0].findtext("questiontext/text"))[1][-1].alternatives[-1].feedback
    assert Tags(feedback).tags == [] and f"{hostile_mistake}." in html.unescape(feedback)


@settings(max_examples=40, deadline=None)
@given(
    labels=st.lists(
        st.text(min_size=1, max_size=12).filter(lambda s: s not in ("x", "y")),
        min_size=2,
        max_size=2,
        unique=True,
    )
)
def test_any_label_is_prose_in_the_question_text(labels):
    leaf, node = labels
    root = (Value(0.5, label=leaf) * Value(1.5, label="x") + 0.25).named(node).tanh().named("y")
    worksheets = make_worksheets("t", root, [("s", "")], 1, ranges_for(drawn_leaves(root)))
    (question,) = _questions(moodle_xml(worksheets, {"s": _png(0)}))[1]
    stored, subs = extract(question.findtext("questiontext/text"))
    validate(subs)
    assert len(subs) == len(worksheets.sheets[0].blanks)
    assert set(Tags(stored).tags) == {"p", "a", "img", "br", "table", "tr", "th", "td"}
    for label in (leaf, node):
        assert NOT_XML.sub("\ufffd", label) in html.unescape(stored)


def test_the_file_has_what_moodles_importer_reads_for_a_category_and_a_cloze_question():
    """Checked against question/format/xml/format.php (see the module docstring): `readquestions` takes
    `quiz/question`; `import_category` reads `category/text` and, when `info` is there, its `format`
    attribute (through `trans_format`) and `info/text`; `import_multianswer` (type "cloze") reads
    `name/text` (`clean_question_name`, at most 255 characters kept), `questiontext` with its `format`
    attribute and `text`, and its `file` children (`name`, `path`, default "/", base64 content),
    `generalfeedback` the same way, and `penalty` (a fraction; 0.3333333 is its default); `writequestion`
    writes `hidden` (0 or 1) for every question and `defaultgrade` for every type but Cloze, whose mark is
    the sum of its sub-questions' weights; `import_text_with_files` trims the texts."""
    worksheets = _worksheets("bishop-2-2-2", 3)
    text = moodle_xml(worksheets, {s.student: _png(2) for s in worksheets.sheets}, category="Backprop")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    category, questions = _questions(text)
    assert category.findtext("category/text") == "$course$/top/Backprop"
    assert category.find("info").get("format") in MOODLE_FORMATS and category.findtext("info/text").strip()
    for question in questions:
        assert {child.tag for child in question} == {
            "name",
            "questiontext",
            "generalfeedback",
            "penalty",
            "hidden",
        }
        assert 0 < len(question.findtext("name/text")) <= 255
        for field in ("questiontext", "generalfeedback"):
            assert question.find(field).get("format") == "html"
            assert question.findtext(f"{field}/text").strip()
        for file in question.findall("questiontext/file"):
            assert file.get("name") and file.get("encoding") == "base64"
        assert 0 <= float(question.findtext("penalty")) <= 1
        assert question.findtext("hidden") in {"0", "1"}


def test_the_tolerance_is_the_worksheets_own():
    tolerance = Tolerance(relative=0.02, absolute=0.001)
    worksheets = _worksheets("expression", 2, tolerance=tolerance)
    _, questions = _questions(moodle_xml(worksheets, {s.student: _png(0) for s in worksheets.sheets}))
    for sheet, question in zip(worksheets.sheets, questions, strict=True):
        stored, subs = extract(question.findtext("questiontext/text"))
        assert "within 2% of the right one (or 0.001 of it" in html.unescape(stored)
        for blank, sub in zip(sheet.blanks, subs, strict=True):
            right = sheet.answers[blank.number]
            assert math.isclose(sub.alternatives[0].tolerance, max(0.02 * abs(right), 0.001), rel_tol=1e-11)


def test_bad_input_is_refused_naming_the_student_or_blank():
    worksheets = _worksheets("expression", 2)
    first, second = (s.student for s in worksheets.sheets)
    with pytest.raises(ValueError, match=f"no picture for student '{second}'"):
        moodle_xml(worksheets, {first: _png(0)})
    with pytest.raises(ValueError, match=f"the picture for student '{first}' is not a PNG"):
        moodle_xml(worksheets, {first: b"GIF89a...", second: _png(0)})
    worksheets.sheets[1].answers[1] = math.nan
    with pytest.raises(ValueError, match=f"student '{second}', blank 1 \\(net\\): the answer is nan"):
        moodle_xml(worksheets, {first: _png(0), second: _png(0)})
    worksheets.sheets.clear()
    with pytest.raises(ValueError, match="no worksheets"):
        moodle_xml(worksheets, {})
