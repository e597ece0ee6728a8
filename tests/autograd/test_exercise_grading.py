"""Grading a worksheet node by node: right answers, error carried forward, and the lab's mistakes named.

The oracles are independent of the carried walk being tested: a wrong sum is the engine's own graph
with that sum shifted (so every later number is the engine's, given the student's number), a wrong
sigmoid output is checked against the chain rule written out by hand, and each mistake's answers are
the lab's wrong pass (`Worksheet.mistakes`), with where each must show stated from the graph's shape.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import forward_order
from autograd.exercises.blanks import Tolerance
from autograd.exercises.grading import Mark, carried, grade
from autograd.exercises.worksheet import Worksheet
from tests.support.classes import CHEN_WRONG_AT, chen_wrong_at, shifted_answers, worksheets

EXAMPLES = ["chen-2-2-2", "bishop-2-2-2", "softmax-ce", "softmax-output", "expression"]
TOLERANCE = Tolerance()


def _sheet(name: str) -> Worksheet:
    return worksheets(name).sheets[0]


def _by_name(sheet: Worksheet, marks: list[Mark]) -> dict[tuple[str, str], Mark]:
    return {(b.name, b.quantity): m for b, m in zip(sheet.blanks, marks, strict=True)}


def _differs(x: float, y: float) -> bool:
    return not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


# --- right answers, empty blanks ----------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_keys_answers_are_all_right_and_an_empty_sheet_all_empty(name):
    sheet = _sheet(name)
    marks = grade(sheet, sheet.answers, TOLERANCE)
    assert [m.blank for m in marks] == [b.number for b in sheet.blanks]
    assert all(m.status == "right" and m.earned and m.mistakes == () for m in marks)
    assert all(math.isclose(m.carried, m.right, rel_tol=1e-9, abs_tol=1e-12) for m in marks)
    empty = grade(sheet, {}, TOLERANCE)
    assert [(m.status, m.given, m.earned) for m in empty] == [("empty", None, False)] * len(sheet.blanks)


def test_blanks_left_empty_are_empty_and_the_others_are_still_marked():
    sheet = _sheet("chen-2-2-2")
    left = {2, 11, 19}  # h1, ∂f/∂net_o1, ∂f/∂net_h1: the later blanks use the right numbers instead
    given = {n: x for n, x in sheet.answers.items() if n not in left}
    marks = grade(sheet, given, TOLERANCE)
    assert {m.blank for m in marks if m.status == "empty"} == left
    assert all(m.status == "right" for m in marks if m.blank not in left)


# --- error carried forward ----------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_wrong_sum_carries_forward_and_every_later_answer_right_given_it_earns_its_mark(name):
    sheet = _sheet(name)
    nodes = forward_order(sheet.variant.root)
    wrong = next(b for b in sheet.blanks if b.quantity == "value" and nodes[b.node].op.name == "add")
    delta = max(0.3, 0.2 * abs(sheet.answers[wrong.number]))
    given = shifted_answers(sheet, wrong.number, delta)
    marks = grade(sheet, given, TOLERANCE)
    expected_carried = {
        n for n, x in given.items() if n != wrong.number and not TOLERANCE.accepts(x, sheet.answers[n])
    }
    assert expected_carried, "the shift changes no later answer: the test would prove nothing"
    assert {m.blank for m in marks if m.status == "carried"} == expected_carried
    assert {m.blank for m in marks if m.status == "wrong"} == {wrong.number}
    assert all(m.status == "right" for m in marks if m.blank not in expected_carried | {wrong.number})
    for m in marks:
        if m.blank != wrong.number:
            assert math.isclose(m.carried, given[m.blank], rel_tol=1e-9, abs_tol=1e-12), m


def test_a_wrong_sigmoid_output_carries_its_own_number_into_the_chain_rule():
    # E = (h − y)², h = σ(net), net = w·x + b: a student who wrote h as hs goes on with hs everywhere,
    # σ′ included (hs·(1 − hs)), as the chain rule written out by hand does.
    sheet = _sheet("expression")
    d = sheet.variant.drawn
    hs = 0.55
    dh = 2 * (hs - d["y"])
    dnet = hs * (1 - hs) * dh
    hand = {("h", "value"): hs, ("E", "value"): (hs - d["y"]) ** 2, ("h", "gradient"): dh}
    hand |= {("net", "gradient"): dnet, ("w", "gradient"): d["x"] * dnet, ("b", "gradient"): dnet}
    hand |= {("x", "gradient"): d["w"] * dnet, ("y", "gradient"): -dh}
    number = {(b.name, b.quantity): b.number for b in sheet.blanks}
    assert not TOLERANCE.accepts(hs, sheet.answers[number["h", "value"]])  # hs is a wrong h
    given = dict(sheet.answers) | {number[k]: x for k, x in hand.items() if k in number}
    marks = _by_name(sheet, grade(sheet, given, TOLERANCE))
    assert marks["net", "value"].status == "right"
    assert marks["h", "value"].status == "wrong"
    for k, x in hand.items():
        if k in marks and k != ("h", "value"):
            assert marks[k].status == "carried", (k, marks[k])
            assert math.isclose(marks[k].carried, x, rel_tol=1e-12), (k, marks[k])


def test_a_wrong_gradient_is_passed_on_as_the_student_wrote_it():
    sheet = _sheet("expression")
    number = {(b.name, b.quantity): b.number for b in sheet.blanks}
    d, h = sheet.variant.drawn, sheet.answers[number["h", "value"]]
    dh = 3.0  # instead of 2(h − y)
    dnet = h * (1 - h) * dh
    given = dict(sheet.answers) | {number["h", "gradient"]: dh, number["net", "gradient"]: dnet}
    given[number["w", "gradient"]] = d["x"] * dnet
    marks = _by_name(sheet, grade(sheet, given, TOLERANCE))
    assert marks["h", "gradient"].status == "wrong"
    assert [marks[k, "gradient"].status for k in ("net", "w")] == ["carried", "carried"]
    assert marks["b", "gradient"].status == "right"  # b's blank was answered right: right it stays


def test_a_carried_number_outside_an_operations_domain_gives_no_carried_mark_and_no_error():
    sheet = _sheet("softmax-ce")  # L = −log(p_cat): a negative p_cat has no log
    number = {(b.name, b.quantity): b.number for b in sheet.blanks}
    given = dict(sheet.answers) | {number["p_cat", "value"]: -0.2, number["L", "value"]: 1.6}
    marks = _by_name(sheet, grade(sheet, given, TOLERANCE))
    assert marks["L", "value"].carried is None and marks["L", "value"].status == "wrong"
    assert marks["p_cat", "gradient"].carried is None and marks["p_cat", "gradient"].status == "right"


def test_a_zero_that_stands_for_a_number_carries_nothing():
    # writing ∂E/∂h = 0 makes every later gradient 0 "given the student's numbers": no marks for that
    sheet = _sheet("expression")
    zeros = {b.number: 0.0 for b in sheet.blanks if b.quantity == "gradient"}
    marks = grade(sheet, dict(sheet.answers) | zeros, TOLERANCE)
    assert all(m.status == "wrong" for m in marks if m.blank in zeros)
    # a picture drawn before backward is a mistake of code: a 0 on paper is not diagnosed as it
    assert all("drawn-before-backward" not in m.mistakes for m in marks)


def test_carried_with_no_answers_is_the_engines_forward_and_backward_pass():
    sheet = _sheet("bishop-2-2-2")
    root = sheet.variant.root
    numbers = carried(root, {}, {}, sheet.variant.upstream)
    for node in forward_order(root):
        assert math.isclose(numbers.values[node], node.data, rel_tol=1e-12)
        assert math.isclose(numbers.grads[node], node.grad, rel_tol=1e-9, abs_tol=1e-15)


# --- the lab's mistakes -------------------------------------------------------------------------


def _mistake_cases():
    for name in EXAMPLES:
        sheet = _sheet(name)
        for key, numbers in sheet.mistakes.items():
            if any(_differs(x, sheet.answers[n]) for n, x in numbers.items()):
                yield pytest.param(name, key, id=f"{name}-{key}")


@pytest.mark.parametrize(("name", "key"), list(_mistake_cases()))
def test_each_mistake_of_the_lab_is_named_where_it_writes_a_wrong_answer(name, key):
    sheet = _sheet(name)
    wrong = sheet.mistakes[key]
    marks = {m.blank: m for m in grade(sheet, dict(sheet.answers) | wrong, TOLERANCE)}
    differs = {n for n, x in wrong.items() if _differs(x, sheet.answers[n])}
    assert all(marks[n].status == "right" for n in marks if n not in differs)
    assert all(marks[n].status in ("wrong", "carried") for n in differs)
    named = {n for n, m in marks.items() if m.status == "wrong"}
    assert named and all(key in marks[n].mistakes for n in named)
    if name == "chen-2-2-2":  # where the graph's shape says it acts (tests/support/classes.py)
        where = chen_wrong_at(sheet, key)
        acts = {b.number for b in sheet.blanks if b.quantity == "gradient" and b.name in where}
        assert named <= acts
        # where it acts but is not named, its number is the one carried from the student's own: the
        # mistake changes that step by less than the tolerance (σ(h)·(1 − σ(h)) ≈ h·(1 − h) near h = 0.66)
        assert all(marks[n].status == "carried" for n in acts - named)


def test_the_table_of_where_mistakes_show_covers_every_mistake_that_shows_on_chen():
    sheet = _sheet("chen-2-2-2")
    shows = {
        k
        for k, numbers in sheet.mistakes.items()
        if any(_differs(x, sheet.answers[n]) for n, x in numbers.items())
    }
    assert shows == set(CHEN_WRONG_AT)


def test_a_mistake_that_writes_one_number_by_chance_is_not_named_beside_the_one_that_writes_the_sheet():
    sheet = _sheet("chen-2-2-2")
    wrong = sheet.mistakes["no-zero-grad"]
    n = next(iter(wrong))  # pretend outer-product-order wrote the same number there
    fake = Worksheet(
        sheet.student, sheet.name, sheet.variant, sheet.blanks, sheet.answers, dict(sheet.mistakes)
    )
    fake.mistakes["outer-product-order"] = dict(fake.mistakes["outer-product-order"]) | {n: wrong[n]}
    marks = grade(fake, dict(sheet.answers) | wrong, TOLERANCE)
    assert all(m.mistakes == ("no-zero-grad",) for m in marks if m.status == "wrong")


# --- what grade refuses, and properties ---------------------------------------------------------


def test_grade_refuses_a_blank_off_the_sheet_and_an_answer_that_is_not_a_finite_number():
    sheet = _sheet("expression")
    with pytest.raises(ValueError, match=r"student 's0': blank 99 is not on the sheet \(1–\d+\)"):
        grade(sheet, {99: 1.0}, TOLERANCE)
    for bad in (math.nan, math.inf, "0.5", True):
        with pytest.raises(ValueError, match="student 's0': the answer to blank 1 is"):
            grade(sheet, {1: bad}, TOLERANCE)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_answers_are_marked_one_mark_per_blank_without_an_error(data):
    sheet = _sheet(data.draw(st.sampled_from(["chen-2-2-2", "softmax-ce", "expression"])))
    numbers = st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.floats(-2, 2),
        st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324]),
    )
    answers = data.draw(st.dictionaries(st.sampled_from([b.number for b in sheet.blanks]), numbers))
    marks = grade(sheet, answers, TOLERANCE)
    assert [m.blank for m in marks] == [b.number for b in sheet.blanks]
    for m in marks:
        assert (m.given is None) == (m.status == "empty")
        assert m.earned == (m.status in ("right", "carried"))
        assert m.mistakes == () or m.status == "wrong"
        assert m.carried is None or math.isfinite(m.carried)
        if m.status == "carried":
            assert TOLERANCE.accepts(m.given, m.carried) and not TOLERANCE.accepts(m.given, m.right)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_right_answer_moved_within_the_tolerance_stays_right_whatever_else_is_written(data):
    sheet = _sheet(data.draw(st.sampled_from(["bishop-2-2-2", "softmax-ce", "expression"])))
    blank = data.draw(st.sampled_from(sheet.blanks)).number
    right = sheet.answers[blank]
    moved = right + data.draw(st.floats(-0.99, 0.99)) * TOLERANCE.of(right)
    others = data.draw(st.dictionaries(st.sampled_from([b.number for b in sheet.blanks]), st.floats(-5, 5)))
    marks = {m.blank: m for m in grade(sheet, others | {blank: moved}, TOLERANCE)}
    assert marks[blank].status == "right"


@settings(max_examples=30, deadline=None)
@given(st.floats(1.5, 50))
def test_an_answer_far_from_right_and_from_the_carried_number_is_wrong(factor):
    sheet = _sheet("chen-2-2-2")
    blank = sheet.blanks[-1].number
    answer = sheet.answers[blank] * factor
    assume(not any(TOLERANCE.accepts(answer, w.get(blank, math.inf)) for w in sheet.mistakes.values()))
    (mark,) = [m for m in grade(sheet, {blank: answer}, TOLERANCE) if m.blank == blank]
    assert mark.status == "wrong" and mark.mistakes == ()
