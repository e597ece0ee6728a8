"""The expression parser: text from a user becomes the same graph as Python code would build, never code."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
from autograd import DomainError, Value
from autograd.parse import FUNCTIONS, MAX_DEPTH, MAX_LENGTH, MissingValues, ParseError, parse

NAMES = ("x", "y", "z")
UNARY = {
    "tanh": Value.tanh, "sigmoid": Value.sigmoid, "sin": Value.sin, "cos": Value.cos, "exp": Value.exp,
    "relu": Value.relu, "softplus": Value.softplus, "abs": Value.abs,
}  # fmt: skip
BINARY = {"+": Value.__add__, "-": Value.__sub__, "*": Value.__mul__, "/": Value.__truediv__}
CALLS = {"max": Value.max, "min": Value.min}


def _trees(depth: int = 4) -> st.SearchStrategy:
    """Expression trees as (text, build) pairs: the text a user would type, and the same in Python."""
    leaves = st.one_of(
        st.sampled_from(NAMES).map(lambda n: (n, lambda env, n=n: env[n])),
        st.floats(-5, 5, allow_nan=False).map(lambda c: (f"({c!r})", lambda env, c=c: Value(c))),
    )

    def extend(children: st.SearchStrategy) -> st.SearchStrategy:
        unary = st.tuples(st.sampled_from(sorted(UNARY)), children).map(
            lambda t: (f"{t[0]}({t[1][0]})", lambda env, t=t: UNARY[t[0]](t[1][1](env)))
        )
        binary = st.tuples(st.sampled_from(sorted(BINARY)), children, children).map(
            lambda t: (
                f"({t[1][0]} {t[0]} {t[2][0]})",
                lambda env, t=t: BINARY[t[0]](t[1][1](env), t[2][1](env)),
            )
        )
        call = st.tuples(st.sampled_from(sorted(CALLS)), children, children).map(
            lambda t: (
                f"{t[0]}({t[1][0]}, {t[2][0]})",
                lambda env, t=t: CALLS[t[0]](t[1][1](env), t[2][1](env)),
            )
        )
        neg = children.map(lambda c: (f"-({c[0]})", lambda env, c=c: -c[1](env)))
        square = children.map(lambda c: (f"({c[0]})^2", lambda env, c=c: c[1](env) ** 2))
        return st.one_of(unary, binary, call, neg, square)

    return st.recursive(leaves, extend, max_leaves=12)


@given(_trees(), st.lists(st.floats(-3, 3, allow_nan=False), min_size=3, max_size=3))
def test_a_parsed_expression_is_the_graph_python_builds(tree, xs):
    text, build = tree
    values = dict(zip(NAMES, xs))
    try:
        env = {n: Value(v, n) for n, v in values.items()}
        expected = build(env)
    except DomainError:
        assume(False)
    assume(isinstance(expected, Value) and abs(expected.data) < 1e6)
    expected.backward()
    program = parse(text)
    built = program.build({n: values[n] for n in program.inputs})
    f = built[program.output]
    f.backward()
    assert f.data == expected.data
    for name in program.inputs:
        assert built[name].grad == pytest.approx(env[name].grad, rel=1e-12, abs=1e-12)


def test_statements_name_their_nodes_and_the_last_is_the_output():
    program = parse("net = w0*x0 + w1*x1 + w2; f = sigmoid(net)")
    assert program.inputs == ("w0", "x0", "w1", "x1", "w2") and program.assigned == ("net", "f")
    nodes = program.build(dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3))
    nodes["f"].backward()
    assert nodes["f"].data == pytest.approx(1 / (1 + math.exp(-1)))  # CS231n's neuron: σ(1) = 0.73
    assert nodes["w0"].grad == pytest.approx(-0.19661193324148185)
    assert nodes["net"].label == "net" and nodes["f"].op.name == "sigmoid"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2 ^ 3", 8.0), ("2 ** 3", 8.0), ("2^-1", 0.5), ("2^3^2", 512.0), ("-2^2", -4.0), ("(-2)^2", 4.0),
        ("x²", 9.0), ("x³ − 1", 26.0), ("2·x × 1", 6.0), ("1e-3 * 1_000", 1.0), (".5 + 1.", 1.5),
        ("2e−1", 0.2), ("σ(0)", 0.5), ("ln(1)", 0.0), ("leaky_relu(-x, 0.1)", -0.3), ("max(x, 4)", 4.0),
        ("8 / 2 / 2", 2.0), ("2 - 3 - 4", -5.0), ("+x * 1", 3.0),
    ],
)  # fmt: skip
def test_numbers_operators_and_the_slides_notation(text, value):
    program = parse(f"f = {text}" if "x" in text else text)
    nodes = program.build({"x": 3.0} if "x" in program.inputs else {})
    assert nodes[program.output].data == pytest.approx(value)


def test_a_name_can_be_given_a_new_value_as_in_a_program():
    # the later definition uses the earlier value; the last keeps the name, earlier ones are f_1, f_2
    program = parse("f = x; f = f*2")
    nodes = program.build({"x": 3.0})
    assert nodes["f"].data == 6.0 and nodes["f"].label == "f" and nodes["x"].label == "x"
    program = parse("f = x*3; f = f*2; f = f + 1")
    nodes = program.build({"x": 1.0})
    assert [nodes[k].data for k in ("f_1", "f_2", "f")] == [3.0, 6.0, 7.0]
    assert nodes["f"].parents[0] is nodes["f_2"] and nodes["f_2"].parents[0] is nodes["f_1"]
    assert program.assigned == ("f",) and program.output == "f"
    nodes = parse("f = x*2; g = x*3; f = g").build({"x": 1.0})  # f ends as g's node
    assert nodes["f"] is nodes["g"] and nodes["f_1"].data == 2.0
    # a numbered label never takes a name the text uses
    nodes = parse("f = x*f_1; f = f*2").build({"x": 1.0, "f_1": 2.0})
    assert nodes["f_1"].label == "f_1" and nodes["f_1"].op is None and nodes["f_2"].data == 2.0


@pytest.mark.parametrize(
    ("text", "unused"),
    [
        ("g = x*x; h = x + 1; f = x*2", ("g", "h")),
        ("net = w*x; f = sigmoid(net)", ()),
        ("f = x*2; f = x*3", ("f_1",)),  # the first f is replaced before anything uses it
        ("f = x*2; f = f*3", ()),
        ("x*2; f = x*3", ("statement 1",)),
        ("a = x*2; b = a*2; f = x + 1", ("a", "b")),
    ],
)
def test_definitions_the_output_does_not_use_are_named(text, unused):
    assert parse(text).unused() == unused


def test_unused_is_relative_to_the_chosen_output():
    assert parse("net = w*x; f = sigmoid(net)").unused("net") == ()
    assert parse("a = x*2; net = w*x; f = sigmoid(net)").unused("net") == ("a",)


def test_a_number_exponent_is_pow_and_a_computed_one_pow_value():
    assert parse("f = x^2").statements[0].expression.value == "pow"
    assert parse("f = 2^x").statements[0].expression.value == "pow_value"


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("f = (x + * y", "expected a number, a name or '('", 10),
        ("f = (x + y", "expected ')'", 11),
        ("f = x +", "found the end", 8),
        ("2x", "expected an operator", 2),
        ("f = foo(x)", "unknown function 'foo'; the functions are: abs, cos", 5),
        ("f = log(x, y)", "log takes 1 argument(s), got 2", 5),
        ("f = tanh", "tanh is a function: write tanh(…)", 5),
        ("f = x; g = f", "g = … must compute something", 8),  # g is x, an input
        ("f = 3", "f = … must compute something", 1),
        ("f = x*2; x = f*2", "x is an input of the expression", 10),
        ("f = f*2", "f is used before it is given a value", 1),
        ("sigmoid = x*2", "cannot be assigned", 1),
        ("f = leaky_relu(x, y)", "slope must be a number", 19),
        ("", "the expression is empty", 1),
        ("1e400 * x", "too large for a float", 1),
    ],
)
def test_errors_say_what_is_wrong_and_mark_where(text, message, column):
    with pytest.raises(ParseError) as info:
        parse(text)
    first, line, caret = str(info.value).split("\n")
    assert message in first and f"column {column}" in first
    assert line == f"  {text}" and caret.index("^") == column + 1


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('touch pwned')",
        'open("/etc/passwd")',
        "x.__class__",
        "lambda: 1",
        "[x for x in y]",
        "f = x if x else y",
        "eval(x)",
        "exec(x)",
        "f = x; import os",
    ],
)
def test_code_is_never_run_only_rejected(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParseError):
        parse(text).build({"x": 1.0, "y": 1.0})
    assert not list(tmp_path.iterdir())


def test_limits_on_length_and_depth():
    with pytest.raises(ValueError, match="the limit is"):
        parse("x + " * (MAX_LENGTH // 4) + "x")
    with pytest.raises(ParseError, match=f"nested more than {MAX_DEPTH} levels"):
        parse("(" * (MAX_DEPTH + 5) + "x" + ")" * (MAX_DEPTH + 5))
    with pytest.raises(ParseError, match="nested more than"):
        parse("-" * (MAX_DEPTH + 5) + "x")


def test_values_missing_unused_or_not_numbers():
    program = parse("f = x*y + z")
    with pytest.raises(MissingValues) as info:
        program.build({"x": 1.0})
    assert info.value.names == ["y", "z"]
    with pytest.raises(ValueError, match="w: given a value but not used"):
        program.build({"x": 1, "y": 1, "z": 1, "w": 2})
    with pytest.raises(ValueError, match="must be a number"):
        program.build({"x": True, "y": 1, "z": 1})


def test_a_domain_error_names_the_node():
    with pytest.raises(DomainError, match=r"log\(a\) needs a > 0; got a = -1.0 \(node 'x'\)"):
        parse("f = log(x)").build({"x": -1.0})


def test_every_function_of_the_rule_table_can_be_called_by_name():
    for name, op in FUNCTIONS.items():
        args = ", ".join(["x"] * op.arity)
        nodes = parse(f"f = {name}({args})").build({"x": 0.5})
        assert nodes["f"].op is op
        params = nodes["f"].params or {}
        assert nodes["f"].data == pytest.approx(autograd.OPS[op.name].forward(*[0.5] * op.arity, **params))


@given(st.integers(0, 400), st.integers(0, 400), st.booleans())
def test_a_long_expression_shows_only_a_window_around_the_error(before, after, lines):
    """The error's context is at most 60 characters each side, marked with …, the caret under the fault."""
    head = "g = x\n" if lines else ""
    text = head + "f = " + "x + " * before + "* y" + " + x" * after
    with pytest.raises(ParseError) as info:
        parse(text)
    first, line, caret = str(info.value).split("\n")
    assert ("(line 2, column" in first) == lines
    shown = line[2:]
    assert len(shown) <= 2 * 60 + 3
    assert shown.startswith("…") == (len("f = " + "x + " * before) > 60)
    assert shown.endswith("…") == (len(" y" + " + x" * after) > 60)
    assert line[caret.index("^")] == "*" and set(caret[: caret.index("^")]) == {" "}
    assert shown.strip("…") in text


def test_the_nesting_refusal_stays_short():
    text = "f = " + "tanh(" * 300 + "x" + ")" * 300
    with pytest.raises(ParseError, match="nested more than") as info:
        parse(text)
    assert len(str(info.value)) < 400
