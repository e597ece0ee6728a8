"""The slide view of a Value graph: compact boxes, a neuron's net input as one box, large text.

`slide_graph` turns a graph into boxes and arrows (`SlideGraph`, `autograd.render.slide_model`);
`slide_digraph` draws it for Graphviz and `slide_layout` reads back where dot put everything
(`autograd.render.slide_draw`); `slide_parts` splits a graph too big for one slide
(`autograd.render.slide_parts`). This module gathers them: it is the API the page and the decks use.
"""

from .slide_draw import Layout, SlidePictureState, slide_digraph, slide_layout
from .slide_model import Arrow, Box, SlideGraph, fused_locals, slide_graph
from .slide_parts import slide_parts

__all__ = [
    "Arrow", "Box", "Layout", "SlideGraph", "SlidePictureState", "fused_locals", "slide_digraph",
    "slide_graph", "slide_layout", "slide_parts",
]  # fmt: skip
