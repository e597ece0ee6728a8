"""`chainrule render` and `chainrule tour`: pictures, frames, explanations and the index page."""

from __future__ import annotations

import argparse
import html
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from autograd import topological_order
from autograd.files import write_atomic
from autograd.render import backward_frames, render
from demos import catalog
from demos.commands import OutputError, example_named, explanations
from demos.example import Check, Example, Graph
from demos.page_command import example_page
from demos.report import as_json, as_text, check_report

FORMATS = ("png", "svg", "pdf")
MAX_FRAME_NODES = 80  # bigger graphs get their picture, but a frame per node would be a slideshow of ~100


@dataclass(frozen=True)
class Picture:
    """One output's picture, and its backward pass as frames and a GIF when they were drawn."""

    name: str  # the output's label, or the example's name when it has one output
    graph: Path
    frames: list[Path]
    gif: Path | None


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register render and tour on the `chainrule` parser."""
    p = subparsers.add_parser("render", help="draw an example's graph (and, with --steps, its backward pass)")
    p.add_argument("name", help="an example name (see `chainrule list`)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--format", choices=FORMATS, default="png")
    p.add_argument("--steps", action="store_true", help="also one picture per backward step, and a GIF")
    p.set_defaults(run=run_render)

    p = subparsers.add_parser("tour", help="everything: every example's pictures, explanations, checks")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder to (re)create")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run_tour)


def run_render(args: argparse.Namespace) -> int:
    """Write the example's graph picture(s), and with --steps the backward frames and GIF."""
    example = example_named(args.name)
    _make_folder(args.output)
    for picture in draw_example(example, example.build(), args.output, args.format, args.steps):
        print("\n".join(str(path) for path in (picture.graph, *picture.frames, picture.gif) if path))
    return 0


def draw_example(
    example: Example, graph: Graph, folder: Path, fmt: str, steps: bool, max_frame_nodes: int | None = None
) -> list[Picture]:
    """One picture per output of the example; with `steps`, each output's backward frames and GIF
    (only for outputs of at most `max_frame_nodes` nodes, when that is given)."""
    roles = example.node_roles()
    pictures = []
    for root in graph.outputs:
        several = len(graph.outputs) > 1
        stem = f"{example.name}-{root.label}" if several else example.name
        path = render(root, folder / f"{stem}.{fmt}", roles=roles)
        frames, gif = [], None
        if steps and (max_frame_nodes is None or len(topological_order(root)) <= max_frame_nodes):
            drawn = backward_frames(root, folder / f"{stem}-backward", format=fmt, roles=roles)
            frames, gif = drawn.paths, drawn.gif
        pictures.append(Picture(root.label if several else example.name, path, frames, gif))
    return pictures


def run_tour(args: argparse.Namespace) -> int:
    """Build the whole output folder aside, then swap it in, so a re-run replaces it cleanly."""
    out: Path = args.output
    staging = out.with_name(f".{out.name}.partial")
    _make_folder(out.parent)
    shutil.rmtree(staging, ignore_errors=True)
    _make_folder(staging)
    try:
        build_tour(staging, progress=not args.no_progress)
        if out.exists():
            retired = out.with_name(f".{out.name}.old")
            shutil.rmtree(retired, ignore_errors=True)
            out.rename(retired)
            staging.rename(out)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
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
    _make_folder(folder)
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
    from demos.training import tour_plots  # matplotlib and the nn layer load only when needed

    _make_folder(folder)
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


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create the folder {str(folder)!r}: {error.strerror or error}") from None
