"""Deck 000, "Backpropagation" (Kuan-Yu Chen): the 2-2-2 sigmoid network, two losses, activations."""

from __future__ import annotations

import math

import autograd
from autograd import Value
from autograd.explain import Notation
from demos.examples.example import Claim, Erratum, Example, Graph, SlideFormula, grad_of, stated, value_of

SLIDE = "000_00cf71c3501cabbd.txt"
WEIGHTS = (0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55)


def build_222() -> Graph:
    """The 2-2-2 network with the slide's names; one bias node per layer, shared by both units."""
    i1, i2 = Value(0.05, "i1"), Value(0.10, "i2")
    t1, t2 = Value(0.01, "t1"), Value(0.99, "t2")
    w1, w2, w3, w4, w5, w6, w7, w8 = (Value(x, f"w{k}") for k, x in enumerate(WEIGHTS, 1))
    b1, b2 = Value(0.35, "b1"), Value(0.60, "b2")
    h1 = (w1 * i1 + w2 * i2 + b1).named("net_h1").sigmoid().named("h1")
    h2 = (w3 * i1 + w4 * i2 + b1).named("net_h2").sigmoid().named("h2")
    o1 = (w5 * h1 + w6 * h2 + b2).named("net_o1").sigmoid().named("o1")
    o2 = (w7 * h1 + w8 * h2 + b2).named("net_o2").sigmoid().named("o2")
    f = (0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2).named("f")
    return Graph([f])


def _delta_out(g: Graph, k: int) -> float:
    # the slides' δ_ok = ∂f/∂o_k · ∂o_k/∂net_ok = (½·2·(t_k − o_k)·(−1)) · o_k(1 − o_k)
    o, t = g.value(f"o{k}"), g.value(f"t{k}")
    return -(t - o) * o * (1 - o)


def _delta_hidden(g: Graph, j: int) -> float:
    # δ_hj = (δ_o1·∂net_o1/∂h_j + δ_o2·∂net_o2/∂h_j) · h_j(1 − h_j); ∂net_o1/∂h1 = w5, ∂net_o2/∂h1 = w7
    w_to_o1, w_to_o2 = (g.value("w5"), g.value("w7")) if j == 1 else (g.value("w6"), g.value("w8"))
    h = g.value(f"h{j}")
    return (_delta_out(g, 1) * w_to_o1 + _delta_out(g, 2) * w_to_o2) * h * (1 - h)


def gradient_step_222(g: Graph, eta: float) -> list[str]:
    """Every weight's gradient and one gradient-descent step w ← w − η·∂f/∂w."""
    lines = [f"one gradient-descent step, η = {eta:g}: w ← w − η·∂f/∂w"]
    for label in (*(f"w{k}" for k in range(1, 9)), "b1", "b2"):
        w, d = g.value(label), g.grad(label)
        lines.append(f"  {label:<3} {w:.2f} − {eta:g} × {d:+.9f} = {w - eta * d:.9f}")
    return lines


CHEN_222 = Example(
    name="chen-2-2-2",
    title="The 2-2-2 sigmoid network",
    slide=SLIDE,
    description=(
        "Inputs i1, i2, targets t1, t2, weights w1..w8, biases b1 (shared by both hidden units) and b2 "
        "(shared by both outputs); sigmoid units; loss f = ½((t1 − o1)² + (t2 − o2)²). The slides derive "
        "∂f/∂w5 and ∂f/∂w1 by the chain rule and the δ notation; every weight's gradient and one "
        "gradient-descent step follow."
    ),
    build=build_222,
    claims=(
        stated("h1", "0.593"),
        stated("h2", "0.597"),
        stated("o1", "0.751"),
        stated("o2", "0.773"),
        Claim(
            "MSE (f)",
            "0.275",
            value_of("f"),
            Erratum(
                "the slide keeps only the first output's term ½(t1 − o1)² = 0.2748 and drops "
                "½(t2 − o2)² = 0.0236",
                lambda g: 0.5 * (g.value("t1") - g.value("o1")) ** 2,
            ),
        ),
    ),
    formulas=(
        SlideFormula(
            "∂f/∂w5",
            "∂f/∂o1 · ∂o1/∂net_o1 · ∂net_o1/∂w5 = (½·2·(t1 − o1)·(−1)) · o1(1 − o1) · h1",
            lambda g: _delta_out(g, 1) * g.value("h1"),
            grad_of("w5"),
        ),
        SlideFormula(
            "∂f/∂w1",
            "(δ_o1·w5 + δ_o2·w7) · h1(1 − h1) · i1",
            lambda g: _delta_hidden(g, 1) * g.value("i1"),
            grad_of("w1"),
        ),
        SlideFormula(
            "δ_o1 = ∂f/∂net_o1",
            "(½·2·(t1 − o1)·(−1)) · o1(1 − o1)",
            lambda g: _delta_out(g, 1),
            grad_of("net_o1"),
        ),
        SlideFormula(
            "δ_o2 = ∂f/∂net_o2",
            "(½·2·(t2 − o2)·(−1)) · o2(1 − o2)",
            lambda g: _delta_out(g, 2),
            grad_of("net_o2"),
        ),
        SlideFormula(
            "δ_h1 = ∂f/∂net_h1",
            "(δ_o1·w5 + δ_o2·w7) · h1(1 − h1)",
            lambda g: _delta_hidden(g, 1),
            grad_of("net_h1"),
        ),
        SlideFormula(
            "δ_h2 = ∂f/∂net_h2",
            "(δ_o1·w6 + δ_o2·w8) · h2(1 − h2)",
            lambda g: _delta_hidden(g, 2),
            grad_of("net_h2"),
        ),
        SlideFormula("∂f/∂w6", "δ_o1 · h2", lambda g: _delta_out(g, 1) * g.value("h2"), grad_of("w6")),
        SlideFormula("∂f/∂w4", "δ_h2 · i2", lambda g: _delta_hidden(g, 2) * g.value("i2"), grad_of("w4")),
    ),
    output=gradient_step_222,
    parameters=(*(f"w{k}" for k in range(1, 9)), "b1", "b2"),
    eta=0.5,
    notation=Notation(net=r"\mathrm{{net}}_{{{k}}}", hidden="h", input="i", output="o", loss="f"),
)


# --- squared loss vs cross-entropy --------------------------------------------------------------

TARGET = (0.3, 0.5, 0.2)
PREDICTIONS = {"1": (0.4, 0.5, 0.1), "2": (0.2, 0.5, 0.3)}


def build_losses() -> Graph:
    """Four separate graphs: L_SL and L_CE of y against y′₁ and y′₂, each with its own input nodes."""
    outputs = []
    for kind in ("SL", "CE"):
        for k, prediction in PREDICTIONS.items():
            name = f"{kind}_{k}"
            ys = [Value(y, f"{name}.y_{n}") for n, y in enumerate(TARGET, 1)]
            ps = [Value(p, f"{name}.y'_{n}") for n, p in enumerate(prediction, 1)]
            if kind == "SL":
                terms = [(y - p) ** 2 for y, p in zip(ys, ps)]
            else:
                terms = [-y * p.log() for y, p in zip(ys, ps)]
            outputs.append(autograd.sum(terms).named(name))
    return Graph(outputs)


CHEN_LOSSES = Example(
    name="chen-losses",
    title="Squared loss vs cross-entropy",
    slide=SLIDE,
    description=(
        "y = (0.3, 0.5, 0.2) against y′₁ = (0.4, 0.5, 0.1) and y′₂ = (0.2, 0.5, 0.3): the squared loss "
        "L_SL = Σ(y − y′)² cannot tell the two predictions apart, the cross-entropy L_CE = Σ −y log y′ "
        "(natural log) can. Each loss is its own graph, so its nodes are prefixed with its name."
    ),
    build=build_losses,
    claims=(
        stated("SL_1", "0.02"),
        stated("SL_2", "0.02"),
        stated("CE_1", "1.08198", note="natural logarithm"),
        stated("CE_2", "1.0702", note="natural logarithm"),
    ),
    formulas=tuple(
        formula
        for k in PREDICTIONS
        for formula in (
            SlideFormula(
                f"∂SL_{k}/∂y'_1",
                "−2(y_1 − y'_1)",
                lambda g, k=k: -2 * (g.value(f"SL_{k}.y_1") - g.value(f"SL_{k}.y'_1")),
                lambda g, k=k: g.grad(f"SL_{k}.y'_1"),
            ),
            SlideFormula(
                f"∂CE_{k}/∂y'_1",
                "−y_1 / y'_1",
                lambda g, k=k: -g.value(f"CE_{k}.y_1") / g.value(f"CE_{k}.y'_1"),
                lambda g, k=k: g.grad(f"CE_{k}.y'_1"),
            ),
        )
    ),
)


# --- the activation-function table --------------------------------------------------------------

POINTS = {"neg": -1.5, "pos": 0.5}  # away from the kinks of ReLU and leaky ReLU


def _activation(name: str, x: Value) -> Value:
    return x.leaky_relu(0.01) if name == "leaky_relu" else getattr(x, name)()


# name -> (the table's derivative as text, as a function of x and f(x))
TABLE = {
    "sigmoid": ("f(x)(1 − f(x))", lambda x, fx: fx * (1 - fx)),
    "tanh": ("1 − f(x)²", lambda x, fx: 1 - fx**2),
    "relu": ("0 for x < 0, 1 for x ≥ 0", lambda x, fx: 0.0 if x < 0 else 1.0),
    "leaky_relu": ("0.01 for x < 0, 1 for x ≥ 0", lambda x, fx: 0.01 if x < 0 else 1.0),
    "softplus": ("1/(1 + e^−x)", lambda x, fx: 1 / (1 + math.exp(-x))),
}
SCORES = (1.0, 2.0, 0.5)


def _slope_at_zero(name: str) -> float:
    x = Value(0.0)
    _activation(name, x).backward()
    return x.grad


# The table's activations that the rule table marks not smooth (a kink at 0), and the slope the engine
# takes there (PyTorch's): ReLU 0, leaky ReLU 0.01.
KINKED = {name: _slope_at_zero(name) for name in TABLE if not autograd.OPS[name].smooth}


def build_activations() -> Graph:
    """Each activation of the table at two points, plus softmax and maxout over three scores."""
    outputs = []
    for name in TABLE:
        for tag, x in POINTS.items():
            outputs.append(_activation(name, Value(x, f"x_{name}_{tag}")).named(f"{name}_{tag}"))
    for name in KINKED:  # the table's stated derivative at the kink
        outputs.append(_activation(name, Value(0.0, f"x_{name}_zero")).named(f"{name}_zero"))
    for kind in ("softmax", "maxout"):
        xs = [Value(s, f"{kind}.x_{j}") for j, s in enumerate(SCORES, 1)]
        out = autograd.softmax(xs)[0] if kind == "softmax" else autograd.maxout(xs)
        outputs.append(out.named(f"{kind}_1" if kind == "softmax" else "maxout"))
    return Graph(outputs)


def _softmax_formula(j: int) -> SlideFormula:
    def by_formula(g: Graph) -> float:
        exps = [math.exp(g.value(f"softmax.x_{n}")) for n in range(1, 4)]
        f = [e / sum(exps) for e in exps]
        return f[0] * ((1.0 if j == 1 else 0.0) - f[j - 1])

    return SlideFormula(
        f"∂softmax_1/∂x_{j}", "f_i(δ_ij − f_j)", by_formula, lambda g: g.grad(f"softmax.x_{j}")
    )


def _maxout_formula(j: int) -> SlideFormula:
    def by_formula(g: Graph) -> float:
        xs = [g.value(f"maxout.x_{n}") for n in range(1, 4)]
        return 1.0 if j - 1 == xs.index(max(xs)) else 0.0

    return SlideFormula(
        f"∂maxout/∂x_{j}", "1 for j = argmax, else 0", by_formula, lambda g: g.grad(f"maxout.x_{j}")
    )


def _table_formula(name: str, tag: str) -> SlideFormula:
    text, derivative = TABLE[name]
    return SlideFormula(
        f"{name}′({POINTS[tag]:g})",
        text,
        lambda g: derivative(g.value(f"x_{name}_{tag}"), g.value(f"{name}_{tag}")),
        lambda g: g.grad(f"x_{name}_{tag}"),
    )


def _kink_claim(name: str, slope_left: float) -> Claim:
    # the table's f′(0) = 1 (it writes "1 for x ≥ 0"); at the kink the engine takes the left slope
    return Claim(
        f"{name}′(0)",
        "1",
        lambda g: g.grad(f"x_{name}_zero"),
        Erratum(
            f"a convention, not an error: {name} has a kink at 0 and no derivative there; the table "
            f"takes the right slope (x ≥ 0 → 1), the engine follows PyTorch and takes {slope_left:g}",
            lambda g: 1.0,
            convention=True,
        ),
    )


ACTIVATIONS = Example(
    name="activations",
    title="The activation-function table",
    slide=SLIDE,
    description=(
        "Sigmoid, tanh, ReLU, leaky ReLU (0.01), softplus, softmax and maxout, each with the derivative "
        "the slide's table gives, checked against the engine at x = −1.5 and x = 0.5 (softmax and maxout "
        "over the scores 1.0, 2.0, 0.5). At the kinks the engine follows PyTorch: ReLU′(0) = 0, leaky "
        "ReLU′(0) = 0.01, where the table says 1 (it uses x ≥ 0); both are listed as the table's "
        "stated numbers, with that convention as the reason they differ."
    ),
    build=build_activations,
    claims=tuple(_kink_claim(name, slope) for name, slope in KINKED.items()),
    formulas=(
        *(_table_formula(name, tag) for name in TABLE for tag in POINTS),
        *(_softmax_formula(j) for j in (1, 2, 3)),
        *(_maxout_formula(j) for j in (1, 2, 3)),
    ),
)


# --- a chain of activations: ∂a3/∂a0 = f′(a2)·f′(a1)·f′(a0) -----------------------------------------

A0 = 0.5  # chosen (the slide gives no number); f = σ


def build_chain(a0: float = A0) -> Graph:
    """a1 = f(a0), a2 = f(a1), a3 = f(a2) with f = σ."""
    a = Value(a0, "a0")
    for k in (1, 2, 3):
        a = a.sigmoid().named(f"a{k}")
    return Graph([a])


def _sigma_prime_at(g: Graph, k: int) -> float:
    # f′(a_k) = σ(a_k)(1 − σ(a_k)) = a_{k+1}(1 − a_{k+1}): the next activation holds σ(a_k)
    nxt = g.value(f"a{k + 1}")
    return nxt * (1 - nxt)


def chain_lines(g: Graph, eta: float | None) -> list[str]:
    """The product written out with numbers, and why it shrinks: each σ′ is at most ¼."""
    factors = [_sigma_prime_at(g, k) for k in (2, 1, 0)]
    product = factors[0] * factors[1] * factors[2]
    return [
        "∂a3/∂a0 = f′(a2)·f′(a1)·f′(a0) = f′(f(f(a0)))·f′(f(a0))·f′(a0)",
        "        = " + " · ".join(f"{f:.6f}" for f in factors) + f" = {product:.6g}",
        f"each σ′ ≤ ¼, so three links give at most ¼³ = {0.25**3:g}: the gradient shrinks along the chain",
    ]


CHEN_CHAIN = Example(
    name="chen-chain",
    title="A chain of activations: ∂a3/∂a0 = f′(a2)·f′(a1)·f′(a0)",
    slide=SLIDE,
    description=(
        "The slides' recursion made plain: a1 = f(a0), a2 = f(a1), a3 = f(a2), so ∂a3/∂a0 = "
        "∂a3/∂a2·∂a2/∂a1·∂a1/∂a0 = f′(a2)·f′(a1)·f′(a0) = f′(f(f(a0)))·f′(f(a0))·f′(a0). The slide "
        "gives no numbers: f = σ and a0 = 0.5 are chosen here."
    ),
    build=build_chain,
    formulas=(
        SlideFormula("∂a3/∂a2", "f′(a2)", lambda g: _sigma_prime_at(g, 2), grad_of("a2")),
        SlideFormula(
            "∂a3/∂a1",
            "f′(a2)·f′(a1)",
            lambda g: _sigma_prime_at(g, 2) * _sigma_prime_at(g, 1),
            grad_of("a1"),
        ),
        SlideFormula(
            "∂a3/∂a0",
            "f′(a2)·f′(a1)·f′(a0)",
            lambda g: _sigma_prime_at(g, 2) * _sigma_prime_at(g, 1) * _sigma_prime_at(g, 0),
            grad_of("a0"),
        ),
    ),
    output=chain_lines,
)

EXAMPLES = (CHEN_222, CHEN_LOSSES, ACTIVATIONS, CHEN_CHAIN)
