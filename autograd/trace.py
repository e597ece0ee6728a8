"""The evaluation trace (Wengert list): a graph as a flat program of rule-table operations.

The layout is the AD literature's (Griewank & Walther, "Evaluating Derivatives", 2nd ed. 2008, §2.2;
Baydin et al., "Automatic differentiation in machine learning: a survey", JMLR 2018, tables 2 and 3):
the n inputs are v₋ₙ₊₁ … v₀, then every elementary operation in evaluation order is v₁, v₂, …, each
naming the op (a row of the rule table), its operands (earlier indices, or constants written into the
program) and its settings. Like Autodidax's jaxpr and its `eval_jaxpr`, the program can be evaluated
again on new inputs (`Trace.evaluate`), and both sweeps of automatic differentiation run over it: the
tangent sweep (forward mode, `Trace.tangents`) and the adjoint sweep (reverse mode, `Trace.adjoints`),
both with the local gradients the rule table recorded on the nodes, so nothing here is new calculus.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

from .graph import topological_order
from .ops import Op, checked_forward
from .value import Value, set_grad_enabled


@dataclass(frozen=True)
class Literal:
    """A constant operand: a number the program uses that is not an input (the 2 of 2·x)."""

    value: float


Operand = int | Literal  # an earlier step's index i (of vᵢ), or a constant


@dataclass(frozen=True)
class Step:
    """One line of the trace: vᵢ = op(operands; params), with its value and local gradients.

    An input has op None and no operands. `local[k]` is ∂vᵢ/∂(operand k), from the rule table.
    """

    index: int
    op: Op | None
    args: tuple[Operand, ...]
    params: Mapping[str, float]
    value: float
    local: tuple[float, ...]
    label: str | None


@dataclass(frozen=True)
class Counts:
    """Multiply-adds that forward and reverse mode need for the full m×n Jacobian of this trace.

    One sweep costs one multiply-add per operand that is a variable (`edges`): a tangent
    v̇ᵢ += ∂vᵢ/∂vⱼ·v̇ⱼ forward, an adjoint v̄ⱼ += v̄ᵢ·∂vᵢ/∂vⱼ backward. Forward mode needs one sweep per
    input (n), reverse mode one per output (m): Baydin et al. 2018, §3.1-3.2.
    """

    inputs: int
    outputs: int
    edges: int

    @property
    def forward(self) -> int:
        """Multiply-adds of n tangent sweeps."""
        return self.inputs * self.edges

    @property
    def reverse(self) -> int:
        """Multiply-adds of m adjoint sweeps."""
        return self.outputs * self.edges


@dataclass(frozen=True)
class Trace:
    """A graph's evaluation trace: `steps` holds the inputs v₋ₙ₊₁ … v₀, then v₁ … vₗ in order.

    `outputs` are the indices of the outputs y (a Literal for an output that is a constant); `nodes`
    are the Values the steps came from, for views that name them (empty for a trace built otherwise).
    """

    steps: tuple[Step, ...]
    n_inputs: int
    outputs: tuple[Operand, ...]
    nodes: tuple[Value, ...] = field(default=(), repr=False)

    def __getitem__(self, index: int) -> Step:
        """The step vᵢ, by its index i (negative or zero for an input)."""
        position = index + self.n_inputs - 1
        if not 0 <= position < len(self.steps):
            raise IndexError(f"trace: no v{index}; indices run from {1 - self.n_inputs} to {self.last}")
        return self.steps[position]

    @property
    def last(self) -> int:
        """The index l of the last step vₗ."""
        return len(self.steps) - self.n_inputs

    @property
    def inputs(self) -> tuple[Step, ...]:
        """The input steps v₋ₙ₊₁ … v₀."""
        return self.steps[: self.n_inputs]

    @property
    def body(self) -> tuple[Step, ...]:
        """The operation steps v₁ … vₗ."""
        return self.steps[self.n_inputs :]

    def counts(self) -> Counts:
        """The multiply-adds of each mode for the full Jacobian (see Counts)."""
        edges = sum(isinstance(a, int) for step in self.body for a in step.args)
        return Counts(self.n_inputs, len(self.outputs), edges)

    def position(self, operand: Operand) -> int | dict:
        """Where `to_json` puts an operand: vᵢ at position i + n − 1 (inputs from 0), a constant as
        {"literal": x}."""
        if isinstance(operand, Literal):
            return {"literal": operand.value}
        return operand + self.n_inputs - 1

    def to_json(self) -> dict:
        """This program as plain JSON-ready data: the one form the page's JavaScript interpreter
        (autograd/page/program.js) runs, and the playground's network is recorded in.

        `inputs`: one {label, value} per input v₋ₙ₊₁ … v₀, at positions 0 … n−1; `steps`: one {op,
        args, params, label} per operation v₁ … vₗ, at positions n … n+l−1, each argument a position or
        {"literal": x} (`position`); `outputs`: the outputs' positions (or literals). Values and local
        gradients are left out: the interpreter computes them from the rule table.
        """
        return {
            "inputs": [{"label": s.label, "value": s.value} for s in self.inputs],
            "steps": [
                {
                    "op": s.op.name,
                    "args": [self.position(a) for a in s.args],
                    "params": dict(s.params),
                    "label": s.label,
                }
                for s in self.body
            ],
            "outputs": [self.position(y) for y in self.outputs],
        }

    def evaluate(self, inputs: Sequence[float], impl: Callable[..., Any] | None = None) -> list[Any]:
        """Every vᵢ (inputs first) of this program run on new `inputs`, one per input step.

        `impl(op, args, params)` computes one operation; by default the rule table's checked forward
        on floats (DomainError, ZeroDivision or Overflow naming the step). Raises ValueError for a
        wrong number of inputs.
        """
        if len(inputs) != self.n_inputs:
            raise ValueError(f"trace: evaluate needs {self.n_inputs} input(s), got {len(inputs)}")
        run = impl or _float_impl
        env = list(inputs)
        offset = self.n_inputs - 1
        for step in self.body:
            args = [a.value if isinstance(a, Literal) else env[a + offset] for a in step.args]
            env.append(run(step.op, args, dict(step.params)))
        return env

    def tangents(self, seed: Sequence[float]) -> tuple[list[float], int]:
        """Forward mode: v̇ᵢ = Σₖ ∂vᵢ/∂argₖ · v̇(argₖ) for every i, from the input tangents `seed`.

        Returns the tangents (inputs first) and the multiply-adds the sweep did. Raises ValueError for
        a seed of the wrong length.
        """
        if len(seed) != self.n_inputs:
            raise ValueError(f"trace: a tangent needs {self.n_inputs} number(s), got {len(seed)}")
        dot = [float(s) for s in seed]
        offset = self.n_inputs - 1
        done = 0
        for step in self.body:
            total = 0.0
            for a, d in zip(step.args, step.local):
                if isinstance(a, int):
                    total += d * dot[a + offset]
                    done += 1
            dot.append(total)
        return dot, done

    def adjoints(self, output: int = 0, seed: float = 1.0) -> tuple[list[float], int]:
        """Reverse mode: v̄ⱼ = Σ over uses vᵢ of v̄ᵢ · ∂vᵢ/∂vⱼ, from ȳ = `seed` on outputs[`output`].

        Returns the adjoints (inputs first; ∂y/∂x for the inputs) and the multiply-adds done.
        """
        bar = [0.0] * len(self.steps)
        offset = self.n_inputs - 1
        y = self.outputs[output]
        if isinstance(y, Literal):
            return bar, 0
        bar[y + offset] = float(seed)
        done = 0
        for step in reversed(self.body):
            g = bar[step.index + offset]
            for a, d in zip(step.args, step.local):
                if isinstance(a, int):
                    bar[a + offset] += g * d
                    done += 1
        return bar, done


def _float_impl(op: Op, args: list[float], params: dict) -> float:
    return checked_forward(op, args, params, lambda i: f"operand {i} of {op.name}")


def trace(
    output: Value | Sequence[Value] | Callable[..., Any],
    *args: Any,
    inputs: Sequence[Value] | None = None,
    cuts: Sequence[Value] = (),
) -> Trace:
    """The evaluation trace of `output`'s graph (one Value or a sequence), or of f(*args) for a function.

    The inputs v₋ₙ₊₁ … v₀ are `inputs` (leaves of the graph), by default its labelled leaves in
    creation order; for `trace(f, *args)` they are the arguments (numbers become leaves labelled x1,
    x2, …). Other leaves are constants, written into the program as Literals. `cuts` are computed
    nodes taken as further inputs, after `inputs`: the trace starts at them, and what only they use
    is left out (a replay computes them elsewhere: once per batch, say). Raises TypeError for an output
    that is not a Value, ValueError for an input that is not a leaf or is given twice.
    """
    if callable(output) and not isinstance(output, Value):
        leaves = [a if isinstance(a, Value) else Value(a, label=f"x{k}") for k, a in enumerate(args, 1)]
        with set_grad_enabled(True):
            return trace(output(*leaves), inputs=leaves)
    if args:
        raise TypeError("trace: extra arguments are only for trace(f, *args), with a function f")
    outputs = [output] if isinstance(output, Value) else list(output)
    cuts = list(cuts)
    nodes = _forward_order(outputs, set(cuts))
    if inputs is None:
        inputs = [n for n in nodes if n.op is None and n.label]
    inputs = _check_inputs(inputs) + cuts
    if len(set(inputs)) != len(inputs):
        raise ValueError("trace: a cut is also an input")
    index = {node: k for k, node in enumerate(inputs, 1 - len(inputs))}
    steps = [Step(index[n], None, (), {}, n.data, (), n.label) for n in inputs]
    body = [n for n in nodes if n.op is not None and n not in index]
    for node in body:
        index[node] = len(steps) - len(inputs) + 1
        operands = tuple(index[p] if p in index else Literal(p.data) for p in node.parents)
        params = dict(node.params or {})
        steps.append(Step(index[node], node.op, operands, params, node.data, node.local, node.label))
    ys = tuple(_operand(y, index) for y in outputs)
    return Trace(tuple(steps), len(inputs), ys, (*inputs, *body))


def _operand(y: Any, index: dict[Value, int]) -> Operand:
    if not isinstance(y, Value):
        return Literal(float(y))  # an output that is a plain number: f ignored its inputs
    return index[y] if y in index else Literal(y.data)


def _forward_order(outputs: list[Any], cuts: set[Value]) -> list[Value]:
    seen: dict[Value, None] = {}
    for y in outputs:
        if isinstance(y, Real) and not isinstance(y, bool):
            continue
        if not isinstance(y, Value):
            raise TypeError(f"trace: an output must be a Value, got {type(y).__name__} {y!r}")
        if not cuts:
            seen.update(dict.fromkeys(topological_order(y)))
            continue
        stack = [y]
        while stack:  # down to the cuts, not below them
            node = stack.pop()
            if node not in seen:
                seen[node] = None
                if node not in cuts:
                    stack.extend(node.parents)
    return sorted(seen, key=lambda n: n.seq)


def _check_inputs(inputs: Sequence[Any]) -> list[Value]:
    inputs = list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"trace: an input must be a Value, got {type(x).__name__} {x!r}")
        if x.op is not None:
            raise ValueError(f"trace: input {x.describe()} is computed by {x.op.name}; inputs must be leaves")
    if len(set(inputs)) != len(inputs):
        raise ValueError("trace: the same input is given twice")
    return inputs
