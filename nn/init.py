"""Parameters and their initialisation: each init's uniform range (PyTorch's formulas), weights drawn
from it, and a number made a labelled parameter Value."""

from __future__ import annotations

import math
import random
from typing import Any

from autograd import Value
from autograd.errors import is_real

from ._checks import _check_init


def random_stream(seed: int | random.Random | None) -> random.Random:
    """A random stream: `seed` itself when it is one (shared by every layer), else a new one from it."""
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def bounds(init: str, fan_in: int, fan_out: int) -> tuple[float, float]:
    """The uniform range of each initialisation (PyTorch's formulas)."""
    _check_init(init)
    if init == "uniform":  # torch.nn.Linear's default: U(±1/√fan_in) for weights and biases
        a = 1.0 / math.sqrt(fan_in)
    elif init == "xavier":  # Glorot uniform (Keras' Dense default), zero biases
        a = math.sqrt(6.0 / (fan_in + fan_out))
    else:  # He (Kaiming) uniform for ReLU, torch.nn.init.kaiming_uniform_(nonlinearity='relu'), zero biases
        a = math.sqrt(6.0 / fan_in)
    return -a, a


def drawn(
    init: str, nin: int, nout: int, rng: random.Random, biases: Any, has_bias: bool
) -> tuple[list[list[float]], Any]:
    """(weights, biases) drawn from `init`; given biases are kept, missing ones drawn (0 unless uniform)."""
    lo, hi = bounds(init, nin, nout)
    weights = [[rng.uniform(lo, hi) for _ in range(nin)] for _ in range(nout)]
    if biases is None and has_bias:
        biases = [rng.uniform(lo, hi) if init == "uniform" else 0.0 for _ in range(nout)]
    return weights, biases


def parameter(v: Any, label: str, where: str) -> Value:
    """`v` as a parameter labelled `label`: a given Value is kept (shared), a number becomes a new Value.

    Raises ValueError, naming `where`, for anything but a finite real number.
    """
    if isinstance(v, Value):
        return v  # shared: the caller's node is the parameter
    if not is_real(v) or not math.isfinite(v):
        raise ValueError(f"{where} must be a finite number, got {v!r}")
    return Value(float(v), label)
