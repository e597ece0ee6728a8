"""Hypothesis strategies: each rule-table op's domain, and random expression graphs over the table."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import assume
from hypothesis import strategies as st

import autograd
from autograd import OPS, Value
from autograd.errors import DomainError
from autograd.ops import checked_forward, checked_local_grads

# Inputs stay within ±5 so that central differences (eps = 1e-6) are accurate to ~1e-9.
real = st.floats(-5, 5, allow_nan=False, allow_infinity=False)
positive = st.floats(0.05, 5)
nonzero = st.tuples(st.floats(0.05, 5), st.booleans()).map(lambda t: t[0] if t[1] else -t[0])


def _apart(a: float, b: float) -> bool:
    return abs(a - b) > 0.01


def _pow_args():
    # Integer exponents take any nonzero base; others need a positive base.
    def base_for(n):
        return (nonzero if float(n).is_integer() else positive).map(lambda a: ((a,), {"n": n}))

    return st.sampled_from([-2, -1, 0, 1, 2, 3, 0.5, 1.5, -0.5, 2.5]).flatmap(base_for)


def _unary(xs) -> st.SearchStrategy:
    return xs.map(lambda a: ((a,), {}))


def _binary(xs, ys, keep=lambda a, b: True) -> st.SearchStrategy:
    return st.tuples(xs, ys).filter(lambda t: keep(*t)).map(lambda t: (t, {}))


# op name -> strategy of (args, params) inside the op's domain, away from kinks (where the derivative
# is not defined and central differences straddle two slopes) and away from the edges of floats, so that
# central differences (a fixed step) are accurate there.
INTERIOR: dict[str, st.SearchStrategy] = {
    "add": _binary(real, real),
    "sub": _binary(real, real),
    "mul": _binary(real, real),
    "div": _binary(real, nonzero),
    "neg": _unary(real),
    "pow": _pow_args(),
    "pow_value": _binary(positive, st.floats(-2, 2)),
    "exp": _unary(real),
    "log": _unary(positive),
    "sqrt": _unary(positive),
    "abs": _unary(nonzero),
    "tanh": _unary(real),
    "sigmoid": _unary(real),
    "relu": _unary(nonzero),
    "leaky_relu": st.tuples(nonzero, st.floats(0, 0.5)).map(lambda t: ((t[0],), {"slope": t[1]})),
    "softplus": _unary(real),
    "step": _unary(nonzero),
    "sin": _unary(real),
    "cos": _unary(real),
    "max": _binary(real, real, _apart),
    "min": _binary(real, real, _apart),
    "logaddexp": _binary(real, real),
}

# --- the edges of every op's domain ----------------------------------------------------------------

TINY = 5e-324  # the smallest positive float (subnormal)
SMALLEST_NORMAL = 2.2250738585072014e-308
LARGEST = 1.7976931348623157e308
EDGE_REALS = (0.0, 1.0, -1.0, TINY, -TINY, SMALLEST_NORMAL, -SMALLEST_NORMAL, LARGEST, -LARGEST)
# Exact integers (and their float twins) as exponents, with the fractional ones that change the domain.
EDGE_EXPONENTS = (-2, -1, 0, 1, 2, 3, 0.0, 1.0, -1.0, 0.5, -0.5, 1.5)
_EDGE_PARAMS = {"leaky_relu": [{"slope": 0.01}, {"slope": 0.0}]}


def _edge_points(name: str) -> list[tuple[tuple[float, ...], dict]]:
    if name == "pow":
        return [((a,), {"n": n}) for a in EDGE_REALS for n in EDGE_EXPONENTS]
    if name == "pow_value":  # a Value exponent: the same exponents (0^b's limits), and the edge floats
        exponents = tuple(dict.fromkeys(float(n) for n in (*EDGE_EXPONENTS, *EDGE_REALS)))
        return [((a, b), {}) for a in EDGE_REALS for b in exponents]
    settings = _EDGE_PARAMS.get(name, [{}])
    if OPS[name].arity == 1:
        return [((a,), p) for a in EDGE_REALS for p in settings]
    return [((a, b), p) for a in EDGE_REALS for b in EDGE_REALS for p in settings]


# op name -> every edge point of its arguments (0, ±1, the smallest and largest floats; exact integer
# exponents), defined there or not: tests/autograd/test_edges.py holds each to an independent reference.
EDGES: dict[str, list[tuple[tuple[float, ...], dict]]] = {name: _edge_points(name) for name in OPS}


def defined(name: str, args: tuple, params: dict) -> bool:
    """Whether the engine gives op `name` a finite value and finite local gradients at `args`."""
    op = OPS[name]
    try:
        out = checked_forward(op, args, params, describe=lambda i: "x")
        checked_local_grads(op, args, out, params, describe=lambda i: "x")
    except DomainError:
        return False
    return True


# op name -> strategy of (args, params) over the op's whole domain: the interior, and the edge points where
# the op and its local gradients are defined, so that every property over DOMAINS meets the edges too.
DOMAINS: dict[str, st.SearchStrategy] = {
    name: st.one_of(st.sampled_from([(a, p) for a, p in EDGES[name] if defined(name, a, p)]), INTERIOR[name])
    for name in OPS
}


# Ops written as Python operators; every other op is a Value method and an autograd function of its name.
OPERATORS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda a: -a,
    "pow": lambda a, n: a**n,
    "pow_value": lambda a, b: a**b,
}


# --- random expression graphs ----------------------------------------------------------------------

# Ops with a restricted domain get inputs mapped into it first, so random graphs stay valid.
_SAFE_INPUT = {
    "log": lambda a: a * a + 0.5,
    "sqrt": lambda a: a * a + 0.5,
    "pow": lambda a: a * a + 0.5,
    "pow_value": lambda a: a * a + 0.5,
}
_PARAMS = {"pow": [{"n": 2}, {"n": -1}, {"n": 0.5}, {"n": 3}], "leaky_relu": [{"slope": 0.1}]}


@dataclass(frozen=True)
class Program:
    """A random graph as a list of steps (op name, indices of earlier nodes, params) over some inputs."""

    inputs: tuple[float, ...]
    steps: tuple[tuple[str, tuple[int, ...], dict], ...]

    def run(self, *xs, lib) -> list:
        """Evaluate with a library of op implementations (`lib[name](*args, **params)`); all nodes."""
        nodes = list(xs)
        for name, args, params in self.steps:
            operands = [nodes[i] for i in args]
            if name == "div":
                operands[1] = operands[1] * operands[1] + 0.5
            elif name in _SAFE_INPUT:
                operands[0] = _SAFE_INPUT[name](operands[0])
            nodes.append(lib[name](*operands, **params))
        return nodes


ALL_OPS = tuple(sorted(OPS))


@st.composite
def programs(draw, ops=ALL_OPS, must_use=None, n_inputs=3, max_steps=8) -> Program:
    """A random DAG: each step applies an op to earlier nodes (reuse allowed: shared subexpressions)."""
    inputs = tuple(draw(st.floats(-2, 2)) for _ in range(n_inputs))
    n_steps = draw(st.integers(1, max_steps))
    steps = []
    for k in range(n_steps):
        name = must_use if (k == 0 and must_use) else draw(st.sampled_from(ops))
        available = n_inputs + k
        args = tuple(draw(st.integers(0, available - 1)) for _ in range(OPS[name].arity))
        params = draw(st.sampled_from(_PARAMS[name])) if name in _PARAMS else {}
        steps.append((name, args, params))
    return Program(inputs, tuple(steps))


def engine_lib() -> dict:
    """The engine's ops by rule-table name, for Program.run."""
    return {name: _applier(op) for name, op in OPS.items()}


def _applier(op):
    return lambda *xs, **params: Value.apply(op, *xs, **params)


def program_output(program: Program, *xs):
    """Σ of every node of the program (inputs included), so every node reaches the output."""
    return autograd.sum(program.run(*xs, lib=engine_lib()))


@st.composite
def labelled_graphs(draw) -> Value:
    """A random program's steps summed into `out`, some of them labelled n0, n1…: graphs whose links run
    through unlabelled nodes, as explain and the page write them. Programs that raise are rejected."""
    program = draw(programs(max_steps=7))
    try:
        nodes = program.run(*[Value(x) for x in program.inputs], lib=engine_lib())
    except ArithmeticError:
        assume(False)
    root = nodes[0]
    for n in nodes[1:]:
        root = root + n
    for k, node in enumerate(nodes):
        if draw(st.booleans()):
            node.named(f"n{k}")
    return root.named("out")
