"""Record once, replay over a batch: an evaluation trace run forward and backward on NumPy arrays.

`autograd.trace` records one sample's graph as a flat program of rule-table steps. `Replay` compiles that
program once for a batch: no `Value` is created, every value vᵢ is a row of a (values × samples) array,
and steps that can run together (same rule-table op and settings, operands already computed) run as one
NumPy operation over every sample at once (a wavefront schedule by depth, as a tape compiler would
group them). Each op's value and local gradients come from the rule table's own text (`Op.expression`,
`Op.formula`), translated to NumPy once by `autograd.notation`, so no derivative is written twice.

The program is the recorded graph: a function whose graph depends on its inputs' values (a Python `if`
on a value) gives another program for other inputs. Replay does not see that; its callers record a
second sample and compare (`Replay.program`), and fall back to the object engine when they differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np

from .errors import DomainError, Overflow
from .notation import Node, parse, to_numpy
from .ops import OPS, Op, checked_forward, checked_local_grads
from .trace import Literal, Step, Trace

_NAMES = ("a", "b", "out", "n", "slope")  # the notation's variables, in the compiled functions' order


@dataclass(frozen=True)
class CompiledRule:
    """One op of the rule table as NumPy functions of (a, b, out, n, slope).

    `constant[k]` is local gradient k when it is a number whatever the inputs (add's 1 and 1), so the
    backward sweep skips the multiplication.
    """

    forward: Callable[..., Any]
    grads: tuple[Callable[..., Any], ...]
    constant: tuple[float | None, ...]


@cache
def compiled_rule(op: Op) -> CompiledRule:
    """The op's `expression` and `computed_formula` text compiled to NumPy (once per op).

    Raises NotationError.
    """
    grad_trees = [parse(text) for text in op.computed_formula]
    return CompiledRule(
        _compile(parse(op.expression), op.expression),
        tuple(_compile(tree, text) for tree, text in zip(grad_trees, op.computed_formula)),
        tuple(_number(tree) for tree in grad_trees),
    )


def _compile(tree: Node, text: str) -> Callable[..., Any]:
    # The source holds only the notation's tokens (its parser accepts nothing else), and runs with no
    # builtins: text from the rule table, never user data.
    source = f"lambda {', '.join(_NAMES)}: {to_numpy(tree)}"
    namespace = {"np": np, "__builtins__": {}}
    return eval(compile(source, text, "eval"), namespace)


def _number(tree: Node) -> float | None:
    if tree.kind == "num":
        return float(tree.value)
    if tree.kind == "neg" and tree.args[0].kind == "num":
        return -float(tree.args[0].value)
    return None


@dataclass(frozen=True)
class _Group:
    """Steps that run as one NumPy operation: same op and settings, operands computed at lower depth.

    Their values are rows start:stop; `a` and `b` are the rows of their operands (a slice when they
    are consecutive); `steps` are the trace steps, for naming a node in an error.
    """

    op: Op
    rule: CompiledRule
    params: dict[str, float]
    settings: dict[str, Any]  # the keyword arguments of the compiled rule (n, slope)
    start: int
    stop: int
    a: Any
    b: Any
    a_sum: Any  # how to add contributions into the operand rows (see _scatter)
    b_sum: Any
    steps: tuple[Step, ...]
    live: tuple[bool, bool]  # whether operand a / b rows need gradients (not all constants)
    chain: Any = None  # for chains of sums: the rows of their terms, one chain a row (see _chains)
    chain_sum: Any = None  # how to add gradients into those rows (see _scatter)
    variants: Any = None  # steps whose op differs between variants: (op, rule, settings) per variant

    def at(self, v: int) -> tuple[Op, CompiledRule, dict[str, Any]]:
        """The op, rule and settings this group runs for the samples of variant v."""
        return self.variants[v] if self.variants is not None else (self.op, self.rule, self.settings)


class Replay:
    """A trace compiled for batches: `forward` and `gradients` over NumPy arrays of samples.

    Inputs are the trace's inputs v₋ₙ₊₁ … v₀ in order; outputs its `outputs`. Each constant operand
    has a row of its own (`literals`, in the order of `literal_values`), so that another recording
    with the same program and other constants (another class's target) replays with this one, in the
    same batch. `variants` are recordings of the same `shape` whose ops differ at some steps (a loss
    that writes Δ − s for one class and Δ + s for the other): variant v (0 is `trace`) runs for the
    samples `forward` is told, in the same batch. Raises NotationError for an op without expression
    text (every op has one), ValueError for a variant of another shape.
    """

    def __init__(self, trace: Trace, variants: Sequence[Trace] = ()) -> None:
        if not isinstance(trace, Trace) or not all(isinstance(t, Trace) for t in variants):
            got = next(t for t in (trace, *variants) if not isinstance(t, Trace))
            raise TypeError(
                f"Replay takes an evaluation trace, autograd.trace(f, *args), got {type(got).__name__}"
            )
        self.trace = trace
        self.variants = [trace, *variants]
        if any(Replay.shape(t) != Replay.shape(trace) for t in variants):
            raise ValueError("replay: a variant records another shape of program")
        self.n_inputs = trace.n_inputs
        self._row = {step.index: k for k, step in enumerate(trace.inputs)}
        self._literal_row: dict[tuple[int, int], int] = {}  # (step index, operand position) → row
        for place, _ in _literal_places(trace):
            self._literal_row[place] = self.n_inputs + len(self._literal_row)
        self.literals = len(self._literal_row)
        self._literals = self.literal_values(trace)[:, None]
        self._groups = self._schedule(trace.body)
        self.rows = self.n_inputs + self.literals + len(trace.body)
        self._outputs = [self._operand_row(y, (-1, k)) for k, y in enumerate(trace.outputs)]
        self._arrays: dict[tuple[str, int], np.ndarray] = {}  # kept for forward(reuse=True)

    def _array(self, name: str, batch: int, reuse: bool) -> np.ndarray:
        # A fresh array of a megabyte or more comes from the system page by page at every step (glibc
        # gives it back when it is freed): measured 3× the step's own work. Reused arrays stay mapped.
        if not reuse:
            return np.empty((self.rows, batch))
        array = self._arrays.get((name, batch))
        if array is None:
            array = self._arrays[(name, batch)] = np.empty((self.rows, batch))
        return array

    def literal_values(self, trace: Trace) -> np.ndarray:
        """The constants of `trace`, a recording whose `program` is this one's, one per literal row.

        Raises ValueError when the programs differ."""
        if trace is not self.trace and Replay.shape(trace) != Replay.shape(self.trace):
            raise ValueError("replay: the trace records another program; its constants do not fit")
        return np.array([literal.value for _, literal in _literal_places(trace)], dtype=float)

    @staticmethod
    def program(trace: Trace) -> tuple:
        """The trace as comparable data (ops, operands, settings, outputs), without values or constants.

        Two recordings with equal programs replay alike; a graph that depends on the data shows as a
        different program for another sample. Constants are left out: softmax and logsumexp subtract
        the largest input, a number read from the data, which changes neither value nor gradient, so
        replay keeps the recorded one. (A Python `if` that only picks between two constants is
        therefore not seen.)
        """
        body = tuple(
            (s.op.name, tuple(a if isinstance(a, int) else "const" for a in s.args),
             tuple(sorted(s.params.items())))
            for s in trace.body
        )  # fmt: skip
        outputs = tuple(y if isinstance(y, int) else "const" for y in trace.outputs)
        return trace.n_inputs, body, outputs

    @staticmethod
    def shape(trace: Trace) -> tuple:
        """The program without its ops and settings: each step's arity and operands. Recordings of
        one shape replay together as variants."""
        body = tuple(tuple(a if isinstance(a, int) else "const" for a in s.args) for s in trace.body)
        return trace.n_inputs, body, tuple(y if isinstance(y, int) else "const" for y in trace.outputs)

    def _operand_row(self, a: int | Literal, place: tuple[int, int]) -> int:
        return self._literal_row[place] if isinstance(a, Literal) else self._row[a]

    def _schedule(self, body: Sequence[Step]) -> list[_Group]:
        depth: dict[int, int] = {}
        waves: dict[tuple, list[Step]] = {}
        chains = _chains(body, self.trace.outputs)
        self._differs = {}  # step index → the (op, settings) of every variant, where they differ
        for k, step in enumerate(body):
            ops = tuple((t.body[k].op, tuple(sorted(t.body[k].params.items()))) for t in self.variants)
            if len(set(ops)) > 1:
                self._differs[step.index] = ops
                chains.pop(step.index, None)
        for chain in {id(c): c for c in chains.values()}.values():
            if any(s.index in self._differs for s in chain):  # a chain holds sums only, in every variant
                for s in chain:
                    chains.pop(s.index, None)
        for step in body:
            chain = chains.get(step.index)
            if chain is not None and chain[-1] is not step:
                continue  # placed with its chain's last sum, when every term is ready
            links = chain or [step]
            ready = [a for s in links for a in s.args if isinstance(a, int) and a in depth]
            d = 1 + max((depth[a] for a in ready), default=0)
            for s in links:
                depth[s.index] = d
            if chain:
                key = (d, "chain", len(chain))
            elif step.index in self._differs:
                key = (d, "variants", tuple((op.name, params) for op, params in self._differs[step.index]))
            else:
                key = (d, step.op.name, tuple(sorted(step.params.items())))
            waves.setdefault(key, []).append(links)
        groups, row = [], self.n_inputs + self.literals
        for key in sorted(waves, key=lambda k: k[0]):
            # a chain group's rows go sum by sum: the first sum of every chain, then the second, …
            steps = [links[j] for j in range(len(waves[key][0])) for links in waves[key]]
            for step in steps:
                self._row[step.index] = row
                row += 1
            group = self._group(steps, row - len(steps), row)
            if key[1] == "chain":
                group = self._chain_group(group, key[2])
            elif key[1] == "variants":
                ops = self._differs[steps[0].index]
                group = replace(
                    group, variants=tuple((op, compiled_rule(op), _settings(dict(p))) for op, p in ops)
                )
            groups.append(group)
        return groups

    def _chain_group(self, g: _Group, k: int) -> _Group:
        """Chains of k sums ((t₀ + t₁) + t₂) + … run as one cumulative sum, term by term in the
        order the graph adds them, so every partial sum is the object engine's to the last bit."""
        n = len(g.steps) // k
        first = [self._operand_row(s.args[0], (s.index, 0)) for s in g.steps[:n]]
        seconds = [self._operand_row(s.args[1], (s.index, 1)) for s in g.steps]
        terms = np.array(first + seconds)  # term by term, every chain's term j together
        return replace(g, chain=terms.reshape(k + 1, n), chain_sum=_scatter(terms))

    def _group(self, steps: list[Step], start: int, stop: int) -> _Group:
        op = steps[0].op
        a = np.array([self._operand_row(s.args[0], (s.index, 0)) for s in steps])
        b = np.array([self._operand_row(s.args[1], (s.index, 1)) for s in steps]) if op.arity == 2 else None
        params = dict(steps[0].params)
        live = tuple(any(isinstance(s.args[k], int) for s in steps) for k in range(op.arity))
        return _Group(
            op,
            compiled_rule(op),
            params,
            _settings(params),
            start,
            stop,
            _rows(a),
            _rows(b),
            _scatter(a),
            _scatter(b),
            tuple(steps),
            (*live, False)[:2],
        )

    def forward(
        self,
        inputs: Any,
        samples: Sequence[int] | None = None,
        literals: Any = None,
        variant: Any = None,
        reuse: bool = False,
    ) -> Sweep:
        """Every value of the program for a batch; `inputs` is an (n_inputs × batch) array, or a sequence
        of n_inputs numbers or 1-D arrays (a number is the same for every sample).

        `samples` names the batch's samples in errors (their indices in the data; 0, 1, … by default).
        `literals` replaces the recorded constants: an (n_literals × batch) array, column j from
        `literal_values` of the recording sample j belongs to; `variant` the variant each sample
        runs (one int per sample, 0 by default). `reuse=True` writes into this replay's arrays from
        the last such call (a training loop's step): the sweep and its gradients are then valid until
        the next one. Raises ValueError for inputs of the wrong shape,
        DomainError, ZeroDivision or Overflow naming the node (its label) and the sample where the
        rule table's checks fail.
        """
        values = self._fill(inputs, reuse)
        if literals is not None:
            values[self.n_inputs : self.n_inputs + self.literals] = literals
        variant = np.zeros(values.shape[1], dtype=int) if variant is None else np.asarray(variant)
        columns = _columns(variant)
        with np.errstate(all="ignore"):  # np.where computes both branches; checked below, as a whole
            for g in self._groups:
                if g.chain is not None:
                    _chain_sums(g, values)
                    continue
                a = values[g.a]
                b = None if g.b is None else values[g.b]
                if g.variants is None:
                    values[g.start : g.stop] = g.rule.forward(a, b, None, **g.settings)
                    continue
                for v, cols in columns:
                    _, r, settings = g.at(v)
                    values[g.start : g.stop, cols] = r.forward(a[:, cols], _cols(b, cols), None, **settings)
        if not np.isfinite(values).all():
            self._raise_forward(values, samples, variant)
        return Sweep(self, values, samples, variant, columns, reuse)

    def _fill(self, inputs: Any, reuse: bool) -> np.ndarray:
        if isinstance(inputs, np.ndarray) and inputs.ndim == 2:
            batch = inputs.shape[1]
        else:
            inputs = list(inputs)
            batch = max((np.size(x) for x in inputs), default=1)
        if len(inputs) != self.n_inputs:
            raise ValueError(f"replay: the trace has {self.n_inputs} input(s), got {len(inputs)}")
        values = self._array("values", batch, reuse)
        try:
            if isinstance(inputs, np.ndarray):
                values[: self.n_inputs] = inputs
            else:
                for k, x in enumerate(inputs):
                    values[k] = x
        except ValueError:
            raise ValueError(f"replay: every input needs one number or {batch} (one per sample)") from None
        values[self.n_inputs : self.n_inputs + len(self._literals)] = self._literals
        return values

    def _raise_forward(self, values: np.ndarray, samples: Sequence[int] | None, variant: np.ndarray) -> None:
        bad = ~np.isfinite(values[: self.n_inputs])
        if bad.any():
            k, col = np.argwhere(bad)[0]
            raise ValueError(f"replay: input {self.trace.inputs[k].label or k} of sample {col} is not finite")
        for g in self._groups:  # depth order: the first bad step has finite operands
            bad = ~np.isfinite(values[g.start : g.stop])
            if bad.any():
                r, col = np.argwhere(bad)[0]
                self._scalar_check(g.steps[r], values, col, samples, variant, grads=False)

    def _scalar_check(
        self, step: Step, values: np.ndarray, col: int, samples: Any, variant: np.ndarray, grads: bool
    ) -> None:
        """Re-run one step on one sample with the rule table's float checks, for their message."""
        step = self.variants[int(variant[col])][step.index]  # the op that sample runs
        xs = [float(values[self._operand_row(a, (step.index, k)), col]) for k, a in enumerate(step.args)]
        where = f"replay: {_name(step)} of sample {_sample(samples, col)}"

        def describe(i: int) -> str:
            a = step.args[i]
            return "a constant" if isinstance(a, Literal) else _name(self.trace[a])

        try:
            out = checked_forward(step.op, xs, step.params, describe)
            checked_local_grads(step.op, xs, out, step.params, describe)
        except (DomainError, Overflow) as e:
            raise type(e)(f"{where}: {e}") from None
        what = "gradient" if grads else "value"
        raise Overflow(f"{where}: the {what} is not a finite float ({step.op.name} of {xs})")


@dataclass
class Sweep:
    """One forward sweep of a Replay over a batch: every value, ready for the backward sweep."""

    replay: Replay
    values: np.ndarray
    samples: Sequence[int] | None
    variant: np.ndarray  # the variant each sample runs
    columns: list[tuple[int, Any]]  # (variant, its columns), see _columns
    reuse: bool = False  # whether the arrays are the replay's own, reused by its next sweep

    def output(self, k: int = 0) -> np.ndarray:
        """Output k of the trace, one number per sample."""
        return self.values[self.replay._outputs[k]]

    def gradients(self, seed: Any = 1.0, output: int = 0) -> np.ndarray:
        """∂(seed · output)/∂input for every input and sample: an (n_inputs × batch) array.

        `seed` is ȳ, a number or one per sample (1/N for a mean over the batch). Raises DomainError or
        Overflow naming the node and the sample where a gradient is not finite.
        """
        replay, values = self.replay, self.values
        adjoint = replay._array("adjoint", values.shape[1], self.reuse)
        adjoint.fill(0.0)
        adjoint[replay._outputs[output]] = seed
        with np.errstate(all="ignore"):
            for g in reversed(replay._groups):
                _backward_group(g, values, adjoint, self.columns)
        grads = adjoint[: replay.n_inputs]
        if not np.isfinite(grads).all():
            self._raise_backward(adjoint)
        return grads

    def _raise_backward(self, adjoint: np.ndarray) -> None:
        replay, values = self.replay, self.values
        with np.errstate(all="ignore"):
            for g in replay._groups:  # a local gradient that is not finite (sqrt at 0, say)
                a, b, out = values[g.a], None if g.b is None else values[g.b], values[g.start : g.stop]
                for v, cols in self.columns:
                    _, r, settings = g.at(v)
                    for fn in r.grads:
                        local = fn(a[:, cols], _cols(b, cols), out[:, cols], **settings)
                        bad = ~np.isfinite(np.broadcast_to(local, out[:, cols].shape))
                        if bad.any():
                            row, col = np.argwhere(bad)[0]
                            col = np.arange(out.shape[1])[cols][col]
                            replay._scalar_check(g.steps[row], values, col, self.samples, self.variant, True)
        for g in reversed(replay._groups):  # else the products overflow, as backward.py reports it
            bad = ~np.isfinite(adjoint[g.start : g.stop])
            if bad.any():
                r, col = np.argwhere(bad)[0]
                raise Overflow(
                    f"replay: the gradient of {_name(g.steps[r])} of sample {_sample(self.samples, col)} "
                    "overflows a float; the graph multiplies local gradients whose product is too large"
                )


def _columns(variant: np.ndarray) -> list[tuple[int, Any]]:
    """(variant, its samples' columns) for each variant in the batch; all columns as a slice (a view)
    when the batch runs one variant."""
    present = np.unique(variant)
    if len(present) == 1:
        return [(int(present[0]), slice(None))]
    return [(int(v), np.flatnonzero(variant == v)) for v in present]


def _cols(x: np.ndarray | None, cols: Any) -> np.ndarray | None:
    return None if x is None else x[:, cols]


def _chain_sums(g: _Group, values: np.ndarray) -> None:
    """The partial sums of a chain group, written in place: sum j of every chain at once, in the
    graph's order. (np.add.accumulate along the first axis would do it in one call, 20× slower.)"""
    terms = values[g.chain]  # terms × chains × samples
    sums = values[g.start : g.stop].reshape(len(terms) - 1, *terms.shape[1:])  # a view of the rows
    np.add(terms[0], terms[1], out=sums[0])
    for j in range(1, len(sums)):
        np.add(sums[j - 1], terms[j + 1], out=sums[j])


def _backward_group(g: _Group, values: np.ndarray, adjoint: np.ndarray, columns: list) -> None:
    if g.chain is not None:  # every term of a chain of sums gets the last sum's gradient
        terms, chains = g.chain.shape
        ends = adjoint[g.stop - chains : g.stop]
        adjoint[g.start : g.stop - chains].reshape(terms - 2, chains, -1)[:] = ends
        if g.chain_sum is None:  # distinct terms: one fancy update, the gradient broadcast
            adjoint[g.chain] += ends
        else:
            each = np.broadcast_to(ends, (terms, *ends.shape)).reshape(terms * chains, -1)
            _add_rows(adjoint, g.chain.ravel(), g.chain_sum, each)
        return
    upstream = adjoint[g.start : g.stop]
    a = values[g.a]
    b = None if g.b is None else values[g.b]
    out = values[g.start : g.stop]
    settings = g.settings
    for k, (rows, how) in enumerate(((g.a, g.a_sum), (g.b, g.b_sum))[: g.op.arity]):
        if not g.live[k]:  # only into constants
            continue
        if g.variants is not None:
            local = np.empty_like(upstream)
            for v, cols in columns:
                _, r, kw = g.at(v)
                c = r.constant[k]
                local[:, cols] = (
                    c if c is not None else r.grads[k](a[:, cols], _cols(b, cols), out[:, cols], **kw)
                )
            _add_rows(adjoint, rows, how, upstream * local)
            continue
        c = g.rule.constant[k]
        if c == 0.0:  # nothing flows
            continue
        if c is None:
            contribution = upstream * g.rule.grads[k](a, b, out, **settings)
        else:
            contribution = upstream if c == 1.0 else upstream * c
        _add_rows(adjoint, rows, how, contribution)


def _add_rows(adjoint: np.ndarray, rows: Any, how: Any, contribution: np.ndarray) -> None:
    """adjoint[rows] += contribution, with rows that may repeat (x used by several steps of a group)."""
    if how is None:  # distinct rows: a plain fancy-index update is exact
        adjoint[rows] += contribution
        return
    once, once_rows, repeated, starts, unique = how
    adjoint[once_rows] += contribution[once]
    adjoint[unique] += np.add.reduceat(contribution[repeated], starts, axis=0)


def _rows(rows: np.ndarray | None) -> Any:
    """A slice when the rows are consecutive (a view, no copy), else the index array."""
    if rows is None or len(rows) == 0:
        return rows
    if np.array_equal(rows, np.arange(rows[0], rows[0] + len(rows))):
        return slice(int(rows[0]), int(rows[0]) + len(rows))
    return rows


def _scatter(rows: np.ndarray | None) -> Any:
    """None for distinct rows, else how `_add_rows` adds into them: the positions and rows of those
    that occur once (a plain update), then the positions of the repeated ones sorted by row, their
    segment starts and rows (for np.add.reduceat over those alone: measured 20× faster than np.add.at,
    and than reduceat over every row; a 0/1 matrix product stalls on BLAS threads)."""
    if rows is None or len(np.unique(rows)) == len(rows):
        return None
    once = np.bincount(rows)[rows] == 1
    repeated = np.flatnonzero(~once)
    order = np.argsort(rows[repeated], kind="stable")
    unique, starts = np.unique(rows[repeated][order], return_index=True)
    return np.flatnonzero(once), rows[once], repeated[order], starts, unique


def _chains(body: Sequence[Step], outputs: Sequence[Any]) -> dict[int, list[Step]]:
    """Chains of two or more sums s₁ = t₀ + t₁, s₂ = s₁ + t₂, … (a neuron's Σ wₖxₖ + b, as `reduce`
    builds it) whose partial sums feed only the next sum: step index → its chain."""
    used: dict[int, int] = {}
    for a in [x for s in body for x in s.args] + list(outputs):
        if isinstance(a, int):
            used[a] = used.get(a, 0) + 1
    add = OPS["add"]
    sums = {s.index: s for s in body if s.op is add and not s.params}
    follows: dict[int, Step] = {}
    for s in sums.values():
        a = s.args[0]
        if isinstance(a, int) and a in sums and used[a] == 1:
            follows[a] = s
    chains: dict[int, list[Step]] = {}
    heads = [s for s in sums.values() if s.index in follows and not _continues(s, sums, follows)]
    for head in heads:
        chain = [head]
        while chain[-1].index in follows:
            chain.append(follows[chain[-1].index])
        for s in chain:
            chains[s.index] = chain
    return chains


def _continues(s: Step, sums: dict[int, Step], follows: dict[int, Step]) -> bool:
    a = s.args[0]
    return isinstance(a, int) and follows.get(a) is s


def _literal_places(trace: Trace) -> list[tuple[tuple[int, int], Literal]]:
    """Every constant operand of the trace with its place: (step index, operand position), and
    (-1, k) for output k."""
    places = [((s.index, k), a) for s in trace.body for k, a in enumerate(s.args) if isinstance(a, Literal)]
    return places + [((-1, k), y) for k, y in enumerate(trace.outputs) if isinstance(y, Literal)]


def _settings(params: dict[str, float]) -> dict[str, Any]:
    return {"n": params.get("n"), "slope": params.get("slope")}


def _name(step: Step) -> str:
    if step.label:
        return f"node {step.label!r}"
    if step.op is None:
        return f"input v{step.index}"
    return f"an unlabelled {step.op.name} node (v{step.index})"


def _sample(samples: Sequence[int] | None, col: int) -> int:
    return int(samples[col]) if samples is not None else int(col)
