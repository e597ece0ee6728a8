"""Reading a class's answers from a CSV: numbers as students write them, each bad row in one line."""

from __future__ import annotations

import math
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import exercises
from autograd.exercises.answer_sheet import BadRow, read_answers, read_number
from autograd.exercises.worksheet import Worksheet, make_worksheets
from demos.examples import catalog


@cache
def _sheets() -> list[Worksheet]:
    root = catalog.get("chen-2-2-2").build().outputs[0]  # 29 blanks
    ranges = exercises.ranges_for(exercises.drawn_leaves(root))
    return make_worksheets("chen", root, [("s1", "Ada"), ("s2", "Bo")], 3, ranges).sheets


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0.5933", 0.5933), (" -0.36 ", -0.36), ("−0.36", -0.36), (".5", 0.5), ("-.5", -0.5), ("+2", 2.0),
        ("1e-3", 0.001), ("2.5E+2", 250.0), ("3.", 3.0), ("0,5933", 0.5933), ("-,5", -0.5), ("12,5", 12.5),
        ("0,125", 0.125), ("\u00a00.25\t", 0.25),
    ],
)  # fmt: skip
def test_a_number_is_read_as_a_student_writes_it(text, number):
    assert read_number(text) == number


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("abc", "is not a number"), ("nan", "is not a number"), ("inf", "is not a number"),
        ("-Infinity", "is not a number"), ("1_000", "is not a number"), ("0x10", "is not a number"),
        ("1/2", "is not a number"), ("__import__('os')", "is not a number"), ("1.2.3", "is not a number"),
        ("٣", "is not a number"), ("1e999", "too large"), ("1,000", "a thousand or one"),
        ("-12,500", "a thousand or one"), ("1,234.5", "is not a number"), ("", "is not a number"),
    ],
)  # fmt: skip
def test_anything_else_is_refused_never_evaluated(text, why):
    with pytest.raises(BadRow, match=why):
        read_number(text)


def test_the_good_rows_are_read_and_each_bad_row_is_reported_in_one_line():
    text = (
        "student,blank,answer\n"  # row 1
        "s1,1, 0.84\n"  # 2
        's1,(2),"0,6985"\n'  # 3: a blank as printed, a quoted decimal comma
        "s99,3,1\n"  # 4
        "s1,41,2\n"  # 5
        "s1,3,abc\n"  # 6
        "s1,1,0.8\n"  # 7: given twice
        "s1,4,\n"  # 8: left empty, no problem
        "s1,5,nan\n"  # 9
        "s1,6,1,5\n"  # 10: an unquoted decimal comma
        "s1\n"  # 11
        ",3,4\n"  # 12
        "\n"  # 13: an empty line is no row
        "s2 , 3 ,−.5\n"  # 14
        "s2,x,1\n"  # 15
        "s2,0,1\n"  # 16
        "s1,4,0.7\n"  # 17: blank 4 was given (empty) in row 8
    )
    answers, problems = read_answers(text, _sheets())
    assert answers == {"s1": {1: 0.84, 2: 0.6985}, "s2": {3: -0.5}}
    assert problems == [
        "row 4: unknown student 's99'",
        "row 5: blank 41 is not on the sheet (1–29)",
        "row 6: answer 'abc' is not a number",
        "row 7: blank 1 of student 's1' is given twice (first in row 2, which counts)",
        "row 9: answer 'nan' is not a number",
        'row 10: 4 fields where the header has 3: a decimal comma must be quoted ("0,5933"), or the columns '
        "separated by ;",
        "row 11: the blank and answer columns are missing",
        "row 12: no student",
        "row 15: blank 'x' is not a blank's number",
        "row 16: blank 0 is not on the sheet (1–29)",
        "row 17: blank 4 of student 's1' is given twice (first in row 8, which counts)",
    ]


def test_a_semicolon_file_reads_decimal_commas_and_the_columns_come_in_any_order_with_others_beside():
    text = "\ufeffAnswer;Name;Student;Blank\n0,5;Ada;s1;1\n-1,25;Bo;s2;2\n"
    answers, problems = read_answers(text, _sheets())
    assert (answers, problems) == ({"s1": {1: 0.5}, "s2": {2: -1.25}}, [])


def test_a_quoted_field_with_a_newline_is_named_in_one_line_and_rows_are_counted_as_a_spreadsheet_does():
    answers, problems = read_answers('student,blank,answer\n"s\n1",1,0.5\ns1,2,"a\nb"\ns1,3,x\n', _sheets())
    assert answers == {}
    assert problems == [
        "row 2: unknown student 's\\n1'",
        "row 3: answer 'a\\nb' is not a number",
        "row 4: answer 'x' is not a number",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "row 1: no header: the file's first row must be student,blank,answer"),
        (
            "s1,1,0.5\n",
            "row 1: the header must name the columns student, blank and answer; got 's1', '1', '0.5'",
        ),
        (
            "student,blank,blank\ns1,1,1\n",
            "row 1: the header must name the columns student, blank and answer",
        ),
    ],
)
def test_a_file_without_its_header_gives_one_problem_and_no_answers(text, problem):
    answers, problems = read_answers(text, _sheets())
    assert answers == {} and len(problems) == 1 and problems[0].startswith(problem)


def test_a_long_field_is_shortened_in_its_message():
    (problem,) = read_answers("student,blank,answer\n" + "x" * 10_000 + ",1,1\n", _sheets())[1]
    assert problem == f"row 2: unknown student '{'x' * 39}…'"


def test_a_field_too_long_for_the_csv_reader_stops_the_reading_with_one_line_and_keeps_what_was_read():
    text = "\n\nstudent,blank,answer\ns1,1,0.5\n" + '"' + "x" * 200_000 + '",1,1\ns2,1,1\n'
    answers, problems = read_answers(text, _sheets())
    assert answers == {"s1": {1: 0.5}}
    assert len(problems) == 1 and problems[0].startswith(
        "row 5: the CSV cannot be read from here on (field larger"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from('s12,;."\n\r\t -e9nax()−\u00a0\x00'), max_size=120))
def test_any_text_is_read_without_an_error_and_every_problem_is_one_line_naming_its_row(body):
    answers, problems = read_answers("student,blank,answer\n" + body, _sheets())
    for line in problems:
        assert line.startswith("row ") and "\n" not in line and "\r" not in line
    for given_ in answers.values():
        assert all(n in range(1, 30) and math.isfinite(x) for n, x in given_.items())


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_number_python_writes_is_read_back_exactly(x):
    assert read_number(repr(x)) == x
    rounded = float(f"{x:.4g}")
    if math.isfinite(rounded):
        assert read_number(f"{x:.4g}") == rounded
    else:
        with pytest.raises(BadRow, match="too large"):
            read_number(f"{x:.4g}")
