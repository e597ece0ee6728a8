"""The matrix form of a network's forward and backward pass, as decks 001–004 write it, with numbers.

Forward, layer by layer: aₖ = Wₖ hₖ₋₁ + bₖ, hₖ = g(aₖ). Backward (Khapra, deck 004, "Backpropagation:
vectorised"; Bishop, PRML §5.3.1): ∇_{aₖ} L = ∇_{hₖ} L ⊙ g′(aₖ), ∇_{Wₖ} L = ∇_{aₖ} L hₖ₋₁ᵀ,
∇_{bₖ} L = ∇_{aₖ} L, ∇_{hₖ₋₁} L = Wₖᵀ ∇_{aₖ} L. Over n patterns each vector becomes a matrix with one
column per pattern and ∇_{Wₖ} L = Δₖ Hₖ₋₁ᵀ sums over them (deck 002). Every gradient shown is the engine's
own (`autograd.functional.gradients`); each equation's right side is also multiplied out here and
compared with it when the view is made (`Equation.agrees`), never assumed.
"""

from __future__ import annotations

from ..graph import forward_order
from ..layers import Network, find_layers
from ..value import Value
from .matrix_build import Builder
from .matrix_model import BISHOP, Equation, Kind, Matrix, MatrixForm, Notation, OutputRule, Rows

__all__ = [
    "BISHOP", "MAX_ENTRIES", "Equation", "Kind", "Matrix", "MatrixForm", "Notation", "OutputRule", "Rows",
    "entries", "matrix_form",
]  # fmt: skip

MAX_ENTRIES = 100_000  # entries of the matrices a view names (see `entries`): more are refused


def matrix_form(root: Value, notation: Notation | None = None, rule: OutputRule | None = None) -> MatrixForm:
    """The matrix form of `root`'s graph: its layers (`autograd.layers.find_layers`) as equations.

    `root` is the loss (or the network's output); `notation` the deck's names; `rule` the deck's
    shortcut at the output, checked against the engine. Raises LayerError (a ValueError) naming the
    node where the graph does not group into layers, ValueError for a graph with neither layers nor a
    rule naming its outputs, for a rule's label the graph lacks, for a rule that disagrees with the
    engine without a note, and for a network whose view would name more than MAX_ENTRIES (100,000)
    matrix entries in all (`entries`: an nn.MLP(2, [16, 16, 1]) over 100 patterns names about 14,000).
    """
    notation = notation or Notation()
    network = find_layers(root)
    if not network.layers and not (rule and rule.outputs):
        raise ValueError(
            "matrix form: the graph has no layers: no unit computes g(Σ w·x + b) (label each net input "
            "and its activation, as net_h1 → σ → h1, or build the network with nn.MLP)"
        )
    if (count := entries(network)) > MAX_ENTRIES:
        shapes = ", ".join("×".join(map(str, layer.shape)) for layer in network.layers)
        raise ValueError(
            f"matrix form: {count:,} matrix entries (layers {shapes}, {network.patterns} patterns) are more "
            f"than {MAX_ENTRIES:,}, too many to read; show fewer patterns or a smaller network"
        )
    forward = forward_order(root)
    form = MatrixForm(network, notation, root)
    Builder(form, forward, rule).build()
    return form


def entries(network: Network) -> int:
    """How many entries the matrices of `network`'s view hold: each layer's Wₖ and bₖ and their
    gradients, per pattern its aₖ, hₖ, ∇_{aₖ} L and ∇_{hₖ} L, and the input x."""
    n = network.patterns
    total = n * network.layers[0].shape[1] if network.layers else 0
    for layer in network.layers:
        k, d = layer.shape
        total += 2 * k * d + 2 * k + 4 * k * n
    return total
