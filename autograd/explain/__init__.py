"""Words and numbers for a Value graph: chain-rule derivations and the slides' δ view.

A derivation runs between labelled nodes (the slides' names): unlabelled nodes in between fold into one
factor, the rule table's formulas multiplied along the way (`chain`); `write` puts it into text,
Markdown or LaTeX; `delta` writes the δ notation. Nothing here computes a derivative: local gradients
come from the rule table, gradients from the engine.
"""

from __future__ import annotations

from ..graph import forward_order
from ..value import Value
from .chain import Bracket, Derivation, Factor, derive
from .delta import delta_view
from .lookup import find_node
from .notebook import DeltaView, Explanation
from .trace_tables import write_trace
from .write import Format, as_format, latex, math_labels, write

__all__ = [
    "Bracket", "DeltaView", "Derivation", "Explanation", "Factor", "Format", "delta_view", "derive",
    "explain", "latex", "write",
    "write_trace",
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
