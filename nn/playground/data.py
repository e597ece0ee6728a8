"""The playground's data sets, drawn from the generator shared with the page (learning.js repeats this).

Each point is drawn in the same order as in the browser: its uniforms first, then the noise of x and of
y; then all points are shuffled and the first ⌊n·test + ½⌋ become the test set. The classes are 0 and 1.
"""

from __future__ import annotations

import math

from ..data import Dataset
from .generator import Mulberry32
from .settings import Settings

STREAMS = {"data": 0, "init": 1, "order": 2}  # each use of the seed gets its own stream: seed + offset


def generator(settings: Settings, use: str) -> Mulberry32:
    """The generator of one use ("data", "init" or "order") of the settings' seed."""
    return Mulberry32((settings.seed + STREAMS[use]) & 0xFFFFFFFF)


def datasets(settings: Settings) -> tuple[Dataset, Dataset | None]:
    """(train, test) for the settings; a user's points are training data but those marked test (p[3] = 1)."""
    if settings.data == "custom":
        train = [p[:3] for p in settings.points if len(p) == 3]
        test = [p[:3] for p in settings.points if len(p) == 4]
        return _dataset("custom", train), _dataset("custom (test)", test) if test else None
    rng = generator(settings, "data")
    draw = _SHAPES[settings.data]
    points = []
    for i in range(settings.n):
        x, y, c = draw(rng, i % 2)
        points.append((x + settings.noise * rng.normal(), y + settings.noise * rng.normal(), c))
    rng.shuffle(points)
    cut = math.floor(settings.n * settings.test + 0.5)
    test = _dataset(f"{settings.data} (test)", points[:cut]) if cut else None
    return _dataset(settings.data, points[cut:]), test


def _dataset(name: str, points: list[tuple[float, float, int]]) -> Dataset:
    return Dataset(name, [[x, y] for x, y, _ in points], [c for _, _, c in points], 2)


def _xor(rng: Mulberry32, _: int) -> tuple[float, float, int]:
    # Uniform in the square, pushed 0.1 away from the axes so that the four quadrants have a margin.
    u, v = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
    x = 0.9 * u + (0.1 if u >= 0 else -0.1)
    y = 0.9 * v + (0.1 if v >= 0 else -0.1)
    return x, y, int((x > 0) != (y > 0))


def _circles(rng: Mulberry32, c: int) -> tuple[float, float, int]:
    angle, radius = 2.0 * math.pi * rng.random(), 1.0 if c == 0 else 0.5
    return radius * math.cos(angle), radius * math.sin(angle), c


def _moons(rng: Mulberry32, c: int) -> tuple[float, float, int]:
    # scikit-learn's two moons, centred and scaled into the plane shown.
    t = math.pi * rng.random()
    x, y = (math.cos(t), math.sin(t)) if c == 0 else (1.0 - math.cos(t), 0.5 - math.sin(t))
    return 0.8 * (x - 0.5), 0.8 * (y - 0.25), c


def _spirals(rng: Mulberry32, c: int) -> tuple[float, float, int]:
    # Two arms a half turn apart, 1.5 turns each, radius 0.05 to 1.2.
    r = 0.05 + 0.95 * rng.random()
    angle = 3.0 * math.pi * r + math.pi * c
    return 1.2 * r * math.sin(angle), 1.2 * r * math.cos(angle), c


_SHAPES = {"xor": _xor, "circles": _circles, "moons": _moons, "spirals": _spirals}
