"""Every slide picture reads from the back row (issue 24, "Measured").

Each picture of the slide view (each part, when a graph is split over slides) is placed on a
1920×1080 slide, scaled to fit with its aspect kept, and measured by autograd.render.measure: every
number at least 20 px, every other text at least 16 px, no label over a box or another label. Over the
whole catalog, a teacher's expression and random expressions; and each backward frame, as
`chainrule render --steps` and the tour draw them.
"""

import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, assume, given, settings

from autograd import DomainError, Value
from autograd.graph import topological_order
from autograd.render import backward_frames
from autograd.render.measure import SLIDE, SlideMeasure, measure_digraph, measure_svg
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


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_backward_frame_of_the_catalog_reads_on_a_1920x1080_slide(name):
    example = EXAMPLES[name]
    graph = example.build()
    options: dict = {"format": "svg", "gif": False, "roles": example.node_roles()}
    if graph.upstream != 1.0:  # a gate inside a bigger graph, as the tour draws it
        options |= {"upstream": graph.upstream, "loss": "L"}
    for root in graph.outputs:
        if len(topological_order(root)) > MAX_FRAME_NODES:  # the tour draws no frames for these
            continue
        with tempfile.TemporaryDirectory() as folder:
            paths = backward_frames(root, folder, **options).paths
            frames = [measure_svg(path.read_bytes(), SLIDE) for path in paths]
        assert problems(frames) == [], f"{name}: {root.label}'s frames"


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
