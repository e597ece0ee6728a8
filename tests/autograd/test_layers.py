"""find_layers: a scalar graph's units grouped into layers, by structure; what is not a network is a
LayerError naming the node that breaks the pattern."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given

import nn
from autograd import Value
from autograd.layers import LayerError, find_layers
from demos.examples.catalog import get
from tests.support.matrices import MLP_CASES, NETWORK_EXAMPLES


def labels(rows) -> list[list[object]]:
    return [[x.label if isinstance(x, Value) else x for x in row] for row in rows]


def network_of(name: str, output: int = 0):
    return find_layers(get(name).build().outputs[output])


@pytest.mark.parametrize("name", NETWORK_EXAMPLES)
def test_every_network_example_groups_into_layers(name):
    net = network_of(name)
    assert net.layers
    for before, layer in zip(net.layers, net.layers[1:]):
        assert layer.inputs == before.outputs  # Hₖ₋₁ is the previous layer's output, column for column
    for layer in net.layers:
        k, d = layer.shape
        assert all(len(row) == d for row in layer.weights) and len(layer.biases) == k
        assert all(len(col) == d for col in layer.inputs)
        assert all(len(col) == k for col in (*layer.nets, *layer.outputs))


def test_bishop_weights_sit_where_their_labels_say():
    first, second = network_of("bishop-2-2-2").layers
    assert labels(first.weights) == [["W1_11", "W1_12"], ["W1_21", "W1_22"]]
    assert labels(second.weights) == [["W2_11", "W2_12"], ["W2_21", "W2_22"]]
    assert labels([first.biases]) == [["b1_1", "b1_2"]]
    assert labels(first.inputs) == [["x1", "x2"]]
    assert labels(first.outputs) == [["z1_1", "z1_2"]] and labels(second.outputs) == [["h1", "h2"]]
    assert first.activation == second.activation == "sigmoid"


def test_chen_weights_follow_the_units_they_join():
    # net_h1 = w1·i1 + w2·i2 + b1, net_h2 = w3·i1 + w4·i2 + b1: one bias node shared by both rows
    first, second = network_of("chen-2-2-2").layers
    assert labels(first.weights) == [["w1", "w2"], ["w3", "w4"]]
    assert labels(second.weights) == [["w5", "w6"], ["w7", "w8"]]
    assert first.biases[0] is first.biases[1] and first.biases[0].label == "b1"
    assert labels(first.nets) == [["net_h1", "net_h2"]] and labels(second.nets) == [["net_o1", "net_o2"]]


def test_n_patterns_are_columns_in_their_order():
    net = network_of("n-patterns")
    assert net.patterns == 3
    for layer in net.layers:
        for p, col in enumerate(layer.inputs, 1):
            assert all(x.label.endswith(f"^({p})") for x in col), labels([col])
        assert len({id(w) for row in layer.weights for w in row}) == layer.shape[0] * layer.shape[1]


def test_xor_threshold_has_implicit_weights():
    first, second = network_of("xor-threshold").layers
    assert first.weights == ((1.0, 1.0), (1.0, 1.0)) and first.biases == (-0.5, -1.5)
    assert second.weights == ((1.0, -1.0),) and second.biases == (-0.5,)
    assert first.activation == second.activation == "step"


def test_nn_mlp_groups_by_its_layers():
    model = nn.MLP(3, [4, 2], activation="sigmoid", seed=1)
    net = find_layers(nn.squared_loss(model([0.1, 0.2, 0.3]), [0.0, 1.0]))
    assert [layer.shape for layer in net.layers] == [(4, 3), (2, 4)]
    for layer, mine in zip(net.layers, model.layers):
        assert [[w.data for w in row] for row in layer.weights] == mine.weights()
    assert [layer.activation for layer in net.layers] == ["sigmoid", None]


def _neuron(first_weight: bool):
    x1, x2 = Value(0.5, "x1"), Value(-1.0, "x2")
    outs = []
    for i in (1, 2):
        w1, w2, b = Value(0.1 * i, f"w{i}1"), Value(0.3 * i, f"w{i}2"), Value(0.1, f"b{i}")
        net = (w1 * x1 + w2 * x2 + b) if first_weight else (x1 * w1 + x2 * w2 + b)
        outs.append(net.named(f"a{i}").tanh().named(f"h{i}"))
    return (outs[0] + outs[1]).named("L")


def test_the_weight_is_the_weight_whichever_operand_it_is():
    for first in (True, False):
        (layer,) = find_layers(_neuron(first)).layers
        assert labels(layer.weights) == [["w11", "w12"], ["w21", "w22"]]
        assert labels(layer.inputs) == [["x1", "x2"]]


def test_a_leaf_beside_products_is_the_bias_even_beside_an_added_output():
    x = Value(0.5, "x")
    h1 = (Value(0.2, "w") * x + Value(0.1, "b0")).named("a1").tanh().named("h1")
    h2 = (Value(0.4, "u") * x + Value(0.3, "b1")).named("a2").tanh().named("h2")
    o = (Value(0.3, "v") * h1 + h2 + Value(0.2, "c")).named("a3").tanh().named("o")
    last = find_layers(o).layers[-1]
    assert labels(last.weights) == [["v", 1.0]] and last.biases[0].label == "c"


def test_units_with_the_same_implicit_weights_keep_their_rows():
    x1, x2 = Value(1.0, "x1"), Value(0.0, "x2")
    h1 = (x1 + x2 - 0.5).step().named("h1")
    h2 = (x1 + x2 - 0.5).step().named("h2")
    first = find_layers((h1 - h2 - 0.5).step().named("y")).layers[0]
    assert labels(first.outputs) == [["h1", "h2"]]


# --- graphs that are not networks: the error names the node ----------------------------------------


def _layer1(x, tag: str):
    return [
        (Value(0.1 * j, f"{tag}w{j}1") * x[0] + Value(0.2, f"{tag}w{j}2") * x[1] + Value(0.1, f"{tag}b{j}"))
        .named(f"{tag}a{j}")
        .sigmoid()
        .named(f"{tag}h{j}")
        for j in (1, 2)
    ]


def _inputs():
    return [Value(0.5, "x1"), Value(-0.3, "x2")]


BROKEN = {
    "a product of two computed nodes": (
        lambda h, x: (h[0] * h[1] + Value(0.1, "c")).named("bad").sigmoid().named("o"),
        "multiplies 'h1' by 'h2'",
    ),
    "a subtracted product": (
        lambda h, x: (Value(0.1, "v1") * h[0] - Value(0.2, "v2") * h[1]).named("bad").sigmoid().named("o"),
        "'bad' subtracts the product",
    ),
    "two biases": (
        lambda h, x: (
            (Value(0.1, "v1") * h[0] + Value(0.2, "v2") * h[1] + 0.5 + 0.25).named("bad").sigmoid().named("o")
        ),
        "'bad' adds two biases",
    ),
    "a skip connection": (
        lambda h, x: (Value(0.1, "v1") * h[0] + Value(0.2, "v2") * x[0]).named("bad").sigmoid().named("o"),
        "'bad' reads 'x1', an input of layer 1 (a skip connection",
    ),
    "an earlier layer's output": (
        lambda h, x: (
            (
                (Value(0.1, "v1") * h[0] + Value(0.2, "v2") * h[1] + Value(0.1, "c"))
                .named("a2")
                .tanh()
                .named("g")
                * Value(0.3, "u")
                + Value(0.4, "u2") * h[1]
            )
            .named("bad")
            .sigmoid()
            .named("o")
        ),
        "'bad' reads 'h2', an output of layer 1 (a skip connection",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_graph_off_the_pattern_names_the_node(case):
    build, said = BROKEN[case]
    with pytest.raises(LayerError, match="layers: ") as error:
        x = _inputs()
        find_layers(build(_layer1(x, ""), x))
    assert said in str(error.value)


def _skip_network(extra: str):
    """Review finding 1: net_o = w5·h1 + w6·h2 + `extra`, where x1 is also an input of layer 1."""
    x1, x2 = Value(1.0, "x1"), Value(2.0, "x2")
    h = [
        (Value(0.1 * i, f"w{i}1") * x1 + Value(0.2 * i, f"w{i}2") * x2 + Value(0.1 * i, f"b{i}"))
        .named(f"net_h{i}")
        .sigmoid()
        .named(f"h{i}")
        for i in (1, 2)
    ]
    net = Value(0.5, "w5") * h[0] + Value(0.6, "w6") * h[1]
    net = net + x1 if extra == "x1" else net + Value(0.3, "b3") + x1
    return (0.5 * (net.named("net_o").sigmoid().named("o") - Value(1.0, "t")) ** 2).named("L")


@pytest.mark.parametrize("extra", ["x1", "b3 + x1"])
def test_an_input_added_to_a_later_net_is_a_skip_connection_not_the_bias(extra):
    # x1 was taken as net_o's bias; with a bias too, the error blamed b3
    with pytest.raises(LayerError, match=r"'net_o' reads 'x1', an input of layer 1 \(a skip connection"):
        find_layers(_skip_network(extra))


def test_an_input_added_without_a_weight_in_the_first_layer_is_an_input_of_weight_1():
    x1, x2 = Value(1.0, "x1"), Value(2.0, "x2")
    h1 = (Value(0.1, "w11") * x1 + x2 + Value(0.1, "b1")).named("a1").tanh().named("h1")
    h2 = (Value(0.3, "w21") * x1 + Value(0.4, "w22") * x2 + Value(0.2, "b2")).named("a2").tanh().named("h2")
    (layer,) = find_layers((h1 + h2).named("L")).layers
    assert labels(layer.weights) == [["w11", 1.0], ["w21", "w22"]]
    assert labels([layer.biases]) == [["b1", "b2"]] and labels(layer.inputs) == [["x1", "x2"]]


def test_a_unit_missing_in_one_pattern_is_named():
    x = [_inputs(), [Value(0.2, "x1'"), Value(0.4, "x2'")]]
    w = [[Value(0.1 * (i + j), f"w{i}{j}") for j in (1, 2)] for i in (1, 2)]
    b = [Value(0.1, "b1"), Value(0.2, "b2")]
    hs = []
    for p, xs in enumerate(x):
        units = (1, 2) if p == 0 else (1,)  # pattern 2 lacks unit 2
        for i in units:
            net = (w[i - 1][0] * xs[0] + w[i - 1][1] * xs[1] + b[i - 1]).named(f"a{i}^({p + 1})")
            hs.append(net.sigmoid().named(f"h{i}^({p + 1})"))
    with pytest.raises(LayerError, match=r"pattern 2 has no unit like 'h2\^\(1\)'"):
        find_layers(Value(0.0) + hs[0] + hs[1] + hs[2])


def test_a_graph_without_units_has_no_layers():
    assert find_layers(Value(2.0, "x") * Value(3.0, "y")).layers == ()


@given(**MLP_CASES)
def test_random_mlps_group_with_their_shapes(sizes, activation, linear_output, patterns, seed):
    # a lone linear layer is no unit (autograd.units: a linear unit reads a unit's output)
    output = "linear" if linear_output and len(sizes) > 2 else activation
    model = nn.MLP(sizes[0], sizes[1:], activation=activation, output_activation=output, seed=seed)
    xs = [[0.1 * (p + 1) * (k - 1.5) for k in range(sizes[0])] for p in range(patterns)]
    loss = sum((out for x in xs for out in model(x)), Value(0.0))
    net = find_layers(loss)
    assert [layer.shape for layer in net.layers] == [(k, d) for d, k in itertools.pairwise(sizes)]
    assert net.patterns == patterns
    assert [layer.activation for layer in net.layers] == [
        *[activation] * (len(sizes) - 2),
        None if output == "linear" else output,
    ]


def test_an_activation_of_something_else_than_a_scaled_net_is_named():
    x = Value(0.5, "x")
    a = (Value(0.2, "w") * x + Value(0.1, "b")).named("a")
    with pytest.raises(
        LayerError, match=r"'h' applies sigmoid to the unlabelled exp .* not its net input 'a'"
    ):
        find_layers(a.exp().sigmoid().named("h"))
    scaled = find_layers((a * 3.0).sigmoid().named("h")).layers[0]  # σ(λ·a), three-layer's units
    assert scaled.scaled and scaled.nets[0][0] is a


def test_a_lone_linear_layer_of_nn_groups_by_its_named_nets():
    # no unit (autograd.units: a linear unit reads a unit's output), but nn names its net inputs "net"
    model = nn.MLP(2, [1])
    loss = sum((model(x)[0] - y) ** 2 for x, y in zip([[0.5, -1.0], [1.0, 2.0]], [1.0, -1.0]))
    network = find_layers(loss)
    assert [layer.shape for layer in network.layers] == [(1, 2)] and network.patterns == 2
    assert network.layers[0].activation is None
    assert find_layers(Value(1.0, "x") * Value(2.0, "y") + Value(3.0, "z")).layers == ()  # not named a net


@pytest.mark.parametrize("output", ["sigmoid", "linear", "tanh"])
def test_linear_hidden_layers_of_nn_group_by_their_named_nets(output):
    # a linear hidden unit's output is its net (L1.net_1), which the next layer multiplies: it was read
    # as a product of two computed nodes and the network had no layers
    model = nn.MLP(2, [3, 4, 1], activation="linear", output_activation=output, seed=1)
    loss = nn.mse_loss([model(x) for x in ([0.5, -1.0], [1.0, 2.0])], [[1.0], [0.0]])
    network = find_layers(loss)
    assert [layer.shape for layer in network.layers] == [(3, 2), (4, 3), (1, 4)] and network.patterns == 2
    assert [layer.activation for layer in network.layers] == [
        None,
        None,
        None if output == "linear" else output,
    ]
    for layer, module in zip(network.layers, model.layers):
        assert [[w.data for w in row] for row in layer.weights] == module.weights()
    assert network.layers[1].inputs == network.layers[0].nets == network.layers[0].outputs
