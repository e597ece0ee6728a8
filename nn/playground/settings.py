"""The playground's settings: one checked record, its limits (shared with the page), and its URL text.

The page and Python read the same settings: `Settings` checks them here, and the page checks a URL
fragment against `LIMITS` and `CHOICES`, which travel to it as data, so each bound is written once.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

DATASETS = ("xor", "moons", "circles", "spirals", "custom")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "linear")
LOSSES = ("bce", "mse")  # bce: bce_with_logits on a linear output; mse: mse_loss on a sigmoid output
OPTIMIZERS = ("sgd", "momentum", "adam")
CHOICES = {"data": DATASETS, "activation": ACTIVATIONS, "loss": LOSSES, "optimizer": OPTIMIZERS}

# (low, high, whole number?) for each numeric setting; the page refuses a fragment outside them.
LIMITS: dict[str, tuple[float, float, bool]] = {
    "n": (4, 400, True),
    "noise": (0.0, 1.0, False),
    "test": (0.0, 0.5, False),
    "lr": (1e-6, 10.0, False),
    "momentum": (0.0, 1.0, False),
    "beta1": (0.0, 0.999999, False),
    "beta2": (0.0, 0.999999, False),
    "eps": (1e-12, 1.0, False),
    "weight_decay": (0.0, 1.0, False),
    "batch": (0, 400, True),  # 0: the full batch
    "seed": (0, 2**32 - 1, True),
}
MAX_LAYERS, MAX_UNITS = 4, 16  # hidden layers, units in each
MAX_POINTS = 300  # a user's own points
BOX = 1.5  # the plane shown is [−BOX, BOX]²; a user's point must lie inside it
LEAKY_SLOPE = 0.01  # nn's default slope for leaky_relu


@dataclass(frozen=True)
class Settings:
    """One playground run: its data, network, loss, optimizer, batch size and seed.

    `hidden` holds the hidden layers' sizes (the output is one unit); `points` the user's own points
    (x, y, class 0 or 1), used when `data` is "custom". `batch` 0 is the full batch. Raises ValueError
    naming the setting and its allowed values or range.
    """

    data: str = "xor"
    n: int = 100
    noise: float = 0.0
    test: float = 0.2
    hidden: tuple[int, ...] = (4, 4)
    activation: str = "tanh"
    loss: str = "bce"
    optimizer: str = "adam"
    lr: float = 0.03
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0
    batch: int = 10
    seed: int = 1
    points: tuple[tuple[float, float, int], ...] = field(default=())

    def __post_init__(self) -> None:
        for name, choices in CHOICES.items():
            if getattr(self, name) not in choices:
                raise ValueError(
                    f"playground: {name} must be one of {', '.join(choices)}, got {getattr(self, name)!r}"
                )
        for name, (low, high, whole) in LIMITS.items():
            x = getattr(self, name)
            ok = isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
            if not ok or not low <= x <= high or (whole and x != int(x)):
                kind = "a whole number" if whole else "a number"
                raise ValueError(f"playground: {name} must be {kind} from {low:g} to {high:g}, got {x!r}")
        object.__setattr__(self, "hidden", _hidden(self.hidden))
        object.__setattr__(self, "points", _points(self.points))
        if self.data == "custom" and not self.points:
            raise ValueError(
                "playground: data 'custom' needs points: a list of (x, y, class) with class 0 or 1"
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the page's starting settings)."""
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        d["points"] = [list(p) for p in self.points]
        return d

    @classmethod
    def names(cls) -> list[str]:
        """Every setting's name, in order."""
        return [f.name for f in fields(cls)]


def _hidden(hidden: Any) -> tuple[int, ...]:
    sizes = tuple(hidden) if isinstance(hidden, (list, tuple)) else None
    if (
        sizes is None
        or len(sizes) > MAX_LAYERS
        or not all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= MAX_UNITS for s in sizes)
    ):
        raise ValueError(
            f"playground: hidden must list up to {MAX_LAYERS} layer sizes from 1 to {MAX_UNITS}, "
            f"got {hidden!r}"
        )
    return sizes


def _points(points: Any) -> tuple[tuple[float, float, int], ...]:
    if not isinstance(points, (list, tuple)) or len(points) > MAX_POINTS:
        raise ValueError(f"playground: points must be a list of at most {MAX_POINTS} (x, y, class) triples")
    out = []
    for i, p in enumerate(points):
        try:
            x, y, c = p
            ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y))
            ok = ok and abs(x) <= BOX and abs(y) <= BOX and c in (0, 1) and not isinstance(c, bool)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(
                f"playground: point {i} must be (x, y, class) with |x|, |y| ≤ {BOX} and class 0 or 1, "
                f"got {p!r}"
            )
        out.append((float(x), float(y), int(c)))
    return tuple(out)
