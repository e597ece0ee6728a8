"""The Value node: one number in a computation graph, the operation that made it, its local gradients."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from html import escape
from itertools import count
from typing import Any

from . import backward as _backward
from . import ops
from .errors import is_real
from .ops import ADD, MUL, Op, checked_forward, checked_local_grads

Number = int | float

_grad_enabled = True
_next_seq = count().__next__  # creation order: every node's parents are older than the node


def collector_paused(function: Callable[..., Any] | None = None) -> Any:
    """Pause Python's cyclic garbage collector: `with collector_paused():` a block, `@collector_paused` a
    function's every call. Afterwards it is on again, also after an error, and left off if it was off
    (the program's choice, or an outer block): nested blocks and calls restore exactly what they found.

    Graphs of Values hold no reference cycles, so reference counting frees them and the collector finds
    nothing in them; but each Value is an object it tracks, and while a graph is being built it runs
    every 700 new objects, its full collections walking every object of the process. `nn`'s forward
    passes and losses, `Value.backward` and fit's steps on Values run paused. A decorated call makes no
    object of its own before it pauses, so calls in a row (`[model(x) for x in xs]`) leave the
    collector no moment to run between them (CPython reuses the tuple and dict of their arguments).
    Process-wide, as `gc.disable()` is: another thread that switches the collector while a block runs
    may find it switched back after.
    """
    if function is None:
        return _paused_block()

    @wraps(function)
    def paused(*args: Any, **kwargs: Any) -> Any:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@contextmanager
def _paused_block() -> Iterator[None]:
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Value:
    """A scalar node of a computation graph: its value, gradient, parents, operation and label.

    `Value(data, label=None)` makes a leaf: `data` a real number (an int, a float, a NumPy float...),
    stored as a float; `label` a string or None. Raises TypeError for data that is not a real number
    (a bool, a complex, a string, a Value...) or a label that is not a string, ValueError for data that
    is not finite (nan, ±inf, an int too large for a float).
    """

    # Parents and local gradients live in slots of their own rather than in tuples: every op has at
    # most two inputs, and each tuple would be one more object for Python's cyclic garbage collector
    # to scan over and over (full collections dominate the run time of big graphs). `parents` and
    # `local` read them as tuples.
    __slots__ = ("data", "grad", "op", "params", "label", "seq", "_a", "_b", "_da", "_db")

    def __init__(self, data: Number, label: str | None = None) -> None:
        if data.__class__ is not float:
            data = _real(data, label)
        if not data - data == 0.0:
            raise ValueError(f"Value needs a finite number, got {data!r}{_where(label)}")
        if label is not None:
            _check_label(label)
        self.data = data
        self.grad = 0.0
        self.op = self.params = self._a = self._b = self._da = self._db = None
        self.label = label
        self.seq = _next_seq()

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the operation that made this node, in order (() for a leaf)."""
        if self._a is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    @property
    def local(self) -> tuple[float, ...]:
        """∂self/∂parent for each parent: the local gradients, computed when the node was made."""
        if self._a is None:
            return ()
        return (self._da,) if self._b is None else (self._da, self._db)

    @staticmethod
    def apply(op: Op, *args: Value | Number, **params: Any) -> Value:
        """Apply a rule-table operation to Values (or numbers, which become constants)."""
        if len(args) != op.arity:
            raise TypeError(f"{op.name} takes {op.arity} operand(s), got {len(args)}")
        return _made(op, [a if isinstance(a, Value) else _constant(a, op.name) for a in args], params)

    # --- naming and display ---------------------------------------------------------------------

    def named(self, label: str) -> Value:
        """Give this node a label (the slides' name for it) and return it, for use inline."""
        _check_label(label, required=True)
        self.label = label
        return self

    def describe(self) -> str:
        """How error messages name this node: its label, or what kind of node it is."""
        if self.label is not None:
            return f"node {self.label!r}"
        if self.op is not None:
            return f"an unlabelled {self.op.name} node"
        return f"an unlabelled leaf holding {self.data!r}"

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label is not None else ""
        return f"Value({self.data!r}{label}, grad={self.grad!r})"

    def __float__(self) -> float:
        return self.data

    def _repr_html_(self) -> str:
        """How Jupyter shows a node: a one-row table of its label, value, gradient and operation."""
        op = "leaf" if self.op is None else self.op.name
        if self.params:
            op += " (" + ", ".join(f"{k} = {v!r}" for k, v in self.params.items()) + ")"
        label = "<i>unlabelled</i>" if self.label is None else escape(self.label)
        cells = [label, f"{self.data:.6g}", f"{self.grad:.6g}", escape(op)]
        return (
            "<table><tr><th>label</th><th>value</th><th>grad</th><th>op</th></tr><tr>"
            + "".join(f"<td>{cell}</td>" for cell in cells)
            + "</tr></table>"
        )

    # --- arithmetic -----------------------------------------------------------------------------
    # + and * are the hot path of every network, so they skip apply()'s generality; their local
    # gradients are the rule table's: +'s its constant (1, 1), *'s its (b, a), stored as they are
    # (tests/autograd/test_fast_paths.py holds them to the table).

    def __add__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value and not isinstance(other, Value):
            other = _constant(other, "add")
        out = self.data + other.data
        if out - out != 0.0:
            return Value.apply(ADD, self, other)  # overflow: let apply() raise its error
        v = _new(Value)  # apply() by hand: this runs once per node of every network
        v.data = out
        v.grad = 0.0
        v.label = v.params = None
        v.seq = _next_seq()
        if _grad_enabled:
            v.op = ADD
            v._a = self
            v._b = other
            v._da, v._db = _ADD_LOCAL
        else:
            v.op = v._a = v._b = v._da = v._db = None
        return v

    def __radd__(self, other: Number) -> Value:
        return _constant(other, "add") + self

    def __mul__(self, other: Value | Number) -> Value:
        if other.__class__ is not Value and not isinstance(other, Value):
            other = _constant(other, "mul")
        a = self.data
        b = other.data
        out = a * b
        if out - out != 0.0:
            return Value.apply(MUL, self, other)
        v = _new(Value)
        v.data = out
        v.grad = 0.0
        v.label = v.params = None
        v.seq = _next_seq()
        if _grad_enabled:
            v.op = MUL
            v._a = self
            v._b = other
            v._da = b
            v._db = a
        else:
            v.op = v._a = v._b = v._da = v._db = None
        return v

    def __rmul__(self, other: Number) -> Value:
        return _constant(other, "mul") * self

    def __sub__(self, other: Value | Number) -> Value:
        return Value.apply(ops.SUB, self, other)

    def __rsub__(self, other: Number) -> Value:
        return Value.apply(ops.SUB, other, self)

    def __truediv__(self, other: Value | Number) -> Value:
        return Value.apply(ops.DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return Value.apply(ops.DIV, other, self)

    def __neg__(self) -> Value:
        return _made(ops.NEG, [self], _NO_PARAMS)

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):
            return Value.apply(ops.POW_VALUE, self, exponent)
        if not is_real(exponent):
            raise TypeError(f"pow: the exponent must be a number or a Value, got {exponent!r}")
        return Value.apply(ops.POW, self, n=exponent)

    def __rpow__(self, base: Number) -> Value:
        return Value.apply(ops.POW_VALUE, base, self)

    def __abs__(self) -> Value:
        return _made(ops.ABS, [self], _NO_PARAMS)

    # Comparisons compare values and return plain bools; == and hash stay identity, so nodes can be
    # dict keys. Inside `comparisons()` each is noted: a Python `if` on one decides the graph's shape.
    def __lt__(self, other: Value | Number) -> bool:
        return _noted(self, "<", other, self.data < _data(other))

    def __le__(self, other: Value | Number) -> bool:
        return _noted(self, "<=", other, self.data <= _data(other))

    def __gt__(self, other: Value | Number) -> bool:
        return _noted(self, ">", other, self.data > _data(other))

    def __ge__(self, other: Value | Number) -> bool:
        return _noted(self, ">=", other, self.data >= _data(other))

    # --- functions as methods -------------------------------------------------------------------

    def exp(self) -> Value:
        """e to the power of this node."""
        return _made(ops.EXP, [self], _NO_PARAMS)

    def log(self) -> Value:
        """Natural logarithm."""
        return _made(ops.LOG, [self], _NO_PARAMS)

    def sqrt(self) -> Value:
        """Square root."""
        return _made(ops.SQRT, [self], _NO_PARAMS)

    def abs(self) -> Value:
        """Absolute value."""
        return _made(ops.ABS, [self], _NO_PARAMS)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _made(ops.TANH, [self], _NO_PARAMS)

    def sigmoid(self) -> Value:
        """Logistic sigmoid σ."""
        return _made(ops.SIGMOID, [self], _NO_PARAMS)

    def relu(self) -> Value:
        """max(self, 0)."""
        return _made(ops.RELU, [self], _NO_PARAMS)

    def leaky_relu(self, slope: float = ops.LEAKY_SLOPE) -> Value:
        """self if self > 0 else slope·self. Raises TypeError for a slope that is not a real number."""
        if not is_real(slope):
            raise TypeError(f"leaky_relu: slope must be a number, got {type(slope).__name__} {slope!r}")
        return Value.apply(ops.LEAKY_RELU, self, slope=slope)

    def softplus(self) -> Value:
        """log(1 + e^self)."""
        return _made(ops.SOFTPLUS, [self], _NO_PARAMS)

    def step(self) -> Value:
        """The threshold Th: 1 if self > 0 else 0, gradient 0."""
        return _made(ops.STEP, [self], _NO_PARAMS)

    def sin(self) -> Value:
        """Sine."""
        return _made(ops.SIN, [self], _NO_PARAMS)

    def cos(self) -> Value:
        """Cosine."""
        return _made(ops.COS, [self], _NO_PARAMS)

    def max(self, other: Value | Number) -> Value:
        """The larger of this node and `other`."""
        return Value.apply(ops.MAX, self, other)

    def min(self, other: Value | Number) -> Value:
        """The smaller of this node and `other`."""
        return Value.apply(ops.MIN, self, other)

    def logaddexp(self, other: Value | Number) -> Value:
        """log(e^self + e^other), without overflow (PyTorch's logaddexp)."""
        return Value.apply(ops.LOGADDEXP, self, other)

    # --- gradients (the pass is in backward.py) -------------------------------------------------

    @collector_paused
    def backward(self, grad: float = 1.0) -> None:
        """Backpropagate from this node: adds ∂self/∂node · grad to `.grad` of every node of the graph.

        Gradients accumulate across calls, as in PyTorch: call `zero_grad()` between passes. Raises
        TypeError for a non-finite `grad`, Overflow naming the node whose gradient overflows.
        """
        _backward.backward(self, grad)

    @collector_paused
    def zero_grad(self) -> None:
        """Set `.grad` to 0 on every node of this node's graph."""
        _backward.zero_grad(self)


_new = object.__new__
_ADD_LOCAL = ADD.local_grads(0.0, 0.0, out=0.0)  # constant (1, 1): one tuple shared by every sum


_NO_PARAMS: dict[str, Any] = {}  # never changed: the settings of an op without any


def _made(op: Op, parents: list[Value], params: dict[str, Any]) -> Value:
    """The node op(*parents): apply() once its operands are Values."""
    xs = (parents[0].data,) if op.arity == 1 else (parents[0].data, parents[1].data)
    out = _forward(op, xs, params, parents)
    v = _new(Value)
    v.data = out
    v.grad = 0.0
    v.label = None
    v.seq = _next_seq()
    if _grad_enabled:
        local = _local_grads(op, xs, out, params, parents)
        v.op = op
        v.params = params or None
        v._a = parents[0]
        v._da = local[0]
        if op.arity == 2:
            v._b = parents[1]
            v._db = local[1]
        else:
            v._b = v._db = None
    else:
        v.op = v.params = v._a = v._b = v._da = v._db = None
    return v


# apply()'s checks, on the way that passes them: any failure is handed to ops.checked_forward and
# ops.checked_local_grads, which compute it again and raise their own errors (messages naming the
# operands). `x - x == 0.0` is math.isfinite(x) for a float, without the call.


def _forward(op: Op, xs: tuple, params: dict, parents: list[Value]) -> float:
    """op's value at xs, as ops.checked_forward computes it."""
    if op.domain is None or op.domain(*xs, **params) is None:
        try:
            out = op.forward(*xs, **params)
        except OverflowError:
            pass
        else:
            if out - out == 0.0:
                return out
    return checked_forward(op, xs, params, _describer(parents))


def _local_grads(op: Op, xs: tuple, out: float, params: dict, parents: list[Value]) -> tuple:
    """op's local gradients at xs, as ops.checked_local_grads computes them."""
    try:
        local = op.local_grads(*xs, out=out, **params)
    except (ZeroDivisionError, OverflowError):
        pass
    else:
        if local[0] - local[0] == 0.0 and (len(local) == 1 or local[1] - local[1] == 0.0):
            return local
    return checked_local_grads(op, xs, out, params, _describer(parents))


def _describer(parents: list[Value]) -> Any:
    return lambda i: parents[i].describe()


def _check_label(label: object, required: bool = False) -> None:
    if (required or label is not None) and not isinstance(label, str):
        raise TypeError(f"a label must be a string, got {type(label).__name__} {label!r}")


def _real(x: object, label: str | None) -> float:
    if not is_real(x):
        raise TypeError(f"Value needs a real number, got {type(x).__name__} {_short(x)}{_where(label)}")
    try:
        return float(x)
    except OverflowError:
        raise ValueError(
            f"Value needs a finite number, got {_short(x)}, too large for a float{_where(label)}"
        ) from None


def _short(x: object) -> str:
    text = repr(x)
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"


def _where(label: str | None) -> str:
    return f" (label {label!r})" if label else ""


def _constant(x: object, op_name: str) -> Value:
    """A plain number used in an operation becomes an unlabelled leaf."""
    # floats and ints (the usual constants) skip the call; bool's class is bool, so it is checked
    if x.__class__ is not float and x.__class__ is not int and not is_real(x):
        raise TypeError(f"{op_name}: operands must be Values or numbers, got {type(x).__name__} {x!r}")
    return Value(x)


Comparison = tuple["Value", str, "Value | float", bool]  # (a, "<", b, the answer)
_noting: list[Comparison] | None = None


@contextmanager
def comparisons() -> Iterator[list[Comparison]]:
    """The comparisons of Values made inside the block, each as (a, op, b, answer), op one of
    `< <= > >=`. Replay reads them as guards: a graph recorded for one sample holds for another only
    if every comparison answers the same for it (a Python `if` on a value chose the recorded branch)."""
    global _noting
    outer, _noting = _noting, []
    try:
        yield _noting
    finally:
        _noting = outer


def _noted(a: Value, op: str, b: Value | Number, answer: bool) -> bool:
    if _noting is not None:
        _noting.append((a, op, b if isinstance(b, Value) else float(b), answer))
    return answer


def _data(x: Value | Number) -> float:
    return x.data if isinstance(x, Value) else x


def is_grad_enabled() -> bool:
    """Whether operations currently record a graph."""
    return _grad_enabled


@contextmanager
def set_grad_enabled(enabled: bool) -> Iterator[None]:
    """Record graphs (True) or not (False) inside the block."""
    global _grad_enabled
    previous = _grad_enabled
    _grad_enabled = enabled
    try:
        yield
    finally:
        _grad_enabled = previous


def no_grad() -> Any:
    """A context in which operations compute values but record no graph."""
    return set_grad_enabled(False)
