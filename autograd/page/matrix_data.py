"""The page's matrix form: a network's equations (`autograd.explain.matrix_form`) as JSON, each entry
linked to its scalar node by the page's node index.

The page draws each equation as its symbols, its shape check and its matrices (HTML tables), steps the
backward pass one equation at a time and links an entry with the nodes it is made of. The numbers are
the matrix form's own (the engine's gradients, the right sides multiplied out); the page writes them
with its number writer, as every other number it shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..explain.matrix import Equation, Matrix, Notation, OutputRule, matrix_form
from ..explain.matrix_write import symbolic, text_name
from ..value import Value


def matrix_data(
    root: Value, index: Mapping[Value, int], notation: Notation | None = None, rule: OutputRule | None = None
) -> dict | None:
    """The matrix form of `root`'s graph for the page, or None where the graph has none.

    `index` is the page's node index (forward order); `notation` and `rule` are the deck's names and its
    shortcut at the output (`autograd.explain.matrix_form`'s). None is returned where `matrix_form`
    refuses the graph (no layers, a layer that breaks the pattern): the page then has no matrix panel.

    Each equation has its `kind` ("forward", "backward" or "rule"), `symbolic` text (`a₁ = W₁ x + b₁`),
    `shapes` (`2×1 = 2×2 · 2×1 + 2×1`), `note`, `agrees`, `ops`, `function` (the text name of g in
    h = g(a)) and `scale`; its `result` and `operands` are matrices: `name` (text, ᵀ for a transpose),
    `values` (rows; null for a number that is not one), `nodes` (rows of node indices, null where the
    entry has no node of its own) and `grad` (True: the entries are gradients of their nodes, else
    values). `links[i][j]` are the nodes result entry (i, j) is made of: its own node and each operand
    entry its right side reads (for ∇W = δ hᵀ over patterns p: w_ij, every δ_ip's net and h_jp).
    """
    try:
        form = matrix_form(root, notation, rule)
    except ValueError:  # LayerError too: a graph without layers has no matrix panel
        return None
    gradients = {e.result.name for e in form.equations if e.kind != "forward"}
    equations = []
    for eq in form.equations:
        grad = eq.kind != "forward"
        operands = [_matrix(m, index, grad and m.name in gradients) for m in eq.operands]
        equations.append(
            {
                "kind": eq.kind,
                "layer": eq.layer,
                "symbolic": symbolic(eq),
                "shapes": eq.shapes,
                "note": eq.note,
                "agrees": eq.agrees,
                "ops": list(eq.ops),
                "function": text_name(eq.function) if eq.function else None,
                "scale": eq.scale,
                "result": _matrix(eq.result, index, grad),
                "operands": operands,
                "computed": None if eq.agrees else _rows(eq.computed),
                "links": _links(eq, index),
            }
        )
    return {"equations": equations}


def _matrix(m: Matrix, index: Mapping[Value, int], grad: bool) -> dict[str, Any]:
    return {
        "name": text_name(m.name) + ("ᵀ" if m.transposed else ""),
        "values": _rows(m.values),
        "nodes": [[_node(x, index) for x in row] for row in m.nodes],
        "grad": grad,
    }


def _node(x: Any, index: Mapping[Value, int]) -> int | None:
    """An entry's node index; None for an entry the graph has no node of its own for (an implicit
    weight 1, the ones of Δ·1, a slope σ′(a) computed for the view)."""
    return index.get(x) if isinstance(x, Value) else None


def _rows(rows) -> list[list[float | None]]:
    return [[x if math.isfinite(x) else None for x in row] for row in rows]


def _links(eq: Equation, index: Mapping[Value, int]) -> list[list[list[int]]]:
    """For each result entry (i, j), the nodes its right side reads, its own node first.

    The right side is terms joined by + or − (the scale and the function change no entry's operands),
    each one matrix or two multiplied: `·` reads row i of the left and column j of the right, `⊙` entry
    (i, j) of both; a lone matrix of one column (a bias b added to every pattern's column) is read at
    column 0, as it is broadcast.
    """
    terms: list[list[tuple[str, Matrix]]] = []
    for k, m in enumerate(eq.operands):
        op = eq.ops[k - 1] if k else "+"
        if op in ("+", "−"):
            terms.append([("", m)])
        else:
            terms[-1].append((op, m))
    rows, cols = eq.result.shape
    out = []
    for i in range(rows):
        line = []
        for j in range(cols):
            found = [eq.result.nodes[i][j]]
            for term in terms:
                found += _reads(term, i, j)
            seen: list[int] = []
            for x in found:
                k = _node(x, index)
                if k is not None and k not in seen:
                    seen.append(k)
            line.append(seen)
        out.append(line)
    return out


def _reads(term: list[tuple[str, Matrix]], i: int, j: int) -> list[Any]:
    if len(term) == 1:
        m = term[0][1]
        r, c = m.shape
        return [m.nodes[min(i, r - 1)][min(j, c - 1)]] if r and c else []
    (_, left), (op, right) = term[0], term[1]
    if op == "⊙":
        return [left.nodes[i][j], right.nodes[i][j]]
    inner = left.shape[1]
    return [x for p in range(inner) for x in (left.nodes[i][p], right.nodes[p][j])]
