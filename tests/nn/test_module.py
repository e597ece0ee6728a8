"""Modules: the slides' network with its own names, labels, initialisation, save/load, to_torch, no cycles."""

import gc
import json
import math
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value
from nn import MLP, Layer, ModelFileError, Neuron
from tests.support.graphs import by_label


def sigma(z):
    return 1 / (1 + math.exp(-z))


def chen():
    """The first deck's 2-2-2 network: shared biases b1 and b2, the slide's names."""
    return MLP(
        2, [2, 2], "sigmoid", "sigmoid",
        weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        biases=[0.35, 0.60],
        labels=[
            {"weights": [["w1", "w2"], ["w3", "w4"]], "bias": "b1",
             "net": ["net_h1", "net_h2"], "out": ["h1", "h2"]},
            {"weights": [["w5", "w6"], ["w7", "w8"]], "bias": "b2",
             "net": ["net_o1", "net_o2"], "out": ["o1", "o2"]},
        ],
        input_labels=["i1", "i2"],
    )  # fmt: skip


def test_chen_network_forward_and_gradients_by_hand():
    model = chen()
    o1, o2 = model([0.05, 0.10])
    h1 = sigma(0.15 * 0.05 + 0.20 * 0.10 + 0.35)
    h2 = sigma(0.25 * 0.05 + 0.30 * 0.10 + 0.35)
    y1 = sigma(0.40 * h1 + 0.45 * h2 + 0.60)
    y2 = sigma(0.50 * h1 + 0.55 * h2 + 0.60)
    assert (o1.data, o2.data) == pytest.approx((y1, y2))
    assert o1.label == "o1" and o1.parents[0].label == "net_o1"
    f = nn.mse_loss([o1, o2], [0.01, 0.99], reduction="half_sum")
    f.backward()
    p = dict(model.named_parameters())
    assert list(p) == ["w1", "w2", "w3", "w4", "b1", "w5", "w6", "w7", "w8", "b2"]
    d_o1 = (y1 - 0.01) * y1 * (1 - y1)  # the slide's δ_o1
    d_o2 = (y2 - 0.99) * y2 * (1 - y2)
    assert p["w5"].grad == pytest.approx(d_o1 * h1)
    assert p["b2"].grad == pytest.approx(d_o1 + d_o2)  # one bias shared by both outputs
    d_h1 = (d_o1 * 0.40 + d_o2 * 0.50) * h1 * (1 - h1)
    d_h2 = (d_o1 * 0.45 + d_o2 * 0.55) * h2 * (1 - h2)
    assert p["w1"].grad == pytest.approx(d_h1 * 0.05)
    assert p["b1"].grad == pytest.approx(d_h1 + d_h2)


def test_default_labels_name_layer_unit_and_input():
    model = MLP(3, [2, 1], "tanh", "linear", seed=3)
    names = [n for n, _ in model.named_parameters()]
    assert names[:4] == ["L1.W_11", "L1.W_12", "L1.W_13", "L1.W_21"]
    assert "L1.b_2" in names and "L2.W_12" in names and names[-1] == "L2.b_1"
    (out,) = model([1.0, 2.0, 3.0])
    node = by_label(out)
    assert out is node["L2.net_1"]  # linear: the output is the net node
    assert node["L1.h_2"].op.name == "tanh" and node["L1.h_2"].parents == (node["L1.net_2"],)
    assert node["L1.net_2"].op.name == "add" and node["L1.net_2"].parents[1] is node["L1.b_2"]
    for label in ("x_1", "x_2", "x_3"):  # inputs become labelled leaves
        assert node[label].parents == ()


def test_wide_layers_separate_the_indices():
    names = [n for n, _ in MLP(12, [10]).named_parameters()]
    assert names[0] == "L1.W_1,1" and "L1.W_10,12" in names and "L1.b_10" in names


def test_softmax_output_layer_gives_probabilities():
    model = MLP(2, [3, 4], "relu", "softmax", seed=1)
    probs = model([0.3, -0.2])
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert [p.label for p in probs] == ["L2.h_1", "L2.h_2", "L2.h_3", "L2.h_4"]


@pytest.mark.parametrize(
    "activation", ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "step", "linear"]
)
def test_every_activation_is_applied(activation):
    layer = Layer(1, 1, activation, weights=[[1.0]], biases=[0.5])  # net = 1·(−1) + 0.5 = −0.5
    expected = {
        "sigmoid": sigma(-0.5), "tanh": math.tanh(-0.5), "relu": 0.0, "leaky_relu": -0.005,
        "softplus": math.log1p(math.exp(-0.5)), "step": 0.0, "linear": -0.5,
    }[activation]  # fmt: skip
    assert layer([-1.0])[0].data == pytest.approx(expected)


def test_initialisation_ranges_follow_torch_and_keras():
    for init, bound in (
        ("uniform", 1 / math.sqrt(50)),
        ("xavier", math.sqrt(6 / 80)),
        ("he", math.sqrt(6 / 50)),
    ):
        layer = Layer(50, 30, init=init, seed=0)
        ws = [w for row in layer.weights() for w in row]
        assert max(abs(w) for w in ws) <= bound
        assert max(abs(w) for w in ws) > 0.9 * bound  # 1,500 draws fill the range
        biases = [n.b.data for n in layer.neurons]
        assert all(b == 0.0 for b in biases) == (init != "uniform")
    assert MLP(2, [3]).to_dict() == MLP(2, [3]).to_dict()  # seeded: the same weights every time
    assert MLP(2, [3], seed=1).to_dict() != MLP(2, [3], seed=2).to_dict()


def test_neuron_alone():
    n = Neuron(2, "relu", weights=[2.0, -1.0], bias=0.5)
    assert n([1.0, 1.0]).data == 1.5
    assert [p.label for p in n.parameters()] == ["L1.W_11", "L1.W_12", "L1.b_1"]
    n.parameters()[0].grad = 3.0
    n.zero_grad()
    assert n.parameters()[0].grad == 0.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: MLP(2, [2], "swish"), "unknown activation 'swish'"),
        (lambda: MLP(2, [2, 2], "softmax"), "softmax is only available as the output_activation"),
        (lambda: MLP(2, [2, 2], ["relu", "tanh"]), "2 hidden activations given for 1 hidden layer "),
        (lambda: MLP(2, []), "at least one layer size"),
        (lambda: MLP(0, [2]), "nin must be a positive integer"),
        (lambda: MLP(2, [2], init="normal"), "unknown init 'normal'"),
        (lambda: MLP(2, [2], weights=[[[1.0, 2.0]]]), "layer 1 weights has 1 row, expected 2"),
        (lambda: MLP(2, [1], weights=[[[1.0]]]), "layer 1 weights[0] has 1 entry, expected 2"),
        (lambda: MLP(2, [1], weights=[[[1.0, float("nan")]]]), "weights[0][1] must be a finite number"),
        (lambda: MLP(2, [2], weights=[[[1, 2], [3, 4]]], biases=[[1.0]]), "biases has 1 entry, expected 2"),
        (lambda: MLP(1, [2], labels=[{"weights": [["a"], ["a"]]}]), "both labelled 'a'"),
        (lambda: MLP(1, [1], labels=[{"colour": "red"}]), "unknown keys ['colour']"),
        (lambda: Neuron(2, "softmax"), "softmax acts on a whole layer"),
    ],
)
def test_bad_arguments_say_what_is_wrong(make, message):
    with pytest.raises(ValueError) as e:
        make()
    assert message in str(e.value)


def test_wrong_number_of_inputs():
    with pytest.raises(ValueError, match="MLP expects 2 inputs, got 3"):
        MLP(2, [1])([1.0, 2.0, 3.0])


# --- save and load ----------------------------------------------------------------------------------------


def test_save_load_round_trip_keeps_weights_labels_and_sharing(tmp_path):
    model = chen()
    path = model.save(tmp_path / "chen.json")
    again = MLP.load(path)
    assert [o.data for o in again([0.05, 0.1])] == [o.data for o in model([0.05, 0.1])]
    assert [n for n, _ in again.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert len(again.parameters()) == 10  # b1 and b2 are still one node each
    assert again.input_labels == ["i1", "i2"]
    other = MLP(3, [4, 2], ["leaky_relu"], "softmax", leaky_slope=0.2, seed=5)
    back = MLP.load(other.save(tmp_path / "other.json"))
    assert back.to_dict() == other.to_dict()
    assert [o.data for o in back([1, 2, 3])] == [o.data for o in other([1, 2, 3])]
    assert oct(os.stat(path).st_mode & 0o777) != oct(0o600)  # a normal file, not mkstemp's private mode


def _write(tmp_path, text, name="model.json"):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return p


def _valid():
    return MLP(2, [2, 1], seed=0).to_dict()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: "[1, 2", "not valid JSON"),
        (lambda d: b"\xff\xfe\x00garbage", "not a text (UTF-8) file"),
        (lambda d: [1, 2], "expected a JSON object"),
        (lambda d: {**d, "format": "keras"}, "not a chainrule model: 'format' is 'keras'"),
        (lambda d: {**d, "version": 99}, "unsupported model file version 99"),
        (lambda d: {**d, "nin": 3}, "layer 1: 'nin' is 2 but the layer before it has 3 outputs"),
        (lambda d: {**d, "layers": []}, "'layers' must be a non-empty list"),
        (lambda d: _layer(d, 0, weights=[[1.0, 2.0]]), "layer 1 weights has 1 row, expected 2"),
        (
            lambda d: _layer(d, 1, weights=[[1.0, "x"]]),
            "layer 2 weights[0][1] must be a finite number, got 'x'",
        ),
        (lambda d: _layer(d, 1, activation="swish"), "layer 2: bad activation 'swish'"),
        (lambda d: _layer(d, 0, activation="softmax"), "layer 1: bad activation 'softmax'"),
        (lambda d: _layer(d, 0, biases=[1.0]), "layer 1 biases has 1 entry, expected 2"),
        (lambda d: _layer(d, 0, labels={"net": ["a"]}), "layer 1 net labels must be a list of 2 strings"),
        (lambda d: {**d, "input_labels": ["a"]}, "'input_labels' must be a list of 2 strings"),
    ],
)
def test_load_rejects_wrong_files_with_a_clear_error(tmp_path, mutate, message):
    result = mutate(_valid())
    text = result if isinstance(result, (str, bytes)) else json.dumps(result)
    path = _write(tmp_path, text)
    with pytest.raises(ModelFileError) as e:
        MLP.load(path)
    assert str(path) in str(e.value) and message in str(e.value)


def _layer(d, i, **changes):
    d["layers"][i] = {**d["layers"][i], **changes}
    return d


def test_load_of_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        MLP.load(tmp_path / "nope.json")


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    chen().save(path)
    before = path.read_text()

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        MLP(2, [5]).save(path)
    assert path.read_text() == before  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # and no temporary file is left


def test_save_into_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        chen().save(tmp_path / "no" / "model.json")


# --- to_torch -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "x"),
    [
        (MLP(3, [4, 4, 2], ["tanh", "relu"], "sigmoid", seed=2), [0.3, -1.2, 0.8]),
        (MLP(2, [3, 3], ["leaky_relu"], "softmax", leaky_slope=0.1, seed=4), [-0.5, 0.9]),
        (MLP(2, [3, 1], ["softplus"], "linear", init="xavier", seed=6), [1.5, 0.2]),
    ],
)
def test_to_torch_gives_the_same_outputs_and_gradients(model, x):
    torch = pytest.importorskip("torch")
    net = model.to_torch()
    outs = model(x)
    theirs = net(torch.tensor(x, dtype=torch.float64))
    assert [o.data for o in outs] == pytest.approx(theirs.tolist(), rel=1e-12)
    weights = [0.7, -1.3, 0.4, 2.0][: len(outs)]  # a scalar of all outputs, so every output matters
    sum(w * o for w, o in zip(weights, outs)).backward()
    (theirs * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for layer, lin in zip(model.layers, linears):
        assert [[w.grad for w in n.w] for n in layer.neurons] == [
            pytest.approx(row, rel=1e-10, abs=1e-15) for row in lin.weight.grad.tolist()
        ]
        assert [n.b.grad for n in layer.neurons] == pytest.approx(
            lin.bias.grad.tolist(), rel=1e-10, abs=1e-15
        )


def test_to_torch_shared_bias_gradient_is_the_sum():
    torch = pytest.importorskip("torch")
    model = chen()
    net = model.to_torch()
    outs = model([0.05, 0.1])
    (outs[0] + outs[1]).backward()
    net(torch.tensor([0.05, 0.1], dtype=torch.float64)).sum().backward()
    b1 = dict(model.named_parameters())["b1"]
    assert b1.grad == pytest.approx(net[0].bias.grad.sum().item(), rel=1e-12)


# --- no reference cycles: graphs are freed by reference counting --------------------------------------------


def test_training_step_leaves_no_garbage_for_the_cycle_collector():
    model = MLP(2, [4, 1], "tanh", seed=0)
    opt = nn.SGD(model.parameters(), lr=0.1)
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            opt.zero_grad()
            loss = nn.mse_loss([model([0.5, -0.5]), model([1.0, 0.2])], [[1.0], [0.0]])
            loss.backward()
            opt.step()
        del loss
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert isinstance(model.parameters()[0], Value)


def test_chen_network_one_gradient_step_matches_the_published_walkthrough():
    # The same 2-2-2 network and numbers are Matt Mazur's well-known backpropagation walkthrough,
    # which lists every weight after one step with η = 0.5 (to 8-9 digits).
    model = chen()
    f = nn.mse_loss(model([0.05, 0.10]), [0.01, 0.99], reduction="half_sum")
    assert f.data == pytest.approx(0.298371109, abs=1e-9)
    f.backward()
    nn.SGD(model.parameters(), lr=0.5).step()
    p = {name: v.data for name, v in model.named_parameters()}
    published = {
        "w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229,
        "w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121,
    }  # fmt: skip
    for name, value in published.items():
        assert p[name] == pytest.approx(value, abs=1e-8), name


@given(
    nin=st.integers(1, 4),
    sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    hidden=st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "step", "linear"]),
    output=st.sampled_from(["sigmoid", "linear", "softmax"]),
    seed=st.integers(0, 10**6),
)
def test_any_model_survives_save_and_load(tmp_path_factory, nin, sizes, hidden, output, seed):
    model = MLP(nin, sizes, hidden, output, seed=seed, init="xavier" if seed % 2 else "uniform")
    path = model.save(tmp_path_factory.mktemp("m") / "model.json")
    again = MLP.load(path)
    x = [0.1 * (k + 1) for k in range(nin)]
    assert [o.data for o in again(x)] == [o.data for o in model(x)]
    assert again.to_dict() == model.to_dict()
