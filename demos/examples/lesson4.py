"""Deck 003, "Lesson 4 Basic Neural Network": gates, a linear fit, softmax, hinge, numerical gradient,
and the three-layer network of the "teaching process" slides."""

from __future__ import annotations

import math

import autograd
from autograd import Value
from autograd.explain import Notation
from demos.examples.example import Claim, Erratum, Example, Graph, SlideFormula, grad_of, stated, value_of

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
    formulas=(
        SlideFormula("∂L/∂x", "∂L/∂z · y", lambda g: g.upstream * g.value("y"), grad_of("x")),
        SlideFormula("∂L/∂y", "∂L/∂z · x", lambda g: g.upstream * g.value("x"), grad_of("y")),
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
    formulas=(
        SlideFormula(
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


def _printed_grad(k: int) -> float:
    # the gradient of the k-th printout line, as the engine computed it during the epoch
    return float(_train_linear(0.01)[1][k].split()[-1])


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
        *(
            Claim(f"grad at ({x}, {y})", printed, lambda g, k=k: _printed_grad(k))
            for k, (x, y, printed) in enumerate(zip(X_DATA, Y_DATA, ("-2.0", "-7.84", "-16.2288")))
        ),
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
    formulas=tuple(
        SlideFormula(
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
    formulas=tuple(
        SlideFormula(
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
    # W as a 3×3 matrix (rows = classes), scores s = W·x, p = softmax(s), loss = −log p_1 (class 1), as
    # the slides write it: exp → Σ → ÷ → −log. For these scores (|s| < 3) that form is as precise as
    # the stable −log_softmax: each e^s is a normal float, the sum and the division add a few
    # roundings, and −log p_1 = 0.48 is far from 0 (only a p_1 near 1 would lose digits in the log).
    scores = [autograd.dot(weights[3 * r : 3 * r + 3], X_INPUT) for r in range(3)]
    if isinstance(scores[0], Value):
        scores = [s.named(f"s_{r}") for r, s in enumerate(scores, 1)]
    p_1 = autograd.softmax(scores)[0]
    return -autograd.log(p_1.named("p_1") if isinstance(p_1, Value) else p_1)


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
        "function is not given, so the engine evaluates a real one of the same W (the softmax "
        "cross-entropy of s = W·x, x = (1, −0.5, 0.25), class 1: p = e^s / Σ e^s, loss = −log p_1) "
        "and compares one-sided and central differences with backward."
    ),
    build=build_numerical_gradient,
    claims=(Claim("(1.25322 − 1.25347) / 0.0001", "-2.5", lambda g: (1.25322 - 1.25347) / 0.0001),),
    formulas=(
        SlideFormula(
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


# --- the three-layer network of the "teaching process" slides ------------------------------------

# Numbers chosen here (the slides give none): two inputs → neurons 1–3 → neurons 4–5 → neuron 6.
INPUTS = {"x1": 0.6, "x2": -0.4}
TARGET = 0.9  # z, the desired output
FIRST = {1: (0.2, -0.3), 2: (0.4, 0.1), 3: (-0.5, 0.3)}  # neuron n: (w_(x1)n, w_(x2)n)
SECOND = {4: (0.3, -0.2, 0.5), 5: (-0.4, 0.6, 0.1)}  # neuron n: (w_1n, w_2n, w_3n)
OUTPUT = (0.7, -0.3)  # w_46, w_56
BIAS = {1: 0.1, 2: -0.1, 3: 0.05, 4: 0.0, 5: 0.2, 6: -0.05}  # b_n: one bias per neuron
LAMBDA = 1.0  # the sigmoid's steepness λ: f(x) = 1/(1 + e^(−λx)); λ = 1 gives σ
THREE_LAYER_ETA = 0.5
SOURCES = {4: (1, 2, 3), 5: (1, 2, 3), 6: (4, 5)}  # which neurons feed neuron n


def build_three_layer(lam: float = LAMBDA) -> Graph:
    """e_n = Σ w·input + b_n, y_n = f(e_n) = σ(λ·e_n) for neurons 1–6; δ = z − y; loss = ½δ².

    λ is a labelled input node, so every view shows it and a what-if edit of it flows through.
    """
    steep = Value(lam, "λ")
    x = {m: Value(v, m) for m, v in INPUTS.items()}

    def neuron(n: int, terms: list[Value]) -> Value:
        e = (autograd.sum(terms) + Value(BIAS[n], f"b_{n}")).named(f"e_{n}")
        return (steep * e).sigmoid().named(f"y_{n}")

    y = {}
    for n, weights in FIRST.items():
        y[n] = neuron(n, [Value(w, f"w_({m}){n}") * x[m] for m, w in zip(x, weights)])
    for n, weights in SECOND.items():
        y[n] = neuron(n, [Value(w, f"w_{m}{n}") * y[m] for m, w in zip(SOURCES[n], weights)])
    y[6] = neuron(6, [Value(w, f"w_{m}6") * y[m] for m, w in zip(SOURCES[6], OUTPUT)])
    delta = (Value(TARGET, "z") - y[6]).named("δ")
    return Graph([(0.5 * delta**2).named("loss")])


def f_prime(g: Graph, n: int) -> float:
    """df_n(e)/de = λ·f(e)(1 − f(e)), the derivative of neuron n's sigmoid at its net input."""
    y = g.value(f"y_{n}")
    return g.value("λ") * y * (1 - y)


def error_signal(g: Graph, n: int) -> float:
    """The slides' δ_n, by their recursion alone: δ_6 = δ, δ_4 = δ·W_46·f′_6, δ_1 = Σ δ_k·W_1k·f′_k."""
    if n == 6:
        return g.value("δ")
    later = [k for k, sources in SOURCES.items() if n in sources]
    return sum(error_signal(g, k) * g.value(f"w_{n}{k}") * f_prime(g, k) for k in later)


def _weight_input(label: str) -> tuple[int, str]:
    # w_(x1)2 → (2, "x1"); w_46 → (6, "y_4"): the neuron the weight feeds and the signal it multiplies
    if label.startswith("w_("):
        return int(label[-1]), label[3:5]
    return int(label[-1]), f"y_{label[2]}"


def refreshed(g: Graph, label: str, eta: float = THREE_LAYER_ETA) -> float:
    """The slides' refresh w′ = w + η·δ_n·(df_n(e)/de)·input, δ_n by the slides' recursion."""
    n, source = _weight_input(label)
    return g.value(label) + eta * error_signal(g, n) * f_prime(g, n) * g.value(source)


THREE_LAYER_WEIGHTS = (
    *(f"w_({m}){n}" for n in FIRST for m in INPUTS),
    *(f"w_{m}{n}" for n in SECOND for m in SOURCES[n]),
    "w_46",
    "w_56",
)


def three_layer_lines(g: Graph, eta: float | None) -> list[str]:
    """The error signals, then the slides' weight refresh, each beside w − η·∂loss/∂w from the engine."""
    lines = [f"error signals (the slides' δ_n = −∂loss/∂y_n), δ = z − y = {g.value('δ'):+.6f}:"]
    for n in (6, 5, 4, 3, 2, 1):
        lines.append(f"  δ_{n} = {error_signal(g, n):+.9f}   −∂loss/∂y_{n} = {-g.grad(f'y_{n}'):+.9f}")
    lines.append(f"weight refresh, η = {eta:g}: w′ = w + η·δ_n·df_n(e)/de·input  (engine: w − η·∂loss/∂w)")
    for label in THREE_LAYER_WEIGHTS:
        by_engine = g.value(label) - eta * g.grad(label)
        lines.append(
            f"  {label:<8} {g.value(label):+.2f} → {refreshed(g, label, eta):+.9f}  ({by_engine:+.9f})"
        )
    return lines


def _three_layer_formulas() -> list[SlideFormula]:
    formulas = [
        SlideFormula("∂loss/∂y", "−δ = −(z − y), loss = ½δ²", lambda g: -g.value("δ"), grad_of("y_6")),
        SlideFormula(
            "df_6(e)/de",
            "λ·f(e)(1 − f(e))",
            lambda g: f_prime(g, 6),
            lambda g: g.grad("e_6") / g.grad("y_6"),
        ),
    ]
    for n, formula in ((4, "δ·W_46·f′_6"), (5, "δ·W_56·f′_6")):
        formulas.append(SlideFormula(f"δ_{n} = −∂loss/∂y_{n}", formula, lambda g, n=n: error_signal(g, n),
                          lambda g, n=n: -g.grad(f"y_{n}")))  # fmt: skip
    for n in (1, 2, 3):
        formulas.append(SlideFormula(f"δ_{n} = −∂loss/∂y_{n}", f"δ_4·W_{n}4·f′_4 + δ_5·W_{n}5·f′_5",
                          lambda g, n=n: error_signal(g, n), lambda g, n=n: -g.grad(f"y_{n}")))  # fmt: skip
    formulas.append(
        SlideFormula(
            "δ_1 (expanded)",
            "δ·f′_6·(W_14·W_46·f′_4 + W_56·W_15·f′_5)",
            lambda g: (
                g.value("δ")
                * f_prime(g, 6)
                * (
                    g.value("w_14") * g.value("w_46") * f_prime(g, 4)
                    + g.value("w_56") * g.value("w_15") * f_prime(g, 5)
                )
            ),
            lambda g: -g.grad("y_1"),
        )
    )
    for label in THREE_LAYER_WEIGHTS:
        n, source = _weight_input(label)
        formulas.append(
            SlideFormula(
                f"{label}′",
                f"w + η·δ_{n}·df_{n}(e)/de·{source}",
                lambda g, label=label: refreshed(g, label),
                lambda g, label=label: g.value(label) - THREE_LAYER_ETA * g.grad(label),
            )
        )
    return formulas


THREE_LAYER = Example(
    name="three-layer",
    title="The teaching process of a three-layer network: error signals and weight refresh",
    slide=SLIDE,
    description=(
        "Two inputs x1, x2 → neurons 1–3 → neurons 4–5 → neuron 6, each neuron y_n = f(e_n) with "
        "f(x) = 1/(1 + e^(−λx)) (λ = 1 gives σ; λ is the node labelled λ, so it can be changed), "
        "weights w_(xm)n from input x_m to neuron n and w_mn from neuron m to neuron n. The error signal "
        "δ = z − y (z the target, y = y_6), loss = ½δ², whose descent the refresh rule is. The slides "
        "give no numbers; chosen here: x = (0.6, −0.4), z = 0.9, w_(x1)1..w_(x2)3 = 0.2, −0.3, 0.4, 0.1, "
        "−0.5, 0.3, w_14, w_24, w_34 = 0.3, −0.2, 0.5, w_15, w_25, w_35 = −0.4, 0.6, 0.1, w_46 = 0.7, "
        "w_56 = −0.3, biases b_1..b_6 = 0.1, −0.1, 0.05, 0, 0.2, −0.05, η = 0.5. The slides' δ_n is the "
        "error signal at neuron n's output, −∂loss/∂y_n (it has the f′ of the layer above folded in, "
        "not its own); the refresh w′ = w + η·δ_n·df_n(e)/de·input is w − η·∂loss/∂w. Every formula is "
        "checked against the engine."
    ),
    build=build_three_layer,
    roles=(("λ", "input"), ("z", "target")),
    formulas=tuple(_three_layer_formulas()),
    output=three_layer_lines,
    parameters=(*THREE_LAYER_WEIGHTS, *(f"b_{n}" for n in BIAS)),
    eta=THREE_LAYER_ETA,
    typos=(
        "δ_4 = δ·∂δ/∂z_4: here z_4 is neuron 4's output (the feed-forward slides call it y_4, and z is "
        "the target in δ = z − y); ∂δ/∂z_4 stands for ∂y/∂z_4 = W_46·f′_6. Taken literally ∂δ/∂z_4 = "
        "−W_46·f′_6 and δ·∂δ/∂z_4 = ∂loss/∂y_4, the slide's δ_4 with the sign flipped: δ_4 = −∂loss/∂y_4.",
        "b_46: a bias belongs to a neuron, not to an edge; it is b_6 in e_6 = W_46·y_4 + W_56·y_5 + b_6, "
        "and it drops out of ∂e_6/∂y_4 = W_46 anyway.",
        "'neuron n in input layer': neurons 1–3 are the first layer of neurons (a hidden layer); the "
        "inputs x1, x2 are not neurons.",
        "the δ^k → δ^(k−1) slide says δ_i^(k) propagates backwards 'from z_j^(k)', where z_i^(k) (neuron i "
        "of layer k) is meant; its later σ′(z_j^(k−1)) is right.",
    ),
    # layer vectors with the layer as a superscript (the slides' z_i^(k)): e⁽³⁾ is layer 3's net input, not
    # neuron 3's e_3 (the graph's per-neuron labels)
    notation=Notation(
        weight="W^{{({k})}}",
        bias="b^{{({k})}}",
        net="e^{{({k})}}",
        hidden="y^{{({k})}}",
        output="y^{(3)}",
        loss=r"\mathrm{loss}",
    ),
)

EXAMPLES = (MUL_GATE, X_TIMES_W, LINEAR_REGRESSION, SOFTMAX_CE, HINGE, NUMERICAL_GRADIENT, THREE_LAYER)
