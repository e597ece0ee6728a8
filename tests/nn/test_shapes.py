"""Modules, losses and optimizers given the wrong shape, type or length answer in one line: what was
expected and what came (a number for a list, a list of lists, a string, an empty list, None)."""

import pytest

import nn
from autograd import Value
from nn import MLP, Layer, Neuron

BAD_INPUTS = {
    "a number": 0.5,
    "a list of lists": [[0.5, 0.2]],
    "a string": "ab",
    "an empty list": [],
    "None": None,
    "a dict": {"x_1": 0.5, "x_2": 0.2},
    "a list holding None": [0.5, None],
}


def _one_line(e):
    text = str(e.value)
    assert "\n" not in text and len(text) < 200, text
    return text


def test_a_one_input_network_takes_a_bare_number_or_value():
    model = MLP(1, [3, 1], seed=0)
    (out,) = model(0.5)
    assert out.data == model([0.5])[0].data
    x = Value(0.5, "x")
    assert model(x)[0].data == out.data
    assert Neuron(1, weights=[2.0], bias=0.0)(3.0).data == 6.0
    assert Layer(1, 2, weights=[[1.0], [2.0]], biases=[0.0, 0.0])(Value(1.5))[1].data == 3.0


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
@pytest.mark.parametrize(
    ("module", "who"),
    [(MLP(2, [3, 1]), "MLP"), (Layer(2, 3, index=2), "layer 2"), (Neuron(2), "Neuron")],
    ids=["MLP", "Layer", "Neuron"],
)
def test_modules_name_what_they_expected_and_what_came(module, who, kind):
    with pytest.raises((TypeError, ValueError)) as e:
        module(BAD_INPUTS[kind])
    text = _one_line(e)
    assert text.startswith(who) and ("2 inputs" in text or "2 numbers" in text or "input 2" in text), text
    shown = {"a number": "0.5", "a string": "'ab'", "an empty list": "got 0", "None": "None",
             "a list of lists": "list of lists", "a dict": "{'x_1'",
             "a list holding None": "got None"}[kind]  # fmt: skip
    assert shown in text


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: MLP(2, 3), "sizes must be a list of layer sizes, like [16, 1], got 3"),
        (lambda: MLP(2, None), "sizes must be a list of layer sizes, like [16, 1], got None"),
        (lambda: MLP(2, [[3]]), "each layer size must be a positive integer, got [3]"),
        (lambda: MLP(None, [1]), "nin must be a positive integer, got None"),
        (lambda: MLP(2, [1], weights=0.5), "weights must be a list with one entry per layer, got 0.5"),
        (lambda: MLP(2, [1], biases="ab"), "biases must be a list with one entry per layer, got 'ab'"),
        (lambda: MLP(2, [2, 1], None), "activation must be a name or a list of names, got None"),
        (lambda: MLP(2, [1], labels=["ab"]), "layer 1 labels must be a dict like"),
        (lambda: MLP(2, [1], input_labels="ab"), "input_labels must be a list of 2 strings, got 'ab'"),
        (lambda: Layer(2, 1, weights=0.5), "layer 1 weights must be a list of 1 row, got 0.5"),
        (lambda: Layer(2, 1, weights=[]), "layer 1 weights has 0 rows, expected 1"),
        (lambda: Layer(2, 1, biases="ab"), "layer 1 biases must be a list of 1 number, got 'ab'"),
        (lambda: Neuron(2, weights=0.5), "Neuron weights must be a list of 2 numbers, got 0.5"),
        (lambda: Neuron(2, weights=[[1.0, 2.0]]), "Neuron weights has 1 entry, expected 2"),
        (lambda: Neuron(2, labels="ab"), "Neuron labels must be a dict like"),
    ],
)
def test_constructors_name_what_they_expected_and_what_came(make, message):
    with pytest.raises(ValueError) as e:
        make()
    assert message in _one_line(e)


LOSSES = {  # a good (prediction, target) for each loss
    "mse_loss": ([Value(1.0), Value(2.0)], [1.0, 2.0]),
    "l1_loss": ([Value(1.0), Value(2.0)], [1.0, 2.0]),
    "cross_entropy": ([Value(0.4), Value(0.6)], 1),
    "softmax_cross_entropy": ([Value(1.0), Value(2.0)], 1),
    "hinge_loss": ([Value(1.0), Value(2.0)], 1),
    "binary_cross_entropy": (Value(0.4), 1.0),
    "bce_with_logits": (Value(0.4), 1.0),
    "logistic_loss": (Value(0.4), 1.0),
    "binary_hinge_loss": (Value(0.4), 1.0),
}
BAD_LOSS_ARGUMENTS = {"a string": "ab", "None": None, "an empty list": [], "a dict": {"a": 1.0}}


@pytest.mark.parametrize("kind", list(BAD_LOSS_ARGUMENTS))
@pytest.mark.parametrize("side", ["prediction", "target"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_losses_name_the_argument_and_what_came(name, side, kind):
    pred, target = LOSSES[name]
    bad = BAD_LOSS_ARGUMENTS[kind]
    with pytest.raises(ValueError) as e:
        getattr(nn, name)(*((bad, target) if side == "prediction" else (pred, bad)))
    text = _one_line(e)
    assert text.startswith(f"{name}: ")
    assert side in text or "probabilit" in text or "prediction" in text  # an empty target: counts compared
    assert repr(bad) in text or "0 " in text


@pytest.mark.parametrize(
    ("loss", "pred", "target", "message"),
    [
        (nn.mse_loss, 0.5, [1.0, 2.0], "1 prediction but 2 targets"),
        (
            nn.mse_loss,
            [Value(1.0), Value(2.0)],
            0.5,
            "the target must be a list like the prediction, got 0.5",
        ),
        (nn.softmax_cross_entropy, 0.5, 1, "list of scores (or a list of such lists), got 0.5"),
        (
            nn.softmax_cross_entropy,
            [[Value(1.0), Value(2.0)]],
            1,
            "a batch of 1 prediction needs a list of targets",
        ),
        (
            nn.cross_entropy,
            [Value(0.4), Value(0.6)],
            [[1.0, 0.0]],
            "the target has 1 probability for 2 classes",
        ),
        (nn.bce_with_logits, [[Value(1.0), Value(2.0)]], [1.0], "sample 0 has 2 outputs"),
    ],
)
def test_losses_given_a_number_for_a_list_or_a_list_of_lists(loss, pred, target, message):
    with pytest.raises(ValueError) as e:
        loss(pred, target)
    assert message in _one_line(e)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (0.5, "params must be an iterable of Values (e.g. model.parameters()), got 0.5"),
        (None, "params must be an iterable of Values (e.g. model.parameters()), got None"),
        ("ab", "params must be an iterable of Values (e.g. model.parameters()), got 'ab'"),
        ({"w": Value(1.0)}, "params must be an iterable of Values (e.g. model.parameters()), got {'w'"),
        (MLP(2, [1]), "params must be an iterable of Values (e.g. model.parameters()), got MLP"),
        ([[Value(1.0)]], "params must be Values, got list [Value(1.0"),
        ([1.0, 2.0], "params must be Values, got float 1.0"),
        ([], "got an empty parameter list"),
    ],
)
@pytest.mark.parametrize("optimizer", list(nn.OPTIMIZERS.values()), ids=list(nn.OPTIMIZERS))
def test_optimizers_name_what_they_expected_and_what_came(optimizer, params, message):
    with pytest.raises((TypeError, ValueError)) as e:
        optimizer(params)
    text = _one_line(e)
    assert text.startswith(f"{optimizer.__name__}: ") and message in text
