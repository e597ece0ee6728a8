"""How the catalog's pictures read on a slide: the smallest text in px and the overlapping labels.

Each picture is placed on a 1920×1080 slide (or --slide WxH), scaled to fit with its aspect kept, and
measured by autograd.render.measure: the smallest number and the smallest other text in slide px, and
the labels that overlap a box or another label. The issue's bar: numbers ≥ 20 px, other text ≥ 16 px,
no overlaps. "crossings" counts arrows drawn through a label not their own (shown, not held to the bar).
Run by hand from the repository's root:

    .venv/bin/python scripts/slide_check.py                    # every example and a teacher's expression
    .venv/bin/python scripts/slide_check.py chen-2-2-2 hinge   # some examples
    .venv/bin/python scripts/slide_check.py --expr "f = (x+y)*z" --set x=-2 y=5 z=-4
    .venv/bin/python scripts/slide_check.py --view full        # today's full scalar graph (the "before")
    .venv/bin/python scripts/slide_check.py --view full --fit 16:9   # ... folded as `render` folds it
    .venv/bin/python scripts/slide_check.py --view frames      # every backward frame (parts = frames)

Exit status 0 when every picture meets the bar, 1 when one does not, 2 for a bad argument.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone, not installed

from autograd import Value
from autograd.graph import topological_order
from autograd.parse import MissingValues, ParseError
from autograd.render import backward_frames, draw
from autograd.render.measure import SLIDE, SlideMeasure, measure_digraph, measure_svg
from demos.cli.render import MAX_FRAME_NODES
from demos.examples.catalog import EXAMPLES
from demos.examples.example import Example
from demos.examples.user import from_expression

NUMBER_PX, TEXT_PX = 20, 16  # the bar on a 1920×1080 slide
TEACHER = ("f = (x + y) * z", {"x": -2.0, "y": 5.0, "z": -4.0})  # the classic first example
FILL = (1.5, -2.0, 3.0, 0.5, -1.0, 2.0)  # values for inputs an --expr leaves without one


@dataclass
class Row:
    """One picture (or one output split into parts) measured."""

    name: str
    parts: list[SlideMeasure]

    @property
    def number_px(self) -> float:
        return min((m.smallest_number_px for m in self.parts), default=math.inf)

    @property
    def text_px(self) -> float:
        return min((m.smallest_text_px for m in self.parts), default=math.inf)

    @property
    def overlaps(self) -> list[str]:
        several = len(self.parts) > 1
        return [
            (f"part {k}: " if several else "") + o for k, m in enumerate(self.parts, 1) for o in m.overlaps
        ]

    @property
    def crossings(self) -> list[str]:
        several = len(self.parts) > 1
        return [
            (f"part {k}: " if several else "") + c for k, m in enumerate(self.parts, 1) for c in m.crossings
        ]

    @property
    def good(self) -> bool:
        return self.number_px >= NUMBER_PX and self.text_px >= TEXT_PX and not self.overlaps


def pictures(example: Example, view: str, fit: str | None) -> list[tuple[str, list]]:
    """Each output of `example` with its pictures: digraphs (one, or one per slide part), or with
    view "frames" the SVG of each backward frame (outputs of at most MAX_FRAME_NODES nodes, as the tour)."""
    graph = example.build()
    roles = example.node_roles()
    found = []
    for root in graph.outputs:
        name = example.name if len(graph.outputs) == 1 else f"{example.name}:{root.label}"
        if view == "frames":
            if len(topological_order(root)) <= MAX_FRAME_NODES:
                found.append((name, frames(root, roles, graph.upstream)))
            continue
        if view == "full":
            found.append((name, [draw(root, view="full", roles=roles, fit=fit)]))
            continue
        from autograd.render.slide import slide_digraph, slide_parts  # the slide view, where it exists

        ratio = 16 / 9 if fit is None else _ratio(fit)
        parts = slide_parts(root, ratio=ratio, roles=roles)
        found.append((name, [slide_digraph(part, title=part.title) for part in parts]))
    return found


def frames(root: Value, roles: dict, upstream: float) -> list[bytes]:
    """The SVG of each backward frame of `root`, as `chainrule render --steps` draws them."""
    options: dict = {"format": "svg", "gif": False, "roles": roles}
    if upstream != 1.0:  # a gate inside a bigger graph: the slide's ∂L/∂output
        options |= {"upstream": upstream, "loss": "L"}
    with tempfile.TemporaryDirectory() as folder:
        return [path.read_bytes() for path in backward_frames(root, folder, **options).paths]


def _ratio(text: str) -> float:
    width, _, height = text.partition(":")
    return float(width) / float(height) if height else float(width)


def expression(text: str, settings: list[str]) -> Example:
    """The example of a teacher's expression; inputs without a --set value get one from FILL."""
    values = {}
    for item in settings:
        key, _, value = item.partition("=")
        values[key.strip()] = float(value.replace("−", "-"))
    try:
        return from_expression(text, values, name="--expr")
    except MissingValues as error:
        values |= {name: FILL[k % len(FILL)] for k, name in enumerate(error.names)}
        print(f"--expr: no value for {', '.join(error.names)}; using {values}", file=sys.stderr)
        return from_expression(text, values, name="--expr")


def px(value: float) -> str:
    return "—" if value == math.inf else f"{value:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="examples of the catalog (default: all)")
    parser.add_argument("--expr", help='a teacher\'s expression, e.g. "f = (x+y)*z"')
    parser.add_argument("--set", nargs="+", default=[], metavar="NAME=VALUE", help="its inputs' values")
    parser.add_argument(
        "--view", choices=("slide", "full", "frames"), default="slide", help="default: %(default)s"
    )
    parser.add_argument("--fit", help="slide view: the slides' shape (16:9); full view: fold to it")
    parser.add_argument("--slide", default=f"{SLIDE[0]}x{SLIDE[1]}", help="slide size in px: %(default)s")
    parser.add_argument("--all", action="store_true", help="list every overlap, not the first three")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in EXAMPLES]
    if unknown:
        parser.error(f"unknown example {unknown[0]!r}; choose from: {', '.join(EXAMPLES)}")
    try:
        slide = tuple(int(v) for v in args.slide.lower().split("x"))
        extra = [] if args.expr is None else [expression(args.expr, args.set)]
    except (ValueError, ParseError) as error:  # a bad --slide, --set or --expr
        parser.error(str(error))
    if len(slide) != 2 or min(slide) <= 0:
        parser.error(f"--slide {args.slide}: write WIDTHxHEIGHT in px, e.g. 1024x768")
    if extra:
        examples = [EXAMPLES[n] for n in args.names] + extra
    elif args.names:
        examples = [EXAMPLES[n] for n in args.names]
    else:
        examples = [*EXAMPLES.values(), from_expression(TEACHER[0], TEACHER[1], name="teacher")]
    started = time.perf_counter()
    rows = []
    for example in examples:
        for name, digraphs in pictures(example, args.view, args.fit):
            measure = measure_svg if args.view == "frames" else measure_digraph
            rows.append(Row(name, [measure(g, slide) for g in digraphs]))
    width = max(len(r.name) for r in rows)
    print(
        f"{args.view} view on a {slide[0]}×{slide[1]} slide; "
        f"bar: numbers ≥ {NUMBER_PX} px, text ≥ {TEXT_PX} px"
    )
    print(f"{'example':{width}}  parts  number px  text px  overlaps  crossings")
    for r in rows:
        sizes = f"{px(r.number_px):>9}  {px(r.text_px):>7}"
        counts = f"{len(r.overlaps):8}  {len(r.crossings):9}"
        print(f"{r.name:{width}}  {len(r.parts):5}  {sizes}  {counts}{'' if r.good else '  ✗'}")
    for r in rows:
        for found in (r.overlaps, r.crossings):
            for words in found if args.all else found[:3]:
                print(f"  {r.name}: {words}")
            if not args.all and len(found) > 3:
                print(f"  {r.name}: ... and {len(found) - 3} more (--all lists them)")
    bad = [r for r in rows if not r.good]
    print(
        f"{len(rows) - len(bad)} of {len(rows)} pictures meet the bar; smallest number "
        f"{px(min(r.number_px for r in rows))} px, smallest text {px(min(r.text_px for r in rows))} px; "
        f"{sum(len(r.parts) for r in rows)} pictures measured in {time.perf_counter() - started:.1f} s"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
