"""The multilayer perceptron: Layers in a row; its JSON file (save, load) and an equivalent PyTorch model."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd import LEAKY_SLOPE, Value, collector_paused
from autograd.files import write_atomic

from ._checks import _check_activation, _check_count, _check_init, _inputs, _labels
from ._modelfile import FORMAT, VERSION, ModelFileError, read_model, to_text
from ._text import plural
from .init import random_stream
from .layers import Layer
from .module import Module


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
        rng = random_stream(seed)  # one stream for all layers, drawn layer after layer
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

    @collector_paused
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


def _check_unique_labels(model: Module) -> None:
    seen: dict[str, Value] = {}
    for label, p in model.named_parameters():
        if label in seen:
            raise ValueError(f"two different parameters are both labelled {label!r}; labels must be unique")
        seen[label] = p
