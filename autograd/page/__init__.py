"""The interactive page: one self-contained HTML file to step through, explore and quiz a Value graph.

The page shows the renderer's SVG and recomputes values and gradients in the browser with the rule
table's own text (`Op.expression`, `Op.formula`), translated to JavaScript by `autograd.notation`; nothing
here or in the page's script knows a derivative. Scripts, styles and data are inline; a Content Security
Policy forbids every network request and every script but the page's own (so a label that reads like
markup can never run). `page` writes the file, `html` returns its text, `show` embeds it in Jupyter.
"""

from __future__ import annotations

import html as html_escape
import math
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from .. import files
from ..errors import is_real
from ..explain.matrix import Notation, OutputRule
from ..graph import topological_order
from ..render import MAX_NODES, draw
from ..render.output import RenderError, run_dot
from ..render.roles import NodeKey
from ..render.slide import SlideGraph, slide_digraph, slide_graph
from ..render.style import GRAD, LOCAL, PALETTE, ROLE_NAMES
from ..text import DIGITS, EXTRA_DIGITS
from ..value import Value
from .data import graph_data, slide_data
from .shell import document

__all__ = ["FULL_NODES", "MAX_PAGE_NODES", "GraphTooBig", "PageView", "document", "html", "page", "show"]

Roots = Value | Sequence[Value]
Picture = Literal["auto", "full", "slide"]
FULL_NODES = MAX_NODES  # above this many nodes the page draws only the slide view (neurons fused)
MAX_PAGE_NODES = 2000  # the page's hard limit: its data for 1,000 nodes takes some seconds to write


def page(root: Roots, path: str | Path, **options: Any) -> Path:
    """Write the interactive page of `root`'s graph (or of several roots, one at a time) to `path`.

    The options are `html`'s. The file is written whole or not at all; a file that cannot be written
    raises RenderError, bad options raise as in `html`.
    """
    text = html(root, **options)
    try:
        return files.write_atomic(path, text)
    except files.WriteError as error:
        raise RenderError(str(error)) from None


def html(
    root: Roots,
    *,
    title: str | None = None,
    roles: Mapping[NodeKey, str] | None = None,
    upstream: float = 1.0,
    loss: str | None = None,
    digits: int = DIGITS,
    direction: Literal["LR", "TB", "RL", "BT"] = "LR",
    expression: str | None = None,
    max_nodes: int = MAX_PAGE_NODES,
    picture: Picture = "auto",
    notation: Notation | None = None,
    rule: OutputRule | Sequence[OutputRule | None] | None = None,
) -> str:
    """The page's HTML text: `root`'s graph (or several roots', one at a time), self-contained.

    `roles` colours nodes as for `autograd.render.draw`; `upstream` is ∂loss/∂root when the root sits
    inside a bigger graph whose output is called `loss` ("L" unless given); `digits` is how many
    significant digits numbers show; `direction` is the layout's. `expression` is the text the graph
    was built from (`autograd.parse`): the page shows it at the top with its inputs' values, as text,
    following what-if edits.

    `picture` says which pictures the page holds: "full" (every node; only for graphs of at most
    FULL_NODES nodes), "slide" (the slide view of `autograd.render.slide`: a neuron's net input
    Σ w·x + b is one box, stepped as one node whose gradient is δ = ∂loss/∂net), or "auto": the full
    picture up to FULL_NODES nodes and the slide view too when it fuses anything. With both, the page
    opens on the full graph when it fits its pane whole with legible text, else on the slide view, and
    a picker switches between them. The numbers are the same in both: the page computes every node.

    Raises TypeError for a root that is not a Value or an expression that is not a string, ValueError
    for an upstream that is not a finite number, a bad `picture`, "full" for a graph over FULL_NODES
    nodes, or a graph of more than `max_nodes` nodes (GraphTooBig: such a page would take minutes to
    write), and RenderError when Graphviz fails or takes longer than `render.output.DOT_TIMEOUT` seconds.

    A graph whose nodes group into layers (`autograd.layers.find_layers`) gets a "Matrix form" panel:
    its forward and backward pass as matrix equations (`autograd.explain.matrix_form`) in the deck's
    `notation`, each entry linked to its node; `rule` is the deck's shortcut at the output, one rule for
    every graph or a sequence with graph k's rule at k (None: none).

    The page keeps its state (output, mode, input, step, quiz, edited values) in the URL fragment, so a
    link opens it just there; a fragment it cannot use is ignored with a note.
    """
    roots = [root] if isinstance(root, Value) else list(root)
    if not roots or not all(isinstance(r, Value) for r in roots):
        raise TypeError(f"page: expected a Value or a list of Values, got {root!r}")
    if not is_real(upstream) or not math.isfinite(upstream):
        raise ValueError(f"page: upstream must be a finite number, got {upstream!r}")
    if expression is not None and not isinstance(expression, str):
        raise TypeError(f"page: expression must be a string, got {type(expression).__name__}")
    if picture not in ("auto", "full", "slide"):
        raise ValueError(f"page: picture must be 'auto', 'full' or 'slide', got {picture!r}")
    _check_size(roots, max_nodes, picture)
    if loss is None and upstream != 1:
        loss = "L"  # ∂L/∂root is given, so the gradients are of some L beyond the root
    if title is None:
        title = roots[0].label if len(roots) == 1 and roots[0].label else "chainrule"
    rules = list(rule) if isinstance(rule, Sequence) else [rule] * len(roots)
    graphs, svgs = [], []
    for k, r in enumerate(roots):
        out_rule = rules[k] if k < len(rules) else None
        g = graph_data(r, roles, float(upstream), loss, digits, notation=notation, rule=out_rule)
        full = picture == "full" or (picture == "auto" and len(g["nodes"]) <= FULL_NODES)
        slide = None
        if picture != "full":
            slide = slide_graph(r, digits=digits, roles=roles)
            if full and len(slide.boxes) == len(g["nodes"]):
                slide = None  # nothing to fuse: the slide view would be the full graph again
        g["pictures"] = (["full"] if full else []) + (["slide"] if slide else [])
        g["slide"] = slide_data(r, slide, g["top"], digits) if slide else None
        graphs.append(g)
        if full:
            svgs.append(_svg(r, roles, digits, direction, k, hidden=k > 0))
        if slide:
            svgs.append(_slide_svg(slide, direction, k, hidden=k > 0 or full))
    data = {
        "title": title,
        "expression": expression,
        "digits": digits,
        "extraDigits": EXTRA_DIGITS,
        "graphs": graphs,
    }
    body = _resource("template.html").format(
        title=html_escape.escape(title),
        legends="\n".join(_legend(g, k) for k, g in enumerate(graphs)),
        svgs="\n".join(svgs),
    )
    return document(
        title=title,
        style=_resource("style.css"),
        body=body,
        body_class="no-script",
        data_id="page-data",
        data=data,
        scripts=[_resource(name) for name in SCRIPTS],
    )


class PageView:
    """The page of a graph, shown inline in Jupyter (a sandboxed iframe) and savable with `save`.

    `height` is the frame's height in pixels; by default it is the page's own: the graph at legible
    size (see `_frame_height`) and the page's bars, so the frame has neither a wasted bottom nor a
    graph squeezed small.
    """

    def __init__(self, text: str, height: int | None = None) -> None:
        self.text = text
        self.height = _frame_height(text) if height is None else int(height)

    def _repr_html_(self) -> str:
        # srcdoc keeps the page self-contained; the sandbox lets its scripts run but gives them an
        # origin of their own, so the page cannot reach into the notebook.
        return (
            f'<iframe srcdoc="{html_escape.escape(self.text, quote=True)}" sandbox="allow-scripts" '
            f'style="width: 100%; height: {self.height}px; border: 1px solid #e5e7eb;"></iframe>'
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to `path` (whole or not at all)."""
        return files.write_atomic(path, self.text)


def show(root: Roots, *, height: int | None = None, **options: Any) -> PageView:
    """The page of `root`'s graph for Jupyter: the cell shows it (options as for `html`; `height` in
    pixels, the page's own by default)."""
    return PageView(html(root, **options), height)


LEGIBLE_PX = 11  # the smallest graph text the page shows (view.js keeps the same aim)
_CHROME_PX = 226  # the page's bars above and below the graph pane (two-line caption, two-line key), padding


def _frame_height(text: str) -> int:
    """The height in pixels a frame needs to show the page `text` with its tallest graph at legible size.

    At that size the smallest text in the picture is LEGIBLE_PX on screen; the result stays between
    480 (room for the side panel) and 900 (a laptop screen) pixels.
    """
    heights = [float(h) for h in re.findall(r'<svg width="[^"]*" height="([\d.]+)pt"', text)]
    sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', text) if float(x) > 0]
    if not heights or not sizes:
        return 760
    graph = max(heights) * LEGIBLE_PX / min(sizes)  # pt · (px per pt at the legible scale)
    return int(min(900, max(480, graph + _CHROME_PX)))


class GraphTooBig(ValueError):
    """A graph with more nodes than the page draws: `output` (its label, or "the output"), `nodes` and
    `limit` let a caller (the command line) say what it can do instead."""

    def __init__(self, output: str, nodes: int, limit: int) -> None:
        self.output, self.nodes, self.limit = output, nodes, limit
        super().__init__(
            f"page: the graph of {output} has {nodes} nodes, more than the page draws ({limit}): draw it "
            f"as the slide view in parts with autograd.render.slide.slide_parts (neurons fused, one picture "
            f"per slide), page a smaller graph (one sample), or pass max_nodes={nodes} to wait for it"
        )


def _check_size(roots: Sequence[Value], max_nodes: int, picture: str) -> None:
    """Refuse at once, before Graphviz runs, a graph too big for the page (GraphTooBig, one line)."""
    if not is_real(max_nodes) or max_nodes < 1:
        raise ValueError(f"page: max_nodes must be a positive number, got {max_nodes!r}")
    for r in roots:
        n = len(topological_order(r))
        if n > max_nodes:
            raise GraphTooBig(r.label or "the output", n, max_nodes)
        if picture == "full" and n > FULL_NODES:
            raise ValueError(
                f"page: the graph of {r.label or 'the output'} has {n} nodes, more than the full picture "
                f"draws ({FULL_NODES}): use picture='slide' (neurons fused) or 'auto'"
            )


def _legend(g: Mapping[str, Any], k: int) -> str:
    """Graph k's colour key as HTML above the graph pane (the picture's own is left out): it wraps to the
    window and stays in sight while the pane scrolls. The slot key reads "tan = ..." in forward mode."""
    present = {node["role"] for node in g["nodes"]}
    entries = [
        f'<span class="key"><span style="color: {PALETTE[role][1]}">{"□" if role == "intermediate" else "■"}'
        f"</span> {ROLE_NAMES[role]}</span>"
        for role in PALETTE
        if role in present
    ]
    # The slide view's boxes have no key words ("value", "grad"): its own entry says which number is
    # which (the full graph's "grad = ..." entry is hidden there); forward mode writes the tangent there.
    entries.append(
        '<span class="key slide-only">box, top to bottom: <b>label</b>, value, '
        f'<span class="slide-slot" style="color: {GRAD}">gradient ∂loss/∂node</span></span>'
    )
    entries.append(f'<span class="key slot-key" style="color: {GRAD}">grad = ∂loss/∂node</span>')
    entries.append(f'<span class="key" style="color: {LOCAL}">edges: local gradient ∂out/∂in</span>')
    hidden = "" if k == 0 else " hidden"
    return f'<p class="legend" data-graph="{k}"{hidden}>{" ".join(entries)}</p>'


def _svg(
    root: Value, roles: Mapping[NodeKey, str] | None, digits: int, direction: str, k: int, hidden: bool
) -> str:
    """The renderer's picture of the graph, as inline SVG whose ids are unique within the page.

    The script finds node k by its id `g<graph>-node-<k>` and the edge into operand i of node u from
    node p by `g<graph>-edge-<p>-<u>-<i>` (the renderer's `id` attributes).
    """
    source = draw(root, roles=roles, digits=digits, direction=direction, view="full", legend=False).source
    svg = run_dot(source, "svg").decode("utf-8")
    return _pane(svg, k, "full", hidden)


def _slide_svg(graph: SlideGraph, direction: str, k: int, hidden: bool) -> str:
    """The slide view's picture as inline SVG with the ids the script reads.

    Box "n<j>" (forward index j, as the page numbers nodes) becomes `g<graph>-node-<j>`, its value and
    gradient texts get the classes "value" and "grad" (a box writes its name, value, then gradient),
    and the arrow from box j into box u becomes `g<graph>-arrow-<j>-<u>`.
    """
    # One number a line: a narrower picture than value and gradient side by side, for a pane that is
    # wider than tall.
    source = slide_digraph(graph, direction=direction, legend=False, compact=False).source
    svg = run_dot(source, "svg").decode("utf-8")
    svg = re.sub(r"<text [^>]*>(?:\s|&#160;)*</text>\n?", "", svg)  # spacers: they draw nothing
    shown = {int(b.id[1:]): (b.value is not None, b.grad is not None) for b in graph.boxes}

    def box(match: re.Match) -> str:
        j, body = int(match.group(1)), match.group(2)
        has_value, has_grad = shown[j]
        texts = [m.start() for m in re.finditer(r"<text ", body)]
        marks = (["grad"] if has_grad else []) + (["value"] if has_value else [])
        for start, name in zip(reversed(texts), marks):  # from the last text: gradient, then value
            body = f'{body[:start]}<text class="{name}" {body[start + 6 :]}'
        return f'<g id="node-{j}" class="node">{body}</g>'

    svg = re.sub(r'<g id="n(\d+)" class="node">(.*?)</g>', box, svg, flags=re.S)
    svg = re.sub(
        r'<g id="edge\d+" class="edge">\s*<title>n(\d+)&#45;&gt;n(\d+)</title>',
        r'<g id="arrow-\1-\2" class="edge">',
        svg,
    )
    return _pane(svg, k, "slide", hidden)


def _pane(svg: str, k: int, kind: str, hidden: bool) -> str:
    """One picture of graph k in its pane: Graphviz's SVG made fit for inline HTML, ids unique."""
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and doctype, which HTML does not take
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    # Graphviz writes each element's DOT name as its <title>, which a browser shows on hover: an
    # internal id. The side panel says what a node is; its numbers change with what-if edits anyway.
    svg = re.sub(r"<title>[^<]*</title>", "", svg)
    svg = re.sub(r' id="', f' id="g{k}-', svg)
    # The first graph shows without script too: a page whose script is blocked still shows its picture.
    attr = " hidden" if hidden else ""
    return f'<div class="graph-pane" data-graph="{k}" data-picture="{kind}"{attr}>{svg}</div>'


# The interface's script files, joined in this order inside one function (one scope, strict mode; see
# shell.document): the View class first, the wiring and the start (script.js) last. Each holds one part
# of the page.
SCRIPTS = (
    "view.js",  # one graph: its picture, numbers and steps
    "mistake_view.js",  # the mistake view
    "stepping.js",  # the views, zoom, the redraw and the step controls
    "details.js",  # the side panel: a node's numbers and rules, each mode's cost
    "matrix_names.js",  # the matrix form's names, their scripts as <sub> and <sup>
    "matrix_view.js",  # the matrix form panel and its layer steps
    "matrix_links.js",  # the matrix form's entries linked to the graph's nodes
    "whatif.js",  # changing a leaf
    "quiz.js",  # the quiz
    "state.js",  # the page's state in the URL fragment
    "script.js",  # buttons, keys, test hooks, the start
)


def _resource(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
