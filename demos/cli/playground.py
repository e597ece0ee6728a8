"""`chainrule playground -o FILE.html`: the training playground, a network learning live in the browser."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograd import WriteError
from nn.playground import SettingError, Settings, playground
from nn.playground.settings import ACTIVATIONS, DATASETS, LOSSES, OPTIMIZERS

from .arguments import batch_size, integer, sizes
from .output import OutputError, check_file

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
    p.add_argument(
        "--data",
        choices=[d for d in DATASETS if d != "custom"],
        default=_DEFAULTS.data,
        help=f"the data set ({_DEFAULTS.data})",
    )
    p.add_argument(
        "--n", type=integer, default=_DEFAULTS.n, help=f"how many points, train and test ({_DEFAULTS.n})"
    )
    p.add_argument(
        "--noise", type=float, default=_DEFAULTS.noise, help=f"the data's noise ({_DEFAULTS.noise})"
    )
    p.add_argument(
        "--test", type=float, default=_DEFAULTS.test, help=f"the share of points held out ({_DEFAULTS.test})"
    )
    p.add_argument(
        "--hidden",
        type=_hidden,
        default=_DEFAULTS.hidden,
        help="hidden layer sizes, e.g. 16,16 ('none' for no hidden layer; default: "
        f"{','.join(map(str, _DEFAULTS.hidden)) or 'none'})",
    )
    p.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default=_DEFAULTS.activation,
        help=f"the hidden units' activation ({_DEFAULTS.activation})",
    )
    p.add_argument(
        "--loss",
        choices=LOSSES,
        default=_DEFAULTS.loss,
        help="bce: binary cross-entropy on a linear output; mse: squared error on a sigmoid output "
        f"({_DEFAULTS.loss})",
    )
    p.add_argument(
        "--optimizer",
        choices=OPTIMIZERS,
        default=_DEFAULTS.optimizer,
        help=f"the update rule ({_DEFAULTS.optimizer})",
    )
    for name, meaning in (
        ("lr", "learning rate η"),
        ("momentum", "momentum α, below 1"),
        ("beta1", "Adam's β₁"),
        ("beta2", "Adam's β₂"),
        ("eps", "Adam's ε"),
    ):
        p.add_argument(
            f"--{name}",
            type=float,
            default=getattr(_DEFAULTS, name),
            help=f"{meaning} ({getattr(_DEFAULTS, name)})",
        )
    p.add_argument(
        "--weight-decay",
        type=float,
        default=_DEFAULTS.weight_decay,
        help=f"L2 weight decay λ ({_DEFAULTS.weight_decay})",
    )
    p.add_argument(
        "--batch-size",
        "--batch",
        dest="batch",
        metavar="N|full",
        type=batch_size,
        default=_DEFAULTS.batch or "full",
        help=f"samples per update, or 'full' ({_DEFAULTS.batch or 'full'})",
    )
    p.add_argument(
        "--seed",
        type=integer,
        default=_DEFAULTS.seed,
        help=f"seeds the data, the initial weights and the batch order ({_DEFAULTS.seed})",
    )
    p.set_defaults(run=run_playground)


def _hidden(text: str) -> tuple[int, ...]:
    return () if text.strip() in ("", "none") else sizes(text)


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
    names = ("data", "n", "noise", "test", "hidden", "activation", "loss", "optimizer", "lr", "momentum",
             "beta1", "beta2", "eps", "weight_decay", "batch", "seed")  # fmt: skip
    try:
        settings = Settings(**{name: getattr(args, name) for name in names})
    except SettingError as error:
        option = _OPTION.get(error.setting, f"--{error.setting}")
        return _refuse(f"argument {option}: {error.reason} (see {_PROG} --help)", 2)
    try:
        check_file(args.output)
        path = playground(args.output, **settings.to_dict())
    except (OutputError, WriteError) as error:
        return _refuse(str(error).splitlines()[0], 1)
    print(path)
    return 0


def _refuse(message: str, status: int) -> int:
    print(f"{_PROG}: error: {message}", file=sys.stderr)
    return status
