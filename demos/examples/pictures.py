"""The decks' teaching pictures, redrawn with the engine's numbers: step sizes, XOR's two planes, a bump.

Each `plot_*` returns a matplotlib Figure (a notebook shows it) or, given a path (.png, .svg, .pdf),
writes it there atomically and returns the path, as `nn.plots` does. Every gradient step is taken with
the engine's backward pass; every unit's output is a Value's forward pass.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from autograd import Value
from nn.plots import COLORS, PlotFigure, save_figure

from . import bishop

# --- step size: small (slow), good, too large (diverges) ----------------------------------------

STEP_SIZES = {"small η = 0.05: slow": 0.05, "good η = 0.4": 0.4, "too large η = 1.05: diverges": 1.05}
CURVATURE = (1.0, 2.0)  # L(w₁, w₂) = ½(w₁² + 2w₂²): steep across as L(w) is, shallow along; η > 1 diverges
START = (-2.0, 1.2)


def _loss_1d(w: Value) -> Value:
    return (w - 1.0) ** 2  # L(w) = (w − 1)², minimum at w = 1; L″ = 2, so η > 1 diverges


def descend(loss: Callable[..., Value], start: tuple[float, ...], eta: float, steps: int) -> list[tuple]:
    """Gradient descent w ← w − η·∂L/∂w from `start`, the gradient from backward; the points visited."""
    point, path = tuple(start), [tuple(start)]
    for _ in range(steps):
        weights = [Value(w, f"w{k}") for k, w in enumerate(point, 1)]
        loss(*weights).backward()
        point = tuple(w.data - eta * w.grad for w in weights)
        path.append(point)
    return path


def _loss_2d(w1: Value, w2: Value) -> Value:
    return 0.5 * (CURVATURE[0] * w1**2 + CURVATURE[1] * w2**2)


def plot_step_sizes(path: str | os.PathLike | None = None, steps: int = 12) -> PlotFigure | Path:
    """Deck 000's step-size slides: three learning rates on one loss curve and in weight space.

    On the curve L(w) = (w − 1)² from w = −1: η = 0.05 creeps, η = 0.4 arrives, η = 1.05 overshoots
    further each step. In weight space, L = ½(w₁² + 2w₂²): the steep direction diverges for η > 1 too.
    """
    fig = PlotFigure(figsize=(12, 4.8), layout="constrained")
    fig.suptitle("Step size: small is slow, too large diverges (every step from the engine's gradient)")
    curve, space = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    grid = [-3.0 + 8.0 * i / 400 for i in range(401)]
    curve.plot(grid, [(w - 1.0) ** 2 for w in grid], color="black", linewidth=1, label="L(w) = (w − 1)²")
    levels = [0.05 * 2**k for k in range(9)]
    g1 = [-3.5 + 7 * i / 120 for i in range(121)]
    g2 = [-4.0 + 8 * i / 120 for i in range(121)]
    surface = [[0.5 * (CURVATURE[0] * a * a + CURVATURE[1] * b * b) for a in g1] for b in g2]
    space.contour(g1, g2, surface, levels=levels, cmap="viridis", linewidths=0.7)
    for color, (name, eta) in zip(COLORS, STEP_SIZES.items()):
        walk = descend(_loss_1d, (-1.0,), eta, steps)
        ws = [p[0] for p in walk if abs(p[0]) < 6]
        curve.plot(ws, [(w - 1.0) ** 2 for w in ws], color=color, marker="o", markersize=3, linewidth=1,
                   label=name)  # fmt: skip
        trail = _inside(descend(_loss_2d, START, eta, steps), 3.5, 4.0)
        space.plot([p[0] for p in trail], [p[1] for p in trail], color=color, marker="o", markersize=3,
                   linewidth=1, label=name)  # fmt: skip
    curve.set(
        xlim=(-3, 5), ylim=(-0.5, 17), xlabel="w", ylabel="L(w)", title="on the loss curve, from w = −1"
    )
    space.set(xlabel="w₁", ylabel="w₂", title="in weight space: L = ½(w₁² + 2w₂²), from (−2, 1.2)")
    space.plot(0, 0, marker="x", color="black", markersize=9, linestyle="none", label="minimum")
    for ax in (curve, space):
        ax.legend(loc="upper right", fontsize="small")
        ax.grid(True, alpha=0.3)
    return fig if path is None else save_figure(fig, path)


def _inside(path: list[tuple], half_width: float, half_height: float) -> list[tuple]:
    # the points up to the first one outside the drawn box (a diverging walk leaves it)
    for k, (a, b) in enumerate(path):
        if abs(a) > half_width or abs(b) > half_height:
            return path[:k]
    return path


# --- XOR: two lines in the input plane, one line in the (h1, h2) plane --------------------------


def xor_points() -> dict[str, tuple[float, float, float, float, float]]:
    """Per row x1x2: (x1, x2, h1, h2, y), h and y from the xor-threshold example's own graph."""
    g = bishop.build_xor()
    return {
        row: (float(row[0]), float(row[1]), g.value(f"h1_{row}"), g.value(f"h2_{row}"), g.value(f"y_{row}"))
        for row in bishop.ROWS
    }


def plot_xor_planes(path: str | os.PathLike | None = None) -> PlotFigure | Path:
    """Deck 001's XOR slides: the lines of h1 and h2 in the input plane; the points again in (h1, h2).

    In (x1, x2) no single line separates XOR; h1 = Th(x1 + x2 − 0.5) and h2 = Th(x1 + x2 − 1.5) map
    (1, 0) and (0, 1) to the same point (1, 0), and there the line h1 − h2 − 0.5 = 0 separates them.
    """
    fig = PlotFigure(figsize=(11, 5), layout="constrained")
    fig.suptitle("XOR: two threshold units make the points linearly separable")
    inputs, hidden = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    points = xor_points()
    span = [-0.5, 2.0]
    inputs.plot(span, [0.5 - v for v in span], color=COLORS[0], label="h1: x1 + x2 − 0.5 = 0")
    inputs.plot(span, [1.5 - v for v in span], color=COLORS[2], label="h2: x1 + x2 − 1.5 = 0")
    hidden.plot(span, [v - 0.5 for v in span], color=COLORS[4], label="y: h1 − h2 − 0.5 = 0")
    for row, (x1, x2, h1, h2, y) in points.items():
        style = {"color": COLORS[1] if y else "black", "marker": "o" if y else "s", "markersize": 10}
        inputs.plot(x1, x2, linestyle="none", **style)
        inputs.annotate(f"({row[0]}, {row[1]}) → {y:g}", (x1, x2), textcoords="offset points", xytext=(8, 6))
        hidden.plot(h1, h2, linestyle="none", **style)
    for (h1, h2), rows in _grouped(points).items():
        hidden.annotate(" and ".join(f"({r[0]}, {r[1]})" for r in rows), (h1, h2), textcoords="offset points",
                        xytext=(8, 6))  # fmt: skip
    inputs.set(xlabel="x1", ylabel="x2", title="input plane: no one line separates XOR")
    hidden.set(xlabel="h1", ylabel="h2", title="(h1, h2) plane: one line does")
    for ax in (inputs, hidden):
        ax.set(xlim=(-0.4, 1.8), ylim=(-0.4, 1.6))
        ax.set_aspect("equal")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper right", fontsize="small")
    return fig if path is None else save_figure(fig, path)


def _grouped(points: dict) -> dict[tuple[float, float], list[str]]:
    groups: dict[tuple[float, float], list[str]] = {}
    for row, (_, _, h1, h2, _) in points.items():
        groups.setdefault((h1, h2), []).append(row)
    return groups


# --- the universal-approximation bump from four hidden units ------------------------------------

BUMP_STEEPNESS, BUMP_HALF_WIDTH, BUMP_OUTPUT_STEEPNESS = 6.0, 1.0, 8.0


def ridge(x: float) -> float:
    """Two sigmoid units facing each other, σ(k(x + a)) − σ(k(x − a)): a ridge of height ~1 on |x| < a."""
    k, a = BUMP_STEEPNESS, BUMP_HALF_WIDTH
    return Value(k * (x + a)).sigmoid().data - Value(k * (x - a)).sigmoid().data


def bump(x1: float, x2: float) -> float:
    """Four hidden units (two ridges, across x1 and across x2), summed; the output unit σ(K(s − 1.5))
    keeps only the square where both ridges overlap: a bump."""
    total = ridge(x1) + ridge(x2)
    return Value(BUMP_OUTPUT_STEEPNESS * (total - 1.5)).sigmoid().data


def plot_bump(path: str | os.PathLike | None = None, resolution: int = 61) -> PlotFigure | Path:
    """Deck 001's universal-approximation intuition: four hidden sigmoid units make a bump."""
    fig = PlotFigure(figsize=(11, 4.8), layout="constrained")
    fig.suptitle("Four hidden units make a bump; many bumps approximate any surface")
    pair, surface = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    xs = [-3 + 6 * i / 300 for i in range(301)]
    k, a = BUMP_STEEPNESS, BUMP_HALF_WIDTH
    pair.plot(xs, [Value(k * (x + a)).sigmoid().data for x in xs], color=COLORS[0], label="σ(k(x + a))")
    pair.plot(xs, [-Value(k * (x - a)).sigmoid().data for x in xs], color=COLORS[2], label="−σ(k(x − a))")
    pair.plot(xs, [ridge(x) for x in xs], color=COLORS[1], linewidth=2, label="their sum: a ridge")
    pair.set(xlabel="x", title=f"two units along one input (k = {k:g}, a = {a:g})")
    pair.grid(True, alpha=0.3)
    pair.legend(loc="lower left", fontsize="small")
    grid = [-3 + 6 * i / (resolution - 1) for i in range(resolution)]
    heights = [[bump(x1, x2) for x1 in grid] for x2 in grid]
    shaded = surface.contourf(grid, grid, heights, levels=12, cmap="viridis")
    fig.colorbar(shaded, ax=surface, label="output")
    surface.set(xlabel="x1", ylabel="x2", title="four units (two ridges), output σ(K(Σ − 1.5))")
    surface.set_aspect("equal")
    return fig if path is None else save_figure(fig, path)


PICTURES: dict[str, tuple[str, Callable[..., PlotFigure | Path]]] = {
    "step-size": ("Step size: small, good, too large (deck 000)", plot_step_sizes),
    "xor-planes": ("XOR: the input plane and the (h1, h2) plane (deck 001)", plot_xor_planes),
    "bump": ("Universal approximation: a bump from four hidden units (deck 001)", plot_bump),
}


def tour_pictures(folder: str | Path) -> list[tuple[str, Path]]:
    """Every picture as a PNG in `folder`; (title, path) pairs for the tour's page."""
    folder = Path(folder)
    return [(title, draw(folder / f"{name}.png")) for name, (title, draw) in PICTURES.items()]
