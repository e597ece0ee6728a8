"""Per-student variants: reproducible, hand-sized, readable, and every mistake of the lab told apart."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, exercises, forward_order
from autograd.check import central_difference
from autograd.exercises.keyfile import KeyFileError, key_csv, key_json, read_key
from autograd.exercises.worksheet import make_worksheets
from demos.examples import catalog
from demos.examples.user import from_expression

EXPRESSION = ("net = w*x + b; h = sigmoid(net); E = (h - y)^2", {"w": 0.6, "x": 1.5, "b": -0.2, "y": 0.3})


def _root(name: str) -> tuple[Value, float]:
    example = from_expression(*EXPRESSION) if name == "expression" else catalog.get(name)
    graph = example.build()
    return graph.outputs[0], graph.upstream


def _worksheets(name: str, count: int, seed: int = 5):
    root, upstream = _root(name)
    ranges = exercises.ranges_for(exercises.drawn_leaves(root))
    students = [(f"s{k}", "") for k in range(count)]
    return root, make_worksheets(name, root, students, seed, ranges, upstream=upstream)


def test_the_same_seed_and_student_draw_the_same_numbers_and_others_draw_others():
    root, _ = _root("chen-2-2-2")
    ranges = exercises.ranges_for(exercises.drawn_leaves(root))
    first = exercises.draw_variant(root, "ada", 11, ranges).drawn
    assert exercises.draw_variant(root, "ada", 11, ranges).drawn == first
    assert exercises.draw_variant(root, "bo", 11, ranges).drawn != first
    assert exercises.draw_variant(root, "ada", 12, ranges).drawn != first


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**9), st.text(min_size=1, max_size=12))
def test_drawn_numbers_lie_in_their_ranges_with_their_decimals_and_are_never_zero(seed, student):
    root, _ = _root("bishop-2-2-2")
    leaves = exercises.drawn_leaves(root)
    ranges = exercises.ranges_for(leaves, [exercises.parse_range("W*=-0.9:0.9")])
    variant = exercises.draw_variant(root, student, seed, ranges)
    for leaf in leaves:
        x, span = variant.drawn[leaf.label], ranges[leaf]
        assert span.low <= x <= span.high and x != 0
        assert round(x, span.decimals) == x
    assert exercises.unreadable(variant.root) is None


@pytest.mark.parametrize("name", ["chen-2-2-2", "bishop-2-2-2", "softmax-ce", "expression"])
def test_a_variant_has_the_examples_structure_and_the_engines_gradients_of_its_own_numbers(name):
    root, _ = _root(name)
    variant = exercises.draw_variant(root, "s1", 3, exercises.ranges_for(exercises.drawn_leaves(root)))
    old, new = forward_order(root), forward_order(variant.root)
    assert [(n.op and n.op.name, n.label, n.params) for n in old] == [
        (n.op and n.op.name, n.label, n.params) for n in new
    ]
    leaves = [n for n in new if n.op is None and n.label in variant.drawn]
    assert [n.data for n in leaves] == [variant.drawn[n.label] for n in leaves]
    # each drawn leaf's gradient by central differences on the rebuilt graph
    for leaf in leaves:

        def f(x, leaf=leaf):
            values = {o: float(x) for o, n in variant.nodes.items() if n is leaf}
            return exercises.rebuild(root, {**_drawn(root, variant), **values})[0].data

        assert math.isclose(leaf.grad, central_difference(f, leaf.data), rel_tol=1e-5, abs_tol=1e-8)


def _drawn(root, variant):
    leaves = [n for n in forward_order(root) if n.op is None and n.label in variant.drawn]
    return {n: variant.drawn[n.label] for n in leaves}


@pytest.mark.parametrize("name", ["chen-2-2-2", "bishop-2-2-2", "softmax-ce", "expression"])
def test_every_mistake_of_the_lab_gives_either_the_right_number_or_one_clearly_apart(name):
    _, worksheets = _worksheets(name, 6)
    tolerance = worksheets.tolerance
    apart = 0
    for sheet in worksheets.sheets:
        assert sheet.mistakes, "the lab's gradient mistakes ran"
        for numbers in sheet.mistakes.values():
            for blank, wrong in numbers.items():
                right = sheet.answers[blank]
                if abs(wrong - right) > 1e-9 * max(1, abs(right)):
                    assert abs(wrong - right) > 2 * tolerance.of(right)
                    apart += 1
    assert apart > 0  # some mistake does change some blank on every one of these graphs


def test_the_blanks_are_values_forward_then_gradients_backward_and_never_the_outputs_gradient():
    root, _ = _root("chen-2-2-2")
    asked = exercises.blanks(root)
    assert [b.number for b in asked] == list(range(1, len(asked) + 1))
    values = [b.name for b in asked if b.quantity == "value"]
    assert values[:2] == ["net_h1", "h1"] and values[-1] == "f"
    grads = [b.name for b in asked if b.quantity == "gradient"]
    assert "f" not in grads and grads.index("o1") < grads.index("net_o1") < grads.index("w5")
    assert {"t1", "t2"}.isdisjoint(grads)  # targets: constants, no gradient asked
    only = exercises.blanks(root, ["w5", "net_o*"])
    assert {b.name for b in only} == {"w5", "net_o1", "net_o2"}
    with pytest.raises(ValueError, match="'w9' names no box"):
        exercises.blanks(root, ["w9"])


def test_a_range_reads_its_decimals_and_bad_ranges_are_refused_with_the_reason():
    assert exercises.parse_range("w1=-1:1") == ("w1", exercises.Range(-1, 1, 1))
    assert exercises.parse_range("w*=0.25:0.75") == ("w*", exercises.Range(0.25, 0.75, 2))
    for bad, reason in [
        ("w1", "LABEL=LOW:HIGH"), ("w1=a:b", "are numbers"), ("w1=0.125:1", "at most 2 decimals"),
        ("w1=1:-1", "low ≤ high"), ("w1=0.1:0.1", "too few numbers"),
    ]:  # fmt: skip
        with pytest.raises(ValueError, match=reason):
            exercises.parse_range(bad)
    root, _ = _root("chen-2-2-2")
    with pytest.raises(ValueError, match="'v\\*' names no leaf"):
        exercises.ranges_for(exercises.drawn_leaves(root), [exercises.parse_range("v*=0:1")])


def test_numbers_a_hand_calculation_cannot_read_are_found():
    x = Value(6.0, "x")
    assert "outside [-4, 4]" in exercises.unreadable(x.sigmoid())
    assert "kink" in exercises.unreadable((Value(0.01, "a") * 1.0).relu())
    assert "over 100" in exercises.unreadable(Value(30.0, "a") * Value(4.0, "b"))
    assert exercises.unreadable((x * 0.5).sigmoid()) is None


def test_a_range_that_cannot_give_readable_numbers_says_so_and_suggests_ranges():
    x, w = Value(1.0, "x"), Value(5.0, "w")
    f = (w * x).sigmoid()
    ranges = exercises.ranges_for([w], [("w", exercises.Range(5.0, 6.0, 1))])
    with pytest.raises(exercises.CannotDraw, match=r"outside .*numbers read well \(--range LABEL=LOW:HIGH\)"):
        exercises.draw_variant(f, "s1", 1, ranges, attempts=20)


def test_an_input_of_0_or_1_is_kept_unless_a_range_names_it():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    root = (a.logaddexp(b) - a).named("L")
    assert exercises.drawn_leaves(root) == [b]  # an indicator keeps its meaning
    rules = [exercises.parse_range("a=-2:2")]
    leaves = exercises.drawn_leaves(root, [pattern for pattern, _ in rules])
    assert leaves == [a, b]
    assert exercises.ranges_for(leaves, rules)[a] == exercises.Range(-2.0, 2.0, 1)


def test_a_leaf_too_large_for_hand_work_asks_for_a_range():
    a, b = Value(1e308, "a"), Value(2.0, "b")
    root = (a + b).named("L")
    with pytest.raises(ValueError, match=r"leaf 'a' is 1e\+308, over 100: .*--range 'a=LOW:HIGH'"):
        exercises.ranges_for(exercises.drawn_leaves(root))
    ranges = exercises.ranges_for(exercises.drawn_leaves(root), [exercises.parse_range("a=1:5")])
    assert ranges[a] == exercises.Range(1.0, 5.0, 1)
    with pytest.raises(ValueError, match="at most 100 in size"):
        exercises.parse_range("a=1e308:1e308")
    assert exercises.default_range(90.0) == exercises.Range(45.0, 100.0, 1)  # kept within hand work


def test_the_key_reads_back_to_the_same_worksheets_and_a_changed_example_is_refused():
    root, worksheets = _worksheets("bishop-2-2-2", 3)
    text = key_json(worksheets, {"example": "bishop-2-2-2"}, None)
    again = read_key(text, lambda source: root)
    assert [s.answers for s in again.sheets] == [s.answers for s in worksheets.sheets]
    assert [s.mistakes for s in again.sheets] == [s.mistakes for s in worksheets.sheets]
    assert json.loads(text)["source"] == {"example": "bishop-2-2-2"}
    rows = key_csv(worksheets).splitlines()
    assert rows[0] == "student,name,blank,quantity,node,answer,exact"
    assert len(rows) == 1 + 3 * len(worksheets.sheets[0].blanks)
    other, _ = _root("chen-2-2-2")
    with pytest.raises(ValueError, match="changed since"):
        read_key(text, lambda source: other)
    changed = json.loads(text)
    changed["students"][0]["answers"]["1"] += 0.1
    with pytest.raises(ValueError, match="s0's answers differ"):
        read_key(json.dumps(changed), lambda source: root)
    for bad in ("[]", "{", json.dumps({"format": "chainrule worksheets", "version": 1})):
        with pytest.raises(KeyFileError):
            read_key(bad, lambda source: root)
