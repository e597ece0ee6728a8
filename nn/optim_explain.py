"""An optimizer's next step for one parameter, written out: the update formula, then its numbers.

Read before `step()`: the text describes the update the optimizer is about to make, from its state (the
momentum's last change, Adam's m and v) and the parameter's gradient. The tests hold every explained
result to what `step()` then does.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from autograd import Overflow, Value
from autograd.explain import Format, as_format
from autograd.text import number

from .optim import SGD, Adam, Optimizer

DIGITS = 6  # significant digits of the numbers: an update is often a millionth of its parameter


def explain_step(optimizer: Optimizer, p: Value, loss: str = "L", format: Format = "text") -> list[str]:
    """The lines that explain `optimizer`'s next update of `p` (SGD, with or without momentum, or Adam).

    `loss` is the loss's name in the gradient ∂loss/∂p ("C", "E" where the slides write so). Each line
    is text, a Markdown code span or LaTeX math (`format`, as `autograd.explain.explain` writes them:
    the parameter's label and the loss's name as symbols). Raises ValueError when `p` is not one of the
    optimizer's parameters, `loss` is empty or `format` unknown, TypeError for an optimizer it does not
    explain, Overflow when a number of the step is not a finite float (as the optimizer's step does).
    """
    if format not in ("text", "markdown", "latex"):
        raise ValueError(f"explain_step: format must be 'text', 'markdown' or 'latex', got {format!r}")
    try:
        lines = _lines(optimizer, p, loss)
    except _NotFinite:
        raise Overflow(
            f"explain_step: the {type(optimizer).__name__} step of {p.describe()} overflows a float "
            f"(value {p.data!r}, gradient {p.grad!r}); the optimizer refuses to take it too"
        ) from None
    return [as_format(line, format, [p.label, loss]) for line in lines]


class _NotFinite(Exception):
    """A number of the step is not a finite float (`_result`)."""


def _lines(optimizer: Optimizer, p: Value, loss: str) -> list[str]:
    try:
        i = next(k for k, q in enumerate(optimizer.params) if q is p)
    except StopIteration:
        raise ValueError(f"explain_step: {p.describe()} is not one of this optimizer's parameters") from None
    if not isinstance(loss, str) or not loss:
        raise ValueError(f"explain_step: loss must be a non-empty name such as 'L', got {loss!r}")
    w = p.label or "w"
    g = p.grad + optimizer.weight_decay * p.data if optimizer.weight_decay else p.grad
    grad = _Gradient(f"∂{loss}/∂{w}", _n(g), g)
    if optimizer.weight_decay:
        # The optimizer steps along g + λ·w: bracketed, so that the numbers read as the arithmetic done.
        lam = optimizer.weight_decay
        grad = _Gradient(f"(∂{loss}/∂{w} + λ·{w})", f"({_n(p.grad)} + {_n(lam)} · {_n(p.data)})", g)
    if isinstance(optimizer, SGD):
        return _sgd(optimizer, i, p, w, grad)
    if isinstance(optimizer, Adam) and not optimizer.amsgrad:
        return _adam(optimizer, i, p, w, grad)
    raise TypeError(f"explain_step explains SGD (with or without momentum) and Adam, not {optimizer!r}")


class _Gradient(NamedTuple):
    """The gradient the update uses: its formula, its numbers (bracketed when a sum) and its value."""

    text: str
    numbers: str
    value: float

    def squared(self) -> tuple[str, str]:
        """(formula, numbers) of its square, bracketed once."""
        text = self.text if self.text.startswith("(") else f"({self.text})"
        return f"{text}²", f"{self.numbers}²"


def _sgd(opt: SGD, i: int, p: Value, w: str, grad: _Gradient) -> list[str]:
    eta, g = opt.lr, grad.value
    if not opt.momentum:
        new = p.data - eta * g
        return [f"{w} ← {w} − η·{grad.text} = {_n(p.data)} − {_n(eta)} · {grad.numbers} = {_result(new)}"]
    alpha, previous = opt.momentum, opt.velocity[i]
    change = -eta * g + alpha * previous
    numbers = f"−{_n(eta)} · {grad.numbers} + {_n(alpha)} · {_n(previous)}"
    lines = [f"Δ{w}(t) = −η·{grad.text} + α·Δ{w}(t − 1) = {numbers} = {_result(change)}"]
    if opt.nesterov:
        new = p.data + alpha * change - eta * g
        numbers = f"{_n(p.data)} + {_n(alpha)} · {_n(change)} − {_n(eta)} · {grad.numbers}"
        lines.append(f"{w} ← {w} + α·Δ{w}(t) − η·{grad.text} = {numbers} = {_result(new)}")
    else:
        lines.append(f"{w} ← {w} + Δ{w}(t) = {_n(p.data)} + {_n(change)} = {_result(p.data + change)}")
    return lines


def _adam(opt: Adam, i: int, p: Value, w: str, grad: _Gradient) -> list[str]:
    (b1, b2), eps, eta, t, g = opt.betas, opt.eps, opt.lr, opt.steps + 1, grad.value
    square, square_numbers = grad.squared()
    m = b1 * opt.m[i] + (1 - b1) * g
    v = b2 * opt.v[i] + (1 - b2) * g * g
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    new = p.data - eta * m_hat / (math.sqrt(v_hat) + eps)
    return [
        f"m = β₁·m + (1 − β₁)·{grad.text} = {_n(b1)} · {_n(opt.m[i])} + {_n(1 - b1)} · {grad.numbers}"
        f" = {_result(m)}",
        f"v = β₂·v + (1 − β₂)·{square} = {_n(b2)} · {_n(opt.v[i])} + {_n(1 - b2)} · {square_numbers}"
        f" = {_result(v)}",
        f"m̂ = m/(1 − β₁^t) = {_n(m)}/(1 − {_n(b1)}^{t}) = {_result(m_hat)}",
        f"v̂ = v/(1 − β₂^t) = {_n(v)}/(1 − {_n(b2)}^{t}) = {_result(v_hat)}",
        f"{w} ← {w} − η·m̂/(√v̂ + ε) = {_n(p.data)} − {_n(eta)} · {_n(m_hat)}/(√{_n(v_hat)} + {_n(eps)})"
        f" = {_result(new)}",
    ]


def _n(x: float) -> str:
    """A number as a factor or term: a negative one bracketed, as in the derivations."""
    text = _result(x)
    return f"({text})" if x < 0 else text


def _result(x: float) -> str:
    """A number that ends a line (the result): bare, as every view writes numbers (6.75142e−6). Raises
    _NotFinite for inf or nan (a squared gradient past 1.8e308, say)."""
    if not math.isfinite(x):
        raise _NotFinite
    return number(x, DIGITS)
