"""Optimizer steps explained: every explained result is what step() then does, step after step."""

import re
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value
from autograd.text import number
from nn.optim_explain import explain_step


def _last_number(line: str) -> float:
    return float(line.rsplit("= ", 1)[1].strip("()").replace("−", "-"))


def _loss(w1: Value, w2: Value) -> Value:
    return ((w1 * 0.7 - w2 * 1.3 + 0.2).tanh() - 0.5) ** 2 + 0.1 * w1 * w1


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: nn.SGD(ps, lr=0.5),
        lambda ps: nn.SGD(ps, lr=0.5, momentum=0.9),
        lambda ps: nn.SGD(ps, lr=0.5, momentum=0.9, nesterov=True),
        lambda ps: nn.SGD(ps, lr=0.5, momentum=0.5, weight_decay=0.01),
        lambda ps: nn.Adam(ps, lr=0.1),
    ],
)
def test_each_explained_step_is_the_step_taken(make):
    w1, w2 = Value(0.4, "w1"), Value(-0.3, "w2")
    optimizer = make([w1, w2])
    for _ in range(3):  # later steps use the momentum's and Adam's state
        optimizer.zero_grad()
        _loss(w1, w2).backward()
        explained = {p: explain_step(optimizer, p) for p in (w1, w2)}
        optimizer.step()
        for p, lines in explained.items():
            assert _last_number(lines[-1]) == pytest.approx(p.data, rel=1e-5, abs=1e-9), lines
            assert lines[-1].startswith(f"{p.label} ← {p.label} ")
        if isinstance(optimizer, nn.Adam):
            m_line, v_line = explained[w1][:2]
            assert _last_number(m_line) == pytest.approx(optimizer.m[0], rel=1e-5)
            assert _last_number(v_line) == pytest.approx(optimizer.v[0], rel=1e-5)


def test_the_slides_momentum_rule_is_written_out():
    w = Value(0.4, "w5")
    w.grad = 0.08217
    optimizer = nn.SGD([w], lr=0.5, momentum=0.9)
    assert explain_step(optimizer, w) == [
        "Δw5(t) = −η·∂L/∂w5 + α·Δw5(t − 1) = −0.5 · 0.08217 + 0.9 · 0 = −0.041085",
        "w5 ← w5 + Δw5(t) = 0.4 + (−0.041085) = 0.358915",
    ]


def test_what_is_not_explained_says_so():
    w = Value(1.0, "w")
    with pytest.raises(TypeError, match=r"explains SGD .* and Adam, not RMSprop"):
        explain_step(nn.RMSprop([w]), w)
    with pytest.raises(ValueError, match="is not one of this optimizer's parameters"):
        explain_step(nn.SGD([w]), Value(2.0, "other"))


def test_the_loss_is_written_by_the_slides_name():
    w = Value(0.7, "w_i11")
    w.grad = 0.08
    # by hand: 0.7 − 0.5 · 0.08 = 0.66
    assert explain_step(nn.SGD([w], lr=0.5), w, loss="C") == [
        "w_i11 ← w_i11 − η·∂C/∂w_i11 = 0.7 − 0.5 · 0.08 = 0.66"
    ]
    adam = explain_step(nn.Adam([w], lr=0.1), w, loss="E")
    assert adam[0].startswith("m = β₁·m + (1 − β₁)·∂E/∂w_i11 = ") and adam[1].startswith(
        "v = β₂·v + (1 − β₂)·(∂E/∂w_i11)² = "
    )
    with pytest.raises(ValueError, match="loss must be a non-empty name"):
        explain_step(nn.SGD([w]), w, loss="")


def _arithmetic(line: str) -> float:
    """The numbers between the formula and the result, computed: they must give the printed result."""
    numbers = line.split(" = ")[-2].replace("−", "-").replace("·", "*").replace("²", "**2").replace("^", "**")
    assert set(numbers) <= set("0123456789.e-+*/() "), numbers
    return eval(numbers)  # only digits and operators, checked above


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: nn.SGD(ps, lr=0.03, weight_decay=0.01),
        lambda ps: nn.SGD(ps, lr=0.03, momentum=0.9, weight_decay=0.01),
        lambda ps: nn.Adam(ps, lr=0.03, weight_decay=0.01),
    ],
)
def test_with_weight_decay_the_printed_numbers_give_the_printed_result(make):
    # The step is w − η·(∂L/∂w + λ·w): the bracket holds the gradient and the decay term, with numbers.
    w = Value(0.331281, "w")
    w.grad = 0.00128655
    lines = explain_step(make([w]), w)
    assert "(∂L/∂w + λ·w)" in lines[0] and "(0.00128655 + 0.01 · 0.331281)" in lines[0]
    for line in lines:
        if "√" not in line:
            assert _arithmetic(line) == pytest.approx(_last_number(line), rel=1e-5), line


NUMBER = re.compile(r"(?<![\w.^])−?\d+(?:\.\d+)?(?:e[−+]?\d+)?(?![\w.])")


def test_adam_writes_small_numbers_as_every_view_does():
    # docs/explanations.md's example: v is 0.001 · 0.082167² = 6.75142e−6, not Python's 6.75142e-06
    w = Value(0.4, "w5")
    w.grad = 0.082167
    lines = explain_step(nn.Adam([w], lr=0.5), w, loss="f")
    assert lines[1].endswith(" = 6.75142e−6") and lines[3].startswith("v̂ = v/(1 − β₂^t) = 6.75142e−6/")
    assert lines[4].endswith("+ 1e−8) = −0.0999999")


@given(
    st.floats(-10, 10, allow_nan=False),
    st.floats(-1e3, 1e3, allow_nan=False).filter(lambda g: g == 0 or abs(g) > 1e-300),
    st.sampled_from(["sgd", "momentum", "adam"]),
)
@settings(max_examples=200, deadline=None)
def test_every_number_is_written_by_autograd_text_number(data, grad, kind):
    w = Value(data, "w")
    w.grad = grad
    make = {"sgd": nn.SGD, "momentum": partial(nn.SGD, momentum=0.9), "adam": nn.Adam}[kind]
    for line in explain_step(make([w], lr=0.01), w):
        for text in NUMBER.findall(line.split(" = ", 1)[1]):  # the numbers, not the formula's (t − 1)
            assert text == number(float(text.replace("−", "-")), 6), line
