"""A network's layers replayed as matrix products over a batch: one product per layer each way.

The layers are those `autograd.layers.find_layers` groups in one sample's recorded graph. Over a batch
of N samples (one column each): Aₖ = Wₖ Hₖ₋₁ + bₖ, Hₖ = g(Aₖ) forward; Δₖ = Gₖ ⊙ g′(Aₖ),
∇Wₖ = Δₖ Hₖ₋₁ᵀ, ∇bₖ = Δₖ 1 and Gₖ₋₁ = Wₖᵀ Δₖ backward (Khapra, deck 004; the matrix form of
`autograd.explain.matrix`). g and g′ are the rule table's own text compiled to NumPy (`rules`), as the
scalar replay runs them, so no derivative is written twice. The weights are read from, and their
gradients added into, flat arrays of the parameters (θ and ∇θ), in the order the caller gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import Overflow
from ..layers import Network
from .rules import CompiledRule, compiled_rule
from .schedule import rule_settings
from .sweeps import all_finite


class NotLayered(Exception):
    """The graph's layers cannot be replayed as matrices; the message says why (a caller's fallback)."""


@dataclass
class _Plan:
    w_index: np.ndarray  # K×D positions in θ
    b_index: np.ndarray | None  # K positions in θ, None: no bias
    rule: CompiledRule | None  # the activation; None: a linear layer
    settings: dict[str, Any]
    w_repeats: bool  # a parameter in several entries: gradients added with np.add.at
    b_repeats: bool
    nets: tuple[Any, ...]  # the units' net inputs, outputs: for naming a node in an error
    outputs: tuple[Any, ...]
    w_rows: tuple[int, int] | None = None  # (start, row stride): Wₖ a view of θ, rows evenly spaced
    b_step: tuple[int, int] | None = None  # (start, stride): bₖ a view of θ

    def weights(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Wₖ and bₖ read from θ: views where their parameters lie evenly spaced (nn's layers: a layer's
        weights row by row, then its biases), else gathered."""
        return self._w(theta, copy=True), self._b(theta)

    def add_gradients(self, grads: np.ndarray, dw: np.ndarray, db: np.ndarray) -> None:
        """∇θ += ∇Wₖ and ∇bₖ, into their places (a shared parameter's entries summed)."""
        if self.w_rows is not None:
            self._w(grads, copy=False)[...] += dw
        elif self.w_repeats:
            np.add.at(grads, self.w_index, dw)
        else:
            grads[self.w_index] += dw
        if self.b_step is not None:
            self._b(grads)[...] += db
        elif self.b_repeats:
            np.add.at(grads, self.b_index, db)
        elif self.b_index is not None:
            grads[self.b_index] += db

    def _w(self, array: np.ndarray, copy: bool) -> np.ndarray:
        if self.w_rows is None:
            return array[self.w_index]
        (start, stride), (k, d) = self.w_rows, self.w_index.shape
        w = array[start : start + stride * k].reshape(k, stride)[:, :d]
        # for a product, contiguous: a strided view runs NumPy's own loop, not BLAS (20× slower)
        return np.ascontiguousarray(w) if copy and stride != d else w

    def _b(self, array: np.ndarray) -> np.ndarray | None:
        if self.b_index is None:
            return None
        if self.b_step is None:
            return array[self.b_index]
        start, stride = self.b_step
        return array[start : start + stride * len(self.b_index) : stride]


class LayerReplay:
    """The layers of one sample's graph, compiled for batches.

    `parameters` are the Values θ holds (in that order), `inputs` the sample's input leaves (rows of the
    batch's X); `top` are the last layer's outputs (rows of H_L). Raises NotLayered where the layers
    are not a plain stack over one pattern: a weight or bias that is not one of `parameters`, a layer
    that reads other than the layer below (or the first one other than `inputs`), a scaled
    activation, units with different settings.
    """

    def __init__(self, network: Network, parameters: Sequence[Any], inputs: Sequence[Any]) -> None:
        if not network.layers:
            raise NotLayered("the graph has no layers")
        position = {p: k for k, p in enumerate(parameters)}
        below: dict[Any, int] = {x: j for j, x in enumerate(inputs)}
        self.input_rows: np.ndarray | None = None  # the rows of x the first layer reads
        self._every_input = False  # they are all of x's rows, in order: read without a copy
        self.plans: list[_Plan] = []
        for k, layer in enumerate(network.layers):
            if len(layer.inputs) != 1:
                raise NotLayered(f"layer {k + 1} has {len(layer.inputs)} patterns in one sample")
            if layer.scaled:
                raise NotLayered(f"layer {k + 1} scales its net input before the activation")
            try:
                rows = np.array([below[x] for x in layer.inputs[0]])
            except KeyError:
                raise NotLayered(f"layer {k + 1} reads a node that is not the layer below's output") from None
            if k == 0:
                self.input_rows = rows
                self._every_input = np.array_equal(rows, np.arange(len(inputs)))
            elif not np.array_equal(rows, np.arange(len(rows))) or len(rows) != len(below):
                raise NotLayered(f"layer {k + 1} does not read the layer below's outputs in order")
            self.plans.append(self._plan(k, layer, position))
            below = {h: i for i, h in enumerate(layer.outputs[0])}
        self.top = list(network.layers[-1].outputs[0])

    @staticmethod
    def _plan(k: int, layer: Any, position: dict[Any, int]) -> _Plan:
        def at(entry: Any, what: str) -> int:
            if entry not in position:
                raise NotLayered(f"layer {k + 1}: a {what} that is not a parameter ({entry!r})")
            return position[entry]

        w_index = np.array([[at(w, "weight") for w in row] for row in layer.weights], dtype=np.intp)
        no_bias = all(isinstance(b, float) and b == 0.0 for b in layer.biases)
        b_index = None if no_bias else np.array([at(b, "bias") for b in layer.biases], dtype=np.intp)
        rule, settings = None, {}
        if layer.activation is not None:
            units = layer.outputs[0]
            settings = rule_settings(dict(units[0].params or {}))
            if any(rule_settings(dict(u.params or {})) != settings for u in units):
                raise NotLayered(f"layer {k + 1}'s units have different settings")
            rule = compiled_rule(units[0].op)
        w_repeats = len(np.unique(w_index)) < w_index.size
        b_repeats = b_index is not None and len(np.unique(b_index)) < b_index.size  # Chen's one b1
        return _Plan(
            w_index, b_index, rule, settings, w_repeats, b_repeats, layer.nets[0], layer.outputs[0],
            _evenly(w_index), _spaced(b_index),
        )  # fmt: skip

    def forward(
        self, theta: np.ndarray, x: np.ndarray, samples: Sequence[int] | None = None
    ) -> list[tuple[np.ndarray, ...]]:
        """Each layer's (Hₖ₋₁, Aₖ, Hₖ, Wₖ) for the batch `x` (features × samples); H_L is the last's Hₖ.

        Raises Overflow naming the first node (and sample: its index in `samples`) whose value is not
        a finite float."""
        h = x if self._every_input else x[self.input_rows]
        cache = []
        with np.errstate(all="ignore"):
            for plan in self.plans:
                w, b = plan.weights(theta)
                a = w @ h
                if b is not None:
                    a += b[:, None]
                _finite(a, plan.nets, samples, "value")  # (an activation can hide a NaN: ReLU's is 0)
                out = a if plan.rule is None else plan.rule.forward(a, None, None, **plan.settings)
                cache.append((h, a, out, w))
                h = out
            _finite(h, self.plans[-1].outputs, samples, "value")
        return cache

    def backward(self, cache: list, g: np.ndarray, grads: np.ndarray) -> None:
        """Add ∂(Σ over samples of ⟨G, H_L⟩)/∂θ into `grads`, where `g` is G (the loss's gradient with
        respect to H_L, outputs × samples, already scaled)."""
        with np.errstate(all="ignore"):  # checked below, layer by layer
            for k in range(len(self.plans) - 1, -1, -1):
                plan, (h, a, out, w) = self.plans[k], cache[k]
                delta = g if plan.rule is None else g * plan.rule.grads[0](a, None, out, **plan.settings)
                _finite(delta, plan.nets, None, "gradient")
                plan.add_gradients(grads, delta @ h.T, delta.sum(axis=1))
                if k:
                    g = w.T @ delta


def _evenly(index: np.ndarray) -> tuple[int, int] | None:
    """(start, row stride) where `index[i, j] = start + stride·i + j` with stride ≥ its columns: the
    rows of a view of θ."""
    k, d = index.shape
    stride = int(index[1, 0] - index[0, 0]) if k > 1 else d
    if stride < d:
        return None
    laid = index[0, 0] + stride * np.arange(k)[:, None] + np.arange(d)[None, :]
    return (int(index[0, 0]), stride) if np.array_equal(index, laid) else None


def _spaced(index: np.ndarray | None) -> tuple[int, int] | None:
    """(start, stride ≥ 1) where `index[i] = start + stride·i`: a slice of θ."""
    if index is None:
        return None
    stride = int(index[1] - index[0]) if len(index) > 1 else 1
    laid = index[0] + stride * np.arange(len(index))
    return (int(index[0]), stride) if stride >= 1 and np.array_equal(index, laid) else None


def _finite(values: np.ndarray, nodes: Sequence[Any], samples: Sequence[int] | None, what: str) -> None:
    if not all_finite(values):  # the node and sample, as the scalar replay names them
        row, col = np.argwhere(~np.isfinite(values))[0]
        node = nodes[row]
        name = f"node {node.label!r}" if node.label else f"an unlabelled {node.op.name} node"
        sample = int(samples[col]) if samples is not None else int(col)
        raise Overflow(f"replay: the {what} of {name} of sample {sample} is not a finite float")
