"""Neuron and Layer, built from autograd Values, with labels that read like the slides (MLP stacks Layers).

Labels, so that a rendered graph reads like a slide (layers are numbered from 1, units and inputs too):

- ``L2.W_13``: the weight into unit 1 of layer 2 from input 3 (row = target unit, column = source, as
  PyTorch's ``Linear.weight``); ``L2.b_1``: the bias of unit 1; ``L2.b``: one bias shared by the layer;
- ``L2.net_1``: unit 1's pre-activation Σₖ W_1k·xₖ + b_1; ``L2.h_1``: its activation; ``x_1``: an input.
- In a layer with more than 9 units or inputs the two indices are separated by a comma: ``L1.W_12,3``.
- With a linear activation the unit's output is its ``net`` node itself.

Explicit ``labels`` replace these with the slides' own names (``w1``, ``b1``, ``net_h1``, ``h1``).
Nodes hold no references back to modules, and modules none to graphs: no reference cycles.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from functools import reduce
from operator import add, mul
from typing import Any

import autograd
from autograd import LEAKY_SLOPE, Value, collector_paused
from autograd.errors import is_real

from ._checks import (
    _check_activation,
    _check_count,
    _check_init,
    _check_slope,
    _inputs,
    _labels,
    _labels_dict,
    _layer_labels,
    _matrix,
    _vector,
)
from .init import bounds, drawn, parameter, random_stream
from .module import Module


class Neuron(Module):
    """One unit: net = Σₖ wₖ·xₖ + b, output = activation(net)."""

    def __init__(
        self,
        nin: int,
        activation: str = "linear",
        *,
        weights: Sequence[float | Value] | None = None,
        bias: float | Value | None = None,
        has_bias: bool = True,
        init: str = "uniform",
        seed: int | random.Random | None = 0,
        leaky_slope: float = LEAKY_SLOPE,
        layer: int = 1,
        unit: int = 1,
        labels: dict[str, Any] | None = None,
    ) -> None:
        _check_count(nin, "nin")
        if activation == "softmax":
            raise ValueError("softmax acts on a whole layer: use Layer(..., activation='softmax')")
        self.activation = _check_activation(activation)
        self.leaky_slope = _check_slope(leaky_slope)
        self.nin = nin
        wide = nin > 9 or unit > 9
        labels = _labels_dict(labels, "Neuron labels")
        w_labels = labels.get("weights") or [f"L{layer}.W_{_pair(unit, k, wide)}" for k in range(1, nin + 1)]
        w_labels = _labels(w_labels, nin, "Neuron weight labels")
        if weights is None:
            rng = random_stream(seed)
            lo, hi = bounds(init, nin, 1)
            weights = [rng.uniform(lo, hi) for _ in range(nin)]
            if bias is None and has_bias:
                bias = rng.uniform(lo, hi) if init == "uniform" else 0.0
        else:
            weights = _vector(weights, nin, "Neuron weights")
        self.w = [parameter(v, lab, f"weights[{k}]") for k, (v, lab) in enumerate(zip(weights, w_labels))]
        if has_bias:
            self.b = parameter(
                0.0 if bias is None else bias, labels.get("bias") or f"L{layer}.b_{unit}", "bias"
            )
        elif bias is not None:
            raise ValueError("Neuron: a bias was given but has_bias=False")
        else:
            self.b = None
        self.net_label = labels.get("net") or f"L{layer}.net_{unit}"
        self.out_label = labels.get("out") or f"L{layer}.h_{unit}"
        self._act = autograd.OPS.get(self.activation)  # the activation's rule-table op; None: linear

    def own_parameters(self) -> list[Value]:
        return self.w + ([self.b] if self.b is not None else [])

    @collector_paused
    def forward(self, x: Sequence[Value | float]) -> Value:
        """activation(Σₖ wₖ·xₖ + b) as a labelled graph.

        x: nin numbers or Values (a bare one when nin is 1). Raises ValueError for the wrong count,
        TypeError for another kind of input, each naming what was expected and what came.
        """
        return self._forward(_as_values(_inputs(x, self.nin, "Neuron")))

    def _forward(self, x: list[Value]) -> Value:
        # (w1·x1 + w2·x2 + …) + b: the order in which the slides write net; builtin reduce and map call
        # Value's operators directly, the fastest way to build the sum in Python.
        net = reduce(add, map(mul, self.w, x))
        if self.b is not None:
            net = net + self.b
        net.named(self.net_label)
        if self._act is None:
            return net  # linear: the output is the net node
        settings = {"slope": self.leaky_slope} if self.activation == "leaky_relu" else {}
        return Value.apply(self._act, net, **settings).named(self.out_label)

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, {self.activation!r})"


class Layer(Module):
    """nout neurons reading the same inputs; softmax, if chosen, acts on the whole layer's nets."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "linear",
        *,
        weights: Sequence[Sequence[float]] | None = None,
        biases: float | Sequence[float] | None = None,
        has_bias: bool = True,
        init: str = "uniform",
        seed: int | random.Random | None = 0,
        leaky_slope: float = LEAKY_SLOPE,
        index: int = 1,
        labels: dict[str, Any] | None = None,
    ) -> None:
        _check_count(nin, "nin")
        _check_count(nout, "nout")
        self.activation = _check_activation(activation)
        self.leaky_slope = _check_slope(leaky_slope)
        _check_init(init)
        self.nin, self.nout, self.index = nin, nout, index
        lab = _layer_labels(labels, nin, nout, index)
        if weights is None:
            weights, biases = drawn(init, nin, nout, random_stream(seed), biases, has_bias)
        weights = _matrix(weights, nout, nin, f"layer {index} weights")
        self.shared_bias, unit_bias = _layer_biases(biases, has_bias, lab["bias"], nout, index)
        unit_activation = "linear" if activation == "softmax" else activation  # softmax acts on the nets
        self.neurons = [
            Neuron(nin, unit_activation, weights=weights[j], bias=unit_bias[j], has_bias=has_bias,
                   leaky_slope=leaky_slope, layer=index, unit=j + 1, labels=_unit_labels(lab, j))
            for j in range(nout)
        ]  # fmt: skip

    def children(self) -> list[Module]:
        return list(self.neurons)

    def own_parameters(self) -> list[Value]:
        # Weights row by row, then biases (a shared bias once): PyTorch's weight-then-bias order.
        ws = [w for n in self.neurons for w in n.w]
        bs = [n.b for n in self.neurons if n.b is not None]
        return ws + (bs[:1] if self.shared_bias is not None else bs)

    @collector_paused
    def forward(self, x: Sequence[Value | float]) -> list[Value]:
        """The layer's outputs, one Value per unit; x and its errors as in Neuron.forward."""
        return self._forward(_as_values(_inputs(x, self.nin, f"layer {self.index}")))

    def _forward(self, x: list[Value]) -> list[Value]:
        outs = [n._forward(x) for n in self.neurons]
        if self.activation == "softmax":
            probs = autograd.softmax(outs)
            for p, n in zip(probs, self.neurons):
                p.named(n.out_label)
            return probs
        return outs

    def weights(self) -> list[list[float]]:
        """The weight matrix as numbers: row j holds the weights into unit j."""
        return [[w.data for w in n.w] for n in self.neurons]

    def to_dict(self) -> dict[str, Any]:
        """The layer as plain JSON-ready data (numbers and labels)."""
        has_bias = self.neurons[0].b is not None
        if self.shared_bias is not None:
            biases: Any = self.shared_bias.data
            bias_labels: Any = self.shared_bias.label
        elif has_bias:
            biases = [n.b.data for n in self.neurons]
            bias_labels = [n.b.label for n in self.neurons]
        else:
            biases = bias_labels = None
        d = {"nin": self.nin, "nout": self.nout, "activation": self.activation, "weights": self.weights()}
        if self.activation == "leaky_relu":
            d["leaky_slope"] = self.leaky_slope
        d["biases"] = biases
        d["labels"] = {
            "weights": [[w.label for w in n.w] for n in self.neurons],
            "bias": bias_labels,
            "net": [n.net_label for n in self.neurons],
            "out": [n.out_label for n in self.neurons],
        }
        return d

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, {self.activation!r})"


def _layer_biases(
    biases: Any, has_bias: bool, label: str | list[str] | None, nout: int, index: int
) -> tuple[Value | None, list[Any]]:
    """(the shared bias node or None, each unit's bias): one number is one node shared by the layer.

    No biases with has_bias gives zero biases, one per unit; has_bias=False gives None per unit.
    Raises ValueError for biases given with has_bias=False, a list label for a shared bias, or a
    list of the wrong length.
    """
    if not has_bias:
        if biases is not None:
            raise ValueError(f"layer {index}: biases were given but has_bias=False")
        return None, [None] * nout
    if biases is None:
        return None, [0.0] * nout
    if is_real(biases) or isinstance(biases, Value):  # the first slide deck's b1, b2
        if isinstance(label, list):
            raise ValueError(f"layer {index}: a shared bias takes one label, got a list")
        shared = parameter(biases, label or f"L{index}.b", f"layer {index} bias")
        return shared, [shared] * nout
    return None, _vector(biases, nout, f"layer {index} biases")


def _unit_labels(lab: dict[str, Any], j: int) -> dict[str, Any]:
    """Unit j's labels from a layer's checked labels (None where the default label applies)."""
    return {
        "weights": lab["weights"][j] if lab["weights"] else None,
        "bias": lab["bias"][j] if isinstance(lab["bias"], list) else None,
        "net": lab["net"][j] if lab["net"] else None,
        "out": lab["out"][j] if lab["out"] else None,
    }


def _pair(j: int, k: int, wide: bool) -> str:
    return f"{j},{k}" if wide else f"{j}{k}"


def _as_values(x: Iterable[Value | float]) -> list[Value]:
    return [v if isinstance(v, Value) else Value(v) for v in x]
