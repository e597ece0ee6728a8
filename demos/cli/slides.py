"""`chainrule slides NAME|FILE|--expr … -o DECK`: an example's forward and backward pass as a deck, one
slide per step (per layer of a big graph): PowerPoint (.pptx), Beamer (.tex) or Beamer compiled (.pdf)."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd.text import DIGITS
from demos.examples.example import Example, Graph

from .arguments import UsageError, add_digits, checked_digits
from .choose import add_example_arguments, example_from_args
from .output import prepare_file

FORMATS = ("pptx", "tex", "pdf")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `slides` on the `chainrule` parser."""
    p = subparsers.add_parser("slides", help="the forward and backward pass as a deck: .pptx, .tex or .pdf")
    add_example_arguments(p)
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DECK",
        help="the deck's file: chen.pptx (PowerPoint), chen.tex (Beamer) or chen.pdf (Beamer compiled)",
    )  # fmt: skip
    p.add_argument("--format", choices=FORMATS, help="the deck's format (default: -o's suffix)")
    p.add_argument("--ratio", choices=("16:9", "4:3"), default="16:9", help="the slides' shape (16:9)")
    add_digits(p)
    p.set_defaults(run=run_slides)


def run_slides(args: argparse.Namespace) -> int:
    """Write the deck named by -o. Raises UsageError for a bad option, OutputError for a file it may not
    write, DeckError when LaTeX is missing or fails (a .pdf)."""
    example = example_from_args(args)
    suffix = args.output.suffix[1:].lower()
    fmt = args.format or suffix
    if fmt not in FORMATS:
        raise UsageError(
            f"-o {args.output}: unknown deck format {'.' + suffix if suffix else '(no suffix)'}; "
            "use .pptx, .tex or .pdf (or --format)"
        )
    if args.format and suffix in FORMATS and suffix != args.format:
        raise UsageError(f"-o {args.output} is a .{suffix} file but --format {args.format} was asked for")
    checked_digits(args.digits)
    prepare_file(args.output)
    print(example_deck(example, example.build(), args.output, fmt, args.ratio, args.digits))
    return 0


def example_deck(
    example: Example, graph: Graph, path: Path, fmt: str, ratio: str = "16:9", digits: int = DIGITS
) -> Path:
    """`example`'s deck in `fmt` at `path`: its roles, title, and the upstream gradient a gate inside a
    bigger graph starts from (`∂L/∂z` given). Raises DeckError as `autograd.deck.deck` does."""
    from autograd.deck import deck  # python-pptx and the slide view load only when decks are made

    loss = "L" if graph.upstream != 1.0 else None
    return deck(
        graph.outputs, path, fmt, ratio, digits=digits, roles=example.node_roles(),
        upstream=graph.upstream, loss=loss, title=example.title,
    )  # fmt: skip
