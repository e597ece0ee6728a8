"""matrix_form: every matrix of the view against an independent NumPy computation (forward by NumPy's
own activation formulas, backward from central differences at the output through the matrix
recurrences), against PyTorch's weight.grad and bias.grad, and against the nodes' .grad on random
MLPs; graphs that are not networks raise LayerError naming the node; the decks' output rules."""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value
from autograd.explain import BISHOP, Notation, OutputRule, matrix_form
from autograd.explain import matrix as matrix_module
from autograd.layers import LayerError
from demos.examples.catalog import get
from tests.support.matrices import MLP_CASES, NETWORK_EXAMPLES, array, mlp_loss, reference

try:
    import torch
except ImportError:
    torch = None


def cases():
    for name in NETWORK_EXAMPLES:
        example = get(name)
        for k in range(len(example.build().outputs)):
            yield pytest.param(name, k, id=f"{name}-{k + 1}")


def build(name: str, k: int):
    example = get(name)
    out = example.build().outputs[k]
    rule = example.output_rules[k] if k < len(example.output_rules) else None
    return out, matrix_form(out, example.notation, rule)


def h_name(n: Notation, k: int, layers: int) -> str:
    return n.input if k == 0 else n.output if k == layers else n.name(n.hidden, k)


def named(form, name: str):
    """The last equation whose result is called `name`."""
    found = [eq for eq in form.equations if eq.result.name == name]
    assert found, f"no equation for {name!r}: {[eq.result.name for eq in form.equations]}"
    return found[-1]


def check_against_reference(form, loss, rtol=1e-6, atol=1e-8):
    n, layers = form.notation, form.network.layers
    ref = reference(form.network, loss)
    close = lambda got, want: np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)  # noqa: E731
    for k, (layer, r) in enumerate(zip(layers, ref), 1):
        forward = [eq for eq in form.equations if eq.kind == "forward" and eq.layer == k]
        a_eq = forward[0]
        W, h_in, b = a_eq.operands
        assert a_eq.ops == ("·", "+") and a_eq.result.name == n.name(n.net, k)
        close(array(W), r["W"])
        close(array(h_in), r["x"])
        close(array(b), r["b"])
        close(array(a_eq.result), r["a"])
        close(np.array(a_eq.computed), r["a"])
        if layer.activation is not None:
            close(array(forward[1].result), r["h"])
        dW = named(form, n.gradient(n.name(n.weight, k)))
        close(array(dW.result), r["dW"])
        close(array(dW.operands[0]), r["da"])  # ∇_{aₖ} L as the product uses it
        close(array(named(form, n.gradient(n.name(n.bias, k))).result), r["db"])
        if k > 1:
            dh = named(form, n.gradient(h_name(n, k - 1, len(layers))))
            close(array(dh.result), r["dx"])
    assert form.agrees


@pytest.mark.parametrize(("name", "k"), list(cases()))
def test_every_matrix_of_every_network_example_is_numpys(name, k):
    out, form = build(name, k)
    check_against_reference(form, out)


@pytest.mark.parametrize(
    ("sizes", "activation", "output", "patterns"),
    [
        ((2, 3, 1), "tanh", "linear", 1),
        ((3, 4, 2), "sigmoid", "sigmoid", 1),
        ((2, 3, 3, 2), "relu", "linear", 3),
        ((1, 2, 1), "softplus", "tanh", 4),
        ((4, 5, 5, 5, 3), "tanh", "linear", 2),
    ],
)
def test_every_matrix_of_an_mlp_is_numpys(sizes, activation, output, patterns):
    *_, loss = mlp_loss(sizes, activation, output, patterns)
    check_against_reference(matrix_form(loss), loss)


# --- PyTorch ---------------------------------------------------------------------------------------


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize(
    ("sizes", "activation", "output", "patterns", "reduction"),
    [
        ((2, 3, 1), "tanh", "linear", 1, "sum"),
        ((3, 4, 2), "sigmoid", "sigmoid", 1, "mean"),
        ((2, 3, 3, 2), "relu", "linear", 5, "sum"),
        ((2, 4, 3), "tanh", "tanh", 4, "mean"),
        ((1, 2, 2, 1), "softplus", "linear", 3, "half_sum"),
    ],
)
def test_the_gradient_matrices_are_pytorchs(sizes, activation, output, patterns, reduction):
    rng = random.Random(7)
    model = nn.MLP(sizes[0], list(sizes[1:]), activation=activation, output_activation=output, seed=3)
    xs = [[rng.uniform(-1, 1) for _ in range(sizes[0])] for _ in range(patterns)]
    ys = [[rng.uniform(-1, 1) for _ in range(sizes[-1])] for _ in range(patterns)]
    loss = nn.mse_loss([model(x) for x in xs], ys, reduction=reduction)
    form = matrix_form(loss)
    assert form.network.patterns == patterns and form.agrees
    net = model.to_torch()
    X, Y = torch.tensor(xs, dtype=torch.float64), torch.tensor(ys, dtype=torch.float64)
    e = ((net(X) - Y) ** 2).sum()
    (e / Y.numel() if reduction == "mean" else e / 2 if reduction == "half_sum" else e).backward()
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    n = form.notation
    for k, linear in enumerate(linears, 1):
        dW = array(named(form, n.gradient(n.name(n.weight, k))).result)
        db = array(named(form, n.gradient(n.name(n.bias, k))).result)[:, 0]
        np.testing.assert_allclose(dW, linear.weight.grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(db, linear.bias.grad.numpy(), rtol=1e-12, atol=1e-12)
        if patterns > 1:  # ∇W = Δ Hᵀ sums over the patterns: the shape check says n
            eq = named(form, n.gradient(n.name(n.weight, k)))
            assert eq.operands[0].shape[1] == patterns and eq.operands[1].shape[0] == patterns


# --- random networks: the view agrees with the engine's .grad ---------------------------------------


@given(**MLP_CASES)
def test_random_mlps_agree_with_every_nodes_grad(sizes, activation, linear_output, patterns, seed):
    output = "linear" if linear_output and len(sizes) > 2 else activation
    *_, loss = mlp_loss(tuple(sizes), activation, output, patterns, seed)
    form = matrix_form(loss)
    assert [layer.shape for layer in form.network.layers] == [(k, d) for d, k in itertools.pairwise(sizes)]
    assert form.agrees
    loss.backward()
    n = form.notation
    for k, layer in enumerate(form.network.layers, 1):
        dW = named(form, n.gradient(n.name(n.weight, k)))
        assert dW.result.values == tuple(tuple(w.grad for w in row) for row in layer.weights)
        db = named(form, n.gradient(n.name(n.bias, k)))
        assert db.result.values == tuple((b.grad,) for b in layer.biases)
        delta = dW.operands[0]
        assert delta.values == tuple(zip(*((a.grad for a in col) for col in layer.nets)))
        if k > 1:
            dh = named(form, n.gradient(h_name(n, k - 1, len(form.network.layers))))
            assert dh.result.values == tuple(zip(*((x.grad for x in col) for col in layer.inputs)))


def _hand_network(sizes, patterns, seed, defect=None, where=(0, 0, 0)):
    """A labelled network over patterns (a{k}_{i}^(p), h{k}_{i}^(p)), with one defect at (layer, unit,
    pattern) if asked: "product", "subtracted", "two biases", "missing"."""
    rng = random.Random(seed)
    W = [[[Value(rng.uniform(-1, 1), f"W{k}_{i}{j}") for j in range(d)] for i in range(m)]
         for k, (d, m) in enumerate(itertools.pairwise(sizes), 1)]  # fmt: skip
    B = [[Value(rng.uniform(-1, 1), f"b{k}_{i}") for i in range(m)] for k, m in enumerate(sizes[1:], 1)]
    total = Value(0.0)
    for p in range(1, patterns + 1):
        h = [Value(rng.uniform(-1, 1), f"x{j}^({p})") for j in range(sizes[0])]
        for k in range(1, len(sizes)):
            out = []
            for i in range(sizes[k]):
                here = (k, i, p) == where
                if here and defect == "missing":
                    continue
                terms = [w * x for w, x in zip(W[k - 1][i], h)]
                net = terms[0]
                for t in terms[1:]:
                    net = net - t if here and defect == "subtracted" else net + t
                if here and defect == "product":
                    net = net + h[0] * h[-1]
                net = net + B[k - 1][i]
                if here and defect == "two biases":
                    net = net + 0.5 + 0.25
                out.append(net.named(f"a{k}_{i}^({p})").sigmoid().named(f"h{k}_{i}^({p})"))
            h = out
        total = total + sum(h, Value(0.0))
    return total


@given(
    sizes=st.lists(st.integers(2, 4), min_size=3, max_size=4),
    patterns=st.integers(1, 3),
    defect=st.sampled_from(["product", "subtracted", "two biases", "missing"]),
    data=st.data(),
)
def test_graphs_that_are_not_networks_name_the_node(sizes, patterns, defect, data):
    if defect == "missing":
        patterns = max(patterns, 2)
    k = data.draw(st.integers(2 if defect == "product" else 1, len(sizes) - 1))
    i = data.draw(st.integers(0, sizes[k] - 1))
    p = data.draw(st.integers(2 if defect == "missing" else 1, patterns))
    root = _hand_network(sizes, patterns, 0, defect, (k, i, p))
    with pytest.raises(LayerError) as error:
        matrix_form(root)
    said = str(error.value)
    if defect == "missing":  # the unit the pattern lacks, as the first pattern names it
        assert f"pattern {p} has no unit like 'h{k}_{i}^(1)'" in said, said
    elif defect == "product":
        assert f"multiplies 'h{k - 1}_0^({p})' by 'h{k - 1}_{sizes[k - 1] - 1}^({p})'" in said, said
    else:
        assert f"'a{k}_{i}^({p})'" in said, said


def test_a_hand_built_network_over_patterns_is_a_network():
    root = _hand_network((3, 4, 2), 3, 1)
    form = matrix_form(root)
    assert [layer.shape for layer in form.network.layers] == [(4, 3), (2, 4)] and form.network.patterns == 3
    check_against_reference(form, root)


# --- output rules ------------------------------------------------------------------------------------


def test_softmax_output_rule_is_the_engines_gradient():
    _, form = build("softmax-output", 0)
    (rule,) = [eq for eq in form.equations if eq.kind == "rule"]
    assert rule.agrees
    y_hat, e = rule.operands
    np.testing.assert_allclose(array(rule.result), array(y_hat) - array(e), atol=1e-15)
    assert array(e).tolist() == [[1.0], [0.0]]
    np.testing.assert_allclose(array(rule.result), np.array(rule.computed), rtol=1e-9)
    assert form.agrees


def test_bishops_canonical_rule_disagrees_and_the_view_says_so():
    _, form = build("bishop-2-2-2", 0)
    (rule,) = [eq for eq in form.equations if eq.kind == "rule"]
    assert not rule.agrees and "canonical" in rule.note
    np.testing.assert_allclose(array(rule.result), [[0.7514 - 0.01], [0.7729 - 0.99]], atol=1e-4)
    delta = named(form, BISHOP.name(BISHOP.delta, 2))  # the engine's δ⁽²⁾, by ∂E/∂h ⊙ σ′(a⁽²⁾)
    assert delta.ops == ("⊙",) and delta.agrees
    # Graph ran backward already: .grad holds the engine's gradient of E
    assert [row[0] for row in delta.result.values] == [a.grad for a in form.network.layers[1].nets[0]]
    assert form.agrees  # the rule is the slide's; the engine's equations all hold


def test_movie_ratings_scaled_rule_agrees():
    _, form = build("movie-rating", 0)
    (rule,) = [eq for eq in form.equations if eq.kind == "rule"]
    assert rule.agrees and rule.scale != 1
    y_hat, y = rule.operands
    np.testing.assert_allclose(array(rule.result), rule.scale * (array(y_hat) - array(y)), rtol=1e-12)


def test_output_losses_has_only_the_output_rules():
    example = get("output-losses")
    for k, out in enumerate(example.build().outputs):
        form = matrix_form(out, example.notation, example.output_rules[k])
        assert form.network.layers == () and [eq.kind for eq in form.equations][-1] == "rule"
        assert form.equations[-1].agrees
        loss = form.equations[-2]  # the forward pass ends with the loss's value
        assert loss.result.name == form.notation.loss and loss.result.values == ((out.data,),)


def test_a_wrong_rule_without_a_note_is_refused():
    example = get("softmax-output")
    out = example.build().outputs[0]
    with pytest.raises(ValueError, match=r"does not fit this loss.*the example file's \[matrix\] note"):
        matrix_form(out, example.notation, replace(example.output_rules[0], label=2))
    # a class the output does not have is said as such, not as a rule that differs
    with pytest.raises(ValueError, match=r"softmax-ce: label 3: the output has 2 classes$"):
        matrix_form(out, example.notation, replace(example.output_rules[0], label=3))
    with pytest.raises(ValueError, match="has no layers"):
        matrix_form(Value(2.0, "x") * Value(3.0, "y"))


def test_targets_given_pattern_by_pattern():
    model = nn.MLP(2, [3, 2], activation="tanh", seed=2)
    xs, ys = [[0.1, 0.2], [0.3, -0.4]], [[0.5, -0.5], [1.0, 0.0]]
    targets = [[Value(t, f"y{i}^({p})") for i, t in enumerate(row, 1)] for p, row in enumerate(ys, 1)]
    loss = 0.5 * nn.squared_loss([model(x) for x in xs], targets)
    names = tuple(t.label for row in targets for t in row)
    form = matrix_form(loss, rule=OutputRule("linear-se", targets=names))
    (rule,) = [eq for eq in form.equations if eq.kind == "rule"]
    assert rule.agrees and rule.result.shape == (2, 2)
    bad = OutputRule("linear-se", targets=names[::-1])
    with pytest.raises(ValueError, match=r"does not fit this loss"):
        matrix_form(loss, rule=bad)  # every column compared, not only the first pattern's
    with pytest.raises(ValueError, match="names 3 targets"):
        matrix_form(loss, rule=OutputRule("linear-se", targets=names[:3]))


# --- size ----------------------------------------------------------------------------------------------


def test_a_big_network_is_a_view_within_the_entry_limit():
    # the docstring's example: nn.MLP(2, [16, 16, 1]) over 100 patterns is shown, not refused, and every
    # gradient matrix holds the engine's .grad (how long it takes is the benchmarks' business, not a test's)
    rng = random.Random(0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    xs = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(100)]
    loss = nn.mse_loss([model(x) for x in xs], [[0.0]] * 100)
    form = matrix_form(loss)
    assert [layer.shape for layer in form.network.layers] == [(16, 2), (16, 16), (1, 16)]
    assert form.network.patterns == 100 and form.agrees
    # x: 2·100; per layer 2·k·d + 2·k + 4·k·100: 16×2 → 6,496, 16×16 → 6,944, 1×16 → 434
    assert matrix_module.entries(form.network) == 200 + 6_496 + 6_944 + 434 < matrix_module.MAX_ENTRIES
    loss.backward()  # the view leaves .grad alone: the engine's own gradients, for the comparison
    n = form.notation
    close = lambda got, want: np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)  # noqa: E731
    for k, layer in enumerate(form.network.layers, 1):
        dW = array(named(form, n.gradient(n.name(n.weight, k))).result)
        db = array(named(form, n.gradient(n.name(n.bias, k))).result)
        close(dW, [[w.grad for w in row] for row in layer.weights])
        close(db, [[b.grad] for b in layer.biases])


def test_a_view_past_the_entry_limit_is_refused(monkeypatch):
    *_, loss = mlp_loss((3, 4, 2), "tanh", "linear", 5)
    count = matrix_module.entries(matrix_form(loss).network)
    # x: 3·5; layer 1: 2·12 + 2·4 + 4·4·5; layer 2: 2·8 + 2·2 + 4·2·5
    assert count == 15 + 24 + 8 + 80 + 16 + 4 + 40
    monkeypatch.setattr(matrix_module, "MAX_ENTRIES", count - 1)
    with pytest.raises(ValueError, match=f"{count} matrix entries .* more than {count - 1}"):
        matrix_form(loss)


# --- review findings: equations that hold, the output and the loss, structural zeros ---------------


def shared_weight_loss():
    """Review finding 3: w1 weighs x1 into net_h1 and h1 into net_o (a weight of two layers)."""
    x1, x2, w1, b1 = Value(1.0, "x1"), Value(2.0, "x2"), Value(0.1, "w1"), Value(0.2, "b1")
    h1 = (w1 * x1 + Value(0.2, "w2") * x2 + b1).named("net_h1").sigmoid().named("h1")
    h2 = (Value(0.3, "w3") * x1 + Value(0.4, "w4") * x2 + b1).named("net_h2").sigmoid().named("h2")
    o = (w1 * h1 + Value(0.6, "w6") * h2 + Value(0.3, "b3")).named("net_o").sigmoid().named("o")
    return (0.5 * (o - Value(1.0, "t")) ** 2).named("L")


def test_a_shared_weights_gradient_equation_is_true_with_its_other_paths():
    loss = shared_weight_loss()
    form = matrix_form(loss)
    loss.backward()
    for k in (1, 2):
        eq = named(form, rf"\nabla_{{W_{{{k}}}}} L")
        delta, h_t, other = eq.operands
        assert eq.ops == ("·", "+") and other.name == r"\text{other paths}" and eq.agrees
        # the printed right side, multiplied out, is the printed left side
        np.testing.assert_allclose(array(delta) @ array(h_t) + array(other), array(eq.result), atol=1e-15)
        w1 = form.network.layers[k - 1].weights[0][0]
        assert eq.result.values[0][0] == w1.grad and "w1 also reaches the loss" in eq.note
        assert np.count_nonzero(array(other)) == 1  # only w1's entry has another path
    assert all(eq.agrees for eq in form.equations)


def missing_connection_loss():
    """Review finding 8: net_h1 = w1·x1 + b1 reads no x2; net_h2 has no bias; net_o has none either."""
    x1, x2 = Value(1.0, "x1"), Value(2.0, "x2")
    h1 = (Value(0.1, "w1") * x1 + Value(0.2, "b1")).named("net_h1").sigmoid().named("h1")
    h2 = (Value(0.3, "w3") * x1 + Value(0.4, "w4") * x2).named("net_h2").sigmoid().named("h2")
    o = (Value(0.5, "w5") * h1 + Value(0.6, "w6") * h2).named("net_o").sigmoid().named("o")
    return (0.5 * (o - Value(1.0, "t")) ** 2).named("L")


def test_a_missing_connection_has_no_weight_and_no_gradient():
    loss = missing_connection_loss()
    form = matrix_form(loss)
    loss.backward()
    a1, a2 = (named(form, rf"a_{{{k}}}") for k in (1, 2))
    W1 = a1.operands[0]
    assert np.isnan(W1.values[0][1]) and W1.nodes[0][1] is None and W1.values[1] == (0.3, 0.4)
    assert np.isnan(a1.operands[2].values[1][0])  # net_h2 adds no bias: b₁'s row 2 is ·
    np.testing.assert_allclose(array(a1.result), np.array(a1.computed))
    dW1 = named(form, r"\nabla_{W_{1}} L")
    assert np.isnan(dW1.result.values[0][1]) and dW1.agrees
    assert dW1.result.values[0][0] == form.network.layers[0].weights[0][0].grad
    for eq in (a1, dW1):
        assert "row 1, column 2 (net_h1 does not read x2)" in eq.note
    # the output layer adds no bias: no b₂ in its forward equation and no ∇b₂
    assert a2.ops == ("·",) and len(a2.operands) == 2
    assert not [eq for eq in form.equations if eq.result.name == r"\nabla_{b_{2}} L"]
    assert form.agrees


def forward_end(form):
    return [eq for eq in form.equations if eq.kind == "forward"][-2:]


def test_softmax_outputs_forward_pass_ends_with_y_hat_and_the_loss():
    out, form = build("softmax-output", 0)
    y_hat, loss = forward_end(form)
    assert y_hat.result.name == r"\hat{y}" and y_hat.function == r"\mathrm{softmax}" and y_hat.agrees
    assert y_hat.operands[0].name == "a_{3}"
    # the graph's own node where it has one (L = −log ŷ₁ reads only yhat_1), else softmax's number
    assert [row[0] and row[0].label for row in y_hat.result.nodes] == ["yhat_1", None]
    np.testing.assert_allclose(array(y_hat.result), np.array(y_hat.computed), rtol=1e-12)
    assert loss.result.name == "L" and loss.result.values == ((out.data,),) and loss.result.nodes[0][0] is out
    (rule,) = [eq for eq in form.equations if eq.kind == "rule"]
    assert rule.operands[0] is y_hat.result  # the ŷ the rule reads is the one the forward pass defined


@pytest.mark.parametrize(
    ("name", "output", "loss"),
    [("tanh-linear", "h", "E"), ("movie-rating", r"\hat{y}", "L"), ("chen-2-2-2", "o", "f")],
)
def test_the_output_the_backward_pass_names_is_defined_in_the_forward_pass(name, output, loss):
    out, form = build(name, 0)
    y_hat, value = forward_end(form)
    assert y_hat.result.name == output  # h = a⁽²⁾ (Bishop's linear output), ŷ = a₂, o = σ(net₂)
    assert value.result.name == loss and value.result.values == ((out.data,),)
    if form.network.layers[-1].activation is None:
        assert y_hat.operands[0].name == form.notation.name(form.notation.net, 2)
        assert array(y_hat.result).tolist() == array(y_hat.operands[0]).tolist()


def test_a_root_that_is_the_networks_output_has_no_loss_line():
    _, form = build("xor-threshold", 0)
    assert form.equations[[eq.kind for eq in form.equations].index("backward") - 1].function  # y = Th(a₂)
    first = next(eq for eq in form.equations if eq.kind == "backward")
    assert first.result.name == r"\nabla_{y} y" and first.result.values == ((1.0,),)  # not ∇_y L


def test_a_last_layer_no_loss_compares_keeps_its_hidden_name():
    x1, x2 = Value(1.0, "x1"), Value(2.0, "x2")
    h = [
        (Value(0.1 * i, f"w{i}1") * x1 + Value(0.2 * i, f"w{i}2") * x2 + Value(0.1, f"b{i}"))
        .named(f"net_h{i}")
        .sigmoid()
        .named(f"h{i}")
        for i in (1, 2)
    ]
    o = (h[0] * h[1]).named("o")  # review finding 9: no output layer
    form = matrix_form(o)
    names = [eq.result.name for eq in form.equations]
    assert r"\hat{y}" not in names and "h_{1}" in names
    assert form.equations[names.index("L")].result.values == ((o.data,),)


def test_a_scaled_activations_lambda_is_said_once_with_its_value():
    _, form = build("three-layer", 0)
    notes = [eq.note for eq in form.equations if "λ" in eq.note]
    assert len(notes) == 1 and "σ(λ·net input) with λ = 1;" in notes[0]


def test_a_slope_that_is_zero_everywhere_is_said_once_a_view():
    for k in range(4):  # XOR's four outputs: Th′ = 0 in both layers of every view
        _, form = build("xor-threshold", k)
        said = [eq for eq in form.equations if "no gradient flows back through Th" in eq.note]
        assert len(said) == 1 and said[0].operands[1].values == ((0.0,),)


def test_a_saturated_sigmoids_zero_slope_is_said_to_be_rounded():
    # σ′ is 0 nowhere; a review found "σ′ = 0 everywhere" for σ(1000), whose slope σ(1 − σ) rounds to 0
    w, x, b, t = Value(100.0, "w"), Value(10.0, "x"), Value(0.0, "b"), Value(0.0, "t")
    h = (w * x + b).named("net_1").sigmoid().named("h")
    loss = (0.5 * (t - h) ** 2).named("L")
    said = [eq.note for eq in matrix_form(loss).equations if "no gradient flows back" in eq.note]
    assert said == ["σ′ = 0 at every unit, σ saturated (its slope rounds to 0): no gradient flows back "
                    "through σ, so every gradient below is 0"]  # fmt: skip


def test_a_note_on_a_rule_that_agrees_keeps_saying_it_agrees():
    example = get("softmax-output")
    out = example.build().outputs[0]
    form = matrix_form(out, example.notation, replace(example.output_rules[0], note="as on slide 12"))
    (rule,) = [eq for eq in form.equations if eq.kind == "rule"]
    assert (
        rule.agrees and "the engine computed the same numbers" in rule.note and "as on slide 12" in rule.note
    )


def test_three_layers_vector_names_cannot_be_read_as_its_neurons_labels():
    from autograd import forward_order
    from autograd.explain.matrix_write import text_name

    out, form = build("three-layer", 0)
    # the graph's per-neuron labels as the view would write them (e_3 → e₃, b_3 → b₃)
    labels = {x.label for x in forward_order(out) if x.label and x is not out}  # the loss is the loss
    neurons = {text_name(re.sub(r"_(\w+)$", r"_{\1}", x)) for x in labels}
    names = {text_name(m.name) for eq in form.equations for m in (eq.result, *eq.operands)}
    assert not names & neurons, names & neurons
    assert {"e⁽¹⁾", "e⁽³⁾", "y⁽²⁾", "y⁽³⁾", "W⁽³⁾"} <= names
