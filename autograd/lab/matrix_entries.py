"""The matrix form's entries named for the mistakes lab: each node's place in the layers' matrices
("W₂ row 1, column 2"), in a deck's notation given as text (this package ranks below
`autograd.explain`, whose `Notation` is LaTeX: the caller passes the names, as `chainrule mistakes`
does), by default Khapra's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..layers import Layer

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
# (kind, k) -> a name as text, kinds input weight bias net hidden output loss (the layer picture's
# `autograd.render.LayerNames`); k the layer, from 1
Names = Callable[[str, int], str]
_KHAPRA = {"input": "x", "weight": "W{k}", "bias": "b{k}", "net": "a{k}", "hidden": "h{k}", "output": "ŷ",
           "loss": "L"}  # fmt: skip


def khapra_names(kind: str, k: int) -> str:
    """Khapra's names (deck 004) as text: x, W₁, b₁, a₁, h₁, ŷ (the top layer's output), L."""
    return _KHAPRA[kind].format(k=_sub(k))


def entries(layers: tuple[Layer, ...], names: Names | None = None) -> dict[Any, str]:
    """Each node's entries in the matrix form: "W₂ row 1, column 2", "b₁ rows 1, 2", "a₂ row 1"
    (", column p" for pattern p of several). `names(kind, k)` gives the matrices' names as text (a
    deck's notation: chen's i, net₁, h; Bishop's z⁽¹⁾); by default Khapra's: x = h₀, Wₖ, bₖ, aₖ, hₖ,
    and ŷ for the top layer."""
    names = names or khapra_names
    found: dict[Any, list[tuple[str, int, int]]] = defaultdict(list)
    L = len(layers)
    for k, layer in enumerate(layers, 1):
        for i, row in enumerate(layer.weights):
            for j, w in enumerate(row):
                found[w].append((names("weight", k), i, j))
        for i, b in enumerate(layer.biases):
            found[b].append((names("bias", k), i, -1))
        several = len(layer.inputs) > 1
        for p in range(len(layer.inputs)):
            column = p if several else -1
            for i, (net, h) in enumerate(zip(layer.nets[p], layer.outputs[p])):
                found[net].append((names("net", k), i, column))
                if h is not net:
                    found[h].append((names("output", k) if k == L else names("hidden", k), i, column))
            if k == 1:
                for j, x in enumerate(layer.inputs[p]):
                    found[x].append((names("input", 0), j, column))
    return {node: _entry_text(places) for node, places in found.items() if hasattr(node, "seq")}


def _entry_text(places: list[tuple[str, int, int]]) -> str:
    places = list(dict.fromkeys(places))
    name, _, column = places[0]
    if len(places) > 1 and all(n == name and c == column for n, _, c in places):
        rows = ", ".join(str(i + 1) for _, i, _ in places)
        return f"{name} rows {rows}" + (f", column {column + 1}" if column >= 0 else "")
    return "; ".join(f"{n} row {i + 1}" + (f", column {c + 1}" if c >= 0 else "") for n, i, c in places)


def _sub(k: int) -> str:
    return str(k).translate(_SUB)
