"""fit()'s fast path: one sample's graph recorded once per class, replayed over each batch with NumPy.

A batch's loss is the loss of its samples reduced by a mean or a sum, so its gradient is c·Σᵢ ∇Lᵢ with
Lᵢ = loss([model(xᵢ)], [tᵢ]) and c = 1/N or 1. Where the model's graph groups into layers (an MLP), the
layers run as one matrix product each way over the whole batch (autograd.replay.LayerReplay), the model
recorded once; what follows the last layer (a softmax, the loss) is recorded once per target, cut at
the last layer's outputs, and its parameters-only part (an l2 penalty) runs once per batch. Otherwise
the whole graph Lᵢ is recorded once per target. Either way a recording is replayed for every sample of
its target at once (autograd.replay); a class index may decide which output a loss picks, so a class
can have a program of its own. Targets whose programs have one shape (equal up to their constants, as
a class index in a squared error, or up to some ops, as a hinge loss's Δ − s and Δ + s for y = ±1)
share one replay, which runs their samples together, each with its own constants and variant. The
first step runs a few samples on the object engine, which tells which reduction the loss uses (its
loss and gradients must equal the replayed ones); a graph that depends on the data (a Python `if` on a
value) is caught by the guards, and by recording another sample at the start and at epochs 2, 4, 8, ….
Either way fit() warns in one line and keeps training with the object engine.
"""

from __future__ import annotations

import copy
import math
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autograd
from autograd import DomainError, Overflow, Replay, Value
from autograd.layers import LayerError, find_layers
from autograd.replay import LayerReplay, NotLayered

from ._batch import Batch, Group, Part, above, below, guards, parameters_only
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
        self._last: Batch | None = None  # the last batch's groups (see _batch)
        self._tables: tuple | None = None  # see _families
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
        other._last = None  # its batches' inputs are other samples
        return other

    def record(self, x: Any, target: Any) -> Any:
        """The trace of one sample's loss (output 0), model outputs (outputs 1 … n_outputs) and the
        nodes its comparisons read (the rest: see `checked`). Where the model's layers replay as
        matrices, the trace starts at the last layer's outputs (`_record_loss`)."""
        if self.layers is not None:
            return self._record_loss(target)
        xs = [Value(float(v)) for v in _row(x)]
        try:
            with autograd.comparisons() as in_model:
                out = self.model(xs if len(xs) > 1 or not _bare(x) else xs[0])
        except (ValueError, TypeError, ArithmeticError) as e:
            raise CannotReplay(f"recording one sample failed ({e})") from None
        value, in_loss = self._loss_of(out, target)
        compared = [*in_model, *in_loss]
        outs = out if isinstance(out, list) else [out]
        self.n_outputs = len(outs)
        if not self._layered_tried:
            self._layered_tried = True
            self.layers = self._layered(value, outs, xs, compared)
            if self.layers is not None:
                self._out, self._model_compared = out, list(in_model)
                return self._record_loss(target)
        read, self._guards = guards(compared, len(outs))
        self._reads = np.arange(len(self.params))
        self._hoisted = None
        return autograd.trace([value, *outs, *read], inputs=[*self.params, *xs])

    def _record_loss(self, target: Any) -> Any:
        """The trace of the loss of the recorded model outputs, from the last layer's outputs on (a
        softmax, the loss): its inputs are the parameters it reads, the last layer's outputs and the
        values of its parameters-only part (an l2 penalty), which `_hoisted` computes once per batch."""
        out = self._out
        value, in_loss = self._loss_of(out, target)
        # the model's comparisons past its layers (a softmax's overflow guards) stay guards of the loss
        compared = [*self._model_compared, *in_loss]
        outs = out if isinstance(out, list) else [out]
        read, self._guards = guards(compared, len(outs))
        tops = self.layers.top
        parts = parameters_only(value, tops, self.params)
        if set(read) & below(parts):  # a comparison reads inside the parameters-only part: keep it
            parts = []
        ys = [value, *outs, *read]
        probe = autograd.trace(ys, inputs=self.params, cuts=[*tops, *parts])
        used = {a for step in probe.body for a in step.args if isinstance(a, int)}
        used |= {y for y in probe.outputs if isinstance(y, int)}
        params = [p for k, p in enumerate(self.params) if k + 1 - probe.n_inputs in used]
        self._reads = np.array([self._position[p] for p in params], dtype=np.intp)
        self._hoisted = autograd.trace(parts, inputs=self.params) if parts else None
        return autograd.trace(ys, inputs=params, cuts=[*tops, *parts])

    def _hoist(self, key: Any) -> None:
        """The replay of target `key`'s parameters-only part, shared by the targets whose part is the
        same program with the same constants."""
        if self._hoisted is None:
            self.hoisted[key] = None
            return
        replay = Replay(self._hoisted)
        same = (Replay.program(self._hoisted), tuple(replay.literal_values(self._hoisted)))
        self.hoisted[key] = self._hoisted_replays.setdefault(same, replay)

    def _loss_of(self, out: Any, target: Any) -> tuple[Value, list]:
        """The loss of one sample's outputs, and the comparisons it made. Raises CannotReplay."""
        try:
            with autograd.comparisons() as compared:
                value = self.loss([out], [target])
        except (ValueError, TypeError, ArithmeticError) as e:
            raise CannotReplay(f"recording one sample failed ({e})") from None
        if not isinstance(value, Value):
            raise CannotReplay(f"the loss returned {type(value).__name__}, not a Value")
        return value, list(compared)

    def _layered(
        self, value: Value, outs: list[Value], xs: list[Value], compared: list
    ) -> LayerReplay | None:
        """The model's layers as matrix products, or None where its graph is not a plain stack of
        layers over the parameters, or what follows the last layer (a softmax, the loss) reads the
        inputs, or a comparison reads a node inside the layers (then the whole graph replays step by
        step, every guard where it is)."""
        if not all(isinstance(o, Value) for o in outs):
            return None
        root = outs[0] if len(outs) == 1 else autograd.sum(outs)  # one root over every output
        try:
            layers = LayerReplay(find_layers(root), self.params, xs)
        except (LayerError, NotLayered):
            return None
        seen = set(above([value, *outs], layers.top))  # what follows the last layer: not the inputs
        read = {n for a, _, b, _ in compared for n in (a, b) if isinstance(n, Value)}
        return None if seen & set(xs) or not read <= seen else layers

    def prepare(self, idx: Sequence[int], targets: Sequence[Any], keys: Sequence[Any] | None = None) -> None:
        """Record a program for each new target of the batch; check it on a second sample of that target.
        `keys` are the targets' `_key`s, where the caller has them.

        Raises CannotReplay for too many targets or a program that differs between two samples.
        """
        keys = keys if keys is not None else _keys(targets)
        if self.replays.keys() >= set(keys):  # a training loop's usual batch
            return
        first: dict[Any, list[int]] = {}
        for i, key in zip(idx, keys):
            if key not in self.replays:
                first.setdefault(key, []).append(i)
        for key, samples in first.items():
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
        shape, reads = Replay.shape(recorded), self.reads[key]
        family = [
            k for k, r in self.replays.items()
            if Replay.shape(r.trace) == shape and np.array_equal(self.reads[k], reads)
        ]  # fmt: skip
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
        """Record sample i again; raise CannotReplay if its program is not the one being replayed.

        Where the layers replay as matrices (the model is recorded once), sample i runs on Values
        instead, and its loss and outputs must be the replayed ones."""
        if self.layers is None:
            if Replay.program(self.record(self.inputs[i], target)) != self.programs[_key(target)]:
                raise CannotReplay(f"the graph depends on the data (sample {i} records another graph)")
            return
        x = self.inputs[i]
        xs = [Value(float(v)) for v in _row(x)]
        out = self.model(xs if len(xs) > 1 or not _bare(x) else xs[0])
        value = self.loss([out], [target])
        engine = [o.data for o in (out if isinstance(out, list) else [out])]
        try:
            total, outputs, _ = self.run([i], [target], None)
        except (DomainError, Overflow) as e:  # finite on Values, not replayed: another branch was taken
            raise CannotReplay(f"the graph depends on the data (sample {i} fails replayed: {e})") from None
        if not (_close(total, value.data) and np.allclose(outputs[:, 0], engine, rtol=1e-9, atol=1e-12)):
            raise CannotReplay(f"the graph depends on the data (sample {i} computes another loss on Values)")

    def run(
        self, idx: Sequence[int], targets: Sequence[Any], seed: float | None, theta: np.ndarray | None = None
    ) -> tuple[float, np.ndarray, np.ndarray | None]:
        """(Σ of the samples' losses, model outputs (outputs × batch), Σ of seed·∇Lᵢ or None), at the
        parameters `theta` (by default read from the Values).

        seed None runs forward only. DomainError and Overflow name the node and the sample.
        """
        if theta is None:
            theta = np.fromiter((p.data for p in self.params), float, len(self.params))
        self.theta = theta
        batch = self._batch(idx, targets)
        grads = None if seed is None else np.zeros(len(self.params))
        if self.layers is None:  # each sample's whole graph, step by step
            outputs = np.empty((self.n_outputs, len(idx)))
            total = sum(self._replay(group, theta, group.x, seed, grads, outputs) for group in batch.groups)
            return total, outputs, grads
        # the model's layers as matrix products over the whole batch, then the loss over their outputs
        cache = self.layers.forward(theta, batch.x, idx)
        top = cache[-1][2]
        outputs = np.empty((self.n_outputs, len(idx)))
        upstream = np.empty_like(top) if seed is not None else None
        shared = {id(p): p for p in self.hoisted.values() if p is not None}  # targets share a part
        parts = {k: Part(p, theta) for k, p in shared.items()}
        total = 0.0
        for group in batch.groups:
            part = parts.get(id(self.hoisted[group.keys[0]]))
            total += self._replay(group, theta, top[:, group.cols], seed, grads, outputs, upstream, part)
        if seed is not None:
            for part in parts.values():
                grads += part.gradients()
            self.layers.backward(cache, upstream, grads)
        return total, outputs, grads

    def _replay(self, group, theta, fed, seed, grads, outputs, upstream=None, part=None) -> float:
        """One group's replay: the parameters it reads, then `fed` (its samples' inputs, or the last
        layer's outputs), then the parameters-only part's values. Writes the model's outputs into
        `outputs`, adds the gradients into `grads` (the parameters'), `upstream` (the last layer's
        outputs') and `part` (its values'). Returns Σ of its samples' losses."""
        reads = self.reads[group.keys[0]]
        n_fed = len(reads) + len(fed)
        inputs = np.empty((n_fed + (0 if part is None else len(part.values)), group.size))
        inputs[: len(reads)] = theta[reads, None]
        inputs[len(reads) : n_fed] = fed
        if part is not None:
            inputs[n_fed:] = part.values[:, None]
        sweep = group.replay.forward(inputs, group.rows, group.literals, group.variants, reuse=True)
        self.checked(sweep, group)
        for k in range(self.n_outputs):
            outputs[k, group.cols] = sweep.output(k + 1)
        if seed is not None:
            g = sweep.gradients(seed)
            grads[reads] += g[: len(reads)].sum(axis=1)
            if upstream is not None:
                n_top = len(upstream)
                upstream[:, group.cols] = g[len(reads) : len(reads) + n_top]
                if part is not None:  # Σ over the samples of the cuts' gradients
                    part.seed += g[len(reads) + n_top :].sum(axis=1)
        return float(sweep.output(0).sum())

    def _batch(self, idx: Sequence[int], targets: Sequence[Any]) -> Batch:
        """The batch's samples by replay (`Group`s) and its inputs; kept for the next call with the same
        batch (a full batch: every step)."""
        last, idx = self._last, idx if isinstance(idx, list) else list(idx)
        same = last is not None and last.idx == idx
        if same and (last.targets is targets or last.targets == list(targets)):
            return last
        keys = _keys(targets)
        self.prepare(idx, targets, keys)
        number, families, starts = self._families()
        code = np.array(list(map(number.__getitem__, keys)), dtype=np.intp)  # each sample's target's number
        rows, groups = np.asarray(idx), []
        family = np.searchsorted(starts, code, side="right") - 1 if len(families) > 1 else None
        for f, (classes, literals, variants) in enumerate(families):
            if family is None:
                cols, mine = slice(None), code
            else:
                cols = np.flatnonzero(family == f)
                if not len(cols):
                    continue
                mine = code[cols] - starts[f]  # its place among its family's targets
            x = None if self.layers is not None else self.inputs[rows[cols]].T.copy()
            groups.append(
                Group(
                    self.replays[classes[0]],
                    cols,
                    rows[cols],
                    literals[mine].T,
                    variants[mine],
                    classes,
                    mine,
                    x,
                )
            )
        x = self.inputs[rows].T.copy() if self.layers is not None else None
        targets = targets if isinstance(targets, list) else list(targets)
        self._last = Batch(idx, targets, groups, x)
        return self._last

    def _families(self) -> tuple[dict[Any, int], list[tuple[list[Any], np.ndarray, np.ndarray]], np.ndarray]:
        """The targets grouped by the replay they share (a family), each family's targets with their
        constants and variants as tables (a row per target); the targets numbered family after family,
        and where each family's numbers start. Made again when a target is added (`prepare`), else
        kept: a training loop's batches reuse them."""
        if self._tables is None or self._tables[0] != len(self.replays):
            by_replay: dict[int, list[Any]] = {}
            for key, replay in self.replays.items():
                by_replay.setdefault(id(replay), []).append(key)
            classes = list(by_replay.values())
            number = {k: j for j, k in enumerate(k for keys in classes for k in keys)}
            families = [
                (keys, np.array([self.literals[k] for k in keys]), np.array([self.variant[k] for k in keys]))
                for keys in classes
            ]
            starts = np.cumsum([0] + [len(keys) for keys in classes[:-1]])
            self._tables = (len(self.replays), number, families, starts)
        return self._tables[1:]

    def checked(self, sweep: Any, group: Group) -> None:
        """Raise CannotReplay, before any gradient is used, if a sample of `group` answers one of its
        target's recorded comparisons the other way: a Python `if` on a value would take another
        branch, so the recorded graph is not that sample's."""
        rows = group.rows
        for j, key in enumerate(group.keys):
            if not self.guards.get(key):
                continue
            mine = group.code == j
            if not mine.any():  # a target of the replay with no sample in this batch
                continue
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
        self, idx: Sequence[int], targets: Sequence[Any], theta: np.ndarray | None = None
    ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """The batch's loss and outputs, and the parameters' values θ and batch gradient (arrays in the
        order of `params`), at `theta` (by default the Values' own); the Values are not written."""
        c = 1.0 / len(idx) if self.scale == "mean" else 1.0
        total, outputs, grads = self.run(idx, targets, c, theta)
        return c * total, outputs, self.theta, grads

    def evaluate(self, idx: Sequence[int], targets: Sequence[Any]) -> tuple[float, np.ndarray]:
        """The loss and outputs of samples `idx`, forward only."""
        c = 1.0 / len(idx) if self.scale == "mean" else 1.0
        total, outputs, _ = self.run(idx, targets, None)
        return c * total, outputs


_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}


def predicted(outputs: np.ndarray, threshold: float) -> np.ndarray:
    """predict_class for every column: argmax of several outputs, 1 above `threshold` for one."""
    if outputs.shape[0] == 1:
        return (outputs[0] > threshold).astype(int)
    return outputs.argmax(axis=0)


def warn(reason: str) -> None:
    """The one-line warning of a fit that trains with the object engine instead of replaying, shown at
    the line of the program that called nn (the first frame outside the package)."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith("nn."):
        frame, level = frame.f_back, level + 1
    warnings.warn(f"fit: replay is off ({reason}); training with the object engine", ReplayWarning, level)


def _row(x: Any) -> list[float]:
    return [float(x)] if _bare(x) else [float(v) for v in x]


def _bare(x: Any) -> bool:
    return isinstance(x, (int, float, Value))


def _keys(targets: Sequence[Any]) -> list[Any]:
    """`_key` of each target; the targets themselves where none is a list or tuple (class indices)."""
    if any(issubclass(kind, (list, tuple)) for kind in set(map(type, targets))):
        return [_key(t) for t in targets]
    return targets if isinstance(targets, list) else list(targets)


def _key(t: Any) -> Any:
    return tuple(_key(v) for v in t) if isinstance(t, (list, tuple)) else t


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
