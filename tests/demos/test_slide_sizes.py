"""Every slide picture reads from the back row (issue 24, "Measured").

Each picture of the slide view (each part, when a graph is split over slides) is placed on a
1920×1080 slide, scaled to fit with its aspect kept, and measured by autograd.render.measure: every
number at least 20 px, every other text at least 16 px, no label over a box or another label. Over the
whole catalog, a teacher's expression and random expressions; and the backward and forward frames, as
`chainrule render --steps` and the tour draw them (one frame per part of the slide view: see
`frame_layouts`).
"""

import re
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, assume, given, settings

from autograd import DomainError, Value
from autograd.graph import topological_order
from autograd.render import backward_frames, forward_frames
from autograd.render.measure import SLIDE, SlideMeasure, measure_digraph
from autograd.render.slide import slide_digraph, slide_parts
from demos.cli.render import MAX_FRAME_NODES
from demos.examples.catalog import EXAMPLES
from demos.examples.user import from_expression
from tests.support.strategies import program_output, programs

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")

NUMBER_PX, TEXT_PX = 20, 16


def measured(root: Value, roles: dict | None = None) -> list[SlideMeasure]:
    """Each slide picture of `root` (one per part, titled as `render_parts` titles them), measured."""
    parts = slide_parts(root, roles=roles)
    assert parts, f"no slide for {root.describe()}"
    return [measure_digraph(slide_digraph(part, title=part.title), SLIDE) for part in parts]


def problems(measures: list[SlideMeasure]) -> list[str]:
    """What keeps the pictures from reading on a slide, in words: the smallest texts, the overlaps."""
    found = []
    for k, m in enumerate(measures, 1):
        where = f"picture {k} of {len(measures)}"
        number, other = m.smallest(number=True), m.smallest(number=False)
        if number is not None and number.px < NUMBER_PX:
            found.append(f"{where}: number {number.text!r} ({number.owner}) is {number.px:.1f} px")
        if other is not None and other.px < TEXT_PX:
            found.append(f"{where}: text {other.text!r} ({other.owner}) is {other.px:.1f} px")
        found += [f"{where}: {overlap}" for overlap in m.overlaps]
    return found


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_slide_of_the_catalog_reads_on_a_1920x1080_slide(name):
    example = EXAMPLES[name]
    graph = example.build()
    for root in graph.outputs:
        assert problems(measured(root, example.node_roles())) == [], f"{name}: {root.label}"


def frame_layouts(sources: list[str]) -> list[str]:
    """One frame per layout: the last frame drawn on each part of the slide view.

    The frames of one part share one layout (the caption's box is the largest caption's), and a frame
    only hides or shows texts in place, so the last frame on a part, which shows the most, has every
    size and every overlap any of them has; measuring it spares Graphviz a run per frame."""
    last: dict[frozenset, str] = {}
    for source in sources:
        boxes = frozenset(re.findall(r"^\s*(n\d+) \[", source, re.MULTILINE))
        last[boxes] = source
    return list(last.values())


@pytest.mark.parametrize("name", list(EXAMPLES))
@pytest.mark.parametrize("frames", [backward_frames, forward_frames])
def test_every_frame_of_the_catalog_reads_on_a_1920x1080_slide(name, frames):
    example = EXAMPLES[name]
    graph = example.build()
    options: dict = {"format": "dot", "gif": False, "roles": example.node_roles()}
    if graph.upstream != 1.0 and frames is backward_frames:  # a gate inside a bigger graph, as the tour
        options |= {"upstream": graph.upstream, "loss": "L"}
    for root in graph.outputs:
        if len(topological_order(root)) > MAX_FRAME_NODES or root.op is None:  # the tour draws none
            continue
        with tempfile.TemporaryDirectory() as folder:
            sources = [path.read_text("utf-8") for path in frames(root, folder, **options).paths]
        measures = [measure_digraph(source, SLIDE) for source in frame_layouts(sources)]
        assert problems(measures) == [], f"{name}: {root.label}'s {frames.__name__}"


def test_a_teachers_expression_reads_on_a_slide():
    example = from_expression("f = (x + y) * z", {"x": -2.0, "y": 5.0, "z": -4.0})
    (root,) = example.build().outputs
    assert problems(measured(root)) == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_steps=6))
def test_random_expressions_read_on_a_slide(program):
    leaves = [Value(x, f"x{i}") for i, x in enumerate(program.inputs)]
    try:
        out = program_output(program, *leaves)
    except DomainError:  # exp of a large intermediate, say: not what this test is about
        assume(False)
    out.label = "f"
    out.backward()
    assert problems(measured(out)) == []
