"""Where a worksheet's graph is printed, and in how many pieces, so that its text is never under MIN_PT.

A sheet prints its graph in the slide view (`worksheet.picture`). The picture's smallest text (its key,
TEXT_PT: 18 pt in the picture) is printed at MIN_PT or larger: the whole picture on page 1 under the
instructions when it is that large there; else whole on a landscape page of its own; else split as
the decks split a slide view (`autograd.render.slide_parts`: layer by layer, each part repeating the
boxes it joins on to, muted and dashed), one part a page. A part fits a slide with its text at 16 px
or more, which on a page of PAGE_PT prints it at 8 pt or more.

The sheet and its key are planned alike, on the key's picture (its blanks written with their answers,
"(3) 0.5932", are the wider), so that their pages match. Splitting lays a graph out dozens of times
(seconds for softmax-output): a class's sheets share one graph's split (`_SPLITS`), each student's
parts measured again before they are used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..render.output import RenderError
from ..render.slide import SlideGraph, slide_digraph, slide_graph, slide_parts
from ..render.slide_draw import PAD_PT, TEXT_PT, layout_of
from ..render.slide_parts import part
from ..text import DIGITS
from .blanks import node_of
from .worksheet import Worksheet, written

MIN_PT = 7.0  # the picture's smallest text (its key) is printed at least this size
PAGE_PT = (738.0, 525.0)  # where a picture page's picture goes: a landscape A4 page's text area (pt)
_SPLITS: dict[tuple, list[tuple[tuple[str, ...], bool]]] = {}  # a graph's shape → its parts' boxes
_KEPT_SPLITS = 16


@dataclass(frozen=True)
class Pictures:
    """How a sheet prints its graph: `graphs`, the whole slide view or its parts in order (each drawn by
    `worksheet.picture(sheet, part=graph)`); `first_page`, the one whole picture goes on page 1 under
    the instructions (else each graph has a landscape page of its own); `smallest_pt`, the size its
    smallest text is printed at (MIN_PT or more, unless the graph is too big to split)."""

    graphs: tuple[SlideGraph, ...]
    first_page: bool
    smallest_pt: float


def plan(sheet: Worksheet, room_pt: float, digits: int = DIGITS) -> Pictures:
    """Where `sheet`'s graph goes: on page 1 when a picture `room_pt` high and PAGE_PT[0] wide (what
    page 1 leaves under its text) prints its smallest text at MIN_PT or more; else on a page of its
    own, whole if it is as large there, else in parts (see the module's docstring). A graph too big
    to split (`slide_parts`'s TooBigToSplit, or splitting past its time) is printed whole on a page of
    its own, smaller. Raises RenderError or GraphvizNotFound where dot fails or is missing."""
    whole = key_graph(sheet, digits)
    first = _best(whole, (PAGE_PT[0], room_pt)) if room_pt > 0 else None
    if first is not None and first[0] * TEXT_PT >= MIN_PT:
        return Pictures((first[1],), True, first[0] * TEXT_PT)
    scale, shaped = _best(whole, PAGE_PT)
    if scale * TEXT_PT >= MIN_PT:
        return Pictures((shaped,), False, scale * TEXT_PT)
    try:
        parts = _split(whole)
    except RenderError:  # TooBigToSplit, or too long: printed whole, as large as one page allows
        return Pictures((shaped,), False, scale * TEXT_PT)
    return Pictures(tuple(parts), False, min(_scale(p, PAGE_PT) for p in parts) * TEXT_PT)


def key_graph(sheet: Worksheet, digits: int = DIGITS) -> SlideGraph:
    """`sheet`'s slide view with each blank's box written as the key writes it ("(3) 0.5932"): laid out
    by dot, it is as large as the key's picture, and the sheet's picture ("(3)") is no larger."""
    root = sheet.variant.root
    graph = slide_graph(root, digits=digits)
    texts = {(node_of(root, b), b.quantity): written(sheet, b, True, digits) for b in sheet.blanks}
    boxes = tuple(
        replace(
            box,
            value=texts.get((box.node, "value"), box.value),
            grad=texts.get((box.node, "gradient"), box.grad),
        )
        for box in graph.boxes
    )
    return replace(graph, boxes=boxes)


def _best(graph: SlideGraph, area: tuple[float, float]) -> tuple[float, SlideGraph]:
    """The scale `graph`'s picture prints at in `area` (pt), with its boxes' value and gradient stacked or
    side by side (compact), whichever prints larger; and the graph with that choice."""
    return max(
        ((_scale(shaped, area), shaped) for shaped in (replace(graph, compact=c) for c in (False, True))),
        key=lambda found: found[0],
    )


def _scale(graph: SlideGraph, area: tuple[float, float]) -> float:
    """How much `graph`'s picture (the key's, as `worksheet.picture` draws it: title, key, pad) is scaled
    to fit `area` (width, height in pt)."""
    layout = layout_of(slide_digraph(graph, title=graph.title, compact=graph.compact))
    return min(area[0] / (layout.width_pt + 2 * PAD_PT), area[1] / (layout.height_pt + 2 * PAD_PT))


def _split(whole: SlideGraph) -> list[SlideGraph]:
    """`whole` in parts that each print at MIN_PT or more on a picture page: the parts found for a graph
    of the same shape (another student's numbers) when each still does, else `slide_parts` anew."""
    shape = (
        tuple((b.id, b.name, b.role, b.op) for b in whole.boxes),
        tuple((a.tail, a.head) for a in whole.arrows),
    )
    if shape in _SPLITS:
        chunks = _SPLITS[shape]
        parts = [
            replace(part(whole, ids, f"part {k} of {len(chunks)}"), compact=compact)
            for k, (ids, compact) in enumerate(chunks, 1)
        ]
        if all(_scale(p, PAGE_PT) * TEXT_PT >= MIN_PT for p in parts):
            return parts
    parts = slide_parts(whole, ratio=PAGE_PT[0] / PAGE_PT[1])
    if len(_SPLITS) >= _KEPT_SPLITS:
        _SPLITS.clear()
    _SPLITS[shape] = [(tuple(b.id for b in p.boxes if b.id not in p.context), bool(p.compact)) for p in parts]
    return parts
