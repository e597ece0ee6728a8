"""The page's network as layers, for its matrix replay: `autograd.layers.find_layers` on one sample's graph.

The page trains a network that groups into layers as matrix products over the batch (layers.js):
Aₖ = Wₖ Hₖ₋₁ + bₖ, Hₖ = g(Aₖ) forward; Δₖ = Gₖ ⊙ g′(Aₖ), ∇Wₖ = Δₖ Hₖ₋₁ᵀ, ∇bₖ = Δₖ 1 and
Gₖ₋₁ = Wₖᵀ Δₖ backward (`autograd.replay.layered.LayerReplay`, the same form in NumPy). What a layer
is comes from here, as data: for each layer the positions in θ (the page's parameters, in nn's order)
of Wₖ's entries row by row and of bₖ, and its activation by rule-table op name with the node's
settings. The page checks a plan against its own recorded trace before it uses it, and replays the
trace sample by sample where there is none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd.layers import LayerError, find_layers
from autograd.replay import LayerReplay, NotLayered


def page_layers(root: Any, parameters: Sequence[Any], inputs: Sequence[Any]) -> dict[str, Any] | None:
    """The layers of `root`'s graph as the page's data, or None where they are no plain stack for it.

    `root` is the network's one output for one sample, `parameters` the Values θ holds (in the page's
    order), `inputs` the sample's input leaves (x_1, x_2). Returns {"inputs": the rows of the batch's
    X the first layer reads, "layers": [{"weights": Wₖ's θ positions, K rows of D, "biases": bₖ's
    (None: no bias), "activation": the rule-table op between net and output (None: linear),
    "params": that node's settings (leaky_relu's slope)}, …]}, input side first. None where
    find_layers or LayerReplay refuse the graph (see their errors), where the last layer has more
    than the one output `root`, or where a parameter sits in more than one entry (the page adds each
    parameter's gradient once per sample, in the trace's order).
    """
    try:
        replay = LayerReplay(find_layers(root), parameters, inputs)
    except (LayerError, NotLayered):
        return None
    if replay.top != [root]:
        return None
    layers, seen = [], 0
    for plan in replay.plans:
        activation = plan.outputs[0] if plan.rule is not None else None
        layer = {
            "weights": plan.w_index.tolist(),
            "biases": None if plan.b_index is None else plan.b_index.tolist(),
            "activation": None if activation is None else activation.op.name,
            "params": {} if activation is None else dict(activation.params or {}),
        }
        seen += plan.w_index.size + (0 if plan.b_index is None else plan.b_index.size)
        layers.append(layer)
    positions = {k for layer in layers for row in layer["weights"] for k in row}
    positions |= {k for layer in layers for k in layer["biases"] or ()}
    if len(positions) != seen:
        return None
    return {"inputs": replay.input_rows.tolist(), "layers": layers}
