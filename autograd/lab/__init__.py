"""The mistakes lab: backward passes written wrong on purpose, each beside the few lines it runs.

A room above the engine and beside the views: it reads the engine (node fields, the rule table,
`gradients`) and changes nothing in it. Every mistake is a small function with its own loop over the
graph's node fields (`passes`), and where a rule must be wrong, a changed copy of a rule-table row; the
engine (`OPS`, `Value`, `backward`) is never touched, and no node's `.grad` or `.data` is written.
`MISTAKES` (`mistakes`) lists each wrong way with its code. `compare` (`comparison`) runs one mistake
and the engine's backward pass on the same graph and lists every node where they differ, in the order
the wrong pass visits them (the matrix form's mistakes, `matrix_passes`, also name each node's
entry, and raise CannotRun where their wrong products do not fit); `train` (`updates`) runs a few update
steps of an update mistake, right and wrong. The views (`autograd.explain.lab_report`, the page's
mistake view, `chainrule mistakes`) name the nodes and draw them.
"""

from __future__ import annotations

from .comparison import DEFAULT_ETA, Comparison, Difference, compare
from .matrix_passes import CannotRun
from .mistakes import (
    ASSIGN,
    CANONICAL,
    DRAWN_EARLY,
    MISTAKES,
    NO_TOPOLOGICAL_ORDER,
    NO_TRANSPOSE,
    NO_ZERO_GRAD,
    OUTER_PRODUCT_ORDER,
    SIGMOID_NET,
    SLOPE_OF_WRONG_VECTOR,
    WRONG_SIGN,
    Mistake,
    get,
)
from .passes import MAX_CALLS, SIGMOID_FROM_NET, PassRecord, sigmoid_outputs
from .updates import DEFAULT_STEPS, Curves, train

__all__ = [
    "ASSIGN", "CANONICAL", "DEFAULT_ETA", "DEFAULT_STEPS", "DRAWN_EARLY", "MAX_CALLS", "MISTAKES",
    "NO_TOPOLOGICAL_ORDER", "NO_TRANSPOSE", "NO_ZERO_GRAD", "OUTER_PRODUCT_ORDER", "SIGMOID_FROM_NET",
    "SIGMOID_NET", "SLOPE_OF_WRONG_VECTOR", "WRONG_SIGN", "CannotRun", "Comparison", "Curves",
    "Difference", "Mistake", "PassRecord", "compare", "get", "sigmoid_outputs", "train",
]  # fmt: skip
