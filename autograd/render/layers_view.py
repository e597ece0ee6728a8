"""The layer picture: a network as its tensor operations, one node each, as torchview draws a model.

For each layer k (`autograd.layers.find_layers`): its input tensor (x, or hₖ₋₁), the product "Wₖ ·"
(with Wₖ's shape), "+ bₖ", the activation g (σ, tanh, ReLU, Th; none for a linear layer), then the
last layer's output; where the loss applies a function to it first (softmax, for a softmax with
cross-entropy), that function's node and its output ŷ; last the graph's root (the loss) with its label
and value, on an arrow labelled "loss" (the loss's own parts are not drawn). Each arrow carries a
tensor and is labelled with its shape (D×n: n patterns are n columns, deck 002's p); with `values`,
nodes show their tensor's numbers where they fit. It reads node fields only; the one number it
computes is ŷ = softmax(a_L), a forward function the loss computes inside its parts (no derivative).

Names are plain text given by the caller (`names(kind, k)`; the examples' LaTeX notations are turned
into text by `autograd.explain`, which ranks above this package); by default Khapra's: x, Wₖ, bₖ, aₖ,
hₖ, ŷ. Sizes are the slide view's (`slide_draw`): numbers and names at 22 pt, so the picture stays
readable on a 1920×1080 slide while it is at most about 2100 pt wide; `fit` wraps a long chain into
the rows that draw it largest on the slide: rows of whole layers, or, where a network has too few
layers to fill a slide that way (two layers over three patterns), rows of even width.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import graphviz

from ..layers import Layer, LayerError, find_layers
from ..text import DIGITS, html_text, number
from ..value import Value
from .graph import check_options
from .output import run_dot
from .slide_draw import LABEL_PT, MARK_PT, NUMBER_PT, PAD_PT, TEXT_PT
from .style import FONT, MUTED, PALETTE, font

LayerNames = Callable[[str, int], str]  # (kind, k) -> a name; kinds: input weight bias net hidden output loss
# and "function": the function the loss applies to the last layer's output, "softmax" or "" (none)
FUNCTIONS = ("softmax",)  # the output functions drawn with ŷ's numbers
PREFER_LAYERS = 0.75  # rows of whole layers are kept while they draw at least 3/4 of the best scale
MAX_SHOWN = (4, 4)  # rows, columns: a larger tensor shows its shape only
MAX_ROWS = 8  # `fit` tries at most this many rows (a dot run each): deeper networks get longer rows
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_DEFAULT = {"input": "x", "weight": "W{k}", "bias": "b{k}", "net": "a{k}", "hidden": "h{k}",
            "output": "ŷ", "loss": "L", "function": ""}  # fmt: skip


def default_names(kind: str, k: int) -> str:
    """Khapra's names (deck 004, `autograd.explain.Notation`'s defaults) as text: x, W₁, b₁, a₁, h₁, ŷ, L;
    no output function ("")."""
    return _DEFAULT[kind].format(k=str(k).translate(_SUBSCRIPTS))


@dataclass(frozen=True)
class _Node:
    id: str
    name: str  # what it is: "x", "W₁ ·", "+ b₁", "σ", "L"
    shape: str  # its tensor's (a parameter's, for W· and + b), "" for an activation
    values: tuple[tuple[float, ...], ...] | None  # its tensor's numbers, rows
    look: str  # "tensor", "input", "operation", "activation", "loss"


def draw_layers(
    root: Value,
    *,
    direction: str = "LR",
    digits: int = DIGITS,
    title: str | None = None,
    values: bool = True,
    names: LayerNames | None = None,
    fit: float | None = None,
) -> graphviz.Digraph:
    """The layers of `root`'s graph as a chain of tensor operations (see the module's docstring).

    `names(kind, k)` gives the text of each name (kinds "input", "weight", "bias", "net", "hidden",
    "output", "loss"; k the layer, from 1), and for kind "function" the function the loss applies to
    the last layer's output before comparing it with the target ("softmax": drawn as a node giving ŷ;
    "" or a KeyError: none, the last layer's output is ŷ); `values` shows each tensor's numbers (to `digits`
    significant digits) where it has at most MAX_SHOWN rows and columns. `fit` (width/height, 16/9
    for a slide) wraps a network of several layers into rows of whole layers when that draws it
    larger on a picture of that shape (it runs Graphviz's `dot` to measure: rows of whole layers, or
    of even width when that draws it clearly larger); None: one row.
    Raises ValueError for a graph that does not group into layers (naming the node, as LayerError
    does), for one without units, and for a bad direction or digits.
    """
    check_options(direction, digits)
    try:
        network = find_layers(root)
    except LayerError as error:
        why = str(error).removeprefix("layers: ")
        raise ValueError(f"draw: view='layers': the graph does not group into layers: {why}") from error
    if not network.layers:
        raise ValueError(
            "draw: view='layers': the graph has no layers: no unit computes g(Σ w·x + b) (label each net "
            "input and its activation, as net_h1 → σ → h1, or build the network with nn.MLP)"
        )
    nodes, edges, starts = _chain(root, network.layers, names or default_names, digits, values)
    picture = lambda row_starts: _digraph(nodes, edges, row_starts, direction, title, digits)  # noqa: E731
    one_row = picture([0])
    if fit is None:
        return one_row
    return _best_wrap(one_row, picture, nodes, starts, direction, fit)


def _best_wrap(one_row, picture, nodes, starts, direction, fit) -> graphviz.Digraph:
    """The picture whose rows draw it largest on a `fit`-shaped box: rows of whole layers (1 to
    MAX_ROWS), or rows of even width cut anywhere along the chain, taken only where they draw it more
    more than 1/PREFER_LAYERS (4/3) times larger (a two-layer network over three patterns)."""
    layered = {tuple(_rows(starts, rows)) for rows in range(1, min(len(starts), MAX_ROWS) + 1)}
    widths = _widths(one_row, nodes, direction)
    even = {tuple(_even_rows(nodes, widths, rows)) for rows in range(2, MAX_ROWS + 1)} - layered
    scaled = [(_scale(g, fit), g) for g in (picture(list(s)) for s in sorted(layered))]
    best_layered = max(scaled, key=lambda pair: pair[0])
    others = [(_scale(g, fit), g) for g in (picture(list(s)) for s in sorted(even) if len(s) < len(nodes))]
    best_even = max(others, key=lambda pair: pair[0], default=(0.0, None))
    if best_even[1] is not None and best_layered[0] < PREFER_LAYERS * best_even[0]:
        return best_even[1]
    return best_layered[1]


def _chain(root, layers, names, digits, values):
    """The nodes in order, the edges (tail, head, shape), and the index where each layer's row starts."""
    n = len(layers[0].inputs)
    function = _function(names, len(layers))
    shown = (lambda rows: rows) if values else (lambda rows: None)
    first = layers[0]
    nodes = [_Node("x", names("input", 0), _shape(first.shape[1], n), shown(_columns(first.inputs)), "input")]
    edges: list[tuple[str, str, str]] = []
    starts = []
    for k, layer in enumerate(layers, 1):
        starts.append(len(nodes) - 1)  # a row begins with the layer's input tensor
        size, inputs = layer.shape
        out = _shape(size, n)
        tensor = nodes[-1]
        matrix = shown(_rows_of(layer.weights))
        weight = _Node(f"W{k}", f"{names('weight', k)} ·", _shape(size, inputs), matrix, "operation")
        nodes.append(weight)
        edges.append((tensor.id, weight.id, tensor.shape))
        last = weight
        if any(isinstance(b, Value) or b != 0 for b in layer.biases):
            bias = _Node(f"b{k}", f"+ {names('bias', k)}", _shape(size, 1),
                         shown(tuple((_data(b),) for b in layer.biases)), "operation")  # fmt: skip
            nodes.append(bias)
            edges.append((last.id, bias.id, out))
            last = bias
        final = k == len(layers)
        name = names("output", k) if final and not function else names("hidden", k)
        if final and function and layer.activation is None:  # a linear output layer gives a_L
            name = names("net", k)
        if layer.activation is not None:
            g = _Node(f"g{k}", _activation(layer, names("net", k), digits), "", None, "activation")
            nodes.append(g)
            edges.append((last.id, g.id, f"{names('net', k)}: {out}"))
            last = g
        h = _Node(f"h{k}", name, out, shown(_columns(layer.outputs)), "tensor")
        nodes.append(h)
        edges.append((last.id, h.id, out))
    outputs = layers[-1].outputs
    if n == 1 and len(outputs[0]) == 1 and outputs[0][0] is root:  # the network's output is the root
        nodes[-1] = _Node(nodes[-1].id, f"{nodes[-1].name} = {_label(root, names)}", nodes[-1].shape,
                          nodes[-1].values, "loss")  # fmt: skip
        return nodes, edges, starts
    if function:  # ŷ = softmax(a_L), the function the loss applies first, column by column
        last = nodes[-1]
        numbers = _columns(outputs)
        y_hat = tuple(zip(*map(_softmax, zip(*numbers)))) if function == "softmax" else None
        nodes.append(_Node("f", function, "", None, "activation"))
        edges.append((last.id, "f", last.shape))
        nodes.append(_Node("y", names("output", len(layers)), last.shape, shown(y_hat), "tensor"))
        edges.append(("f", "y", last.shape))
    nodes.append(_Node("loss", _label(root, names), "1×1", ((root.data,),) if values else None, "loss"))
    edges.append((nodes[-2].id, "loss", "loss"))
    return nodes, edges, starts


def _function(names: LayerNames, k: int) -> str:
    """The loss's output function ("softmax"), or "" where `names` gives none (or knows no such kind)."""
    try:
        return names("function", k) or ""
    except KeyError:
        return ""


def _softmax(column: tuple[float, ...]) -> tuple[float, ...]:
    """softmax of one column, shifted by its maximum (no overflow): the forward numbers only."""
    top = max(column)
    e = [math.exp(v - top) for v in column]
    return tuple(v / sum(e) for v in e)


def _label(root: Value, names: LayerNames) -> str:
    return root.label or names("loss", 0)


def _shape(rows: int, columns: int) -> str:
    return f"{rows}×{columns}"


def _data(entry) -> float:
    return entry.data if isinstance(entry, Value) else float(entry)


def _rows_of(matrix) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(_data(e) for e in row) for row in matrix)


def _columns(per_pattern) -> tuple[tuple[float, ...], ...]:
    """Pattern p's nodes as column p (Hₖ with n columns)."""
    return tuple(zip(*(tuple(node.data for node in nodes) for nodes in per_pattern)))


def _activation(layer: Layer, net: str, digits: int) -> str:
    """g's name: the rule table's symbol, with the scaling between net and activation where there is
    some (three-layer's σ(λ·e)): the product's other factor, by label or value."""
    out = layer.outputs[0][0]
    symbol = out.op.symbol
    if not layer.scaled:
        return symbol
    inner, net_node = out.parents[0], layer.nets[0][0]
    if inner.op is not None and inner.op.name == "mul" and net_node in inner.parents:
        factor = next((p for p in inner.parents if p is not net_node), net_node)
        return f"{symbol}({factor.label or number(factor.data, digits)}·{net})"
    return f"{symbol}(…{net})"


def _rows(starts: list[int], rows: int) -> list[int]:
    """Where each row starts: `rows` runs of whole layers, as even as they go."""
    per = -(-len(starts) // rows)
    return [starts[k] for k in range(0, len(starts), per)]


def _even_rows(nodes: list[_Node], widths: dict[str, float], rows: int) -> list[int]:
    """Where each row starts: `rows` runs of nodes of about equal width (a node's width in one row,
    its gap included), cut where the chain passes each share of the whole."""
    total = sum(widths[node.id] for node in nodes)
    starts, done = [0], 0.0
    for index, node in enumerate(nodes):
        middle = done + widths[node.id] / 2
        if index > starts[-1] and middle > total * len(starts) / rows and len(starts) < rows:
            starts.append(index)
        done += widths[node.id]
    return starts


def _widths(g: graphviz.Digraph, nodes: list[_Node], direction: str) -> dict[str, float]:
    """Each node's extent along the chain in `g`, the chain drawn as one row: the distance from its
    centre to the next node's (its gap and the arrow's label included), the last its own size (inches)."""
    lines = run_dot(g.source, "plain").decode("utf-8").splitlines()
    across = direction in ("LR", "RL")
    place = {f[1].strip('"'): (float(f[2] if across else f[3]), float(f[4] if across else f[5]))
             for f in (line.split() for line in lines if line.startswith("node "))}  # fmt: skip
    ids = [node.id for node in nodes]
    return {a: abs(place[b][0] - place[a][0]) if b else place[a][1] for a, b in zip(ids, [*ids[1:], None])}


def _digraph(nodes, edges, row_starts, direction, title, digits) -> graphviz.Digraph:
    wrapped = len(row_starts) > 1
    # rows of a wrapped picture are ranks across the main direction: each row one rank, left to right
    rankdir = ({"LR": "TB", "TB": "LR", "RL": "BT", "BT": "RL"}[direction]) if wrapped else direction
    g = graphviz.Digraph("chainrule")
    g.attr(rankdir=rankdir, fontname=FONT, nodesep="0.35", ranksep="0.45", bgcolor="white",
           pad=f"{PAD_PT / 72:g}", newrank="true", labelloc="b", labeljust="l")  # fmt: skip
    g.attr("node", fontname=FONT, margin="0.12,0.06", penwidth="1.5")
    g.attr("edge", fontname=FONT, fontsize=str(NUMBER_PT), fontcolor=MUTED, color=MUTED, arrowsize="0.9",
           penwidth="1.5")  # fmt: skip
    for node in nodes:
        g.node(node.id, _label_html(node, digits), **_look(node.look))
    firsts = {nodes[k].id for k in row_starts}
    across = ("s", "n") if direction in ("LR", "RL") else ("e", "w")  # out of a row's end, into the next
    for tail, head, shape in edges:
        look = {}
        if head in firsts:  # from the end of one row down to the start of the next, clear of its arrows
            look |= {"tailport": across[0], "headport": across[1]}
        g.edge(tail, head, label=f"<{font(html_text(shape), MUTED, NUMBER_PT)}>", **look)
    if wrapped:
        bounds = [*row_starts, len(nodes)]
        for a, b in pairwise(bounds):
            with g.subgraph() as row:
                row.attr(rank="same")
                for node in nodes[a:b]:  # the next row's input tensor starts that row
                    row.node(node.id)
        for a, b in pairwise(row_starts):  # rows start under each other, as lines of text
            g.edge(nodes[a].id, nodes[b].id, style="invis", weight="20")
    if title:
        g.attr(label=f"<{font(html_text(title), MUTED, TEXT_PT)}>")
    return g


def _label_html(node: _Node, digits: int) -> str:
    size = MARK_PT if node.look == "activation" else LABEL_PT
    head = font(html_text(node.name), None, size, bold=True)
    if node.shape and node.look != "loss":
        head += "  " + font(html_text(node.shape), MUTED, NUMBER_PT)
    matrix = node.values if node.values and _fits(node.values) else None
    columns = 2 * len(matrix[0]) - 1 if matrix else 1  # numbers, with a gap column between them
    rows = [f"<TR><TD COLSPAN='{columns}'>{head}</TD></TR>"]
    for row in matrix or ():
        cells = [f"<TD ALIGN='RIGHT'>{font(number(v, digits), None, NUMBER_PT)}</TD>" for v in row]
        rows.append(f"<TR>{_GAP.join(cells)}</TR>")
    return f"<<TABLE BORDER='0' CELLSPACING='0' CELLPADDING='3'>{''.join(rows)}</TABLE>>"


_GAP = "<TD WIDTH='12'></TD>"  # columns of numbers kept apart: −0.3 0.4, not −0.30.4


def _fits(values: tuple[tuple[float, ...], ...]) -> bool:
    return len(values) <= MAX_SHOWN[0] and len(values[0]) <= MAX_SHOWN[1]


def _look(look: str) -> dict[str, str]:
    role = {"tensor": "intermediate", "operation": "parameter", "activation": "intermediate"}.get(look, look)
    fill, border = PALETTE[role]
    shape = "ellipse" if look == "activation" else "box"
    style = "filled" if look == "activation" else "rounded,filled"
    return {"shape": shape, "style": style, "fillcolor": fill, "color": border}


def _scale(g: graphviz.Digraph, ratio: float) -> float:
    """How large the picture shows on a box of width:height `ratio` (its scale, up to a constant)."""
    plain = run_dot(g.source, "plain").decode("utf-8").split("\n", 1)[0].split()
    width, height = float(plain[2]), float(plain[3])
    return min(ratio / width, 1.0 / height)
