"""The matrix form's equations built layer by layer from a network's nodes (`Builder`, used by
`autograd.explain.matrix.matrix_form`): forward, the output and the loss, the deck's output rule, then
backward, every gradient the engine's and every product checked (`matrix_numbers`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ..functional import gradients
from ..layers import Layer
from ..text import number
from ..value import Value
from .chain import derive
from .lookup import find_node
from .matrix_model import Equation, Matrix, MatrixForm, OutputRule, _t
from .matrix_numbers import (
    _absent,
    _bias_value,
    _by_pattern,
    _checked,
    _compared,
    _entries,
    _function,
    _gradient_of,
    _graph_nodes,
    _label,
    _matmul,
    _nodes,
    _none,
    _plain,
    _rows,
    _scale,
    _slope,
    _softmax,
    _units,
    _value,
    _values,
    _zero,
)
from .write import write

# activations whose slope is exactly 0 on part of the line (ReLU below 0, the threshold everywhere); any
# other's 0 slope is a saturated unit's, rounded (σ′ = σ(1 − σ) with σ = 1.0)
_FLAT_SOMEWHERE = {"relu", "step"}


class Builder:
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
        """Wₖ; an entry the graph has no connection for is NaN (written —; a product reads it as 0)."""
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
        return f"— marks no connection, so no weight and no gradient: {', '.join(where)}" if where else ""

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
                    f"the graph scales the net input before the activation, {_plain(_function(layer))}(λ·net "
                    f"input) with λ = {lambdas}; the backward pass's slope goes through the scaling"
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
                note = "the graph's root, computed from the last layer's outputs by nodes not in a layer"
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
        if not eq.agrees:  # the slide's rule, not this graph's gradient: named so, beside the true one below
            eq = replace(eq, result=replace(shown, name=rf"\text{{slide: }}{engine.name}"))
        if not eq.agrees and not rule.note:
            raise ValueError(
                f"matrix form: the output rule {rule.kind} gives {_rows(computed)}, but the engine's "
                f"gradient is {_rows(engine.values)}: the rule does not fit this loss; where a slide's rule "
                "differs on purpose, say why in the rule's note (the example file's [matrix] note, or "
                "OutputRule.note)"
            )
        self.add(replace(eq, note="; ".join(x for x in (same if eq.agrees else "", rule.note) if x)))
        return eq.agrees

    def through_the_loss(self, m: Matrix) -> str:
        """The note under the loss's gradient with respect to the last layer: the engine's numbers, and
        the chain rule of its first entry as `explain` writes it (∂f/∂o1 = 0.5·2·(t1 − o1)·(−1) = 0.7414)."""
        first = m.nodes[0][0]
        if first is None or not first.label or not self.form.loss.label:  # symbols a reader can name
            return "the engine, through the loss's parts"
        line = write(derive(self.form.loss, first), "text")
        return f"the engine, through the loss's parts; the first entry, as explain writes it: {line}"

    def backward_layer(self, k: int, layer: Layer, rule_holds: bool) -> None:
        n, grad, last = self.n, self.grad, k == len(self.layers)
        delta = self.vector(self.delta_name(k), layer.nets, grad.__getitem__)
        if rule_holds:
            pass  # the rule's equation gave ∇_{a_L} L
        elif layer.activation is None:
            if last:
                self.add(Equation("backward", k, delta, note=self.through_the_loss(delta)))
        else:
            dh = self.vector(n.gradient(self.h_name(k)), layer.outputs, grad.__getitem__)
            if last:
                said = (
                    f"the root is the network's output {self.h_name(k)}: its gradient of itself is 1"
                    if self.root_is_output
                    else self.through_the_loss(dh)
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
                # σ′, tanh′ and softplus′ are 0 nowhere: a 0 is the float rounding a saturated unit's slope
                why = (
                    "" if layer.activation in _FLAT_SOMEWHERE else f", {g} saturated (its slope rounds to 0)"
                )
                flows = f"no gradient flows back through {g}, so every gradient below is 0"
                note = f"{g}′ = 0 at every unit{why}: {flows}"
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
