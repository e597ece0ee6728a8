"""Deck 003, "Lesson 4 Basic Neural Network": gates, a linear fit, softmax, hinge, numerical gradient."""

from __future__ import annotations

import math

import autograd
from autograd import Value
from demos.examples.example import Claim, Erratum, Example, Graph, Rule, grad_of, stated, value_of

SLIDE = "003_bc3887f889ecdef7.txt"


# --- the multiply gate ---------------------------------------------------------------------------


def build_mul_gate() -> Graph:
    """z = x·y inside a bigger graph whose upstream gradient ∂L/∂z = 5 is given."""
    x, y = Value(2.0, "x"), Value(3.0, "y")
    return Graph([(x * y).named("z")], upstream=5.0)


MUL_GATE = Example(
    name="mul-gate",
    title="The multiply gate: local gradient times upstream gradient",
    slide=SLIDE,
    description=(
        "z = x·y with x = 2, y = 3, inside a larger graph whose upstream gradient ∂L/∂z = 5 is given: "
        "∂L/∂x = ∂L/∂z·∂z/∂x = 5·y and ∂L/∂y = 5·x. Gradients shown are of L."
    ),
    build=build_mul_gate,
    roles=(("y", "input"),),  # here y is the gate's second input, not a target
    claims=(
        stated("z", "6"),
        Claim("∂L/∂x", "15", grad_of("x")),
        Claim("∂L/∂y", "10", grad_of("y")),
    ),
    rules=(
        Rule("∂L/∂x", "∂L/∂z · y", lambda g: g.upstream * g.value("y"), grad_of("x")),
        Rule("∂L/∂y", "∂L/∂z · x", lambda g: g.upstream * g.value("x"), grad_of("y")),
    ),
)


# --- ŷ = x·w with a squared loss -----------------------------------------------------------------


def _squared_loss_graph(x: float, y: float, w: Value) -> Value:
    xv, yv = Value(x, "x"), Value(y, "y")
    y_hat = (xv * w).named("y_hat")
    return ((y_hat - yv) ** 2).named("loss")


def build_x_times_w() -> Graph:
    """ŷ = x·w, loss = (ŷ − y)² at x = 1, y = 2, w = 1."""
    return Graph([_squared_loss_graph(1.0, 2.0, Value(1.0, "w"))])


X_TIMES_W = Example(
    name="x-times-w",
    title="The computational graph of ŷ = x·w and (ŷ − y)²",
    slide=SLIDE,
    description="ŷ = x·w, loss = (ŷ − y)², forward at x = 1, y = 2, w = 1; ∂loss/∂w = 2x(xw − y).",
    build=build_x_times_w,
    claims=(Claim("∂loss/∂w", "-2", grad_of("w")),),
    rules=(
        Rule(
            "∂loss/∂w",
            "2x(xw − y)",
            lambda g: 2 * g.value("x") * (g.value("x") * g.value("w") - g.value("y")),
            grad_of("w"),
        ),
    ),
    parameters=("w",),
)


# --- the training printout -----------------------------------------------------------------------

X_DATA, Y_DATA = (1.0, 2.0, 3.0), (2.0, 4.0, 6.0)


def _train_linear(eta: float) -> tuple[Graph, list[str]]:
    # One epoch, one update per sample, as the slide's code: the gradient comes from the engine.
    w = 1.0
    lines = []
    for x, y in zip(X_DATA, Y_DATA):
        weight = Value(w, "w")
        _squared_loss_graph(x, y, weight).backward()
        grad = weight.grad
        w = w - eta * grad
        lines.append(f"grad: {x} {y} {grad}")
        graph = Graph([_squared_loss_graph(x, y, Value(w, "w"))])  # the loss after the update
    lines.append(f"progress: 0 {graph.value('loss')}")
    return graph, lines


def build_linear_regression() -> Graph:
    """The last sample's loss after one epoch of per-sample updates (learning rate 0.01)."""
    return _train_linear(0.01)[0]


LINEAR_REGRESSION = Example(
    name="linear-regression",
    title="Training ŷ = x·w: the slide's printout",
    slide=SLIDE,
    description=(
        "x_data = [1, 2, 3], y_data = [2, 4, 6], w = 1, learning rate 0.01, loss (x·w − y)², one update "
        "per sample; after each update the loss of that sample is recomputed. The printout is the "
        "slide's, byte for byte, with every gradient from the engine's backward pass. The graph shown "
        "is the last sample's loss after its update."
    ),
    build=build_linear_regression,
    claims=(
        Claim("grad at (3.0, 6.0)", "-16.2288", lambda g: float(_train_linear(0.01)[1][2].split()[-1])),
        Claim("loss after epoch 0", "4.919240100095999", value_of("loss")),
    ),
    output=lambda g, eta: _train_linear(eta)[1],
    parameters=("w",),
    eta=0.01,
)


# --- softmax and cross-entropy -------------------------------------------------------------------

CLASSES = ("cat", "car", "frog")
SCORES = (3.2, 5.1, -1.7)


def build_softmax_ce() -> Graph:
    """p = e^s / Σ e^s over the three scores (unshifted, as the slide does); L = −log p_cat."""
    scores = [Value(s, f"s_{c}") for c, s in zip(CLASSES, SCORES)]
    exps = [s.exp().named(f"e_{c}") for c, s in zip(CLASSES, scores)]
    total = autograd.sum(exps).named("Σe")
    probabilities = [(e / total).named(f"p_{c}") for c, e in zip(CLASSES, exps)]
    return Graph([(-probabilities[0].log()).named("L")], also=probabilities[1:])


SOFTMAX_CE = Example(
    name="softmax-ce",
    title="Softmax and cross-entropy: cat, car, frog",
    slide=SLIDE,
    description=(
        "Scores 3.2 (cat), 5.1 (car), −1.7 (frog), true class cat: exponentiate, normalise, "
        "L = −log p_cat. The gradient of L with respect to each score is p − onehot(cat)."
    ),
    build=build_softmax_ce,
    claims=(
        stated("e_cat", "24.5"),
        stated("e_car", "164.0"),
        stated("e_frog", "0.18"),
        stated("p_cat", "0.13"),
        stated("p_car", "0.87"),
        stated("p_frog", "0.00"),
        Claim(
            "L",
            "0.89",
            value_of("L"),
            Erratum(
                "the slide takes the logarithm to base 10: −log₁₀(0.13) = 0.89; the loss uses the "
                "natural log, −ln(0.13) = 2.04",
                lambda g: -math.log10(g.value("p_cat")),
            ),
        ),
    ),
    rules=tuple(
        Rule(
            f"∂L/∂s_{c}",
            "p_k − 1[k = cat]",
            lambda g, c=c: g.value(f"p_{c}") - (1.0 if c == "cat" else 0.0),
            grad_of(f"s_{c}"),
        )
        for c in CLASSES
    ),
)


# --- the multiclass SVM (hinge) loss -------------------------------------------------------------

HINGE_SCORES = {1: (3.2, 5.1, -1.7), 2: (1.3, 4.9, 2.0), 3: (2.2, 2.5, -3.1)}  # one column per example
TRUE_CLASS = {1: "cat", 2: "car", 3: "frog"}


def build_hinge() -> Graph:
    """L_i = Σ_{j≠y_i} max(0, s_j − s_{y_i} + 1) for the three examples; L = the mean."""
    losses = []
    for i, column in HINGE_SCORES.items():
        s = {c: Value(v, f"s{i}_{c}") for c, v in zip(CLASSES, column)}
        true = s[TRUE_CLASS[i]]
        margins = [(s[c] - true + 1.0).max(0.0) for c in CLASSES if c != TRUE_CLASS[i]]
        losses.append(autograd.sum(margins).named(f"L_{i}"))
    return Graph([(autograd.sum(losses) / 3.0).named("L")])


def _hingegrad_of(g: Graph, i: int, c: str) -> float:
    # ∂L/∂s_j = 1[margin_j > 0]/N for j ≠ y_i, and −(number of positive margins)/N for the true class
    true = g.value(f"s{i}_{TRUE_CLASS[i]}")
    positive = {j: g.value(f"s{i}_{j}") - true + 1 > 0 for j in CLASSES if j != TRUE_CLASS[i]}
    count = -sum(positive.values()) if c == TRUE_CLASS[i] else positive[c]
    return count / 3


HINGE = Example(
    name="hinge",
    title="The multiclass SVM (hinge) loss, margin 1",
    slide=SLIDE,
    description=(
        "Scores of three examples (columns; true classes cat, car, frog): cat (3.2, 1.3, 2.2), car "
        "(5.1, 4.9, 2.5), frog (−1.7, 2.0, −3.1). L_i = Σ_{j≠y_i} max(0, s_j − s_{y_i} + 1); L = mean."
    ),
    build=build_hinge,
    claims=(
        stated("L_1", "2.9"),
        stated("L_2", "0"),
        Claim(
            "L_3",
            "10.9",
            value_of("L_3"),
            Erratum(
                "the slide drops the margin Δ = 1 in its arithmetic: 2.2 − (−3.1) = 5.3 and "
                "2.5 − (−3.1) = 5.6, where max(0, s_j − s_y + 1) gives 6.3 and 6.6",
                lambda g: sum(g.value(f"s3_{c}") - g.value("s3_frog") for c in ("cat", "car")),
            ),
        ),
    ),
    rules=tuple(
        Rule(
            f"∂L/∂s{i}_{c}",
            "1[margin > 0]/N (true class: −count/N)",
            lambda g, i=i, c=c: _hingegrad_of(g, i, c),
            grad_of(f"s{i}_{c}"),
        )
        for i in HINGE_SCORES
        for c in CLASSES
    ),
)


# --- the numerical gradient ----------------------------------------------------------------------

W_SLIDE = (0.34, -1.11, 0.78, 0.12, 0.55, 2.81, -3.1, -1.5, 0.33)
X_INPUT = (1.0, -0.5, 0.25)  # our choice: one input and its class, for a real loss of W


def _ce_loss(weights) -> Value:
    # W as a 3×3 matrix (rows = classes), scores s = W·x, loss = softmax cross-entropy for class 0
    scores = [autograd.dot(weights[3 * r : 3 * r + 3], X_INPUT) for r in range(3)]
    if isinstance(scores[0], Value):
        scores = [s.named(f"s_{r}") for r, s in enumerate(scores, 1)]
    return -autograd.log_softmax(scores)[0]


def build_numerical_gradient() -> Graph:
    """A real loss of the slide's W: softmax cross-entropy of W·x for an input x we choose."""
    weights = [Value(w, f"W_{k}") for k, w in enumerate(W_SLIDE, 1)]
    return Graph([_ce_loss(weights).named("loss")])


def numerical_gradient_lines(g: Graph, eta: float | None) -> list[str]:
    """The slide's one-sided difference, then central differences against the engine, on a real loss."""
    slide = (1.25322 - 1.25347) / 0.0001
    lines = [f"the slide: (1.25322 − 1.25347) / 0.0001 = {slide:.4g}", "on a real loss of the same W:"]
    nudged = [w + (1e-4 if k == 0 else 0.0) for k, w in enumerate(W_SLIDE)]
    forward = (float(_ce_loss(nudged)) - g.value("loss")) / 1e-4
    central = autograd.central_difference(lambda *ws: _ce_loss(list(ws)), *W_SLIDE, arg=0)
    engine = g.grad("W_1")
    lines.append(f"  one-sided, h = 1e-4:  {forward:.10f}  (error {forward - engine:+.1e})")
    lines.append(f"  central,   h = 1e-6:  {central:.10f}  (error {central - engine:+.1e})")
    lines.append(f"  backward (engine):    {engine:.10f}")
    return lines


NUMERICAL_GRADIENT = Example(
    name="numerical-gradient",
    title="The numerical gradient, and the engine's own gradient check",
    slide=SLIDE,
    description=(
        "The slide perturbs the first weight by h = 0.0001 and divides the change in loss by h. Its loss "
        "function is not given, so the engine evaluates a real one of the same W (a softmax "
        "cross-entropy of W·x, x = (1, −0.5, 0.25), class 1) and compares one-sided and central "
        "differences with backward."
    ),
    build=build_numerical_gradient,
    claims=(Claim("(1.25322 − 1.25347) / 0.0001", "-2.5", lambda g: (1.25322 - 1.25347) / 0.0001),),
    rules=(
        Rule(
            "∂loss/∂W_1",
            "central difference, h = 1e-6",
            lambda g: autograd.central_difference(lambda *ws: _ce_loss(list(ws)), *W_SLIDE, arg=0),
            grad_of("W_1"),
            rel_tol=1e-6,
        ),
    ),
    output=numerical_gradient_lines,
    parameters=tuple(f"W_{k}" for k in range(1, 10)),
)

EXAMPLES = (MUL_GATE, X_TIMES_W, LINEAR_REGRESSION, SOFTMAX_CE, HINGE, NUMERICAL_GRADIENT)
