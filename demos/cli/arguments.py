"""Argument types of the `chainrule` command: each turns a bad value into argparse's one-line error
naming the option (exit status 2)."""

from __future__ import annotations

import argparse
import math

from autograd.text import DIGITS, check_digits
from autograd.text.latex import PREAMBLE

# What --format latex promises, in every command's help that offers it (docs/explanations.md says more).
LATEX_HELP = (
    "text (default), markdown (code spans; --matrix: code blocks) or latex: math in $…$ (tables and "
    "matrices in \\[…\\]) that "
    f"pdflatex compiles under the two lines {' '.join(PREAMBLE.splitlines())} and KaTeX and MathJax "
    "render"
)


class UsageError(Exception):
    """Bad input from the command line: `chainrule` prints it as one line and exits with status 2."""


def add_digits(parser: argparse.ArgumentParser) -> None:
    """Register --digits (significant digits of the numbers written) on a command's parser."""
    parser.add_argument(
        "--digits", type=int, default=DIGITS, metavar="N", help=f"significant digits, 1 to 17 ({DIGITS})"
    )


def checked_digits(digits: int) -> int:
    """--digits as given, or UsageError when `number` cannot write that many (see check_digits)."""
    try:
        check_digits(digits, "--digits")
    except ValueError as error:
        raise UsageError(str(error)) from None
    return digits


def integer(text: str) -> int:
    """An argparse type: a whole number."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None


def positive_int(text: str) -> int:
    """An argparse type: a whole number ≥ 1."""
    n = integer(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive integer")
    return n


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0 (`1e400` is too large for a float, so not finite)."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(x) and x > 0):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite positive number")
    return x


def batch_size(text: str) -> int | str:
    """An argparse type: a batch size ≥ 1, or 'full' (any case)."""
    if text.strip().lower() == "full":
        return "full"
    try:
        return positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{text!r} is neither a positive integer nor 'full'") from None


# Limits of a network the command trains: a hidden layer of 1,000 units took 2 s an epoch on the moons,
# of 100,000 more than ten minutes and 2 GB before it was stopped.
MAX_UNITS, MAX_LAYERS = 512, 16


def sizes(text: str) -> tuple[int, ...]:
    """An argparse type: hidden layer sizes, `16,16` (`none`: no hidden layer), at most MAX_LAYERS
    layers of MAX_UNITS units."""
    if text.strip().lower() in ("", "none"):
        return ()
    try:
        sizes = tuple(int(s) for s in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of sizes, e.g. 16,16"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: every hidden size must be a positive integer")
    if max(sizes) > MAX_UNITS or len(sizes) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(
            f"{text!r}: at most {MAX_LAYERS} hidden layers of at most {MAX_UNITS} units (a larger network "
            "would train for minutes)"
        )
    return sizes
