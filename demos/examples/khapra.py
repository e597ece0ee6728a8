"""Deck 004, "CS6910 Lecture 4" (Khapra): the softmax-output network's gradients, a deep thin network."""

from __future__ import annotations

import math

import autograd
from autograd import Value
from demos.examples.example import Example, Graph, Rule, grad_of

SLIDE = "004_a21f905a5921bab4.txt"

# --- an L-layer network with a softmax output ----------------------------------------------------

# Numbers chosen here (the slides give none): 3 inputs → 3 sigmoid → 3 tanh → 2 softmax outputs.
X = (0.5, -1.0, 0.25)
WEIGHTS = {
    1: ((0.2, -0.4, 0.1), (0.5, 0.3, -0.2), (-0.3, 0.1, 0.4)),
    2: ((0.6, -0.1, 0.2), (-0.5, 0.4, 0.3), (0.1, 0.2, -0.6)),
    3: ((0.7, -0.3, 0.5), (-0.4, 0.6, 0.2)),
}
BIASES = {1: (0.1, 0.0, -0.1), 2: (0.05, -0.05, 0.0), 3: (0.2, -0.2)}
ACTIVATION = {1: "sigmoid", 2: "tanh"}
TRUE_CLASS = 1  # ℓ


def build_softmax_output() -> Graph:
    """a_k = b_k + W_k h_{k−1}, h_k = g(a_k) (sigmoid, then tanh), ŷ = softmax(a_3), L = −log ŷ_ℓ."""
    h = [Value(x, f"x_{i}") for i, x in enumerate(X, 1)]
    for k in (1, 2, 3):
        a = []
        for i, (row, b) in enumerate(zip(WEIGHTS[k], BIASES[k]), 1):
            terms = [Value(w, f"W{k}_{i}{j}") * hj for j, (w, hj) in enumerate(zip(row, h), 1)]
            a.append((Value(b, f"b{k}_{i}") + autograd.sum(terms)).named(f"a{k}_{i}"))
        if k < 3:
            h = [getattr(ai, ACTIVATION[k])().named(f"h{k}_{i}") for i, ai in enumerate(a, 1)]
    y_hat = [p.named(f"yhat_{i}") for i, p in enumerate(autograd.softmax(a), 1)]
    loss = (-y_hat[TRUE_CLASS - 1].log()).named("L")
    return Graph([loss], also=[p for i, p in enumerate(y_hat, 1) if i != TRUE_CLASS])


def _g_prime(g: Graph, k: int, i: int) -> float:
    h = g.value(f"h{k}_{i}")
    return h * (1 - h) if ACTIVATION[k] == "sigmoid" else 1 - h * h


def grad_a(g: Graph, k: int, i: int) -> float:
    """The slides' ∇_{a_k}, entry i, by their formulas alone (no engine gradient used)."""
    if k == 3:  # ∇_{a_L} = −(e(ℓ) − ŷ)
        return -((1.0 if i == TRUE_CLASS else 0.0) - g.value(f"yhat_{i}"))
    return grad_h(g, k, i) * _g_prime(g, k, i)  # ∇_{a_k} = ∇_{h_k} ⊙ g′(a_k)


def grad_h(g: Graph, k: int, j: int) -> float:
    """∇_{h_k} = W_{k+1}ᵀ ∇_{a_{k+1}}, entry j."""
    rows = len(WEIGHTS[k + 1])
    return sum(g.value(f"W{k + 1}_{i}{j}") * grad_a(g, k + 1, i) for i in range(1, rows + 1))


def _input(g: Graph, k: int, j: int) -> float:
    return g.value(f"x_{j}") if k == 1 else g.value(f"h{k - 1}_{j}")


def _rules() -> list[Rule]:
    rules = []
    for k in (3, 2, 1):
        for i in range(1, len(WEIGHTS[k]) + 1):
            formula = "−(e(ℓ) − ŷ)" if k == 3 else "∇_{h_k} ⊙ g′(a_k)"
            rules.append(
                Rule(
                    f"∇a{k}_{i}",
                    formula,
                    lambda g, k=k, i=i: grad_a(g, k, i),
                    lambda g, k=k, i=i: g.grad(f"a{k}_{i}"),
                )
            )
            if k < 3:
                rules.append(
                    Rule(
                        f"∇h{k}_{i}",
                        "W_{k+1}ᵀ ∇_{a_{k+1}}",
                        lambda g, k=k, i=i: grad_h(g, k, i),
                        lambda g, k=k, i=i: g.grad(f"h{k}_{i}"),
                    )
                )
            rules.append(
                Rule(
                    f"∇b{k}_{i}",
                    "∇_{a_k}",
                    lambda g, k=k, i=i: grad_a(g, k, i),
                    lambda g, k=k, i=i: g.grad(f"b{k}_{i}"),
                )
            )
            for j in range(1, len(WEIGHTS[k][0]) + 1):
                rules.append(
                    Rule(
                        f"∇W{k}_{i}{j}",
                        "∇_{a_k} h_{k−1}ᵀ",
                        lambda g, k=k, i=i, j=j: grad_a(g, k, i) * _input(g, k, j),
                        lambda g, k=k, i=i, j=j: g.grad(f"W{k}_{i}{j}"),
                    )
                )
    return rules


SOFTMAX_OUTPUT = Example(
    name="softmax-output",
    title="Gradients of a softmax-output network, layer by layer",
    slide=SLIDE,
    description=(
        "An L-layer network with a softmax output and L = −log ŷ_ℓ. The slides derive ∇_{a_L} = −(e(ℓ) − ŷ), "
        "∇_{h_k} = W_{k+1}ᵀ ∇_{a_{k+1}}, ∇_{a_k} = ∇_{h_k} ⊙ g′(a_k), ∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ and "
        "∇_{b_k} = ∇_{a_k}, with no numbers. Chosen here: a 3-3-3-2 network (sigmoid, then tanh), "
        "x = (0.5, −1, 0.25), ℓ = 1; every entry of every formula equals the engine's gradient."
    ),
    build=build_softmax_output,
    rules=tuple(_rules()),
    parameters=tuple(
        f"{kind}{k}_{i}{j}" if kind == "W" else f"b{k}_{i}"
        for k in (1, 2, 3)
        for i in range(1, len(WEIGHTS[k]) + 1)
        for kind, j in [("W", j) for j in range(1, len(WEIGHTS[k][0]) + 1)] + [("b", None)]
    ),
)


# --- a deep, thin network ------------------------------------------------------------------------

DEPTH = 4
THIN_W, THIN_B = 0.8, 0.1


def build_thin(depth: int = DEPTH) -> Graph:
    """x → a_11 → h_11 → a_21 → … → a_L1 → ŷ = h_L1 → L = ½(ŷ − y)², one sigmoid neuron per layer."""
    h = Value(1.0, "x1")
    for k in range(1, depth + 1):
        a = (Value(THIN_W, f"W{k}11") * h + Value(THIN_B, f"b{k}1")).named(f"a{k}1")
        h = a.sigmoid().named("yhat" if k == depth else f"h{k}1")
    return Graph([(0.5 * (h - Value(0.0, "y")) ** 2).named("L")])


def _path_product(g: Graph, depth: int = DEPTH) -> float:
    # ∂L/∂W111 = ∂L/∂ŷ · ∂ŷ/∂a_L1 · ∂a_L1/∂h_{L−1,1} · … · ∂h_11/∂a_11 · ∂a_11/∂W111
    y_hat = g.value("yhat")
    product = y_hat - g.value("y")
    for k in range(depth, 0, -1):
        h = y_hat if k == depth else g.value(f"h{k}1")
        product *= h * (1 - h)  # σ′(a_k1)
        product *= g.value(f"W{k}11") if k > 1 else g.value("x1")  # ∂a_k1/∂h_{k−1,1}, or ∂a_11/∂W111
    return product


def thin_lines(g: Graph, eta: float | None) -> list[str]:
    """How ∂L/∂W111 shrinks with depth: each layer multiplies in σ′(a) ≤ 1/4 and a weight."""
    lines = ["∂L/∂W111 by depth (one sigmoid neuron per layer, every weight 0.8, bias 0.1):"]
    for depth in range(1, 11):
        graph = build_thin(depth)
        lines.append(f"  depth {depth:>2}: ∂L/∂W111 = {graph.grad('W111'):+.3e}")
    ratio = math.log10(abs(build_thin(10).grad("W111") / build_thin(1).grad("W111"))) / 9
    lines.append(f"  each extra layer multiplies it by about 10^{ratio:.2f} = {10**ratio:.3f}: it vanishes")
    return lines


DEEP_THIN = Example(
    name="deep-thin",
    title="A deep, thin network: one product along one path",
    slide=SLIDE,
    description=(
        "One sigmoid neuron per layer, x₁ → a₁₁ → h₁₁ → a₂₁ → … → a_L1 → ŷ → L, with L = ½(ŷ − y)², "
        "depth 4, every weight 0.8, bias 0.1, x = 1, y = 0 (chosen; the slides give no numbers). "
        "∂L/∂W₁₁₁ is one product of local derivatives along the only path, and each σ′ ≤ ¼ makes it "
        "shrink with depth."
    ),
    build=build_thin,
    rules=(
        Rule(
            "∂L/∂W111",
            "∂L/∂ŷ · ∂ŷ/∂a_41 · ∂a_41/∂h_31 · … · ∂a_11/∂W111",
            _path_product,
            grad_of("W111"),
        ),
    ),
    output=thin_lines,
    parameters=tuple(
        f"{kind}{k}{suffix}" for k in range(1, DEPTH + 1) for kind, suffix in (("W", "11"), ("b", "1"))
    ),
)

EXAMPLES = (SOFTMAX_OUTPUT, DEEP_THIN)
