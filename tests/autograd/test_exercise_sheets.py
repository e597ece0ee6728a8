"""Worksheets as PDFs (autograd.exercises.sheets): compiled by pdflatex and read back with pdftotext."""

from __future__ import annotations

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


def _count(token: str, text: str) -> int:
    """How often `token` (a number) stands in `text` as a whole number, not as part of a longer one."""
    return len(re.findall(rf"(?<![\d.]){re.escape(token)}(?![\d])", text))


student_ids = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


@pytest.mark.parametrize("example", [*EXAMPLES, "expression", "hostile"])
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(student=student_ids, name=st.sampled_from(["", "Ada Lovelace", "Zoë \\O'Brien {x} & % #", "Юлия"]))
def test_a_sheet_shows_the_students_own_numbers_and_the_key_their_answers(tmp_path, example, student, name):
    worksheets = _worksheets(example, [(student, name)])
    sheet = worksheets.sheets[0]
    own = write_sheet(worksheets, sheet, tmp_path / "sheet.pdf")
    key = write_sheet(worksheets, sheet, tmp_path / "key.pdf", key=True)
    text, answers = _text(own), _text(key)
    for label, drawn in sheet.variant.drawn.items():
        written = number(drawn).replace("\u2212", "-")
        assert _count(written, text) >= 2, f"{label} = {written}: in the picture and in the given table"
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


@pytest.mark.parametrize("example", ["softmax-output", "hostile"])
def test_long_derivations_and_labels_stay_on_the_page(tmp_path, example):
    """pdflatex's log names every line wider than the page (an overfull box): there is none."""
    worksheets = _worksheets(example, [("s1", "Ada")])
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
