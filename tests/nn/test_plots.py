"""Plots: derivatives come from backward and match the slides' table; every plot writes a real image."""

import math
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.figure import Figure

import nn
from nn import MLP, plots

PNG = b"\x89PNG\r\n\x1a\n"


def sigma(x):
    return 1 / (1 + math.exp(-x))


TABLE = {  # the first deck's table: f and f′
    "sigmoid": (sigma, lambda x: sigma(x) * (1 - sigma(x))),
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "relu": (lambda x: max(0.0, x), lambda x: 1.0 if x > 0 else 0.0),  # 0 at the kink, as PyTorch
    "leaky_relu": (lambda x: x if x > 0 else 0.01 * x, lambda x: 1.0 if x > 0 else 0.01),
    "softplus": (lambda x: math.log(1 + math.exp(x)), sigma),
    "step": (lambda x: 1.0 if x > 0 else 0.0, lambda x: 0.0),
}


@pytest.mark.parametrize("name", list(TABLE))
def test_activation_curves_match_the_table(name):
    xs, ys, ds = plots.activation_curves(name, -3.0, 3.0, 61)
    f, df = TABLE[name]
    assert ys == pytest.approx([f(x) for x in xs], abs=1e-12)
    assert ds == pytest.approx([df(x) for x in xs], abs=1e-12)


def test_every_plot_writes_an_image(tmp_path):
    moons = nn.data.moons(40, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = nn.fit(model, nn.bce_with_logits, nn.Adam(model.parameters(), lr=0.05), moons, epochs=3,
                     test=moons, progress=False)  # fmt: skip
    paths = [
        plots.plot_activations(tmp_path / "act.png"),
        plots.plot_history(history, tmp_path / "history.png"),
        plots.plot_decision_boundary(model, moons, tmp_path / "boundary.png", resolution=20),
        plots.plot_weight_trajectories(
            {"a": [(0.0, 0.0), (0.5, 0.2)], "b": [(0.0, 0.0), (1.0, 1.0)]},
            lambda a, b: (a - 1) ** 2 + (b - 1) ** 2,
            tmp_path / "paths.png",
            resolution=15,
        ),
    ]
    for p in paths:
        assert p.read_bytes().startswith(PNG)
    svg = plots.plot_history(history, tmp_path / "history.svg")
    assert b"<svg" in svg.read_bytes()[:500]


def test_without_a_path_every_plot_returns_its_figure_for_a_notebook(tmp_path):
    xor = nn.data.xor()
    model = MLP(2, [3, 1], seed=0)
    history = nn.fit(model, nn.bce_with_logits, nn.Adam(model.parameters(), lr=0.05), xor, epochs=2,
                     progress=False)  # fmt: skip
    figures = [
        plots.plot_activations(names=["relu", "tanh"]),
        plots.plot_history(history),
        plots.plot_decision_boundary(model, xor, resolution=10),
        plots.plot_weight_trajectories(
            {"a": [(0.0, 0.0), (0.5, 0.2)]}, lambda a, b: a * a + b * b, resolution=8
        ),
    ]
    for fig in figures:
        assert isinstance(fig, Figure) and fig.axes
        assert fig._repr_png_().startswith(PNG)  # what Jupyter shows inline, with or without pyplot
    assert plots.plot_history(history).axes[0].get_title() == "Training"
    assert not list(tmp_path.iterdir()) and not list(Path.cwd().glob("*.png"))  # nothing written


def test_import_nn_then_nn_plots_works_and_loads_matplotlib_only_then(tmp_path):
    script = (
        "import sys, nn\n"
        "assert 'matplotlib' not in sys.modules, 'import nn loaded matplotlib'\n"
        "assert 'plots' in dir(nn)\n"
        "h = nn.History(loss=[1.0, 0.5], accuracy=[0.5, 1.0])\n"
        "print(nn.plots.plot_history(h, sys.argv[1]).name)\n"
        "print(type(nn.plots.plot_history(h)).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "h.png")], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    assert out.split() == ["h.png", "PlotFigure"]
    assert (tmp_path / "h.png").read_bytes().startswith(PNG)
    with pytest.raises(AttributeError, match="module 'nn' has no attribute 'plotz'"):
        nn.plotz  # noqa: B018


def test_plot_errors_are_clear(tmp_path):
    with pytest.raises(ValueError, match=r"use a \.png, \.svg or \.pdf file name"):
        plots.plot_activations(tmp_path / "act.jpg")
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        plots.activation_curves("swish")
    three = nn.data.Dataset("three", [[0.0, 1.0, 2.0]], [0], 2)
    with pytest.raises(ValueError, match="needs 2-D inputs; three has 3 features"):
        plots.plot_decision_boundary(MLP(3, [1]), three, tmp_path / "b.png")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        plots.plot_activations(tmp_path / "missing" / "act.png")


def test_tour_plots_returns_titled_pictures(tmp_path):
    from demos.examples.training import tour_plots

    pictures = tour_plots(tmp_path, demos=("xor",))
    assert [p.name for _, p in pictures] == ["activations.png", "weight_space.png", "train_xor.png"]
    assert all(p.read_bytes().startswith(PNG) for _, p in pictures)
    assert "train accuracy 100.0%" in pictures[-1][0]
