"""Plots (matplotlib, no pyplot state): loss curves, decision boundaries, activations, weight trajectories.

Each `draw_*` draws on a matplotlib Axes (to compose figures); each `plot_*` makes a figure and, given a
path, writes it to that file (PNG, SVG or PDF by the suffix) atomically and returns the path; without a
path it returns the Figure, which a Jupyter notebook shows inline. Figures are built with
`matplotlib.figure.Figure`, so nothing here touches pyplot's global state or needs a display.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from autograd import Value, no_grad
from autograd.files import write_atomic

from ._text import plural
from .data import Dataset
from .module import Module
from .train import History, default_threshold, predict_class

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
FORMATS = ("png", "svg", "pdf")
DPI = 110

# The scalar activations of the first slide deck's table, and the threshold Th of the second.
ACTIVATION_PLOTS: dict[str, tuple[Callable[[Value], Value], str]] = {
    "sigmoid": (Value.sigmoid, "σ(x) = 1/(1 + e^−x)"),
    "tanh": (Value.tanh, "tanh(x)"),
    "relu": (Value.relu, "ReLU(x) = max(0, x)"),
    "leaky_relu": (lambda v: v.leaky_relu(0.01), "leaky ReLU, slope 0.01"),
    "softplus": (Value.softplus, "softplus(x) = ln(1 + e^x)"),
    "step": (Value.step, "threshold Th(x) = [x > 0]"),
}


class PlotFigure(Figure):
    """A matplotlib Figure that a notebook shows as a PNG by itself.

    Jupyter's inline display of figures is set up by pyplot's backend, which this module never loads,
    so the figure carries its own `_repr_png_`.
    """

    def _repr_png_(self) -> bytes:
        picture = io.BytesIO()
        self.savefig(picture, format="png", dpi=DPI)
        return picture.getvalue()


def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = DPI) -> Path:
    """Write `fig` to `path` atomically; the format comes from the suffix (png, svg, pdf)."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"cannot save a plot as {str(path)!r}: use a .png, .svg or .pdf file name")
    picture = io.BytesIO()
    fig.savefig(picture, format=fmt, dpi=dpi)
    return write_atomic(path, picture.getvalue())


def _finish(fig: PlotFigure, path: str | os.PathLike | None) -> PlotFigure | Path:
    """The figure itself when no path is given; else the path it was saved to."""
    return fig if path is None else save_figure(fig, path)


def draw_history(ax: Any, history: History, title: str = "Training") -> None:
    """Loss per epoch (left axis, log scale) and accuracy (right axis), train and test."""
    epochs = range(1, len(history.loss) + 1)
    ax.plot(epochs, history.loss, color=COLORS[0], label="train loss")
    if history.test_loss:
        ax.plot(epochs, history.test_loss, color=COLORS[0], linestyle="--", label="test loss")
    losses = [v for v in history.loss + history.test_loss if v > 0]
    log = bool(losses) and max(losses) > 20 * min(losses)  # a log scale only when the loss spans decades
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("loss (log scale)" if log else "loss", color=COLORS[0])
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    acc = ax.twinx()
    acc.plot(epochs, [100 * a for a in history.accuracy], color=COLORS[1], label="train accuracy")
    if history.test_accuracy:
        acc.plot(
            epochs,
            [100 * a for a in history.test_accuracy],
            color=COLORS[1],
            linestyle="--",
            label="test accuracy",
        )
    acc.set_ylabel("accuracy (%)", color=COLORS[1])
    acc.set_ylim(0, 101)
    lines = ax.get_lines() + acc.get_lines()
    # Below the axes, so it never hides a curve.
    ax.legend(lines, [line.get_label() for line in lines], loc="upper center", bbox_to_anchor=(0.5, -0.13),
              ncol=len(lines), fontsize="small", frameon=False)  # fmt: skip


def plot_history(
    history: History, path: str | os.PathLike | None = None, title: str = "Training"
) -> PlotFigure | Path:
    """Loss and accuracy curves: the Figure, or the path it was saved to when `path` is given."""
    fig = PlotFigure(figsize=(6.4, 4.2), layout="constrained")
    draw_history(fig.add_subplot(), history, title)
    return _finish(fig, path)


def draw_decision_boundary(
    ax: Any,
    model: Module,
    data: Dataset,
    title: str = "Decision boundary",
    resolution: int = 70,
    threshold: float | None = None,
    test: Dataset | None = None,
) -> None:
    """The predicted class over the plane (shaded) with the samples on top; 2-D inputs only."""
    if data.num_features != 2:
        raise ValueError(
            f"a decision boundary needs 2-D inputs; {data.name} has {plural(data.num_features, 'feature')}"
        )
    threshold = default_threshold(model) if threshold is None else threshold
    points = data.inputs + (test.inputs if test else [])
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pad_x, pad_y = 0.1 * (max(xs) - min(xs)) + 0.1, 0.1 * (max(ys) - min(ys)) + 0.1
    gx = _grid(min(xs) - pad_x, max(xs) + pad_x, resolution)
    gy = _grid(min(ys) - pad_y, max(ys) + pad_y, resolution)
    with no_grad():  # values only: thousands of forward passes, no graph kept
        classes = [[predict_class(model([x, y]), threshold) for x in gx] for y in gy]
    k = data.num_classes
    cmap = ListedColormap(COLORS[:k])
    ax.contourf(gx, gy, classes, levels=[c - 0.5 for c in range(k + 1)], cmap=cmap, alpha=0.25)
    for c in range(k):
        mine = [p for p, t in zip(data.inputs, data.targets) if t == c]
        ax.scatter([p[0] for p in mine], [p[1] for p in mine], s=14, color=COLORS[c], label=f"class {c}")
        if test:
            held = [p for p, t in zip(test.inputs, test.targets) if t == c]
            ax.scatter(
                [p[0] for p in held], [p[1] for p in held], s=22, facecolors="none", edgecolors=COLORS[c],
                label=f"class {c} (test)",
            )  # fmt: skip
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(title)
    # Below the axes (it hides no point), one column per class: training above test samples.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=k, fontsize="small", frameon=False)


def plot_decision_boundary(
    model: Module,
    data: Dataset,
    path: str | os.PathLike | None = None,
    title: str = "Decision boundary",
    **options: Any,
) -> PlotFigure | Path:
    """The decision boundary of a 2-D classifier over its data: the Figure, or the path it was saved to.

    options: draw_decision_boundary's (resolution, threshold, test). Raises ValueError unless the data
    has 2 features.
    """
    fig = PlotFigure(figsize=(5.6, 5.0), layout="constrained")
    draw_decision_boundary(fig.add_subplot(), model, data, title, **options)
    return _finish(fig, path)


def activation_curves(name: str, lo: float = -4.0, hi: float = 4.0, n: int = 401) -> tuple[list, list, list]:
    """(x, f(x), f′(x)) for one activation; f′ is computed by the engine's backward pass, not by hand."""
    if name not in ACTIVATION_PLOTS:
        raise ValueError(f"unknown activation {name!r}; choose from {', '.join(ACTIVATION_PLOTS)}")
    f = ACTIVATION_PLOTS[name][0]
    xs, ys, ds = _grid(lo, hi, n), [], []
    for x in xs:
        v = Value(x)
        out = f(v)
        out.backward()
        ys.append(out.data)
        ds.append(v.grad)
    return xs, ys, ds


def plot_activations(
    path: str | os.PathLike | None = None, names: Sequence[str] = tuple(ACTIVATION_PLOTS)
) -> PlotFigure | Path:
    """The slides' activation functions with their derivatives (from backward): the Figure, or its path."""
    cols = 3
    rows = -(-len(names) // cols)
    fig = PlotFigure(figsize=(4.0 * cols, 3.2 * rows), layout="constrained")
    fig.suptitle("Activation functions f (solid) and their derivatives f′ from backward (dashed)")
    for i, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, i + 1)
        xs, ys, ds = activation_curves(name)
        ax.plot(xs, ys, color=COLORS[0], label="f(x)")
        ax.plot(xs, ds, color=COLORS[1], linestyle="--", label="f′(x) (backward)")
        ax.axhline(0, color="black", linewidth=0.6)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_title(ACTIVATION_PLOTS[name][1])
        ax.set_xlabel("x")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", fontsize="small")
    return _finish(fig, path)


def plot_weight_trajectories(
    trajectories: dict[str, Sequence[tuple[float, float]]],
    loss_at: Callable[[float, float], float],
    path: str | os.PathLike | None = None,
    title: str = "Weight-space trajectories",
    labels: tuple[str, str] = ("w₁", "w₂"),
    resolution: int = 60,
) -> PlotFigure | Path:
    """Paths of two weights over contours of the loss (the second deck's pictures): the Figure, or its path.

    `trajectories` maps a method's name to its (w₁, w₂) after each update, starting point first;
    `loss_at(w₁, w₂)` gives the loss surface.
    """
    points = [p for path_ in trajectories.values() for p in path_]
    if not points:
        raise ValueError("plot_weight_trajectories: no trajectory points")
    w1s, w2s = [p[0] for p in points], [p[1] for p in points]
    pad1, pad2 = 0.15 * (max(w1s) - min(w1s)) + 0.1, 0.15 * (max(w2s) - min(w2s)) + 0.1
    g1 = _grid(min(w1s) - pad1, max(w1s) + pad1, resolution)
    g2 = _grid(min(w2s) - pad2, max(w2s) + pad2, resolution)
    surface = [[loss_at(a, b) for a in g1] for b in g2]
    low = min(min(row) for row in surface)
    high = max(max(row) for row in surface)
    # Levels spaced geometrically above the minimum, so the valley floor is drawn as finely as the walls.
    levels = [low + (high - low) * 0.002 * (500 ** (i / 13)) for i in range(14)]
    best = min(((v, a, b) for row, b in zip(surface, g2) for v, a in zip(row, g1)), key=lambda t: t[0])
    n = len(trajectories)
    cols = 2 if n > 1 else 1
    rows = -(-n // cols)
    fig = PlotFigure(figsize=(5.2 * cols, 4.6 * rows), layout="constrained")
    fig.suptitle(title)
    for i, (name, path_) in enumerate(trajectories.items()):
        ax = fig.add_subplot(rows, cols, i + 1)
        contours = ax.contour(g1, g2, surface, levels=levels, cmap="viridis", linewidths=0.8)
        ax.clabel(contours, fontsize=6, fmt="%.2g")
        ax.plot(best[1], best[2], marker="x", color="black", markersize=8, linestyle="none", label="minimum")
        ax.plot([p[0] for p in path_], [p[1] for p in path_], color=COLORS[1], marker=".", markersize=3,
                linewidth=1.0, label=plural(len(path_) - 1, "update"))  # fmt: skip
        ax.plot(*path_[0], marker="o", color="black", label="start")
        ax.plot(*path_[-1], marker="*", markersize=11, color=COLORS[1], label="end")
        ax.set_title(name)
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
        ax.legend(loc="best", fontsize="small")
    return _finish(fig, path)


def _grid(lo: float, hi: float, n: int) -> list[float]:
    return [lo + (hi - lo) * i / (n - 1) for i in range(n)]


__all__ = [
    "ACTIVATION_PLOTS", "PlotFigure", "activation_curves", "draw_decision_boundary", "draw_history",
    "plot_activations", "plot_decision_boundary", "plot_history", "plot_weight_trajectories", "save_figure",
]  # fmt: skip
