"""The matrix form's arithmetic and checks: products multiplied out (`_matmul`), each equation
compared with the engine's gradients (`_checked`), slopes read from the engine's recorded local
gradients, and the small conversions between nodes and numbers."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..layers import Layer
from ..text import number
from ..value import Value
from .matrix_model import Equation, Matrix, Rows


def _checked(eq: Equation, grad: dict[Any, float] | None = None) -> Equation:
    """`eq` with `agrees` (and a note) from comparing `computed` with the engine: entry by entry with
    the result's values, or node by node with `grad` (a node in several entries, a shared bias, by
    their sum; an entry without a node with the result's value). Shapes must match exactly.

    Where a gradient's product is not the engine's (a weight shared with another layer, a node that
    also reaches the loss another way) the equation is made true rather than left false: it gets a
    further operand `+ other paths` holding engine − product (a shared node's difference on its first
    entry), and the note names the nodes."""
    result = eq.result.values
    agrees = len(eq.computed) == len(result) and all(
        len(row) == len(mine) for row, mine in zip(eq.computed, result)
    )
    counts = _counts(eq.result.nodes) if grad is not None else {}
    sums: dict[Any, float] = {}
    engine: dict[Any, float] = {}
    first: dict[Any, tuple[int, int]] = {}
    for k, (row, nodes) in enumerate(zip(eq.computed, eq.result.nodes)):
        for j, (x, node) in enumerate(zip(row, nodes)):
            if result[k][j] != result[k][j]:
                continue  # no entry (a structural zero: no weight, no gradient)
            key = node if grad is not None and node is not None else (k, j)
            sums[key] = sums.get(key, 0.0) + x
            engine[key] = grad[node] if key is node else result[k][j]
            first.setdefault(key, (k, j))
    differ = [key for key in sums if not _close(sums[key], engine[key])]
    agrees = agrees and not differ
    shared = [node for node in sums if isinstance(node, Value) and counts.get(node, 0) > 1]
    notes = [eq.note] if eq.note else []
    notes += [
        f"{_label(x)} fills {counts[x]} entries: its gradient is their sum, {number(grad[x])}" for x in shared
    ]
    if agrees or eq.kind == "rule" or len(eq.computed) != len(result):
        return replace(eq, agrees=agrees, note="; ".join(notes))
    other = [[0.0] * len(row) for row in result]
    for key in differ:
        k, j = first[key]
        other[k][j] = engine[key] - sums[key]
    named = [
        _label(key) if isinstance(key, Value) else f"entry ({key[0] + 1}, {key[1] + 1})" for key in differ
    ]
    notes.append(
        f"other paths: {', '.join(named)} also {'reach' if len(named) > 1 else 'reaches'} the loss outside "
        "this layer's product (used elsewhere in the graph): the engine's gradient minus the product"
    )
    paths = Matrix(
        r"\text{other paths}", tuple(map(tuple, other)), tuple((None,) * len(row) for row in other)
    )
    computed = tuple(tuple(c + o for c, o in zip(r1, r2)) for r1, r2 in zip(eq.computed, paths.values))
    return replace(
        eq, operands=(*eq.operands, paths), ops=(*eq.ops, "+"), computed=computed, note="; ".join(notes)
    )


def _gradient_of(name: str, rows, computed: Rows, grad: dict[Any, float]) -> Matrix:
    """∇W or ∇b: an entry its node fills alone shows the engine's gradient, a shared node's entries
    their shares (the engine's gradient of the node is their sum, which `_checked` compares)."""
    nodes = _nodes(rows)
    counts = _counts(nodes)
    values = tuple(
        tuple(
            math.nan if _absent(e) else grad[x] if x is not None and counts[x] == 1 else c
            for e, x, c in zip(erow, nrow, crow)
        )
        for erow, nrow, crow in zip(rows, nodes, computed)
    )
    return Matrix(name, values, nodes)


def _counts(nodes) -> dict[Any, int]:
    """How many entries each node fills (a Value hashes by identity)."""
    counts: dict[Any, int] = {}
    for row in nodes:
        for x in row:
            if x is not None:
                counts[x] = counts.get(x, 0) + 1
    return counts


def _slope(h: Value, a: Value) -> float:
    """∂h/∂a through the unlabelled nodes between a unit's net input and its output (σ(a), or σ(λ·a)):
    the local gradients the engine recorded on those nodes when it made them, multiplied along the
    paths (no path leaves that region: `autograd.units` takes a net input as the one labelled computed
    node under the activation)."""
    if h.parents == (a,):
        return h.local[0]
    region, stack = set(), [h]
    while stack:
        node = stack.pop()
        if node in region or node is a:
            continue
        region.add(node)
        stack += [p for p in node.parents if p is a or (p.op is not None and not p.label)]
    grads = {h: 1.0}
    for node in sorted(region, key=lambda x: x.seq, reverse=True):
        g = grads.get(node, 0.0)
        for parent, d in zip(node.parents, node.local):
            if parent is a or parent in region:
                grads[parent] = grads.get(parent, 0.0) + d * g
    return grads.get(a, 0.0)


def _units(layer: Layer):
    """(output, net) of every unit of every pattern."""
    for outs, nets in zip(layer.outputs, layer.nets):
        yield from zip(outs, nets)


def _scale(h: Value, a: Value) -> float:
    """λ of a unit h = g(λ·a): the leaves multiplied (divided) between its net input and activation
    (`autograd.unit_terms.check_scaling` allows only those)."""
    node, scale = h.parents[0], 1.0
    while node is not a:
        x, y = node.parents
        if node.op.name == "div":
            scale, node = scale / y.data, x
        elif y.op is None:
            scale, node = scale * y.data, x
        else:
            scale, node = scale * x.data, y
    return scale


def _plain(latex: str) -> str:
    """An activation's LaTeX name as a note writes it (σ, tanh, Th, ReLU)."""
    return re.sub(r"\\mathrm\{([^{}]*)\}", r"\1", latex).replace(r"\sigma", "σ").replace(r"\tanh", "tanh")


def _entries(layer: Layer):
    yield from (x for row in layer.weights for x in row)
    yield from layer.biases
    for p in range(len(layer.inputs)):
        yield from (*layer.inputs[p], *layer.nets[p], *layer.outputs[p])


def _function(layer: Layer) -> str:
    names = {
        "sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}", "step": r"\mathrm{Th}",
        "leaky_relu": r"\mathrm{LeakyReLU}", "softplus": r"\mathrm{softplus}",
    }  # fmt: skip
    # another op's name as upright letters (an underscore would be a subscript)
    return names.get(layer.activation or "", rf"\mathrm{{{(layer.activation or '').replace('_', ' ')}}}")


def _compared(forward: list[Value], outputs: set[Any]) -> bool:
    """Whether the graph above the last layer's outputs reads a leaf of its own (a target, a label, a
    loss's constant): a loss of the network's output ŷ, not one more unit (o = h1·h2: a node that
    combines two of the outputs is not a loss of them)."""
    above: set[Any] = set()
    for node in forward:
        if node.op is not None and sum(p in outputs for p in node.parents) > 1:
            return False
        if node.op is not None and any(p in outputs or p in above for p in node.parents):
            above.add(node)
            if any(p.op is None for p in node.parents):
                return True
    return False


def _graph_nodes(forward: list[Value], values: Rows, after: set[Any]) -> tuple[tuple[Any, ...], ...]:
    """For each value, a labelled node computed after `after` that holds it (the graph's own ŷ_i of a
    softmax; each node used once), else None."""
    start = max(x.seq for x in after)
    found = [x for x in forward if x.label and x.op is not None and x.seq > start]
    rows = []
    for row in values:
        nodes = []
        for v in row:
            node = next((x for x in found if _close(x.data, v)), None)
            if node is not None:
                found.remove(node)
            nodes.append(node)
        rows.append(tuple(nodes))
    return tuple(rows)


def _by_pattern(targets: list[Value], patterns: int, size: int) -> list[list[Value]]:
    """The targets as one column per pattern: `size` of them for one pattern, or size × patterns
    given pattern by pattern."""
    if len(targets) == size * patterns:
        return [targets[p * size : (p + 1) * size] for p in range(patterns)]
    if len(targets) == size:
        return [targets] * patterns
    raise ValueError(
        f"matrix form: the output rule names {len(targets)} targets; the output has {size} units over "
        f"{patterns} patterns ({size} targets, or {size * patterns} pattern by pattern)"
    )


def _softmax(a: Sequence[float]) -> tuple[float, ...]:
    top = max(a)
    e = [math.exp(x - top) for x in a]
    total = math.fsum(e)
    return tuple(x / total for x in e)


def _close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _values(rows, absent: bool = False) -> Rows:
    """Entries' numbers; with `absent`, NaN for an entry with no node that is 0.0 (no connection)."""
    return tuple(tuple(math.nan if absent and _absent(x) else _value(x) for x in row) for row in rows)


def _absent(entry: Any) -> bool:
    """A weight or bias entry with no node that is 0.0: no connection (`Layer.absent`), no bias."""
    return not isinstance(entry, Value) and float(entry) == 0.0


def _bias_value(entry: Any) -> float:
    return math.nan if _absent(entry) else _value(entry)


def _zero(x: float) -> float:
    """A structural zero (NaN, written ·) as the 0 it is in a product or a sum."""
    return x if x == x else 0.0


def _nodes(rows) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(x if isinstance(x, Value) else None for x in row) for row in rows)


def _none(m: Matrix) -> tuple[tuple[None, ...], ...]:
    return tuple((None,) * len(row) for row in m.values)


def _matmul(a: Rows, b: Rows) -> Rows:
    return tuple(
        tuple(math.fsum(_zero(x) * _zero(y) for x, y in zip(row, col)) for col in zip(*b)) for row in a
    )


def _label(node: Any) -> str:
    return node.label or node.describe()


def _rows(rows: Rows) -> str:
    return "[" + "; ".join(", ".join(f"{x:.6g}" for x in row) for row in rows) + "]"


def _value(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)
