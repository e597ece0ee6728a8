"""The playground's settings: one checked record, its limits (shared with the page), and its URL text.

The page and Python read the same settings: `Settings` checks them here, and the page checks a URL
fragment against `LIMITS` and `CHOICES`, which travel to it as data, so each bound is written once.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from autograd import LEAKY_SLOPE as LEAKY_SLOPE  # nn's default slope for leaky_relu: the engine's

DATASETS = ("xor", "moons", "circles", "spirals", "custom")
# The hidden activations the playground offers, in its menu's order: a subset of `nn.ACTIVATIONS` (the
# rule table's activations), without the threshold (its gradient is 0) and softplus.
MENU_ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "linear")
LOSSES = ("bce", "mse")  # bce: bce_with_logits on a linear output; mse: mse_loss on a sigmoid output
OPTIMIZERS = ("sgd", "momentum", "adam")
CHOICES = {"data": DATASETS, "activation": MENU_ACTIVATIONS, "loss": LOSSES, "optimizer": OPTIMIZERS}

# (low, high, whole number?) for each numeric setting; the page refuses a fragment outside them.
LIMITS: dict[str, tuple[float, float, bool]] = {
    "n": (4, 400, True),
    "noise": (0.0, 1.0, False),
    "test": (0.0, 0.5, False),
    "lr": (1e-6, 10.0, False),
    "momentum": (0.0, 0.999999, False),  # α = 1 never forgets a step: the velocity grows without end
    "beta1": (0.0, 0.999999, False),
    "beta2": (0.0, 0.999999, False),
    "eps": (1e-12, 1.0, False),
    "weight_decay": (0.0, 1.0, False),
    "batch": (0, 400, True),  # 0: the full batch
    "seed": (0, 2**32 - 1, True),
}
MAX_LAYERS, MAX_UNITS = 4, 16  # hidden layers, units in each
MAX_POINTS = int(LIMITS["n"][1])  # a user's own points: as many as a generated set may hold
BOX = 1.5  # the plane shown is [−BOX, BOX]²; a click adds a point inside it
POINT_BOUND = 10.0  # a user's point lies within ±POINT_BOUND: noisy points outside the plane are kept


class SettingError(ValueError):
    """A setting refused: `setting` its name, `reason` the rest of the message ("must be …, got …")."""

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"playground: {setting} {reason}")
        self.setting, self.reason = setting, reason


def _bound(x: float, whole: bool) -> str:
    return str(int(x)) if whole else f"{x:g}"  # a seed's bound reads 4294967295, not 4.29497e+09


@dataclass(frozen=True)
class Settings:
    """One playground run: its data, network, loss, optimizer, batch size and seed.

    `hidden` holds the hidden layers' sizes (the output is one unit); `points` the user's own points
    (x, y, class 0 or 1, and a fourth item 1 for a test point), used when `data` is "custom". `batch`
    0 (or "full", or None) is the full batch. Raises SettingError (a ValueError) naming the setting and
    its allowed values or range.
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
        if self.batch is None or self.batch == "full":
            object.__setattr__(self, "batch", 0)
        for name, choices in CHOICES.items():
            if getattr(self, name) not in choices:
                raise SettingError(name, f"must be one of {', '.join(choices)}, got {getattr(self, name)!r}")
        for name, (low, high, whole) in LIMITS.items():
            x = getattr(self, name)
            ok = isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
            if not ok or not low <= x <= high or (whole and x != int(x)):
                kind = "a whole number" if whole else "a number"
                full = " (0 or 'full': the full batch)" if name == "batch" else ""
                raise SettingError(
                    name,
                    f"must be {kind} from {_bound(low, whole)} to {_bound(high, whole)}{full}, got {x!r}",
                )
        object.__setattr__(self, "hidden", _hidden(self.hidden))
        object.__setattr__(self, "points", _points(self.points))
        if self.data == "custom" and not self.points:
            raise SettingError("data", "'custom' needs points: a list of (x, y, class) with class 0 or 1")
        if self.data == "custom" and all(len(p) == 4 for p in self.points):
            raise SettingError("points", "must hold at least one training point (3 items, no test mark)")

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
        raise SettingError(
            "hidden",
            f"must list up to {MAX_LAYERS} layer sizes from 1 to {MAX_UNITS}, got "
            + (",".join(map(repr, sizes)) if sizes is not None else repr(hidden)),
        )
    return sizes


def _points(points: Any) -> tuple[tuple[float, ...], ...]:
    if not isinstance(points, (list, tuple)) or len(points) > MAX_POINTS:
        raise SettingError("points", f"must be a list of at most {MAX_POINTS} (x, y, class) triples")
    return tuple(_point(i, p) for i, p in enumerate(points))


def _point(i: int, p: Any) -> tuple[float, ...]:
    """(x, y, class) for a training point, (x, y, class, 1) for a test point."""
    try:
        x, y, c, *mark = p
        ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y))
        ok = (
            ok and abs(x) <= POINT_BOUND and abs(y) <= POINT_BOUND and c in (0, 1) and not isinstance(c, bool)
        )
        ok = ok and mark in ([], [0], [1])
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise SettingError(
            f"point {i}",
            f"must be (x, y, class) or (x, y, class, 1) for a test point, with |x|, |y| ≤ {POINT_BOUND:g} "
            f"and class 0 or 1, got {p!r}",
        )
    return (float(x), float(y), int(c), 1) if mark == [1] else (float(x), float(y), int(c))
