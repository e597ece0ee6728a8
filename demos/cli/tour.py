"""`chainrule tour`: every example's pictures, frames, page, explanations and checks, and the index page."""

from __future__ import annotations

import argparse
import html
import json
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from autograd import write_atomic
from demos.examples import catalog
from demos.examples.example import Check, Example
from demos.examples.report import as_json, as_text, check_report

from .commands import explanations
from .output import make_folder, replace_folder
from .page import example_page
from .render import MAX_FRAME_NODES, Picture, draw_example


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `tour` on the `chainrule` parser."""
    p = subparsers.add_parser("tour", help="everything: every example's pictures, explanations, checks")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder to (re)create")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run_tour)


def run_tour(args: argparse.Namespace) -> int:
    """Build the whole output folder aside, then swap it in, so a re-run replaces it cleanly.

    The folder must be new, empty or an earlier tour's (see `demos.cli.output`).
    """
    out: Path = args.output
    replace_folder(out, lambda staging: build_tour(staging, progress=not args.no_progress))
    print(f"wrote {out / 'index.html'}")
    return 0


def build_tour(folder: Path, progress: bool = True) -> None:
    """Every example's pictures, frames, explanation, report and JSON; the checks; the training plots."""
    examples = list(catalog.EXAMPLES.values())
    pictures: dict[str, list[tuple[Picture, Picture]]] = {}
    results: list[tuple[Example, list[Check]]] = []
    training: list[tuple[str, Path]] = []
    tasks: list[tuple[str, Callable[[], object]]] = [
        *(
            (example.name, lambda example=example: pictures.update(_tour_example(example, folder)))
            for example in examples
        ),
        ("slide checks", lambda: results.extend(_write_checks(folder, examples))),
        ("training demos", lambda: training.extend(_training_plots(folder / "training"))),
    ]
    with tqdm(tasks, desc="chainrule tour", unit="step", disable=not progress) as bar:
        for name, task in bar:
            bar.set_postfix_str(name)
            task()
    write_atomic(folder / "index.html", index_page(examples, pictures, results, training))


def _tour_example(example: Example, tour: Path) -> dict[str, list[tuple[Picture, Picture]]]:
    folder = tour / example.name
    make_folder(folder, mark=False)
    graph = example.build()
    svgs = draw_example(example, graph, folder, "svg", steps=False)
    pngs = draw_example(example, graph, folder, "png", steps=True, max_frame_nodes=MAX_FRAME_NODES)
    example_page(example, graph, folder / "page.html")
    write_atomic(folder / "report.txt", as_text(example, graph) + "\n")
    write_atomic(folder / "example.json", json.dumps(as_json(example, graph), indent=2, ensure_ascii=False))
    labels = list(example.parameters) or [label for label, n in graph.nodes.items() if n.op is None]
    write_atomic(folder / "explanation.txt", "\n".join(explanations(example, graph, labels)) + "\n")
    return {example.name: list(zip(svgs, pngs))}


def _write_checks(folder: Path, examples: list[Example]) -> list[tuple[Example, list[Check]]]:
    results = [(example, example.checks(example.build())) for example in examples]
    write_atomic(folder / "checks.md", check_report(results, markdown=True))
    write_atomic(folder / "checks.txt", check_report(results) + "\n")
    return results


def _training_plots(folder: Path) -> list[tuple[str, Path]]:
    from demos.examples.training import tour_plots  # matplotlib and the nn layer load only when needed

    make_folder(folder, mark=False)
    return tour_plots(folder)


STYLE = (
    "body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
    "img{max-width:100%;border:1px solid #ddd}section{margin:2.5em 0}code{background:#f4f4f4}"
    ".ok{color:#1a7f37}.bad{color:#b42318}"
)


def index_page(
    examples: list[Example],
    pictures: dict[str, list[tuple[Picture, Picture]]],
    results: list[tuple[Example, list[Check]]],
    training: list[tuple[str, Path]],
) -> str:
    """The tour's index.html: every example with its pictures, files and checks; the training plots."""
    e = html.escape
    wrong = {example.name: sum(not c.agrees for c in checks) for example, checks in results}
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8><title>chainrule tour</title>",
        f"<style>{STYLE}</style>",
        "<h1>chainrule: the slides' worked examples, node by node</h1>",
        '<p>The slide-check report: <a href="checks.md">checks.md</a> · '
        '<a href="checks.txt">checks.txt</a></p>',
    ]
    for example in examples:
        name = example.name
        parts.append(f'<section id="{e(name)}"><h2>{e(name)}: {e(example.title)}</h2>')
        parts.append(f"<p>{e(example.description)}</p>")
        parts.append(f"<p>Slide deck <code>{e(example.slide)}</code> · {_status(wrong.get(name, 0))}</p>")
        files = ["page.html", "report.txt", "explanation.txt", "example.json"]
        parts.append("<p>" + " · ".join(f'<a href="{e(name)}/{f}">{f}</a>' for f in files) + "</p>")
        drawn = pictures[name]
        parts.append("<p>Graphs: " + " · ".join(_graph_links(name, svg, png) for svg, png in drawn) + "</p>")
        gifs = [(png.name, png) for _, png in drawn if png.gif is not None]
        if gifs:
            parts.append(
                "<p>Backward pass, node by node: " + " · ".join(_gif_links(name, p) for _, p in gifs) + "</p>"
            )
        first = f"{e(name)}/{e(drawn[0][0].graph.name)}"
        parts.append(
            f'<p><a href="{first}"><img src="{first}" alt="the graph of {e(name)}"></a></p></section>'
        )
    if training:
        parts.append("<section><h2>Training demos</h2>")
        for title, path in training:
            parts.append(f'<h3>{e(title)}</h3><img src="training/{e(path.name)}" alt="{e(title)}">')
        parts.append("</section>")
    return "\n".join(parts) + "\n</html>\n"


def _status(errata: int) -> str:
    if not errata:
        return '<span class="ok">every stated number agrees</span>'
    return f'<span class="bad">{errata} slide {"erratum" if errata == 1 else "errata"}</span>'


def _graph_links(example: str, svg: Picture, png: Picture) -> str:
    e = html.escape
    return (
        f'{e(svg.name)} (<a href="{e(example)}/{e(svg.graph.name)}">SVG</a>, '
        f'<a href="{e(example)}/{e(png.graph.name)}">PNG</a>)'
    )


def _gif_links(example: str, png: Picture) -> str:
    e = html.escape
    frames = png.frames[0].parent.name
    return (
        f'{e(png.name)} (<a href="{e(example)}/{e(frames)}/{e(png.gif.name)}">GIF</a>, '
        f'<a href="{e(example)}/{e(frames)}/{e(png.frames[0].name)}">frames</a>)'
    )
