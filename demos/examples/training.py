"""The training demos behind `chainrule train`: XOR, moons, circles, spirals, and the slides' Keras model.

Each demo fixes a data set, a network, a loss and default training settings; `run()` trains it and
reports. `weight_space()` computes the second deck's weight-space trajectories.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import nn
from autograd import Value, no_grad
from nn import MLP, Dataset, History

# Learning rates that work for these small problems when an optimizer other than the demo's is chosen
# (PyTorch's defaults, such as SGD's 0.001, are tuned for other scales).
OPTIMIZER_LR = {
    "sgd": 0.1,
    "momentum": 0.05,
    "nesterov": 0.05,
    "adagrad": 0.1,
    "rmsprop": 0.01,
    "adadelta": 1.0,
    "adam": 0.01,
    "nadam": 0.01,
}


@dataclass(frozen=True)
class Demo:
    """One training demo: data, network, loss and default settings."""

    name: str
    title: str
    load: Callable[[int], Dataset]  # seed -> data set
    hidden: tuple[int, ...]
    activation: str
    output_activation: str
    loss: str  # a key of LOSSES
    optimizer: str  # a key of OPTIMIZER_LR
    lr: float
    epochs: int
    batch_size: int | None  # None: full batch
    init: str = "uniform"
    split: bool = True  # hold out a quarter of the data for testing
    note: str = ""


def _svm_loss(model: MLP) -> Callable[[list, list], Value]:
    params = model.parameters()

    def loss(outputs: list, targets: list) -> Value:  # micrograd's demo: SVM loss with L2 regularisation
        return nn.binary_hinge_loss(outputs, [2 * t - 1 for t in targets]) + nn.l2_penalty(params, 1e-4)

    return loss


LOSSES: dict[str, Callable[[MLP], Callable[[list, list], Value]]] = {
    "half squared error": lambda model: lambda o, t: nn.mse_loss(o, t, reduction="half_sum"),
    "SVM hinge + L2 1e-4": _svm_loss,
    "binary cross-entropy (logits)": lambda model: nn.bce_with_logits,
    "softmax cross-entropy": lambda model: nn.softmax_cross_entropy,
    "categorical cross-entropy": lambda model: nn.cross_entropy,
}

XOR_NOTE = (
    "Why sigmoid units: the slides' threshold network computes XOR exactly, but its unit Th(a) = [a > 0] "
    "is flat, so Th′ = 0 everywhere (and undefined at 0); backpropagation multiplies by Th′ and gives "
    "every weight gradient 0, so gradient descent can never move it. σ is a smooth threshold with "
    "σ′ = σ(1 − σ) > 0, so every weight gets a gradient."
)

DEMOS: dict[str, Demo] = {
    d.name: d
    for d in (
        Demo("xor", "XOR with sigmoid units", lambda seed: nn.data.xor(), (3,), "sigmoid", "sigmoid",
             "half squared error", "sgd", 2.0, 1000, None, init="xavier", split=False, note=XOR_NOTE),
        Demo("moons", "two moons, micrograd's demo network", lambda seed: nn.data.moons(200, 0.1, seed),
             (16, 16), "relu", "linear", "SVM hinge + L2 1e-4", "momentum", 0.05, 40, 10),
        Demo("circles", "a circle inside a circle", lambda seed: nn.data.circles(200, 0.1, seed=seed),
             (8, 8), "tanh", "linear", "binary cross-entropy (logits)", "adam", 0.01, 40, 16),
        Demo("spirals", "three interleaved spirals", lambda seed: nn.data.spirals(300, 3, 0.15, seed=seed),
             (16, 16), "tanh", "linear", "softmax cross-entropy", "adam", 0.02, 60, 16),
        Demo("digits", "8×8 handwritten digits: the first deck's Keras model at scalar scale",
             lambda seed: nn.data.digits(), (32, 32), "relu", "softmax", "categorical cross-entropy",
             "rmsprop", 0.005, 30, 128, init="xavier",
             note="the slides' Keras model is Dense(64, relu), Dense(64, relu), Dense(10, softmax) with "
                  "RMSprop (η = 0.001, ρ = 0.9) and categorical cross-entropy on 784 MNIST pixels; here 64 "
                  "pixels, 32 units per hidden layer, batches of 128 and η = 0.005 (fit replays each batch "
                  "with NumPy), 30 epochs by default; Glorot-uniform weights and zero biases, as Keras' "
                  "Dense."),
    )
}  # fmt: skip


def make_optimizer(name: str, params: list[Value], lr: float) -> nn.Optimizer:
    """An optimizer by its CLI name (momentum and nesterov are SGD with α = 0.9)."""
    if name == "momentum":
        return nn.SGD(params, lr=lr, momentum=0.9)
    if name == "nesterov":
        return nn.SGD(params, lr=lr, momentum=0.9, nesterov=True)
    if name == "rmsprop":  # Keras' RMSprop (the slides' model): decay ρ = 0.9, ε = 1e-7
        return nn.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7)
    if name not in nn.OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose from {', '.join(OPTIMIZER_LR)}")
    return nn.OPTIMIZERS[name](params, lr=lr)


@dataclass
class Result:
    """What a demo run produced."""

    demo: Demo
    model: MLP
    train: Dataset
    test: Dataset | None
    history: History
    optimizer: nn.Optimizer


class BadLimit(ValueError):
    """`limit` is below the samples of a demo whose data is not split, or leaves a class, or the test
    part, without a sample."""


def _limited(data: Dataset, limit: int, seed: int) -> tuple[Dataset, tuple[Dataset, Dataset]] | None:
    """A stratified subset of `limit` samples and its training and test parts, or None where a class
    or the test part would get no sample."""
    try:
        subset = nn.train_test_split(data, 1 - limit / len(data), seed=seed)[0] if limit < len(data) else data
        return subset, nn.train_test_split(subset, 0.25, seed=seed)
    except ValueError:
        return None


def run(
    name: str,
    *,
    optimizer: str | None = None,
    lr: float | None = None,
    epochs: int | None = None,
    batch_size: int | str | None = "default",
    hidden: tuple[int, ...] | None = None,
    seed: int = 0,
    progress: bool = True,
    limit: int | None = None,
    say: Callable[[str], Any] = print,
) -> Result:
    """Train demo `name` (settings default to the demo's) and report through `say`.

    Raises ValueError for an unknown demo or optimizer, BadLimit (a ValueError) for a `limit` too
    small to split the data into a training and a test part, or below the samples of a demo whose data
    is not split (XOR's four points).
    """
    if name not in DEMOS:
        raise ValueError(f"unknown data set {name!r}; choose from {', '.join(DEMOS)}")
    demo = DEMOS[name]
    if optimizer is not None and optimizer not in OPTIMIZER_LR:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose from {', '.join(OPTIMIZER_LR)}")
    if optimizer is not None and optimizer != demo.optimizer:
        demo = replace(demo, optimizer=optimizer, lr=OPTIMIZER_LR[optimizer])
    demo = replace(
        demo,
        lr=demo.lr if lr is None else lr,
        epochs=demo.epochs if epochs is None else epochs,
        batch_size=demo.batch_size if batch_size == "default" else batch_size,
        hidden=demo.hidden if hidden is None else tuple(hidden),
    )
    data = demo.load(seed)
    if limit is not None and limit < len(data) and not demo.split:
        raise BadLimit(
            f"the {name} data ({nn.plural(len(data), 'sample')}) is not split into a training and a test "
            f"part, and trains on all of them: a limit of {limit} would leave some out"
        )
    if limit is not None and limit < len(data):  # a smaller, stratified sample (quick runs and tests)
        split = _limited(data, limit, seed)
        if split is None:
            least = next(m for m in range(limit + 1, len(data) + 1) if _limited(data, m, seed) is not None)
            raise BadLimit(
                f"a limit of {limit} samples is too few to split the {name} data ({data.num_classes} "
                f"classes) into a training and a test part; use at least {least}"
            )
        data, (train, test) = split
    else:
        train, test = nn.train_test_split(data, 0.25, seed=seed) if demo.split else (data, None)
    k = data.num_classes
    outputs = 1 if k == 2 and demo.output_activation != "softmax" else k
    model = MLP(data.num_features, [*demo.hidden, outputs], demo.activation, demo.output_activation,
                init=demo.init, seed=seed)  # fmt: skip
    opt = make_optimizer(demo.optimizer, model.parameters(), demo.lr)
    shape = "-".join(str(s) for s in [data.num_features, *model.sizes])
    batch = "full batch" if demo.batch_size is None else f"batch size {demo.batch_size}"
    if demo.batch_size is not None and demo.batch_size >= len(train):
        batch += f" (the full batch: {nn.plural(len(train), 'training sample')})"
    split = f"{len(train)} train, {len(test)} test" if test else "all used for training"
    say(f"{demo.name}: {demo.title}")
    more = f"; a limit of {limit} is more than there are" if limit is not None and limit > len(data) else ""
    say(f"  data: {nn.plural(len(data), 'sample')}, {k} classes ({split}{more})")
    units = f"{demo.activation} hidden units" if demo.hidden else "no hidden layer"
    say(f"  model: MLP {shape}, {units}, {demo.output_activation} output, "
        f"{nn.plural(len(model.parameters()), 'parameter')}")  # fmt: skip
    say(f"  training: {demo.loss} loss, {opt!r}, {nn.plural(demo.epochs, 'epoch')}, {batch}, seed {seed}")
    history = nn.fit(model, LOSSES[demo.loss](model), opt, train, demo.epochs, demo.batch_size,
                     test=test, seed=seed, progress=progress)  # fmt: skip
    say(f"  result: {history.summary()}")
    if demo.name == "xor":
        say(f"  outputs: {xor_outputs(model)}")
        say(f"  threshold units: {threshold_gradients()}")
    if demo.note:
        say(f"  note: {demo.note}")
    return Result(demo, model, train, test, history, opt)


def xor_outputs(model: MLP) -> str:
    """The trained network's output for each XOR pattern."""
    with no_grad():
        return ", ".join(f"{a:g} {b:g} → {model([a, b])[0].data:.3f}" for a, b in nn.data.xor().inputs)


def threshold_network() -> MLP:
    """The second slide deck's XOR by threshold units: h1 = Th(x1 + x2 − 0.5), h2 = Th(x1 + x2 − 1.5), y = Th(h1 − h2 − 0.5)."""  # noqa: E501
    return MLP(
        2, [2, 1], "step", "step", weights=[[[1, 1], [1, 1]], [[1, -1]]], biases=[[-0.5, -1.5], [-0.5]]
    )


def threshold_gradients() -> str:
    """Evidence that threshold units compute XOR but cannot learn: outputs, then a wrong net's gradients."""
    data = nn.data.xor()
    with no_grad():
        ys = [int(threshold_network()(x)[0].data) for x in data.inputs]
    untrained = MLP(2, [2, 1], "step", "step", seed=1)  # random weights: wrong on some patterns
    loss = nn.mse_loss([untrained(x) for x in data.inputs], data.targets, reduction="half_sum")
    loss.backward()
    grads = sorted({p.grad for p in untrained.parameters()})
    return (
        f"the slides' weights give {ys} (XOR exactly); with random weights the loss is {loss.data:g} "
        f"but every gradient is {grads} (Th′ = 0), so training cannot start"
    )


def save_plot(result: Result, path: str | Path) -> Path:
    """One figure: the decision boundary (2-D data) or sample digits, beside the training curves."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    from nn.plots import draw_decision_boundary, draw_history, save_figure  # matplotlib: only when plotting

    two_d = result.train.num_features == 2
    with rc_context({"font.size": 13}):  # a projector shows the figure at about 80%: 10-point text read as 8
        fig = Figure(figsize=(12, 5.4), layout="constrained")
        left, right = fig.subplots(1, 2)
        if two_d:
            draw_decision_boundary(left, result.model, result.train, f"{result.demo.name}: decision boundary",
                                   test=result.test)  # fmt: skip
        else:
            _draw_digits(left, result)
        draw_history(right, result.history, f"{result.demo.name}: loss and accuracy per epoch")
        fig.suptitle(f"{result.demo.title} — {result.optimizer!r}", fontsize="medium")
        return save_figure(fig, path)


def _draw_digits(ax: Any, result: Result) -> None:
    """A mosaic of test digits, each titled with the model's prediction (red when wrong)."""
    data = result.test or result.train
    ax.axis("off")
    ax.set_title("test digits: prediction (red = wrong)")
    n = min(24, len(data))
    for i in range(n):
        sub = ax.inset_axes([(i % 8) / 8, 1 - (i // 8 + 1) / 3, 0.9 / 8, 0.75 / 3])
        pixels = [data.inputs[i][r * 8 : r * 8 + 8] for r in range(8)]
        sub.imshow(pixels, cmap="gray_r", vmin=0, vmax=1)
        with no_grad():
            guess = nn.predict_class(result.model(data.inputs[i]))
        sub.set_title(str(guess), fontsize=9, color="black" if guess == data.targets[i] else "red")
        sub.set_xticks([])
        sub.set_yticks([])


# --- the second deck's weight-space trajectories -------------------------------------------------------


def weight_space(seed: int = 0, epochs: int = 20) -> tuple[dict[str, list[tuple[float, float]]], Callable]:
    """Full-batch GD, SGD, mini-batch and momentum on one two-weight problem, from the same start.

    The problem: y ≈ w₁x₁ + w₂x₂ with correlated inputs (an elongated valley), squared loss averaged
    over the batch, trained with nn's optimizers and mini-batch iterator for the same number of epochs.
    Returns the (w₁, w₂) path of each method and the loss surface L(w₁, w₂) over all the data.
    """
    rng = random.Random(seed)
    xs, ys = [], []
    for _ in range(32):
        a = rng.gauss(0, 1)
        b = 0.8 * a + 0.6 * rng.gauss(0, 1)
        xs.append([a, b])
        ys.append(1.5 * a - 1.0 * b + rng.gauss(0, 0.3))
    start = (-1.0, 2.0)
    # Learning rates chosen to show each method's character on this valley: full-batch GD near its
    # stability limit zigzags across the valley; momentum damps the zigzag and arrives sooner.
    methods = {
        "full-batch gradient descent (all 32 patterns per update)": (None, 0.0, 0.5),
        "stochastic gradient descent (1 pattern per update)": (1, 0.0, 0.05),
        "mini-batch gradient descent (8 patterns per update)": (8, 0.0, 0.2),
        "full batch with momentum α = 0.5": (None, 0.5, 0.3),
    }
    paths = {}
    for name, (batch, momentum, lr) in methods.items():
        layer = nn.Layer(
            2, 1, "linear", weights=[list(start)], has_bias=False, labels={"weights": [["w1", "w2"]]}
        )
        opt = nn.SGD(layer.parameters(), lr=lr, momentum=momentum)
        order = random.Random(seed)
        path = [start]
        for _ in range(epochs):
            for idx in nn.batches(len(xs), batch, order):
                opt.zero_grad()
                loss = nn.mse_loss([layer(xs[i]) for i in idx], [[ys[i]] for i in idx])
                loss.backward()
                opt.step()
                path.append((layer.neurons[0].w[0].data, layer.neurons[0].w[1].data))
        paths[name] = path

    def loss_at(w1: float, w2: float) -> float:
        return sum((y - w1 * a - w2 * b) ** 2 for (a, b), y in zip(xs, ys)) / len(xs)

    return paths, loss_at


# --- the tour's training pictures -------------------------------------------------------------------


def tour_plots(
    folder: str | Path, demos: tuple[str, ...] = ("xor", "circles", "moons")
) -> list[tuple[str, Path]]:
    """Write the training pictures into `folder`; returns (title, path) pairs for the tour's page.

    The activation table, the weight-space trajectories, and the quick training demos (the spirals and
    the digits take longer: `chainrule train spirals|digits --plot FILE`).
    """
    from nn import plots

    folder = Path(folder)
    pictures = [
        (
            "Activation functions and their derivatives (from backward)",
            plots.plot_activations(folder / "activations.png"),
        ),
    ]
    paths, loss_at = weight_space()
    title = "Weight-space trajectories: full-batch GD, SGD, mini-batch, momentum"
    pictures.append(
        (title, plots.plot_weight_trajectories(paths, loss_at, folder / "weight_space.png", title=title))
    )
    for name in demos:
        result = run(name, progress=False, say=lambda line: None)
        title = f"{DEMOS[name].title}: {result.history.summary()}"
        pictures.append((title, save_plot(result, folder / f"train_{name}.png")))
    return pictures
