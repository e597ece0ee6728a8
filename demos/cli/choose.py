"""Which example a command works on: a built-in name, an example file, or an expression typed inline.

`chainrule show chen-2-2-2`, `chainrule show my-neuron.toml`,
`chainrule show --expr "f = (x + y) * z" --set x=-2 y=5 z=-4`: every command that takes an example
accepts all three (see demos.examples.user for the file format).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from autograd.parse import MissingValues, ParseError, Program, UnusedValues, parse
from autograd.text.choices import choose_from
from demos.examples import catalog
from demos.examples.example import Example
from demos.examples.user import from_expression, from_file

from .arguments import UsageError


def add_example_arguments(parser: argparse.ArgumentParser, required: bool = True) -> None:
    """The example's NAME (a built-in name or a .toml file), or --expr with --set."""
    parser.add_argument(
        "name",
        nargs="?",
        help="an example name (see `chainrule list`) or an example file (.toml)"
        + ("" if required else "; default: every built-in example"),
    )
    parser.add_argument(
        "--expr", metavar="TEXT", help='an expression instead: "net = w*x + b; f = sigmoid(net)"'
    )
    parser.add_argument(
        "--set",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME=VALUE",
        help="the values of the expression's inputs: --set x=-2 y=5",
    )
    parser.set_defaults(example_required=required)


def example_from_args(args: argparse.Namespace) -> Example | None:
    """The example the arguments name (None when none is named and none is required).

    Raises UsageError for an unknown name, NAME given with --expr, --set without --expr, a bad --set,
    an expression that does not parse (the message marks the position) or lacks a value; a bad example
    file raises ExampleFileError (a failure, exit status 1).
    """
    if args.expr is not None:
        if args.name is not None:
            raise UsageError(f"give an example name or --expr, not both (got {args.name!r} and --expr)")
        values = settings(args.set)
        try:
            example = from_expression(args.expr, values)
        except ParseError as error:
            raise UsageError(f"--expr: {error}") from None
        except UnusedValues as error:
            raise UsageError(f"--set: {error}") from None
        except MissingValues as error:
            wanted = " ".join(f"{name}=…" for name in error.names)
            raise UsageError(f"--expr: no value for {', '.join(error.names)}: add --set {wanted}") from None
        _note_unused(parse(args.expr))
        return example
    if args.set:
        raise UsageError("--set gives the values of an --expr expression; there is no --expr")
    if args.name is None:
        if args.example_required:
            raise UsageError("name an example (see chainrule list), an example file, or give --expr")
        return None
    return example_named(args.name)


def _note_unused(program: Program) -> None:
    """One line on stderr naming the definitions the output does not use: the pictures leave them out."""
    unused = program.unused()
    if unused:
        them = "it" if len(unused) == 1 else "them"
        verb = "is" if len(unused) == 1 else "are"
        output = program.output or "the output"
        print(
            f"chainrule: note: {', '.join(unused)} {verb} defined but {output} does not use {them}; "
            f"{'it is' if len(unused) == 1 else 'they are'} left out",
            file=sys.stderr,
        )


def example_named(name: str) -> Example:
    """The built-in example called `name`, or the example file at `name` (a path ending in .toml)."""
    if name.endswith(".toml") or Path(name).is_file():
        return from_file(name)
    if Path(name).is_dir() and name not in catalog.EXAMPLES:  # `-o chen-2-2-2` made a folder of that name
        raise UsageError(f"{name!r} is a folder; name one example file in it, or use tour --examples {name}")
    try:
        return catalog.get(name)
    except catalog.UnknownExample:
        hint = choose_from(name, catalog.EXAMPLES, every="every example: chainrule list")
        if hint.startswith("choose one of"):
            hint += "; or give an example file (.toml) or --expr"
        raise UsageError(f"unknown example {name!r}; {hint}") from None


def settings(items: list[str]) -> dict[str, float]:
    """`--set x=-2 y=5` as {name: number}; raises UsageError for an item of another form."""
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        try:
            value = float(text.replace("−", "-"))
        except ValueError:
            value = None
        if not sep or not name or value is None:
            raise UsageError(f"--set {item}: write NAME=NUMBER, e.g. --set x=-2")
        if not math.isfinite(value):
            if any(c.isdigit() for c in text):  # 1e400: a number, but past the largest float
                raise UsageError(f"--set {item}: too large for a float (at most about 1.8e308)")
            raise UsageError(  # nan or inf typed as such
                f"--set {item}: the value must be a finite number (nan and inf are refused: every value "
                "and gradient computed from them is nan or inf, there is nothing to show)"
            )
        if name in values:
            raise UsageError(f"--set: {name} is given twice")
        values[name] = value
    return values
