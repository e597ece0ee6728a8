"""The `chainrule` command: one subcommand per job, each registered by its own module.

Errors never show a traceback: a usage error (bad arguments, an unknown example) prints one line on
stderr and exits with status 2; a failure of the work itself (an output that may not or cannot be
written, a domain error inside the engine, a missing program) one line and status 1. Every error line
has one form, `chainrule COMMAND: error: …` (`chainrule: error: …` before a command is known), whether
argparse or the command found it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import version
from typing import NoReturn

from . import commands, mistakes, page, pictures, playground, render, slides, tour, trace, train, worksheet
from .arguments import UsageError

PROG = "chainrule"


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage block), `PROG: error: …`, and exit status 2.

    `prog` is `chainrule COMMAND` on a command's parser, so its errors read as the command's own do.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{error_line(self.prog, message)} (see {self.prog} --help)\n")


def error_line(prog: str, message: str) -> str:
    """The one form of every error line: `chainrule COMMAND: error: MESSAGE`."""
    return f"{prog}: error: {message}"


def build_parser() -> argparse.ArgumentParser:
    """The full `chainrule` argument parser."""
    parser = Parser(prog=PROG, description="See and teach backpropagation.")
    parser.add_argument("--version", action="version", version=f"{PROG} {version('chainrule')}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True

    for module in (
        train, commands, render, slides, trace, tour, page, playground, mistakes, pictures, worksheet
    ):  # fmt: skip
        module.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `chainrule` command; returns the exit status."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    command = _command_parser(parser, args.command)
    if extra:  # said by the command's parser, as its other usage errors are
        command.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args)
    except BrokenPipeError:  # the reader went away (`chainrule ... | head`): stop quietly (exit 0)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"{command.prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # one line, never a traceback
        print(error_line(command.prog, str(error)), file=sys.stderr)
        return 2 if isinstance(error, UsageError) else 1


def _command_parser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The parser of `command` (its prog is `chainrule COMMAND`)."""
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[command]
