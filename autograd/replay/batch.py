"""`Replay` and its `Sweep`: a recorded trace compiled once, then run forward and backward over a batch.

The values live in a (values × samples) array: the inputs' rows, one row per constant operand, then the
steps' rows in the order `schedule` runs them. A value that is not finite is re-run as one scalar step
with the rule table's checks, so the error names the node and the sample as the object engine would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import DomainError, Overflow
from ..ops import checked_forward, checked_local_grads
from ..trace import Literal, Step, Trace
from .schedule import schedule
from .sweeps import (
    all_finite,
    backward_group,
    chain_sums,
    columns_of,
    gather,
    picked,
    tree_sums,
    variant_columns,
)


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
        self._groups = schedule(self.variants, self._row, self._operand_row, self.n_inputs + self.literals)
        self.rows = self.n_inputs + self.literals + len(trace.body)
        self._outputs = [self._operand_row(y, (-1, k)) for k, y in enumerate(trace.outputs)]
        self._arrays: dict[tuple[str, int], np.ndarray] = {}  # kept for forward(reuse=True)
        self._columns: tuple[np.ndarray, list | None] | None = None  # the last batch's variants, columns

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
        """The program without its ops, settings and which steps they read: each step's operands as
        "step" or "const", and the outputs. Recordings of one shape replay together as variants (a loss
        that picks output j for class j: one program per class, one shape)."""
        body = tuple(tuple("step" if isinstance(a, int) else "const" for a in s.args) for s in trace.body)
        return trace.n_inputs, body, tuple(y if isinstance(y, int) else "const" for y in trace.outputs)

    def _operand_row(self, a: int | Literal, place: tuple[int, int]) -> int:
        return self._literal_row[place] if isinstance(a, Literal) else self._row[a]

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
        variant = self._variant(variant, values.shape[1])
        columns = None
        with np.errstate(all="ignore"):  # np.where computes both branches; checked below, as a whole
            for g in self._groups:
                if g.tree is not None:
                    tree_sums(g, values)
                    continue
                if g.chain is not None:
                    chain_sums(g, values)
                    continue
                if g.picks is not None:  # every sample's own operand rows, gathered at once
                    a, b = picked(g.picks, values, variant)
                    values[g.start : g.stop] = g.rule.forward(a, b, None, **g.settings)
                    continue
                a = values[g.a]
                b = None if g.b is None else values[g.b]
                if g.variants is None:
                    values[g.start : g.stop] = g.rule.forward(a, b, None, **g.settings)
                    continue
                columns = columns or self._variant_columns(variant)
                for v, cols in columns:
                    _, r, settings = g.at(v)
                    if g.operands is not None:  # this variant reads rows of its own
                        rows_a, rows_b, *_ = g.rows_of(v)
                        a_v, b_v = gather(values, rows_a, cols), gather(values, rows_b, cols)
                    else:
                        a_v, b_v = a[:, cols], columns_of(b, cols)
                    values[g.start : g.stop, cols] = r.forward(a_v, b_v, None, **settings)
            finite = all_finite(values)
        if not finite:
            self._raise_forward(values, samples, variant)
        return Sweep(self, values, samples, variant, reuse)

    def _variant(self, variant: Any, batch: int) -> np.ndarray:
        """The variant of each sample (0 for every one by default), kept from the last call: a training
        loop's batches repeat, and comparing is cheaper than grouping them again (`_variant_columns`)."""
        last = self._columns
        if variant is None:
            if last is not None and last[0].shape == (batch,) and not last[0].any():
                return last[0]
            variant = np.zeros(batch, dtype=int)
        else:
            variant = np.asarray(variant)
            if last is not None and last[0].shape == variant.shape and (last[0] == variant).all():
                return last[0]
        self._columns = (variant.copy(), None)
        return self._columns[0]

    def _variant_columns(self, variant: np.ndarray) -> list:
        """`variant_columns(variant)`, computed once for the last call's variants (`_variant`)."""
        kept, columns = self._columns
        if kept is not variant:
            return variant_columns(variant)
        if columns is None:
            columns = variant_columns(kept)
            self._columns = (kept, columns)
        return columns

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
    reuse: bool = False  # whether the arrays are the replay's own, reused by its next sweep

    @property
    def columns(self) -> list[tuple[int, Any]]:
        """(variant, its columns) for each variant in the batch, see `variant_columns`."""
        return self.replay._variant_columns(self.variant)

    def output(self, k: int = 0) -> np.ndarray:
        """Output k of the trace, one number per sample."""
        return self.values[self.replay._outputs[k]]

    def gradients(self, seed: Any = 1.0, output: int | Sequence[int] = 0) -> np.ndarray:
        """∂(seed · output)/∂input for every input and sample: an (n_inputs × batch) array.

        `seed` is ȳ, a number or one per sample (1/N for a mean over the batch). For several outputs
        (a sequence), `seed` has one row per output: ∂(Σₖ seedₖ · outputₖ)/∂input. Raises DomainError
        or Overflow naming the node and the sample where a gradient is not finite.
        """
        replay, values = self.replay, self.values
        adjoint = replay._array("adjoint", values.shape[1], self.reuse)
        adjoint.fill(0.0)
        if isinstance(output, int):
            adjoint[replay._outputs[output]] = seed
        else:
            for k, row in zip(output, np.broadcast_to(seed, (len(output), values.shape[1]))):
                adjoint[replay._outputs[k]] += row
        with np.errstate(all="ignore"):
            for g in reversed(replay._groups):
                backward_group(g, values, adjoint, self)
            grads = adjoint[: replay.n_inputs]
            finite = all_finite(grads)
        if not finite:
            self._raise_backward(adjoint)
        return grads

    def _raise_backward(self, adjoint: np.ndarray) -> None:
        replay, values = self.replay, self.values
        with np.errstate(all="ignore"):
            for g in replay._groups:  # a local gradient that is not finite (sqrt at 0, say)
                out = values[g.start : g.stop]
                for v, cols in self.columns:
                    _, r, settings = g.at(v)
                    rows_a, rows_b, *_ = g.rows_of(v)
                    a, b = values[rows_a], None if rows_b is None else values[rows_b]
                    for fn in r.grads:
                        local = fn(a[:, cols], columns_of(b, cols), out[:, cols], **settings)
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


def _literal_places(trace: Trace) -> list[tuple[tuple[int, int], Literal]]:
    """Every constant operand of the trace with its place: (step index, operand position), and
    (-1, k) for output k."""
    places = [((s.index, k), a) for s in trace.body for k, a in enumerate(s.args) if isinstance(a, Literal)]
    return places + [((-1, k), y) for k, y in enumerate(trace.outputs) if isinstance(y, Literal)]


def _name(step: Step) -> str:
    if step.label:
        return f"node {step.label!r}"
    if step.op is None:
        return f"input v{step.index}"
    return f"an unlabelled {step.op.name} node (v{step.index})"


def _sample(samples: Sequence[int] | None, col: int) -> int:
    return int(samples[col]) if samples is not None else int(col)
