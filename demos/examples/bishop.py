"""Deck 001, "Machine Learning, Session 10: Deep Learning" (Bishop-based): XOR, 2-2-2 network, δ rules."""

from __future__ import annotations

from dataclasses import replace

import autograd
from autograd import Value
from autograd.explain import BISHOP, Notation, OutputRule
from demos.examples.example import Claim, Erratum, Example, Graph, SlideFormula, grad_of, stated, value_of

SLIDE = "001_1dd5d5d05fbbafd6.txt"

# --- XOR by composing threshold units -----------------------------------------------------------

ROWS = ("00", "10", "01", "11")  # x1 x2, in the slide table's order
TABLE = {"00": (0, 0, 0), "10": (1, 0, 1), "01": (1, 0, 1), "11": (1, 1, 0)}  # h1 h2 y per row


def build_xor() -> Graph:
    """h1 = Th(x1 + x2 − 0.5), h2 = Th(x1 + x2 − 1.5), y = Th(h1 − h2 − 0.5), one graph per row."""
    outputs = []
    for row in ROWS:
        x1, x2 = Value(float(row[0]), f"x1_{row}"), Value(float(row[1]), f"x2_{row}")
        h1 = (x1 + x2 - 0.5).step().named(f"h1_{row}")
        h2 = (x1 + x2 - 1.5).step().named(f"h2_{row}")
        outputs.append((h1 - h2 - 0.5).step().named(f"y_{row}"))
    return Graph(outputs)


def xor_why_sigma(g: Graph, eta: float | None) -> list[str]:
    """Why training needs σ: Th passes no gradient back, a steep sigmoid does."""
    lines = ["Th′ = 0 wherever it is defined, so every gradient of y is 0 and gradient descent stands still:"]
    for row in ROWS:
        lines.append(f"  x = {row}: ∂y/∂x1 = {g.grad(f'x1_{row}'):g}, ∂y/∂x2 = {g.grad(f'x2_{row}'):g}")

    def soft(x1: Value, x2: Value) -> Value:
        # the same network with σ(10·a) in place of Th(a): nearly the same outputs, real gradients
        h1 = ((x1 + x2 - 0.5) * 10.0).sigmoid()
        h2 = ((x1 + x2 - 1.5) * 10.0).sigmoid()
        return ((h1 - h2 - 0.5) * 10.0).sigmoid()

    value_and_grad = autograd.value_and_grad(soft, argnums=(0, 1))
    lines.append("With σ(10·a) in place of Th(a) the outputs barely change and the gradients are not 0:")
    for row in ROWS:
        y, (d1, d2) = value_and_grad(float(row[0]), float(row[1]))
        lines.append(f"  x = {row}: y = {y:.4f}, ∂y/∂x1 = {d1:+.2e}, ∂y/∂x2 = {d2:+.2e}")
    return lines


XOR_THRESHOLD = Example(
    name="xor-threshold",
    title="XOR by composition of threshold units",
    slide=SLIDE,
    description=(
        "Th(a) = 1 if a > 0 else 0; h1 = Th(x1 + x2 − 0.5), h2 = Th(x1 + x2 − 1.5), y = Th(h1 − h2 − 0.5), "
        "one graph per input row (labels end in x1x2). The slide writes y = (1, −1, −0.5)·(h1, h2, 1) "
        "without Th; its table's 0/1 column needs the Th. Th has gradient 0, which is why a trained "
        "network uses σ instead."
    ),
    build=build_xor,
    claims=tuple(
        Claim(f"{unit}_{row}", str(TABLE[row][k]), lambda g, label=f"{unit}_{row}": g.value(label))
        for row in ROWS
        for k, unit in enumerate(("h1", "h2", "y"))
    ),
    formulas=tuple(
        SlideFormula(
            f"∂y_{row}/∂x1_{row}", "Th′(a) = 0", lambda g: 0.0, lambda g, row=row: g.grad(f"x1_{row}")
        )
        for row in ROWS
    ),
    output=xor_why_sigma,
    notation=Notation(hidden="h", output="y"),
)


# --- the 2-2-2 network in matrix notation --------------------------------------------------------

W1 = ((0.25, 0.30), (0.15, 0.20))
W2 = ((0.45, 0.40), (0.50, 0.55))


def _layer(inputs, weights, bias, layer, activation):
    """a_j = Σ_k W_jk·in_k + b_j and the unit's output, labelled Wl_jk, bl_j, al_j (row j = target)."""
    outputs = []
    for j, row in enumerate(weights, 1):
        ws = [Value(w, f"W{layer}_{j}{k}") for k, w in enumerate(row, 1)]
        b = Value(bias, f"b{layer}_{j}")
        a = (autograd.sum(w * x for w, x in zip(ws, inputs)) + b).named(f"a{layer}_{j}")
        outputs.append(activation(a, j))
    return outputs


def build_bishop(half: bool = False) -> Graph:
    """x → a⁽¹⁾ → z⁽¹⁾ = σ(a⁽¹⁾) → a⁽²⁾ → h = σ(a⁽²⁾); E = ‖h − y‖² (no ½), or ½‖h − y‖² if `half`."""
    x = [Value(0.05, "x1"), Value(0.10, "x2")]
    y = [Value(0.01, "y1"), Value(0.99, "y2")]
    z = _layer(x, W1, 0.35, 1, lambda a, j: a.sigmoid().named(f"z1_{j}"))
    h = _layer(z, W2, 0.60, 2, lambda a, j: a.sigmoid().named(f"h{j}"))
    error = autograd.sum((hk - yk) ** 2 for hk, yk in zip(h, y))
    return Graph([(0.5 * error if half else error).named("E")])


def _canonical_delta2(g: Graph, k: int) -> float:
    # the slide's output δ: h − y, the rule for a linear ("canonical") output and ½‖h − y‖²
    return g.value(f"h{k}") - g.value(f"y{k}")


def _slide_delta1(g: Graph, j: int) -> float:
    # the slide's hidden δ: σ′(a_j) Σ_k w_kj δ_k, fed with the canonical output δ
    z = g.value(f"z1_{j}")
    return z * (1 - z) * sum(g.value(f"W2_{k}{j}") * _canonical_delta2(g, k) for k in (1, 2))


CANONICAL = (
    "the slide uses the canonical-output δ = h − y, which holds for a linear output with ½‖h − y‖²; "
    "this network has sigmoid outputs and no ½, so δ⁽²⁾ = 2(h − y)·h(1 − h)"
)
BUILT_ON_CANONICAL = "built on the canonical δ⁽²⁾ = h − y (see δ⁽²⁾), not the true gradient of E"
BISHOP_ETA = 0.5  # the slide writes W′ ← W − η ∂E_n/∂W without a value for η: chosen here


def _true_delta2(g: Graph, k: int, half: bool = False) -> float:
    # ∂E/∂a⁽²⁾_k for sigmoid outputs: 2(h − y)·h(1 − h) for E = ‖h − y‖², (h − y)·h(1 − h) with the ½
    h, y = g.value(f"h{k}"), g.value(f"y{k}")
    return (1 if half else 2) * (h - y) * h * (1 - h)


def _true_delta1(g: Graph, j: int, half: bool = False) -> float:
    # Bishop's hidden recursion δ_j = σ′(a_j) Σ_k w_kj δ_k, fed with the true output δ's
    z = g.value(f"z1_{j}")
    return z * (1 - z) * sum(g.value(f"W2_{k}{j}") * _true_delta2(g, k, half) for k in (1, 2))


def _by_formula(g: Graph, label: str, half: bool) -> float:
    # ∂E/∂W by the δ rules: W{layer}_{j}{i} gets δ_j times the input i of its layer
    layer, j, i = int(label[1]), int(label[3]), int(label[4])
    if layer == 2:
        return _true_delta2(g, j, half) * g.value(f"z1_{i}")
    return _true_delta1(g, j, half) * g.value(f"x{i}")


def _recipe(g: Graph, label: str) -> float:
    # the slide's recipe: δ⁽²⁾ = h − y, δ⁽¹⁾ from it, unrounded
    layer, j, i = int(label[1]), int(label[3]), int(label[4])
    if layer == 2:
        return _canonical_delta2(g, j) * g.value(f"z1_{i}")
    return _slide_delta1(g, j) * g.value(f"x{i}")


SLIDE_W_GRADS = {"W2_11": "0.44", "W2_12": "0.44", "W2_21": "-13.2", "W2_22": "-12.8",
                 "W1_11": "2.5e-3", "W1_12": "5e-4", "W1_21": "1.5e-3", "W1_22": "3e-4"}  # fmt: skip


def bishop_lines(g: Graph, eta: float | None) -> list[str]:
    """Part (d) under both readings of E_n, then the slide's final update W′ ← W − η ∂E_n/∂W."""
    error, halved = g.value("E"), build_bishop(half=True)
    lines = [
        "the two readings of the error, side by side (the engine's gradient of each):",
        f"  E = ‖h − y‖² = {error:.6f} (part (c))    "
        f"E_n = ½‖h − y‖² = {halved.value('E'):.6f} (backprop slides)",
        f"  {'':<9}{'slide':>9}{'recipe h − y':>14}{'E (no ½)':>14}{'E_n (½)':>14}",
    ]
    rows = [(f"δ⁽²⁾_{k}", ("0.74", "-0.22")[k - 1], _canonical_delta2(g, k), f"a2_{k}") for k in (1, 2)]
    rows += [(f"δ⁽¹⁾_{j}", ("0.05", "0.03")[j - 1], _slide_delta1(g, j), f"a1_{j}") for j in (1, 2)]
    rows += [(label, text, _recipe(g, label), label) for label, text in SLIDE_W_GRADS.items()]
    for name, text, recipe, label in rows:
        true, half = g.grad(label), halved.grad(label)
        lines.append(f"  {name:<9}{text:>9}{recipe:>14.5g}{true:>14.5g}{half:>14.5g}")
    lines += [
        "  the slide's recipe is the ½ reading's (E_n) rule for a linear output; with σ outputs E_n's",
        "  δ⁽²⁾ also carries σ′(a⁽²⁾) = h(1 − h), so the recipe matches neither reading's true gradient",
    ]
    lines.append(
        f"the final update, W′ ← W − η ∂E/∂W with η = {eta:g} (chosen; the slide gives no η), E = ‖h − y‖²:"
    )
    for label in SLIDE_W_GRADS:
        w, d = g.value(label), g.grad(label)
        lines.append(f"  {label}′ = {w:.2f} − {eta:g} × {d:+.6f} = {w - eta * d:.6f}")
    return lines


def _weight_formulas() -> tuple[SlideFormula, ...]:
    return tuple(
        SlideFormula(
            f"∂E/∂W{layer}_{j}{i}",
            "δ_j · z_i (the input the weight multiplies)",
            lambda g, layer=layer, j=j, i=i: (
                g.grad(f"a{layer}_{j}") * g.value(f"x{i}" if layer == 1 else f"z1_{i}")
            ),
            grad_of(f"W{layer}_{j}{i}"),
        )
        for layer in (1, 2)
        for j in (1, 2)
        for i in (1, 2)
    )


BISHOP_222 = Example(
    name="bishop-2-2-2",
    title="The 2-2-2 network in matrix notation",
    slide=SLIDE,
    description=(
        "W⁽¹⁾ = [[0.25, 0.30], [0.15, 0.20]], b⁽¹⁾ = (0.35, 0.35), W⁽²⁾ = [[0.45, 0.40], [0.50, 0.55]], "
        "b⁽²⁾ = (0.60, 0.60), x = (0.05, 0.10), y = (0.01, 0.99), sigmoid in both layers, E = ‖h − y‖² "
        "(no ½). Note W⁽¹⁾ differs from chen-2-2-2's. The slide's backprop uses δ⁽²⁾ = h − y, the rule for "
        "a linear output and ½‖·‖²: its δ's and weight gradients are the recipe's, not E's; both shown."
    ),
    build=build_bishop,
    delta_names=tuple((f"a{layer}_{k}", f"δ_{k}^({layer})") for layer in (2, 1) for k in (1, 2)),
    loss_name="E",
    claims=(
        stated("a1_1", "0.39"),
        stated("a1_2", "0.38"),
        stated("z1_1", "0.60"),
        stated("z1_2", "0.59"),
        stated("a2_1", "1.11"),
        stated("a2_2", "1.22"),
        stated("h1", "0.75"),
        stated("h2", "0.77"),
        Claim(
            "E = ‖h − y‖²",
            "0.79",
            value_of("E"),
            Erratum(
                "the slide subtracts y from the input x, not from the output h: x − y = (0.04, −0.89), "
                "whose squared norm is 0.79; h − y = (0.74, −0.22)",
                lambda g: sum((g.value(f"x{k}") - g.value(f"y{k}")) ** 2 for k in (1, 2)),
            ),
        ),
        *(
            Claim(
                f"δ⁽²⁾_{k} = ∂E/∂a2_{k}",
                text,
                grad_of(f"a2_{k}"),
                Erratum(CANONICAL, lambda g, k=k: _canonical_delta2(g, k)),
            )
            for k, text in ((1, "0.74"), (2, "-0.22"))
        ),
        Claim(
            "δ⁽¹⁾_1 = ∂E/∂a1_1",
            "0.05",
            grad_of("a1_1"),
            Erratum(BUILT_ON_CANONICAL, lambda g: _slide_delta1(g, 1)),
        ),
        Claim(
            "δ⁽¹⁾_2 = ∂E/∂a1_2",
            "0.03",
            grad_of("a1_2"),
            Erratum(
                BUILT_ON_CANONICAL + "; and an arithmetic slip: the slide's own recipe "
                "σ′(0.38)(0.40·0.74 + 0.55·(−0.22)) = 0.2412 × 0.175 gives 0.04, not 0.03"
            ),
        ),
        *(
            Claim(
                f"∂E/∂W2_1{j}",
                "0.44",
                grad_of(f"W2_1{j}"),
                Erratum(
                    BUILT_ON_CANONICAL,
                    lambda g, j=j: _canonical_delta2(g, 1) * g.value(f"z1_{j}"),
                ),
            )
            for j in (1, 2)
        ),
        Claim(
            "∂E/∂W2_21",
            "-13.2",
            grad_of("W2_21"),
            Erratum(
                BUILT_ON_CANONICAL + "; and printed 100 times too large: δ₂·z₁ = −0.22 × 0.60 = −0.132",
                lambda g: 100 * -0.22 * 0.60,  # the slide's rounded δ and z, times the stray 100
            ),
        ),
        Claim(
            "∂E/∂W2_22",
            "-12.8",
            grad_of("W2_22"),
            Erratum(
                BUILT_ON_CANONICAL + "; printed 100 times too large, and from the unrounded "
                "δ₂ = h₂ − y₂ = −0.2171 times the rounded z₂ = 0.59: −0.2171 × 0.59 × 100 = −12.8 "
                "(the rounded −0.22 × 0.59 × 100 would give −13.0)",
                lambda g: 100 * _canonical_delta2(g, 2) * round(g.value("z1_2"), 2),
            ),
        ),
        *(
            Claim(
                f"∂E/∂W1_{j}{i}",
                text,
                grad_of(f"W1_{j}{i}"),
                Erratum(
                    BUILT_ON_CANONICAL
                    + f"; the slide multiplies its rounded δ⁽¹⁾_{j} = {delta} by x_{i}"
                    + (" mistyped as 0.01 (it is 0.10)" if i == 2 else ""),
                    lambda g, delta=delta, i=i: delta * (0.05 if i == 1 else 0.01),
                ),
            )
            for j, delta in ((1, 0.05), (2, 0.03))
            for i, text in ((1, "2.5e-3" if j == 1 else "1.5e-3"), (2, "5e-4" if j == 1 else "3e-4"))
        ),
    ),
    formulas=(
        *(
            SlideFormula(
                f"δ⁽¹⁾_{j} = ∂E/∂a1_{j} (hidden)",
                "σ′(a_j) Σ_k w_kj δ_k, δ_k = 2(h_k − y_k)h_k(1 − h_k)",
                lambda g, j=j: _true_delta1(g, j),
                grad_of(f"a1_{j}"),
            )
            for j in (1, 2)
        ),
        *_weight_formulas(),
    ),
    output=bishop_lines,
    eta=BISHOP_ETA,
    typos=(
        "part (d) writes h = σ(a⁽²⁾) = 1/(1 + e^(−a⁽¹⁾)) on three of its slides, where 1/(1 + e^(−a⁽²⁾)) is "
        "meant (the fourth has it right); the numbers h = (0.75, 0.77) are σ(a⁽²⁾).",
        "the backprop slides define E_n = ½(h − y)², part (c) computes ‖h − y‖² without ½: the two "
        "readings are shown side by side below; the slide's δ⁽²⁾ = h − y is the ½ reading's rule for a "
        "linear output.",
    ),
    parameters=(
        *(f"W{layer}_{j}{i}" for layer in (1, 2) for j in (1, 2) for i in (1, 2)),
        *("b1_1", "b1_2", "b2_1", "b2_2"),
    ),
    notation=BISHOP,
    output_rules=(
        OutputRule(
            "linear-se",
            targets=("y1", "y2"),
            note=(
                "the slide's canonical-output rule δ = h − y holds for linear outputs with ½‖h − y‖²; this "
                "network has sigmoid outputs and E without ½, so the engine's δ⁽²⁾ below differs"
            ),
        ),
    ),
)


# --- tanh hidden units, linear outputs: the δ rules ----------------------------------------------

TANH_W1 = ((0.3, -0.2), (0.1, 0.4), (-0.5, 0.2))  # 3 hidden units from 2 inputs
TANH_B1 = (0.1, -0.1, 0.05)
TANH_W2 = ((0.6, -0.4, 0.3), (-0.2, 0.5, 0.1))  # 2 outputs from 3 hidden units
TANH_B2 = (0.0, 0.1)


def build_tanh_linear() -> Graph:
    """2 inputs → 3 tanh units → 2 linear outputs h_k = a_k; E = ½Σ(h_k − y_k)²."""
    x = [Value(0.5, "x1"), Value(-0.3, "x2")]
    y = [Value(0.2, "y1"), Value(-0.1, "y2")]
    z = [
        (
            autograd.sum(Value(w, f"W1_{j}{i}") * xi for i, (w, xi) in enumerate(zip(row, x), 1))
            + Value(b, f"b1_{j}")
        )
        .named(f"a1_{j}")
        .tanh()
        .named(f"z1_{j}")
        for j, (row, b) in enumerate(zip(TANH_W1, TANH_B1), 1)
    ]
    h = [
        (
            autograd.sum(Value(w, f"W2_{k}{j}") * zj for j, (w, zj) in enumerate(zip(row, z), 1))
            + Value(b, f"b2_{k}")
        ).named(f"h{k}")
        for k, (row, b) in enumerate(zip(TANH_W2, TANH_B2), 1)
    ]
    return Graph([(0.5 * autograd.sum((hk - yk) ** 2 for hk, yk in zip(h, y))).named("E")])


def _tanh_delta_out(g: Graph, k: int) -> float:
    return g.value(f"h{k}") - g.value(f"y{k}")  # δ_k = h_k − y_k


def _tanh_delta_hidden(g: Graph, j: int) -> float:
    z = g.value(f"z1_{j}")  # δ_j = (1 − z_j²) Σ_k w_kj δ_k
    return (1 - z * z) * sum(g.value(f"W2_{k}{j}") * _tanh_delta_out(g, k) for k in (1, 2))


TANH_LINEAR = Example(
    name="tanh-linear",
    title="Two-layer network: tanh hidden units, linear outputs",
    slide=SLIDE,
    description=(
        "The slides give the δ rules for tanh hidden units, linear outputs and E = ½Σ(h − y)² but no "
        "numbers. Numbers chosen here: x = (0.5, −0.3), y = (0.2, −0.1), W⁽¹⁾ = [[0.3, −0.2], [0.1, 0.4], "
        "[−0.5, 0.2]], b⁽¹⁾ = (0.1, −0.1, 0.05), W⁽²⁾ = [[0.6, −0.4, 0.3], [−0.2, 0.5, 0.1]], "
        "b⁽²⁾ = (0, 0.1). Every rule equals the engine's gradient."
    ),
    build=build_tanh_linear,
    # the deck's δ_k (outputs) and δ_j (hidden) both number from 1: the layer superscript, as in
    # bishop-2-2-2, keeps δ_1 of one layer apart from δ_1 of the other
    delta_names=(
        *((f"h{k}", f"δ_{k}^(2)") for k in (1, 2)),
        *((f"a1_{j}", f"δ_{j}^(1)") for j in (1, 2, 3)),
    ),
    loss_name="E",
    formulas=(
        *(
            SlideFormula(
                f"δ_{k} = ∂E/∂a_{k} (output)",
                "h_k − y_k",
                lambda g, k=k: _tanh_delta_out(g, k),
                grad_of(f"h{k}"),
            )
            for k in (1, 2)
        ),
        *(
            SlideFormula(
                f"δ_{j} = ∂E/∂a1_{j} (hidden)",
                "(1 − z_j²) Σ_k w_kj δ_k",
                lambda g, j=j: _tanh_delta_hidden(g, j),
                grad_of(f"a1_{j}"),
            )
            for j in (1, 2, 3)
        ),
        *(
            SlideFormula(
                f"∂E/∂W1_{j}{i}",
                "δ_j x_i",
                lambda g, j=j, i=i: _tanh_delta_hidden(g, j) * g.value(f"x{i}"),
                grad_of(f"W1_{j}{i}"),
            )
            for j in (1, 2, 3)
            for i in (1, 2)
        ),
        *(
            SlideFormula(
                f"∂E/∂W2_{k}{j}",
                "δ_k z_j",
                lambda g, k=k, j=j: _tanh_delta_out(g, k) * g.value(f"z1_{j}"),
                grad_of(f"W2_{k}{j}"),
            )
            for k in (1, 2)
            for j in (1, 2, 3)
        ),
    ),
    parameters=tuple(f"W1_{j}{i}" for j in (1, 2, 3) for i in (1, 2))
    + tuple(f"W2_{k}{j}" for k in (1, 2) for j in (1, 2, 3)),
    typos=(
        "the slides call the hidden units 'Logistic hidden h(a) = tanh(a)': they are tanh units, not "
        "logistic (σ) ones; the rule δ_j = (1 − z_j²) Σ_k w_kj δ_k is tanh's.",
    ),
    notation=replace(BISHOP, hidden="z^{{({k})}}"),
    output_rules=(OutputRule("linear-se", targets=("y1", "y2")),),
)

EXAMPLES = (XOR_THRESHOLD, BISHOP_222, TANH_LINEAR)
