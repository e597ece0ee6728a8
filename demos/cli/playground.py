"""`chainrule playground -o FILE.html`: the training playground, a network learning live in the browser."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd import WriteError
from nn.playground import Settings, playground
from nn.playground.settings import ACTIVATIONS, DATASETS, LOSSES, OPTIMIZERS

from .arguments import UsageError, integer
from .output import OutputError, check_file

_DEFAULTS = Settings()


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `playground` on the `chainrule` parser."""
    p = subparsers.add_parser(
        "playground",
        help="a small network training live on 2-D data, in one self-contained page (settings: its start)",
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the .html file to write")
    p.add_argument("--data", choices=[d for d in DATASETS if d != "custom"], default=_DEFAULTS.data)
    p.add_argument("--n", type=integer, default=_DEFAULTS.n, help="how many points (train and test)")
    p.add_argument("--noise", type=float, default=_DEFAULTS.noise)
    p.add_argument("--test", type=float, default=_DEFAULTS.test, help="the share of points held out")
    p.add_argument(
        "--hidden", type=_hidden, default=_DEFAULTS.hidden, help="hidden sizes, like 4,4 ('' for none)"
    )
    p.add_argument("--activation", choices=ACTIVATIONS, default=_DEFAULTS.activation)
    p.add_argument("--loss", choices=LOSSES, default=_DEFAULTS.loss)
    p.add_argument("--optimizer", choices=OPTIMIZERS, default=_DEFAULTS.optimizer)
    for name in ("lr", "momentum", "beta1", "beta2", "eps"):
        p.add_argument(f"--{name}", type=float, default=getattr(_DEFAULTS, name))
    p.add_argument("--weight-decay", type=float, default=_DEFAULTS.weight_decay)
    p.add_argument("--batch", type=integer, default=_DEFAULTS.batch, help="batch size (0: the full batch)")
    p.add_argument("--seed", type=integer, default=_DEFAULTS.seed)
    p.set_defaults(run=run_playground)


def _hidden(text: str) -> tuple[int, ...]:
    if text.strip() in ("", "none"):
        return ()
    try:
        return tuple(int(s) for s in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of sizes, e.g. 4,4"
        ) from None


def run_playground(args: argparse.Namespace) -> int:
    """Write the playground page; a bad setting is a usage error, a file that cannot be written exit 1."""
    if args.output.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"-o {args.output}: the playground is an .html file; give a name ending in .html")
    names = ("data", "n", "noise", "test", "hidden", "activation", "loss", "optimizer", "lr", "momentum",
             "beta1", "beta2", "eps", "weight_decay", "batch", "seed")  # fmt: skip
    try:
        settings = Settings(**{name: getattr(args, name) for name in names})
    except ValueError as error:
        raise UsageError(str(error)) from None
    check_file(args.output)
    try:
        path = playground(args.output, **settings.to_dict())
    except WriteError as error:
        raise OutputError(str(error).splitlines()[0]) from None
    print(path)
    return 0
