"""`chainrule picture`: the decks' teaching pictures (step sizes, XOR's two planes, the bump)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .arguments import UsageError
from .output import prepare_file

PICTURE_NAMES = ("step-size", "xor-planes", "bump")  # demos.examples.pictures.PICTURES, loaded lazily


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `picture` on the `chainrule` parser."""
    p = subparsers.add_parser(
        "picture", help="the decks' pictures: step sizes, XOR's two planes, the universal-approximation bump"
    )
    p.add_argument("figure", choices=PICTURE_NAMES, help="which picture: " + ", ".join(PICTURE_NAMES))
    p.add_argument("file", type=Path, help="where to save it (.png, .svg or .pdf)")
    p.set_defaults(run=run_picture)


def run_picture(args: argparse.Namespace) -> int:
    """Draw one picture into `args.file`."""
    from demos.examples.pictures import PICTURES  # matplotlib loads only for this command

    if args.file.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UsageError(f"{args.file}: use a .png, .svg or .pdf file name")
    prepare_file(args.file)
    print(f"picture: {PICTURES[args.figure][1](args.file)}")
    return 0
