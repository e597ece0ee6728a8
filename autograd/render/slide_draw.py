"""Drawing a `SlideGraph` (see `autograd.render.slide`) with Graphviz, and reading its layout back.

Sizes are chosen for a 16:9 slide of 1920×1080 px: a picture W pt wide shown full width on it is
scaled by 1920/W px per pt, so with numbers at NUMBER_PT and other text at least TEXT_PT the picture
keeps numbers ≥ 20 px and text ≥ 16 px while it is at most 2112×1188 pt (see `slide_parts`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

import graphviz

from ..text import html_text, picture_text
from .output import run_dot
from .slide_model import Box, SlideGraph, natural_key
from .style import FONT, GRAD, HIGHLIGHT, LOCAL, MARKS, MUTED, PALETTE, ROLE_NAMES, font, safe_attr

NUMBER_PT = 22  # values, gradients, local gradients
LABEL_PT = 22  # a box's label (bold)
TEXT_PT = 18  # the key, an unlabelled box's expression, a title
MARK_PT = 26  # the operation mark
SLIDE_PX = (1920, 1080)
PAD_PT = 10.8  # the picture's margin (Graphviz's pad, 0.15 in) around the layout, each side
MIN_NUMBER_PX, MIN_TEXT_PX = 20, 16
CONTEXT_FILL = "#f3f4f6"
_SWATCH = ("■", "□")  # filled, and open for intermediate boxes
MAX_NAME_CHARS = 30  # a longer expression is shortened in a box (the tooltip has it whole)


@dataclass
class SlidePictureState:
    """What one picture shows (everything, for `slide_digraph`; a part of it, for a frame)."""

    values_shown: set[str] | None = None  # box ids; None: every value
    grads_shown: set[str] | None = None
    arrows_shown: set[str] | None = None  # head box ids whose incoming arrows show their labels
    current: str | None = None  # the box outlined as the current step
    hot: set[tuple[str, str]] = field(default_factory=set)  # (tail, head) arrows drawn bold
    hot_color: str = GRAD
    highlight: set[str] = field(default_factory=set)
    caption: tuple[str, str] | None = None  # (heading, text)
    caption_size: tuple[float, float] | None = None
    # text written instead of a box's value or gradient, by box id (a worksheet's blanks: "(3)")
    value_text: dict[str, str] = field(default_factory=dict)
    grad_text: dict[str, str] = field(default_factory=dict)
    arrow_key: bool = True  # the key says what the arrows' numbers are (False: a picture without them)


def mark(symbol: str) -> str:
    """The mark drawn for an operation symbol (× for the product's ·)."""
    return MARKS.get(symbol, symbol)


def _text(text: str, color: str | None = None, size: int = NUMBER_PT, bold: bool = False) -> str:
    return font(html_text(text), color, size, bold)


def box_label(box: Box, context: bool, look: SlidePictureState, direction: str, compact: bool = False) -> str:
    """A box's HTML label: operation mark, name (bold), value (black), gradient (red); `compact` puts
    the value and the gradient side by side on one line (a lower box, for a tall graph)."""
    derived = box.node.label is None or box.node.label == ""
    name = picture_text(box.name, MAX_NAME_CHARS)
    ink = MUTED if context else None
    rows = [_text(name, MUTED if derived else ink, TEXT_PT + 2 if derived else LABEL_PT, not derived)]
    hidden = "transparent"
    if box.id in look.value_text:
        rows.append(_text(look.value_text[box.id], ink))
    elif box.value is not None:
        shown = look.values_shown is None or box.id in look.values_shown
        rows.append(_text(box.value, ink if shown else hidden))
    if box.id in look.grad_text:
        rows.append(_text(look.grad_text[box.id], MUTED if context else GRAD))
    elif box.grad is not None:
        shown = look.grads_shown is None or box.id in look.grads_shown
        rows.append(_text(box.grad, (MUTED if context else GRAD) if shown else hidden))
    if compact and len(rows) == 3:
        rows[1:] = [f"{rows[1]}  {rows[2]}"]
    cells = [f"<TD>{row}</TD>" for row in rows]
    if box.op is not None:
        border = PALETTE[box.role][1]
        symbol = _text(mark(box.op), border, MARK_PT if len(box.op) == 1 else TEXT_PT + 2, bold=True)
        if direction in ("LR", "RL"):
            side = "R" if direction == "LR" else "L"
            cell = f'<TD ROWSPAN="{len(cells)}" SIDES="{side}" BORDER="1" COLOR="{border}">{symbol}</TD>'
            cells[0] = cell + cells[0] if direction == "LR" else cells[0] + cell
        else:
            side = "B" if direction == "TB" else "T"
            cell = f'<TD SIDES="{side}" BORDER="1" COLOR="{border}">{symbol}</TD>'
            cells.insert(0 if direction == "TB" else len(cells), cell)
    body = "".join(f"<TR>{c}</TR>" for c in cells)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{body}</TABLE>>'


def _tooltip(box: Box, root_name: str) -> str:
    lines = [f"{box.name} = {box.formula}" if box.formula and box.formula != box.name else box.name]
    if box.value is not None:
        lines.append(f"value {box.value}")
    if box.grad is not None:
        lines.append(f"∂{root_name}/∂{box.name} = {box.grad}")
    return safe_attr("\n".join(lines)[:600])


def depths(graph: SlideGraph) -> dict[str, int]:
    """Each box's stage: 0 for a leaf, else one more than its deepest input box."""
    tails: dict[str, list[str]] = {}
    for arrow in graph.arrows:
        tails.setdefault(arrow.head, []).append(arrow.tail)
    result: dict[str, int] = {}
    for box in graph.boxes:  # forward order: inputs first
        result[box.id] = 1 + max((result.get(t, 0) for t in tails.get(box.id, [])), default=-1)
    return result


def is_tall(graph: SlideGraph, direction: str = "LR") -> bool:
    """Whether the picture would be taller than a 16:9 slide: its fullest stage of boxes, stacked,
    against its stages side by side (a box is about 90 pt high and, with its arrows, 220 pt wide)."""
    stage = depths(graph)
    users = {a.tail for a in graph.arrows}
    count: dict[int, int] = {}
    for box in graph.boxes:  # a leaf sits in the stage before its user's
        place = stage[box.id] if box.node.op is not None or box.id not in users else -1
        count[place] = count.get(place, 0) + 1
    along, across = len(count) * 220, max(count.values()) * 90
    if direction in ("TB", "BT"):
        along, across = across * 2, along / 2
    return across * 16 / 9 > along


def stem(label: str) -> str:
    """A label with its numbers taken out (h1_2 -> h#_#): boxes of one row, or leaves of one kind."""
    return re.sub(r"\d+", "#", label)


def ranks(graph: SlideGraph) -> dict[str, int]:
    """Each box's rank along the main axis: a box with inputs one past its deepest input (a box without
    inputs counting 0); a box without inputs in this picture (a leaf, or a context box repeated from
    another part) one before its first user, so that it sits beside the box that uses it."""
    tails: dict[str, list[str]] = {}
    users: dict[str, list[str]] = {}
    for arrow in graph.arrows:
        tails.setdefault(arrow.head, []).append(arrow.tail)
        users.setdefault(arrow.tail, []).append(arrow.head)
    depth: dict[str, int] = {}
    for box in graph.boxes:  # forward order: inputs first
        depth[box.id] = 1 + max((depth[t] for t in tails[box.id]), default=0) if box.id in tails else 0
    return {
        box.id: depth[box.id]
        if box.id in tails or box.id not in users
        else max(0, min(depth[u] for u in users[box.id]) - 1)
        for box in graph.boxes
    }


def rank_orders(graph: SlideGraph) -> list[list[str]]:
    """The boxes of each rank (see `ranks`) in the order they are drawn across the main axis (top to
    bottom for LR), ranks from the first to the last.

    Ranks are ordered from the output back: a box goes at the mean place of its users in the next ranks
    (its barycentre), so a leaf sits beside the box that uses it; ties keep the order in which the user's
    formula names them (w·x + b: weights, then bias). Two kinds of boxes are then put in natural order of
    their labels on the places their kind holds: a row of computed boxes (h1_1, h1_2, h1_3: one stem at
    one rank), and the leaves of one stem with the same users (W1_11, W1_12, W1_13 of a1_1; x_1, x_2).
    """
    rank = ranks(graph)
    by_id = {box.id: box for box in graph.boxes}
    users: dict[str, list[str]] = {}
    for arrow in graph.arrows:
        users.setdefault(arrow.tail, []).append(arrow.head)
    tailed = {arrow.head for arrow in graph.arrows}
    place: dict[str, float] = {}
    result: dict[int, list[str]] = {}
    for r in sorted(set(rank.values()), reverse=True):
        ids = [box.id for box in graph.boxes if rank[box.id] == r]
        key: dict[str, tuple] = {}
        for k, box_id in enumerate(ids):
            later = [u for u in users.get(box_id, []) if u in place]
            centre = sum(place[u] for u in later) / len(later) if later else 0.5
            first = by_id[min(later, key=lambda u: place[u])] if later else None
            named = first.formula.find(by_id[box_id].name) if first is not None else -1
            key[box_id] = (round(centre, 9), box_id not in tailed, named if named >= 0 else 10**6, k)
        ids.sort(key=key.__getitem__)
        kinds: dict[tuple, list[str]] = {}
        for box_id in ids:
            box = by_id[box_id]
            label = box.node.label or ""
            if not label or box.node is graph.root:
                continue
            if box_id in tailed:  # a row of computed boxes
                kinds.setdefault(("row", stem(label)), []).append(box_id)
            else:
                kinds.setdefault(("leaf", stem(label), frozenset(users.get(box_id, []))), []).append(box_id)
        for members in kinds.values():
            if len(members) > 1:  # the same places, in natural order
                slots = sorted(ids.index(m) for m in members)
                ordered = sorted(members, key=lambda m: natural_key(by_id[m].node.label or ""))
                for slot, member in zip(slots, ordered):
                    ids[slot] = member
        for k, box_id in enumerate(ids):
            place[box_id] = (k + 0.5) / len(ids)
        result[r] = ids
    return [result[r] for r in sorted(result)]


def slide_digraph(
    graph: SlideGraph,
    *,
    direction: str = "LR",
    title: str | None = None,
    legend: bool = True,
    tooltips: bool = False,
    look: SlidePictureState | None = None,
    compact: bool | None = None,
    formulas: bool = False,
) -> graphviz.Digraph:
    """The picture of `graph`: boxes in the roles' colours, arrows labelled with local gradients, a key.

    `formulas=True` writes an arrow's rule-table formula before its number (`o1·(1 − o1) = 0.1868`); a
    fused box's arrows have no one formula and keep their number.

    Boxes of `graph.context` (repeated from a neighbouring part) are drawn muted. `look` shows a part of
    the picture (frames); `title` goes above the key. `compact` writes a box's value and gradient on one
    line; None (the default) does so when the graph is tall rather than long (see `is_tall`). Raises
    ValueError for a bad direction.
    """
    if direction not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"direction must be 'LR', 'TB', 'RL' or 'BT', got {direction!r}")
    look = look or SlidePictureState()
    g = graphviz.Digraph("chainrule")
    g.attr(
        rankdir=direction, fontname=FONT, nodesep="0.18", ranksep="0.3", bgcolor="white",
        pad=f"{PAD_PT / 72:g}", newrank="true", labelloc="b", labeljust="l", forcelabels="true",
    )  # fmt: skip
    g.attr("node", fontname=FONT, shape="box", style="rounded,filled", margin="0.06,0.03")
    g.attr("edge", fontname=FONT, fontsize=str(NUMBER_PT), color="#4b5563", arrowsize="0.8", penwidth="1.3")
    # a part without the output's box still names the output in its key (∂f/∂node, not a stray ∂L)
    root_name = graph.box(_root_id(graph)).name if _root_id(graph) else (graph.root.label or "L")
    if compact is None:
        compact = graph.compact if graph.compact is not None else is_tall(graph, direction)
    for box in sorted(graph.boxes, key=lambda b: natural_key(b.name)):
        context = box.id in graph.context
        fill, border = PALETTE[box.role]
        attrs = {
            "label": box_label(box, context, look, direction, compact),
            "fillcolor": CONTEXT_FILL if context else fill,
        }
        attrs |= {"color": border, "penwidth": "1.5", "id": box.id}
        if context:
            attrs |= {"style": "rounded,filled,dashed", "color": MUTED}
        if box.id == look.current or box.id in look.highlight:
            attrs |= {"color": HIGHLIGHT, "penwidth": "5"}
        if tooltips:
            attrs["tooltip"] = _tooltip(box, root_name)
        g.node(box.id, **attrs)
    for ids in rank_orders(graph):  # every rank's boxes in a fixed order: rows and leaves in index order
        _in_order(g, ids, direction)
    for arrow in graph.arrows:
        shown = look.arrows_shown is None or arrow.head in look.arrows_shown
        text = (
            f"{arrow.rule} = {arrow.local}"
            if formulas and arrow.rule not in ("", arrow.local)
            else arrow.local
        )
        attrs = {"label": f"<{_text(picture_text(text), LOCAL if shown else 'transparent')}>"}
        if (arrow.tail, arrow.head) in look.hot:
            attrs |= {"color": look.hot_color, "penwidth": "3.5"}
        if arrow.tail in graph.context or arrow.head in graph.context:
            attrs.setdefault("color", "#9ca3af")
        g.edge(arrow.tail, arrow.head, **attrs)
    label = _key(graph, root_name, title, legend, look)
    if label:
        g.attr(label=label)
    return g


def _root_id(graph: SlideGraph) -> str | None:
    return next((b.id for b in graph.boxes if b.node is graph.root), None)


def _in_order(g: graphviz.Digraph, ids: Iterable[str], direction: str) -> None:
    ids = list(ids)
    with g.subgraph() as same:
        same.attr(rank="same")
        for node_id in ids:
            same.node(node_id)
    for a, b in pairwise(ids):  # an invisible flat edge fixes the order: first on top (LR), first left (TB)
        g.edge(a, b, style="invis")


def caption_html(heading: str, text: str) -> str:
    """A frame's caption on the slide view: a heading over the step's text (its lines broken where it
    has newlines), both readable on a slide."""
    lines = "<BR/>".join(_text(line, None, TEXT_PT + 4) for line in text.split("\n"))
    return f"{_text(heading, MUTED, TEXT_PT)}<BR/>{lines}"


def _key(graph: SlideGraph, root_name: str, title: str | None, legend: bool, look: SlidePictureState) -> str:
    rows = []
    if look.caption is not None:
        heading, text = look.caption
        size = ""
        if look.caption_size is not None:
            size = f' WIDTH="{look.caption_size[0]:.0f}" HEIGHT="{look.caption_size[1]:.0f}"'
        rows.append(f'<TD ALIGN="LEFT" BALIGN="LEFT"{size}>{caption_html(heading, text)}</TD>')
    elif title:
        rows.append(f'<TD ALIGN="LEFT">{_text(title, None, TEXT_PT + 4, bold=True)}</TD>')
    if legend:
        roles = [r for r in PALETTE if any(b.role == r for b in graph.boxes)]
        marks = "   ".join(
            f"{_text(_SWATCH[r == 'intermediate'], PALETTE[r][1], TEXT_PT + 4)} "
            f"{_text(ROLE_NAMES[r], None, TEXT_PT)}"
            for r in roles
        )
        numbers = (
            f"{_text('label', None, TEXT_PT, bold=True)} {_text('/ value /', None, TEXT_PT)} "
            f"{_text(f'∂{picture_text(root_name, 12)}/∂node', GRAD, TEXT_PT)}"
        )
        if look.arrow_key:
            numbers += f"   {_text('arrows: local gradient ∂head/∂tail', LOCAL, TEXT_PT)}"
        rows.append(f'<TD ALIGN="LEFT">{marks}</TD>')
        rows.append(f'<TD ALIGN="LEFT">{numbers}</TD>')
    if not rows:
        return ""
    body = "".join(f"<TR>{r}</TR>" for r in rows)
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="3">{body}</TABLE>>'


@dataclass(frozen=True)
class Layout:
    """Where dot put a slide picture, in points with the origin top left (read from `dot -Tjson`)."""

    width_pt: float
    height_pt: float
    boxes: dict[str, tuple[float, float, float, float]]  # id -> (x, y, w, h), top-left corner
    arrows: list[tuple[str, str, list[tuple[float, float]], tuple[float, float] | None]]
    # (tail, head, the spline's points, the label's centre or None)

    def scale(self, slide: tuple[int, int] = SLIDE_PX) -> float:
        """Pixels per point when the picture is scaled to fit a slide of `slide` px (aspect kept)."""
        return min(slide[0] / (self.width_pt + 2 * PAD_PT), slide[1] / (self.height_pt + 2 * PAD_PT))


LAYOUT_SECONDS = 20.0  # one slide layout; a graph dot needs longer for is far too big for a slide


@functools.lru_cache(maxsize=256)
def _dot_json(source: str) -> bytes:
    # dot is what a slide view costs, and one picture is laid out again and again: to split it into
    # parts, for its frames, for each deck format and picture format. The layout is a function of the
    # DOT text alone, so it is kept for the text.
    return run_dot(source, "json", timeout=LAYOUT_SECONDS)


def layout_of(digraph: graphviz.Digraph) -> Layout:
    """The layout of a slide picture drawn by `slide_digraph`. Raises RenderError if dot fails."""
    data = json.loads(_dot_json(digraph.source))
    x0, y0, x1, y1 = (float(v) for v in data["bb"].split(","))
    height = y1 - y0
    names = {}
    boxes = {}
    for obj in data.get("objects", []):
        names[obj["_gvid"]] = obj["name"]
        if "pos" in obj and "width" in obj:
            x, y = (float(v) for v in obj["pos"].split(","))
            w, h = float(obj["width"]) * 72, float(obj["height"]) * 72
            boxes[obj["name"]] = (x - w / 2 - x0, height - (y - y0) - h / 2, w, h)
    arrows = []
    for edge in data.get("edges", []):
        if edge.get("style") == "invis":
            continue
        points = [
            (float(x) - x0, height - (float(y) - y0))
            for part in edge.get("pos", "").split()
            for x, y in [part.removeprefix("e,").removeprefix("s,").split(",")[:2]]
        ]
        label = None
        if "lp" in edge:
            lx, ly = (float(v) for v in edge["lp"].split(","))
            label = (lx - x0, height - (ly - y0))
        arrows.append((names[edge["tail"]], names[edge["head"]], points, label))
    return Layout(x1 - x0, height, boxes, arrows)


def slide_layout(graph: SlideGraph, **options: object) -> Layout:
    """Where dot puts `graph`'s picture (options as for `slide_digraph`), in points, origin top left.

    Raises RenderError when dot fails, GraphvizNotFound without it.
    """
    return layout_of(slide_digraph(graph, **options))
