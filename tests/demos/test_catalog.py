"""Every example's values and gradients against numbers computed here by hand, from the slides' formulas.

Nothing below reads the catalog's own rules: forward passes are plain `math`, gradients come from the
slides' δ recipes written out again, so a mistake in the catalog and the engine cannot cancel out.
"""

import math

import pytest

from demos.examples.catalog import EXAMPLES


def sigma(a: float) -> float:
    return 1 / (1 + math.exp(-a))


def graph(name: str):
    return EXAMPLES[name].build()


def assert_values(g, expected: dict, rel=1e-12):
    for label, value in expected.items():
        assert g.value(label) == pytest.approx(value, rel=rel, abs=1e-15), label


def assert_grads(g, expected: dict, rel=1e-10):
    for label, value in expected.items():
        assert g.grad(label) == pytest.approx(value, rel=rel, abs=1e-15), label


def test_chen_222_forward_and_every_gradient_by_the_delta_rule():
    g = graph("chen-2-2-2")
    i1, i2, t1, t2, b1, b2 = 0.05, 0.10, 0.01, 0.99, 0.35, 0.60
    w = dict(zip(range(1, 9), (0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55)))
    h1, h2 = sigma(w[1] * i1 + w[2] * i2 + b1), sigma(w[3] * i1 + w[4] * i2 + b1)
    o1, o2 = sigma(w[5] * h1 + w[6] * h2 + b2), sigma(w[7] * h1 + w[8] * h2 + b2)
    f = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2
    assert_values(g, {"h1": h1, "h2": h2, "o1": o1, "o2": o2, "f": f})
    d_o1, d_o2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
    d_h1 = (d_o1 * w[5] + d_o2 * w[7]) * h1 * (1 - h1)
    d_h2 = (d_o1 * w[6] + d_o2 * w[8]) * h2 * (1 - h2)
    assert_grads(
        g,
        {
            "w1": d_h1 * i1, "w2": d_h1 * i2, "w3": d_h2 * i1, "w4": d_h2 * i2,
            "w5": d_o1 * h1, "w6": d_o1 * h2, "w7": d_o2 * h1, "w8": d_o2 * h2,
            "b1": d_h1 + d_h2, "b2": d_o1 + d_o2,  # a shared bias collects both units' δ
            "net_o1": d_o1, "net_h1": d_h1, "o1": o1 - t1, "f": 1.0,
        },
    )  # fmt: skip


def test_chen_222_update_step_matches_the_well_known_numbers():
    # w5 and w1 after one step with η = 0.5, as published for this network (Mazur's worked example)
    lines = EXAMPLES["chen-2-2-2"].lines(graph("chen-2-2-2"))
    assert any(line.split()[0] == "w5" and line.endswith("0.358916480") for line in lines)
    assert any(line.split()[0] == "w1" and line.endswith("0.149780716") for line in lines)
    custom = EXAMPLES["chen-2-2-2"].lines(graph("chen-2-2-2"), eta=0.1)
    assert "η = 0.1" in custom[0]


def test_chen_losses():
    g = graph("chen-losses")
    y = (0.3, 0.5, 0.2)
    for k, p in (("1", (0.4, 0.5, 0.1)), ("2", (0.2, 0.5, 0.3))):
        assert g.value(f"SL_{k}") == pytest.approx(sum((a - b) ** 2 for a, b in zip(y, p)))
        assert g.value(f"CE_{k}") == pytest.approx(sum(-a * math.log(b) for a, b in zip(y, p)))
        for n in (1, 2, 3):
            assert g.grad(f"SL_{k}.y'_{n}") == pytest.approx(-2 * (y[n - 1] - p[n - 1]), abs=1e-15)
            assert g.grad(f"CE_{k}.y'_{n}") == pytest.approx(-y[n - 1] / p[n - 1])


def test_activation_table():
    g = graph("activations")
    for tag, x in (("neg", -1.5), ("pos", 0.5)):
        expected = {
            "sigmoid": sigma(x) * (1 - sigma(x)),
            "tanh": 1 - math.tanh(x) ** 2,
            "relu": 1.0 if x > 0 else 0.0,
            "leaky_relu": 1.0 if x > 0 else 0.01,
            "softplus": sigma(x),
        }
        for name, derivative in expected.items():
            assert g.grad(f"x_{name}_{tag}") == pytest.approx(derivative), (name, x)
    e = [math.exp(s) for s in (1.0, 2.0, 0.5)]
    p = [v / sum(e) for v in e]
    assert g.value("softmax_1") == pytest.approx(p[0])
    assert [g.grad(f"softmax.x_{j}") for j in (1, 2, 3)] == pytest.approx(
        [p[0] * (1 - p[0]), -p[0] * p[1], -p[0] * p[2]]
    )
    assert [g.grad(f"maxout.x_{j}") for j in (1, 2, 3)] == [0.0, 1.0, 0.0]


def test_xor_threshold_table_and_zero_gradients():
    g = graph("xor-threshold")
    for x1 in (0, 1):
        for x2 in (0, 1):
            row = f"{x1}{x2}"
            h1, h2 = int(x1 + x2 - 0.5 > 0), int(x1 + x2 - 1.5 > 0)
            assert (g.value(f"h1_{row}"), g.value(f"h2_{row}"), g.value(f"y_{row}")) == (h1, h2, x1 ^ x2)
            assert g.grad(f"x1_{row}") == g.grad(f"x2_{row}") == 0.0


def _bishop_by_hand():
    x, y = (0.05, 0.10), (0.01, 0.99)
    w1, w2 = ((0.25, 0.30), (0.15, 0.20)), ((0.45, 0.40), (0.50, 0.55))
    a1 = [sum(w * xi for w, xi in zip(row, x)) + 0.35 for row in w1]
    z1 = [sigma(a) for a in a1]
    a2 = [sum(w * zi for w, zi in zip(row, z1)) + 0.60 for row in w2]
    h = [sigma(a) for a in a2]
    E = sum((hk - yk) ** 2 for hk, yk in zip(h, y))
    d2 = [2 * (hk - yk) * hk * (1 - hk) for hk, yk in zip(h, y)]  # E has no ½; σ outputs
    d1 = [z1[j] * (1 - z1[j]) * sum(w2[k][j] * d2[k] for k in (0, 1)) for j in (0, 1)]
    return x, a1, z1, a2, h, E, d1, d2


def test_bishop_222_true_gradients():
    g = graph("bishop-2-2-2")
    x, a1, z1, a2, h, E, d1, d2 = _bishop_by_hand()
    assert_values(g, {"a1_1": a1[0], "a1_2": a1[1], "z1_1": z1[0], "z1_2": z1[1]})
    assert_values(g, {"a2_1": a2[0], "a2_2": a2[1], "h1": h[0], "h2": h[1], "E": E})
    for j in (1, 2):
        assert g.grad(f"a2_{j}") == pytest.approx(d2[j - 1])
        assert g.grad(f"a1_{j}") == pytest.approx(d1[j - 1])
        for i in (1, 2):
            assert g.grad(f"W2_{j}{i}") == pytest.approx(d2[j - 1] * z1[i - 1])
            assert g.grad(f"W1_{j}{i}") == pytest.approx(d1[j - 1] * x[i - 1])


def test_tanh_linear_delta_rules():
    g = graph("tanh-linear")
    x, y = (0.5, -0.3), (0.2, -0.1)
    w1, b1 = ((0.3, -0.2), (0.1, 0.4), (-0.5, 0.2)), (0.1, -0.1, 0.05)
    w2, b2 = ((0.6, -0.4, 0.3), (-0.2, 0.5, 0.1)), (0.0, 0.1)
    z = [math.tanh(sum(w * xi for w, xi in zip(row, x)) + b) for row, b in zip(w1, b1)]
    h = [sum(w * zj for w, zj in zip(row, z)) + b for row, b in zip(w2, b2)]
    assert g.value("E") == pytest.approx(0.5 * sum((hk - yk) ** 2 for hk, yk in zip(h, y)))
    dk = [hk - yk for hk, yk in zip(h, y)]
    dj = [(1 - z[j] ** 2) * sum(w2[k][j] * dk[k] for k in (0, 1)) for j in range(3)]
    for j in range(3):
        for i in range(2):
            assert g.grad(f"W1_{j + 1}{i + 1}") == pytest.approx(dj[j] * x[i])
        for k in range(2):
            assert g.grad(f"W2_{k + 1}{j + 1}") == pytest.approx(dk[k] * z[j])


def test_delta_rule_network():
    g = graph("delta-rule")
    x, y = (0.6, -0.2, 0.9), (0.1, 0.8)
    wjk, bj = ((0.2, -0.3, 0.4), (-0.1, 0.5, 0.3)), (0.1, -0.2)
    wij, bi = ((0.7, -0.4), (0.3, 0.6)), (0.05, -0.05)
    aj = [sigma(sum(w * v for w, v in zip(row, x)) + b) for row, b in zip(wjk, bj)]
    ai = [sigma(sum(w * v for w, v in zip(row, aj)) + b) for row, b in zip(wij, bi)]
    assert g.value("C") == pytest.approx(0.5 * sum((yi - a) ** 2 for yi, a in zip(y, ai)))
    di = [(a - yi) * a * (1 - a) for a, yi in zip(ai, y)]
    dj = [sum(wij[i][j] * di[i] for i in (0, 1)) * aj[j] * (1 - aj[j]) for j in (0, 1)]
    for i in (0, 1):
        assert g.grad(f"b_i{i + 1}") == pytest.approx(di[i])
        for j in (0, 1):
            assert g.grad(f"w_i{i + 1}{j + 1}") == pytest.approx(di[i] * aj[j])
    for j in (0, 1):
        for k in (0, 1, 2):
            assert g.grad(f"w_j{j + 1}{k + 1}") == pytest.approx(dj[j] * x[k])


def test_delta_rule_momentum_steps():
    # Δw(t) = −η δ a + α Δw(t − 1): the first change is −η·∂C/∂w, the second adds α times it
    lines = EXAMPLES["delta-rule"].lines(graph("delta-rule"))
    changes = [float(line.split("Δw_i11 = ")[1].split(",")[0]) for line in lines[1:]]
    grads = [float(line.split("∂C/∂w_i11 = ")[1].split(",")[0]) for line in lines[1:]]
    assert changes[0] == pytest.approx(-0.5 * grads[0], abs=1e-6)
    assert changes[1] == pytest.approx(-0.5 * grads[1] + 0.9 * changes[0], abs=2e-6)


def test_gates_and_the_squared_loss():
    g = graph("mul-gate")
    assert (g.value("z"), g.grad("x"), g.grad("y"), g.grad("z")) == (6.0, 15.0, 10.0, 5.0)
    g = graph("x-times-w")
    assert (g.value("y_hat"), g.value("loss"), g.grad("w"), g.grad("y_hat")) == (1.0, 1.0, -2.0, -2.0)


def test_linear_regression_printout_is_the_slides_byte_for_byte():
    # The slide's own program, with its hand-derived gradient 2x(xw − y), printed the slide's way.
    w, expected = 1.0, []
    for x, y in zip((1.0, 2.0, 3.0), (2.0, 4.0, 6.0)):
        grad = 2 * x * (x * w - y)
        w = w - 0.01 * grad
        expected.append(f"grad: {x} {y} {grad}")
        loss = (x * w - y) * (x * w - y)
    expected.append(f"progress: 0 {loss}")
    slide = [
        "grad: 1.0 2.0 -2.0",
        "grad: 2.0 4.0 -7.84",
        "grad: 3.0 6.0 -16.2288",
        "progress: 0 4.919240100095999",
    ]
    lines = EXAMPLES["linear-regression"].lines(graph("linear-regression"))
    assert lines == expected == slide


def test_softmax_cross_entropy():
    g = graph("softmax-ce")
    e = {c: math.exp(s) for c, s in (("cat", 3.2), ("car", 5.1), ("frog", -1.7))}
    p = {c: v / sum(e.values()) for c, v in e.items()}
    assert_values(g, {f"e_{c}": v for c, v in e.items()} | {f"p_{c}": v for c, v in p.items()})
    assert g.value("L") == pytest.approx(-math.log(p["cat"]))
    assert_grads(g, {f"s_{c}": p[c] - (c == "cat") for c in p})


def test_hinge_losses_and_gradients():
    g = graph("hinge")
    columns = {1: (3.2, 5.1, -1.7, 0), 2: (1.3, 4.9, 2.0, 1), 3: (2.2, 2.5, -3.1, 2)}
    losses = []
    for i, (*s, true) in columns.items():
        margins = [s[j] - s[true] + 1 for j in range(3) if j != true]
        losses.append(sum(max(0.0, m) for m in margins))
        assert g.value(f"L_{i}") == pytest.approx(losses[-1])
        for j, cls in enumerate(("cat", "car", "frog")):
            if j == true:
                expected = -sum(m > 0 for m in margins) / 3
            else:
                expected = (s[j] - s[true] + 1 > 0) / 3
            assert g.grad(f"s{i}_{cls}") == pytest.approx(expected)
    assert g.value("L") == pytest.approx(sum(losses) / 3)


def test_numerical_gradient_example_loss_and_gradient():
    g = graph("numerical-gradient")
    W = (0.34, -1.11, 0.78, 0.12, 0.55, 2.81, -3.1, -1.5, 0.33)
    x = (1.0, -0.5, 0.25)
    s = [sum(W[3 * r + c] * x[c] for c in range(3)) for r in range(3)]
    p = [math.exp(v) / sum(math.exp(u) for u in s) for v in s]
    assert g.value("loss") == pytest.approx(-math.log(p[0]))
    for r in range(3):
        for c in range(3):
            assert g.grad(f"W_{3 * r + c + 1}") == pytest.approx((p[r] - (r == 0)) * x[c])


def test_softmax_output_network_by_hand():
    g = graph("softmax-output")
    W = {
        1: ((0.2, -0.4, 0.1), (0.5, 0.3, -0.2), (-0.3, 0.1, 0.4)),
        2: ((0.6, -0.1, 0.2), (-0.5, 0.4, 0.3), (0.1, 0.2, -0.6)),
        3: ((0.7, -0.3, 0.5), (-0.4, 0.6, 0.2)),
    }
    b = {1: (0.1, 0.0, -0.1), 2: (0.05, -0.05, 0.0), 3: (0.2, -0.2)}
    hs = {0: [0.5, -1.0, 0.25]}
    for k, act in ((1, sigma), (2, sigma)):  # one g for every hidden layer, as the deck writes it
        hs[k] = [act(bi + sum(w * h for w, h in zip(row, hs[k - 1]))) for row, bi in zip(W[k], b[k])]
    a3 = [bi + sum(w * h for w, h in zip(row, hs[2])) for row, bi in zip(W[3], b[3])]
    y_hat = [math.exp(a) / sum(math.exp(u) for u in a3) for a in a3]
    assert g.value("L") == pytest.approx(-math.log(y_hat[0]))
    # backward by the slides' formulas, written out again
    ga = {3: [y_hat[0] - 1, y_hat[1]]}
    assert g.grad("yhat_1") == pytest.approx(-1 / y_hat[0])  # ∂L/∂ŷ_i = −1(i = ℓ)/ŷ_ℓ
    assert g.grad("yhat_2") == 0.0
    for k, deriv in ((2, lambda h: h * (1 - h)), (1, lambda h: h * (1 - h))):
        gh = [sum(W[k + 1][i][j] * ga[k + 1][i] for i in range(len(W[k + 1]))) for j in range(3)]
        ga[k] = [gh[j] * deriv(hs[k][j]) for j in range(3)]
    for k in (1, 2, 3):
        for i, gi in enumerate(ga[k], 1):
            assert g.grad(f"b{k}_{i}") == pytest.approx(gi)
            for j, h in enumerate(hs[k - 1], 1):
                assert g.grad(f"W{k}_{i}{j}") == pytest.approx(gi * h)


def test_deep_thin_path_product():
    g = graph("deep-thin")
    h, hs = 1.0, []
    for _ in range(4):
        h = sigma(0.8 * h + 0.1)
        hs.append(h)
    product = h - 0.0  # ∂L/∂ŷ for L = ½(ŷ − y)², y = 0
    for k in range(3, -1, -1):
        product *= hs[k] * (1 - hs[k]) * (0.8 if k > 0 else 1.0)
    assert g.grad("W111") == pytest.approx(product)
    lines = EXAMPLES["deep-thin"].lines(g)
    magnitudes = [abs(float(line.split("= ")[1])) for line in lines[1:11]]
    assert magnitudes == sorted(magnitudes, reverse=True)  # it shrinks with every layer


def test_every_example_is_tested_here():
    tested = {
        "chen-2-2-2", "chen-losses", "activations", "xor-threshold", "bishop-2-2-2", "tanh-linear",
        "delta-rule", "mul-gate", "x-times-w", "linear-regression", "softmax-ce", "hinge",
        "numerical-gradient", "softmax-output", "deep-thin", "three-layer", "chen-chain", "n-patterns",
        "movie-rating", "output-losses",
    }  # fmt: skip
    assert set(EXAMPLES) == tested


def test_three_layer_network_error_signals_and_refresh():
    g = graph("three-layer")
    x1, x2, z, eta = 0.6, -0.4, 0.9, 0.5
    e1 = 0.2 * x1 - 0.3 * x2 + 0.1
    e2 = 0.4 * x1 + 0.1 * x2 - 0.1
    e3 = -0.5 * x1 + 0.3 * x2 + 0.05
    y1, y2, y3 = sigma(e1), sigma(e2), sigma(e3)
    y4 = sigma(0.3 * y1 - 0.2 * y2 + 0.5 * y3 + 0.0)
    y5 = sigma(-0.4 * y1 + 0.6 * y2 + 0.1 * y3 + 0.2)
    y6 = sigma(0.7 * y4 - 0.3 * y5 - 0.05)
    delta = z - y6
    assert_values(g, {"y_1": y1, "y_4": y4, "y_6": y6, "δ": delta, "loss": 0.5 * delta**2})
    fp = {n: y * (1 - y) for n, y in zip(range(1, 7), (y1, y2, y3, y4, y5, y6))}  # λ = 1
    d4, d5 = delta * 0.7 * fp[6], delta * -0.3 * fp[6]
    d1 = d4 * 0.3 * fp[4] + d5 * -0.4 * fp[5]
    assert_grads(g, {"y_6": -delta, "y_4": -d4, "y_5": -d5, "y_1": -d1})
    # the refresh w′ = w + η·δ_n·f′_n·input is w − η·∂loss/∂w
    assert 0.2 - eta * g.grad("w_(x1)1") == pytest.approx(0.2 + eta * d1 * fp[1] * x1)
    assert 0.7 - eta * g.grad("w_46") == pytest.approx(0.7 + eta * delta * fp[6] * y4)
    lines = EXAMPLES["three-layer"].lines(g)
    assert any(line.split()[:2] == ["w_46", "+0.70"] for line in lines)


def test_three_layer_lambda_is_a_setting():
    from demos.examples.lesson4 import build_three_layer

    g = build_three_layer(lam=2.0)
    e1 = 0.2 * 0.6 - 0.3 * -0.4 + 0.1  # 0.34
    assert g.value("e_1") == pytest.approx(0.34)
    assert g.value("y_1") == pytest.approx(1 / (1 + math.exp(-2.0 * e1)))
    y6 = g.value("y_6")  # df_6(e)/de = λ·y(1 − y): ∂loss/∂e_6 = ∂loss/∂y_6 · 2·y6(1 − y6)
    assert g.grad("e_6") == pytest.approx(g.grad("y_6") * 2.0 * y6 * (1 - y6))
    assert all(check.agrees for check in EXAMPLES["three-layer"].checks(g))


def test_chen_chain_of_activations():
    g = graph("chen-chain")
    a1 = sigma(0.5)
    a2 = sigma(a1)
    a3 = sigma(a2)
    assert g.value("a3") == pytest.approx(a3)
    product = (
        a3 * (1 - a3) * a2 * (1 - a2) * a1 * (1 - a1)
    )  # f′(a2)·f′(a1)·f′(a0), f′(a_k) = a_k+1(1 − a_k+1)
    assert g.grad("a0") == pytest.approx(product)
    assert product < 0.25**3


def test_n_pattern_cost_is_the_mean_of_the_pattern_costs():
    g = graph("n-patterns")
    patterns = [
        ((0.6, -0.2, 0.9), (0.1, 0.8)),
        ((-0.3, 0.8, 0.1), (0.9, 0.2)),
        ((0.5, 0.5, -0.7), (0.4, 0.6)),
    ]
    wjk, bj = ((0.2, -0.3, 0.4), (-0.1, 0.5, 0.3)), (0.1, -0.2)
    wij, bi = ((0.7, -0.4), (0.3, 0.6)), (0.05, -0.05)
    costs, grad_w_i11 = [], 0.0
    for x, y in patterns:
        aj = [sigma(sum(w * v for w, v in zip(row, x)) + b) for row, b in zip(wjk, bj)]
        ai = [sigma(sum(w * v for w, v in zip(row, aj)) + b) for row, b in zip(wij, bi)]
        costs.append(sum(0.5 * (yi - a) ** 2 for yi, a in zip(y, ai)))
        grad_w_i11 += (ai[0] - y[0]) * ai[0] * (1 - ai[0]) * aj[0] / 3
    assert g.value("C") == pytest.approx(sum(costs) / 3)
    assert [g.value(f"C^({p})") for p in (1, 2, 3)] == pytest.approx(costs)
    assert g.grad("C^(2)") == pytest.approx(1 / 3)
    assert g.grad("w_i11") == pytest.approx(grad_w_i11)
    assert g.value("C^(1)") == pytest.approx(graph("delta-rule").value("C"))  # pattern 1 is delta-rule's


def test_movie_rating_linear_output_squared_error():
    g = graph("movie-rating")
    h1, h2 = sigma(0.5 - 0.3 + 0.1), sigma(0.2 + 0.8 - 0.2)
    y_hat = (1.0 * h1 + 0.5 * h2 + 6.5, 0.6 * h1 + 1.2 * h2 + 7.0, 0.8 * h1 + 0.9 * h2 + 6.8)
    y = (7.5, 8.2, 7.7)
    assert g.value("L") == pytest.approx(sum((p - t) ** 2 for p, t in zip(y_hat, y)))
    d = [2 * (p - t) for p, t in zip(y_hat, y)]
    assert_grads(g, {"yhat_imdb": d[0], "yhat_critics": d[1], "yhat_RT": d[2], "W2_32": d[2] * h2})
    back = 1.0 * d[0] + 0.6 * d[1] + 0.8 * d[2]
    assert g.grad("a1_1") == pytest.approx(back * h1 * (1 - h1))


def test_output_activation_loss_table():
    g = graph("output-losses")
    # linear ↔ squared error: ∂L/∂a = 2(a − y)
    assert g.grad("rating.a_imdb") == pytest.approx(2 * (7.1 - 7.5))
    assert g.grad("rating.a_critics") == pytest.approx(2 * (8.6 - 8.2))
    assert g.grad("rating.a_RT") == pytest.approx(2 * (7.4 - 7.7))
    # softmax ↔ cross-entropy: ∂L/∂a = ŷ − e(ℓ), ∂L/∂ŷ_i = −1(i = ℓ)/ŷ_ℓ
    e = [math.exp(a) for a in (2.0, 0.5, -1.0, 0.3)]
    p = [v / sum(e) for v in e]
    assert g.value("fruit.L") == pytest.approx(-math.log(p[0]))
    for fruit, pi, onehot in zip(("apple", "mango", "orange", "banana"), p, (1, 0, 0, 0)):
        assert g.grad(f"fruit.a_{fruit}") == pytest.approx(pi - onehot)
        assert g.grad(f"fruit.yhat_{fruit}") == pytest.approx(-1 / p[0] if onehot else 0.0)
    table = EXAMPLES["output-losses"].lines(g)
    assert table[1].split()[:4] == ["real", "values", "linear", "squared"]
    assert table[2].split()[:4] == ["probabilities", "softmax", "cross", "entropy"]


def test_bishop_part_d_both_readings_and_the_final_update():
    g = graph("bishop-2-2-2")
    x, _, z1, _, h, E, d1, d2 = _bishop_by_hand()
    lines = EXAMPLES["bishop-2-2-2"].lines(g)
    text = "\n".join(lines)
    assert f"E = ‖h − y‖² = {E:.6f}" in text and f"E_n = ½‖h − y‖² = {E / 2:.6f}" in text
    row = next(line.split() for line in lines if line.split()[:1] == ["W2_22"])
    # slide, recipe (h − y)·z, E's gradient, E_n's gradient (half of it)
    assert row[1] == "-12.8"
    assert float(row[2]) == pytest.approx((h[1] - 0.99) * z1[1], rel=1e-4)
    assert float(row[3]) == pytest.approx(d2[1] * z1[1], rel=1e-4)
    assert float(row[4]) == pytest.approx(d2[1] * z1[1] / 2, rel=1e-4)
    # the slide's final update W′ ← W − η ∂E/∂W, η = 0.5
    assert f"  W2_11′ = 0.45 − 0.5 × {d2[0] * z1[0]:+.6f} = {0.45 - 0.5 * d2[0] * z1[0]:.6f}" in lines
    assert f"  W1_22′ = 0.20 − 0.5 × {d1[1] * x[1]:+.6f} = {0.20 - 0.5 * d1[1] * x[1]:.6f}" in lines


def test_bishop_minus_12_8_is_the_unrounded_delta_times_the_rounded_z():
    # δ₂ = h₂ − y₂ unrounded (−0.2171), z₂ rounded to 0.59, times the slide's stray 100
    h = _bishop_by_hand()[4]
    assert round(100 * (h[1] - 0.99) * 0.59, 1) == -12.8
    assert round(100 * -0.22 * 0.59, 1) == -13.0  # the rounded δ would not give it
    claim = next(c for c in EXAMPLES["bishop-2-2-2"].claims if c.quantity == "∂E/∂W2_22")
    assert round(claim.erratum.reproduce(graph("bishop-2-2-2")), 1) == -12.8
    assert "unrounded" in claim.erratum.reason and "0.59" in claim.erratum.reason


def test_bishop_hidden_recursion_on_the_slide_numbers():
    g = graph("bishop-2-2-2")
    _, _, z1, _, h, _, _, _ = _bishop_by_hand()
    d2 = [2 * (h[0] - 0.01) * h[0] * (1 - h[0]), 2 * (h[1] - 0.99) * h[1] * (1 - h[1])]
    for j, column in ((0, (0.45, 0.50)), (1, (0.40, 0.55))):  # w_kj: column j of W⁽²⁾
        expected = z1[j] * (1 - z1[j]) * (column[0] * d2[0] + column[1] * d2[1])
        assert g.grad(f"a1_{j + 1}") == pytest.approx(expected)


def test_activation_table_derivatives_at_zero_follow_pytorch():
    g = graph("activations")
    assert g.grad("x_relu_zero") == 0.0
    assert g.grad("x_leaky_relu_zero") == 0.01
    stated = {c.quantity: c.slide for c in EXAMPLES["activations"].claims}
    assert stated == {"relu′(0)": "1", "leaky_relu′(0)": "1"}
