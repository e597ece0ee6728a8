"""The rule table: every operation's value and local gradients, defined once. The only calculus here.

Each `local_grads` is written with operators and the generic functions at the bottom of this file (never
`math.*`), so one rule serves ordinary backward (floats) and `create_graph` (Values, higher derivatives).
Formulas use `a`, `b` for the inputs, `out` for the result and the names of the op's settings (`n`,
`slope`); the renderer and the explainer substitute node labels for them.

`formula` is what every view shows, as the slides write it (σ′ = out·(1 − out)). Where that form loses
relative precision (1 − out² is 0 for tanh(20), whose slope is 1.7e-17), `precise_formula` says the same
derivative in a form that keeps it; `local_grads`, the page (JavaScript) and replay (NumPy) compute that
form. The local gradients of σ and tanh are within a few ulps of the true value for every input.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import DIVISION_BY_ZERO, DomainError, Overflow, ZeroDivision, describe_operands


@dataclass(frozen=True)
class Op:
    """One row of the rule table."""

    name: str
    arity: int
    forward: Callable[..., float]
    local_grads: Callable[..., tuple]
    formula: tuple[str, ...]  # ∂out/∂input for each input, as text: what the views show
    symbol: str  # what a picture of the graph shows for the operation
    domain: Callable[..., str | None] | None = None  # reason the inputs are invalid, or None
    note: str = ""  # conventions at points where the derivative is not defined
    expression: str = ""  # the value as text, in the formulas' notation (the page evaluates it)
    # A unit's nonlinearity f(net) in a network (the slides' σ, tanh, ReLU...): what the δ view, the
    # network picture and nn's layers take as an activation.
    activation: bool = False
    # Differentiable everywhere in its domain; False for a kink, a jump or a tie (see `note`), where
    # central differences straddle two slopes and the gradient is a convention.
    smooth: bool = True
    # The same ∂out/∂input as `formula`, rewritten to keep relative precision where `formula` loses it;
    # empty when `formula` is computed as written. See `computed_formula`.
    precise_formula: tuple[str, ...] = ()

    @property
    def computed_formula(self) -> tuple[str, ...]:
        """The text `local_grads` computes (and the page and replay translate): precise, else shown."""
        return self.precise_formula or self.formula

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def checked_forward(op: Op, xs, params, describe) -> float:
    """Run `op.forward`, turning domain violations and overflow into errors that name the operands.

    `describe(i)` names the node that input `i` came from (None for plain floats).
    """
    if op.domain is not None:
        reason = op.domain(*xs, **params)
        if reason is not None:
            error = ZeroDivision if DIVISION_BY_ZERO in reason else DomainError
            raise error(f"{reason}; got {describe_operands(xs, params, describe)}")
    try:
        out = op.forward(*xs, **params)
    except OverflowError:
        out = math.inf
    if not math.isfinite(out):
        raise Overflow(
            f"{op.name}: the result overflows a float (|value| > 1.8e308); "
            f"got {describe_operands(xs, params, describe)}"
        )
    return out


def checked_local_grads(op: Op, xs, out, params, describe) -> tuple:
    """Local gradients on floats; an infinite one (sqrt at 0, say) is an error, never a silent inf."""
    try:
        local = op.local_grads(*xs, out=out, **params)
        if all(math.isfinite(g) for g in local):
            return local
    except (ZeroDivisionError, OverflowError):
        pass
    raise DomainError(
        f"{op.name}: the value is {out!r} but its gradient ({', '.join(op.formula)}) is not finite there; "
        f"got {describe_operands(xs, params, describe)}"
    )


# --- forward functions that need care ----------------------------------------------------------------


def _sigmoid(a: float) -> float:
    # Two branches so that exp never overflows, for any a.
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _softplus(a: float) -> float:
    # log(1 + e^a) = max(a, 0) + log(1 + e^-|a|): never overflows.
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


def _logaddexp(a: float, b: float) -> float:
    # log(e^a + e^b) = m + log(1 + e^−|a − b|) with m the larger: never overflows before the result does,
    # and a tiny e^−|a − b| is kept (log1p), not rounded away in 1 + …. Its gradient ∂/∂a = e^a/(e^a + e^b)
    # is σ(a − b), the softmax of two (Goodfellow et al., Deep Learning, §6.2.2.3 and §4.1).
    return a + math.log1p(math.exp(b - a)) if a >= b else b + math.log1p(math.exp(a - b))


def _pow_domain(a: float, n: float) -> str | None:
    if a == 0 and n < 0:
        return f"a ** n: zero to a negative power is a {DIVISION_BY_ZERO}"
    if a < 0 and n != int(n):
        return "a ** n: a negative number to a non-integer power is not a real number"
    return None


def _pow_value_domain(a: float, b: float) -> str | None:
    if a < 0:
        return (
            "a ** b with a Value exponent b needs a ≥ 0 (its gradient with respect to b, out·log(a), "
            "is not a real number for a < 0)"
        )
    if a == 0 and b < 0:
        return f"a ** b: zero to a negative power is a {DIVISION_BY_ZERO}"
    return None


SMALLEST_NORMAL = 2.2250738585072014e-308  # below it a float keeps fewer than 53 bits


def _pow_base_slope(a, b, out):
    # ∂(a^b)/∂a = b·a^(b−1), written b·out/a while out is a normal float: a^(b−1) overflows for a tiny a
    # (5e-324^−1) while b·out/a is finite. Where out underflows (digits lost; 0 at a = 0 for b > 0),
    # a^(b−1) = out/a < 4.5e15 cannot overflow, so b·a^(b−1) is computed as written. At a = 0 = b,
    # 0^0 = 1 and ∂/∂a = 0, as in PyTorch.
    if out < SMALLEST_NORMAL:
        return b * a ** (b - 1)
    return b * out / a if a > 0 else 0.0


def _tanh_slope(a):
    # tanh′(a) = 1/cosh²(a) = 4·σ(2a)·σ(−2a), which keeps its digits where 1 − out² is 0 (a ≥ 19.1).
    # Beyond |a| = 400 it is below the smallest float (4e^−800), and 2a would overflow past 9e307.
    if a > 400 or a < -400:
        return 0.0
    return 4.0 * sigmoid(2.0 * a) * sigmoid(-2.0 * a)


LEAKY_SLOPE = 0.01  # leaky_relu's slope for a < 0 unless told (PyTorch's negative_slope)


def _tie(a, b) -> bool:
    return not (a > b or a < b)


# --- the table ---------------------------------------------------------------------------------------

ADD = Op("add", 2, lambda a, b: a + b, lambda a, b, out: (1.0, 1.0), ("1", "1"), "+", expression="a + b")
SUB = Op("sub", 2, lambda a, b: a - b, lambda a, b, out: (1.0, -1.0), ("1", "−1"), "−", expression="a − b")
MUL = Op("mul", 2, lambda a, b: a * b, lambda a, b, out: (b, a), ("b", "a"), "·", expression="a·b")
DIV = Op(
    "div",
    2,
    lambda a, b: a / b,
    # −a/b² written as −out/b: b² underflows to 0 for |b| < 1e-154 while the derivative is finite.
    lambda a, b, out: (1.0 / b, -out / b),
    ("1/b", "−out/b"),
    "/",
    domain=lambda a, b: f"a / b: {DIVISION_BY_ZERO}" if b == 0 else None,
    expression="a/b",
)
NEG = Op("neg", 1, lambda a: -a, lambda a, out: (-1.0,), ("−1",), "−", expression="−a")
POW = Op(
    "pow",
    1,
    lambda a, n: a**n,
    # x⁰ is the constant 1: its gradient is 0 even at a = 0, where n·a^(n−1) would be 0·∞.
    lambda a, out, n: (0.0 if n == 0 else n * a ** (n - 1),),
    ("0 if n = 0 else n·a^(n−1)",),
    "^",
    domain=_pow_domain,
    expression="a^n",
)
POW_VALUE = Op(
    "pow_value",
    2,
    lambda a, b: a**b,
    lambda a, b, out: (_pow_base_slope(a, b, out), 0.0 if _tie(a, 0.0) else out * log(a)),
    ("b·a^(b−1)", "out·log(a)"),
    "^",
    domain=_pow_value_domain,
    note=(
        "at a = 0 the limits from a > 0: 0^b = 0 for b > 0, with ∂/∂b = 0 and ∂/∂a = b·0^(b−1) "
        "(infinite for 0 < b < 1, an error); 0^0 = 1 with both gradients 0, as in PyTorch"
    ),
    expression="a^b",
    precise_formula=(
        "b·a^(b−1) if out < 2.2250738585072014e−308 else b·out/a if a > 0 else 0",
        "0 if a = 0 else out·log(a)",
    ),
)
EXP = Op("exp", 1, math.exp, lambda a, out: (out,), ("out",), "exp", expression="exp(a)")
LOG = Op(
    "log",
    1,
    math.log,
    lambda a, out: (1.0 / a,),
    ("1/a",),
    "log",
    domain=lambda a: None if a > 0 else "log(a) needs a > 0",
    expression="log(a)",
)
SQRT = Op(
    "sqrt",
    1,
    math.sqrt,
    lambda a, out: (0.5 / out,),
    ("1/(2·out)",),
    "√",
    domain=lambda a: None if a >= 0 else "sqrt(a) needs a ≥ 0",
    expression="sqrt(a)",
)
ABS = Op(
    "abs",
    1,
    abs,
    lambda a, out: (1.0 if a > 0 else -1.0 if a < 0 else 0.0,),
    ("1 if a > 0 else −1 if a < 0 else 0",),
    "|·|",
    note="at a = 0 the gradient is 0, as in PyTorch",
    expression="abs(a)",
    smooth=False,
)
TANH = Op(
    "tanh",
    1,
    math.tanh,
    lambda a, out: (_tanh_slope(a),),
    ("1 − out²",),
    "tanh",
    expression="tanh(a)",
    activation=True,
    precise_formula=("4·σ(2·a)·σ(−2·a)",),  # 1 − out² is 0 for a ≥ 19.1: see _tanh_slope
)
SIGMOID = Op(
    "sigmoid",
    1,
    _sigmoid,
    lambda a, out: (out * sigmoid(-a),),
    ("out·(1 − out)",),
    "σ",
    expression="1/(1 + exp(−a))",
    activation=True,
    # σ′ = σ(a)·σ(−a): 1 − out is 0 for a ≥ 36.8, where σ′(40) = 4.25e-18
    precise_formula=("out·σ(−a)",),
)
RELU = Op(
    "relu",
    1,
    lambda a: a if a > 0 else 0.0,
    lambda a, out: (1.0 if a > 0 else 0.0,),
    ("1 if a > 0 else 0",),
    "ReLU",
    note="at a = 0 the gradient is 0, as in PyTorch",
    expression="a if a > 0 else 0",
    activation=True,
    smooth=False,
)
LEAKY_RELU = Op(
    "leaky_relu",
    1,
    lambda a, slope: a if a > 0 else slope * a,
    lambda a, out, slope: (1.0 if a > 0 else slope,),
    ("1 if a > 0 else slope",),
    "LReLU",
    note="at a = 0 the gradient is slope, as in PyTorch",
    expression="a if a > 0 else slope·a",
    activation=True,
    smooth=False,
)
SOFTPLUS = Op(
    "softplus",
    1,
    _softplus,
    lambda a, out: (sigmoid(a),),
    ("σ(a)",),
    "softplus",
    expression="a + log(1 + exp(−a)) if a > 0 else log(1 + exp(a))",
    activation=True,
)
STEP = Op(
    "step",
    1,
    lambda a: 1.0 if a > 0 else 0.0,
    lambda a, out: (0.0,),
    ("0",),
    "Th",
    note="the threshold Th(a) = 1 if a > 0 else 0; its gradient is 0 everywhere (undefined at 0)",
    expression="1 if a > 0 else 0",
    activation=True,
    smooth=False,
)
SIN = Op("sin", 1, math.sin, lambda a, out: (cos(a),), ("cos(a)",), "sin", expression="sin(a)")
COS = Op("cos", 1, math.cos, lambda a, out: (-sin(a),), ("−sin(a)",), "cos", expression="cos(a)")
MAX = Op(
    "max",
    2,
    lambda a, b: a if a >= b else b,
    lambda a, b, out: (0.5, 0.5) if _tie(a, b) else (1.0, 0.0) if a > b else (0.0, 1.0),
    ("1 if a > b else 0 if a < b else 0.5", "1 if b > a else 0 if b < a else 0.5"),
    "max",
    note="at a tie each input gets half the gradient, as in PyTorch's maximum",
    expression="a if a >= b else b",
    smooth=False,
)
MIN = Op(
    "min",
    2,
    lambda a, b: a if a <= b else b,
    lambda a, b, out: (0.5, 0.5) if _tie(a, b) else (1.0, 0.0) if a < b else (0.0, 1.0),
    ("1 if a < b else 0 if a > b else 0.5", "1 if b < a else 0 if b > a else 0.5"),
    "min",
    note="at a tie each input gets half the gradient, as in PyTorch's minimum",
    expression="a if a <= b else b",
    smooth=False,
)
LOGADDEXP = Op(
    "logaddexp",
    2,
    _logaddexp,
    lambda a, b, out: (sigmoid(a - b), sigmoid(b - a)),
    ("σ(a − b)", "σ(b − a)"),
    "logaddexp",
    expression="a + log(1 + exp(b − a)) if a >= b else b + log(1 + exp(a − b))",
)

# The activations in the order of the first deck's table (σ, tanh, ReLU, leaky ReLU, softplus), then the
# threshold: nn lists its activations (and says its choices) in this order.
OPS: dict[str, Op] = {
    op.name: op
    for op in (
        ADD, SUB, MUL, DIV, NEG, POW, POW_VALUE, EXP, LOG, SQRT, ABS, SIGMOID, TANH,
        RELU, LEAKY_RELU, SOFTPLUS, STEP, SIN, COS, MAX, MIN, LOGADDEXP,
    )
}  # fmt: skip


# --- generic functions: floats in, float out; a Value in, a Value (a graph node) out --------------


_OPERANDS = {1: ("x",), 2: ("a", "b")}  # the operands' names in help(): x for one, a and b for two


def _generic(op: Op, doc: str, params: tuple[str, ...] = (), overflows: bool = False) -> Callable[..., Any]:
    """`op` as a function of numbers or Values, with a signature (its operands, then `params` by
    keyword) and a docstring that say what it takes, gives and raises (`overflows`: its value can be
    too large for a float when its operands are not)."""

    def generic(*xs, **params):
        for x in xs:
            if not isinstance(x, (int, float)):
                return type(x).apply(op, *xs, **params)
        return checked_forward(op, xs, params, describe=None)

    operand = inspect.Parameter.POSITIONAL_ONLY
    generic.__signature__ = inspect.Signature(
        [inspect.Parameter(name, operand, annotation="float | Value") for name in _OPERANDS[op.arity]]
        + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation="float") for name in params],
        return_annotation="float | Value",
    )
    errors = ["TypeError for other than " + ("one operand" if op.arity == 1 else "two operands")]
    if op.domain is not None:
        errors.append("DomainError outside its domain")
    if overflows:
        errors.append("Overflow when the value is too large for a float")
    generic.__name__ = generic.__qualname__ = op.name
    generic.__doc__ = (
        f"{doc}\n\nNumbers in, a float out; a Value among the operands, a Value (a graph node) out.\n"
        f"Raises {', '.join(errors)}."
    )
    return generic


exp = _generic(EXP, "e to the power x.", overflows=True)
log = _generic(LOG, "Natural logarithm (x > 0).")
sqrt = _generic(SQRT, "Square root (x ≥ 0).")
tanh = _generic(TANH, "Hyperbolic tangent.")
sigmoid = _generic(SIGMOID, "Logistic sigmoid σ(x) = 1/(1 + e^-x), without overflow.")
relu = _generic(RELU, "max(x, 0).")
softplus = _generic(SOFTPLUS, "log(1 + e^x), without overflow.")
step = _generic(STEP, "The threshold Th(x) = 1 if x > 0 else 0 (gradient 0).")
sin = _generic(SIN, "Sine.")
cos = _generic(COS, "Cosine.")
_leaky_relu = _generic(LEAKY_RELU, "x if x > 0 else slope·x.", ("slope",), overflows=True)
_abs = _generic(ABS, "|x| (gradient 0 at 0).")
maximum = _generic(MAX, "The larger of two numbers (ties split the gradient).")
minimum = _generic(MIN, "The smaller of two numbers (ties split the gradient).")
logaddexp = _generic(LOGADDEXP, "log(e^a + e^b), without overflow (the two-term logsumexp).", overflows=True)


def leaky_relu(x: Any, slope: float = LEAKY_SLOPE) -> Any:
    """x if x > 0 else slope·x."""
    return _leaky_relu(x, slope=slope)


def absolute(x: Any) -> Any:
    """|x| (gradient 0 at 0)."""
    return _abs(x)
