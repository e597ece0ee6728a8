"""`chainrule mistakes NAME [--mistake KEY] [-o DIR]`: an example run through backward passes written wrong.

For each mistake (or the one named): what the wrong code does, that code, and a table of every node
whose gradient differs from the engine's, the first one the wrong pass reaches marked (a mistake of
the matrix form also names each node's entry, in the example's deck notation), or a sentence saying
the mistake does no harm on this graph. A matrix mistake that cannot run on the graph (shapes that do
not fit) or does not apply to it (no layers) is skipped with a one-line note when every mistake is
listed, and refused (one line, exit status 2) when it was asked for with --mistake. With -o, a
picture per mistake showing the wrong gradients with the wrong nodes outlined in red and the first one
doubly, and for the update mistakes the loss over a few steps, right and wrong, on one plot.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from autograd import Value, forward_order, lab
from autograd.explain.lab_report import (
    UPDATE_RULES,
    WRONG_OUTLINE,
    node_names,
    write_cannot_run,
    write_comparison,
    write_curves,
)
from autograd.lab.matrix_entries import Names, entries
from autograd.lab.matrix_passes import CannotRun, check_runs
from autograd.render import draw
from autograd.render.output import write_picture
from demos.examples.example import Example, Graph

from .arguments import UsageError, positive_float, positive_int
from .choose import add_example_arguments, example_from_args
from .output import make_folder
from .render import layer_names

SLIDE = "16:9"
MATRIX_MISTAKES = {m.key for m in (lab.NO_TRANSPOSE, lab.OUTER_PRODUCT_ORDER, lab.SLOPE_OF_WRONG_VECTOR)}


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `mistakes` on the `chainrule` parser."""
    p = subparsers.add_parser(
        "mistakes", help="run an example through backward passes written wrong, node by node"
    )
    add_example_arguments(p)
    p.add_argument("--mistake", choices=list(lab.MISTAKES), metavar="KEY",
                   help="one mistake: " + ", ".join(lab.MISTAKES) + " (default: every one)")  # fmt: skip
    p.add_argument("-o", "--output", type=Path, metavar="DIR", help="write the pictures and loss plots here")
    p.add_argument(
        "--format", choices=("text", "markdown"), default="text",
        help="the report as text (default) or Markdown (the code in fenced blocks)",
    )  # fmt: skip
    p.add_argument(
        "--eta", type=positive_float, help="learning rate of the update steps (the example's, or 0.5)"
    )
    p.add_argument("--steps", type=positive_int, default=lab.DEFAULT_STEPS, help="update steps to plot (10)")
    p.set_defaults(run=run_mistakes)


def run_mistakes(args: argparse.Namespace) -> int:
    """Print each mistake's comparison on the example (and its loss curves); with -o, draw them.

    Raises UsageError for a bad example choice, or for a matrix mistake asked for by --mistake that
    cannot run on (or does not apply to) the example's graph; OutputError for a folder it may not
    write into.
    """
    example = example_from_args(args)
    keys = [args.mistake] if args.mistake else list(lab.MISTAKES)
    eta = args.eta or example.eta or lab.DEFAULT_ETA
    graph = example.build()
    if args.mistake in MATRIX_MISTAKES:  # refused before -o's folder is made
        for root in graph.outputs:
            try:
                check_runs(root, args.mistake, layer_names(example))
            except CannotRun as error:
                verb = "cannot run on" if error.applies else "does not apply to"
                raise UsageError(f"{args.mistake} {verb} {example.name}: {error}") from None
    folder = make_folder(args.output) if args.output is not None else None
    sections = []
    for k, root in enumerate(graph.outputs):
        stem = f"{example.name}-{root.label}" if len(graph.outputs) > 1 else example.name
        for key in keys:
            text = _section(example, graph, k, key, eta, args, folder and folder / f"{stem}-{key}")
            sections.append(_heading(graph, root, args.format) + text)
    print(("\n\n" + ("---" if args.format == "markdown" else "─" * 40) + "\n\n").join(sections))
    return 0


def _section(
    example: Example,
    graph: Graph,
    output: int,
    key: str,
    eta: float,
    args: argparse.Namespace,
    stem: Path | None,
) -> str:
    """One mistake on one output: its comparison, its loss curves, and what was written to `stem`.*."""
    root = graph.outputs[output]
    try:
        comparison = _compare(example, graph, root, key, eta)
    except CannotRun as error:  # a matrix product whose shapes do not fit: this mistake only
        return write_cannot_run(lab.get(key), str(error), args.format, error.applies)
    text = write_comparison(comparison, args.format)
    if comparison.mistake.update:
        curves = lab.train(root, key, _parameters(example, graph), eta, args.steps)
        text += "\n\n" + write_curves(curves, args.format)
        if stem is not None:
            text += f"\n\nloss plot: {plot_curves(curves, example, stem.with_name(stem.name + '-loss.png'))}"
    if stem is not None and not comparison.same and comparison.mistake.quantity == "gradient":
        text += f"\n\npicture: {draw_mistake(example, output, key, eta, stem.with_name(stem.name + '.png'))}"
    return text


def _compare(example: Example, graph: Graph, root: Value, key: str, eta: float) -> lab.Comparison:
    """The mistake beside the engine; a matrix mistake's entries and reasons in the example's notation.

    Raises CannotRun for a matrix mistake that cannot run on, or does not apply to, `root`'s graph."""
    if key not in MATRIX_MISTAKES:
        return lab.compare(root, key, graph.upstream, parameters=_parameters(example, graph), eta=eta)
    names: Names | None = layer_names(example)
    layers = check_runs(root, key, names)
    comparison = lab.compare(root, key, graph.upstream, parameters=_parameters(example, graph), eta=eta)
    return replace(comparison, entries=entries(layers, names))


def _parameters(example: Example, graph: Graph) -> list[Value] | None:
    """The example's parameters; None (every labelled leaf) when it names none."""
    return [graph[label] for label in example.parameters] or None


def _heading(graph: Graph, root: Value, format: str) -> str:
    if len(graph.outputs) == 1:
        return ""
    return f"**output {root.label}**\n\n" if format == "markdown" else f"output {root.label}\n\n"


def draw_mistake(example: Example, output: int, key: str, eta: float, path: Path) -> Path:
    """A picture of the example's graph showing the gradients the wrong pass leaves, on a fresh build.

    Nodes whose gradient is wrong are outlined red (the renderer's highlight, recoloured), the first one
    the wrong pass reaches with a double outline. Returns the path written.
    """
    graph = example.build()  # its own nodes, so that the gradients drawn can be the wrong ones
    root = graph.outputs[output]
    comparison = _compare(example, graph, root, key, eta)
    for node in forward_order(root):
        node.grad = comparison.wrong.get(node, node.grad)
    first = node_names(comparison)[comparison.first]
    title = (
        f"{example.name}, {comparison.mistake.title}: the gradients the wrong pass leaves. Outlined in red: "
        f"wrong; double outline: the first it reaches ({first})"
    )
    wrong = [d.node for d in comparison.differences]
    g = draw(
        root, highlight=wrong, roles=example.node_roles(), title=title, view="full", fit=SLIDE, tooltips=True
    )
    # draw_full names the nodes n0, n1, … in forward order; a second statement adds to the first's
    # attributes: wrong nodes outlined red (not the highlight's violet, a frame's current step)
    index = {node: k for k, node in enumerate(forward_order(root))}
    for node in wrong:
        g.node(f"n{index[node]}", color=WRONG_OUTLINE)
    g.node(f"n{index[comparison.first]}", peripheries="2")
    return write_picture(g.source, path, None)


def plot_curves(curves: lab.Curves, example: Example, path: Path) -> Path:
    """The loss over the update steps with the right update and with the mistake's, on one plot."""
    from nn.plots import COLORS, PlotFigure, save_figure  # matplotlib loads only when a plot is drawn

    fig = PlotFigure(figsize=(6.4, 4.0))
    ax = fig.add_subplot()
    ax.plot(
        range(len(curves.right)), curves.right, "o-", color=COLORS[0], label=f"right: {UPDATE_RULES['right']}"
    )
    ax.plot(
        range(len(curves.wrong)),
        curves.wrong,
        "s--",
        color=COLORS[1],
        label=f"{curves.mistake.title}: {UPDATE_RULES[curves.mistake.key]}",
    )
    ax.set_xlabel("update step")
    ax.set_ylabel("loss")
    ax.set_title(f"{example.name}: {curves.mistake.title} (η = {curves.eta:g})")
    ax.legend()
    fig.tight_layout()
    return save_figure(fig, path)
