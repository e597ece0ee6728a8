"""Deck 002, "Derivation of Backpropagation": the i/j/k δ rules, weight changes and momentum."""

from __future__ import annotations

import autograd
import nn
from autograd import Value
from autograd.explain import Notation
from demos.examples.example import Example, Graph, SlideFormula, grad_of

# the deck's i/j/k notation: layer j (hidden) feeds layer i (output); δ_j, δ_i
LAYERS_J_I = Notation(
    weight="W_{{{k}}}", bias="b_{{{k}}}", net="z_{{{k}}}", hidden="a_{{{k}}}", input="x", output="a_{i}",
    loss="C", delta=r"\delta_{{{k}}}", layers=("j", "i"),
)  # fmt: skip

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


def _unit(inputs, params, name, n_inputs, pattern=""):
    """z = Σ w·input + b, a = σ(z), labelled with the slide's letters (w_i12, b_i1, z_i1, a_i1...).

    `params` holds numbers (a new weight node per unit) or Values (weights shared across patterns);
    `pattern` ("^(2)") marks the nodes of one pattern.
    """

    def node(label: str) -> Value:
        p = params[label]
        return p if isinstance(p, Value) else Value(p, label)

    terms = [node(f"w_{name}{n}") * x for n, x in zip(range(1, n_inputs + 1), inputs)]
    z = (autograd.sum(terms) + node(f"b_{name}")).named(f"z_{name}{pattern}")
    return z.sigmoid().named(f"a_{name}{pattern}")


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
    delta_names=tuple((f"z_{unit}", f"δ_{unit}") for unit in ("i1", "i2", "j1", "j2")),
    loss_name="C",
    formulas=(
        *(
            SlideFormula(
                f"δ_i{i} = ∂C/∂z_i{i}",
                "(a_i − y_i) a_i (1 − a_i)",
                lambda g, i=i: _delta_i(g, i),
                lambda g, i=i: g.grad(f"z_i{i}"),
            )
            for i in (1, 2)
        ),
        *(
            SlideFormula(
                f"δ_j{j} = ∂C/∂z_j{j}",
                "(Σ_i w_ij δ_i) a_j (1 − a_j)",
                lambda g, j=j: _delta_j(g, j),
                lambda g, j=j: g.grad(f"z_j{j}"),
            )
            for j in (1, 2)
        ),
        *(
            SlideFormula(
                f"∂C/∂w_i{i}{j}",
                "δ_i a_j",
                lambda g, i=i, j=j: _delta_i(g, i) * g.value(f"a_j{j}"),
                lambda g, i=i, j=j: g.grad(f"w_i{i}{j}"),
            )
            for i in (1, 2)
            for j in (1, 2)
        ),
        *(
            SlideFormula(
                f"∂C/∂w_j{j}{k}",
                "δ_j x_k",
                lambda g, j=j, k=k: _delta_j(g, j) * g.value(f"x_{k}"),
                lambda g, j=j, k=k: g.grad(f"w_j{j}{k}"),
            )
            for j in (1, 2)
            for k in (1, 2, 3)
        ),
        *(
            SlideFormula(
                f"∂C/∂b_i{i}", "δ_i", lambda g, i=i: _delta_i(g, i), lambda g, i=i: g.grad(f"b_i{i}")
            )
            for i in (1, 2)
        ),
        *(
            SlideFormula(
                f"∂C/∂b_j{j}", "δ_j", lambda g, j=j: _delta_j(g, j), lambda g, j=j: g.grad(f"b_j{j}")
            )
            for j in (1, 2)
        ),
    ),
    output=momentum_lines,
    parameters=tuple(initial_parameters()),
    eta=0.5,
    notation=LAYERS_J_I,
)


# --- the cost over n patterns ---------------------------------------------------------------------

# Three patterns chosen here (the slides give none); the first is delta-rule's.
PATTERNS = (((0.6, -0.2, 0.9), (0.1, 0.8)), ((-0.3, 0.8, 0.1), (0.9, 0.2)), ((0.5, 0.5, -0.7), (0.4, 0.6)))


def build_patterns() -> Graph:
    """C = (1/n) Σ_p C^(p), C^(p) = Σ_i ½(y_i^(p) − a_i^(p))², the weights shared by every pattern."""
    params = {label: Value(v, label) for label, v in initial_parameters().items()}
    costs = []
    for p, (xs, ys) in enumerate(PATTERNS, 1):
        tag = f"^({p})"
        x = [Value(v, f"x_{k}{tag}") for k, v in enumerate(xs, 1)]
        y = [Value(v, f"y_{i}{tag}") for i, v in enumerate(ys, 1)]
        hidden = [_unit(x, params, f"j{j}", 3, tag) for j in (1, 2)]
        out = [_unit(hidden, params, f"i{i}", 2, tag) for i in (1, 2)]
        costs.append(autograd.sum(0.5 * (yi - ai) ** 2 for yi, ai in zip(y, out)).named(f"C{tag}"))
    return Graph([(autograd.sum(costs) / len(PATTERNS)).named("C")])


def _pattern_delta_i(g: Graph, i: int, p: int) -> float:
    a, y = g.value(f"a_i{i}^({p})"), g.value(f"y_{i}^({p})")
    return (a - y) * a * (1 - a)


def _pattern_delta_j(g: Graph, j: int, p: int) -> float:
    a = g.value(f"a_j{j}^({p})")
    return sum(g.value(f"w_i{i}{j}") * _pattern_delta_i(g, i, p) for i in (1, 2)) * a * (1 - a)


def _averaged(per_pattern) -> float:
    return sum(per_pattern(p) for p in range(1, len(PATTERNS) + 1)) / len(PATTERNS)


def _half_sample_mean(g: Graph) -> float:
    # ½ · nn.mse_loss(..., reduction="sample_mean") = ½ · (1/n) Σ_p Σ_i (y − a)²: the same C
    n = len(PATTERNS)
    outputs = [[g.value(f"a_i{i}^({p})") for i in (1, 2)] for p in range(1, n + 1)]
    targets = [[g.value(f"y_{i}^({p})") for i in (1, 2)] for p in range(1, n + 1)]
    return 0.5 * nn.mse_loss(outputs, targets, reduction="sample_mean")


def pattern_lines(g: Graph, eta: float | None) -> list[str]:
    """Each pattern's cost and gradient on w_i11, and their average: one full-batch step's worth."""
    n = len(PATTERNS)
    lines = [f"C = (1/n) Σ_p C^(p) over n = {n} patterns; each pattern's share of ∂C/∂w_i11:"]
    for p in range(1, n + 1):
        share = _pattern_delta_i(g, 1, p) * g.value(f"a_j1^({p})")
        lines.append(f"  p = {p}: C^(p) = {g.value(f'C^({p})'):.6f}, δ_i1^(p)·a_j1^(p) = {share:+.6f}")
    lines.append(f"  mean:   C = {g.value('C'):.6f},   ∂C/∂w_i11 = {g.grad('w_i11'):+.6f}")
    lines.append(f"one full-batch step, η = {eta:g}: w_i11 ← {g.value('w_i11'):g} − η·∂C/∂w_i11 = "
                 f"{g.value('w_i11') - eta * g.grad('w_i11'):.6f}")  # fmt: skip
    return lines


N_PATTERNS = Example(
    name="n-patterns",
    title="The cost over n patterns: C = (1/n) Σ_p Σ_i ½(y_i − a_i)²",
    slide=SLIDE,
    description=(
        "delta-rule's network and weights, now over n = 3 patterns: x^(1) = (0.6, −0.2, 0.9), "
        "y^(1) = (0.1, 0.8); x^(2) = (−0.3, 0.8, 0.1), y^(2) = (0.9, 0.2); x^(3) = (0.5, 0.5, −0.7), "
        "y^(3) = (0.4, 0.6) (chosen; the slides give none). Pattern p's nodes end in ^(p); the weights "
        "are shared. C averages the per-pattern costs, so every weight's gradient is the mean of the "
        "per-pattern δ·a, and C is ½ times nn.mse_loss with reduction 'sample_mean' (½·1/n)."
    ),
    build=build_patterns,
    formulas=(
        *(
            SlideFormula(f"∂C/∂C^({p})", "1/n", lambda g: 1 / len(PATTERNS), grad_of(f"C^({p})"))
            for p in range(1, len(PATTERNS) + 1)
        ),
        SlideFormula("C", "½ · mse_loss(a, y, 'sample_mean')", _half_sample_mean, lambda g: g.value("C")),
        *(
            SlideFormula(
                f"∂C/∂w_i{i}{j}",
                "(1/n) Σ_p δ_i^(p) a_j^(p)",
                lambda g, i=i, j=j: _averaged(lambda p: _pattern_delta_i(g, i, p) * g.value(f"a_j{j}^({p})")),
                grad_of(f"w_i{i}{j}"),
            )
            for i in (1, 2)
            for j in (1, 2)
        ),
        *(
            SlideFormula(
                f"∂C/∂w_j{j}{k}",
                "(1/n) Σ_p δ_j^(p) x_k^(p)",
                lambda g, j=j, k=k: _averaged(lambda p: _pattern_delta_j(g, j, p) * g.value(f"x_{k}^({p})")),
                grad_of(f"w_j{j}{k}"),
            )
            for j in (1, 2)
            for k in (1, 2, 3)
        ),
    ),
    output=pattern_lines,
    parameters=tuple(initial_parameters()),
    eta=0.5,
    notation=LAYERS_J_I,
)

EXAMPLES = (DELTA_RULE, N_PATTERNS)
