"""The backward and forward passes drawn on the slide view, one frame per box (see `frames`)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..text import DIGITS, equals, factor, fitting_digits, number, number_factor, picture_text
from ..value import Value
from .captions import CaptionedStep
from .output import dot_program, run_dot
from .roles import Grouping, NodeKey
from .slide_draw import TEXT_PT, SlidePictureState, caption_html, slide_digraph
from .slide_model import SlideGraph, slide_graph
from .slide_parts import slide_parts
from .style import FONT, LOCAL

CAPTION_CHARS = 64  # a caption's line, at most (about 780 pt at the caption's size: narrower than a part)


def _box_of(graph: SlideGraph) -> dict[Value, str]:
    return {box.node: box.id for box in graph.boxes}


def _wrapped(name: str) -> str:
    return f"({name})" if " " in name else name  # ∂f/∂(t2 − o2)


def backward_slide_steps(
    graph: SlideGraph, steps: Sequence[CaptionedStep], top: str, digits: int
) -> list[CaptionedStep]:
    """The backward steps of the boxes (fused nodes have none: their box is one step), in the order
    of `steps`, each captioned with the chain rule over the box's arrows: ∂top/∂w5 = ∂top/∂net_o1 ·
    ∂net_o1/∂w5 = numbers = the engine's gradient (`steps`' value)."""
    box_of = _box_of(graph)
    name = {box.id: _wrapped(picture_text(box.name, 24)) for box in graph.boxes}
    grads = {box_of[s.node]: s.value for s in steps if s.node in box_of}
    result = []
    for step in steps:
        if step.node not in box_of:
            continue
        me = box_of[step.node]
        outgoing = [a for a in graph.arrows if a.tail == me]
        if not outgoing:  # the root: the caption as the pass gives it (1, or the given upstream)
            result.append(step)
            continue
        terms = [
            f"∂{top}/∂{name[a.head]} · {factor(a.rule) if a.rule else f'∂{name[a.head]}/∂{name[me]}'}"
            for a in outgoing
        ]

        def total(read, outgoing=outgoing):
            return math.fsum(read(grads[a.head]) * read(a.value) for a in outgoing)

        fit = fitting_digits(total, step.value, digits)
        d = fit or digits
        numbers = [
            f"{number_factor(grads[a.head], d, k == 0)} · {number_factor(a.value, d)}"
            for k, a in enumerate(outgoing)
        ]
        caption = (
            f"∂{top}/∂{name[me]} = {' + '.join(terms)} = {' + '.join(numbers)}"
            f"{equals(fit)}{number(step.value, digits)}"
        )
        result.append(CaptionedStep(step.node, step.value, caption))
    return result


def backward_slide_sources(
    root: Value,
    steps: Sequence[CaptionedStep],
    heading: str,
    top: str,
    options: Mapping[str, object],
) -> tuple[list[str], list[CaptionedStep]]:
    """The DOT source of each backward frame on the slide view, and the steps drawn (one per box)."""
    graph = _graph(root, options.get("digits", DIGITS), options.get("roles"), options.get("groups"))
    shown = backward_slide_steps(graph, steps, top, options.get("digits", DIGITS))
    box_of = _box_of(graph)
    order = [box_of[s.node] for s in shown]
    grads = {box.id: s.value for s in shown for box in graph.boxes if box.node is s.node}
    graph = _with_grads(graph, grads, options.get("digits", DIGITS))
    looks = []
    for k, me in enumerate(order):
        hot = {(me, a.head) for a in graph.arrows if a.tail == me}
        looks.append(SlidePictureState(grads_shown=set(order[: k + 1]), current=me, hot=hot))
    return _sources(graph, looks, order, shown, heading, options), shown


def forward_slide_sources(
    root: Value, steps: Sequence[CaptionedStep], heading: str, options: Mapping[str, object]
) -> tuple[list[str], list[CaptionedStep]]:
    """The DOT source of each forward frame on the slide view, and the steps drawn (one per computed box)."""
    graph = _graph(
        root, options.get("digits", DIGITS), options.get("roles"), options.get("groups"), grads=False
    )
    box_of = _box_of(graph)
    shown = [s for s in steps if s.node in box_of]
    leaves = {box.id for box in graph.boxes if box.node.op is None}
    order = [box_of[s.node] for s in shown]
    looks = []
    for k, me in enumerate(order):
        done = leaves | set(order[: k + 1])
        hot = {(a.tail, me) for a in graph.arrows if a.head == me}
        looks.append(
            SlidePictureState(values_shown=done, arrows_shown=done, current=me, hot=hot, hot_color=LOCAL)
        )
    return _sources(graph, looks, order, shown, heading, options), shown


def _graph(root: Value, digits, roles: Mapping[NodeKey, str] | None, groups: Grouping | None, grads=True):
    return slide_graph(root, digits=digits, roles=roles, groups=groups, show_grad=grads)


def _with_grads(graph: SlideGraph, grads: Mapping[str, float], digits: int) -> SlideGraph:
    # The frames show the engine's gradients (as the captions do), not whatever `.grad` holds.
    boxes = tuple(replace(b, grad=number(grads[b.id], digits)) if b.id in grads else b for b in graph.boxes)
    return replace(graph, boxes=boxes)


def wrap(text: str, width: int = CAPTION_CHARS) -> str:
    """`text` broken into lines of about `width` characters before its " = " and " + " (a chain-rule
    product keeps its terms whole), joined by newlines; a longer term stays on a line of its own."""
    pieces = re.split(r"(?= [=+] )", text)
    lines = [""]
    for piece in pieces:
        if lines[-1] and len(lines[-1]) + len(piece) > width:
            lines.append(piece.lstrip())
        else:
            lines[-1] += piece
    return "\n".join(lines)


def _sources(
    whole: SlideGraph,
    looks: list[SlidePictureState],
    order: Sequence[str],
    steps: Sequence[CaptionedStep],
    heading: str,
    options: Mapping[str, object],
) -> list[str]:
    """Each frame's DOT source: the part of the slide view that holds the step's box (the whole graph
    when one slide holds it, see `slide_parts`), with the caption below, wrapped to CAPTION_CHARS."""
    n = len(steps)
    captions = [(heading.format(k=k + 1, n=n), wrap(step.caption)) for k, step in enumerate(steps)]
    size = caption_box(captions)
    direction = str(options.get("direction", "LR"))
    parts = slide_parts(whole, direction=direction, reserve=size[1], users=True)
    home = {}
    for k, graph in enumerate(parts):
        for box in graph.boxes:
            if box.id not in graph.context:
                home.setdefault(box.id, k)
    sources = []
    for look, caption, me in zip(looks, captions, order):
        graph = parts[home[me]]
        if len(parts) > 1:
            caption = (f"{caption[0]} ({graph.title})", caption[1])
        look.caption, look.caption_size = caption, size
        sources.append(
            slide_digraph(graph, direction=direction, tooltips=True, look=look, compact=graph.compact).source
        )
    return sources


def caption_box(captions: Sequence[tuple[str, str]]) -> tuple[float, float]:
    """The largest caption's size in points, so that every frame keeps one layout (see `frames`)."""
    if dot_program() is None:
        width = max(len(line) for pair in captions for t in pair for line in t.split("\n"))
        lines = max(pair[1].count("\n") for pair in captions) + 2
        return width * TEXT_PT * 0.6 + 12, lines * TEXT_PT * 1.3 + 12
    body = "\n".join(
        f'm{k} [shape=plaintext, margin=0, label=<<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0">'
        f'<TR><TD BALIGN="LEFT">{caption_html(heading + " (part 99 of 99)", text)}</TD></TR></TABLE>>];'
        for k, (heading, text) in enumerate(captions)
    )
    layout = json.loads(run_dot(f'graph {{ node [fontname="{FONT}"]; {body} }}', "json"))
    sizes = [(float(o["width"]) * 72, float(o["height"]) * 72) for o in layout.get("objects", [])]
    return max(w for w, _ in sizes) + 10, max(h for _, h in sizes) + 8
