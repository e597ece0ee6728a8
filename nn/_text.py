"""Words and numbers in messages and reports: a count with its noun in the right number ("1 epoch",
"3 epochs"), a loss as a report prints it."""

from __future__ import annotations


def plural(n: int, noun: str, many: str | None = None) -> str:
    """`n` and `noun`, the noun in the plural unless n is 1: plural(1, "epoch") is "1 epoch".

    n: a count; noun: its singular; many: the plural when English's regular rules do not give it
    (the rules: "class" → "classes", "batch" → "batches", "entry" → "entries", else + "s", so
    "epoch" → "epochs": a hard ch, as in most technical words, unless after t or n).
    """
    if n == 1:
        return f"{n} {noun}"
    if many is not None:
        return f"{n} {many}"
    if noun.endswith(("s", "x", "z", "sh", "tch", "nch")):
        return f"{n} {noun}es"
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return f"{n} {noun[:-1]}ies"
    return f"{n} {noun}s"


def loss_text(loss: float) -> str:
    """A loss as reports print it: four decimals (0.0051), or three significant digits in e-notation
    where that would run long (a diverging run's 9.837e+200 was printed with its 201 digits)."""
    return f"{loss:.4f}" if abs(loss) < 1e6 else f"{loss:.3e}"
