"""A graph too big for one slide, split into parts (see `slide_parts`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..value import Value
from .output import GraphvizNotFound
from .slide import SlideGraph, slide_graph
from .slide_draw import (
    MIN_NUMBER_PX,
    MIN_TEXT_PX,
    NUMBER_PT,
    TEXT_PT,
    depths,
    is_tall,
    layout_of,
    slide_digraph,
)

MARGIN = 0.02  # measured text may come out a little smaller than font size × scale: keep 2% in hand
MAX_PARTS = 40  # a bound on the work: past it the last parts are left as large as they are
MAX_ONE_LAYOUT = 160  # boxes: a bigger graph is split by stages before dot is asked to lay it out


def slide_size(ratio: float) -> tuple[int, int]:
    """A slide's size in px for a width:height ratio: 1920×1080 for 16:9, 1440×1080 for 4:3."""
    return (round(1080 * ratio), 1080) if ratio <= 16 / 9 else (1920, round(1920 / ratio))


def fits(graph: SlideGraph, ratio: float = 16 / 9, **options: object) -> tuple[bool, float]:
    """Whether `graph`'s picture placed on a slide of that ratio (1080 px high, or 1920 px wide) keeps
    numbers ≥ 20 px and other text ≥ 16 px; and its scale in px per pt. A part is measured with a
    title line, as `render_parts` draws it."""
    options.setdefault("title", graph.title)
    if "compact" not in options:
        options["compact"] = best_compact(graph, ratio, **options)
    scale = layout_of(slide_digraph(graph, **options)).scale(slide_size(ratio)) * (1 - MARGIN)
    return scale * NUMBER_PT >= MIN_NUMBER_PX and scale * TEXT_PT >= MIN_TEXT_PX, scale


def best_compact(graph: SlideGraph, ratio: float = 16 / 9, **options: object) -> bool:
    """Whether `graph` reads larger on a slide of `ratio` with each box's value and gradient on one line
    (compact) than stacked: both are laid out by dot and compared. Without dot, `is_tall` guesses."""
    options = {k: v for k, v in options.items() if k != "compact"}
    try:
        scales = [
            layout_of(slide_digraph(graph, compact=c, **options)).scale(slide_size(ratio))
            for c in (False, True)
        ]
    except GraphvizNotFound:
        return is_tall(graph, str(options.get("direction", "LR")))
    return scales[1] > scales[0]


def part(whole: SlideGraph, ids: Sequence[str], title: str | None) -> SlideGraph:
    """The boxes `ids` of `whole`, with the boxes that feed them (and that they feed) as context."""
    inside = set(ids)
    near = {a.tail for a in whole.arrows if a.head in inside} | {
        a.head for a in whole.arrows if a.tail in inside
    }
    context = near - inside
    keep = inside | context
    boxes = tuple(b for b in whole.boxes if b.id in keep)
    # Arrows between two context boxes belong to another part.
    arrows = tuple(
        a
        for a in whole.arrows
        if a.tail in keep and a.head in keep and (a.tail in inside or a.head in inside)
    )
    return SlideGraph(boxes, arrows, whole.root, frozenset(context), title or "part 99 of 99")


def _stages(whole: SlideGraph) -> list[list[str]]:
    """Boxes by stage along the main axis; a leaf goes with the first box that uses it."""
    stage = depths(whole)
    users: dict[str, list[str]] = {}
    for arrow in whole.arrows:
        users.setdefault(arrow.tail, []).append(arrow.head)
    place = {}
    for box in whole.boxes:
        leaf = box.node.op is None and box.id in users
        place[box.id] = min(stage[u] for u in users[box.id]) if leaf else stage[box.id]
    result: dict[int, list[str]] = {}
    for box in whole.boxes:
        result.setdefault(place[box.id], []).append(box.id)
    return [result[k] for k in sorted(result)]


def slide_parts(
    root: Value | SlideGraph,
    *,
    ratio: float = 16 / 9,
    digits: int = 4,
    roles: object = None,
    groups: object = None,
    direction: str = "LR",
) -> list[SlideGraph]:
    """`root`'s slide view as one part when its picture fits a slide of width:height `ratio` with
    numbers ≥ 20 px and other text ≥ 16 px (1920×1080 for 16:9); else split along the main axis into
    consecutive stages (layers), as few parts as fit, each repeating the boxes just before and after it
    as context (drawn muted). A stage too big on its own is cut across into runs of boxes in order.
    Parts are titled "part k of n". Raises RenderError when dot fails.
    """
    whole = (
        root if isinstance(root, SlideGraph) else slide_graph(root, digits=digits, roles=roles, groups=groups)
    )
    if len(whole.boxes) <= MAX_ONE_LAYOUT and fits(whole, ratio, direction=direction)[0]:
        return [replace(whole, compact=best_compact(whole, ratio, direction=direction))]
    stages = _stages(whole)
    chunks: list[list[str]] = []
    current: list[str] = []
    for stage in stages:  # greedily add stages while the part still fits
        trial = current + stage
        if current and not fits(part(whole, trial, None), ratio, direction=direction)[0]:
            chunks.append(current)
            current = list(stage)
        else:
            current = trial
        if len(chunks) >= MAX_PARTS:
            break
    if current:
        chunks.append(current)
    final: list[list[str]] = []
    for chunk in chunks:
        final.extend(_across(whole, chunk, ratio, direction))
    n = len(final)
    parts = [part(whole, ids, f"part {k} of {n}") for k, ids in enumerate(final, 1)]
    return [replace(p, compact=best_compact(p, ratio, direction=direction)) for p in parts]


def _across(whole: SlideGraph, ids: list[str], ratio: float, direction: str) -> list[list[str]]:
    """`ids` as one part if it fits, else halved (in order) until each half fits or is one box."""
    if len(ids) <= 1 or fits(part(whole, ids, None), ratio, direction=direction)[0]:
        return [ids]
    half = len(ids) // 2
    return _across(whole, ids[:half], ratio, direction) + _across(whole, ids[half:], ratio, direction)
