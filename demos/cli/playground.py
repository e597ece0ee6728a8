"""`chainrule playground -o FILE.html`: the training playground, a network learning live in the browser."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograd.files import WriteError
from nn.playground import SettingError, Settings, playground
from nn.playground.settings import DATASETS, LOSSES, MENU_ACTIVATIONS, OPTIMIZERS

from .arguments import batch_size, integer, sizes
from .output import OutputError, prepare_file

_DEFAULTS = Settings()
_PROG = "chainrule playground"


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `playground` on the `chainrule` parser."""
    p = subparsers.add_parser(
        "playground",
        help="a small network training live on 2-D data, in one self-contained page (settings: its start)",
    )
    p.add_argument(
        "-o", "--output", type=_html_file, required=True, metavar="FILE", help="the .html file to write"
    )
    for flag, keywords, meaning in _SETTINGS:
        dest = flag[2:].replace("-", "_")
        p.add_argument(flag, default=getattr(_DEFAULTS, dest), help=f"{meaning} (%(default)s)", **keywords)
    hidden = ",".join(map(str, _DEFAULTS.hidden)) or "none"
    p.add_argument(
        "--hidden", type=sizes, default=_DEFAULTS.hidden,
        help=f"hidden layer sizes, e.g. 16,16 ('none' for no hidden layer; default: {hidden})",
    )  # fmt: skip
    p.add_argument(
        "--batch-size", "--batch", dest="batch", metavar="N|full", type=batch_size,
        default=_DEFAULTS.batch or "full", help="samples per update, or 'full' (%(default)s)",
    )  # fmt: skip
    p.set_defaults(run=run_playground)


# The settings given as they are (default: Settings()'s): option, argparse keywords, what it sets.
_SETTINGS = (
    ("--data", {"choices": [d for d in DATASETS if d != "custom"]}, "the data set"),
    ("--n", {"type": integer}, "how many points, train and test"),
    ("--noise", {"type": float}, "the data's noise"),
    ("--test", {"type": float}, "the share of points held out"),
    ("--activation", {"choices": MENU_ACTIVATIONS}, "the hidden units' activation"),
    ("--loss", {"choices": LOSSES}, "bce: cross-entropy on a linear output; mse: squared error on a sigmoid"),
    ("--optimizer", {"choices": OPTIMIZERS}, "the update rule"),
    ("--lr", {"type": float}, "learning rate η"),
    ("--momentum", {"type": float}, "momentum α, below 1"),
    ("--beta1", {"type": float}, "Adam's β₁"),
    ("--beta2", {"type": float}, "Adam's β₂"),
    ("--eps", {"type": float}, "Adam's ε"),
    ("--weight-decay", {"type": float}, "L2 weight decay λ"),
    ("--seed", {"type": integer}, "seeds the data, the initial weights and the batch order"),
)  # fmt: skip


def _html_file(text: str) -> Path:
    """An argparse type: a file name ending in .html (an empty name is no file)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a file name ending in .html, not an empty one")
    if Path(text).suffix.lower() not in (".html", ".htm"):
        raise argparse.ArgumentTypeError(
            f"{text!r}: the playground is an .html file; give a name ending in .html"
        )
    return Path(text)


# The options' names as the user writes them, for the settings whose Python name differs.
_OPTION = {"weight_decay": "--weight-decay", "batch": "--batch-size"}


def run_playground(args: argparse.Namespace) -> int:
    """Write the playground page; a bad setting is a usage error (2), a file that cannot be written 1.

    Every refusal is one line on stderr starting "chainrule playground: error:", as argparse's are.
    """
    given = {name: getattr(args, name) for name in Settings.names() if hasattr(args, name)}  # all but points
    try:
        settings = Settings(**given)
    except SettingError as error:
        option = _OPTION.get(error.setting, f"--{error.setting}")
        return _refuse(f"argument {option}: {error.reason} (see {_PROG} --help)", 2)
    try:
        prepare_file(args.output)
        path = playground(args.output, **settings.to_dict())
    except (OutputError, WriteError) as error:
        return _refuse(str(error).splitlines()[0], 1)
    print(path)
    return 0


def _refuse(message: str, status: int) -> int:
    print(f"{_PROG}: error: {message}", file=sys.stderr)
    return status
