"""The matrix form of a network's forward and backward pass, as decks 001–004 write it, with numbers.

Forward, layer by layer: aₖ = Wₖ hₖ₋₁ + bₖ, hₖ = g(aₖ). Backward (Khapra, deck 004, "Backpropagation:
vectorised"; Bishop, PRML §5.3.1): ∇_{aₖ} L = ∇_{hₖ} L ⊙ g′(aₖ), ∇_{Wₖ} L = ∇_{aₖ} L hₖ₋₁ᵀ,
∇_{bₖ} L = ∇_{aₖ} L, ∇_{hₖ₋₁} L = Wₖᵀ ∇_{aₖ} L. Over n patterns each vector becomes a matrix with one
column per pattern and ∇_{Wₖ} L = Δₖ Hₖ₋₁ᵀ sums over them (deck 002). Every gradient shown is the engine's
own (`autograd.functional.gradients`); each equation's right side is also multiplied out here and
compared with it when the view is made (`Equation.agrees`), never assumed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ..functional import gradients
from ..graph import forward_order
from ..layers import Layer, Network, find_layers
from ..text import number
from ..value import Value
from .lookup import find_node

Kind = Literal["forward", "backward", "rule"]
MAX_ENTRIES = 100_000  # entries of the matrices a view names (see `entries`): more are refused
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
    _Builder(form, forward, rule).build()
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


def _value(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


class _Builder:
    def __init__(self, form: MatrixForm, forward: list[Value], rule: OutputRule | None) -> None:
        self.form, self.n, self.rule = form, form.notation, rule
        self.layers = form.network.layers
        self.top = (
            self.layers[-1].nets
            if self.layers
            else (tuple(find_node(forward, label, "matrix form outputs") for label in rule.outputs),)
        )
        self.targets = [
            find_node(forward, label, "matrix form targets") for label in (rule.targets if rule else ())
        ]
        wanted = {x for layer in self.layers for x in _entries(layer)} | {x for col in self.top for x in col}
        wanted = [x for x in wanted if isinstance(x, Value)]
        self.grad = dict(zip(wanted, gradients(form.loss, wanted)))
        last = {x for col in self.layers[-1].outputs for x in col} if self.layers else set()
        self.root_is_output = form.loss in last  # XOR's y: gradients are of the output itself
        self.is_output = self.root_is_output or rule is not None or _compared(forward, last)
        if self.root_is_output:
            form.notation = self.n = replace(self.n, loss=self.h_name(len(self.layers)))
        self.forward = forward
        self.said: dict[str, bool] = {}  # notes a view makes once

    def add(self, equation: Equation) -> None:
        self.form.equations.append(equation)

    def build(self) -> None:
        for k, layer in enumerate(self.layers, 1):
            self.forward_layer(k, layer)
        self.output_and_loss()
        rule_holds = self.rule is not None and self.output_rule()
        for k in range(len(self.layers), 0, -1):
            self.backward_layer(k, self.layers[k - 1], rule_holds and k == len(self.layers))

    # --- names and vectors ---

    def h_name(self, k: int) -> str:
        n = self.n
        if k == 0:
            return n.input
        return n.output if k == len(self.layers) and self.is_output else n.name(n.hidden, k)

    def delta_name(self, k: int) -> str:
        n = self.n
        return n.name(n.delta, k) if n.delta else n.gradient(n.name(n.net, k))

    def vector(
        self, name: str, columns: Sequence[Sequence[Any]], of: Callable[[Any], float] = _value
    ) -> Matrix:
        """Pattern p's nodes as column p, valued by `of` (the node's value by default)."""
        return Matrix(
            name, _t(tuple(tuple(of(x) for x in col) for col in columns)), _t(tuple(map(tuple, columns)))
        )

    def weights(self, k: int, layer: Layer) -> Matrix:
        """Wₖ; an entry the graph has no connection for is NaN (written ·; a product reads it as 0)."""
        rows = layer.weights
        return Matrix(self.n.name(self.n.weight, k), _values(rows, absent=True), _nodes(rows))

    def absent_note(self, layer: Layer, weights: bool = True, biases: bool = True) -> str:
        """Which weight (bias) entries are structural zeros: no connection, so no node and no gradient."""
        nets, inputs = layer.nets[0], layer.inputs[0]
        where = [
            f"row {i + 1}, column {j + 1} ({_label(nets[i])} does not read {_label(inputs[j])})"
            for i, j in (layer.absent if weights else ())
        ]
        if biases and layer.has_bias:
            where += [
                f"row {i + 1} of b ({_label(layer.nets[0][i])} adds no bias)"
                for i, b in enumerate(layer.biases)
                if _absent(b)
            ]
        return f"· marks no connection, so no weight and no gradient: {', '.join(where)}" if where else ""

    # --- equations ---

    def forward_layer(self, k: int, layer: Layer) -> None:
        n = self.n
        W, h_in = self.weights(k, layer), self.vector(self.h_name(k - 1), layer.inputs)
        b = self.vector(n.name(n.bias, k), [layer.biases], _bias_value)
        a = self.vector(n.name(n.net, k), layer.nets)
        computed = _matmul(W.values, h_in.values)
        if layer.has_bias:  # a layer without bias has no b (no bias, no ∇b)
            computed = tuple(tuple(x + _zero(c[0]) for x in row) for row, c in zip(computed, b.values))
        patterns = len(layer.inputs)
        notes = [self.absent_note(layer)]
        if patterns > 1:
            notes.append(
                f"one column per pattern, p = 1…{patterns}"
                + ("; b is added to each column" if layer.has_bias else "")
            )
        operands, ops = ((W, h_in, b), ("·", "+")) if layer.has_bias else ((W, h_in), ("·",))
        note = "; ".join(x for x in notes if x)
        self.add(_checked(Equation("forward", k, a, operands, ops, computed=computed, note=note)))
        if layer.activation is not None:
            h = self.vector(self.h_name(k), layer.outputs)
            note = ""
            if layer.scaled and not self.said.get("scaled"):  # once a view
                self.said["scaled"] = True
                lambdas = ", ".join(number(x) for x in sorted({_scale(h, a) for h, a in _units(layer)}))
                note = (
                    f"the graph scales the net input before the activation, {_plain(_function(layer))}(λ·a) "
                    f"with λ = {lambdas}: the slope below is through it"
                )
            self.add(Equation("forward", k, h, (a,), function=_function(layer), computed=h.values, note=note))

    def output_and_loss(self) -> None:
        """The forward pass's end: ŷ = softmax(a_L) under a softmax-ce rule (the graph's nodes where it
        has them), ŷ = a_L for a linear output named apart from its net, and the loss's value."""
        n, k, rule = self.n, len(self.layers), self.rule
        a = self.vector(n.name(n.net, k) if k else n.net.format(k="L"), self.top)
        self.y_hat = None
        if rule is not None and rule.kind == "softmax-ce":
            if not 1 <= rule.label <= len(a.values):
                raise ValueError(
                    f"matrix form: the output rule softmax-ce: label {rule.label}: the output has "
                    f"{len(a.values)} classes"
                )
            computed = _t(tuple(_softmax(col) for col in _t(a.values)))
            nodes = _graph_nodes(self.forward, computed, {x for col in self.top for x in col})
            values = tuple(
                tuple(c if x is None else x.data for c, x in zip(*rows)) for rows in zip(computed, nodes)
            )
            self.y_hat = Matrix(n.output, values, nodes)
            softmax = Equation(
                "forward", k, self.y_hat, (a,), function=r"\mathrm{softmax}", computed=computed
            )
            self.add(_checked(softmax))
        elif k and self.is_output and self.layers[-1].activation is None and n.output != a.name:
            self.add(Equation("forward", k, self.vector(n.output, self.top), (a,), computed=a.values))
        if not self.root_is_output:
            root, note = self.form.loss, ""
            if k and not self.is_output:
                note = "the graph's root: it reads the last layer's outputs but no target (not a loss of ŷ)"
            self.add(Equation("forward", k, Matrix(n.loss, ((root.data,),), ((root,),)), note=note))

    def output_rule(self) -> bool:
        """The deck's shortcut ∇_{a_L} L = ŷ − y (or ŷ − e(ℓ)); True where it is this graph's gradient."""
        rule, n, top = self.rule, self.n, self.top
        k = len(self.layers)
        a = self.vector(n.name(n.net, k) if k else n.net.format(k="L"), top)
        engine = self.vector(self.delta_name(k) if k else n.gradient(a.name), top, self.grad.__getitem__)
        if rule.kind == "softmax-ce":
            y_hat = self.y_hat
            e = tuple(tuple(float(i + 1 == rule.label) for _ in row) for i, row in enumerate(a.values))
            target = Matrix(rf"e({rule.label})", e, _none(a))
        else:
            y_hat = self.vector(n.output, self.layers[-1].outputs if self.layers else top)
            target = self.vector("y", _by_pattern(self.targets, len(top), len(top[0])))
        computed = tuple(
            tuple(rule.scale * (p - q) for p, q in zip(r1, r2)) for r1, r2 in zip(y_hat.values, target.values)
        )
        same = "the engine computed the same numbers through the loss's parts"
        shown = Matrix(engine.name, computed, engine.nodes)  # the rule's numbers, compared with the engine's
        eq = Equation("rule", k, shown, (y_hat, target), ("−",), scale=rule.scale, computed=engine.values)
        eq = _checked(eq)
        if not eq.agrees and not rule.note:
            raise ValueError(
                f"matrix form: the output rule {rule.kind} gives {_rows(computed)}, but the engine's "
                f"gradient is {_rows(engine.values)}: the rule does not fit this loss; where a slide's rule "
                "differs on purpose, say why in the rule's note (the example file's [matrix] note, or "
                "OutputRule.note)"
            )
        self.add(replace(eq, note="; ".join(x for x in (same if eq.agrees else "", rule.note) if x)))
        return eq.agrees

    def backward_layer(self, k: int, layer: Layer, rule_holds: bool) -> None:
        n, grad, last = self.n, self.grad, k == len(self.layers)
        delta = self.vector(self.delta_name(k), layer.nets, grad.__getitem__)
        if rule_holds:
            pass  # the rule's equation gave ∇_{a_L} L
        elif layer.activation is None:
            if last:
                self.add(Equation("backward", k, delta, note="the engine, through the loss's parts"))
        else:
            dh = self.vector(n.gradient(self.h_name(k)), layer.outputs, grad.__getitem__)
            if last:
                said = (
                    f"the root is the network's output {self.h_name(k)}: its gradient of itself is 1"
                    if self.root_is_output
                    else "the engine, through the loss's parts"
                )
                self.add(Equation("backward", k, dh, note=said))
            slope = self.vector(
                f"{_function(layer)}'({n.name(n.net, k)})",
                [[_slope(h, a) for h, a in zip(hs, nets)] for hs, nets in zip(layer.outputs, layer.nets)],
                float,
            )
            computed = tuple(tuple(x * y for x, y in zip(r1, r2)) for r1, r2 in zip(dh.values, slope.values))
            note = ""
            if all(x == 0 for row in slope.values for x in row) and not self.said.get("flat"):
                self.said["flat"] = True  # once a view: every pass after it is zero as well
                g = _plain(_function(layer))
                note = (
                    f"{g}′ = 0 everywhere: no gradient flows back through {g}, so every gradient below is 0"
                )
            self.add(
                _checked(Equation("backward", k, delta, (dh, slope), ("⊙",), computed=computed, note=note))
            )
        h_in = self.vector(self.h_name(k - 1), layer.inputs)
        W = self.weights(k, layer)
        products = _matmul(delta.values, h_in.t().values)
        dW = _gradient_of(n.gradient(W.name), layer.weights, products, grad)
        summed = f"the product sums over the {len(layer.inputs)} patterns" if len(layer.inputs) > 1 else ""
        summed = "; ".join(x for x in (summed, self.absent_note(layer, biases=False)) if x)
        self.add(
            _checked(
                Equation("backward", k, dW, (delta, h_in.t()), ("·",), computed=products, note=summed), grad
            )
        )
        patterns = len(layer.inputs)
        ones = Matrix(
            r"\mathbf{1}", tuple((1.0,) for _ in range(patterns)), tuple((None,) for _ in range(patterns))
        )
        sums = _matmul(delta.values, ones.values)
        db = _gradient_of(n.gradient(n.name(n.bias, k)), tuple((b,) for b in layer.biases), sums, grad)
        operands, ops = ((delta, ones), ("·",)) if patterns > 1 else ((delta,), ())
        if layer.has_bias:  # no b in the forward pass, no ∇b
            note = self.absent_note(layer, weights=False)
            self.add(_checked(Equation("backward", k, db, operands, ops, computed=sums, note=note), grad))
        if k > 1:
            dh = self.vector(n.gradient(self.h_name(k - 1)), layer.inputs, grad.__getitem__)
            computed = _matmul(W.t().values, delta.values)
            self.add(_checked(Equation("backward", k, dh, (W.t(), delta), ("·",), computed=computed)))


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
    loss's constant): a loss of the network's output ŷ, not one more unit (o = h1·h2)."""
    above: set[Any] = set()
    for node in forward:
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


def _shape(m: Matrix) -> str:
    return "×".join(map(str, m.shape))


def _close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _t(rows):
    return tuple(zip(*rows)) if rows else ()


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
