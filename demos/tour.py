"""`chainrule render` and `chainrule tour`: pictures, frames, explanations and the index page."""

from __future__ import annotations

import argparse
import html
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from autograd import topological_order
from autograd.files import write_atomic
from autograd.render import backward_frames, render
from demos import catalog
from demos.commands import example_named, explanations
from demos.example import Example, Graph
from demos.report import as_json, as_text, check_report

FORMATS = ("png", "svg", "pdf")
MAX_FRAME_NODES = 80  # bigger graphs get their picture, but a frame per node would be a slideshow of ~100


class OutputError(Exception):
    """The output could not be written: printed as one line, exit status 1."""


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
    for path in draw_example(example, example.build(), args.output, args.format, args.steps):
        print(path)
    return 0


def draw_example(example: Example, graph: Graph, folder: Path, fmt: str, steps: bool) -> list[Path]:
    """The example's pictures in `folder`: one graph per output, and its backward frames if asked."""
    roles = example.node_roles()
    written = []
    for root, suffix in _outputs(example, graph):
        written.append(render(root, folder / f"{example.name}{suffix}.{fmt}", roles=roles))
        if steps:
            frames = backward_frames(
                root, folder / f"{example.name}{suffix}-backward", format=fmt, roles=roles
            )
            written += [*frames.paths, *([frames.gif] if frames.gif else [])]
    return written


def _outputs(example: Example, graph: Graph) -> list[tuple]:
    if len(graph.outputs) == 1:
        return [(graph.outputs[0], "")]
    return [(root, f"-{root.label}") for root in graph.outputs]


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
    pictures: dict[str, str] = {}
    results: list = []
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


def _tour_example(example: Example, tour: Path) -> dict[str, str]:
    folder = tour / example.name
    _make_folder(folder)
    graph = example.build()
    frames = sum(len(topological_order(root)) for root in graph.outputs) <= MAX_FRAME_NODES
    svg = draw_example(example, graph, folder, "svg", steps=False)[0]
    draw_example(example, graph, folder, "png", steps=frames)
    write_atomic(folder / "report.txt", as_text(example, graph) + "\n")
    write_atomic(folder / "example.json", json.dumps(as_json(example, graph), indent=2, ensure_ascii=False))
    labels = list(example.parameters) or [label for label, n in graph.nodes.items() if n.op is None]
    write_atomic(folder / "explanation.txt", "\n".join(explanations(example, graph, labels)) + "\n")
    return {example.name: svg.name}


def _write_checks(folder: Path, examples: list[Example]) -> list:
    results = [(example, example.checks(example.build())) for example in examples]
    write_atomic(folder / "checks.md", check_report(results, markdown=True))
    write_atomic(folder / "checks.txt", check_report(results) + "\n")
    return results


def _training_plots(folder: Path) -> list[tuple[str, Path]]:
    _make_folder(folder)
    from demos.training import tour_plots

    return tour_plots(folder)


def index_page(
    examples: list[Example], pictures: dict[str, str], results: list, training: list[tuple[str, Path]]
) -> str:
    """The tour's index.html: every example with its picture, files and checks; the training plots."""
    wrong = {example.name: sum(not c.agrees for c in checks) for example, checks in results}
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8><title>chainrule tour</title>",
        "<style>body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "img{max-width:100%;border:1px solid #ddd}section{margin:2.5em 0}code{background:#f4f4f4}"
        ".ok{color:#1a7f37}.bad{color:#b42318}</style>",
        "<h1>chainrule: the slides' worked examples, node by node</h1>",
        '<p>The slide-check report: <a href="checks.md">checks.md</a> · '
        '<a href="checks.txt">checks.txt</a></p>',
    ]
    for example in examples:
        e, name = html.escape, example.name
        errata = wrong.get(name, 0)
        status = (
            f'<span class="bad">{errata} slide errata</span>' if errata else '<span class="ok">agrees</span>'
        )
        parts.append(f'<section id="{e(name)}"><h2>{e(name)}: {e(example.title)}</h2>')
        parts.append(
            f"<p>{e(example.description)}</p><p>Slide deck <code>{e(example.slide)}</code> · {status}</p>"
        )
        links = ["report.txt", "explanation.txt", "example.json"]
        parts.append("<p>" + " · ".join(f'<a href="{e(name)}/{f}">{f}</a>' for f in links) + "</p>")
        picture = f"{e(name)}/{e(pictures[name])}"
        parts.append(
            f'<p><a href="{picture}"><img src="{picture}" alt="the graph of {e(name)}"></a></p></section>'
        )
    if training:
        parts.append("<section><h2>Training demos</h2>")
        for title, path in training:
            parts.append(f'<h3>{html.escape(title)}</h3><img src="training/{html.escape(path.name)}" alt="">')
        parts.append("</section>")
    return "\n".join(parts) + "\n</html>\n"


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create the folder {str(folder)!r}: {error.strerror or error}") from None
