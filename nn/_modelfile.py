"""The model file: JSON text for an MLP, and the reader that validates everything before anything is built."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from autograd import LEAKY_SLOPE
from autograd.errors import is_real, is_whole

from ._checks import ACTIVATIONS, _labels, _layer_labels, _matrix, _vector
from ._text import plural

FORMAT = "chainrule.nn.MLP"
VERSION = 1

_INNERMOST = re.compile(r"\[[^\[\]{}]*\]")
_BREAKS = re.compile(r"\n\s*")


class ModelFileError(ValueError):
    """A model file that is not valid JSON, or not a chainrule model, or whose shapes do not fit."""


def to_text(data: dict[str, Any]) -> str:
    """The model's data as JSON text, one line per innermost list (a weight row): short and readable."""
    return _INNERMOST.sub(lambda m: _BREAKS.sub(" ", m.group(0)), json.dumps(data, indent=1)) + "\n"


def read_model(data: Any) -> dict[str, Any]:
    """Check a model file's data and return `MLP`'s keyword arguments; builds nothing.

    data: the parsed JSON of a saved model. Raises ModelFileError naming the field (and layer) that is
    wrong, so a bad file never yields a half-built model. `MLP.from_dict` builds from what this returns.
    """
    try:
        nin, layers = _read_header(data)
        read = []
        for i, layer in enumerate(layers, 1):
            width = read[-1]["nout"] if read else nin
            read.append(_read_layer(layer, i, width, last=i == len(layers)))
            if (read[-1]["biases"] is None) != (read[0]["biases"] is None):
                raise ModelFileError(f"layer {i}: some layers have biases and some not")
        input_labels = data.get("input_labels")
        if input_labels is not None:
            _labels(input_labels, nin, "'input_labels'")
    except ModelFileError:
        raise
    except ValueError as e:  # the shared checks' ValueErrors, as the loader's one kind of error
        raise ModelFileError(str(e)) from None
    return _mlp_arguments(nin, read, input_labels)


def _read_header(data: Any) -> tuple[int, list[Any]]:
    """(nin, the unread layers) of a model file, after checking its format, version and shape."""
    if not isinstance(data, dict):
        raise ModelFileError(f"expected a JSON object (a saved chainrule model), got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise ModelFileError(
            f"not a chainrule model: 'format' is {data.get('format')!r}, expected {FORMAT!r}"
        )
    if data.get("version") != VERSION:
        raise ModelFileError(
            f"unsupported model file version {data.get('version')!r} (this chainrule reads {VERSION})"
        )
    nin, layers = data.get("nin"), data.get("layers")
    if not is_whole(nin) or nin < 1:
        raise ModelFileError(f"'nin' must be a positive integer, got {nin!r}")
    if not isinstance(layers, list) or not layers:
        raise ModelFileError("'layers' must be a non-empty list")
    return nin, layers


def _read_layer(layer: Any, i: int, width: int, last: bool) -> dict[str, Any]:
    """Layer `i`'s checked fields (nout, activation, leaky_slope, weights, biases, labels).

    `width` is the number of outputs of the layer before (or the inputs); only the `last` layer may
    be softmax. Raises ModelFileError, or the shared checks' ValueError, naming the layer.
    """
    if not isinstance(layer, dict):
        raise ModelFileError(f"layer {i} must be a JSON object")
    nout, act, biases = layer.get("nout"), layer.get("activation"), layer.get("biases")
    if not is_whole(nout) or nout < 1:
        raise ModelFileError(f"layer {i}: 'nout' must be a positive integer, got {nout!r}")
    if layer.get("nin") != width:
        raise ModelFileError(
            f"layer {i}: 'nin' is {layer.get('nin')!r} but the layer before it has {plural(width, 'output')}"
        )
    if act not in ACTIVATIONS or (act == "softmax" and not last):
        raise ModelFileError(f"layer {i}: bad activation {act!r}")
    _matrix(layer.get("weights"), nout, width, f"layer {i} weights")
    if is_real(biases) and not math.isfinite(biases):
        raise ModelFileError(f"layer {i}: the shared bias must be finite, got {biases!r}")
    if biases is not None and not is_real(biases):
        _vector(biases, nout, f"layer {i} biases")
    labels = layer.get("labels")
    if labels is not None and not isinstance(labels, dict):
        raise ModelFileError(f"layer {i}: 'labels' must be a JSON object")
    labels = _layer_labels(labels, width, nout, i)
    if isinstance(labels["bias"], list) and (biases is None or is_real(biases)):
        raise ModelFileError(f"layer {i}: a list of bias labels needs a list of biases")
    return {"nout": nout, "activation": act, "leaky_slope": layer.get("leaky_slope", LEAKY_SLOPE),
            "weights": layer["weights"], "biases": biases, "labels": labels}  # fmt: skip


def _mlp_arguments(nin: int, layers: list[dict[str, Any]], input_labels: Any) -> dict[str, Any]:
    """MLP's keyword arguments from checked layers; one leaky slope serves the model (the last given)."""
    slopes = [la["leaky_slope"] for la in layers if la["activation"] == "leaky_relu"]
    return {
        "nin": nin,
        "sizes": [la["nout"] for la in layers],
        "activation": [la["activation"] for la in layers[:-1]],
        "output_activation": layers[-1]["activation"],
        "weights": [la["weights"] for la in layers],
        "biases": [la["biases"] for la in layers],
        "has_bias": layers[0]["biases"] is not None,
        "leaky_slope": slopes[-1] if slopes else LEAKY_SLOPE,
        "labels": [la["labels"] for la in layers],
        "input_labels": input_labels,
    }
