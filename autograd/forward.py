"""Forward mode from the same rule table: `jvp(f, primals, tangents)` and `jacobian(f, mode)`.

Forward mode carries a tangent v̇ᵢ = Σₖ ∂vᵢ/∂argₖ · v̇(argₖ) along with each value, from the inputs to
the outputs, with the local gradients ∂vᵢ/∂argₖ the rule table recorded on each node: one sweep gives
one directional derivative J·ẋ. Reverse mode (backprop) carries adjoints from an output back: one
sweep gives one row of J. So the full Jacobian of f: Rⁿ → Rᵐ takes n forward sweeps or m reverse
sweeps (Griewank & Walther 2008, §3.1-3.2; Baydin et al. 2018, §3.1-3.2). Both sweeps run over the
evaluation trace (`autograd.trace`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any, Literal

from .functional import inside_transform
from .trace import Trace, trace
from .value import Value, set_grad_enabled

Mode = Literal["forward", "reverse", "auto"]


def jvp(f: Callable[..., Any], primals: Sequence[float], tangents: Sequence[float]) -> tuple[Any, Any]:
    """(f(*primals), J·tangents): f's value and its derivative in the direction `tangents`, by one
    forward-mode sweep (JAX's `jax.jvp`).

    f takes Values and returns one Value (then both results are floats) or a sequence of Values (then
    both are lists). f may itself be a transform: jvp(grad(f), x, v) is the Hessian-vector product
    H·v (forward over reverse). A single number is accepted for one primal or one tangent. Raises
    TypeError for non-numbers or an f that returns something else, ValueError when primals and
    tangents differ in length; the engine's DomainError or Overflow from f.
    """
    xs, ts = _numbers(primals, "jvp: primals"), _numbers(tangents, "jvp: tangents")
    if len(xs) != len(ts):
        raise ValueError(f"jvp: {len(xs)} primal(s) but {len(ts)} tangent(s)")
    program, several = _trace_of(f, xs, "jvp")
    dots, _ = program.tangents(ts)
    values = [_value(program, y) for y in program.outputs]
    derivatives = [_value(program, y, dots) for y in program.outputs]
    return (values, derivatives) if several else (values[0], derivatives[0])


@dataclass(frozen=True)
class Jacobian:
    """The m×n Jacobian ∂fᵢ/∂xⱼ of f at a point, and what computing it cost.

    `matrix[i][j]` is ∂fᵢ/∂xⱼ; `value` is f's value (a list of m floats); `mode` the mode used;
    `passes` the sweeps it took (n forward, or m reverse); `multiply_adds` how many the sweeps did.
    """

    matrix: list[list[float]]
    value: list[float]
    mode: str
    passes: int
    multiply_adds: int


def jacobian(f: Callable[..., Any], mode: Mode = "auto") -> Callable[..., Jacobian]:
    """The function x ↦ Jacobian of f at x, for f: Rⁿ → Rᵐ (f returns a Value or a list of Values).

    mode "forward" takes n tangent sweeps (one column each), "reverse" m adjoint sweeps (one row
    each); "auto" takes forward when n < m and reverse otherwise, the cheaper of the two. The result
    says which and how many passes it took. Raises ValueError for an unknown mode, TypeError for
    arguments that are not numbers.
    """
    if mode not in ("forward", "reverse", "auto"):
        raise ValueError(f"jacobian: mode must be 'forward', 'reverse' or 'auto', got {mode!r}")

    def jacobian_f(*args: float) -> Jacobian:
        program, _ = _trace_of(f, _numbers(args, "jacobian: the arguments"), "jacobian")
        n, m = program.n_inputs, len(program.outputs)
        chosen = mode if mode != "auto" else ("forward" if n < m else "reverse")
        sweep = _columns if chosen == "forward" else _rows
        matrix, done = sweep(program)
        value = [_value(program, y) for y in program.outputs]
        return Jacobian(matrix, value, chosen, n if chosen == "forward" else m, done)

    jacobian_f.__name__ = f"jacobian_{getattr(f, '__name__', 'f')}"
    return jacobian_f


def _columns(program: Trace) -> tuple[list[list[float]], int]:
    n = program.n_inputs
    columns, total = [], 0
    for j in range(n):
        dots, done = program.tangents([1.0 if k == j else 0.0 for k in range(n)])
        columns.append([_value(program, y, dots) for y in program.outputs])
        total += done
    return [list(row) for row in zip(*columns)] if columns else [[] for _ in program.outputs], total


def _rows(program: Trace) -> tuple[list[list[float]], int]:
    rows, total = [], 0
    for i in range(len(program.outputs)):
        bars, done = program.adjoints(i)
        rows.append(bars[: program.n_inputs])
        total += done
    return rows, total


def _trace_of(f: Callable[..., Any], xs: list[float], caller: str) -> tuple[Trace, bool]:
    """The trace of f at xs, and whether f returned a sequence (several outputs)."""
    leaves = [Value(x, label=f"x{k}") for k, x in enumerate(xs, 1)]
    # Inside a transform, a grad(g) inside f returns Values (graphs), so jvp(grad(g)) sees through it.
    with set_grad_enabled(True), inside_transform():
        out = f(*leaves)
    several = isinstance(out, (list, tuple))
    outputs = list(out) if several else [out]
    for y in outputs:
        if not isinstance(y, Value) and (isinstance(y, bool) or not isinstance(y, Real)):
            name = getattr(f, "__name__", "f")
            raise TypeError(
                f"{caller}: {name} must return Values (one or a sequence), got {type(y).__name__} {y!r}"
            )
    return trace(outputs, inputs=leaves), several


def _value(program: Trace, y: Any, values: list[float] | None = None) -> float:
    """Output y's entry of `values` (by default the primal values); 0 tangent for a constant output."""
    if not isinstance(y, int):
        return y.value if values is None else 0.0
    step = program[y]
    return step.value if values is None else values[y + program.n_inputs - 1]


def _numbers(xs: Any, what: str) -> list[float]:
    if isinstance(xs, Real) and not isinstance(xs, bool):
        return [float(xs)]
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence):
        raise TypeError(f"{what} must be a sequence of numbers, got {type(xs).__name__} {xs!r}")
    for x in xs:
        if isinstance(x, bool) or not isinstance(x, Real):
            raise TypeError(f"{what} must hold numbers, got {type(x).__name__} {x!r}")
    return [float(x) for x in xs]
