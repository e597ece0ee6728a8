"""Words and numbers for a Value graph: chain-rule derivations and the slides' δ view.

A derivation runs between labelled nodes (the slides' names): unlabelled nodes in between fold into one
factor, the rule table's formulas multiplied along the way (`chain`); `write` puts it into text,
Markdown or LaTeX; `delta` writes the δ notation. Nothing here computes a derivative: local gradients
come from the rule table, gradients from the engine.
"""

from __future__ import annotations

from ..value import Value
from .chain import Bracket, Derivation, Factor, derive
from .delta import delta_view
from .trace import write_trace
from .write import Format, latex, write

__all__ = [
    "Bracket", "Derivation", "Factor", "Format", "delta_view", "derive", "explain", "latex", "write",
    "write_trace",
]  # fmt: skip


def explain(
    root: Value, node: Value, upstream: float = 1.0, loss: str | None = None, format: Format = "text"
) -> str:
    """∂root/∂node in one line: symbols = formulas = numbers = result (Markdown or LaTeX on request).

    `upstream` is ∂loss/∂root when `root` sits inside a bigger graph whose output is called `loss`.
    """
    return write(derive(root, node, upstream, loss), format)
