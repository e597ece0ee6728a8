"""Losses on Values: every loss the slides name, with PyTorch's formulas and reductions where it has them.

Arguments come in PyTorch's order, prediction first, then target (the slides write L(y, y′), target
first). A prediction is one sample (a list of Values, or one Value) or a batch (a list of such lists);
targets have the matching shape. Batches are reduced by `reduction`: 'mean' (over samples, or over every
element where PyTorch does so), 'sum', or 'none' (a list of per-sample losses). Inputs are checked, and
a ValueError says what is wrong (lengths, probability ranges, class indices, label values).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import autograd
from autograd import Value, collector_paused
from autograd.errors import is_real, is_whole

from ._checks import _shown
from ._text import plural

Number = int | float
Scalar = Value | Number
Vector = Sequence[Scalar]

REDUCTIONS = ("mean", "sum", "none")
MSE_REDUCTIONS = ("mean", "sum", "half_sum", "sample_mean", "none")
_LOG_FLOOR = -100.0  # PyTorch's binary_cross_entropy clamps each log at −100


# --- regression losses -------------------------------------------------------------------------------


@collector_paused
def mse_loss(
    pred: Vector | Sequence[Vector], target: Vector | Sequence[Vector], reduction: str = "mean"
) -> Any:
    """Mean squared error with the first slide deck's three normalisations and PyTorch's reductions.

    With N samples of D outputs each and e = Σₙ Σ_d (yₙ_d − y′ₙ_d)²:
    'mean' = e/(N·D) (PyTorch's default; the slides' MSE), 'half_sum' = ½·e (the slides' ½Σ),
    'sample_mean' = e/N (the slides' 1/N Σ), 'sum' = e (the squared loss), and 'none' the list of
    squared errors in the shape of `pred`. A single sample is N = 1. Each term is (t − o)², as the
    slides write it.
    """
    _check_choice(reduction, MSE_REDUCTIONS, "mse_loss")
    rows, targets, single = _regression_rows(pred, target, "mse_loss")
    errors = [[(t - o) ** 2 for o, t in zip(r, ts)] for r, ts in zip(rows, targets)]
    if reduction == "none":
        return errors[0] if single else errors
    total = autograd.sum([e for row in errors for e in row])
    n, d = len(rows), len(rows[0])
    if reduction == "sum":
        return total
    if reduction == "half_sum":
        return 0.5 * total
    if reduction == "sample_mean":
        return total / n if n > 1 else total
    return total / (n * d) if n * d > 1 else total


@collector_paused
def squared_loss(pred: Vector | Sequence[Vector], target: Vector | Sequence[Vector]) -> Value:
    """The slides' squared loss L_SL = Σₙ (yₙ − y′ₙ)², a plain sum (mse_loss with reduction='sum')."""
    return mse_loss(pred, target, reduction="sum")


@collector_paused
def l1_loss(
    pred: Vector | Sequence[Vector], target: Vector | Sequence[Vector], reduction: str = "mean"
) -> Any:
    """The absolute loss |y − y′|, PyTorch's L1Loss: 'mean' over every element, 'sum', or 'none'."""
    _check_choice(reduction, REDUCTIONS, "l1_loss")
    rows, targets, single = _regression_rows(pred, target, "l1_loss")
    errors = [[abs(t - o) for o, t in zip(r, ts)] for r, ts in zip(rows, targets)]
    if reduction == "none":
        return errors[0] if single else errors
    flat = [e for row in errors for e in row]
    total = autograd.sum(flat)
    return total / len(flat) if reduction == "mean" and len(flat) > 1 else total


# --- classification losses ---------------------------------------------------------------------------


@collector_paused
def cross_entropy(probs: Vector | Sequence[Vector], target: Any, reduction: str = "mean") -> Any:
    """Cross-entropy on probabilities, the slides' L_CE = −Σₙ yₙ·log y′ₙ (natural log).

    `target` is a class index (then L = −log y′_target, PyTorch's nll_loss of log-probabilities) or a
    probability vector. Terms with yₙ = 0 are left out (0·log 0 = 0), so a zero probability matters
    only where the target puts weight on it, and then the loss is infinite: a ValueError. For scores
    (logits) use `softmax_cross_entropy`, which is what PyTorch calls cross_entropy.
    """
    _check_choice(reduction, REDUCTIONS, "cross_entropy")
    rows, targets, single = _class_rows(probs, target, "cross_entropy")
    losses = []
    for i, (p, t) in enumerate(zip(rows, targets)):
        where = _where(i, single)
        for j, pj in enumerate(p):
            _check_probability(_data(pj), f"cross_entropy: probability {j}{where}")
        weights = _class_weights(t, len(p), "cross_entropy", where)
        terms = []
        for j, w in weights:
            if _data(p[j]) <= 0.0:
                raise ValueError(
                    f"cross_entropy: the probability of class {j}{where} is 0 but the target gives it "
                    f"weight {w}, so the loss is infinite (log 0); use softmax_cross_entropy on scores"
                )
            terms.append(-autograd.log(p[j]) if w == 1.0 else -w * autograd.log(p[j]))
        losses.append(autograd.sum(terms))
    return _reduce(losses, reduction, single)


@collector_paused
def softmax_cross_entropy(logits: Vector | Sequence[Vector], target: Any, reduction: str = "mean") -> Any:
    """Softmax then cross-entropy, from scores: −log_softmax(s)_target; precise for any scores.

    This is PyTorch's cross_entropy (CrossEntropyLoss): `target` is a class index or a probability
    vector (then L = −Σₙ yₙ·log softmax(s)ₙ). The slides draw it as exp → Σ → ÷ → −log, which is
    `cross_entropy(autograd.softmax(s), target)` (the catalog's examples build that graph); training
    uses this form, which keeps full precision where −log of a p near 1 would not.
    """
    _check_choice(reduction, REDUCTIONS, "softmax_cross_entropy")
    rows, targets, single = _class_rows(logits, target, "softmax_cross_entropy")
    losses = []
    for i, (s, t) in enumerate(zip(rows, targets)):
        weights = _class_weights(t, len(s), "softmax_cross_entropy", _where(i, single))
        # −log softmax, not logsumexp(s) − s_j: that subtracts two rounded numbers of the scores' size
        # (1e16 + ln 2 − 1e16 = 0).
        log_p = autograd.log_softmax(s)
        terms = [-log_p[j] if w == 1.0 else -w * log_p[j] for j, w in weights]
        losses.append(autograd.sum(terms))
    return _reduce(losses, reduction, single)


@collector_paused
def binary_cross_entropy(p: Any, target: Any, reduction: str = "mean") -> Any:
    """−[y·log p + (1 − y)·log(1 − p)], PyTorch's BCELoss: p in [0, 1], y in [0, 1].

    As in PyTorch each log is clamped at −100, so a confidently wrong p of exactly 0 or 1 costs 100
    instead of infinity (with zero gradient there).
    """
    _check_choice(reduction, REDUCTIONS, "binary_cross_entropy")
    ps, ys, single = _binary_rows(p, target, "binary_cross_entropy")
    losses = []
    for i, (pi, y) in enumerate(zip(ps, ys)):
        where = _where(i, single)
        _check_probability(_data(pi), f"binary_cross_entropy: prediction{where}")
        _check_probability(y, f"binary_cross_entropy: target{where}")
        terms = []
        if y != 0.0:
            terms.append(-y * _clamped_log(pi) if y != 1.0 else -_clamped_log(pi))
        if y != 1.0:
            terms.append(-(1.0 - y) * _clamped_log(1.0 - pi))
        losses.append(autograd.sum(terms))
    return _reduce(losses, reduction, single)


@collector_paused
def bce_with_logits(score: Any, target: Any, reduction: str = "mean") -> Any:
    """Binary cross-entropy from a score s (σ(s) is the probability): softplus(s) − y·s, precise.

    Computed as (1 − y)·softplus(s) + y·softplus(−s), so the loss keeps full precision for any score.

    PyTorch's BCEWithLogitsLoss; y in [0, 1].
    """
    _check_choice(reduction, REDUCTIONS, "bce_with_logits")
    ss, ys, single = _binary_rows(score, target, "bce_with_logits")
    losses = []
    for i, (s, y) in enumerate(zip(ss, ys)):
        _check_probability(y, f"bce_with_logits: target{_where(i, single)}")
        # (1 − y)·softplus(s) + y·softplus(−s) = softplus(s) − y·s, as a sum of two terms ≥ 0: nothing
        # cancels (softplus(40) − 40 would be 0, not 4.2e-18).
        if y == 0.0:
            losses.append(autograd.softplus(s))
        elif y == 1.0:
            losses.append(autograd.softplus(-s))
        else:
            losses.append((1.0 - y) * autograd.softplus(s) + y * autograd.softplus(-s))
    return _reduce(losses, reduction, single)


@collector_paused
def logistic_loss(score: Any, target: Any, reduction: str = "mean") -> Any:
    """The logistic loss log(1 + e^(−y·s)) for labels y = ±1: PyTorch's SoftMarginLoss."""
    _check_choice(reduction, REDUCTIONS, "logistic_loss")
    ss, ys, single = _binary_rows(score, target, "logistic_loss")
    losses = []
    for i, (s, y) in enumerate(zip(ss, ys)):
        _check_sign(y, f"logistic_loss: target{_where(i, single)}")
        losses.append(autograd.softplus(-s if y > 0 else s))
    return _reduce(losses, reduction, single)


@collector_paused
def hinge_loss(
    scores: Vector | Sequence[Vector], target: Any, margin: float = 1.0, reduction: str = "mean"
) -> Any:
    """The multiclass SVM loss of the slides: Lᵢ = Σ_{j ≠ yᵢ} max(0, s_j − s_yᵢ + Δ), Δ = `margin`.

    The batch loss is the mean (1/N) Σᵢ Lᵢ, as the slides' L = 1/N Σᵢ Lᵢ + λR(W). PyTorch's
    MultiMarginLoss also divides each Lᵢ by the number of classes; the slides do not, and neither does
    this function.
    """
    _check_choice(reduction, REDUCTIONS, "hinge_loss")
    _check_nonnegative(margin, "hinge_loss: margin")
    rows, targets, single = _class_rows(scores, target, "hinge_loss")
    losses = []
    for i, (s, t) in enumerate(zip(rows, targets)):
        y = _class_index(t, len(s), "hinge_loss", _where(i, single))
        losses.append(autograd.sum([autograd.relu(s[j] - s[y] + margin) for j in range(len(s)) if j != y]))
    return _reduce(losses, reduction, single)


@collector_paused
def binary_hinge_loss(score: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> Any:
    """The two-class SVM loss max(0, Δ − y·s) for labels y = ±1 (micrograd's demo uses it, Δ = 1)."""
    _check_choice(reduction, REDUCTIONS, "binary_hinge_loss")
    _check_nonnegative(margin, "binary_hinge_loss: margin")
    ss, ys, single = _binary_rows(score, target, "binary_hinge_loss")
    losses = []
    for i, (s, y) in enumerate(zip(ss, ys)):
        _check_sign(y, f"binary_hinge_loss: target{_where(i, single)}")
        losses.append(autograd.relu(margin - s if y > 0 else margin + s))
    return _reduce(losses, reduction, single)


@collector_paused
def l2_penalty(parameters: Iterable[Value], lam: float) -> Value:
    """The slides' regularisation λ·R(W) with R(W) = Σ w²: add it to a data loss.

    Its gradient is 2λw, so it matches an optimizer's weight_decay of 2λ (with plain SGD).
    """
    _check_nonnegative(lam, "l2_penalty: lam")
    params = list(parameters)
    for p in params:
        if not isinstance(p, Value):
            raise TypeError(f"l2_penalty: parameters must be Values, got {type(p).__name__} {p!r}")
    if not params:
        return Value(0.0)
    return lam * autograd.sum([p * p for p in params])


# --- shapes and checks -------------------------------------------------------------------------------


def _is_scalar(x: Any) -> bool:
    return isinstance(x, Value) or is_real(x)


def _is_vector(x: Any) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def _data(x: Scalar) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _where(i: int, single: bool) -> str:
    return "" if single else f" of sample {i}"


def _check_choice(value: Any, choices: tuple[str, ...], name: str) -> None:
    if value not in choices:
        raise ValueError(f"{name}: reduction must be one of {', '.join(map(repr, choices))}, got {value!r}")


def _check_nonnegative(x: Any, name: str) -> None:
    if not is_real(x) or not math.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be a finite number ≥ 0, got {x!r}")


def _check_probability(p: float, name: str) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {p!r}")


def _check_sign(y: float, name: str) -> None:
    if y not in (-1.0, 1.0):
        hint = ""
        if y == 0:  # a Dataset's class index: fit passes the targets as they are
            hint = "; for class indices 0 and 1 (a Dataset's) pass [2 * y - 1 for y in targets]"
        raise ValueError(f"{name} must be −1 or +1, got {y!r}{hint}")


def _check_scalars(xs: Sequence[Any], name: str) -> None:
    for x in xs:
        if not _is_scalar(x):
            raise ValueError(f"{name} must hold numbers or Values, got {type(x).__name__} {x!r}")


def _regression_rows(
    pred: Any, target: Any, name: str
) -> tuple[list[list[Scalar]], list[list[Scalar]], bool]:
    """(rows of predictions, rows of targets, whether it was a single sample)."""
    if _is_scalar(pred):
        pred, target = [pred], [target] if _is_scalar(target) else target
    if not _is_vector(pred) or not pred:
        raise ValueError(
            f"{name}: the prediction must be a non-empty list (or a list of lists), got {pred!r}"
        )
    if not _is_vector(target):
        raise ValueError(f"{name}: the target must be a list like the prediction, got {target!r}")
    if len(pred) != len(target):
        raise ValueError(f"{name}: {plural(len(pred), 'prediction')} but {plural(len(target), 'target')}")
    single = not _is_vector(pred[0])
    if single:
        rows, targets = [list(pred)], [list(target)]
    else:
        rows = [list(r) if _is_vector(r) else [r] for r in pred]
        # A batch of one-output predictions may come with a flat list of targets.
        targets = [list(t) if _is_vector(t) else [t] for t in target]
    d = len(rows[0])
    for i, (r, t) in enumerate(zip(rows, targets)):
        if len(r) != d or not r:
            raise ValueError(f"{name}: sample {i} has {plural(len(r), 'prediction')}, sample 0 has {d}")
        if len(t) != len(r):
            raise ValueError(
                f"{name}: sample {i} has {plural(len(r), 'prediction')} but {plural(len(t), 'target')}"
            )
        _check_scalars(r, f"{name}: the prediction")
        _check_scalars(t, f"{name}: the target")
    return rows, targets, single


def _class_rows(pred: Any, target: Any, name: str) -> tuple[list[list[Scalar]], list[Any], bool]:
    """Score or probability vectors with one target each (a class index or a probability vector)."""
    if not _is_vector(pred) or not pred:
        raise ValueError(
            f"{name}: the prediction must be a non-empty list of scores (or a list of such lists), "
            f"got {_shown(pred)}"
        )
    single = not _is_vector(pred[0])
    if single:
        rows, targets = [list(pred)], [target]
    else:
        if not _is_vector(target):
            raise ValueError(
                f"{name}: a batch of {plural(len(pred), 'prediction')} needs a list of targets, "
                f"got {target!r}"
            )
        if len(pred) != len(target):
            raise ValueError(f"{name}: {plural(len(pred), 'prediction')} but {plural(len(target), 'target')}")
        rows, targets = [list(r) for r in pred], list(target)
    for i, r in enumerate(rows):
        if len(r) < 2:
            raise ValueError(
                f"{name}: sample {i} has {plural(len(r), 'class score')}; it needs at least 2 classes"
            )
        _check_scalars(r, f"{name}: the prediction")
    return rows, targets, single


def _class_index(t: Any, k: int, name: str, where: str) -> int:
    if not is_whole(t):
        raise ValueError(f"{name}: the target{where} must be a class index (an int), got {t!r}")
    if not 0 <= t < k:
        raise ValueError(f"{name}: class index {t}{where} is out of range for {k} classes (0 to {k - 1})")
    return t


def _class_weights(t: Any, k: int, name: str, where: str) -> list[tuple[int, float]]:
    """[(class, target weight)] with the zero weights left out: a class index gives [(t, 1.0)]."""
    if _is_vector(t):
        if len(t) != k:
            raise ValueError(f"{name}: the target{where} has {plural(len(t), 'probability')} for {k} classes")
        weights = []
        for j, w in enumerate(t):
            if not _is_scalar(w):
                raise ValueError(f"{name}: target probability {j}{where} must be a number, got {w!r}")
            _check_probability(_data(w), f"{name}: target probability {j}{where}")
            if _data(w) != 0.0:
                weights.append((j, _data(w)))
        return weights
    return [(_class_index(t, k, name, where), 1.0)]


def _binary_rows(pred: Any, target: Any, name: str) -> tuple[list[Scalar], list[float], bool]:
    """One score or probability per sample (a one-element list counts as its element) and its label."""
    single = _is_scalar(pred) or (
        _is_vector(pred) and len(pred) == 1 and _is_scalar(pred[0]) and _is_scalar(target)
    )
    if single:
        ps, ts = [pred[0] if _is_vector(pred) else pred], [target]
    else:
        if not _is_vector(pred) or not pred:
            raise ValueError(
                f"{name}: the prediction must be a Value, a number or a non-empty list of them, "
                f"got {_shown(pred)}"
            )
        if not _is_vector(target):
            raise ValueError(
                f"{name}: a batch of {plural(len(pred), 'prediction')} needs a list of targets, "
                f"got {target!r}"
            )
        if len(pred) != len(target):
            raise ValueError(f"{name}: {plural(len(pred), 'prediction')} but {plural(len(target), 'target')}")
        ps = []
        for i, p in enumerate(pred):
            if _is_vector(p):
                if len(p) != 1:
                    raise ValueError(
                        f"{name}: sample {i} has {plural(len(p), 'output')}; "
                        "a binary loss needs one per sample"
                    )
                p = p[0]
            ps.append(p)
        ts = [t[0] if _is_vector(t) and len(t) == 1 else t for t in target]
    _check_scalars(ps, f"{name}: the prediction")
    for t in ts:
        if not _is_scalar(t):
            raise ValueError(f"{name}: each target must be a number, got {t!r}")
    return ps, [_data(t) for t in ts], single


def _clamped_log(p: Scalar) -> Any:
    if _data(p) <= math.exp(_LOG_FLOOR):
        return Value(_LOG_FLOOR)  # a constant: the clamp has zero gradient, as in PyTorch
    return autograd.log(p)


def _reduce(losses: list[Value], reduction: str, single: bool) -> Any:
    if reduction == "none":
        return losses[0] if single else losses
    total = autograd.sum(losses)
    return total / len(losses) if reduction == "mean" and len(losses) > 1 else total
