"""Worksheets as PDFs (autograd.exercises.sheets): compiled by pdflatex and read back with pdftotext."""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import exercises as ex
from autograd.deck import pdflatex
from autograd.exercises import sheets
from autograd.exercises.sheet_pictures import MIN_PT
from autograd.exercises.sheets import SheetError, sheet_tex, write_sheet
from autograd.exercises.worksheet import Worksheets, make_worksheets, picture
from autograd.files import MissingFolder
from autograd.text import number
from autograd.value import Value
from demos.examples import catalog
from demos.examples.user import from_expression

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdflatex", "pdftotext", "dot")),
    reason="pdflatex, pdftotext or Graphviz's dot is missing (scripts/setup tex installs LaTeX and poppler)",
)

EXAMPLES = ["chen-2-2-2", "bishop-2-2-2", "softmax-ce"]
HOSTILE_TITLE = "A teacher's \\ex{am}: 100% #1 & $5_^~"
LONG_NAME = "Maximilian-Alexander Wolfgang Theodor Friedrich von Hohenzollern-Sigmaringen der Dritte"  # 84
CYRILLIC = "Юлия Александровна Петрова-Водкина Константинопольская"
# Latin-script names of many languages (as one, to compile once), and Greek: read back exactly
LATIN_NAMES = [
    "Nguyễn Thị Ánh Ayşe Yılmaz Łukasz Wąsowski Đorđe Petrović Gőz Dvořák Øster Straße Ærø Œuvre "
    "Şerban Țurcanu",
    "Όμηρος Οδυσσέας",
]  # fmt: skip


def _hostile_root() -> Value:
    """A teacher's graph whose labels hold every TeX special and text pdflatex's fonts lack."""
    w = Value(0.5, label="w\\{}%#")
    x = Value(1.5, label="x$_^~&")
    b = Value(-0.2, label="β_שלום")
    net = w * x + b
    net.label = "net {%}"
    y = net.sigmoid()
    y.label = "日本 y"
    t = Value(0.3, label="t\\end{document}")
    f = (y - t) * (y - t)
    f.label = "E#1"
    return f


def _worksheets(example: str, students, seed: int = 3, upstream: float = 1.0) -> Worksheets:
    if example == "hostile":
        title, root = HOSTILE_TITLE, _hostile_root()
    elif example == "expression":
        made = from_expression("net = w*x + b; f = sigmoid(net)", {"w": 0.5, "x": 1.5, "b": -0.2})
        title, root = made.title, made.build().outputs[0]
    else:
        made = catalog.get(example)
        title, root = made.title, made.build().outputs[0]
    ranges = ex.ranges_for(ex.drawn_leaves(root))
    return make_worksheets(title, root, students, seed, ranges, upstream=upstream)


def _text(pdf: Path) -> str:
    """The PDF's text as pdftotext reads it, the minus sign written as `-`."""
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8").replace("\u2212", "-")


def _pages(pdf: Path) -> list[list[tuple[float, str]]]:
    """Each page's words as pdftotext -bbox reads them: (height in pt, word). A word of the pictures is
    as tall as its font is large (Graphviz's Nimbus Sans); LaTeX's a little less (0.88 of it)."""
    done = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, timeout=60)
    pages = done.stdout.decode("utf-8").split("<page ")[1:]
    word = re.compile(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')
    return [[(float(y1) - float(y0), html.unescape(w)) for y0, y1, w in word.findall(page)] for page in pages]


def _count(token: str, text: str) -> int:
    """How often `token` (a number) stands in `text` as a whole number, not as part of a longer one."""
    return len(re.findall(rf"(?<![\d.]){re.escape(token)}(?![\d])", text))


student_ids = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


@pytest.mark.parametrize("example", [*EXAMPLES, "expression", "hostile"])
@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(student=student_ids, name=st.sampled_from(["", "Ada Lovelace", "Zoë \\O'Brien {x} & % #", "Юлия"]))
def test_a_sheet_shows_the_students_own_numbers_and_the_key_their_answers(tmp_path, example, student, name):
    worksheets = _worksheets(example, [(student, name)])
    sheet = worksheets.sheets[0]
    own = write_sheet(worksheets, sheet, tmp_path / "sheet.pdf")
    key = write_sheet(worksheets, sheet, tmp_path / "key.pdf", key=True)
    text, answers = _text(own), _text(key)
    for label, drawn in sheet.variant.drawn.items():
        written = number(drawn).replace("\u2212", "-")
        assert _count(written, text) >= 1, f"{label} = {written}: in the picture (and in the given table)"
    for blank in sheet.blanks:
        right = ex.shown(sheet.answers[blank.number])
        assert _count(right, answers) >= 1, f"blank {blank.number} ({blank.name}) = {right} is in the key"
    assert "ANSWER KEY" in answers and "ANSWER KEY" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.pdf", "sheet.pdf"]  # nothing else left


def test_the_students_sheet_gives_no_answer_away(tmp_path):
    worksheets = _worksheets("chen-2-2-2", [("s1", "Ada")])
    sheet = worksheets.sheets[0]
    text = _text(write_sheet(worksheets, sheet, tmp_path / "sheet.pdf"))
    shown = {b.number: ex.shown(sheet.answers[b.number]) for b in sheet.blanks}
    assert [n for n, right in shown.items() if _count(right, text)] == []
    assert all(f"({b.number})" in text for b in sheet.blanks)  # each blank numbered, in the picture and table


def test_each_student_gets_their_own_numbers(tmp_path):
    worksheets = _worksheets("chen-2-2-2", [("s1", "Ada"), ("s2", "Alan")])
    one, two = worksheets.sheets
    texts = [_text(write_sheet(worksheets, s, tmp_path / f"{s.student}.pdf", key=True)) for s in (one, two)]
    apart = [b for b in one.blanks if ex.shown(one.answers[b.number]) != ex.shown(two.answers[b.number])]
    assert apart, "the two variants differ somewhere"
    for b in apart:
        assert _count(ex.shown(two.answers[b.number]), texts[1]) >= 1
        assert _count(ex.shown(one.answers[b.number]), texts[0]) >= 1


def test_a_given_upstream_is_stated_and_answered(tmp_path):
    worksheets = _worksheets("expression", [("s1", "Ada")], upstream=2.0)
    sheet = worksheets.sheets[0]
    text = _text(write_sheet(worksheets, sheet, tmp_path / "sheet.pdf"))
    assert "The output’s gradient is given: 2" in text
    key = _text(write_sheet(worksheets, sheet, tmp_path / "key.pdf", key=True))
    d = sheet.variant.drawn
    out = 1 / (1 + math.exp(-(d["w"] * d["x"] + d["b"])))
    assert _count(ex.shown(2.0 * out * (1 - out) * d["x"]), key) >= 1  # ∂f/∂w = 2 · σ′(net) · x, by hand


@pytest.mark.parametrize(
    "example, student, name",
    [
        ("softmax-output", "s1", "Ada"),
        ("hostile", "s1", "Ada"),
        ("chen-2-2-2", "a-student-id-of-forty-characters-0123456", CYRILLIC),
        ("chen-2-2-2", "s2", LONG_NAME.replace(" ", "")),  # one word of 80 letters
        ("chen-2-2-2", "s3", "王小明 " * 12 + "محمد بن عبد الله"),
    ],
)
def test_long_derivations_labels_and_names_stay_on_the_page(tmp_path, example, student, name):
    """pdflatex's log names every line wider than the page (an overfull box): there is none, and a long
    name (a run of code points, a word of 80 letters) wraps in the heading and on the answer pages."""
    worksheets = _worksheets(example, [(student, name)])
    sheet = worksheets.sheets[0]
    (tmp_path / "graph.pdf").write_bytes(picture(sheet, "pdf", key=True))
    (tmp_path / "sheet.tex").write_text(sheet_tex(worksheets, sheet, "graph.pdf", key=True), encoding="utf-8")
    subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"],
        cwd=tmp_path, capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    log = (tmp_path / "sheet.log").read_text(encoding="utf-8", errors="replace")
    wide = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert [w for w in wide if w > 1.0] == []
    assert "Missing character" not in log


def test_no_label_reaches_latex_raw():
    worksheets = _worksheets("hostile", [("s\\end{document}", "\\end{document}")])
    tex = sheet_tex(worksheets, worksheets.sheets[0], "graph.pdf", key=True)
    assert tex.count("\\end{document}") == 1 and tex.rstrip().endswith("\\end{document}")
    assert "$_^~&" not in tex and "%#" not in tex.replace("\\%\\#", "")


def test_a_picture_name_that_tex_would_read_as_markup_is_refused():
    worksheets = _worksheets("softmax-ce", [("s1", "")])
    with pytest.raises(ValueError, match="picture's file name"):
        sheet_tex(worksheets, worksheets.sheets[0], "my graph%.pdf")


def test_a_missing_folder_is_named_before_anything_is_drawn(tmp_path, monkeypatch):
    worksheets = _worksheets("softmax-ce", [("s1", "")])
    monkeypatch.setattr(sheets, "picture", lambda *a, **k: pytest.fail("drew a picture for nowhere"))
    target = tmp_path / "no such folder" / "s1.pdf"
    with pytest.raises(MissingFolder, match=r"student 's1'.*the folder .*no such folder.* does not exist"):
        write_sheet(worksheets, worksheets.sheets[0], target)
    assert not target.parent.exists()


def test_latex_failing_leaves_the_old_file_and_nothing_else(tmp_path, monkeypatch):
    worksheets = _worksheets("softmax-ce", [("s1", "")])
    target = tmp_path / "s1.pdf"
    target.write_bytes(b"the sheet printed yesterday")
    monkeypatch.setattr(
        sheets, "sheet_tex", lambda *a, **k: "\\documentclass{article}\\begin{document}\\oops"
    )
    with pytest.raises(SheetError, match=r"student 's1'.*LaTeX error: ! Undefined control sequence"):
        write_sheet(worksheets, worksheets.sheets[0], target)
    assert target.read_bytes() == b"the sheet printed yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["s1.pdf"]


def test_without_pdflatex_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    worksheets = _worksheets("softmax-ce", [("s1", "")])
    which = shutil.which
    monkeypatch.setattr(pdflatex.shutil, "which", lambda name: None if name == "pdflatex" else which(name))
    with pytest.raises(SheetError, match=r"pdflatex is missing.*apt-get install texlive"):
        write_sheet(worksheets, worksheets.sheets[0], tmp_path / "s1.pdf")
    assert list(tmp_path.iterdir()) == []


def _picture_pages(pages: list[list[tuple[float, str]]]) -> list[int]:
    """The pages (from 0) a split graph's parts are printed on: each part's title says "part k of n"."""
    return [
        k for k, words in enumerate(pages) if re.search(r"\bpart \d+ of \d+\b", " ".join(w for _, w in words))
    ]


def test_a_big_graph_is_printed_in_parts_its_text_at_least_min_pt(tmp_path):
    """softmax-output's picture printed whole on A4 had its key at 3.4 pt: now each part of it has a
    landscape page, on the sheet and on the key alike, and every word of every part prints at MIN_PT
    (7 pt) or more; each blank's number is in a part."""
    worksheets = _worksheets("softmax-output", [("s1", "Ada")])
    sheet = worksheets.sheets[0]
    assert len(sheet.blanks) == 66
    found = []
    for key in (False, True):
        pages = _pages(write_sheet(worksheets, sheet, tmp_path / f"{key}.pdf", key=key))
        parts = _picture_pages(pages)
        assert len(parts) >= 2 and parts == list(range(1, 1 + len(parts)))  # after page 1, in a row
        words = [word for k in parts for word in pages[k]]
        assert min(height for height, _ in words) >= MIN_PT - 0.01, min(words)
        numbers = {w for _, w in words}
        assert [b.number for b in sheet.blanks if f"({b.number})" not in numbers] == []
        found.append(parts)
    assert found[0] == found[1]  # the key's pages lie over the sheet's


@pytest.mark.parametrize("example", ["chen-2-2-2", "bishop-2-2-2"])
def test_a_graph_that_fits_is_on_page_one_its_text_at_least_min_pt(tmp_path, example):
    """chen's and bishop's pictures printed at 6 pt under the instructions: now at MIN_PT or more, on
    page 1 still (the given numbers' table left out: the leaves' boxes show them)."""
    worksheets = _worksheets(example, [("s1", "Ada")])
    sheet = worksheets.sheets[0]
    for key in (False, True) if example == "chen-2-2-2" else (False,):  # the key's page 1 has more room
        pages = _pages(write_sheet(worksheets, sheet, tmp_path / f"{key}.pdf", key=key))
        first = {w for _, w in pages[0]}
        assert all(f"({b.number})" in first for b in sheet.blanks), "the picture is on page 1"
        assert min(pages[0])[0] >= MIN_PT - 0.01, min(pages[0])  # the picture's words and LaTeX's alike
        assert "Your answers (4 significant figures)" in " ".join(w for _, w in pages[1]) or key


@pytest.mark.parametrize("name", LATIN_NAMES)
def test_a_latin_or_greek_name_is_printed_and_read_back_exactly(tmp_path, name):
    """ị, ş, ą, Đ, ő, ø, ß lost their letters (or came out as ⟨U+015F⟩): they are typeset with their
    accents, and the PDF's text is the name as written, on page 1 and on the answer page."""
    worksheets = _worksheets("expression", [("s1", name)])
    text = _text(write_sheet(worksheets, worksheets.sheets[0], tmp_path / "sheet.pdf"))
    assert text.count(name) >= 2, text[:300]
    assert "U+" not in text


@pytest.mark.parametrize("name, shown", [(CYRILLIC, "U+042E"), ("王小明", "U+738B"), ("محمد", "U+0645")])
def test_a_name_in_a_script_the_fonts_lack_is_printed_as_code_points(tmp_path, name, shown):
    worksheets = _worksheets("expression", [("s1", name)])
    text = _text(write_sheet(worksheets, worksheets.sheets[0], tmp_path / "sheet.pdf"))
    assert text.count(f"⟨{shown}") >= 2  # page 1 and the answer page (the header is cut short)


def test_every_answer_page_names_the_student_and_the_header_stays_readable(tmp_path):
    """The answer pages (the ones a teacher collects) showed an 84-character name only in the running
    header, shrunk to 3.4 pt: each begins with the name and id now, wrapped, and the header is cut
    short with … instead of shrunk."""
    root = catalog.get("chen-2-2-2").build().outputs[0]
    student = ("a-student-id-of-forty-characters-0123456", LONG_NAME)
    worksheets = make_worksheets("chen", root, [student], 3, ex.ranges_for(ex.drawn_leaves(root)), ask=["*"])
    sheet = worksheets.sheets[0]
    pages = _pages(write_sheet(worksheets, sheet, tmp_path / "sheet.pdf"))
    answers = [k for k, words in enumerate(pages) if "answers" in [w for _, w in words]]
    assert len(answers) == 2  # 32 blanks, fewer rows a page under a name of two lines
    for k in answers:
        text = " ".join(w for _, w in pages[k])
        assert f"Name: {LONG_NAME} Student id: {sheet.student}" in text
        header = text.split("Name:")[0]
        assert LONG_NAME not in header and ". . ." in header  # the header's name, cut short
        assert min(pages[k])[0] >= 7.0, min(pages[k])  # nothing shrunk (a subscript is 7.04)


def test_an_unlabelled_box_is_written_as_maths_in_brackets_after_the_partial():
    """With every box asked (--ask '*'), ∂f/∂t1 − o1 read as a label; now ∂f/∂(t1 − o1), as maths."""
    root = catalog.get("chen-2-2-2").build().outputs[0]
    ranges = ex.ranges_for(ex.drawn_leaves(root))
    worksheets = make_worksheets("chen", root, [("s1", "Ada")], 3, ranges, ask=["*"])
    tex = sheet_tex(worksheets, worksheets.sheets[0], "graph.pdf")
    assert r"{\partial (t_{1} - o_{1})}" in tex and r"{\partial ((t_{1} - o_{1})^{2})}" in tex
    assert r"$t_{1} - o_{1} = {?}$" in tex
    assert [m for m in re.findall(r"\$[^$]*\$", tex) if r"\ -\ " in m or "  " in m] == []


def test_the_students_picture_shows_each_blank_by_its_number_and_no_arrow_key():
    """The student's arrows carry no numbers: the key under the picture no longer explains them; a blank
    is its number alone (the answer goes in the answer page's box), the key's its number and answer."""
    worksheets = _worksheets("chen-2-2-2", [("s1", "Ada")])
    sheet = worksheets.sheets[0]
    texts = {}
    for key in (False, True):
        done = subprocess.run(
            ["pdftotext", "-", "-"], input=picture(sheet, "pdf", key=key), capture_output=True, check=True
        )
        texts[key] = done.stdout.decode("utf-8")
    assert "local gradient" not in texts[False] and "local gradient" in texts[True]
    assert "____" not in texts[False]
    right = number(sheet.answers[1])
    assert "(1)" in texts[False] and right not in texts[False] and f"(1) {right}" in texts[True]
