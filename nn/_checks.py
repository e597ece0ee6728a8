"""Argument checks shared by the modules and the model-file loader: each error says what is wrong."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from autograd import OPS, Value
from autograd.errors import is_real, is_whole

from ._text import plural

# A unit's activation: an op the rule table marks as one (in its order: sigmoid, tanh, relu, leaky_relu,
# softplus, step), or none (linear), or softmax over the whole output layer.
ACTIVATIONS = (*(name for name, op in OPS.items() if op.activation), "linear", "softmax")
INITS = ("uniform", "xavier", "he")


def _check_count(n: Any, name: str) -> None:
    if not is_whole(n) or n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")


def _check_activation(name: Any) -> str:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}")
    return name


def _check_init(name: Any) -> None:
    if name not in INITS:
        raise ValueError(f"unknown init {name!r}; choose from {', '.join(INITS)}")


def _check_slope(slope: Any) -> float:
    if not is_real(slope) or not math.isfinite(slope):
        raise ValueError(f"leaky_slope must be a finite number, got {slope!r}")
    return float(slope)


def _vector(xs: Any, n: int, where: str) -> list[Any]:
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence):
        raise ValueError(f"{where} must be a list of {plural(n, 'number')}, got {xs!r}")
    if len(xs) != n:
        raise ValueError(f"{where} has {plural(len(xs), 'entry')}, expected {n}")
    for i, v in enumerate(xs):
        if not isinstance(v, Value) and (not is_real(v) or not math.isfinite(v)):
            raise ValueError(f"{where}[{i}] must be a finite number, got {v!r}")
    return list(xs)


def _matrix(rows: Any, nrows: int, ncols: int, where: str) -> list[list[Any]]:
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
        raise ValueError(f"{where} must be a list of {plural(nrows, 'row')}, got {rows!r}")
    if len(rows) != nrows:
        raise ValueError(f"{where} has {plural(len(rows), 'row')}, expected {nrows} (one per unit)")
    return [_vector(r, ncols, f"{where}[{j}]") for j, r in enumerate(rows)]


def _inputs(x: Any, n: int, who: str) -> list[Any]:
    """A module's input as a list of n numbers or Values; one bare number (or Value) counts when n is 1.

    who: the module, as messages name it ("MLP", "layer 2"). Raises ValueError for the wrong count,
    TypeError for anything else (a string, None, a dict, a list of lists), each saying what came.
    """
    if _is_scalar(x):
        if n == 1:
            return [x]
        raise ValueError(f"{who} expects {plural(n, 'input')}, got one number: {_shown(x)}")
    if isinstance(x, (str, bytes)) or not (isinstance(x, Sequence) or hasattr(x, "__array__")):
        raise TypeError(f"{who} expects a list of {plural(n, 'number')}, got {_shown(x)}")
    xs = list(x)
    bad = next((i for i, v in enumerate(xs) if v.__class__ is not float and not _is_scalar(v)), None)
    if bad is not None and _is_list(xs[bad]):
        raise TypeError(
            f"{who} takes one sample, a list of {plural(n, 'number')}, got a list of lists: "
            f"{_shown(x)} (for a batch, call it once per sample)"
        )
    if len(xs) != n:
        raise ValueError(f"{who} expects {plural(n, 'input')}, got {len(xs)}")
    if bad is not None:
        raise TypeError(f"{who} input {bad + 1} must be a number or a Value, got {_shown(xs[bad])}")
    return xs


def _is_scalar(x: Any) -> bool:
    return isinstance(x, Value) or is_real(x)


def _is_list(x: Any) -> bool:
    return not isinstance(x, (str, bytes)) and (isinstance(x, Sequence) or hasattr(x, "__array__"))


_PLAIN = (str, bytes, int, float, list, tuple, dict, type(None))


def _shown(x: Any) -> str:
    """A wrong argument as a message shows it, on one short line; its type too unless repr says it."""
    text = " ".join(repr(x).split())
    text = text if len(text) <= 60 else text[:57] + "..."
    return text if type(x) in _PLAIN else f"{type(x).__name__} {text}"


def _layer_labels(labels: dict[str, Any] | None, nin: int, nout: int, index: int) -> dict[str, Any]:
    """Check a layer's labels: {'weights': nout×nin, 'bias': str or nout, 'net': nout, 'out': nout}."""
    labels = _labels_dict(labels, f"layer {index} labels")
    unknown = set(labels) - {"weights", "bias", "net", "out"}
    if unknown:
        raise ValueError(
            f"layer {index} labels: unknown keys {sorted(unknown)} (use weights, bias, net, out)"
        )
    out: dict[str, Any] = {"weights": None, "bias": None, "net": None, "out": None}
    if labels.get("weights") is not None:
        out["weights"] = [
            _labels(r, nin, f"layer {index} weight labels row {j}")
            for j, r in enumerate(_labels_rows(labels["weights"], nout, index))
        ]
    bias = labels.get("bias")
    if bias is not None:
        out["bias"] = bias if isinstance(bias, str) else _labels(bias, nout, f"layer {index} bias labels")
    for key in ("net", "out"):
        if labels.get(key) is not None:
            out[key] = _labels(labels[key], nout, f"layer {index} {key} labels")
    return out


def _labels_dict(labels: Any, where: str) -> dict[str, Any]:
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise ValueError(f"{where} must be a dict like {{'weights': ..., 'out': ...}}, got {_shown(labels)}")
    return dict(labels)


def _labels_rows(rows: Any, nout: int, index: int) -> list[Any]:
    if isinstance(rows, str) or not isinstance(rows, Sequence) or len(rows) != nout:
        raise ValueError(f"layer {index} weight labels must be {plural(nout, 'row')} (one per unit)")
    return list(rows)


def _labels(xs: Any, n: int, where: str) -> list[str]:
    if isinstance(xs, str) or not isinstance(xs, Sequence) or len(xs) != n:
        raise ValueError(f"{where} must be a list of {plural(n, 'string')}, got {xs!r}")
    for x in xs:
        if not isinstance(x, str) or not x:
            raise ValueError(f"{where} must hold non-empty strings, got {x!r}")
    return list(xs)
