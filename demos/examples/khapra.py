"""Deck 004, "CS6910 Lecture 4" (Khapra): the softmax-output network's gradients, a deep thin network."""

from __future__ import annotations

import math

import autograd
from autograd import Value
from autograd.explain import OutputRule
from demos.examples.example import Example, Graph, SlideFormula, grad_of

SLIDE = "004_a21f905a5921bab4.txt"

# --- an L-layer network with a softmax output ----------------------------------------------------

# Numbers chosen here (the slides give none): 3 inputs → 3 → 3 hidden units, g = σ → 2 softmax outputs.
X = (0.5, -1.0, 0.25)
WEIGHTS = {
    1: ((0.2, -0.4, 0.1), (0.5, 0.3, -0.2), (-0.3, 0.1, 0.4)),
    2: ((0.6, -0.1, 0.2), (-0.5, 0.4, 0.3), (0.1, 0.2, -0.6)),
    3: ((0.7, -0.3, 0.5), (-0.4, 0.6, 0.2)),
}
BIASES = {1: (0.1, 0.0, -0.1), 2: (0.05, -0.05, 0.0), 3: (0.2, -0.2)}
G = "sigmoid"  # g: one activation for every hidden layer, as the deck writes it
TRUE_CLASS = 1  # ℓ


def build_softmax_output() -> Graph:
    """a_k = b_k + W_k h_{k−1}, h_k = g(a_k) with g = σ, ŷ = softmax(a_3), L = −log ŷ_ℓ."""
    h = [Value(x, f"x_{i}") for i, x in enumerate(X, 1)]
    for k in (1, 2, 3):
        a = []
        for i, (row, b) in enumerate(zip(WEIGHTS[k], BIASES[k]), 1):
            terms = [Value(w, f"W{k}_{i}{j}") * hj for j, (w, hj) in enumerate(zip(row, h), 1)]
            a.append((Value(b, f"b{k}_{i}") + autograd.sum(terms)).named(f"a{k}_{i}"))
        if k < 3:
            h = [getattr(ai, G)().named(f"h{k}_{i}") for i, ai in enumerate(a, 1)]
    y_hat = [p.named(f"yhat_{i}") for i, p in enumerate(autograd.softmax(a), 1)]
    loss = (-y_hat[TRUE_CLASS - 1].log()).named("L")
    return Graph([loss], also=[p for i, p in enumerate(y_hat, 1) if i != TRUE_CLASS])


def _g_prime(g: Graph, k: int, i: int) -> float:
    h = g.value(f"h{k}_{i}")
    return h * (1 - h)  # g′(a) = σ(a)(1 − σ(a))


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


def _formulas() -> list[SlideFormula]:
    formulas = [
        SlideFormula(
            f"∂L/∂yhat_{i}",
            "−1(i = ℓ)/ŷ_ℓ",
            lambda g, i=i: -1.0 / g.value(f"yhat_{TRUE_CLASS}") if i == TRUE_CLASS else 0.0,
            grad_of(f"yhat_{i}"),
        )
        for i in (1, 2)
    ]
    for k in (3, 2, 1):
        for i in range(1, len(WEIGHTS[k]) + 1):
            formula = "−(e(ℓ) − ŷ)" if k == 3 else "∇_{h_k} ⊙ g′(a_k)"
            formulas.append(
                SlideFormula(
                    f"∇a{k}_{i}",
                    formula,
                    lambda g, k=k, i=i: grad_a(g, k, i),
                    lambda g, k=k, i=i: g.grad(f"a{k}_{i}"),
                )
            )
            if k < 3:
                formulas.append(
                    SlideFormula(
                        f"∇h{k}_{i}",
                        "W_{k+1}ᵀ ∇_{a_{k+1}}",
                        lambda g, k=k, i=i: grad_h(g, k, i),
                        lambda g, k=k, i=i: g.grad(f"h{k}_{i}"),
                    )
                )
            formulas.append(
                SlideFormula(
                    f"∇b{k}_{i}",
                    "∇_{a_k}",
                    lambda g, k=k, i=i: grad_a(g, k, i),
                    lambda g, k=k, i=i: g.grad(f"b{k}_{i}"),
                )
            )
            for j in range(1, len(WEIGHTS[k][0]) + 1):
                formulas.append(
                    SlideFormula(
                        f"∇W{k}_{i}{j}",
                        "∇_{a_k} h_{k−1}ᵀ",
                        lambda g, k=k, i=i, j=j: grad_a(g, k, i) * _input(g, k, j),
                        lambda g, k=k, i=i, j=j: g.grad(f"W{k}_{i}{j}"),
                    )
                )
    return formulas


SOFTMAX_OUTPUT = Example(
    name="softmax-output",
    title="Gradients of a softmax-output network, layer by layer",
    slide=SLIDE,
    description=(
        "An L-layer network with a softmax output and L = −log ŷ_ℓ. The slides derive ∇_{a_L} = −(e(ℓ) − ŷ), "
        "∇_{h_k} = W_{k+1}ᵀ ∇_{a_{k+1}}, ∇_{a_k} = ∇_{h_k} ⊙ g′(a_k), ∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ and "
        "∇_{b_k} = ∇_{a_k}, and ∂L/∂ŷ_i = −1(i = ℓ)/ŷ_ℓ, with no numbers. Chosen here: a 3-3-3-2 network "
        "with one activation g = σ for both hidden layers, as the deck writes g, x = (0.5, −1, 0.25), "
        "ℓ = 1; every entry of every formula equals the engine's gradient."
    ),
    build=build_softmax_output,
    # the deck's ∇_{a_k} L, entry i of layer k's gradient vector
    delta_names=tuple(
        (f"a{k}_{i}", f"(∇_{{a_{k}}} L)_{i}") for k in (1, 2, 3) for i in range(1, len(WEIGHTS[k]) + 1)
    ),
    formulas=tuple(_formulas()),
    parameters=tuple(
        f"{kind}{k}_{i}{j}" if kind == "W" else f"b{k}_{i}"
        for k in (1, 2, 3)
        for i in range(1, len(WEIGHTS[k]) + 1)
        for kind, j in [("W", j) for j in range(1, len(WEIGHTS[k][0]) + 1)] + [("b", None)]
    ),
    output_rules=(OutputRule("softmax-ce", label=1),),
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
    formulas=(
        SlideFormula(
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


# --- predicting a movie's ratings: a linear output with squared error ----------------------------

FEATURES = {"isActorDamon": 1.0, "isDirectorNolan": 1.0}  # x_i: the movie's features (chosen)
RATINGS = {"imdb": 7.5, "critics": 8.2, "RT": 7.7}  # y_i, the slide's ratings
MOVIE_W1 = ((0.5, -0.3), (0.2, 0.8))  # 2 features → 2 hidden units (g = σ)
MOVIE_B1 = (0.1, -0.2)
MOVIE_W2 = ((1.0, 0.5), (0.6, 1.2), (0.8, 0.9))  # 2 hidden units → 3 ratings, linear
MOVIE_B2 = (6.5, 7.0, 6.8)
N_MOVIES = 1  # N in L = (1/N) Σ_i Σ_j (ŷ_ij − y_ij)²: one movie here


def build_movie() -> Graph:
    """x → a1 = W1 x + b1 → h1 = σ(a1) → ŷ = a2 = W2 h1 + b2 (O linear) → L = (1/N) Σ_j (ŷ_j − y_j)²."""
    x = [Value(v, name) for name, v in FEATURES.items()]
    h = []
    for i, (row, b) in enumerate(zip(MOVIE_W1, MOVIE_B1), 1):
        terms = [Value(w, f"W1_{i}{j}") * xj for j, (w, xj) in enumerate(zip(row, x), 1)]
        a = (Value(b, f"b1_{i}") + autograd.sum(terms)).named(f"a1_{i}")
        h.append(a.sigmoid().named(f"h1_{i}"))
    errors = []
    for k, ((name, rating), row, b) in enumerate(zip(RATINGS.items(), MOVIE_W2, MOVIE_B2), 1):
        terms = [Value(w, f"W2_{k}{j}") * hj for j, (w, hj) in enumerate(zip(row, h), 1)]
        y_hat = (Value(b, f"b2_{k}") + autograd.sum(terms)).named(f"yhat_{name}")  # ŷ = O(a_L) = a_L
        errors.append((y_hat - Value(rating, f"y_{name}")) ** 2)
    return Graph([(autograd.sum(errors) / N_MOVIES).named("L")])


def _movie_grad_yhat(g: Graph, name: str) -> float:
    return 2 * (g.value(f"yhat_{name}") - g.value(f"y_{name}")) / N_MOVIES  # ∂L/∂ŷ_j = (2/N)(ŷ_j − y_j)


def _movie_grad_a1(g: Graph, i: int) -> float:
    # ∇_{a_1} = (W_2ᵀ ∇_{a_2}) ⊙ g′(a_1), with ∇_{a_2} = ∇_ŷ because O is linear
    h = g.value(f"h1_{i}")
    back = sum(g.value(f"W2_{k}{i}") * _movie_grad_yhat(g, name) for k, name in enumerate(RATINGS, 1))
    return back * h * (1 - h)


MOVIE_RATING = Example(
    name="movie-rating",
    title="Predicting a movie's ratings: a linear output with squared error",
    slide=SLIDE,
    description=(
        "The deck's movie example as regression: from features x (isActorDamon = 1, isDirectorNolan = 1) "
        "predict the imdb, critics and RT ratings y = (7.5, 8.2, 7.7) with L = (1/N) Σ_i Σ_j (ŷ_ij − y_ij)², "
        "N = 1 movie. A logistic output would keep ŷ in (0, 1), so O is linear: ŷ = a_L. (The slide's "
        "O(a_L) = W_O a_L + b_O puts a second linear map on a_L = W_L h_{L−1} + b_L; the two compose to one "
        "linear map, so O is the identity here.) Chosen: W1 = [[0.5, −0.3], [0.2, 0.8]], b1 = (0.1, −0.2), "
        "g = σ, W2 = [[1.0, 0.5], [0.6, 1.2], [0.8, 0.9]], b2 = (6.5, 7.0, 6.8)."
    ),
    build=build_movie,
    roles=tuple((name, "input") for name in FEATURES),
    formulas=(
        *(
            SlideFormula(
                f"∂L/∂yhat_{name}",
                "(2/N)(ŷ_j − y_j)",
                lambda g, n=name: _movie_grad_yhat(g, n),
                grad_of(f"yhat_{name}"),
            )
            for name in RATINGS
        ),
        *(
            SlideFormula(
                f"∇W2_{k}{j}",
                "∇_{a_L} h_{L−1}ᵀ, ∇_{a_L} = ∇_ŷ (O linear)",
                lambda g, n=name, j=j: _movie_grad_yhat(g, n) * g.value(f"h1_{j}"),
                grad_of(f"W2_{k}{j}"),
            )
            for k, name in enumerate(RATINGS, 1)
            for j in (1, 2)
        ),
        *(
            SlideFormula(
                f"∇a1_{i}",
                "(W_2ᵀ ∇_{a_2}) ⊙ g′(a_1)",
                lambda g, i=i: _movie_grad_a1(g, i),
                grad_of(f"a1_{i}"),
            )
            for i in (1, 2)
        ),
    ),
    parameters=(
        *(f"W1_{i}{j}" for i in (1, 2) for j in (1, 2)),
        "b1_1",
        "b1_2",
        *(f"W2_{k}{j}" for k in (1, 2, 3) for j in (1, 2)),
        "b2_1",
        "b2_2",
        "b2_3",
    ),
    output_rules=(OutputRule("linear-se", targets=("y_imdb", "y_critics", "y_RT"), scale=2 / N_MOVIES),),
)


# --- the deck's table: output activation ↔ loss --------------------------------------------------

RATING_A = (7.1, 8.6, 7.4)  # pre-activations a_L of the rating network's output layer (chosen)
FRUITS = ("apple", "mango", "orange", "banana")
FRUIT_A = (2.0, 0.5, -1.0, 0.3)  # pre-activations a_L of the classifier (chosen); y = [1 0 0 0]
FRUIT_CLASS = "apple"  # ℓ


def build_output_losses() -> Graph:
    """Two last layers side by side: real values (linear O, squared error), probabilities (softmax, CE)."""
    a = [Value(v, f"rating.a_{name}") for name, v in zip(RATINGS, RATING_A)]
    errors = [
        (ai.named(f"rating.a_{n}") - Value(y, f"rating.y_{n}")) ** 2 for ai, (n, y) in zip(a, RATINGS.items())
    ]
    rating = autograd.sum(errors).named("rating.L")
    scores = [Value(v, f"fruit.a_{f}") for f, v in zip(FRUITS, FRUIT_A)]
    y_hat = [p.named(f"fruit.yhat_{f}") for f, p in zip(FRUITS, autograd.softmax(scores))]
    fruit = (-y_hat[FRUITS.index(FRUIT_CLASS)].log()).named("fruit.L")
    return Graph([rating, fruit], also=[p for f, p in zip(FRUITS, y_hat) if f != FRUIT_CLASS])


def output_loss_table(g: Graph, eta: float | None) -> list[str]:
    """The deck's table, with what each pairing gives as ∇_{a_L}: both are 'prediction minus truth'."""
    probabilities = [g.value(f"fruit.yhat_{f}") for f in FRUITS]
    rating_a = ", ".join(f"{v:g}" for v in RATING_A)
    ratings = ", ".join(f"{v:g}" for v in RATINGS.values())
    return [
        f"{'outputs':<15}{'output activation':<19}{'loss':<16}∇_(a_L) L",
        f"{'real values':<15}{'linear':<19}{'squared error':<16}2(ŷ − y)    (ŷ = a_L, unbounded)",
        f"{'probabilities':<15}{'softmax':<19}{'cross entropy':<16}ŷ − e(ℓ)    (ŷ > 0, Σ ŷ = 1)",
        f"rating: ŷ = a_L = ({rating_a}), y = ({ratings})",
        f"fruit:  ŷ = softmax(a_L) = ({', '.join(f'{p:.4f}' for p in probabilities)}), "
        f"Σ ŷ = {sum(probabilities):.6f}, ℓ = {FRUIT_CLASS}",
    ]


OUTPUT_LOSSES = Example(
    name="output-losses",
    title="Output activation ↔ loss: linear with squared error, softmax with cross-entropy",
    slide=SLIDE,
    description=(
        "The deck's table: real-valued outputs take a linear output activation and the squared error; "
        "probabilities take the softmax and the cross-entropy L = −log ŷ_ℓ. Two last layers side by "
        "side, pre-activations chosen: ratings a_L = (7.1, 8.6, 7.4) against y = (7.5, 8.2, 7.7), fruit "
        "scores a_L = (2.0, 0.5, −1.0, 0.3) for apple, mango, orange, banana with y = [1 0 0 0]. Each "
        "pairing gives ∇_{a_L} as prediction minus truth: 2(ŷ − y) and ŷ − e(ℓ); ∂L/∂ŷ_i = −1(i = ℓ)/ŷ_ℓ."
    ),
    build=build_output_losses,
    formulas=(
        *(
            SlideFormula(
                f"∂rating.L/∂a_{n}",
                "2(ŷ_j − y_j), ŷ = a_L",
                lambda g, n=n: 2 * (g.value(f"rating.a_{n}") - g.value(f"rating.y_{n}")),
                grad_of(f"rating.a_{n}"),
            )
            for n in RATINGS
        ),
        *(
            SlideFormula(
                f"∂fruit.L/∂a_{f}",
                "−(1(i = ℓ) − ŷ_i)",
                lambda g, f=f: -((1.0 if f == FRUIT_CLASS else 0.0) - g.value(f"fruit.yhat_{f}")),
                grad_of(f"fruit.a_{f}"),
            )
            for f in FRUITS
        ),
        *(
            SlideFormula(
                f"∂fruit.L/∂yhat_{f}",
                "−1(i = ℓ)/ŷ_ℓ",
                lambda g, f=f: -1.0 / g.value(f"fruit.yhat_{FRUIT_CLASS}") if f == FRUIT_CLASS else 0.0,
                grad_of(f"fruit.yhat_{f}"),
            )
            for f in FRUITS
        ),
        SlideFormula(
            "Σ ŷ (softmax)", "1", lambda g: 1.0, lambda g: sum(g.value(f"fruit.yhat_{f}") for f in FRUITS)
        ),
    ),
    output=output_loss_table,
    output_rules=(
        OutputRule(
            "linear-se",
            targets=tuple(f"rating.y_{n}" for n in RATINGS),
            scale=2,
            outputs=tuple(f"rating.a_{n}" for n in RATINGS),
        ),
        OutputRule(
            "softmax-ce", label=FRUITS.index(FRUIT_CLASS) + 1, outputs=tuple(f"fruit.a_{f}" for f in FRUITS)
        ),
    ),
)

EXAMPLES = (SOFTMAX_OUTPUT, DEEP_THIN, MOVIE_RATING, OUTPUT_LOSSES)
