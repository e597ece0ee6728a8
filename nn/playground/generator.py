"""The playground's seeded generator, shared with the page's JavaScript: the same seed, the same numbers.

Python's `random.Random` (the Mersenne Twister) has no twin in the browser, so the playground draws its
data, its initial weights and its batch order from mulberry32 (Tommy Ettinger's 32-bit generator), written
here and in learning.js with 32-bit integer operations only (JavaScript's `Math.imul` and `>>>`), so
both give the same stream bit for bit. It is a `random.Random`, so `nn.MLP(seed=...)` and `nn.fit(seed=...)`
take it as they take Python's; `uniform`, `shuffle` and `normal` are written out so that the page can
repeat them operation for operation (the inherited methods' algorithms are CPython's, not the page's).
"""

from __future__ import annotations

import math
import random

MASK = 0xFFFFFFFF
_GOLDEN = 0x6D2B79F5  # mulberry32's increment


def _imul(a: int, b: int) -> int:
    """The low 32 bits of a·b, as JavaScript's Math.imul gives them (read as unsigned)."""
    return (a * b) & MASK


class Mulberry32(random.Random):
    """mulberry32: a 32-bit state, one 32-bit output per call; `random()` is that output / 2³².

    `seed` is any integer (taken modulo 2³²). Raises TypeError for a seed that is not an integer.
    """

    def __init__(self, seed: int = 0) -> None:
        self.state = 0
        super().__init__(seed)

    def seed(self, a: object = 0, version: int = 2) -> None:  # random.Random's signature
        if isinstance(a, bool) or not isinstance(a, int):
            raise TypeError(f"Mulberry32: the seed must be an integer, got {a!r}")
        self.state = a & MASK

    def next_u32(self) -> int:
        """The next 32-bit output (the page's `nextU32`)."""
        self.state = (self.state + _GOLDEN) & MASK
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t = ((t + _imul(t ^ (t >> 7), t | 61)) & MASK) ^ t
        return (t ^ (t >> 14)) & MASK

    def random(self) -> float:
        """A float in [0, 1): the next output divided by 2³² (exact in a double)."""
        return self.next_u32() / 4294967296.0

    def getrandbits(self, k: int) -> int:
        if k <= 32:
            return self.next_u32() >> (32 - k) if k else 0
        return super().getrandbits(k)  # whole 32-bit words (random.Random builds them from getrandbits(32))

    def getstate(self) -> int:
        return self.state

    def setstate(self, state: int) -> None:
        self.state = state & MASK

    def uniform(self, a: float, b: float) -> float:
        """a + (b − a)·u, u from `random()`."""
        return a + (b - a) * self.random()

    def below(self, n: int) -> int:
        """A whole number in [0, n): ⌊u·n⌋ (biased by under n/2³², which a toy data set never feels)."""
        return math.floor(self.random() * n)

    def shuffle(self, x: list) -> None:
        """Fisher–Yates from the end, as the page shuffles: swap item i with item below(i + 1)."""
        for i in range(len(x) - 1, 0, -1):
            j = self.below(i + 1)
            x[i], x[j] = x[j], x[i]

    def normal(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        """A normal draw by Box–Muller (two uniforms per draw, the cosine branch only)."""
        u1, u2 = self.random(), self.random()
        return mu + sigma * (math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2))

    gauss = normal  # random.Random's name, so code written for it draws the same numbers as the page
