"""Decks as files: a graph's forward and backward pass as slides, one per step (or per layer of a big graph).

`deck(root, "chen.pptx")` writes PowerPoint (native shapes, python-pptx); `deck(root, "chen.tex")` Beamer
(TikZ at Graphviz's coordinates, overlays for the steps); `deck(root, "chen.pdf")` the Beamer deck compiled
by pdflatex. Which slides: `autograd.deck.steps`; where things go: `autograd.deck.place`. The pictures are
the slide view (`autograd.render.slide`): boxes with name, value and gradient, a neuron's net input fused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..files import write_atomic
from ..text import DIGITS, check_digits
from ..value import Value
from .captions import fit_captions
from .errors import DeckError
from .place import area_ratio, check_ratio
from .steps import CAP, Slide, plan

FORMATS = ("pptx", "tex", "pdf")

__all__ = ["FORMATS", "DeckError", "Slide", "deck", "plan"]


def deck(
    roots: Value | Sequence[Value],
    path: str | os.PathLike,
    format: str | None = None,
    ratio: str = "16:9",
    *,
    digits: int = DIGITS,
    roles: dict | None = None,
    upstream: float = 1.0,
    loss: str | None = None,
    title: str | None = None,
    cap: int = CAP,
    parts: Callable[..., list] | None = None,
    layout: Callable[..., object] | None = None,
) -> Path:
    """Write the forward and backward pass of `roots` (one output, or several: a section each) as a deck.

    Inputs: `format` 'pptx', 'tex' or 'pdf' (else the suffix of `path`); `ratio` '16:9' or '4:3';
    `digits` significant digits; `roles` as for `autograd.render.node_roles`; `upstream`/`loss` for a gate
    inside a bigger graph (see `autograd.render.backward_steps`); `title` the deck's title; `cap` the
    steps of a pass past which slides go layer by layer. `parts`/`layout` replace the slide view's
    `slide_parts`/`slide_layout` (for tests). Output: the path written, whole or not at all (for 'pdf'
    only the PDF: its LaTeX source is compiled in a temporary folder). Raises DeckError for an unknown
    format, and for a PDF without pdflatex (after writing the .tex, saying how to install LaTeX) or when
    LaTeX fails (naming the log's error line); ValueError for a bad ratio or digits; WriteError when the
    file cannot be written.
    """
    target = Path(path)
    fmt = (format or target.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise DeckError(
            f"deck: unknown deck format {fmt or '(none)'!r} for {str(target)!r}; use .pptx, .tex or .pdf"
        )
    check_ratio(ratio)
    check_digits(digits, "deck: digits")
    outputs = [roots] if isinstance(roots, Value) else list(roots)
    if not outputs:
        raise ValueError("deck: no output to make slides of")
    font = "pptx" if fmt == "pptx" else "beamer"
    sections = _sections(outputs, ratio, digits, roles, upstream, loss, cap, parts, layout, font)
    if fmt == "pptx":
        from .pptx import write_pptx  # python-pptx loads only for PowerPoint

        return write_atomic(target, write_pptx(sections, ratio))
    from .beamer import compile_pdf, write_tex

    source = write_tex(
        sections, ratio, title or (outputs[0].label and f"Backpropagation: {outputs[0].label}")
    )
    if fmt == "tex":
        return write_atomic(target, source)
    return compile_pdf(source, target)


def _sections(outputs, ratio, digits, roles, upstream, loss, cap, parts, layout, font):
    from ..graph import forward_order
    from ..text import names

    if parts is None or layout is None:
        from ..render import slide as view  # the slide view; loaded only when a deck is made

        parts = parts or view.slide_parts
        layout = layout or view.slide_layout
    shape = area_ratio(ratio)
    sections = []
    several = len(outputs) > 1
    for root in outputs:
        graphs = parts(root, ratio=shape, digits=digits, roles=roles)
        layouts = [layout(graph, legend=False, compact=graph.compact) for graph in graphs]
        named = names(forward_order(root), digits)[root].wrapped()
        heading = named if several else ""
        slides = plan(root, graphs, digits=digits, upstream=upstream, loss=loss, cap=cap, heading=heading)
        top = named if upstream == 1.0 and loss is None else (loss or "L")
        slides, bands = fit_captions(slides, layouts, ratio, font)
        graphs = [_unshown_grads(graph, [s for s in slides if s.part == k]) for k, graph in enumerate(graphs)]
        sections.append((graphs, layouts, slides, top, bands))
    return sections


def _unshown_grads(graph, slides):
    """`graph` without the gradients none of its `slides` shows (an input's, say): its box then draws
    its value alone, centred, not beside room kept for a number that never comes."""
    from dataclasses import replace

    shown = {box_id for slide in slides for box_id in slide.grads}
    boxes = tuple(
        replace(box, grad=None) if box.grad is not None and box.id not in shown else box
        for box in graph.boxes
    )
    return replace(graph, boxes=boxes)
