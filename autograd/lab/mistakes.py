"""The table of mistakes: each wrong way of writing backprop, what its code does, that code, and its pass.

`MISTAKES` maps each key (`assign`, `no-zero-grad`, …) to its `Mistake`; `get` looks one up by key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..text.choices import choose_from
from .matrix_passes import no_transpose, outer_product_order, slope_of_wrong_vector
from .passes import (
    PassRecord,
    assign_instead_of_add,
    canonical_shortcut,
    depth_first,
    drawn_before_backward,
    no_zero_grad,
    sigmoid_from_net,
    update_step_wrong_sign,
)


@dataclass(frozen=True)
class Mistake:
    """One wrong way of writing backprop: its key, what the wrong code does, and that code."""

    key: str
    title: str
    does: str  # one sentence: what the wrong code does
    code: str  # the few lines of wrong code, as a student would write them (tests/autograd/test_lab_code.py
    # runs them as shown and checks they leave the numbers `run` reports)
    harmless: str  # when it happens to give the right numbers anyway
    run: Callable[..., PassRecord]
    quantity: str = "gradient"  # what the comparison compares
    update: bool = False  # a mistake in the update steps: `train` shows the loss over steps


NO_TOPOLOGICAL_ORDER = Mistake(
    key="no-topological-order",
    title="No topological order",
    does=(
        "recurses depth first from the root, and each node sends its gradient so far to its parents at "
        "once, so a node used twice passes its gradient on before it has all of it, and again with each "
        "later part"
    ),
    code=(
        "def backward(node):               # root.grad = 1.0; backward(root)\n"
        "    for parent, local in zip(node.parents, node.local):\n"
        "        parent.grad += local * node.grad\n"
        "        backward(parent)           # before parent has all its gradient"
    ),
    harmless="no computed node feeds more than one other node (a leaf used twice is harmless)",
    run=depth_first,
)
ASSIGN = Mistake(
    key="assign",
    title="= instead of +=",
    does="assigns each contribution instead of adding it, so a node used twice keeps only its last one",
    code=(
        "root.grad = 1.0\n"
        "for node in topological_order(root):\n"
        "    for parent, local in zip(node.parents, node.local):\n"
        "        parent.grad = local * node.grad     # = instead of +="
    ),
    harmless="no node is used twice",
    run=assign_instead_of_add,
)
NO_ZERO_GRAD = Mistake(
    key="no-zero-grad",
    title="No zero_grad",
    does=(
        "calls backward a second time without zero_grad, so each node sends its old gradient through the "
        "chain rule again along with the new one"
    ),
    code=(
        "def backward(root):\n"
        "    root.grad = 1.0\n"
        "    for node in topological_order(root):\n"
        "        for parent, local in zip(node.parents, node.local):\n"
        "            parent.grad += local * node.grad\n"
        "backward(f)\n"
        "backward(f)         # no zero_grad() in between"
    ),
    harmless="every gradient but the root's is 0",
    run=no_zero_grad,
    update=True,
)
DRAWN_EARLY = Mistake(
    key="drawn-before-backward",
    title="Drawn before backward",
    does="draws the graph before backward has run, so every gradient the picture shows is still 0",
    code="picture = draw(f)    # every .grad is still 0.0\nf.backward()         # too late for the picture",
    harmless="every gradient is 0",
    run=drawn_before_backward,
)
SIGMOID_NET = Mistake(
    key="sigmoid-from-net",
    title="σ′ from the wrong node",
    does="computes σ′ from the sigmoid's input as net·(1 − net) instead of from its output as out·(1 − out)",
    code=(
        "# the sigmoid node's backward, out = σ(net):\n"
        "net.grad += net.data * (1 - net.data) * out.grad   # right: out.data * (1 - out.data)"
    ),
    harmless="the graph has no sigmoid whose gradient is used",
    run=sigmoid_from_net,
)
CANONICAL = Mistake(
    key="canonical-shortcut",
    title="The canonical-output shortcut where it does not hold",
    does=(
        "sets δ = ∂E/∂net = h − y at each sigmoid output h of a squared error, the rule for a linear "
        "output with ½(h − y)², instead of the chain rule's σ′·∂E/∂h = h(1 − h)·∂E/∂h"
    ),
    code=(
        "# at each output h = σ(net) of a squared error (h − y)²:\n"
        "net.grad += h.data - y.data      # right: h.data * (1 - h.data) * h.grad"
    ),
    harmless="no sigmoid output enters a squared error (h − y)²",
    run=canonical_shortcut,
)
WRONG_SIGN = Mistake(
    key="wrong-sign",
    title="Wrong sign in the update",
    does="adds η·∂L/∂w to each parameter instead of subtracting it, a step uphill that raises the loss",
    code="for w in parameters:\n    w.data += eta * w.grad       # right: w.data -= eta * w.grad",
    harmless="every parameter's gradient is 0",
    run=update_step_wrong_sign,
    quantity="value after one update step",
    update=True,
)

# The matrix form's mistakes (Khapra, deck 004): one transpose or one argument wrong in the layer-by-layer
# pass; the code is NumPy, one column per pattern (tests/autograd/test_lab_code.py runs it as shown).
NO_TRANSPOSE = Mistake(
    key="no-transpose",
    title="W instead of Wᵀ going back",
    does=(
        "goes back to the layer below with ∇_{hₖ₋₁} L = Wₖ ∇_{aₖ} L instead of Wₖᵀ ∇_{aₖ} L, so unit j of "
        "layer k − 1 collects the δ's through row j of Wₖ, the weights of other connections; a Wₖ that is "
        "not square does not multiply at all"
    ),
    code=(
        "# going back through layer k (da = ∇_{aₖ} L, one column per pattern):\n"
        "dh_prev = W @ da          # right: W.T @ da"
    ),
    harmless=(
        "every Wₖ the pass goes back through (k ≥ 2) is symmetric, a 1×1 one too, or the graph has no "
        "layers or only one"
    ),
    run=no_transpose,
)
OUTER_PRODUCT_ORDER = Mistake(
    key="outer-product-order",
    title="h·δᵀ instead of δ·hᵀ",
    does=(
        "writes the weight gradient as ∇_{Wₖ} L = hₖ₋₁ ∇_{aₖ} Lᵀ instead of ∇_{aₖ} L hₖ₋₁ᵀ, the transpose of "
        "the right matrix (D×K instead of K×D): entry (i, j) gets the gradient of entry (j, i), and a layer "
        "that is not square gets a matrix that does not fit Wₖ"
    ),
    code=(
        "# layer k's weight gradient (h_prev = hₖ₋₁, da = ∇_{aₖ} L, one column per pattern):\n"
        "dW = h_prev @ da.T        # right: da @ h_prev.T"
    ),
    harmless=(
        "every ∇_{Wₖ} L is a symmetric matrix (a 1×1 layer, or ∇_{aₖ} L a multiple of hₖ₋₁), or the graph "
        "has no layers"
    ),
    run=outer_product_order,
)
SLOPE_OF_WRONG_VECTOR = Mistake(
    key="slope-of-wrong-vector",
    title="g′ of the wrong vector",
    does=(
        "evaluates the activation's slope at the output instead of at the net input, ∇_{aₖ} L = "
        "∇_{hₖ} L ⊙ g′(hₖ) instead of ∇_{hₖ} L ⊙ g′(aₖ): for σ that is σ(h)(1 − σ(h)) where h(1 − h) is right"
    ),
    code=(
        "# layer k's net-input gradient (h = g(a); g_prime is g's slope, the rule table's row):\n"
        "da = dh * g_prime(h)      # right: dh * g_prime(a)"
    ),
    harmless=(
        "no layer's activation has a slope that differs between aₖ and hₖ (linear layers, ReLU, threshold "
        "units), or the graph has no layers"
    ),
    run=slope_of_wrong_vector,
)

MISTAKES: dict[str, Mistake] = {
    m.key: m
    for m in (
        NO_TOPOLOGICAL_ORDER, ASSIGN, NO_ZERO_GRAD, DRAWN_EARLY, SIGMOID_NET, CANONICAL, NO_TRANSPOSE,
        OUTER_PRODUCT_ORDER, SLOPE_OF_WRONG_VECTOR, WRONG_SIGN,
    )
}  # fmt: skip


def get(key: str) -> Mistake:
    """The mistake called `key`; raises ValueError listing the keys for an unknown one."""
    try:
        return MISTAKES[key]
    except KeyError:
        raise ValueError(f"unknown mistake {key!r}; {choose_from(key, MISTAKES)}") from None
