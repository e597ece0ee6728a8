"""Words and numbers for a Value graph: chain-rule derivations and the slides' δ view.

A derivation runs between labelled nodes (the slides' names): unlabelled nodes in between fold into one
factor, the rule table's formulas multiplied along the way (`chain`); `write` puts it into text,
Markdown or LaTeX; `delta` writes the δ notation. Nothing here computes a derivative: local gradients
come from the rule table, gradients from the engine.
"""

from __future__ import annotations

from ..graph import forward_order
from ..text import DIGITS, check_digits
from ..value import Value
from .chain import Bracket, Derivation, Factor, derive
from .delta import delta_view
from .lookup import find_node
from .matrix import BISHOP, Equation, Matrix, MatrixForm, Notation, OutputRule, matrix_form
from .matrix_write import MatrixView
from .notebook import DeltaView, Explanation
from .trace_tables import write_trace
from .write import Format, as_format, latex, math_labels, write

__all__ = [
    "BISHOP", "Bracket", "DeltaView", "Derivation", "Equation", "Explanation", "Factor", "Format", "Matrix",
    "MatrixForm", "MatrixView", "Notation", "OutputRule", "delta_view", "derive", "explain", "latex",
    "matrix_form", "matrix_view", "write", "write_trace",
]  # fmt: skip


def explain(
    root: Value, node: Value | str, upstream: float = 1.0, loss: str | None = None, format: Format = "text"
) -> Explanation:
    """∂root/∂node in one line: symbols = formulas = numbers = result (Markdown or LaTeX on request).

    `node` is a node or its label (`explain(f, "w5")`). `upstream` is ∂loss/∂root when `root` sits
    inside a bigger graph whose output is called `loss`. The result is a str (the line in `format`)
    that Jupyter shows as typeset math. Raises ValueError for a label that no node or several nodes
    have, TypeError for a node that is neither a Value nor a str.
    """
    nodes = forward_order(root)
    text = write(derive(root, find_node(nodes, node, "explain"), upstream, loss), "text")
    labels = math_labels(nodes)
    return Explanation(as_format(text, format, labels), text, labels)


def matrix_view(
    root: Value,
    format: Format = "text",
    *,
    notation: Notation | None = None,
    rule: OutputRule | None = None,
    digits: int = DIGITS,
) -> MatrixView:
    """The network under `root` in matrix form: aₖ = Wₖ hₖ₋₁ + bₖ, hₖ = g(aₖ) forward, then
    ∇_{aₖ} L = ∇_{hₖ} L ⊙ g′(aₖ), ∇_{Wₖ} L = ∇_{aₖ} L hₖ₋₁ᵀ, ∇_{bₖ} L, ∇_{hₖ₋₁} L = Wₖᵀ ∇_{aₖ} L back, each
    with its numbers and shape check (Khapra, deck 004; Bishop, PRML §5.3.1).

    `root` is the loss; its graph's layers are found by structure (`autograd.layers.find_layers`: any
    `nn.MLP`, a graph of labelled units). `notation` gives a deck's names (default Khapra's, `BISHOP`),
    `rule` a deck's shortcut at the output (ŷ − e(ℓ)), checked against the engine. Every gradient shown is
    the engine's; the view's `form.agrees` says each equation multiplied out matched it. The result is a
    str in `format` ("text", "markdown", "latex") that Jupyter shows typeset. Raises LayerError (a
    ValueError) naming the node where the graph does not group into layers, ValueError for a graph
    without layers or a `digits` outside 1–17.
    """
    check_digits(digits, "matrix_view: digits")
    return MatrixView(matrix_form(root, notation, rule), format, digits)
