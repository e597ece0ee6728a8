"""Optimizers: SGD (with the slides' momentum, and Nesterov), Adagrad, RMSprop, Adadelta, Adam, NAdam.

Each follows PyTorch's update formulas and defaults (torch/optim/*.py) unless the slides define it
otherwise, and says so. They read `p.grad` and change `p.data` of each parameter; they build no graph.
The update runs on arrays, every parameter at once (`update`: what a replayed fit calls without
reading the Values), with the state (momentum, running averages) in arrays of one entry per parameter;
elementwise NumPy arithmetic rounds as Python's floats do, so the numbers are the same either way.
`weight_decay` is PyTorch's (coupled) one: it adds weight_decay·w to the gradient before the update.
Bad hyper-parameters raise a ValueError naming the optimizer, the setting and the allowed range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from autograd import Overflow, Value
from autograd.errors import is_real
from autograd.replay import all_finite

from ._checks import _shown


class Optimizer:
    """Base class: holds the parameters (each once) and the learning rate; step() and zero_grad()."""

    def __init__(self, params: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        self.params = _unique_params(params, type(self).__name__)
        self.lr = lr
        self.weight_decay = _check_range(weight_decay, "weight_decay", 0.0, math.inf, self)
        self.steps = 0  # how many updates so far (PyTorch's `step` state)

    @property
    def lr(self) -> float:
        """The learning rate η (may be changed between steps, for a schedule)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _check_range(value, "learning rate lr", 0.0, math.inf, self)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (backward adds to it)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its gradient."""
        n = len(self.params)
        theta = np.fromiter((p.data for p in self.params), float, n)
        new = self.update(theta, np.fromiter((p.grad for p in self.params), float, n))
        for p, x in zip(self.params, new.tolist()):
            p.data = x

    def update(self, theta: np.ndarray, grads: np.ndarray) -> np.ndarray:
        """The parameters after one step, from their values `theta` and gradients `grads` (arrays in the
        order of `params`); the Values are not read or written. Raises Overflow naming the first
        parameter whose update, or whose state the optimizer keeps, is not a finite float; the
        optimizer is then as it was before the step."""
        before = self._state()
        self._prepare(self.steps + 1)
        self.steps += 1
        g = grads + self.weight_decay * theta if self.weight_decay else grads
        # inf or nan, in the weights or in what the optimizer keeps (Adam's v = β₂v + (1 − β₂)∇², say):
        # never stored silently; the optimizer is left as it was before the step
        with np.errstate(over="ignore", invalid="ignore"):  # checked here, with the parameter's name
            new = theta + self._deltas(g)
            state = self._state()
            if all_finite(new) and all(map(all_finite, state.values())):
                return new
        self.steps -= 1
        for name, x in before.items():
            setattr(self, name, x)
        bad = [(f"state {name}", x) for name, x in state.items() if not np.isfinite(x).all()]
        what, x = bad[0] if bad else ("update", new)
        i = int(np.argmin(np.isfinite(x)))
        cause = "the gradient is too large" if bad else "the learning rate is probably too large"
        raise Overflow(
            f"{type(self).__name__}: the {what} of {self.params[i].describe()} overflows a float "
            f"(value {float(theta[i])!r}, gradient {float(grads[i])!r}); {cause}"
        )

    def _state(self) -> dict[str, np.ndarray]:
        """The arrays the optimizer keeps from step to step (Adam's m and v), by name. Each step puts new
        arrays in their place, never changes one: these references are the state before a step."""
        return {name: x for name, x in vars(self).items() if isinstance(x, np.ndarray)}

    def _prepare(self, t: int) -> None:
        """What step t computes once for every parameter (a bias correction)."""

    def _deltas(self, g: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _zeros(self) -> np.ndarray:
        return np.zeros(len(self.params))

    def _settings(self) -> dict[str, Any]:
        return {"lr": self.lr}

    def __repr__(self) -> str:
        shown = {k: v for k, v in self._settings().items() if k == "lr" or v}  # leave out what is off
        settings = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items())
        return f"{type(self).__name__}({settings})"


class SGD(Optimizer):
    """Gradient descent with the slides' momentum: Δw(t) = −η·∇ + α·Δw(t−1), w ← w + Δw(t).

    This is the "Adding Momentum" rule of the second slide deck. PyTorch keeps b(t) = α·b(t−1) + ∇ and
    steps w ← w − η·b(t); with a constant η the two are the same (Δw = −η·b), and they differ only when η
    changes between steps (here a new η scales only the new gradient). Nesterov looks ahead:
    w ← w + α·Δw(t) − η·∇ (PyTorch's nesterov=True). The slides allow 0 ≤ α ≤ 1.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = _check_range(momentum, "momentum α", 0.0, 1.0, self, closed=True)
        if nesterov and momentum == 0:
            raise ValueError("SGD: nesterov=True needs a momentum α > 0")
        self.nesterov = bool(nesterov)
        self.velocity = self._zeros()  # Δw(t−1) for each parameter

    def _deltas(self, g: np.ndarray) -> np.ndarray:
        if not self.momentum:
            return -self.lr * g
        dw = self.velocity = -self.lr * g + self.momentum * self.velocity
        return self.momentum * dw - self.lr * g if self.nesterov else dw

    def _settings(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
        }


class Adagrad(Optimizer):
    """Adagrad: G += ∇², w ← w − η_t·∇/(√G + ε), η_t = η/(1 + (t−1)·lr_decay) (PyTorch's defaults)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.lr_decay = _check_range(lr_decay, "lr_decay", 0.0, math.inf, self)
        init = _check_range(initial_accumulator_value, "initial_accumulator_value", 0.0, math.inf, self)
        self.eps = _check_range(eps, "eps", 0.0, math.inf, self)
        self.sum_sq = self._zeros() + init

    def _prepare(self, t: int) -> None:
        self._clr = self.lr / (1 + (t - 1) * self.lr_decay)

    def _deltas(self, g: np.ndarray) -> np.ndarray:
        self.sum_sq = self.sum_sq + g * g
        return -self._clr * g / (np.sqrt(self.sum_sq) + self.eps)

    def _settings(self) -> dict[str, Any]:
        return {"lr": self.lr, "lr_decay": self.lr_decay, "eps": self.eps, "weight_decay": self.weight_decay}


class RMSprop(Optimizer):
    """RMSprop: v = α·v + (1 − α)·∇², w ← w − η·∇/(√v + ε) (PyTorch's formula and defaults).

    `centered` subtracts the squared running mean of ∇ from v; `momentum` μ keeps
    b = μ·b + ∇/(√v + ε) and steps w ← w − η·b. (Keras' RMSprop, the first deck's model, defaults to
    η = 0.001, ρ = 0.9, ε = 1e-7.)
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.alpha = _check_range(alpha, "alpha (decay rate)", 0.0, 1.0, self)
        self.eps = _check_range(eps, "eps", 0.0, math.inf, self)
        self.momentum = _check_range(momentum, "momentum", 0.0, 1.0, self)
        self.centered = bool(centered)
        self.square_avg, self.grad_avg, self.buffer = self._zeros(), self._zeros(), self._zeros()

    def _deltas(self, g: np.ndarray) -> np.ndarray:
        a = self.alpha
        v = self.square_avg = a * self.square_avg + (1 - a) * g * g
        if self.centered:
            m = self.grad_avg = self.grad_avg + (g - self.grad_avg) * (1 - a)
            v = v - m * m
        avg = np.sqrt(v) + self.eps
        if self.momentum:
            b = self.buffer = self.momentum * self.buffer + g / avg
            return -self.lr * b
        return -self.lr * g / avg

    def _settings(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "alpha": self.alpha,
            "eps": self.eps,
            "momentum": self.momentum,
            "centered": self.centered,
        }


class Adadelta(Optimizer):
    """Adadelta: v = ρ·v + (1 − ρ)·∇², Δ = √(u + ε)/√(v + ε)·∇, u = ρ·u + (1 − ρ)·Δ², w −= η·Δ (PyTorch)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.rho = _check_range(rho, "rho (decay rate)", 0.0, 1.0, self)
        self.eps = _check_range(eps, "eps", 0.0, math.inf, self)
        self.square_avg, self.acc_delta = self._zeros(), self._zeros()

    def _deltas(self, g: np.ndarray) -> np.ndarray:
        rho, eps = self.rho, self.eps
        v = self.square_avg = rho * self.square_avg + (1 - rho) * g * g
        delta = np.sqrt(self.acc_delta + eps) / np.sqrt(v + eps) * g
        self.acc_delta = rho * self.acc_delta + (1 - rho) * delta * delta
        return -self.lr * delta

    def _settings(self) -> dict[str, Any]:
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps, "weight_decay": self.weight_decay}


class Adam(Optimizer):
    """Adam: m = β₁m + (1 − β₁)∇, v = β₂v + (1 − β₂)∇², w ← w − η·m̂/(√v̂ + ε), with bias correction.

    PyTorch's formula and defaults (η = 1e-3, β = (0.9, 0.999), ε = 1e-8); `amsgrad` uses the running
    maximum of v.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.betas = _check_betas(betas, self)
        self.eps = _check_range(eps, "eps", 0.0, math.inf, self)
        self.amsgrad = bool(amsgrad)
        self.m, self.v, self.v_max = self._zeros(), self._zeros(), self._zeros()

    def _prepare(self, t: int) -> None:
        b1, b2 = self.betas
        self._step_size = self.lr / (1 - b1**t)
        self._bc2_sqrt = math.sqrt(1 - b2**t)

    def _deltas(self, g: np.ndarray) -> np.ndarray:
        b1, b2 = self.betas
        m = self.m = self.m + (g - self.m) * (1 - b1)
        v = self.v = b2 * self.v + (1 - b2) * g * g
        if self.amsgrad:
            v = self.v_max = np.maximum(self.v_max, v)
        return -self._step_size * m / (np.sqrt(v) / self._bc2_sqrt + self.eps)

    def _settings(self) -> dict[str, Any]:
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps, "weight_decay": self.weight_decay}


class NAdam(Optimizer):
    """NAdam (Adam with Nesterov momentum), PyTorch's formula with its momentum decay ψ = 0.004.

    μ_t = β₁(1 − ½·0.96^(tψ)); w ← w − η(1 − μ_t)/(1 − Πμ)·∇/d − η·μ_{t+1}/(1 − Πμ·μ_{t+1})·m/d,
    with d = √(v/(1 − β₂^t)) + ε.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.betas = _check_betas(betas, self)
        self.eps = _check_range(eps, "eps", 0.0, math.inf, self)
        self.momentum_decay = _check_range(momentum_decay, "momentum_decay", 0.0, math.inf, self)
        self.m, self.v = self._zeros(), self._zeros()
        self.mu_product = 1.0

    def _prepare(self, t: int) -> None:
        b1, b2 = self.betas
        psi = self.momentum_decay
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        self.mu_product *= mu
        self._bc2 = 1 - b2**t
        self._grad_coef = self.lr * (1.0 - mu) / (1.0 - self.mu_product)
        self._m_coef = self.lr * mu_next / (1.0 - self.mu_product * mu_next)

    def _deltas(self, g: np.ndarray) -> np.ndarray:
        b1, b2 = self.betas
        m = self.m = self.m + (g - self.m) * (1 - b1)
        v = self.v = b2 * self.v + (1 - b2) * g * g
        d = np.sqrt(v / self._bc2) + self.eps
        return -self._grad_coef * g / d - self._m_coef * m / d

    def _settings(self) -> dict[str, Any]:
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps, "momentum_decay": self.momentum_decay}


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adadelta": Adadelta,
    "adam": Adam,
    "nadam": NAdam,
}


# --- checks --------------------------------------------------------------------------------------------


def _unique_params(params: Iterable[Value], name: str) -> list[Value]:
    if isinstance(params, Value):
        raise TypeError(
            f"{name}: params must be an iterable of Values (e.g. model.parameters()), got one Value"
        )
    if isinstance(params, (str, bytes, Mapping)) or not isinstance(params, Iterable):
        raise TypeError(
            f"{name}: params must be an iterable of Values (e.g. model.parameters()), got {_shown(params)}"
        )
    out, seen = [], set()
    for p in params:
        if not isinstance(p, Value):
            raise TypeError(f"{name}: params must be Values, got {type(p).__name__} {_shown(p)}")
        if p not in seen:  # a shared parameter (one bias for a layer) is updated once
            seen.add(p)
            out.append(p)
    if not out:
        raise ValueError(f"{name}: got an empty parameter list")
    return out


def _check_range(x: Any, name: str, lo: float, hi: float, opt: Any, closed: bool = False) -> float:
    """lo ≤ x < hi (or ≤ hi when closed); a finite number unless hi is infinite."""
    who = type(opt).__name__
    if not is_real(x) or math.isnan(x):
        raise ValueError(f"{who}: {name} must be a number, got {x!r}")
    ok = lo <= x <= hi if closed else lo <= x < hi
    if not ok:
        interval = f"[{lo:g}, {hi:g}]" if closed else f"[{lo:g}, {hi:g})" if hi != math.inf else f"≥ {lo:g}"
        raise ValueError(f"{who}: {name} must be {'in ' if hi != math.inf else ''}{interval}, got {x!r}")
    return float(x)


def _check_betas(betas: Any, opt: Any) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"{type(opt).__name__}: betas must be a pair (β₁, β₂), got {betas!r}")
    return (
        _check_range(betas[0], "β₁ (betas[0])", 0.0, 1.0, opt),
        _check_range(betas[1], "β₂ (betas[1])", 0.0, 1.0, opt),
    )
