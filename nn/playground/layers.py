"""The page's network as layers, for its matrix replay: `autograd.layers.find_layers` on one sample's graph.

The page trains a network that groups into layers as matrix products over the batch (layers.js):
Aₖ = Wₖ Hₖ₋₁ + bₖ, Hₖ = g(Aₖ) forward; Δₖ = Gₖ ⊙ g′(Aₖ), ∇Wₖ = Δₖ Hₖ₋₁ᵀ, ∇bₖ = Δₖ 1 and
Gₖ₋₁ = Wₖᵀ Δₖ backward (`autograd.replay.layered.LayerReplay`, the same form in NumPy). What a layer
is comes from here, as data: for each layer the positions in θ (the page's parameters, in nn's order)
of Wₖ's entries row by row and of bₖ, and its activation by rule-table op name with the node's
settings. The page checks a plan against its own recorded trace before it uses it, and replays the
trace sample by sample where there is none.

A network set in the page (other hidden sizes, activation or loss) has no graph Python grouped, but an
nn.MLP's plan is a function of nn's parameter layout: layer by layer, unit by unit its weights (one per
input), then the layer's biases. `layout_plan` writes that rule; `layout_kind` checks it against
find_layers on reference networks of one kind (an activation and a loss of the page's menus; the
package's `layouts` does it for each) and gives, where it holds, the activations find_layers read (op
names and settings). The page builds the plan of the sizes it was given from nn's layout with them, and
checks it against its trace like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
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


# The reference networks of each kind: no hidden layer, one, and as many as the page takes (MAX_LAYERS),
# of different widths (so that a row's length and a layer's height never coincide by chance).
REFERENCE_SIZES = ((), (3,), (3, 2), (2, 4, 3, 2))


def layout_plan(sizes: Sequence[int], hidden: dict[str, Any], output: dict[str, Any]) -> dict[str, Any]:
    """The plan nn's parameter layout gives an MLP of 2 inputs, hidden `sizes` and one output.

    θ holds layer after layer, each its weights unit by unit (unit i's from input j at
    base + i·nin + j), then its biases (unit i's at base + nin·nout + i); the hidden layers' activation
    is `hidden` and the output's `output`, each {"activation": rule-table op or None, "params": {…}}.
    The page builds the same plan from the same layout (layers.js, `layoutPlan`).
    """
    layers, base, widths = [], 0, [2, *sizes, 1]
    for k, (nin, nout) in enumerate(pairwise(widths)):
        kind = output if k == len(widths) - 2 else hidden
        layers.append({
            "weights": [[base + i * nin + j for j in range(nin)] for i in range(nout)],
            "biases": [base + nin * nout + i for i in range(nout)],
            "activation": kind["activation"],
            "params": dict(kind["params"]),
        })  # fmt: skip
        base += (nin + 1) * nout
    return {"inputs": [0, 1], "layers": layers}


def layout_kind(plans: Sequence[tuple[Sequence[int], dict[str, Any] | None]]) -> dict[str, Any] | None:
    """What the page needs to build the plan of any size of one kind of network (one activation, one
    loss), from `plans`: (hidden sizes, page_layers' plan) of reference networks of that kind.

    Returns {"hidden": …, "output": …}, the activations find_layers read (each {"activation": the
    rule-table op or None for linear, "params": its settings}), where every plan is nn's layout with
    them (`layout_plan`); None where one network does not group or groups otherwise.
    """
    hidden = output = None
    for sizes, plan in plans:
        if plan is None:
            return None
        kinds = [{"activation": k["activation"], "params": k["params"]} for k in plan["layers"]]
        output = output or kinds[-1]
        hidden = hidden or (kinds[0] if sizes else None)
        if plan != layout_plan(sizes, hidden or output, output):
            return None
    return None if hidden is None else {"hidden": hidden, "output": output}
