"""`chainrule page NAME -o FILE.html`: an example's interactive page (step, explore, what-if, quiz)."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd.page import GraphTooBig, page
from autograd.render import RenderError
from demos.examples.example import Example, Graph

from .arguments import UsageError
from .choose import add_example_arguments, example_from_args
from .output import OutputError, prepare_file


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `page` on the `chainrule` parser."""
    p = subparsers.add_parser(
        "page", help="an example's interactive page: step through backprop, change numbers, quiz yourself"
    )
    add_example_arguments(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the .html file to write")
    p.set_defaults(run=run_page)


def run_page(args: argparse.Namespace) -> int:
    """Write the example's page: one self-contained HTML file (several outputs: a picker)."""
    if not args.output.is_dir() and args.output.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"-o {args.output}: the page is an .html file; give a name ending in .html")
    example = example_from_args(args)
    if not args.output.is_dir():  # a folder: the page names its file (see autograd.page.page)
        prepare_file(args.output)
    try:
        path = example_page(example, example.build(), args.output)
    except GraphTooBig as error:  # said in the command line's terms: it has no max_nodes
        raise OutputError(_too_big(error, example, args.name or example.name)) from None
    except RenderError as error:  # a bad path, or Graphviz missing, failing or out of time
        raise OutputError(str(error).splitlines()[0]) from None
    except ValueError as error:  # a graph too big for the page, said before Graphviz starts
        raise OutputError(str(error).splitlines()[0]) from None
    print(path)
    return 0


def _too_big(error: GraphTooBig, example: Example, name: str) -> str:
    """What the command line can do with a graph too big for a page: draw it as the slide view in parts
    (`chainrule render`, one picture per slide), or page a smaller graph. `name` is how the command
    line named the example (a built-in name or a file)."""
    head = f"the graph of {error.output} has {error.nodes} nodes, more than a page draws ({error.limit})"
    typed = example.slide == ""  # an --expr graph
    command = "chainrule render --expr … --set … -o DIR" if typed else f"chainrule render {name} -o DIR"
    smaller = "expression (fewer operations, or a shorter loop)" if typed else "example"
    return (
        f"{head}; draw it as the slide view in parts with `{command}` (neurons fused, one picture per "
        f"slide), or page a smaller {smaller}"
    )


def example_page(example: Example, graph: Graph, path: Path) -> Path:
    """The example's interactive page at `path`; one made from an expression shows it at the top, a
    network's has the matrix form in its deck's notation and output rules."""
    typed = example.slide == ""  # an --expr example: its title is the expression
    return page(
        graph.outputs[0] if len(graph.outputs) == 1 else graph.outputs,
        path,
        title=example.title if typed else f"{example.title} ({example.name})",
        expression=example.title if typed else None,
        roles=example.node_roles(),
        upstream=graph.upstream,
        loss="L" if graph.upstream != 1.0 else None,  # as `chainrule explain` names it
        notation=example.notation,  # the matrix panel in the deck's names, with its output rules
        rule=example.output_rules,  # output k's rule at k, as `chainrule explain --matrix` reads them
    )
