"""Explanations of big graphs: a big sum is explained as the sum it is, whatever its size or shape.

`∂L/∂w = Σᵢ ∂L/∂ŷᵢ · ∂ŷᵢ/∂w = ∂L/∂ŷ1 · x1 + … = (numbers) + … n − 3 more = total`: the sum named, its
first terms with their numbers, how many more, and the engine's gradient as the total; the work grows
with the graph, never with the number of paths through it.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, gradients
from autograd.explain import explain
from autograd.explain.chain import MAX_TERMS, SHOWN_TERMS
from autograd.parse import parse
from autograd.text import number
from tests.support.cli import chainrule

WEIGHTS = st.floats(-3, 3, allow_nan=False).filter(lambda c: abs(c) > 1e-3)


def _value(text: str) -> float:
    return float(text.replace("−", "-"))


def _check_big_sum(line: str, gradient: float, users: list[Value], root: Value, lower: Value) -> None:
    """The line names the sum (Σᵢ), shows its first SHOWN_TERMS terms with numbers that give the engine's
    ∂root/∂u · ∂u/∂lower, says how many more, and ends with the engine's gradient."""
    n = len(users)
    assert "Σᵢ" in line, line
    assert f"… {n - SHOWN_TERMS} more" in line, line
    *_, numbers, result = line.split(" = ")
    result = result.removeprefix("≈ ") if " ≈ " not in line else line.rsplit(" ≈ ", 1)[1]
    assert result == number(gradient), line
    shown = numbers.split(" + ")[:SHOWN_TERMS]
    grads = gradients(root, users[:SHOWN_TERMS])
    for text, user, g in zip(shown, users, grads):
        local = sum(user.local[i] for i, p in enumerate(user.parents) if p is lower)
        factors = [_value(f.strip("()")) for f in text.split(" · ")]
        assert len(factors) == 2, line
        assert factors[0] == pytest.approx(g, rel=1e-3, abs=1e-9), line
        assert factors[1] == pytest.approx(local, rel=1e-3, abs=1e-9), line


@given(weights=st.lists(WEIGHTS, min_size=MAX_TERMS + 1, max_size=400), x=WEIGHTS)
def test_a_big_unlabelled_sum_is_explained_as_the_sum_it_is(weights, x):
    xv = Value(x, "x")
    users = [xv * c for c in weights]
    f = users[0]
    for u in users[1:]:
        f = f + u
    f = f.named("f")
    f.backward()
    _check_big_sum(explain(f, xv), xv.grad, users, f, xv)


@given(
    samples=st.lists(st.tuples(WEIGHTS, WEIGHTS), min_size=MAX_TERMS + 1, max_size=300),
    w=WEIGHTS,
    labelled=st.booleans(),
)
def test_a_mean_squared_error_over_many_samples_is_a_big_sum(samples, w, labelled):
    wv, b = Value(w, "w"), Value(0.1, "b")
    predictions = [wv * x + b for x, _ in samples]
    if labelled:
        predictions = [p.named(f"ŷ{i + 1}") for i, p in enumerate(predictions)]
    total = (predictions[0] - samples[0][1]) ** 2
    for p, (_, y) in zip(predictions[1:], samples[1:]):
        total = total + (p - y) ** 2
    loss = (total / len(samples)).named("L")
    loss.backward()
    line = explain(loss, wv)
    users = predictions if labelled else [p.parents[0] for p in predictions]  # ŷᵢ, or w·xᵢ
    if labelled:
        assert "Σᵢ ∂L/∂ŷᵢ · ∂ŷᵢ/∂w" in line, line
        assert all(f"∂L/∂ŷ{i}" in line for i in range(1, SHOWN_TERMS + 1)), line
        # ∂ŷᵢ/∂w is ∂(w·xᵢ)/∂w: checked as the product ∂L/∂ŷᵢ · xᵢ
        users_below = [p.parents[0] for p in predictions]
        grads = gradients(loss, predictions[:SHOWN_TERMS])
        *_, numbers, result = line.split(" = ")
        for text, user, g in zip(numbers.split(" + "), users_below, grads):
            a, c = (_value(t.strip("()")) for t in text.split(" · "))
            assert a == pytest.approx(g, rel=1e-3, abs=1e-9) and c == pytest.approx(user.local[0], rel=1e-3)
        assert f"… {len(samples) - SHOWN_TERMS} more" in line and result.endswith(number(wv.grad)), line
    else:
        _check_big_sum(line, wv.grad, users, loss, wv)


@pytest.mark.parametrize("n", [250, 2000])
def test_a_typed_sum_of_thousands_of_terms_is_explained(n):
    # `f = x*1 + x*2 + … + x*249` failed with Python's "too many nested parentheses"; 49 terms printed
    # only ∂f/∂x = 1225.
    text = "f = " + " + ".join(f"x*{k}" for k in range(1, n + 1))
    nodes = parse(text).build({"x": 1.0})
    f, x = nodes["f"], nodes["x"]
    f.backward()
    line = explain(f, x)
    assert line.startswith("∂f/∂x = Σᵢ ∂f/∂uᵢ · ∂uᵢ/∂x = ∂f/∂(x·1) · 1 + ∂f/∂(x·2) · 2 + ∂f/∂(x·3) · 3 + "), (
        line
    )
    assert f"1 · 1 + 1 · 2 + 1 · 3 + … {n - 3} more" in line, line
    assert line.endswith(number(n * (n + 1) / 2)), line


def test_the_command_explains_a_249_term_sum():
    text = "f = " + " + ".join(f"x*{k}" for k in range(1, 250))
    done = chainrule("explain", "--expr", text, "--set", "x=1")
    assert done.returncode == 0, done.stderr
    assert "Σᵢ" in done.stdout and "… 246 more" in done.stdout and done.stdout.strip().endswith(number(31125))


def test_a_graph_with_exponentially_many_paths_is_explained_through_the_nodes_that_use_the_input():
    # y ← 0.5·y + 0.4·y sixty times: 2⁶⁰ paths from f to x. Following them one by one never ends.
    x = Value(0.5, "x")
    y = x
    for _ in range(60):
        y = y * 0.5 + y * 0.4
    f = y.named("f")
    f.backward()
    line = explain(f, x)
    assert re.match(r"∂f/∂x = ∂f/∂\(x·0\.5\) · ∂\(x·0\.5\)/∂x \+ ∂f/∂\(x·0\.4\) · ∂\(x·0\.4\)/∂x = ", line), (
        line
    )
    assert line.endswith(" = " + number(x.grad)), line
