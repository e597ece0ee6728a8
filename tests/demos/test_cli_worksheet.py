"""`chainrule worksheet` and `chainrule grade` end to end, as a teacher runs them.

The issue's test: for chen-2-2-2, bishop-2-2-2, a softmax example and a teacher's expression, 30
variants, no two alike; each sheet read back (pdftotext) shows its own numbers, the key matches the
engine, the Moodle file holds every variant (every PDF of the command's class for chen-2-2-2 and the
expression; see the note above those tests); a class of right answers, carried errors and the lab's
mistakes is graded with the marks and the diagnoses right; bad rows are reported one line each; DIR is
left as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import exercises
from autograd.exercises import key_csv, key_json, make_worksheets, moodle_xml
from autograd.text import number
from demos.cli.worksheet import _root_again
from demos.examples import catalog
from tests.support.cli import chainrule

pytestmark = pytest.mark.skipif(
    not all(shutil.which(p) for p in ("pdflatex", "pdftotext", "dot")),
    reason="needs pdflatex, pdftotext and Graphviz's dot",
)
EXPR = [
    "--expr",
    "net = w*x + b; h = sigmoid(net); E = (h - y)^2",
    "--set",
    "w=0.6",
    "x=1.5",
    "b=-0.2",
    "y=0.3",
]


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _shows_its_own_numbers(sheet, sheet_pdf: Path, key_pdf: Path) -> None:
    """The student's sheet shows their drawn numbers, their key every answer (the engine's, see read_key)."""
    printed = _text(sheet_pdf)
    for label, x in sheet.variant.drawn.items():
        assert number(x) in printed, (sheet.student, label, x)
    answers = " ".join(_text(key_pdf).split())
    for blank in sheet.blanks:
        assert exercises.shown(sheet.answers[blank.number]).replace("-", "−") in answers.replace("-", "−")


def _check_the_class(key_text: str, key_csv_text: str, moodle: str, worksheets) -> None:
    """30 variants, no two alike; a key.csv row per student and blank; a Cloze question per variant."""
    key = json.loads(key_text)
    assert len(worksheets.sheets) == 30
    assert len({json.dumps(s["drawn"], sort_keys=True) for s in key["students"]}) == 30  # 30 variants
    rows = list(csv.DictReader(io.StringIO(key_csv_text)))
    assert len(rows) == 30 * len(worksheets.sheets[0].blanks)
    quiz = ET.fromstring(moodle)
    questions = [q for q in quiz.iter("question") if q.get("type") == "cloze"]
    assert (
        len(questions) == 30 and len([q for q in quiz.iter("question") if q.get("type") == "category"]) == 1
    )


# The test, for chen-2-2-2, bishop-2-2-2, a softmax example and a teacher's expression: 30 variants
# of each, no two alike, the key the engine's, every PDF readable. Each PDF costs a pdflatex and a dot run
# (about half a second of a core; a class of 30 writes 60), so the command's whole class is read back for
# a built-in example and for the expression (the two ways grading builds the graph again, `_root_again`);
# for bishop-2-2-2 and softmax-ce the 30 variants are drawn, keyed and exported by the functions the
# command calls, and the PDFs of the two variants whose numbers print widest and narrowest are written by
# the command's writer (`exercises.write_sheet`) and read back: every sheet of an example is one template
# filled with its student's numbers, and their width is what can push a picture or a table off its place.
@pytest.mark.parametrize("example", ["chen-2-2-2", "expression"])
def test_thirty_variants_each_sheet_shows_its_own_numbers_and_the_key_the_engines(tmp_path, example):
    out = tmp_path / "class"
    source = EXPR if example == "expression" else [example]
    result = chainrule(
        "worksheet", *source, "--count", "30", "--seed", "2027", "-o", str(out), "--no-progress"
    )
    assert result.returncode == 0, result.stderr
    assert f"30 worksheets of {example}" in result.stdout
    key = (out / "key.json").read_text(encoding="utf-8")
    # the key's answers are the engine's on the student's numbers (read_key rebuilt and compared them)
    worksheets = exercises.read_key(key, lambda s: _root_again(out, s))
    _check_the_class(
        key,
        (out / "key.csv").read_text(encoding="utf-8"),
        (out / "moodle.xml").read_text(encoding="utf-8"),
        worksheets,
    )
    for sheet in worksheets.sheets:  # all 60 PDFs the command wrote
        _shows_its_own_numbers(
            sheet, out / "sheets" / f"{sheet.student}.pdf", out / "keys" / f"{sheet.student}.pdf"
        )


@pytest.mark.parametrize("example", ["bishop-2-2-2", "softmax-ce"])
def test_thirty_variants_of_an_example_and_its_widest_and_narrowest_sheets(tmp_path, example):
    made = catalog.get(example)
    graph = made.build()
    root = graph.outputs[0]
    students = [(f"s{k:02d}", "") for k in range(1, 31)]  # as --count 30 names them
    ranges = exercises.ranges_for(exercises.drawn_leaves(root), [])
    drawn = make_worksheets(made.title, root, students, 2027, ranges, upstream=graph.upstream)
    key = key_json(drawn, {"example": example, "output": 0}, None)
    # the key's answers are the engine's on the student's numbers (read_key rebuilt and compared them)
    worksheets = exercises.read_key(key, lambda s: _root_again(tmp_path, s))
    _check_the_class(key, key_csv(worksheets), moodle_xml(worksheets), worksheets)

    def width(sheet) -> int:
        shown = [number(x) for x in sheet.variant.drawn.values()]
        return sum(map(len, shown + [exercises.shown(x) for x in sheet.answers.values()]))

    by_width = sorted(worksheets.sheets, key=width)
    assert width(by_width[0]) < width(by_width[-1])  # two different sheets
    for sheet in (by_width[0], by_width[-1]):
        sheet_pdf, key_pdf = tmp_path / f"{sheet.student}.pdf", tmp_path / f"{sheet.student}-key.pdf"
        exercises.write_sheet(worksheets, sheet, sheet_pdf)
        exercises.write_sheet(worksheets, sheet, key_pdf, key=True)
        _shows_its_own_numbers(sheet, sheet_pdf, key_pdf)


def test_a_roster_names_the_sheets_and_grade_marks_a_class_and_leaves_the_folder_alone(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nada,Ada Lovelace\nbo,Bo Ek\ncy,Cy Twombly\ndee,Dee\n", encoding="utf-8")
    out = tmp_path / "class"
    made = chainrule("worksheet", "chen-2-2-2", "--students", str(roster), "--seed", "3", "-o", str(out))
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in (out / "sheets").iterdir()) == ["ada.pdf", "bo.pdf", "cy.pdf", "dee.pdf"]
    assert "Ada Lovelace" in _text(out / "sheets" / "ada.pdf")
    worksheets = exercises.read_key(
        (out / "key.json").read_text(encoding="utf-8"), lambda s: _root_again(out, s)
    )
    sheets = {s.student: s for s in worksheets.sheets}
    first_grad = next(b for b in sheets["ada"].blanks if b.quantity == "gradient")
    mistake = "sigmoid-from-net"
    answers = [["student", "blank", "answer"]]
    for student, sheet in sheets.items():
        for blank in sheet.blanks:
            x = sheet.answers[blank.number]
            if student == "bo" and blank.number == 1:
                x += 0.5  # net_h1 wrong, and h1 = σ(net_h1) from it: carried
            if student == "bo" and blank.number == 2:
                x = 1 / (1 + math.exp(-(sheet.answers[1] + 0.5)))
            if student == "cy" and blank.quantity == "gradient":
                x = sheet.mistakes[mistake].get(blank.number, x)
            if student == "dee" and blank.number == first_grad.number:
                continue  # left empty
            answers.append([student, blank.number, exercises.shown(x)])
    answers += [["zed", 1, "0.5"], ["ada", 99, "0.5"], ["ada", 2, "sin(1)"]]
    sheet_csv = tmp_path / "answers.csv"
    with sheet_csv.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(answers)
    before = _tree(out)
    report = tmp_path / "report"
    graded = chainrule("grade", str(out), str(sheet_csv), "-o", str(report))
    assert graded.returncode == 0, graded.stderr
    assert _tree(out) == before  # nothing in DIR changed
    problems = graded.stderr.strip().splitlines()
    assert len(problems) == 3
    assert "unknown student 'zed'" in problems[0] and "blank 99" in problems[1] and "sin(1)" in problems[2]
    marks = {(r["student"], int(r["blank"])): r for r in csv.DictReader((report / "marks.csv").open())}
    total = len(sheets["ada"].blanks)
    assert all(marks["ada", n]["status"] == "right" for n in range(1, total + 1))
    assert [marks["bo", n]["status"] for n in (1, 2)] == ["wrong", "carried"]
    assert all(marks["bo", n]["status"] in ("right", "carried") for n in range(3, total + 1))
    assert marks["dee", first_grad.number]["status"] == "empty"
    cy_wrong = [n for n in range(1, total + 1) if marks["cy", n]["status"] == "wrong"]
    assert cy_wrong and all(mistake in marks["cy", n]["mistakes"] for n in cy_wrong)
    summary = (report / "summary.md").read_text(encoding="utf-8")
    assert "σ′ from the wrong node" in summary and "1 of 4: cy" in summary
    assert (report / "summary.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chen-2-2-2", "--count", "2", "--seed", "1", "--range", "v9=0:1"], "'v9' names no leaf"),
        (["chen-2-2-2", "--count", "2", "--seed", "1", "--range", "w1=1:x"], "are numbers"),
        (["chen-2-2-2", "--count", "2", "--seed", "1", "--ask", "nope"], "'nope' names no box"),
        (["chen-2-2-2", "--count", "501", "--seed", "1"], "at most 500"),
        (["chen-2-2-2", "--count", "2", "--seed", "1", "--output-index", "3"], "has 1 output"),
        (["chen-2-2-2", "--seed", "1"], "one of the arguments --students --count is required"),
    ],
)
def test_bad_arguments_are_one_line_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "class"
    result = chainrule("worksheet", *args, "-o", str(out))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_bad_roster_and_a_users_folder_are_refused(tmp_path):
    roster = tmp_path / "roster.csv"
    for text, message in [
        ("name\nAda\n", "'id' column"),
        ("id,name\nada,A\nada,B\n", "'ada' is given twice"),
    ]:
        roster.write_text(text, encoding="utf-8")
        result = chainrule(
            "worksheet", "chen-2-2-2", "--students", str(roster), "--seed", "1", "-o", str(tmp_path / "o")
        )
        assert result.returncode == 2 and message in result.stderr, result.stderr
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    result = chainrule("worksheet", "chen-2-2-2", "--count", "1", "--seed", "1", "-o", str(mine))
    assert result.returncode == 1 and "did not make" in result.stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


@pytest.fixture(scope="module")
def two_students(tmp_path_factory) -> Path:
    """`chainrule worksheet` of the expression for 2 students (seed 1), made once: each test takes a copy."""
    out = tmp_path_factory.mktemp("two-students") / "class"
    made = chainrule("worksheet", *EXPR, "--count", "2", "--seed", "1", "-o", str(out), "--no-progress")
    assert made.returncode == 0, made.stderr
    return out


def test_grade_refuses_a_folder_without_a_key_and_a_key_whose_example_changed(tmp_path, two_students):
    answers = tmp_path / "answers.csv"
    answers.write_text("student,blank,answer\n", encoding="utf-8")
    result = chainrule("grade", str(tmp_path), str(answers))
    assert result.returncode == 2 and "key.json" in result.stderr
    out = shutil.copytree(two_students, tmp_path / "class")
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    key["source"]["expr"] = "net = w*x + b; h = tanh(net); E = (h - y)^2"
    (out / "key.json").write_text(json.dumps(key), encoding="utf-8")
    result = chainrule("grade", str(out), str(answers))
    assert result.returncode == 1 and "changed since these worksheets were made" in result.stderr


def test_worksheets_once_made_are_kept_unless_replace_is_asked(tmp_path, two_students):
    out = shutil.copytree(two_students, tmp_path / "week3")
    key = (out / "key.json").read_bytes()
    again = chainrule("worksheet", *EXPR, "--count", "3", "--seed", "2", "-o", str(out))
    assert again.returncode == 2 and "--replace" in again.stderr
    assert (out / "key.json").read_bytes() == key
    replaced = chainrule("worksheet", *EXPR, "--count", "3", "--seed", "2", "-o", str(out), "--replace")
    assert replaced.returncode == 0 and (out / "key.json").read_bytes() != key


def test_a_spreadsheets_roster_reads_and_grade_answers_for_the_whole_class(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("ID;Name\nada;Ada\nbo;Bo\n", encoding="utf-8")
    out = tmp_path / "class"
    assert (
        chainrule("worksheet", *EXPR, "--students", str(roster), "--seed", "1", "-o", str(out)).returncode
        == 0
    )
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    ada = key["students"][0]
    lines = ["student,blank,answer"] + [f"ada,{n},{x}" for n, x in ada["answers"].items()]
    lines += [f"zed,{n},0.5" for n in ada["answers"]]  # one unknown student, many rows: one line
    answers = tmp_path / "answers.csv"
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "report"
    result = chainrule("grade", str(out), str(answers), "-o", str(report))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().count("\n") == 0 and "unknown student 'zed'" in result.stderr
    assert f"({len(ada['answers'])} rows)" in result.stderr
    scores = {r["student"]: r for r in csv.DictReader((report / "summary.csv").open(encoding="utf-8"))}
    assert set(scores) == {"ada", "bo"}  # bo handed nothing in: listed, every blank empty


def test_grade_says_which_file_is_wrong_and_writes_no_report_when_nothing_can_be_read(tmp_path, two_students):
    out = shutil.copytree(two_students, tmp_path / "class")
    junk = tmp_path / "answers.csv"
    junk.write_bytes(b"student,blank,answer\ns1,1,0\xe9\xff\n")
    result = chainrule("grade", str(out), str(junk))
    assert result.returncode == 2 and "the answers" in result.stderr and "CSV UTF-8" in result.stderr
    junk.write_text("who,what\ns1,1\n", encoding="utf-8")
    report = tmp_path / "report"
    result = chainrule("grade", str(out), str(junk), "-o", str(report))
    assert result.returncode == 1 and "nothing was marked" in result.stderr and not report.exists()
    result = chainrule("grade", str(out), str(junk), "-o", str(out))
    assert result.returncode == 2 and "worksheet folder" in result.stderr
