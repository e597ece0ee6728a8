"""Modules built from autograd Values: Neuron, Layer, MLP; readable labels; JSON save/load; to_torch().

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

import json
import math
import os
import random
from collections.abc import Iterable, Sequence
from functools import reduce
from operator import add, mul
from pathlib import Path
from typing import Any

import autograd
from autograd import LEAKY_SLOPE, Value
from autograd.errors import is_real
from autograd.files import write_atomic

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
from ._modelfile import FORMAT, VERSION, ModelFileError, read_model, to_text
from ._text import plural


class Module:
    """Base class: parameters(), named_parameters(), zero_grad(), and calling the module runs forward()."""

    def children(self) -> list[Module]:
        """The sub-modules, in order."""
        return []

    def own_parameters(self) -> list[Value]:
        """The parameters this module holds itself (not through its children)."""
        return []

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(label, parameter) pairs, each parameter once even when shared (the slides' shared bias)."""
        seen: set[Value] = set()
        out: list[tuple[str, Value]] = []
        stack: list[Module] = [self]
        order: list[Module] = []
        while stack:  # depth first, children in order
            m = stack.pop()
            order.append(m)
            stack.extend(reversed(m.children()))
        for m in order:
            for p in m.own_parameters():
                if p not in seen:
                    seen.add(p)
                    out.append((p.label, p))
        return out

    def parameters(self) -> list[Value]:
        """Every trainable Value, each once."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (backward accumulates, as in PyTorch)."""
        for p in self.parameters():
            p.grad = 0.0

    def forward(self, x: Sequence[Value | float]) -> Any:
        """The module's computation; subclasses define it."""
        raise NotImplementedError

    def __call__(self, x: Sequence[Value | float]) -> Any:
        return self.forward(x)


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
            rng = _rng(seed)
            lo, hi = _bounds(init, nin, 1)
            weights = [rng.uniform(lo, hi) for _ in range(nin)]
            if bias is None and has_bias:
                bias = rng.uniform(lo, hi) if init == "uniform" else 0.0
        else:
            weights = _vector(weights, nin, "Neuron weights")
        self.w = [_param(v, lab, f"weights[{k}]") for k, (v, lab) in enumerate(zip(weights, w_labels))]
        if has_bias:
            self.b = _param(0.0 if bias is None else bias, labels.get("bias") or f"L{layer}.b_{unit}", "bias")
        elif bias is not None:
            raise ValueError("Neuron: a bias was given but has_bias=False")
        else:
            self.b = None
        self.net_label = labels.get("net") or f"L{layer}.net_{unit}"
        self.out_label = labels.get("out") or f"L{layer}.h_{unit}"
        self._act = autograd.OPS.get(self.activation)  # the activation's rule-table op; None: linear

    def own_parameters(self) -> list[Value]:
        return self.w + ([self.b] if self.b is not None else [])

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
            weights, biases = _drawn(init, nin, nout, _rng(seed), biases, has_bias)
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


class MLP(Module):
    """A multilayer perceptron: nin inputs, then one Layer per entry of `sizes`.

    `activation` is the hidden layers' activation, one name or one per hidden layer; the last layer
    uses `output_activation`. Weights are drawn from `init` with `seed` unless given: `weights[l][j][k]`
    is layer l's weight into unit j from input k, and `biases[l]` is a list (one per unit) or a single
    number, which makes one bias node shared by the whole layer, as in the first slide deck.
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str | Sequence[str] = "tanh",
        output_activation: str = "linear",
        *,
        weights: Sequence[Sequence[Sequence[float]]] | None = None,
        biases: Sequence[float | Sequence[float] | None] | None = None,
        has_bias: bool = True,
        init: str = "uniform",
        seed: int | random.Random | None = 0,
        leaky_slope: float = LEAKY_SLOPE,
        labels: Sequence[dict[str, Any] | None] | None = None,
        input_labels: Sequence[str] | None = None,
    ) -> None:
        _check_count(nin, "nin")
        sizes = _check_sizes(sizes)
        acts = [*_hidden_activations(activation, len(sizes) - 1), output_activation]
        for name, given in (("weights", weights), ("biases", biases), ("labels", labels)):
            _check_per_layer(given, name, len(sizes))
        _check_init(init)
        rng = _rng(seed)  # one stream for all layers, drawn layer after layer
        self.nin = nin
        widths = [nin, *sizes]
        self.layers = [
            Layer(widths[i], widths[i + 1], acts[i], weights=_nth(weights, i), biases=_nth(biases, i),
                  has_bias=has_bias, init=init, seed=rng, leaky_slope=leaky_slope, index=i + 1,
                  labels=_nth(labels, i))
            for i in range(len(sizes))
        ]  # fmt: skip
        self.input_labels = _input_labels(input_labels, nin)
        _check_unique_labels(self)

    @property
    def sizes(self) -> list[int]:
        """The number of units of each layer."""
        return [layer.nout for layer in self.layers]

    @property
    def output_activation(self) -> str:
        """The last layer's activation."""
        return self.layers[-1].activation

    def children(self) -> list[Module]:
        return list(self.layers)

    def forward(self, x: Sequence[Value | float]) -> list[Value]:
        """The outputs (always a list, one Value per output unit); numbers become labelled inputs.

        x: nin numbers or Values, a bare one when nin is 1 (`MLP(1, [3, 1])(0.5)`). Raises ValueError
        for the wrong count (`MLP expects 2 inputs, got 1`), TypeError for another kind of input.
        """
        x = _inputs(x, self.nin, "MLP")
        # Inputs become Values once, shared by every unit of the first layer (not one constant per use).
        h = [v if isinstance(v, Value) else Value(v, lab) for v, lab in zip(x, self.input_labels)]
        for layer in self.layers:
            h = layer._forward(h)
        return h

    def to_dict(self) -> dict[str, Any]:
        """The model as plain JSON-ready data: shapes, activations, weights, biases, labels."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "nin": self.nin,
            "input_labels": self.input_labels,
            "layers": [layer.to_dict() for layer in self.layers],
        }

    @classmethod
    def from_dict(cls, data: Any) -> MLP:
        """Rebuild an MLP from `to_dict()` data, checking every field first.

        Raises ModelFileError (a ValueError) naming the field that is wrong; nothing is half-built.
        """
        try:
            return cls(**read_model(data))
        except ModelFileError:
            raise
        except ValueError as e:
            raise ModelFileError(str(e)) from None

    def save(self, path: str | os.PathLike) -> Path:
        """Write the model as JSON, atomically (a temporary file renamed over `path`)."""
        text = to_text(self.to_dict())
        return write_atomic(path, text)

    @classmethod
    def load(cls, path: str | os.PathLike) -> MLP:
        """Read a model saved by `save()`; a corrupt or wrong file raises ModelFileError, never half-loads."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ModelFileError(f"{path}: not a text (UTF-8) file, so not a saved model") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise ModelFileError(f"{path}: not valid JSON ({e})") from None
        try:
            return cls.from_dict(data)
        except ModelFileError as e:
            raise ModelFileError(f"{path}: {e}") from None

    def to_torch(self, dtype: Any = None) -> Any:
        """An equivalent torch.nn.Sequential with the same weights (float64 unless `dtype` is given).

        PyTorch has no shared bias: a shared bias becomes one bias per unit with the same value, so its
        gradient here equals the sum of those units' bias gradients in PyTorch.
        """
        from ._torch import to_torch

        return to_torch(self, dtype)

    def __repr__(self) -> str:
        acts = ", ".join(layer.activation for layer in self.layers)
        return f"MLP({self.nin}, {self.sizes}, activations: {acts})"


# --- helpers ------------------------------------------------------------------------------------------


def _rng(seed: int | random.Random | None) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def _bounds(init: str, fan_in: int, fan_out: int) -> tuple[float, float]:
    """The uniform range of each initialisation (PyTorch's formulas)."""
    _check_init(init)
    if init == "uniform":  # torch.nn.Linear's default: U(±1/√fan_in) for weights and biases
        a = 1.0 / math.sqrt(fan_in)
    elif init == "xavier":  # Glorot uniform (Keras' Dense default), zero biases
        a = math.sqrt(6.0 / (fan_in + fan_out))
    else:  # He (Kaiming) uniform for ReLU, torch.nn.init.kaiming_uniform_(nonlinearity='relu'), zero biases
        a = math.sqrt(6.0 / fan_in)
    return -a, a


def _drawn(
    init: str, nin: int, nout: int, rng: random.Random, biases: Any, has_bias: bool
) -> tuple[list[list[float]], Any]:
    """(weights, biases) drawn from `init`; given biases are kept, missing ones drawn (0 unless uniform)."""
    lo, hi = _bounds(init, nin, nout)
    weights = [[rng.uniform(lo, hi) for _ in range(nin)] for _ in range(nout)]
    if biases is None and has_bias:
        biases = [rng.uniform(lo, hi) if init == "uniform" else 0.0 for _ in range(nout)]
    return weights, biases


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
        shared = _param(biases, label or f"L{index}.b", f"layer {index} bias")
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


def _check_sizes(sizes: Any) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise ValueError(f"MLP: sizes must be a list of layer sizes, like [16, 1], got {sizes!r}")
    if not sizes:
        raise ValueError("MLP needs at least one layer size")
    for s in sizes:
        _check_count(s, "each layer size")
    return list(sizes)


def _hidden_activations(activation: Any, hidden: int) -> list[str]:
    """One activation name per hidden layer, from one name or a list (checked even with no hidden layer)."""
    if isinstance(activation, str):
        names = [_check_activation(activation)] * hidden
    elif isinstance(activation, Sequence):
        names = [_check_activation(a) for a in activation]
    else:
        raise ValueError(f"MLP: activation must be a name or a list of names, got {activation!r}")
    if len(names) != hidden:
        raise ValueError(
            f"MLP: {plural(len(names), 'hidden activation')} given for {plural(hidden, 'hidden layer')} "
            "(the last layer uses output_activation)"
        )
    if "softmax" in names:
        raise ValueError("MLP: softmax is only available as the output_activation")
    return names


def _check_per_layer(given: Any, name: str, layers: int) -> None:
    if given is None:
        return
    if isinstance(given, (str, bytes)) or not isinstance(given, Sequence):
        raise ValueError(f"MLP: {name} must be a list with one entry per layer, got {given!r}")
    if len(given) != layers:
        raise ValueError(f"MLP: {name} has {plural(len(given), 'entry')} for {plural(layers, 'layer')}")


def _nth(given: Sequence[Any] | None, i: int) -> Any:
    return None if given is None else given[i]


def _input_labels(labels: Sequence[str] | None, nin: int) -> list[str]:
    if not labels:
        return [f"x_{k}" for k in range(1, nin + 1)]
    return _labels(labels, nin, "MLP input_labels")


def _pair(j: int, k: int, wide: bool) -> str:
    return f"{j},{k}" if wide else f"{j}{k}"


def _param(v: Any, label: str, where: str) -> Value:
    if isinstance(v, Value):
        return v  # shared: the caller's node is the parameter
    if not is_real(v) or not math.isfinite(v):
        raise ValueError(f"{where} must be a finite number, got {v!r}")
    return Value(float(v), label)


def _check_unique_labels(model: Module) -> None:
    seen: dict[str, Value] = {}
    for label, p in model.named_parameters():
        if label in seen:
            raise ValueError(f"two different parameters are both labelled {label!r}; labels must be unique")
        seen[label] = p


def _as_values(x: Iterable[Value | float]) -> list[Value]:
    return [v if isinstance(v, Value) else Value(v) for v in x]
