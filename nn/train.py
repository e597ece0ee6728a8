"""The training loop: full-batch GD, SGD and mini-batch are one loop with different batch sizes.

The first slide deck's "Mini-Batch" loop: for each epoch, select subsets of the samples without
replacement; for each subset, forward, compute the errors, backpropagate, update the parameters.
"""

from __future__ import annotations

import gc
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from tqdm.auto import tqdm  # a widget in a notebook (not a red stderr block), text in a terminal

from autograd import DomainError, Overflow, Value, collector_paused, no_grad
from autograd.errors import is_real, is_whole

from ._replay import BatchProgram, CannotReplay, predicted, warn
from ._text import loss_text, plural
from .data import Dataset, _check_batch_size, batches
from .module import Module
from .optim import Optimizer

LossFn = Callable[[list[list[Value]], list[int]], Value]


@dataclass
class History:
    """What fit() measured, one entry per epoch (test_* stay empty without test data)."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    steps: int = 0
    seconds: float = 0.0
    epoch_seconds: list[float] = field(default_factory=list)  # each epoch's steps (not its test evaluation)
    replayed: bool = False  # whether the steps after the first were replayed (False: the object engine)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, ready for JSON."""
        return asdict(self)

    def summary(self) -> str:
        """One line: final loss and accuracy (and test accuracy), steps and time."""
        if not self.loss:
            return "not trained"
        text = f"loss {loss_text(self.loss[-1])}, train accuracy {self.accuracy[-1]:.1%}"
        if self.test_accuracy:
            text += f", test accuracy {self.test_accuracy[-1]:.1%}"
        return text + f" ({plural(self.steps, 'step')}, {self.seconds:.1f} s)"


def fit(
    model: Module,
    loss: LossFn,
    optimizer: Optimizer,
    data: Dataset,
    epochs: int = 10,
    batch_size: int | None = None,
    *,
    test: Dataset | None = None,
    seed: int | random.Random = 0,
    progress: bool = True,
    threshold: float | None = None,
    callback: Callable[[int, float], None] | None = None,
    replay: bool = True,
) -> History:
    """Train `model` on `data`; returns the History (loss and accuracy per epoch).

    `loss(outputs, targets)` gets a batch: the model's outputs (one list of Values per sample) and the
    samples' targets. `batch_size` None is full-batch gradient descent, 1 is SGD. Each epoch's `loss`
    and `accuracy` are running values over the epoch's batches (as Keras reports them); `test` data is
    evaluated after each epoch without building a graph. `callback(step, batch_loss)` runs after each
    update (to record a trajectory, say). `seed` fixes the batch order; a `random.Random` given instead is
    the generator itself (the playground passes its generator, shared with the browser). The progress
    bar (`tqdm.auto`: a widget in Jupyter when ipywidgets is installed, text on stderr elsewhere) can be
    turned off.
    `replay` (the default) runs 8 samples of the first batch both on Values and replayed (they must
    agree), then replays one recorded graph per class over each batch with NumPy (the same weights as
    the object engine to ~1e-12, many times faster); a model or loss it cannot replay gets a
    ReplayWarning and trains on Values, as `replay=False` does (docs/nn.md: what the guards catch).
    Raises ValueError for epochs or batch_size that are not positive integers (batch_size may be None)
    or an optimizer that updates none of the model's parameters, TypeError for a model, loss,
    optimizer, data, test, seed, threshold, callback or replay of the wrong kind, all before training
    starts, TypeError for a loss that does not return a Value, and
    Overflow naming the epoch and step when training diverges (the model keeps its weights from before
    that step; the error's `history` holds the epochs finished before it).
    """
    if not is_whole(epochs) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive integer, got {epochs!r}")
    try:
        _check_batch_size(batch_size)
    except ValueError as e:
        raise ValueError(f"fit: {e}") from None
    _check_parts(model, loss, optimizer, data, test)
    _check_settings(seed, threshold, callback, replay)
    threshold = default_threshold(model) if threshold is None else threshold
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    history, n = History(), len(data)
    per_epoch = len(range(0, n, batch_size or n))
    bar = tqdm(total=epochs * per_epoch, disable=not progress, unit="step", desc=data.name, leave=False)
    start = time.perf_counter()
    trainer = _Trainer(model, loss, optimizer, data, threshold, replay)
    try:
        with _old_objects_frozen(), bar:
            for epoch in range(1, epochs + 1):
                total, correct = 0.0, 0
                began = time.perf_counter()
                for idx in batches(n, batch_size, rng):
                    where = f"epoch {epoch}, step {history.steps + 1}"
                    # the guard records a few samples again at epochs 2, 4, 8, …: its cost stays small
                    guard = total == 0.0 and epoch > 1 and epoch & (epoch - 1) == 0
                    batch_loss, right = trainer.update(idx, where, guard=guard)
                    history.steps += 1
                    total, correct = total + batch_loss * len(idx), correct + right
                    if callback is not None:
                        trainer.sync()
                        callback(history.steps, batch_loss)
                        trainer.reload()
                    bar.update()
                seconds = time.perf_counter() - began
                if test is not None:  # first: an epoch's numbers go into the History together
                    test_loss, test_accuracy = _tested(trainer, test, where)
                    history.test_loss.append(test_loss)
                    history.test_accuracy.append(test_accuracy)
                history.epoch_seconds.append(seconds)
                history.loss.append(total / n)
                history.accuracy.append(correct / n)
                bar.set_postfix(_progress_postfix(history), refresh=False)
    except Overflow as error:  # the epochs before it go with it: a diverging run's curve, to be drawn
        history.seconds = time.perf_counter() - start
        history.replayed = trainer.program is not None
        error.history = history
        raise
    trainer.finish()
    history.seconds = time.perf_counter() - start
    history.replayed = trainer.program is not None
    return history


PROBE = 8  # samples the first step runs on Values, to check the replay against the object engine
GUARDS = 4  # samples recorded again at epochs 2, 4, 8, …, to catch a graph that depends on the data


class _Trainer:
    """One step at a time, replayed when it can be (see nn._replay), else on the object engine."""

    def __init__(
        self, model: Module, loss: LossFn, optimizer: Optimizer, data: Dataset, threshold: float, replay: bool
    ) -> None:
        self.model, self.loss, self.optimizer, self.data = model, loss, optimizer, data
        self.threshold = threshold
        self.program = BatchProgram(model, loss, optimizer, data.inputs) if replay else None
        self._tests: dict[int, BatchProgram] = {}
        self._rows: Any = None
        self._grads: np.ndarray | None = None
        # While steps replay, the parameters live in this array (θ in the program's order); the Values
        # get them (`sync`) where a user or the object engine can read them: before a callback, a
        # guard, an evaluation, a fallback, and when training ends. None: read θ from the Values.
        self.theta: np.ndarray | None = None
        self._stale = False
        self._last_idx: list[int] | None = None  # the last batch, its targets, and them as class numbers
        self._targets: list[Any] = []
        self._classes: np.ndarray | None = None
        self._guarded = 0  # guards run so far (each records other samples)

    def update(self, idx: list[int], where: str, guard: bool = False) -> tuple[float, int]:
        """One step on the samples `idx`: (the batch's loss, how many were classified right before it)."""
        if self._last_idx != idx:  # a full batch is the same batch every step: its targets are kept
            self._last_idx, self._targets = list(idx), [self.data.targets[i] for i in idx]
            self._classes = _classes(self._targets)
        targets = self._targets
        if self.program is not None and self.program.scale is not None:
            try:
                if guard:
                    self._guard(idx, targets, where)
                return self._replayed(idx, targets, where)
            except CannotReplay as e:
                self._fall_back(f"{e}, at {where}")
        if self.program is not None and self.program.scale is None and self._decide(idx[:PROBE], where):
            return self.update(idx, where)  # replayed from the first step on
        inputs = [self.data.inputs[i] for i in idx]
        return _update(self.model, self.loss, self.optimizer, inputs, targets, self.threshold, where)

    def _guard(self, idx: list[int], targets: list[Any], where: str) -> None:
        """The graphs of a few samples of the batch recorded again, on Values, at the current weights.
        Raises CannotReplay (another graph), Overflow naming `where` (a sample overflows on Values)."""
        self.sync()
        try:
            for k in self._probes(len(idx)):
                self.program.guard(idx[k], targets[k])
        except Overflow as e:
            raise _diverged(where, e) from None

    def _probes(self, n: int) -> list[int]:
        """GUARDS positions spread over a batch of n, a little further on at each call: the samples a
        guard records again."""
        k = min(GUARDS, n)
        self._guarded += 1
        return sorted({(j * n // k + self._guarded) % n for j in range(k)})

    def _decide(self, idx: list[int], where: str) -> bool:
        """Run a few samples on Values and replayed: the same loss and gradients tell whether the loss
        is their mean or sum, and that replay computes what the object engine does; else fall back.
        The parameters are left as they were, their `.grad` at 0."""
        targets = [self.data.targets[i] for i in idx]
        params = self.program.params
        for p in params:
            p.grad = 0.0
        try:
            value = _loss_value(self.loss([self.model(self.data.inputs[i]) for i in idx], targets))
            value.backward()
            self.program.decide_scale(idx, targets, value.data)
        except Overflow as e:
            raise _diverged(where, e) from None
        except (CannotReplay, DomainError) as e:
            self._fall_back(str(e))
        for p in params:
            p.grad = 0.0
        return self.program is not None

    def _replayed(self, idx: list[int], targets: list[Any], where: str) -> tuple[float, int]:
        # θ and ∇θ stay arrays through the update and from step to step (see `theta`)
        try:
            value, outputs, theta, grads = self.program.step(idx, targets, self.theta)
            rows = self._optimizer_rows()
            new = self.optimizer.update(theta[rows], grads[rows])
        except Overflow as e:
            self.sync()  # the weights from before this step, as on Values
            raise _diverged(where, e) from None
        if isinstance(rows, slice):
            self.theta = new
        else:  # parameters the optimizer does not update keep their values
            self.theta = theta.copy()
            self.theta[rows] = new
        self._stale = True
        self._grads = grads
        return value, _right(predicted(outputs, self.threshold), self._classes)

    def _optimizer_rows(self) -> Any:
        # the optimizer's parameters among the program's (the model's first): usually all, in order
        if self._rows is None:
            position = {p: k for k, p in enumerate(self.program.params)}
            rows = np.array([position[p] for p in self.optimizer.params], dtype=np.intp)
            self._rows = slice(None) if np.array_equal(rows, np.arange(len(position))) else rows
        return self._rows

    def sync(self) -> None:
        """Write the replayed weights into the Values (`.data`), where someone is about to read them."""
        if self.program is not None and self.theta is not None and self._stale:
            for p, x in zip(self.program.params, self.theta.tolist()):
                p.data = x
            self._stale = False

    def reload(self) -> None:
        """Read θ from the Values at the next step (a callback may have changed them)."""
        self.theta = None

    def finish(self) -> None:
        """The weights and the last replayed batch gradient into the Values, as a step on Values leaves
        them."""
        self.sync()
        if self.program is not None and self._grads is not None:
            for p, g in zip(self.program.params, self._grads.tolist()):
                p.grad = g

    def _fall_back(self, reason: str) -> None:
        warn(reason)
        self.finish()
        self.program = None

    def evaluate(self, test: Dataset) -> tuple[float, float]:
        """(loss, accuracy) on `test`: replayed forward when training is replayed, else evaluate()."""
        self.sync()
        if self.program is None or self.program.scale is None:
            return evaluate(self.model, self.loss, test, self.threshold)
        program = self._tests.setdefault(id(test), self.program.with_inputs(test.inputs))
        idx = list(range(len(test)))
        try:
            value, outputs = program.evaluate(idx, list(test.targets))
        except CannotReplay:
            return evaluate(self.model, self.loss, test, self.threshold)
        right = _right(predicted(outputs, self.threshold), _classes(list(test.targets)))
        return value, right / len(test)


def _tested(trainer: _Trainer, test: Dataset, where: str) -> tuple[float, float]:
    """The test data's (loss, accuracy) after the step at `where`; Overflow saying so when it overflows."""
    try:
        return trainer.evaluate(test)
    except Overflow as e:
        raise Overflow(
            f"training diverged at {where}: the test data's loss overflows after it (try a smaller "
            f"learning rate): {e}"
        ) from None


def _check_settings(seed: Any, threshold: Any, callback: Any, replay: Any) -> None:
    """TypeError for a seed that is neither an int nor a random.Random, a threshold that is not a finite
    number, a callback that is not a function, a replay that is not True or False."""
    if not (is_whole(seed) or isinstance(seed, random.Random)):
        raise TypeError(f"fit: seed must be an int or a random.Random, got {seed!r}")
    if threshold is not None and not (is_real(threshold) and math.isfinite(threshold)):
        raise TypeError(
            f"fit: threshold must be a finite number (where one output's class changes), got {threshold!r}"
        )
    if callback is not None and not callable(callback):
        raise TypeError(f"fit: callback must be a function callback(step, batch_loss), got {callback!r}")
    if not isinstance(replay, bool):
        raise TypeError(f"fit: replay must be True or False, got {replay!r}")


def _check_parts(model: Any, loss: Any, optimizer: Any, data: Any, test: Any) -> None:
    """TypeError for a model that is not an nn Module, a loss that is not a function, an optimizer
    that is not one (the class itself, say), data or test that is not a Dataset; ValueError for test
    samples of another width than data's, or an optimizer that updates none of the model's parameters
    (made for another model: training would change nothing)."""
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be an nn Module (nn.MLP, nn.Layer, nn.Neuron…), got {model!r}")
    if not callable(loss):
        raise TypeError(
            f"fit: loss must be a function loss(outputs, targets) such as nn.mse_loss, got {loss!r}"
        )
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"fit: optimizer must be an optimizer made for the model, such as nn.SGD(model.parameters(), "
            f"lr=0.1), got {optimizer!r}"
        )
    for name, given in (("data", data), ("test", test)):
        if (given is not None or name == "data") and not isinstance(given, Dataset):
            raise TypeError(
                f"fit: {name} must be an nn.data.Dataset (nn.data.Dataset(name, inputs, targets, "
                f"num_classes)), got {type(given).__name__}"
            )
    for given in (data, test):
        if given is not None:
            given.check()  # as when it was made: its lists may have been changed since
    if test is not None and test.num_features != data.num_features:
        raise ValueError(
            f"fit: test has {plural(test.num_features, 'feature')} a sample, data {data.num_features}"
        )
    mine = set(model.parameters())
    if mine and not mine & set(optimizer.params):
        raise ValueError(
            "fit: the optimizer updates none of the model's parameters; make it with model.parameters()"
        )


def _classes(targets: list[Any]) -> np.ndarray | None:
    """The targets as class numbers (an array), or None where they are not (a one-hot list, say)."""
    try:
        classes = np.asarray(targets, dtype=float)
    except (TypeError, ValueError):
        return None
    return classes if classes.ndim == 1 else None


def _right(predictions: np.ndarray, classes: np.ndarray | None) -> int:
    """How many predicted classes equal their targets (`_classes`; targets that are not class numbers
    never do)."""
    if classes is None or classes.shape != predictions.shape:
        return 0
    return int(np.count_nonzero(predictions == classes))


@collector_paused  # builds, walks and drops a whole graph: the collector would find nothing in it
def _update(
    model: Module,
    loss: LossFn,
    optimizer: Optimizer,
    inputs: list[Any],
    targets: list[int],
    threshold: float,
    where: str,
) -> tuple[float, int]:
    """One step on one batch: forward, loss, backward, the optimizer's update.

    Returns (the batch's loss, how many of its samples the model classified right before the update).
    Raises Overflow naming `where` (epoch and step) when training diverges.
    """
    optimizer.zero_grad()
    try:
        outputs = [model(x) for x in inputs]
        value = _loss_value(loss(outputs, targets))
        value.backward()
        optimizer.step()
    except Overflow as e:
        raise _diverged(where, e) from None
    return value.data, sum(predict_class(o, threshold) == t for o, t in zip(outputs, targets))


def _loss_value(value: Any) -> Value:
    """The loss's result, which must be a Value (the root of the batch's graph). Raises TypeError."""
    if not isinstance(value, Value):
        raise TypeError(
            f"fit: the loss returned {type(value).__name__} {value!r}, not a Value: loss(outputs, targets) "
            "must compute the loss from the model's outputs (Values), as nn's losses do"
        )
    return value


def _diverged(where: str, e: Overflow) -> Overflow:
    return Overflow(
        f"training diverged at {where} (try a smaller learning rate); the model keeps its weights from "
        f"before that step: {e}"
    )


def _progress_postfix(history: History) -> dict[str, str]:
    """The progress bar's numbers after an epoch: loss, accuracy, and test accuracy if measured."""
    postfix = {"loss": loss_text(history.loss[-1]), "acc": f"{history.accuracy[-1]:.1%}"}
    if history.test_accuracy:
        postfix["test acc"] = f"{history.test_accuracy[-1]:.1%}"
    return postfix


@contextmanager
def _old_objects_frozen() -> Iterator[None]:
    """Let the garbage collector skip the objects that existed before training, then put them back.

    Graphs hold no reference cycles and are freed by reference counting, but the collector still runs
    as they are built, and each full collection scans every object of the process (hundreds of
    thousands once PyTorch or scikit-learn is imported). gc.freeze() sets the old objects aside; the
    collector stays on for everything made while training. Left alone if the program froze objects
    itself. (A step on Values now runs with the collector paused, `_update`, which saves more, and
    the freeze no longer helps: micrograd's demo, replay=False, 5 epochs, load 1, 2026-12-07, CPU time
    275–283 ms with the pause alone, 333–368 ms with the freeze alone, 256–335 ms with both, as here.)
    """
    mine = gc.isenabled() and gc.get_freeze_count() == 0
    if mine:
        gc.freeze()
    try:
        yield
    finally:
        if mine:
            gc.unfreeze()


def evaluate(
    model: Module, loss: LossFn, data: Dataset, threshold: float | None = None
) -> tuple[float, float]:
    """(loss, accuracy) of `model` on `data`, computed without building a graph."""
    threshold = default_threshold(model) if threshold is None else threshold
    with no_grad():
        outputs = [model(x) for x in data.inputs]
        value = loss(outputs, list(data.targets))
    correct = sum(predict_class(o, threshold) == t for o, t in zip(outputs, data.targets))
    return _float(value), correct / len(data)


def accuracy(model: Module, data: Dataset, threshold: float | None = None) -> float:
    """The fraction of samples whose predicted class is the target."""
    threshold = default_threshold(model) if threshold is None else threshold
    with no_grad():
        return sum(predict_class(model(x), threshold) == t for x, t in zip(data.inputs, data.targets)) / len(
            data
        )


def predict_class(output: Sequence[Value | float], threshold: float = 0.0) -> int:
    """The class an output stands for: argmax of several outputs; 1 if one output exceeds `threshold`."""
    values = [o.data if isinstance(o, Value) else o for o in output]
    if len(values) == 1:
        return int(values[0] > threshold)
    return max(range(len(values)), key=values.__getitem__)


def default_threshold(model: Module) -> float:
    """0.5 for an output in [0, 1] (sigmoid, step), 0 for a score (linear, tanh, ...)."""
    return 0.5 if getattr(model, "output_activation", None) in ("sigmoid", "step") else 0.0


def _float(x: Value | float) -> float:
    """A loss as a float: a Value's data, or the number itself (a loss may return a plain number)."""
    return x.data if isinstance(x, Value) else float(x)
