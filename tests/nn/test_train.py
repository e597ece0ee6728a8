"""Data sets, the train/test split, mini-batches without replacement, and fit()."""

import math
import random
import re

import pytest

import nn
from nn import MLP, data


def test_batches_take_every_sample_once_per_epoch():
    rng = random.Random(0)
    epochs = [list(data.batches(10, 3, rng)) for _ in range(3)]
    for batches in epochs:
        assert [len(b) for b in batches] == [3, 3, 3, 1]
        assert sorted(i for b in batches for i in b) == list(range(10))  # without replacement
    assert epochs[0] != epochs[1]  # reshuffled each epoch
    assert list(data.batches(5, None, rng)) == [[0, 1, 2, 3, 4]]  # full batch
    assert list(data.batches(5, 50, rng)) == [[0, 1, 2, 3, 4]]
    assert [len(b) for b in data.batches(4, 1, rng)] == [1, 1, 1, 1]  # SGD


@pytest.mark.parametrize("bad", [0, -2, 1.5, True])
def test_bad_batch_size(bad):
    with pytest.raises(ValueError, match="batch_size must be a positive integer or None"):
        list(data.batches(5, bad, random.Random(0)))


def test_fit_refuses_data_that_is_no_dataset_and_an_optimizer_of_another_model():
    # a review: (X, y) gave "'tuple' object has no attribute 'name'"; another model's optimizer trained
    # nothing, silently
    model, other = nn.MLP(2, [3, 1], seed=1), nn.MLP(2, [3, 1], seed=2)
    moons = data.moons(10)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match="the optimizer updates none of the model's parameters"):
        nn.fit(model, nn.mse_loss, nn.SGD(other.parameters(), lr=0.1), moons, progress=False)
    with pytest.raises(TypeError, match=r"fit: data must be an nn.data.Dataset .*, got tuple"):
        nn.fit(model, nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), (moons.inputs, moons.targets))
    wide = data.Dataset("wide", [[0.0, 1.0, 2.0]], [0], 2)
    with pytest.raises(ValueError, match="fit: test has 3 features a sample, data 2"):
        nn.fit(model, nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), moons, test=wide, progress=False)
    with pytest.raises(TypeError, match=r"fit: test must be an nn.data.Dataset .*, got list"):
        nn.fit(model, nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), moons, test=[moons], progress=False)
    # a later review: None, a loss's name and the optimizer's class gave Python's own messages
    with pytest.raises(
        TypeError, match=r"fit: data must be an nn.data.Dataset .*num_classes\)\), got NoneType"
    ):
        nn.fit(model, nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), None)
    with pytest.raises(TypeError, match=r"fit: loss must be a function loss\(outputs, targets\).*got 'bce'"):
        nn.fit(model, "bce", nn.SGD(model.parameters(), lr=0.1), moons)
    with pytest.raises(
        TypeError, match=r"fit: optimizer must be an optimizer made for the model.*got <class"
    ):
        nn.fit(model, nn.mse_loss, nn.SGD, moons)
    # and a third: threshold, model, callback and batch_size gave NumPy's or Python's own messages, the
    # callback's after the weights had moved; seed and replay of any kind were taken
    sgd = nn.SGD(model.parameters(), lr=0.1)
    for settings, message in [
        (dict(threshold="x"), r"fit: threshold must be a finite number .*got 'x'"),
        (dict(threshold=math.nan), r"fit: threshold must be a finite number"),
        (dict(callback=3), r"fit: callback must be a function callback\(step, batch_loss\), got 3"),
        (dict(seed="a"), r"fit: seed must be an int or a random.Random, got 'a'"),
        (dict(replay="yes"), r"fit: replay must be True or False, got 'yes'"),
    ]:
        with pytest.raises(TypeError, match=message):
            nn.fit(model, nn.mse_loss, sgd, moons, progress=False, **settings)
    with pytest.raises(TypeError, match=r"fit: model must be an nn Module .*got None"):
        nn.fit(None, nn.mse_loss, sgd, moons)
    with pytest.raises(ValueError, match=r"^fit: batch_size must be a positive integer or None"):
        nn.fit(model, nn.mse_loss, sgd, moons, batch_size="full")
    assert [p.data for p in model.parameters()] == before


def test_data_sets_are_seeded_and_shaped():
    assert data.moons(50, seed=3) == data.moons(50, seed=3)
    assert data.moons(50, seed=3) != data.moons(50, seed=4)
    for d, k in ((data.moons(60), 2), (data.circles(60), 2), (data.spirals(90, classes=3), 3)):
        assert len(d) == len(d.targets) and d.num_features == 2 and d.num_classes == k
        assert sorted(set(d.targets)) == list(range(k))
        assert all(d.targets.count(c) == len(d) // k for c in range(k))
    assert data.xor().targets == [0, 1, 1, 0]


def test_noise_free_moons_and_circles_lie_on_their_curves():
    moons = data.moons(40, noise=0.0)
    for (x, y), t in zip(moons.inputs, moons.targets):
        cx, cy = (0.0, 0.0) if t == 0 else (1.0, 0.5)
        assert math.hypot(x - cx, y - cy) == pytest.approx(1.0)
    circles = data.circles(40, noise=0.0, factor=0.3)
    for (x, y), t in zip(circles.inputs, circles.targets):
        assert math.hypot(x, y) == pytest.approx(1.0 if t == 0 else 0.3)


def test_load_by_name_and_bad_names():
    assert data.load("xor").name == "xor"
    with pytest.raises(ValueError, match="unknown data set 'mnist'; choose from xor, moons"):
        data.load("mnist")
    with pytest.raises(ValueError, match="noise must be a number ≥ 0"):
        data.moons(10, noise=-1)
    with pytest.raises(ValueError, match="n must be an integer ≥ 2"):
        data.circles(1)


def test_train_test_split_is_stratified_disjoint_and_complete():
    d = data.spirals(120, classes=3)
    train, test = nn.train_test_split(d, 0.25, seed=1)
    assert len(train) == 90 and len(test) == 30
    assert all(test.targets.count(c) == 10 for c in range(3))
    pairs = sorted(map(tuple, train.inputs + test.inputs))
    assert pairs == sorted(map(tuple, d.inputs))
    with pytest.raises(ValueError, match="test_fraction must be in"):
        nn.train_test_split(d, 1.0)


def test_dataset_checks_its_fields():
    with pytest.raises(ValueError, match=r"2 inputs but 1 target$"):
        data.Dataset("bad", [[0.0], [1.0]], [0], 2)
    with pytest.raises(ValueError, match="target 0 is 3, not a class index below 2"):
        data.Dataset("bad", [[0.0]], [3], 2)
    with pytest.raises(ValueError, match=r"target 0 is 1.0, not a class index below 2 \(an int, 0 to 1\)"):
        data.Dataset("bad", [[0.0]], [1.0], 2)


def half_squared(outputs, targets):
    return nn.mse_loss(outputs, targets, reduction="half_sum")


def test_full_batch_fit_is_one_gradient_step_per_epoch():
    xor = data.xor()
    a, b = MLP(2, [3, 1], "sigmoid", "sigmoid", seed=7), MLP(2, [3, 1], "sigmoid", "sigmoid", seed=7)
    history = nn.fit(a, half_squared, nn.SGD(a.parameters(), lr=0.5), xor, epochs=1, progress=False)
    assert history.steps == 1
    # the same step by hand: one loss over all four patterns, backward, w ← w − η·∂f/∂w
    loss = half_squared([b(x) for x in xor.inputs], xor.targets)
    loss.backward()
    expected = [p.data - 0.5 * p.grad for p in b.parameters()]
    assert [p.data for p in a.parameters()] == pytest.approx(expected, rel=1e-14)
    assert history.loss == [pytest.approx(loss.data)]  # the epoch loss: batch losses weighted by size


def test_sgd_and_mini_batch_are_the_same_loop():
    moons = data.moons(20, seed=1)
    for batch_size, steps in ((1, 20), (6, 4), (None, 1)):
        model = MLP(2, [4, 1], seed=0)
        calls = []
        record = calls.append
        history = nn.fit(
            model, nn.bce_with_logits, nn.SGD(model.parameters(), lr=0.1), moons, epochs=2,
            batch_size=batch_size, progress=False, callback=lambda step, loss, record=record: record(step),
        )  # fmt: skip
        assert history.steps == 2 * steps and calls == list(range(1, 2 * steps + 1))


def test_fit_learns_moons_and_reports_history(capsys):
    moons = data.moons(120, noise=0.1, seed=0)
    train, test = nn.train_test_split(moons, 0.25)
    model = MLP(2, [8, 8, 1], "tanh", seed=0)
    history = nn.fit(model, nn.bce_with_logits, nn.Adam(model.parameters(), lr=0.05), train, epochs=25,
                     batch_size=10, test=test, progress=False)  # fmt: skip
    assert history.accuracy[-1] >= 0.95 and history.test_accuracy[-1] >= 0.9
    assert history.loss[-1] < history.loss[0] / 4
    assert len(history.test_loss) == len(history.loss) == len(history.epoch_seconds) == 25
    assert min(history.epoch_seconds) > 0 and sum(history.epoch_seconds) <= history.seconds
    assert nn.accuracy(model, test) == history.test_accuracy[-1]
    assert "test accuracy" in history.summary()
    assert capsys.readouterr().err == ""  # progress=False: no bar


def test_fit_shows_a_progress_bar_on_request(capsys):
    model = MLP(2, [2, 1], "sigmoid", "sigmoid")
    nn.fit(model, half_squared, nn.SGD(model.parameters(), lr=0.5), data.xor(), epochs=3, progress=True)
    assert "xor" in capsys.readouterr().err


def test_fit_rejects_bad_settings():
    model = MLP(2, [1])
    opt = nn.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        nn.fit(model, half_squared, opt, data.xor(), epochs=0)
    with pytest.raises(ValueError, match="batch_size must be"):
        nn.fit(model, half_squared, opt, data.xor(), batch_size=0)


def test_predict_class_thresholds_and_argmax():
    assert nn.predict_class([0.7], 0.5) == 1 and nn.predict_class([0.3], 0.5) == 0
    assert nn.predict_class([-0.1]) == 0 and nn.predict_class([0.2, 0.9, 0.1]) == 1


def test_digits_reduced_run_learns():
    """A quick, still meaningful check: 360 digits, 10 epochs (30 replayed steps), far above chance (10%).

    The full demo (1,347 training images, 20 epochs, ≥ 94% test accuracy) takes about 5 s of CPU with
    replay (test_digits_full_demo_reaches_94_percent).
    """
    pytest.importorskip("sklearn")
    from demos.examples import training

    result = training.run("digits", epochs=10, limit=360, progress=False, say=lambda s: None)
    assert result.history.test_accuracy[-1] >= 0.6
    assert result.history.loss[-1] < result.history.loss[0]


def test_digits_full_demo_reaches_94_percent():  # about 5 s of CPU, replayed
    pytest.importorskip("sklearn")
    from demos.examples import training

    result = training.run("digits", progress=False, say=lambda s: None)
    assert result.history.test_accuracy[-1] >= 0.94


def test_fit_sets_old_objects_aside_only_while_training():
    import gc

    seen = []
    model = MLP(2, [2, 1], "sigmoid", "sigmoid")
    opt = nn.SGD(model.parameters(), lr=0.5)
    before = gc.get_freeze_count()
    nn.fit(model, half_squared, opt, data.xor(), epochs=2, progress=False,
           callback=lambda step, loss: seen.append(gc.get_freeze_count()))  # fmt: skip
    assert gc.isenabled() and gc.get_freeze_count() == before
    assert before > 0 or min(seen) > 0  # frozen during training, unless the program froze objects itself


def test_divergence_says_where_and_suggests_a_smaller_learning_rate():
    moons = data.moons(40, seed=0)
    model = MLP(2, [8, 1], "relu", seed=0)
    opt = nn.SGD(model.parameters(), lr=1e6)
    with pytest.raises(
        OverflowError, match=r"training diverged at epoch \d+, step \d+ \(try a smaller learning rate\)"
    ):
        nn.fit(model, nn.mse_loss, opt, moons, epochs=5, batch_size=4, progress=False)


@pytest.mark.parametrize("replay", [True, False])
def test_divergence_found_by_a_guard_says_where_too(replay):
    # a review: replayed, the overflow came from epoch 2's guard (a sample recorded again on Values)
    # as a bare Overflow naming a node, with no epoch, step or advice
    model = MLP(2, [8, 1], activation="relu", seed=0)
    opt = nn.SGD(model.parameters(), lr=1e306)
    with pytest.raises(OverflowError, match=r"^training diverged at epoch 2, step 2 \(try a smaller"):
        nn.fit(model, nn.bce_with_logits, opt, data.moons(60), epochs=20, progress=False, replay=replay)


@pytest.mark.parametrize("replay", [True, False])
def test_a_diverging_run_s_error_holds_the_epochs_before_it(replay):
    # a review: no History survived the error, so a teacher could not draw the blow-up
    model = MLP(2, [8, 1], "relu", seed=0)
    with pytest.raises(OverflowError) as caught:
        nn.fit(model, nn.mse_loss, nn.SGD(model.parameters(), lr=1e6), data.moons(40, seed=0), 10,
               progress=False, replay=replay)  # fmt: skip
    history, step = caught.value.history, int(re.search(r"step (\d+)", str(caught.value)).group(1))
    assert history.steps == len(history.loss) == step - 1 >= 2  # full batch: an epoch a step
    assert history.loss[-1] > 1e6 * history.loss[0] and history.replayed == replay


@pytest.mark.parametrize("replay", [True, False])
def test_a_diverged_model_keeps_the_weights_from_before_the_failing_step(replay):
    # the replayed fit used to leave the Values at the last weights written into them (two steps back)
    def run(epochs: int, lr: float) -> tuple[list[float], str]:
        model = MLP(2, [8, 1], "relu", seed=0)
        try:
            nn.fit(model, nn.mse_loss, nn.SGD(model.parameters(), lr=lr), data.moons(40, seed=0), epochs,
                   progress=False, replay=replay)  # fmt: skip
        except OverflowError as e:
            return [p.data for p in model.parameters()], str(e)
        return [p.data for p in model.parameters()], ""

    weights, message = run(10, 1e6)
    step = int(re.search(r"step (\d+)", message).group(1))
    assert "keeps its weights from before that step" in message
    assert weights == run(step - 1, 1e6)[0]  # every step before the failing one, and no other


def test_a_loss_that_is_not_a_value_is_named():
    model = MLP(2, [2, 1], seed=0)
    for replay in (True, False):
        with pytest.raises(TypeError, match=r"the loss returned float 0.5, not a Value"):
            nn.fit(model, lambda o, t: 0.5, nn.SGD(model.parameters(), lr=0.1), data.xor(), 1,
                   progress=False, replay=replay)  # fmt: skip


def test_a_data_set_with_a_number_that_is_not_finite_is_refused_naming_sample_and_feature():
    with pytest.raises(
        ValueError, match=r"d: feature 1 of sample 1 \(inputs\[1\]\[1\]\) is nan, not a finite number"
    ):
        data.Dataset("d", [[0.0, 1.0], [1.0, math.nan]], [0, 1], 2)
    with pytest.raises(ValueError, match=r"feature 0 of sample 0 \(inputs\[0\]\[0\]\) is 'a'"):
        data.Dataset("d", [["a", 1.0]], [0], 2)


def test_the_summary_prints_a_huge_loss_in_e_notation():
    # a review: `train circles --lr 1e200` printed the loss with its 201 digits
    history = nn.History(loss=[9.8365e200], accuracy=[0.5], steps=3, seconds=0.25)
    assert history.summary() == "loss 9.837e+200, train accuracy 50.0% (3 steps, 0.2 s)"
    assert (
        nn.History(loss=[0.00512], accuracy=[1.0], steps=1, seconds=0.0).summary().startswith("loss 0.0051,")
    )


def test_fit_checks_the_data_again_a_number_changed_after_the_data_set_was_made():
    # a review: a nan put into the inputs later was reported as "training diverged … try a smaller
    # learning rate"
    moons = data.moons(60, seed=0)
    moons.inputs[45][1] = math.nan
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match=r"^moons: feature 1 of sample 45 \(inputs\[45\]\[1\]\) is nan"):
        nn.fit(model, nn.bce_with_logits, nn.SGD(model.parameters(), lr=0.1), moons, progress=False)
