"""Counts in messages and reports read as English: "1 epoch", "3 epochs", never "1 epochs"."""

import pytest

import nn
from nn import MLP


@pytest.mark.parametrize(
    ("n", "noun", "text"),
    [
        (1, "epoch", "1 epoch"),
        (0, "epoch", "0 epochs"),
        (3, "epoch", "3 epochs"),
        (1, "entry", "1 entry"),
        (2, "entry", "2 entries"),
        (2, "day", "2 days"),  # a vowel before the y
        (2, "class", "2 classes"),
        (2, "batch", "2 batches"),
        (4, "hidden layer", "4 hidden layers"),
        (2, "probability", "2 probabilities"),
    ],
)
def test_plural(n, noun, text):
    assert nn.plural(n, noun) == text


def test_plural_takes_an_irregular_form():
    assert nn.plural(2, "axis", "axes") == "2 axes" and nn.plural(1, "axis", "axes") == "1 axis"


def test_one_epoch_of_one_step_reads_in_the_singular():
    from demos.examples import training

    lines = []
    result = training.run("xor", epochs=1, batch_size=None, progress=False, say=lines.append)
    assert result.history.steps == 1
    text = "\n".join(lines)
    assert ", 1 epoch, full batch" in text and "(1 step, " in text
    assert "1 epochs" not in text and "1 steps" not in text


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: MLP(1, [2])([1.0, 2.0]), "MLP expects 1 input, got 2"),
        (lambda: MLP(2, [2, 1], ["relu", "relu"]), "2 hidden activations given for 1 hidden layer "),
        (lambda: MLP(2, [2], weights=[[[1.0]]]), "layer 1 weights has 1 row, expected 2"),
        (lambda: nn.mse_loss([[1.0, 2.0], [1.0]], [[1.0, 2.0], [1.0]]), "sample 1 has 1 prediction, sample"),
        (
            lambda: nn.data.Dataset("d", [[1.0], [2.0, 3.0]], [0, 1], 2),
            "sample 1 has 2 features, sample 0 has 1",
        ),
        (lambda: nn.train_test_split(nn.data.Dataset("d", [[1.0]], [0], 2)), "cannot split 1 sample at 0.25"),
    ],
)
def test_messages_count_in_the_singular_too(make, message):
    with pytest.raises(ValueError) as e:
        make()
    assert message in str(e.value) and "1 inputs" not in str(e.value)
