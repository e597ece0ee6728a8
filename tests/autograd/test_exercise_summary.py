"""A class graded and summed up: scores, misconceptions with their students and blanks, tables, the chart.

The class on chen-2-2-2: one student all right, one who wrote net_h1 wrong and went on right from
there, one per mistake of the lab, one who left the sheet empty and one who left three blanks.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import replace

import matplotlib
import pytest

from autograd.exercises.blanks import Tolerance
from autograd.exercises.grading import grade
from autograd.exercises.summary import ClassSummary, misconception_chart
from autograd.exercises.worksheet import Worksheet
from autograd.files import WriteError
from tests.support.classes import CHEN_WRONG_AT, chen_wrong_at, shifted_answers, worksheets

KEYS = list(CHEN_WRONG_AT)
ROLES = ["right", "carried", *KEYS, "empty", "partly"]
TOLERANCE = Tolerance()


def _answers(role: str, sheet: Worksheet) -> dict[int, float]:
    if role == "right":
        return dict(sheet.answers)
    if role == "carried":
        return shifted_answers(sheet, 1, 0.3)  # blank 1: net_h1 written 0.3 too large
    if role == "empty":
        return {}
    if role == "partly":
        return {n: x for n, x in sheet.answers.items() if n not in (3, 12, 27)}
    return dict(sheet.answers) | sheet.mistakes[role]


@pytest.fixture(scope="module")
def graded():
    sheets = worksheets("chen-2-2-2", count=len(ROLES), seed=11).sheets
    role_of = {sheet.student: role for sheet, role in zip(sheets, ROLES, strict=True)}
    marks = {s.student: grade(s, _answers(role_of[s.student], s), TOLERANCE) for s in sheets}
    return sheets, role_of, marks, ClassSummary(marks, sheets)


def test_each_students_score_counts_right_and_carried_answers(graded):
    sheets, role_of, marks, summary = graded
    student_of = {role: student for student, role in role_of.items()}
    score = {role_of[s.student]: s for s in summary.scores}
    assert [s.student for s in summary.scores] == [sheet.student for sheet in sheets]
    assert {s.total for s in summary.scores} == {29}
    assert (score["right"].earned, score["right"].right) == (29, 29)
    assert (score["carried"].earned, score["carried"].wrong) == (28, 1) and score["carried"].carried > 0
    assert (score["empty"].earned, score["empty"].empty) == (0, 29)
    assert (score["partly"].earned, score["partly"].empty) == (26, 3)
    for key in KEYS:
        wrong = [m for m in marks[student_of[key]] if m.status == "wrong"]
        assert 0 < score[key].wrong == len(wrong) <= len(chen_wrong_at(sheets[0], key)), key
        assert score[key].earned == 29 - score[key].wrong


def test_each_misconception_has_its_one_student_and_the_blanks_where_it_shows(graded):
    sheets, role_of, marks, summary = graded
    student_of = {role: student for student, role in role_of.items()}
    found = {m.key: m for m in summary.misconceptions}
    assert set(found) == set(KEYS)
    number = {b.name: b.number for b in sheets[0].blanks if b.quantity == "gradient"}
    for key in KEYS:
        assert found[key].students == (student_of[key],)
        wrong = {m.blank for m in marks[student_of[key]] if m.status == "wrong"}
        assert found[key].blanks == dict.fromkeys(sorted(wrong), 1)
        assert wrong <= {number[name] for name in chen_wrong_at(sheets[0], key)}
    counts = [len(m.students) for m in summary.misconceptions]
    assert counts == sorted(counts, reverse=True)


def test_the_blank_counts_add_up_to_the_class(graded):
    *_, summary = graded
    assert summary.size == len(ROLES)
    for counts in summary.by_blank.values():
        assert sum(counts.values()) == len(ROLES)
    assert summary.by_blank[1]["wrong"] == 1  # only the carried student wrote net_h1 wrong
    assert summary.by_blank[3]["empty"] == 2  # the empty sheet and the partly empty one


def test_the_markdown_tables_name_the_scores_misconceptions_and_blanks(graded):
    *_, summary = graded
    text = summary.markdown()
    assert "| s0 | Student 0 | 29/29 | 29 | 0 | 0 | 0 |" in text
    assert f"| = instead of \\+= (`assign`) | 1 of {len(ROLES)}: s2 | (16) ∂f/∂b2: 1, " in text
    assert f"| 1 | net\\_h1 | {len(ROLES) - 2} | 0 | 1 | 1 |" in text


def test_the_csv_has_a_row_per_student_with_each_misconceptions_count(graded):
    sheets, role_of, marks, summary = graded
    rows = list(csv.DictReader(io.StringIO(summary.csv())))
    assert [r["student"] for r in rows] == [s.student for s in sheets]
    by_role = {role_of[r["student"]]: r for r in rows}
    assert by_role["right"]["earned"] == "29" and by_role["empty"]["empty"] == "29"
    for student, role in role_of.items():
        if role in KEYS:
            assert by_role[role][role] == str(sum(m.status == "wrong" for m in marks[student]))
            assert all(by_role[role][k] == "0" for k in KEYS if k != role)


def test_the_marks_csv_has_a_row_per_student_and_blank(graded):
    sheets, role_of, _, summary = graded
    rows = list(csv.DictReader(io.StringIO(summary.marks_csv())))
    assert len(rows) == len(ROLES) * 29
    student_of = {role: student for student, role in role_of.items()}
    row = {(r["student"], int(r["blank"])): r for r in rows}
    first = row[student_of["carried"], 1]
    assert (first["asks"], first["status"], first["mistakes"]) == ("net_h1", "wrong", "")
    sheet = next(s for s in sheets if s.student == student_of["carried"])
    assert float(first["answer"]) == pytest.approx(sheet.answers[1] + 0.3, rel=1e-9)
    assert row[student_of["empty"], 1]["answer"] == "" and row[student_of["empty"], 1]["status"] == "empty"
    for key in KEYS:
        wrong = [
            r for (student, _), r in row.items() if student == student_of[key] and r["status"] == "wrong"
        ]
        assert wrong and all(r["mistakes"] == key and r["asks"].startswith("∂f/∂") for r in wrong)


def test_names_are_data_in_markdown_and_csv():
    first, second = worksheets("expression", count=2).sheets
    sheets = [replace(first, student='=HYPERLINK("x")', name="|*Bo*| <b>"), second]
    summary = ClassSummary({s.student: grade(s, s.answers, TOLERANCE) for s in sheets}, sheets)
    assert '| =HYPERLINK\\("x"\\) | \\|\\*Bo\\*\\| \\<b\\> | 8/8 |' in summary.markdown()
    row = next(csv.DictReader(io.StringIO(summary.csv())))
    assert row["student"] == '\'=HYPERLINK("x")' and row["name"] == "|*Bo*| <b>"


def test_the_summary_refuses_marks_of_a_student_without_a_sheet():
    sheets = worksheets("expression", count=2).sheets
    with pytest.raises(ValueError, match="marks for student 'nobody', who has no worksheet"):
        ClassSummary({"nobody": []}, sheets)


def test_the_chart_is_written_whole_as_png_and_refuses_other_formats(graded, tmp_path):
    *_, summary = graded
    path = summary.chart(tmp_path / "summary.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.png"]  # no temporary file left
    with pytest.raises(ValueError, match=r"use a \.png, \.svg or \.pdf"):
        summary.chart(tmp_path / "summary.jpg")
    with pytest.raises(WriteError):
        summary.chart(tmp_path / "missing" / "summary.png")


def _svg_text(bars, size) -> str:
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as text, to be read back
        return misconception_chart(bars, size, "svg").decode()


def test_the_chart_draws_each_misconceptions_title_and_count_and_says_so_when_there_is_none(graded):
    *_, summary = graded
    svg = _svg_text([(m.title, len(m.students)) for m in summary.misconceptions], summary.size)
    assert all(html.escape(m.title, quote=False) in svg for m in summary.misconceptions)
    assert f"students (of {len(ROLES)})" in svg
    assert "No wrong answer is one a mistake of the lab writes" in _svg_text([], 12)
    assert "$x$ costs $5" in _svg_text([("$x$ costs $5", 3)], 4)  # a $ is a dollar, not mathematics
