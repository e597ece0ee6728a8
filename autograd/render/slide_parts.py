"""A graph too big for one slide, split into parts (see `slide_parts`)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from ..text import DIGITS
from ..value import Value
from .output import GraphvizNotFound, RenderError
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
from .slide_model import SlideGraph, slide_graph

MARGIN = 0.02  # measured text may come out a little smaller than font size × scale: keep 2% in hand
FAN_OUT = 4  # a box feeding more boxes outside its part does not repeat them all as context
MAX_ONE_LAYOUT = 160  # boxes: a bigger graph is split by stages before dot is asked to lay it out
# Boxes: a bigger slide view is not split (it would be dozens of slides, each part found by layouts):
# refused at once. A 2-16-16-1 MLP (406 boxes) made 107 parts; a 600-step chain ran into PARTS_SECONDS.
MAX_SPLIT_BOXES = 200
PARTS_SECONDS = 30.0  # splitting a graph into slides answers within this or says why


class TooBigToSplit(RenderError):
    """A slide view with more boxes than MAX_SPLIT_BOXES: split into slides, it would be dozens of them."""


def slide_size(ratio: float) -> tuple[int, int]:
    """A slide's size in px for a width:height ratio: 1920×1080 for 16:9, 1440×1080 for 4:3."""
    return (round(1080 * ratio), 1080) if ratio <= 16 / 9 else (1920, round(1920 / ratio))


def fits(
    graph: SlideGraph, ratio: float = 16 / 9, reserve: float = 0.0, **options: object
) -> tuple[bool, float]:
    """Whether `graph`'s picture placed on a slide of that ratio (1080 px high, or 1920 px wide) keeps
    numbers ≥ 20 px and other text ≥ 16 px; and its scale in px per pt. A part is measured with a
    title line, as `render_parts` draws it; `reserve` points more are kept free below the picture (a
    frame's caption). The box shape (compact or not) is the one that reads larger, unless told."""
    options.setdefault("title", graph.title)
    if "compact" in options:
        scale = _scale(graph, ratio, reserve, **options)
    else:
        scale = max(_scale(graph, ratio, reserve, compact=c, **options) for c in (False, True))
    scale *= 1 - MARGIN
    return scale * NUMBER_PT >= MIN_NUMBER_PX and scale * TEXT_PT >= MIN_TEXT_PX, scale


def _scale(graph: SlideGraph, ratio: float, reserve: float, **options: object) -> float:
    layout = layout_of(slide_digraph(graph, **options))
    if reserve:
        layout = replace(layout, height_pt=layout.height_pt + reserve)
    return layout.scale(slide_size(ratio))


A4_PT = (842, 595)  # an A4 page, landscape, in points: a picture too small for a slide may still print
MIN_PRINT_PT = 6.0  # text printed smaller than this is not read


def legible_whole(graph: SlideGraph, ratio: float = 16 / 9, **options: object) -> bool:
    """Whether `graph` drawn whole in one picture (options as for `slide_digraph`) can be read: its text
    at the slide sizes (numbers ≥ 20 px, other text ≥ 16 px) on a slide of `ratio`, or its text at
    least MIN_PRINT_PT on an A4 page (either way up). The box shape that reads larger is measured.

    Raises RenderError when dot fails, GraphvizNotFound without it.
    """
    options = {k: v for k, v in options.items() if k != "compact"}
    layouts = [layout_of(slide_digraph(graph, compact=c, **options)) for c in (False, True)]
    on_slide = max(layout.scale(slide_size(ratio)) for layout in layouts) * (1 - MARGIN)
    if on_slide * NUMBER_PT >= MIN_NUMBER_PX and on_slide * TEXT_PT >= MIN_TEXT_PX:
        return True
    on_page = max(layout.scale(page) for layout in layouts for page in (A4_PT, A4_PT[::-1]))
    return on_page * TEXT_PT >= MIN_PRINT_PT


def best_compact(graph: SlideGraph, ratio: float = 16 / 9, **options: object) -> bool:
    """Whether `graph` reads larger on a slide of `ratio` with each box's value and gradient on one line
    (compact) than stacked: both are laid out by dot and compared. Without dot, `is_tall` guesses."""
    options = {k: v for k, v in options.items() if k != "compact"}
    try:
        scales = [_scale(graph, ratio, 0.0, compact=c, **options) for c in (False, True)]
    except GraphvizNotFound:
        return is_tall(graph, str(options.get("direction", "LR")))
    return scales[1] > scales[0]


def part(whole: SlideGraph, ids: Sequence[str], title: str | None, users: bool = False) -> SlideGraph:
    """The boxes `ids` of `whole` with their boundary as context (drawn muted): the boxes that feed
    them, and the boxes that their computed boxes feed (where the part's results go), unless a box
    feeds more than FAN_OUT boxes outside (a hidden unit feeding a whole layer: the next part shows
    them). A leaf of the part used elsewhere too brings no context (its other users belong to other
    parts), unless none of its users is in the part (a neuron's inputs split over parts: the leaves
    then point at their box) or `users` is set: then every user of every box is there (a frame's
    backward step sums over all of them)."""
    inside = set(ids)
    outward: dict[str, set[str]] = {}
    for a in whole.arrows:
        if a.tail in inside and a.head not in inside:
            outward.setdefault(a.tail, set()).add(a.head)
    computed = {a.head for a in whole.arrows}
    fed = {a.tail for a in whole.arrows if a.head in inside}
    pointing = {
        tail
        for tail, heads in outward.items()
        if users or (tail in computed and len(heads) <= FAN_OUT) or (tail not in computed and tail not in fed)
    }
    before = {a.tail for a in whole.arrows if a.head in inside}
    after = {head for tail in pointing for head in outward[tail]}
    context = (before | after) - inside
    keep = inside | context
    boxes = tuple(b for b in whole.boxes if b.id in keep)
    mine = {a for a in whole.arrows if a.head in inside or a.tail in pointing}
    arrows = tuple(a for a in whole.arrows if a in mine and a.tail in keep and a.head in keep)
    return SlideGraph(boxes, arrows, whole.root, frozenset(context), title or "part 99 of 99")


def layers(whole: SlideGraph) -> list[list[list[str]]]:
    """`whole`'s boxes as a lesson takes them: layers, each a list of units, in forward order.

    A net box is a box fed by a parameter (a neuron's Σ w·x + b). A box's layer counts the net boxes on
    its deepest path from the inputs (the activation after a net is in the net's layer, a loss after the
    last layer in that layer); a leaf goes with its first user. In a layer each net box makes a unit
    (a neuron: its net box, its own leaves, the boxes computed from it alone, such as its activation),
    in forward order; the other boxes of the layer (those that mix neurons, such as a softmax's Σ or a
    loss) follow as one unit per stage. A graph without parameters is one layer of stages.
    """
    tails: dict[str, list[str]] = {}
    users: dict[str, list[str]] = {}
    for arrow in whole.arrows:
        tails.setdefault(arrow.head, []).append(arrow.tail)
        users.setdefault(arrow.tail, []).append(arrow.head)
    by_id = {box.id: box for box in whole.boxes}
    net = {
        box.id
        for box in whole.boxes
        if any(by_id[t].role == "parameter" and t not in tails for t in tails.get(box.id, []))
    }
    layer: dict[str, int] = {}
    for box in whole.boxes:  # forward order: inputs first
        if box.id in tails:
            inner = [layer[t] for t in tails[box.id] if t in tails]
            layer[box.id] = max(inner, default=0) + (box.id in net)
    order = {box.id: k for k, box in enumerate(whole.boxes)}
    for box in whole.boxes:
        if box.id not in tails:  # a leaf: with its first user
            first = min(users.get(box.id, [box.id]), key=lambda u: (layer.get(u, 0), order[u]))
            layer[box.id] = layer.get(first, 0)
    neuron: dict[str, str] = {}
    for box in whole.boxes:
        if box.id in net:
            neuron[box.id] = box.id
        elif box.id in tails:
            mine = {neuron.get(t) for t in tails[box.id] if t in tails and layer[t] == layer[box.id]}
            if len(mine) == 1 and None not in mine:
                neuron[box.id] = mine.pop()
    stage = depths(whole)
    for box in whole.boxes:  # a leaf: in the unit of its first user in its layer
        if box.id not in tails:
            same = [u for u in users.get(box.id, []) if layer[u] == layer[box.id]]
            first = min(same, key=order.__getitem__) if same else None
            if first is not None and first in neuron:
                neuron[box.id] = neuron[first]
            elif first is not None:
                stage[box.id] = stage[first]
    result = []
    for k in sorted(set(layer.values())):
        units: dict[tuple, list[str]] = {}
        for box in whole.boxes:
            if layer[box.id] == k:
                where = (0, order[neuron[box.id]]) if box.id in neuron else (1, stage[box.id])
                units.setdefault(where, []).append(box.id)
        result.append([units[w] for w in sorted(units)])
    return result


def slide_parts(
    root: Value | SlideGraph,
    *,
    ratio: float = 16 / 9,
    digits: int = DIGITS,
    roles: object = None,
    groups: object = None,
    direction: str = "LR",
    reserve: float = 0.0,
    users: bool = False,
) -> list[SlideGraph]:
    """`root`'s slide view as one part when its picture fits a slide of width:height `ratio` with
    numbers ≥ 20 px and other text ≥ 16 px (1920×1080 for 16:9); else split as a lesson goes, layer by
    layer (see `layers`), as few parts as fit: consecutive layers share a part while it fits; a layer
    too big for one is split by neurons (its units, packed in order), and the last of those may share
    a part with the next layer. Each part repeats its boundary boxes as context (drawn muted, see
    `part`). A unit too big on its own is cut into runs of boxes in order. `reserve` points are kept
    free below each picture (a frame's caption); `users` as for `part`. Parts are titled "part k of
    n". Raises RenderError when dot fails, when splitting takes longer than PARTS_SECONDS, or at once
    (TooBigToSplit) for a slide view of more than MAX_SPLIT_BOXES boxes.
    """
    whole = (
        root if isinstance(root, SlideGraph) else slide_graph(root, digits=digits, roles=roles, groups=groups)
    )
    if len(whole.boxes) > MAX_SPLIT_BOXES:
        raise TooBigToSplit(
            f"the slide view of {len(whole.boxes)} boxes is too big to split into slides (at most "
            f"{MAX_SPLIT_BOXES}); draw it with view 'collapsed' or 'network' (one picture), or draw a "
            "smaller graph"
        )

    start = time.monotonic()

    def ok(ids: list[str]) -> bool:
        if time.monotonic() - start > PARTS_SECONDS:
            raise RenderError(
                f"splitting the slide view of {len(whole.boxes)} boxes into slides took over "
                f"{PARTS_SECONDS:g} s and was stopped; draw it with view 'collapsed' or 'network' "
                "(one picture), or draw a smaller graph"
            )
        return fits(part(whole, ids, None, users), ratio, reserve, direction=direction)[0]

    if len(whole.boxes) <= MAX_ONE_LAYOUT and fits(whole, ratio, reserve, direction=direction)[0]:
        return [replace(whole, compact=best_compact(whole, ratio, direction=direction))]
    chunks: list[list[str]] = []
    current: list[str] = []
    for unit in (unit for units in layers(whole) for unit in units):  # in order: as many as fit
        if current and len(current) + len(unit) <= MAX_ONE_LAYOUT and ok(current + unit):
            current += unit
            continue
        if current:
            chunks.append(current)
        *whole_runs, current = _across(list(unit), ok)
        chunks.extend(whole_runs)
    if current:
        chunks.append(current)
    n = len(chunks)
    parts = [part(whole, ids, f"part {k} of {n}", users) for k, ids in enumerate(chunks, 1)]
    return [replace(p, compact=best_compact(p, ratio, direction=direction)) for p in parts]


def _across(ids: list[str], ok) -> list[list[str]]:
    """`ids` as one run if it fits, else halved (in order) until each half fits or is one box."""
    if len(ids) <= 1 or ok(ids):
        return [ids]
    half = len(ids) // 2
    return _across(ids[:half], ok) + _across(ids[half:], ok)
