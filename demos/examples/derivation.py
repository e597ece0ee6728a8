"""Deck 002, "Derivation of Backpropagation": the i/j/k δ rules, weight changes and momentum."""

from __future__ import annotations

import autograd
from autograd import Value
from demos.examples.example import Example, Graph, Rule

SLIDE = "002_c52a094fd5e83f58.txt"

# Numbers chosen here (the slides give none): 3 inputs k → 2 hidden units j → 2 outputs i.
X = (0.6, -0.2, 0.9)
Y = (0.1, 0.8)
W_JK = ((0.2, -0.3, 0.4), (-0.1, 0.5, 0.3))  # input k → hidden j, row j
B_J = (0.1, -0.2)
W_IJ = ((0.7, -0.4), (0.3, 0.6))  # hidden j → output i, row i
B_I = (0.05, -0.05)


def initial_parameters() -> dict[str, float]:
    """The chosen weights and biases by label: w_jjk (input k → hidden j), w_iij (hidden j → output i)."""
    params = {}
    for j, (row, b) in enumerate(zip(W_JK, B_J), 1):
        params.update({f"w_j{j}{k}": w for k, w in enumerate(row, 1)}, **{f"b_j{j}": b})
    for i, (row, b) in enumerate(zip(W_IJ, B_I), 1):
        params.update({f"w_i{i}{j}": w for j, w in enumerate(row, 1)}, **{f"b_i{i}": b})
    return params


def _unit(inputs, params, name, n_inputs):
    """z = Σ w·input + b, a = σ(z), labelled with the slide's letters (w_i12, b_i1, z_i1, a_i1...)."""
    terms = [
        Value(params[f"w_{name}{n}"], f"w_{name}{n}") * x for n, x in zip(range(1, n_inputs + 1), inputs)
    ]
    z = (autograd.sum(terms) + Value(params[f"b_{name}"], f"b_{name}")).named(f"z_{name}")
    return z.sigmoid().named(f"a_{name}")


def build_network(params: dict[str, float] | None = None) -> Graph:
    """x_k → a_j = σ(z_j) → a_i = σ(z_i); C = ½Σ_i(y_i − a_i)², with the given weights and biases."""
    params = params or initial_parameters()
    x = [Value(v, f"x_{k}") for k, v in enumerate(X, 1)]
    y = [Value(v, f"y_{i}") for i, v in enumerate(Y, 1)]
    hidden = [_unit(x, params, f"j{j}", 3) for j in (1, 2)]
    out = [_unit(hidden, params, f"i{i}", 2) for i in (1, 2)]
    return Graph([(0.5 * autograd.sum((yi - ai) ** 2 for yi, ai in zip(y, out))).named("C")])


def _delta_i(g: Graph, i: int) -> float:
    a, y = g.value(f"a_i{i}"), g.value(f"y_{i}")
    return (a - y) * a * (1 - a)  # δ_i = (a_i − y_i) a_i (1 − a_i)


def _delta_j(g: Graph, j: int) -> float:
    a = g.value(f"a_j{j}")  # δ_j = (Σ_i w_ij δ_i) a_j (1 − a_j)
    return sum(g.value(f"w_i{i}{j}") * _delta_i(g, i) for i in (1, 2)) * a * (1 - a)


def momentum_lines(g: Graph, eta: float | None, alpha: float = 0.9, steps: int = 3) -> list[str]:
    """Full-batch steps of the slide's momentum rule Δw(t) = −η·∂C/∂w + α·Δw(t − 1), shown for w_i11."""
    params = initial_parameters()
    change = dict.fromkeys(params, 0.0)
    lines = [f"momentum, η = {eta:g}, α = {alpha:g}: Δw(t) = −η·∂C/∂w + α·Δw(t − 1), shown for w_i11"]
    for t in range(1, steps + 1):
        graph = build_network(params)
        for label in params:
            change[label] = -eta * graph.grad(label) + alpha * change[label]
            params[label] += change[label]
        lines.append(
            f"  t = {t}: C = {graph.value('C'):.6f}, ∂C/∂w_i11 = {graph.grad('w_i11'):+.6f}, "
            f"Δw_i11 = {change['w_i11']:+.6f}, w_i11 → {params['w_i11']:.6f}"
        )
    return lines


DELTA_RULE = Example(
    name="delta-rule",
    title="The δ rules in i/j/k notation, with momentum",
    slide=SLIDE,
    description=(
        "Inputs x_k (k = 1..3) → sigmoid hidden units j → sigmoid outputs i, C = ½Σ_i(y_i − a_i)². "
        "The slides give rules, no numbers; chosen here: x = (0.6, −0.2, 0.9), y = (0.1, 0.8), "
        "w_jk = [[0.2, −0.3, 0.4], [−0.1, 0.5, 0.3]], b_j = (0.1, −0.2), w_ij = [[0.7, −0.4], [0.3, 0.6]], "
        "b_i = (0.05, −0.05), η = 0.5. δ_i = (a_i − y_i)a_i(1 − a_i), δ_j = (Σ_i w_ij δ_i)a_j(1 − a_j), "
        "Δw = −η δ a, Δb = −η δ, and momentum Δw(t) = −η δ a + α Δw(t − 1), α = 0.9."
    ),
    build=build_network,
    rules=(
        *(
            Rule(
                f"δ_i{i} = ∂C/∂z_i{i}",
                "(a_i − y_i) a_i (1 − a_i)",
                lambda g, i=i: _delta_i(g, i),
                lambda g, i=i: g.grad(f"z_i{i}"),
            )
            for i in (1, 2)
        ),
        *(
            Rule(
                f"δ_j{j} = ∂C/∂z_j{j}",
                "(Σ_i w_ij δ_i) a_j (1 − a_j)",
                lambda g, j=j: _delta_j(g, j),
                lambda g, j=j: g.grad(f"z_j{j}"),
            )
            for j in (1, 2)
        ),
        *(
            Rule(
                f"∂C/∂w_i{i}{j}",
                "δ_i a_j",
                lambda g, i=i, j=j: _delta_i(g, i) * g.value(f"a_j{j}"),
                lambda g, i=i, j=j: g.grad(f"w_i{i}{j}"),
            )
            for i in (1, 2)
            for j in (1, 2)
        ),
        *(
            Rule(
                f"∂C/∂w_j{j}{k}",
                "δ_j x_k",
                lambda g, j=j, k=k: _delta_j(g, j) * g.value(f"x_{k}"),
                lambda g, j=j, k=k: g.grad(f"w_j{j}{k}"),
            )
            for j in (1, 2)
            for k in (1, 2, 3)
        ),
        *(
            Rule(f"∂C/∂b_i{i}", "δ_i", lambda g, i=i: _delta_i(g, i), lambda g, i=i: g.grad(f"b_i{i}"))
            for i in (1, 2)
        ),
        *(
            Rule(f"∂C/∂b_j{j}", "δ_j", lambda g, j=j: _delta_j(g, j), lambda g, j=j: g.grad(f"b_j{j}"))
            for j in (1, 2)
        ),
    ),
    output=momentum_lines,
    parameters=tuple(initial_parameters()),
    eta=0.5,
)

EXAMPLES = (DELTA_RULE,)
