"""Seeded toy data sets (XOR, two moons, circles, spirals), the 8×8 digits, train/test split, mini-batches.

Pure Python with `random.Random(seed)`: the same seed gives the same points on every machine. Inputs
are lists of floats, targets class indices 0..K−1.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from autograd.errors import is_real, is_whole

from ._text import plural


def _finite(v: object) -> bool:
    try:
        return math.isfinite(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Dataset:
    """Samples (`inputs[i]`, `targets[i]`): lists of floats and class indices, with a name."""

    name: str
    inputs: list[list[float]]
    targets: list[int]
    num_classes: int
    description: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Raise ValueError naming the sample for inputs and targets of unequal count, no sample,
        samples of unequal width, a target that is not a class index below num_classes, or a feature
        that is not a finite number. Run when the data set is made, and by fit (its lists may have
        been changed since)."""
        if len(self.inputs) != len(self.targets):
            raise ValueError(
                f"{self.name}: {plural(len(self.inputs), 'input')} but {plural(len(self.targets), 'target')}"
            )
        if not self.inputs:
            raise ValueError(f"{self.name}: a data set needs at least one sample")
        width = len(self.inputs[0])
        for i, (x, t) in enumerate(zip(self.inputs, self.targets)):
            if len(x) != width:
                raise ValueError(
                    f"{self.name}: sample {i} has {plural(len(x), 'feature')}, sample 0 has {width}"
                )
            if not is_whole(t) or not 0 <= t < self.num_classes:
                raise ValueError(
                    f"{self.name}: target {i} is {t!r}, not a class index below {self.num_classes} "
                    f"(an int, 0 to {self.num_classes - 1})"
                )
        try:  # one pass in NumPy; the sample and feature found again only for the message
            finite = bool(np.isfinite(np.array(self.inputs, dtype=float)).all())
        except (TypeError, ValueError):
            finite = False
        if not finite:
            i, j, v = next(
                (i, j, v) for i, x in enumerate(self.inputs) for j, v in enumerate(x) if not _finite(v)
            )
            raise ValueError(
                f"{self.name}: feature {j} of sample {i} (inputs[{i}][{j}]) is {v!r}, not a finite number"
            )

    def __len__(self) -> int:
        return len(self.inputs)

    @property
    def num_features(self) -> int:
        """How many numbers describe each sample."""
        return len(self.inputs[0])

    def subset(self, indices: Sequence[int], name: str | None = None) -> Dataset:
        """The samples at `indices`, in that order."""
        return Dataset(
            name or self.name,
            [self.inputs[i] for i in indices],
            [self.targets[i] for i in indices],
            self.num_classes,
            self.description,
        )


def xor() -> Dataset:
    """The four XOR patterns: (x1, x2) → x1 XOR x2."""
    inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    return Dataset("xor", inputs, [0, 1, 1, 0], 2, "the four XOR patterns")


def moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles (scikit-learn's make_moons), with Gaussian noise."""
    _check_size(n, noise)
    rng = random.Random(seed)
    n_out = n // 2
    n_in = n - n_out
    points = [(math.cos(t), math.sin(t), 0) for t in _linspace(0.0, math.pi, n_out)]
    points += [(1.0 - math.cos(t), 0.5 - math.sin(t), 1) for t in _linspace(0.0, math.pi, n_in)]
    return _noisy("moons", points, 2, noise, rng, f"{n} points on two moons, noise {noise}")


def circles(n: int = 200, noise: float = 0.1, factor: float = 0.5, seed: int = 0) -> Dataset:
    """A small circle (class 1, radius `factor`) inside a large one (class 0), like make_circles."""
    _check_size(n, noise)
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor must be in (0, 1), got {factor!r}")
    rng = random.Random(seed)
    n_out = n // 2
    n_in = n - n_out
    step_out, step_in = 2 * math.pi / n_out, 2 * math.pi / n_in
    points = [(math.cos(i * step_out), math.sin(i * step_out), 0) for i in range(n_out)]
    points += [(factor * math.cos(i * step_in), factor * math.sin(i * step_in), 1) for i in range(n_in)]
    return _noisy("circles", points, 2, noise, rng, f"{n} points on two circles, noise {noise}")


def spirals(n: int = 200, classes: int = 2, noise: float = 0.2, turns: float = 1.0, seed: int = 0) -> Dataset:
    """`classes` interleaved spiral arms (the CS231n toy data), n points in all, radius 0.05 to 1."""
    _check_size(n, noise)
    if not is_whole(classes) or classes < 2:
        raise ValueError(f"spirals: classes must be an integer ≥ 2, got {classes!r}")
    rng = random.Random(seed)
    points = []
    span = 2 * math.pi * turns
    for k in range(classes):
        m = n // classes + (1 if k < n % classes else 0)
        for r in _linspace(0.05, 1.0, m):
            t = span * r + 2 * math.pi * k / classes + rng.gauss(0.0, noise)
            points.append((r * math.sin(t), r * math.cos(t), k))
    return _noisy("spirals", points, classes, 0.0, rng, f"{n} points on {classes} spiral arms, noise {noise}")


def digits() -> Dataset:
    """scikit-learn's 8×8 handwritten digits (1,797 images, 10 classes), pixels scaled to [0, 1].

    The data ships inside scikit-learn (no download); install it with `pip install scikit-learn` (in a
    clone: `pip install -e '.[digits]'`).
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError(
            "the digits data set needs scikit-learn: "
            "pip install scikit-learn (in a clone: pip install -e '.[digits]')"
        ) from None
    bunch = load_digits()
    inputs = [[float(v) / 16.0 for v in row] for row in bunch.data]
    targets = [int(t) for t in bunch.target]
    return Dataset("digits", inputs, targets, 10, "8×8 handwritten digits from scikit-learn, pixels / 16")


DATASETS: dict[str, Callable[..., Dataset]] = {
    "xor": xor,
    "moons": moons,
    "circles": circles,
    "spirals": spirals,
    "digits": digits,
}


def load(name: str, **options: object) -> Dataset:
    """The data set called `name` (one of DATASETS), made with `options`."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
    return DATASETS[name](**options)


def train_test_split(data: Dataset, test_fraction: float = 0.25, seed: int = 0) -> tuple[Dataset, Dataset]:
    """A shuffled split, stratified: each class is split in the same proportion."""
    if not is_real(test_fraction) or not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: test_fraction must be in (0, 1), got {test_fraction!r}")
    rng = random.Random(seed)
    train, test = [], []
    for k in range(data.num_classes):
        idx = [i for i, t in enumerate(data.targets) if t == k]
        rng.shuffle(idx)
        cut = round(len(idx) * test_fraction)
        test += idx[:cut]
        train += idx[cut:]
    if not train or not test:
        raise ValueError(
            f"train_test_split: cannot split {plural(len(data), 'sample')} at {test_fraction}: "
            "a part would be empty"
        )
    rng.shuffle(train)
    rng.shuffle(test)
    return data.subset(train, f"{data.name} (train)"), data.subset(test, f"{data.name} (test)")


def batches(n: int, batch_size: int | None, rng: random.Random) -> Iterator[list[int]]:
    """One epoch of mini-batches of sample indices: shuffled, each sample taken once (no replacement).

    batch_size None (or ≥ n) is full-batch gradient descent; 1 is SGD; the last batch may be smaller.
    A bad batch_size raises ValueError here, when called, not at the first batch.
    """
    _check_batch_size(batch_size)
    return _batches(n, n if batch_size is None else min(batch_size, n), rng)


def _batches(n: int, size: int, rng: random.Random) -> Iterator[list[int]]:
    order = list(range(n))
    if size < n:
        rng.shuffle(order)  # a full batch sums the same gradients in any order
    for start in range(0, n, size):
        yield order[start : start + size]


def _check_batch_size(batch_size: object) -> None:
    """Raise ValueError unless `batch_size` is a positive int or None (full batch)."""
    if batch_size is not None and (not is_whole(batch_size) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive integer or None (full batch), got {batch_size!r}")


def _linspace(a: float, b: float, n: int) -> list[float]:
    if n == 1:
        return [a]
    return [a + (b - a) * i / (n - 1) for i in range(n)]


def _check_size(n: object, noise: object) -> None:
    if not is_whole(n) or n < 2:
        raise ValueError(f"the number of points n must be an integer ≥ 2, got {n!r}")
    if not is_real(noise) or not 0 <= noise < math.inf:
        raise ValueError(f"noise must be a number ≥ 0, got {noise!r}")


def _noisy(name: str, points: list, k: int, noise: float, rng: random.Random, description: str) -> Dataset:
    rng.shuffle(points)
    inputs = [[x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)] for x, y, _ in points]
    return Dataset(name, inputs, [c for _, _, c in points], k, description)
