"""fit()'s fast path: one sample's graph recorded once per class, replayed over each batch with NumPy.

A batch's loss is the loss of its samples reduced by a mean or a sum, so its gradient is c·Σᵢ ∇Lᵢ with
Lᵢ = loss([model(xᵢ)], [tᵢ]) and c = 1/N or 1. Each Lᵢ's graph is recorded once per target (a class
index may decide which output a loss picks, so a class can have a program of its own) and replayed
for every sample of that class at once (autograd.replay). Targets whose programs have one shape
(equal up to their constants, as a class index in a squared error, or up to some ops, as a hinge
loss's Δ − s and Δ + s for y = ±1) share one replay, which runs their samples together, each with
its own constants and variant. The first step runs on the object engine, and tells
which reduction the loss uses (its loss and gradients must equal the replayed ones); a graph that
depends on the data (a Python `if` on a value) shows as a different program when another sample is
recorded, at the start and at epochs 2, 4, 8, …. Either way fit() warns in one line and keeps training
with the object engine.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autograd
from autograd import Replay, Value
from autograd.layers import LayerError, find_layers
from autograd.replay import LayerReplay, NotLayered

from .module import Module
from .optim import Optimizer

MAX_PROGRAMS = 64  # distinct targets (classes) replayed; more than that trains on the object engine


class ReplayWarning(UserWarning):
    """fit() could not replay this model and loss, and trains with the object engine instead."""


class CannotReplay(Exception):
    """Why the batch cannot be replayed (the warning's text)."""


class BatchProgram:
    """The recorded programs of `loss([model(x)], [t])`, one per target, and their replays.

    `params` are the Values whose gradients the step writes (the model's and the optimizer's).
    """

    def __init__(self, model: Module, loss: Callable[..., Any], optimizer: Optimizer, inputs: Any) -> None:
        self.model, self.loss = model, loss
        self.params = list(dict.fromkeys([*model.parameters(), *optimizer.params]))
        self.inputs = np.array([_row(x) for x in inputs], dtype=float)  # samples × features
        self.replays: dict[Any, Replay] = {}  # targets whose programs have one shape share a Replay
        self.programs: dict[Any, tuple] = {}
        self.literals: dict[Any, np.ndarray] = {}  # each target's constants, in its replay's rows
        self.variant: dict[Any, int] = {}  # which of its replay's variants a target runs
        self.scale: str | None = None  # "mean" or "sum", decided by the first step
        self.guards: dict[
            Any, tuple
        ] = {}  # each target's comparisons: (output, op, output or number, answer)
        self.n_outputs = 0
        self._last: tuple | None = None  # the last batch's groups (see _groups)
        # The model's layers as matrix products (autograd.replay.layered), the loss replayed over their
        # outputs; None: the whole sample's graph is replayed step by step. Decided by the first recording.
        self._position = {p: k for k, p in enumerate(self.params)}
        self.reads: dict[Any, np.ndarray] = {}  # each target's parameters (positions) its replay reads
        self.layers: LayerReplay | None = None
        self._layered_tried = False
        # Each target's part of the loss that reads only the parameters (an l2 penalty): computed once
        # per batch, not per sample, by a replay of its own (`_hoisted`); None where there is none.
        self.hoisted: dict[Any, Replay | None] = {}
        self._hoisted_replays: dict[tuple, Replay] = {}

    def with_inputs(self, inputs: Any) -> BatchProgram:
        """The same programs for other samples (test data): shares the recorded replays."""
        other = copy.copy(self)
        other.inputs = np.array([_row(x) for x in inputs], dtype=float)
        return other

    def record(self, x: Any, target: Any) -> Any:
        """The trace of one sample's loss (output 0), model outputs (outputs 1 … n_outputs) and the
        nodes its comparisons read (the rest: see `checked`)."""
        xs = [Value(float(v)) for v in _row(x)]
        try:
            with autograd.comparisons() as compared:
                out = self.model(xs if len(xs) > 1 or not _bare(x) else xs[0])
                value = self.loss([out], [target])
        except (ValueError, TypeError, ArithmeticError) as e:
            raise CannotReplay(f"recording one sample failed ({e})") from None
        if not isinstance(value, Value):
            raise CannotReplay(f"the loss returned {type(value).__name__}, not a Value")
        outs = out if isinstance(out, list) else [out]
        self.n_outputs = len(outs)
        inputs = xs
        if not self._layered_tried:
            self._layered_tried = True
            self.layers = self._layered(outs, xs, compared)
        cuts: list[Value] = []
        if self.layers is not None:  # the loss alone, over leaves that stand for the model's outputs
            leaves = [Value(o.data) for o in outs]
            with autograd.comparisons() as compared:
                value = self.loss([leaves if isinstance(out, list) else leaves[0]], [target])
            outs = inputs = leaves
            cuts = [] if compared else _parameters_only(value, leaves, self.params)
        read = list(dict.fromkeys(n for a, _, b, _ in compared for n in (a, b) if isinstance(n, Value)))
        at = {node: 1 + len(outs) + k for k, node in enumerate(read)}
        guards = tuple(
            (at[a], op, at[b] if isinstance(b, Value) else b, answer) for a, op, b, answer in compared
        )
        params = self.params
        if self.layers is not None:  # only the parameters the loss reads per sample (an l2 penalty's: none)
            probe = autograd.trace([value, *outs, *read], inputs=[*params, *inputs], cuts=cuts)
            reads = {a for step in probe.body for a in step.args if isinstance(a, int)} | {
                y for y in probe.outputs if isinstance(y, int)
            }
            params = [p for k, p in enumerate(params) if k + 1 - probe.n_inputs in reads]
        recorded = autograd.trace([value, *outs, *read], inputs=[*params, *inputs], cuts=cuts)
        self._guards = guards
        self._reads = np.array([self._position[p] for p in params], dtype=np.intp)
        self._hoisted = autograd.trace(cuts, inputs=self.params) if cuts else None
        return recorded

    def _hoist(self, key: Any) -> None:
        """The replay of target `key`'s parameters-only part, shared by the targets whose part is the
        same program with the same constants."""
        if self._hoisted is None:
            self.hoisted[key] = None
            return
        same = (Replay.program(self._hoisted), tuple(Replay(self._hoisted).literal_values(self._hoisted)))
        self.hoisted[key] = self._hoisted_replays.setdefault(same, Replay(self._hoisted))

    def _layered(self, outs: list[Value], xs: list[Value], compared: list) -> LayerReplay | None:
        """The model's layers as matrix products, or None where its graph is not a plain stack of
        layers over the parameters (then the whole graph replays step by step)."""
        if compared or not all(isinstance(o, Value) for o in outs):
            return None  # a comparison inside the model or the loss: keep every guard where it is
        root = outs[0] if len(outs) == 1 else autograd.sum(outs)  # one root over every output
        try:
            return LayerReplay(find_layers(root), self.params, xs, outs)
        except (LayerError, NotLayered):
            return None

    def prepare(self, idx: Sequence[int], targets: Sequence[Any]) -> None:
        """Record a program for each new target of the batch; check it on a second sample of that target.

        Raises CannotReplay for too many targets or a program that differs between two samples.
        """
        first: dict[Any, list[int]] = {}
        for i, t in zip(idx, targets):
            first.setdefault(_key(t), []).append(i)
        for key, samples in first.items():
            if key in self.replays:
                continue
            if len(self.replays) >= MAX_PROGRAMS:
                raise CannotReplay(f"more than {MAX_PROGRAMS} distinct targets")
            t = targets[list(idx).index(samples[0])]
            recorded = self.record(self.inputs[samples[0]], t)
            self.programs[key] = Replay.program(recorded)
            self.guards[key] = self._guards
            self.reads[key] = self._reads
            self._hoist(key)
            self._share(key, recorded)
            if len(samples) > 1:
                self.guard(samples[-1], t)

    def _share(self, key: Any, recorded: Any) -> None:
        """Replay target `key` with the targets whose programs have its shape: as one of their variants,
        or a new one (the family's Replay is compiled again, once per new variant)."""
        shape = Replay.shape(recorded)
        family = [k for k, r in self.replays.items() if Replay.shape(r.trace) == shape]
        replay = self.replays[family[0]] if family else Replay(recorded)
        same = next((k for k in family if self.programs[k] == self.programs[key]), None)
        if same is not None:
            self.variant[key] = self.variant[same]
        elif family:
            self.variant[key] = len(replay.variants)
            replay = Replay(replay.trace, [*replay.variants[1:], recorded])
            for k in family:
                self.replays[k] = replay
        else:
            self.variant[key] = 0
        self.replays[key] = replay
        self.literals[key] = replay.literal_values(recorded)

    def guard(self, i: int, target: Any) -> None:
        """Record sample i again; raise CannotReplay if its program is not the one being replayed."""
        if Replay.program(self.record(self.inputs[i], target)) != self.programs[_key(target)]:
            raise CannotReplay(f"the graph depends on the data (sample {i} records another graph)")

    def run(
        self, idx: Sequence[int], targets: Sequence[Any], seed: float | None
    ) -> tuple[float, np.ndarray, np.ndarray | None]:
        """(Σ of the samples' losses, model outputs (outputs × batch), Σ of seed·∇Lᵢ or None).

        seed None runs forward only. DomainError and Overflow name the node and the sample.
        """
        theta = self.theta = np.fromiter((p.data for p in self.params), float, len(self.params))
        groups = self._groups(idx, targets)
        n_out = self.n_outputs
        outputs = np.empty((n_out, len(idx)))
        total, grads = 0.0, None if seed is None else np.zeros(len(self.params))
        if self.layers is not None:  # the model's layers at once, over the whole batch
            cache = self.layers.forward(theta, self.inputs[np.asarray(idx)].T, idx)
            outputs = cache[-1][2]
            upstream = np.empty_like(outputs)
        hoisted: dict[int, Any] = {}  # each parameters-only part's sweep (one column) and its cuts' adjoints
        for replay, cols, literals, variants, keys in groups:
            rows = np.asarray(idx)[cols]
            reads = self.reads[keys[0]]
            n_params = len(reads)
            part = self.hoisted.get(keys[0])
            if part is not None and id(part) not in hoisted:
                hoisted[id(part)] = [part.forward(theta[:, None], reuse=True), 0.0]
            cut = hoisted[id(part)][0].values[part._outputs] if part is not None else np.empty((0, 1))
            width = n_params + (n_out + len(cut) if self.layers else self.inputs.shape[1])
            batch = np.empty((width, len(cols)))
            batch[:n_params] = theta[reads, None]
            if self.layers is not None:
                batch[n_params : n_params + n_out] = outputs[:, cols]
                batch[n_params + n_out :] = cut
            else:
                batch[n_params:] = self.inputs[rows].T
            sweep = replay.forward(batch, rows, literals, variants, reuse=True)
            self.checked(sweep, rows, keys)
            total += float(sweep.output(0).sum())
            if self.layers is None:
                for k in range(n_out):
                    outputs[k, cols] = sweep.output(k + 1)
            if seed is not None:
                g = sweep.gradients(seed)
                grads[reads] += g[:n_params].sum(axis=1)
                if self.layers is not None:
                    upstream[:, cols] = g[n_params : n_params + n_out]
                if part is not None:  # Σ over the samples of the cuts' gradients
                    hoisted[id(part)][1] = hoisted[id(part)][1] + g[n_params + n_out :].sum(axis=1)
        if seed is not None:
            for part_sweep, cut_grads in hoisted.values():
                n_cuts = len(part_sweep.replay.trace.outputs)
                grads += part_sweep.gradients(np.reshape(cut_grads, (n_cuts, 1)), range(n_cuts))[:, 0]
            if self.layers is not None:
                self.layers.backward(theta, cache, upstream, grads)
        return total, outputs, grads

    def _groups(self, idx: Sequence[int], targets: Sequence[Any]) -> list[tuple]:
        """The batch's samples by replay: (replay, columns, constants, variants, targets' keys) each;
        kept for the next call with the same batch (a full batch: every step)."""
        if self._last is not None and self._last[0] == list(idx) and self._last[1] == list(targets):
            return self._last[2]
        self.prepare(idx, targets)
        groups: dict[int, tuple[Replay, list[int], list[np.ndarray], list[int], list[Any]]] = {}
        for col, t in enumerate(targets):
            key = _key(t)
            replay = self.replays[key]
            _, cols, literals, variants, keys = groups.setdefault(id(replay), (replay, [], [], [], []))
            cols.append(col)
            keys.append(key)
            literals.append(self.literals[key])
            variants.append(self.variant[key])
        found = [
            (replay, np.array(cols), np.array(literals).T, np.array(variants), keys)
            for replay, cols, literals, variants, keys in groups.values()
        ]
        self._last = (list(idx), list(targets), found)
        return found

    def checked(self, sweep: Any, rows: np.ndarray, keys: list[Any]) -> None:
        """Raise CannotReplay, before any gradient is used, if a sample answers one of its target's
        recorded comparisons the other way: a Python `if` on a value would take another branch, so the
        recorded graph is not that sample's."""
        for key in dict.fromkeys(keys):
            if not self.guards.get(key):
                continue
            mine = np.array([k == key for k in keys])
            for a, op, b, answer in self.guards[key]:
                left = sweep.output(a)[mine]
                right = sweep.output(b)[mine] if isinstance(b, int) else b
                other = _COMPARE[op](left, right) != answer
                if other.any():
                    sample = int(rows[mine][np.argmax(other)])
                    raise CannotReplay(
                        f"the graph depends on the data (sample {sample} answers a comparison `{op}` the "
                        "other way from the recorded sample)"
                    )

    def decide_scale(self, idx: Sequence[int], targets: Sequence[Any], value: float) -> None:
        """Whether the loss is the mean or the sum of the samples' losses, from the object engine's
        `value` and the gradients it left in `.grad`. Raises CannotReplay when it is neither."""
        total, _, grads = self.run(idx, targets, 1.0)
        engine = np.array([p.grad for p in self.params])
        for scale, c in (("mean", 1.0 / len(idx)), ("sum", 1.0)):
            if _close(c * total, value) and np.allclose(c * grads, engine, rtol=1e-9, atol=1e-12):
                self.scale = scale
                return
        raise CannotReplay("the loss is neither the mean nor the sum of the samples' losses")

    def step(
        self, idx: Sequence[int], targets: Sequence[Any]
    ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """The batch's loss and outputs, and the parameters' values θ and batch gradient (arrays in the
        order of `params`); the Values are not written."""
        c = 1.0 / len(idx) if self.scale == "mean" else 1.0
        total, outputs, grads = self.run(idx, targets, c)
        return c * total, outputs, self.theta, grads

    def evaluate(self, idx: Sequence[int], targets: Sequence[Any]) -> tuple[float, np.ndarray]:
        """The loss and outputs of samples `idx`, forward only."""
        c = 1.0 / len(idx) if self.scale == "mean" else 1.0
        total, outputs, _ = self.run(idx, targets, None)
        return c * total, outputs


def _parameters_only(value: Value, leaves: list[Value], params: list[Value]) -> list[Value]:
    """The computed nodes of the loss that read parameters but not the model's outputs (`leaves`) and
    that a node reading the outputs uses: cutting there leaves the parameters-only part (an l2
    penalty) to be computed once per batch."""
    nodes = autograd.forward_order(value)
    reads_outputs, reads_params = set(leaves), set(params)
    for n in nodes:
        if n.op is not None:
            if any(p in reads_outputs for p in n.parents):
                reads_outputs.add(n)
            elif any(p in reads_params for p in n.parents):
                reads_params.add(n)
    return list(
        dict.fromkeys(
            p for n in nodes if n in reads_outputs for p in n.parents
            if p.op is not None and p in reads_params and p not in reads_outputs
        )
    )  # fmt: skip


_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}


def predicted(outputs: np.ndarray, threshold: float) -> list[int]:
    """predict_class for every column: argmax of several outputs, 1 above `threshold` for one."""
    if outputs.shape[0] == 1:
        return (outputs[0] > threshold).astype(int).tolist()
    return outputs.argmax(axis=0).tolist()


def warn(reason: str) -> None:
    """The one-line warning of a fit that trains with the object engine instead of replaying."""
    warnings.warn(f"fit: replay is off ({reason}); training with the object engine", ReplayWarning, 3)


def _row(x: Any) -> list[float]:
    return [float(x)] if _bare(x) else [float(v) for v in x]


def _bare(x: Any) -> bool:
    return isinstance(x, (int, float, Value))


def _key(t: Any) -> Any:
    return tuple(_key(v) for v in t) if isinstance(t, (list, tuple)) else t


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
