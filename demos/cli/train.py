"""`chainrule train` (a demo network on a toy data set) and `chainrule plot` (the slides' pictures)."""

from __future__ import annotations

import argparse
import gc
import re
from pathlib import Path

from .arguments import UsageError, batch_size, integer, positive_float, positive_int, sizes
from .output import prepare_file


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register train and plot on the `chainrule` parser."""
    from demos.examples import training

    p = subparsers.add_parser(
        "train",
        help="train a small network on a toy data set and report loss and accuracy",
        description="Train a demo network; progress goes to stderr, the report to stdout.",
    )
    p.add_argument("dataset", choices=list(training.DEMOS), help="the demo: " + ", ".join(training.DEMOS))
    p.add_argument("--optimizer", choices=list(training.OPTIMIZER_LR), help="default: the demo's own")
    p.add_argument("--lr", type=positive_float, help="learning rate η (default: the demo's)")
    p.add_argument("--epochs", type=positive_int, help="passes over the training data")
    p.add_argument(
        "--batch-size", type=batch_size, help="samples per update, or 'full' (default: the demo's)"
    )
    p.add_argument("--hidden", type=sizes, help="hidden layer sizes, e.g. 16,16 ('none': no hidden layer)")
    p.add_argument("--seed", type=integer, default=0, help="seed for data, weights and shuffling (default 0)")
    p.add_argument("--limit", type=positive_int, help="use only this many samples (a stratified subset)")
    p.add_argument("--plot", type=Path, metavar="FILE", help="save the plot (.png, .svg or .pdf)")
    p.add_argument("--save", type=Path, metavar="FILE", help="save the trained model as JSON")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run_train)

    p = subparsers.add_parser(
        "plot", help="the slides' pictures: activation functions, weight-space trajectories"
    )
    p.add_argument("figure", choices=("activations", "weight-space"), help="which picture")
    p.add_argument("file", type=Path, help="where to save it (.png, .svg or .pdf)")
    p.add_argument("--seed", type=integer, default=0, help="seed of the weight-space data (default 0)")
    p.set_defaults(run=run_plot)


def run_train(args: argparse.Namespace) -> int:
    """`chainrule train`: train, report, and save the plot and the model if asked."""
    from demos.examples import training

    if args.plot is not None and args.plot.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UsageError(f"--plot {args.plot}: use a .png, .svg or .pdf file name")
    if args.plot is not None and args.save is not None and args.plot.resolve() == args.save.resolve():
        raise UsageError(
            f"--plot and --save name the same file {args.save}: the model would replace the plot"
        )
    for path in (args.plot, args.save):
        if path is not None:
            prepare_file(path)
    _freeze_startup_objects()
    try:
        result = training.run(
            args.dataset,
            optimizer=args.optimizer,
            lr=args.lr,
            epochs=args.epochs,
            batch_size={None: "default", "full": None}.get(args.batch_size, args.batch_size),
            hidden=args.hidden,
            seed=args.seed,
            progress=not args.no_progress,
            limit=args.limit,
        )
    except training.BadLimit as error:
        raise UsageError(str(error)) from None
    except OverflowError as error:  # diverged: the loss curve up to it is what a class is shown
        history = getattr(error, "history", None)
        if args.plot is not None and history is not None and not history.loss:
            error.args = (
                f"{error} (no plot: it diverged in the first epoch, before a loss per epoch was kept)",
            )
        elif args.plot is not None and history is not None:
            from nn import plots

            where = re.match(r"training diverged at epoch \d+, step \d+", str(error))
            title = f"{args.dataset}: {where.group(0) if where else 'training diverged'}"
            path = plots.plot_history(history, args.plot, title)
            error.args = (f"{error} (the loss up to it: {path})",)
        raise
    if args.plot is not None:
        print(f"  plot: {training.save_plot(result, args.plot)}")
    if args.save is not None:
        print(f"  model: {result.model.save(args.save)}")
    return 0


def run_plot(args: argparse.Namespace) -> int:
    """`chainrule plot`: draw one of the slides' pictures."""
    from demos.examples import training
    from nn import plots

    if args.file.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UsageError(f"{args.file}: use a .png, .svg or .pdf file name")
    prepare_file(args.file)
    if args.figure == "activations":
        path = plots.plot_activations(args.file)
    else:
        paths, loss_at = training.weight_space(seed=args.seed)
        path = plots.plot_weight_trajectories(
            paths,
            loss_at,
            args.file,
            title="Weight-space trajectories on L(w₁, w₂) = mean (y − w₁x₁ − w₂x₂)²",
        )
    print(f"plot: {path}")
    return 0


def _freeze_startup_objects() -> None:
    # Move what the imports made (tens of thousands of objects once scikit-learn is loaded) out of the
    # collector's generations, so its full collections scan only the objects training makes. The
    # collector stays on; this is what gc.freeze() is for.
    gc.collect()
    gc.freeze()
