"""The catalog's subcommands of `chainrule`: list, show, explain, check."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nn
from autograd import topological_order
from autograd.explain import Format, delta_view, explain, matrix_view
from autograd.files import write_atomic
from autograd.text.choices import choose_from
from autograd.text.latex import text_mode
from demos.examples import catalog
from demos.examples.example import Example, Graph
from demos.examples.report import as_json, as_text, check_report
from nn.optim_explain import explain_step

from .arguments import LATEX_HELP, UsageError, positive_float
from .choose import add_example_arguments, example_from_args
from .output import prepare_file


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register list, show, explain and check on the `chainrule` parser."""
    p = subparsers.add_parser("list", help="the worked examples, with title and slide deck")
    p.set_defaults(run=run_list)

    p = subparsers.add_parser("show", help="an example's values, gradients and slide checks")
    add_example_arguments(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--eta", type=positive_float, help="learning rate of the example's update step, if it has one"
    )
    p.set_defaults(run=run_show)

    p = subparsers.add_parser("explain", help="the chain rule for a parameter's gradient, with numbers")
    add_example_arguments(p)
    p.add_argument("--param", help="one parameter's label (default: every parameter)")
    p.add_argument("--format", choices=("text", "markdown", "latex"), default="text", help=LATEX_HELP)
    p.add_argument(
        "--delta", action="store_true", help="the δ view: δ = ∂loss/∂net per unit, ∂loss/∂w = δ·input"
    )
    p.add_argument(
        "--matrix",
        action="store_true",
        help="the matrix form: aₖ = Wₖ hₖ₋₁ + bₖ, then ∇_{Wₖ} L = ∇_{aₖ} L hₖ₋₁ᵀ…, with numbers and shapes",
    )
    p.add_argument(
        "--step", choices=tuple(STEPS), help="explain one optimizer step of the parameters instead"
    )
    p.add_argument(
        "--eta", type=positive_float, help="the step's learning rate (default: the example's, or 0.1)"
    )
    p.set_defaults(run=run_explain)

    p = subparsers.add_parser("check", help="the slide-check report (every built-in example, or one)")
    add_example_arguments(p, required=False)
    p.add_argument("--markdown", metavar="FILE", type=Path, help="also write the report as Markdown")
    p.set_defaults(run=run_check)


def run_list(args: argparse.Namespace) -> int:
    """Print every example: name, title, and the deck it comes from."""
    width = max(map(len, catalog.EXAMPLES))
    for example in catalog.EXAMPLES.values():
        print(f"{example.name:<{width}}  {example.title}  [{example.source}]")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one example's values, gradients, checks and printout (as a table or as JSON)."""
    example = example_from_args(args)
    if args.eta is not None and example.eta is None:
        raise UsageError(f"example {example.name!r} has no update step, so --eta does not apply")
    graph = example.build()
    if args.json:
        print(json.dumps(as_json(example, graph, args.eta), indent=2, ensure_ascii=False))
    else:
        print(as_text(example, graph, args.eta))
    return 0


def explanations(example: Example, graph: Graph, labels: list[str], format: Format = "text") -> list[str]:
    """One chain-rule derivation per label, from the output that label feeds."""
    loss = "L" if graph.upstream != 1.0 else None
    return [
        explain(_output_of(graph, graph[label]), graph[label], graph.upstream, loss, format)
        for label in labels
    ]


def _output_of(graph: Graph, node) -> object:
    return next((out for out in graph.outputs if node in set(topological_order(out))), graph.outputs[0])


def run_explain(args: argparse.Namespace) -> int:
    """Print the chain-rule derivation of one parameter's gradient, or of every parameter's."""
    example = example_from_args(args)
    graph = example.build()
    if args.matrix:
        if args.delta or args.step or args.param:
            raise UsageError("--matrix shows every layer: it does not go with --delta, --step or --param")
        print("\n\n".join(matrix_views(example, graph, args.format)))
        return 0
    if args.param is None:
        labels = list(example.parameters) or [label for label, n in graph.nodes.items() if n.op is None]
    elif args.param in graph.nodes:
        labels = [args.param]
    else:
        hint = choose_from(args.param, example.parameters or graph.nodes)
        raise UsageError(f"example {example.name!r} has no node {args.param!r}; {hint}")
    if args.step:
        params = [graph[label] for label in labels]
        lines = _step_lines(example, graph, params, args.step, args.eta, args.format)
    elif args.delta:
        by_output: dict = {}
        for label in labels:
            by_output.setdefault(_output_of(graph, graph[label]), []).append(graph[label])
        names = dict(example.delta_names)
        lines = [
            line
            for out, nodes in by_output.items()
            for line in delta_view(out, nodes, args.format, names=names)
        ]
    elif not labels:  # `f = 2 * 3`: a constant
        out = graph.outputs[0]
        lines = [f"{out.label or 'out'} = {out.data:g} has no inputs: there is no gradient to explain."]
    else:
        lines = explanations(example, graph, labels, args.format)
    # in LaTeX a blank line ends the paragraph: compiled, each derivation is its own (one newline ran
    # them together); inline math, so that a long line breaks after = and · where a display would not
    print(("\n\n" if args.format == "latex" else "\n").join(lines))
    return 0


def matrix_views(example: Example, graph: Graph, format: Format) -> list[str]:
    """The matrix form of each output of an example's graph (a deck's cases side by side), headed by the
    output's name where there are several, in the example's notation and with its output rules. Raises
    UsageError (one line) for a graph that has no layers."""
    views = []
    for k, out in enumerate(graph.outputs):
        rule = example.output_rules[k] if k < len(example.output_rules) else None
        try:
            view = matrix_view(out, format, notation=example.notation, rule=rule)
        except ValueError as error:
            raise UsageError(f"example {example.name!r}: {error}") from None
        head = f"{out.label or 'output'} {k + 1} of {len(graph.outputs)}"
        views.append(view if len(graph.outputs) == 1 else f"{_heading(head, format)}\n\n{view}")
    return views


def _heading(text: str, format: Format) -> str:
    return {"markdown": f"### {text}", "latex": rf"\subsection*{{{text_mode(text)}}}"}.get(
        format, f"== {text} =="
    )


STEPS = {
    "sgd": lambda params, eta: nn.SGD(params, lr=eta),
    "momentum": lambda params, eta: nn.SGD(params, lr=eta, momentum=0.9),
    "adam": lambda params, eta: nn.Adam(params, lr=eta),
}


def _step_lines(
    example: Example, graph: Graph, params: list, optimizer: str, eta: float | None, format: Format = "text"
) -> list[str]:
    """The first step of `optimizer` on the example's gradients, explained parameter by parameter (in
    `format`).

    The loss is written as the slide names it: the example's `loss_name`, else the output's label
    (chen's f), else L (a gradient given from a bigger graph, or several outputs).
    """
    opt = STEPS[optimizer](params, eta or example.eta or 0.1)
    single = len(graph.outputs) == 1 and graph.upstream == 1.0 and graph.outputs[0].label
    loss = example.loss_name or (graph.outputs[0].label if single else "L")
    return [line for p in params for line in explain_step(opt, p, loss, format)]


WRONG_CLAIM = 3  # the exit status of `check` when a claim in a teacher's own file is wrong


def run_check(args: argparse.Namespace) -> int:
    """Print the slide-check report. The slides' errata and conventions are findings (status 0); a wrong
    claim (in a teacher's own file: no reason recorded) is named on stderr, with status 3."""
    if args.markdown is not None:
        prepare_file(args.markdown)  # refuse before the work, not after printing the report
    chosen = example_from_args(args)
    examples = [chosen] if chosen is not None else list(catalog.EXAMPLES.values())
    results = [(example, example.checks(example.build())) for example in examples]
    print(check_report(results))
    if args.markdown is not None:
        write_atomic(args.markdown, check_report(results, markdown=True))
        print(f"Markdown report written to {args.markdown}", file=sys.stderr)
    status = 0
    for example, checks in results:
        wrong = [
            f"{c.quantity} = {c.slide}; the engine computes {c.computed:.6g}"
            for c in checks
            if c.finding == "wrong claim"
        ]
        if wrong:
            claims = "claim" if len(wrong) == 1 else "claims"
            print(
                f"chainrule check: {example.name}: {len(wrong)} wrong {claims} ({', '.join(wrong)})",
                file=sys.stderr,
            )
            status = WRONG_CLAIM
    return status
