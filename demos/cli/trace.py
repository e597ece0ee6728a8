"""`chainrule trace NAME`: an example's evaluation trace, with its tangent and adjoint traces."""

from __future__ import annotations

import argparse

from autograd import trace
from autograd.explain import write_trace
from autograd.explain.trace_tables import input_index

from .arguments import LATEX_HELP, UsageError
from .choose import add_example_arguments, example_from_args


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `trace` on the `chainrule` parser."""
    p = subparsers.add_parser(
        "trace",
        help="the evaluation trace (Wengert list): primal, tangent (forward) and adjoint (reverse) traces",
    )
    add_example_arguments(p)
    p.add_argument(
        "--mode", choices=("forward", "reverse", "both"), default="both",
        help="which traces follow the primal trace: forward (the tangent trace of --wrt), reverse (each "
        "output's adjoint trace) or both (default)",
    )  # fmt: skip
    p.add_argument("--wrt", metavar="LABEL", help="the input the tangent trace follows (default: the first)")
    p.add_argument("--format", choices=("text", "markdown", "latex"), default="text", help=LATEX_HELP)
    p.set_defaults(run=run_trace)


def run_trace(args: argparse.Namespace) -> int:
    """Print the example's traces and the multiply-adds each mode needs for the full gradient.

    The inputs v₋ₙ₊₁ … v₀ are the example's labelled leaves; an unknown --wrt is a usage error.
    """
    example = example_from_args(args)
    graph = example.build()
    program = trace(graph.outputs)
    if args.wrt is not None:
        try:
            input_index(program, args.wrt)
        except ValueError as error:
            raise UsageError(f"example {example.name!r}: {str(error).removeprefix('trace: ')}") from None
    print(write_trace(program, args.mode, args.wrt, args.format))
    return 0
