"""The matrix form's data: a deck's names (`Notation`), its output shortcut (`OutputRule`), a named
matrix with the scalar node of each entry (`Matrix`), an equation (`Equation`) and a network's
equations (`MatrixForm`). Built by `autograd.explain.matrix.matrix_form`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..layers import Network

Kind = Literal["forward", "backward", "rule"]
Rows = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Notation:
    """The names a deck gives the matrix form, in LaTeX; `{k}` is the layer number (or `layers[k − 1]`).

    The defaults are Khapra's (deck 004): W_k, b_k, a_k, h_k, x = h_0, ŷ = h_L and ∇_{a_k} L. `BISHOP`
    is deck 001's. Where `delta` is set it names ∂loss/∂aₖ (δ^{(k)}) and gradients read ∂E/∂W^{(k)}.
    """

    weight: str = "W_{{{k}}}"
    bias: str = "b_{{{k}}}"
    net: str = "a_{{{k}}}"
    hidden: str = "h_{{{k}}}"
    input: str = "x"
    output: str = r"\hat{y}"
    loss: str = "L"
    delta: str | None = None
    layers: tuple[str, ...] = ()  # the deck's names of the layers (i/j/k notation) instead of numbers

    def name(self, template: str, k: int) -> str:
        """`template` for layer k."""
        return template.format(k=self.layers[k - 1] if self.layers else k)

    def gradient(self, of: str) -> str:
        """∇_{of} L, or ∂E/∂of in the δ style."""
        return rf"\partial {self.loss}/\partial {of}" if self.delta else rf"\nabla_{{{of}}} {self.loss}"


BISHOP = Notation(
    r"W^{{({k})}}", r"b^{{({k})}}", r"a^{{({k})}}", r"z^{{({k})}}", "x", "h", "E", r"\delta^{{({k})}}"
)


@dataclass(frozen=True)
class OutputRule:
    """A deck's shortcut for the gradient at the output layer's net input.

    `kind` "softmax-ce": ∇_{a_L} L = ŷ − e(ℓ) (Khapra), with ŷ = softmax(a_L) and `label` ℓ (1-based);
    "sigmoid-bce" and "linear-se": ŷ − y, `targets` the labels of y. `scale` multiplies it where the
    loss has no ½ or divides by n (`2(ŷ − y)`). `outputs` labels the output vector where the graph has
    no layers (a loss of given scores). `note` says why the slide's rule is not this graph's gradient,
    where it is not.
    """

    kind: Literal["softmax-ce", "sigmoid-bce", "linear-se"]
    targets: tuple[str, ...] = ()
    label: int = 0
    scale: float = 1.0
    outputs: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Matrix:
    """A named matrix (a vector is a column, n×1) with its numbers and the scalar node of each entry
    (None where the graph has no node: an implicit weight 1, an absent connection, the ones of Δ·1)."""

    name: str
    values: Rows
    nodes: tuple[tuple[Any, ...], ...]
    transposed: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.values), len(self.values[0]) if self.values else 0

    def t(self) -> Matrix:
        """The transpose (the writers name it Xᵀ)."""
        return Matrix(self.name, _t(self.values), _t(self.nodes), not self.transposed)


@dataclass(frozen=True)
class Equation:
    """`result = operands[0] ops[0] operands[1] …` (ops "·", "+", "⊙", "−"), or `result = function(operand)`.

    An equation without operands is the engine's number (∇_ŷ L, through the loss's parts). `computed`
    is the right side multiplied out; `agrees` whether it matches the engine's gradients (to 1e-9
    relative, each node's entries summed where a node fills several: a shared bias); `note` says what
    a reader should know (the engine's paths outside the layer, a shared node's sum, a slide's rule)."""

    kind: Kind
    layer: int
    result: Matrix
    operands: tuple[Matrix, ...] = ()
    ops: tuple[str, ...] = ()
    function: str | None = None
    scale: float = 1.0  # the right side times this (a loss without ½: 2(ŷ − y))
    computed: Rows = ()
    agrees: bool = True
    note: str = ""

    @property
    def shapes(self) -> str:
        """The shape check, "2×1 = 2×2 · 2×1 + 2×1"."""
        right = [_shape(self.operands[0])] if self.operands else []
        for op, m in zip(self.ops, self.operands[1:]):
            right += [op, _shape(m)]
        return " ".join([_shape(self.result), "=", *right]) if right else ""


@dataclass
class MatrixForm:
    """A network's forward and backward pass as matrix equations (see the module's docstring)."""

    network: Network
    notation: Notation
    loss: Any
    equations: list[Equation] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return all(e.agrees for e in self.equations if e.kind != "rule")


def _shape(m: Matrix) -> str:
    return "×".join(map(str, m.shape))


def _t(rows):
    return tuple(zip(*rows)) if rows else ()
