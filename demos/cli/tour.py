"""`chainrule tour`: every example's pictures, frames, page, explanations and checks, and the index page."""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import os
import shutil
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

import nn
from autograd import topological_order
from autograd.errors import DomainError
from autograd.files import write_atomic
from autograd.layers import LayerError, find_layers
from autograd.page import GraphTooBig
from autograd.render import render
from autograd.render.slide_parts import TooBigToSplit
from demos.examples import catalog
from demos.examples.example import Check, Example, Graph
from demos.examples.report import as_json, as_text, check_report
from demos.examples.user import from_file

from .arguments import UsageError
from .commands import explanations, matrix_views
from .output import make_folder, replace_folder
from .page import example_page
from .render import MAX_FRAME_NODES, SLIDE, Picture, draw_example, layer_names
from .slides import example_deck


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `tour` on the `chainrule` parser."""
    p = subparsers.add_parser("tour", help="everything: every example's pictures, explanations, checks")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder to (re)create")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--examples", type=Path, metavar="DIR", help="also every example file (*.toml) in this folder"
    )
    p.add_argument(
        "--no-builtin", action="store_true", help="leave out the built-in examples (with --examples)"
    )
    p.set_defaults(run=run_tour)


def run_tour(args: argparse.Namespace) -> int:
    """Build the whole output folder aside, then swap it in, so a re-run replaces it cleanly.

    The folder must be new, empty or an earlier tour's (see `demos.cli.output`).
    """
    out: Path = args.output
    examples = _chosen_examples(args.examples, builtin=not args.no_builtin)
    training = not args.no_builtin
    replace_folder(
        out, lambda staging: build_tour(staging, examples, training, progress=not args.no_progress)
    )
    print(f"wrote {out / 'index.html'}")
    return 0


def _chosen_examples(folder: Path | None, builtin: bool) -> list[Example]:
    """The built-in examples and those of the files in `folder`, every file read and checked first."""
    if folder is None and not builtin:
        raise UsageError("--no-builtin leaves nothing to show: add --examples DIR")
    if folder is not None and not folder.is_dir():
        raise UsageError(f"--examples {folder}: not a folder")
    examples = list(catalog.EXAMPLES.values()) if builtin else []
    files = sorted(folder.glob("*.toml")) if folder is not None else []
    if folder is not None and not files:
        raise UsageError(f"--examples {folder}: no example files (*.toml) in it")
    names = {example.name for example in examples}
    for path in files:
        example = from_file(path)
        if example.name in names:
            raise UsageError(f"{path}: an example called {example.name!r} exists already; rename the file")
        names.add(example.name)
        examples.append(example)
    return examples


def build_tour(
    folder: Path, examples: list[Example] | None = None, training: bool = True, progress: bool = True
) -> None:
    """Every example's pictures, frames, explanation, report and JSON; the checks; the training plots.

    `examples` defaults to the built-in ones; `training=False` leaves out the training demos. Examples
    are drawn side by side in worker processes, one per core (see `_side_by_side`).
    """
    examples = list(catalog.EXAMPLES.values()) if examples is None else examples
    pictures: dict[str, list[tuple[Picture, Picture]]] = {}
    skipped: dict[str, list[tuple[str, str]]] = {}
    plots: list[tuple[str, Path]] = []
    names = [example.name for example in examples] + (["training demos"] if training else [])
    with tqdm(total=len(names) + 1, desc="chainrule tour", unit="step", disable=not progress) as bar:
        for name, done in _side_by_side(examples, folder, training):
            bar.set_postfix_str(name)
            if name == "training demos":
                plots.extend(done)
            else:
                pictures[name], skipped[name] = done
            bar.update()
        bar.set_postfix_str("slide checks")
        results = _write_checks(folder, examples)
        bar.update()
    more = {e.name: _more_files(folder / e.name) for e in examples}
    index = index_page(examples, pictures, results, plots, more, skipped)
    write_atomic(folder / "index.html", index)


_TOUR: list[Example] = []  # the examples of the tour being built, read by the forked workers


def _side_by_side(examples: list[Example], folder: Path, training: bool) -> Iterator[tuple[str, Any]]:
    """(name, result) of each example's `_tour_example` and of the training demos, as each finishes.

    Most of a tour is Graphviz and Pillow drawing frames, with Python work between the frames; one
    example at a time leaves a core idle for much of it. Workers are forked (Linux), so they inherit
    the examples (a user's example may not pickle) and the import of every module; elsewhere the
    examples run one after the other in this process.
    """
    tasks = [("example", k) for k in range(len(examples))] + ([("training", 0)] if training else [])
    workers = min(os.cpu_count() or 1, len(tasks))
    if workers > 1:  # the longest first, so that no core is left with a big one at the end
        tasks.sort(key=lambda task: -_cost(examples, *task))
    if workers < 2 or not sys.platform.startswith("linux"):
        for kind, k in tasks:
            yield _task_name(examples, kind, k), _run_task(examples, folder, kind, k)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed  # only the tour forks: load it here

    _TOUR[:] = examples
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {pool.submit(_forked_task, folder, kind, k): (kind, k) for kind, k in tasks}
            try:
                for future in as_completed(futures):
                    kind, k = futures[future]
                    yield _task_name(examples, kind, k), future.result()
            except BaseException:  # a failed example (or Ctrl-C): the rest would be thrown away
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _TOUR.clear()


def _cost(examples: list[Example], kind: str, k: int) -> int:
    """About how long a task takes: a frame per node, each drawing every node (n² for n nodes)."""
    if kind == "training":
        return 40 * 40  # a few seconds, as an example of 40 nodes
    sizes = [len(topological_order(root)) for root in examples[k].build().outputs]
    return sum(n * n if n <= MAX_FRAME_NODES else n for n in sizes)


def _forked_task(folder: Path, kind: str, k: int) -> Any:
    return _run_task(_TOUR, folder, kind, k)


def _run_task(examples: list[Example], folder: Path, kind: str, k: int) -> Any:
    if kind == "training":
        return _training_plots(folder / "training")
    return _tour_example(examples[k], folder)


def _task_name(examples: list[Example], kind: str, k: int) -> str:
    return "training demos" if kind == "training" else examples[k].name


Skipped = list[tuple[str, str]]  # (the files left out, why): an output too big to make


def _tour_example(example: Example, tour: Path) -> tuple[list[tuple[Picture, Picture]], Skipped]:
    """The example's files in its folder: its (SVG, PNG) pictures, and the outputs left out as too big.

    An output past a limit (a picture, the page or a deck of a teacher's big example file) is left out
    with a note on stderr naming the example and the files; the rest of the example and the tour go on.
    """
    folder = tour / example.name
    make_folder(folder, mark=False)
    graph = example.build()
    skipped: Skipped = []

    def pictures() -> list[tuple[Picture, Picture]]:
        svgs = draw_example(example, graph, folder, "svg", steps=False)
        pngs = draw_example(example, graph, folder, "png", steps=True, max_frame_nodes=MAX_FRAME_NODES)
        return list(zip(svgs, pngs))

    drawn = _unless_too_big(example, "the graph pictures (SVG, PNG, frames)", pictures, skipped) or []
    _unless_too_big(example, "page.html", lambda: example_page(example, graph, folder / "page.html"), skipped)
    for fmt in _deck_formats():
        deck = f"slides.{fmt}"
        make = lambda deck=deck, fmt=fmt: example_deck(example, graph, folder / deck, fmt)  # noqa: E731
        _unless_too_big(example, deck, make, skipped)
    write_atomic(folder / "report.txt", as_text(example, graph) + "\n")
    write_atomic(folder / "example.json", json.dumps(as_json(example, graph), indent=2, ensure_ascii=False))
    labels = list(example.parameters) or [label for label, n in graph.nodes.items() if n.op is None]
    write_atomic(folder / "explanation.txt", "\n".join(explanations(example, graph, labels)) + "\n")
    _network_pictures(graph, folder, [png.graph.stem for _, png in drawn])
    _layer_files(example, graph, folder)
    return drawn, skipped


def _unless_too_big(example: Example, what: str, make: Callable[[], Any], skipped: Skipped) -> Any:
    """`make()`, or None when it refuses an output too big to make (a limit's one-line ValueError, a
    page's GraphTooBig, a split's TooBigToSplit): then `what` is noted in `skipped` and on stderr. An
    engine error (DomainError) and every other failure stop the tour as before."""
    try:
        return make()
    except (ValueError, TooBigToSplit) as error:
        if isinstance(error, DomainError) or not (
            type(error) is ValueError or isinstance(error, (GraphTooBig, TooBigToSplit))
        ):
            raise
        reason = str(error).splitlines()[0]
        skipped.append((what, reason))
        print(f"chainrule tour: {example.name}: {what} left out: {reason}", file=sys.stderr)
        return None


def _deck_formats() -> tuple[str, ...]:
    """The decks of each example: PowerPoint and Beamer source, and the Beamer deck compiled to PDF
    where pdflatex is installed."""
    return ("pptx", "tex") + (("pdf",) if shutil.which("pdflatex") else ())


def _more_files(folder: Path) -> list[str]:
    """The files an example's folder has only sometimes: the PDF deck (with pdflatex), network pictures,
    the matrix form and the layer pictures."""
    pdf = ["slides.pdf"] if (folder / "slides.pdf").is_file() else []
    matrix = [MATRIX] if (folder / MATRIX).is_file() else []
    pictures = sorted(p.name for pattern in ("*-network.png", "*-layers.png") for p in folder.glob(pattern))
    return pdf + matrix + pictures


MATRIX = "matrix.txt"  # `chainrule explain NAME --matrix`


def _layer_files(example: Example, graph: Graph, folder: Path) -> None:
    """Where every output's graph groups into layers (`autograd.layers.find_layers`): the matrix form
    as `chainrule explain NAME --matrix` prints it (MATRIX), and each output's layer picture beside its
    graph picture (`<stem>-layers.png`, rows of whole layers to fit a slide). Other examples get none."""
    try:
        grouped = all(find_layers(root).layers for root in graph.outputs)
    except LayerError:
        return
    if not grouped:
        return
    write_atomic(folder / MATRIX, "\n\n".join(matrix_views(example, graph, "text")) + "\n")
    names = layer_names(example)
    several = len(graph.outputs) > 1
    for root in graph.outputs:
        stem = f"{example.name}-{root.label}" if several else example.name
        render(root, folder / f"{stem}-layers.png", view="layers", fit=SLIDE, layer_names=names)


def _network_pictures(graph: Graph, folder: Path, stems: list[str]) -> None:
    """The network drawn neuron by neuron beside each graph picture, where the graph has units."""
    for root, stem in zip(graph.outputs, stems):
        try:
            render(root, folder / f"{stem}-network.png", view="network")
        except ValueError:  # no units (a gate, a loss table): there is no network to draw
            continue


def _write_checks(folder: Path, examples: list[Example]) -> list[tuple[Example, list[Check]]]:
    results = [(example, example.checks(example.build())) for example in examples]
    write_atomic(folder / "checks.md", check_report(results, markdown=True))
    write_atomic(folder / "checks.txt", check_report(results) + "\n")
    return results


def _training_plots(folder: Path) -> list[tuple[str, Path]]:
    from demos.examples.pictures import tour_pictures
    from demos.examples.training import tour_plots  # matplotlib and the nn layer load only when needed

    make_folder(folder, mark=False)
    playground = Path(nn.playground(folder / "playground.html", data="moons", hidden=(8, 8)))
    live = [("The training playground: a network learning moons live in the browser", playground)]
    return live + tour_plots(folder) + tour_pictures(folder)


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
    more: dict[str, list[str]] | None = None,
    skipped: dict[str, list[tuple[str, str]]] | None = None,
) -> str:
    """The tour's index.html: every example with its pictures, files and checks; the training plots.

    `skipped` names, per example, the outputs left out as too big, and why: they are said, not linked.
    """
    e = html.escape
    findings: dict[str, Counter] = defaultdict(Counter)  # an example without checks: every number agrees
    findings.update((example.name, Counter(c.finding for c in checks)) for example, checks in results)
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8><title>chainrule tour</title>",
        f"<style>{STYLE}</style>",
        "<main>",  # the page's one landmark: a screen reader's "go to main content"
        "<h1>chainrule: the slides' worked examples, node by node</h1>",
        '<p>The slide-check report: <a href="checks.md">checks.md</a> · '
        '<a href="checks.txt">checks.txt</a></p>',
        _contents(examples, findings, bool(training)),
    ]
    for example in examples:
        name = example.name
        parts.append(f'<section id="{e(name)}"><h2>{e(name)}: {e(example.title)}</h2>')
        parts.append(f"<p>{e(example.description)}</p>")
        parts.append(f"<p>Slides: {e(example.source)} · {_status(findings[name])}</p>")
        files = ["page.html", "slides.pptx", "slides.tex", "report.txt", "explanation.txt", "example.json"]
        files += (more or {}).get(name, [])
        left_out = (skipped or {}).get(name, [])
        files = [f for f in files if f not in {what for what, _ in left_out}]
        parts.append("<p>" + " · ".join(f'<a href="{e(name)}/{f}">{f}</a>' for f in files) + "</p>")
        parts.extend(f"<p>Left out, too big: {e(what)} ({e(why)})</p>" for what, why in left_out)
        drawn = pictures[name]
        if not drawn:
            parts.append("</section>")
            continue
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
        parts.append('<section id="training"><h2>Training demos</h2>')
        for title, path in training:
            shown = (
                f'<a href="training/{e(path.name)}">{e(path.name)}</a>'
                if path.suffix == ".html"
                else (f'<img src="training/{e(path.name)}" alt="{e(title)}">')
            )
            parts.append(f"<h3>{e(title)}</h3>{shown}")
        parts.append("</section>")
    return "\n".join(parts) + "\n</main>\n</html>\n"


def _contents(examples: list[Example], findings: dict[str, Counter], training: bool) -> str:
    """The table of contents: the examples deck by deck, each with its slide-check status."""
    e = html.escape
    decks: dict[str, list[Example]] = {}
    for example in examples:
        decks.setdefault(example.source or "your examples", []).append(example)
    items = []
    for citation, members in decks.items():
        links = "".join(
            f'<li><a href="#{e(x.name)}">{e(x.name)}</a>: {e(x.title)} · {_status(findings[x.name])}</li>'
            for x in members
        )
        items.append(f"<li>{e(citation)}<ul>{links}</ul></li>")
    if training:
        items.append('<li><a href="#training">Training demos</a></li>')
    return f'<nav aria-label="contents"><h2>Contents</h2><ul>{"".join(items)}</ul></nav>'


def _status(findings: Counter) -> str:
    """An example's slide-check status: errata and wrong claims in red; conventions (a choice at a point
    with no derivative, not an error) in plain text, as the report counts them."""
    errata, conventions, wrong = (findings[k] for k in ("erratum", "convention", "wrong claim"))
    if not (errata or conventions or wrong):
        return '<span class="ok">every stated number agrees</span>'
    parts = []
    if errata:
        parts.append(f'<span class="bad">{errata} slide {"erratum" if errata == 1 else "errata"}</span>')
    if wrong:
        parts.append(
            f'<span class="bad">{wrong} wrong {"claim" if wrong == 1 else "claims"} in the file</span>'
        )
    if conventions:
        parts.append(f"{conventions} {'convention' if conventions == 1 else 'conventions'} (not errors)")
    if not (errata or wrong):
        parts.append('<span class="ok">no errata</span>')
    return " · ".join(parts)


def _graph_links(example: str, svg: Picture, png: Picture) -> str:
    e = html.escape
    parts = "".join(
        f', <a href="{e(example)}/{e(part.name)}">slide {k}</a>' for k, part in enumerate(png.parts, 1)
    )  # a graph too big for one slide: its parts, one picture per slide
    return (
        f'{e(svg.name)} (<a href="{e(example)}/{e(svg.graph.name)}">SVG</a>, '
        f'<a href="{e(example)}/{e(png.graph.name)}">PNG</a>{parts})'
    )


def _gif_links(example: str, png: Picture) -> str:
    e = html.escape
    frames = png.frames[0].parent.name
    return (
        f'{e(png.name)} (<a href="{e(example)}/{e(frames)}/{e(png.gif.name)}">GIF</a>, '
        f'<a href="{e(example)}/{e(frames)}/{e(png.frames[0].name)}">frames</a>)'
    )
