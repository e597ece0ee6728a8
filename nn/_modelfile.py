"""The model file: JSON text for an MLP, and the reader that validates everything before anything is built."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ._checks import ACTIVATIONS, _is_number, _labels, _layer_labels, _matrix, _vector

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

    Raises ModelFileError naming the field (and layer) that is wrong, so a bad file never yields a
    half-built model. `MLP.from_dict` builds from what this returns.
    """

    def fail(msg: str) -> None:
        raise ModelFileError(msg)

    if not isinstance(data, dict):
        fail(f"expected a JSON object (a saved chainrule model), got {type(data).__name__}")
    if data.get("format") != FORMAT:
        fail(f"not a chainrule model: 'format' is {data.get('format')!r}, expected {FORMAT!r}")
    if data.get("version") != VERSION:
        fail(f"unsupported model file version {data.get('version')!r} (this chainrule reads {VERSION})")
    nin = data.get("nin")
    layers = data.get("layers")
    if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
        fail(f"'nin' must be a positive integer, got {nin!r}")
    if not isinstance(layers, list) or not layers:
        fail("'layers' must be a non-empty list")
    width = nin
    kwargs: dict[str, list[Any]] = {"sizes": [], "acts": [], "weights": [], "biases": [], "labels": []}
    slope = 0.01
    has_bias = None
    for i, layer in enumerate(layers, 1):
        if not isinstance(layer, dict):
            fail(f"layer {i} must be a JSON object")
        nout = layer.get("nout")
        if not isinstance(nout, int) or isinstance(nout, bool) or nout < 1:
            fail(f"layer {i}: 'nout' must be a positive integer, got {nout!r}")
        if layer.get("nin") != width:
            fail(f"layer {i}: 'nin' is {layer.get('nin')!r} but the layer before it has {width} outputs")
        act = layer.get("activation")
        if act not in ACTIVATIONS or (act == "softmax" and i < len(layers)):
            fail(f"layer {i}: bad activation {act!r}")
        if act == "leaky_relu":
            slope = layer.get("leaky_slope", 0.01)
        biases = layer.get("biases")
        if has_bias is None:
            has_bias = biases is not None
        elif has_bias != (biases is not None):
            fail(f"layer {i}: some layers have biases and some not")
        try:
            _matrix(layer.get("weights"), nout, width, f"layer {i} weights")
            if biases is not None and not _is_number(biases):
                _vector(biases, nout, f"layer {i} biases")
            elif biases is not None and not math.isfinite(biases):
                fail(f"layer {i}: the shared bias must be finite, got {biases!r}")
            labels = layer.get("labels")
            if labels is not None and not isinstance(labels, dict):
                fail(f"layer {i}: 'labels' must be a JSON object")
            labels = _layer_labels(labels, width, nout, i)
            if isinstance(labels["bias"], list) and (biases is None or _is_number(biases)):
                fail(f"layer {i}: a list of bias labels needs a list of biases")
        except ModelFileError:
            raise
        except ValueError as e:
            fail(str(e))
        kwargs["sizes"].append(nout)
        kwargs["acts"].append(act)
        kwargs["weights"].append(layer["weights"])
        kwargs["biases"].append(biases)
        kwargs["labels"].append(labels)
        width = nout
    input_labels = data.get("input_labels")
    try:
        if input_labels is not None:
            _labels(input_labels, nin, "'input_labels'")
    except ValueError as e:
        raise ModelFileError(str(e)) from None
    return {
        "nin": nin,
        "sizes": kwargs["sizes"],
        "activation": kwargs["acts"][:-1],
        "output_activation": kwargs["acts"][-1],
        "weights": kwargs["weights"],
        "biases": kwargs["biases"],
        "has_bias": bool(has_bias),
        "leaky_slope": slope,
        "labels": kwargs["labels"],
        "input_labels": input_labels,
    }
