"""Value graph -> graphviz.Digraph: the full view (every node) and the building blocks other views share."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import graphviz

from ..errors import is_real
from ..graph import forward_order
from ..text import (
    DIGITS,
    MAX_PICTURE_LABEL,
    Name,
    check_digits,
    constant_text,
    expression,
    formula,
    html_text,
    names,
    number,
    picture_text,
    power,
)
from ..value import Value
from .clusters import add_clustered, in_order
from .roles import Group, Grouping, NodeKey, node_groups, node_roles
from .style import FONT, GRAD, HIDDEN, HIGHLIGHT, LOCAL, MARKS, MUTED, PALETTE, ROLE_NAMES, font, safe_attr


@dataclass(frozen=True)
class Options:
    """How a picture is drawn (see `autograd.render.draw`)."""

    direction: str = "LR"
    digits: int = DIGITS
    show_grad: bool = True
    show_local: bool = True
    formulas: bool = False
    legend: bool = True
    title: str | None = None
    tooltips: bool = False  # hover text in SVG: adds <a> elements around each node's shapes
    fit: float | None = None  # a width:height ratio the layout is folded to fit (see `layout.fit`)


@dataclass(frozen=True)
class Drawing:
    """A graph ready to draw: its nodes in forward order, their names, roles and group paths."""

    nodes: Sequence[Value]
    named: Mapping[Value, Name]
    roles: Mapping[Value, str]
    groups: Mapping[Value, Group]


def prepare(
    root: Value, digits: int, roles: Mapping[NodeKey, str] | None, groups: Grouping | bool | None
) -> Drawing:
    """`root`'s graph with every node named, given its role (`node_roles`) and group (`node_groups`)."""
    nodes = forward_order(root)
    role_of = node_roles(nodes, root, roles)
    return Drawing(nodes, names(nodes, digits), role_of, node_groups(nodes, role_of, groups))


@dataclass
class PictureState:
    """What one picture shows of each node: everything for `draw`, a part of it for a frame."""

    grads: Mapping[Value, float] | None  # None: no gradient row at all
    values_shown: set[Value] | None = None  # None: every value
    grads_shown: set[Value] | None = None
    edges_shown: set[Value] | None = None  # nodes whose input edges show their local gradients
    current: Value | None = None
    hot_edges: set[tuple[Value, Value]] = field(default_factory=set)  # (parent, user) drawn bold
    hot_color: str = GRAD
    highlight: set[Value] = field(default_factory=set)
    caption: tuple[str, str] | None = None  # (heading, text) of a frame
    caption_size: tuple[float, float] | None = None  # points; fixed so that every frame has one layout
    note: str | None = None


def check_options(direction: str, digits: int) -> None:
    """Refuse a direction or a number of digits Graphviz or `number` cannot use, saying why."""
    if direction not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"direction must be 'LR', 'TB', 'RL' or 'BT', got {direction!r}")
    check_digits(digits)


def fit_ratio(fit: str | float | None) -> float | None:
    """A width:height ratio from `"16:9"`, `"4:3"` or a positive number; None stays None (no fitting).

    Raises ValueError for anything else, naming the value.
    """
    if fit is None:
        return None
    if isinstance(fit, str):
        parts = fit.split(":")
        try:
            width, height = (float(p) for p in parts) if len(parts) == 2 else (float(fit), 1.0)
        except ValueError:
            width = height = math.nan
        ratio = width / height if height > 0 else math.nan
    else:
        ratio = float(fit) if is_real(fit) else math.nan
    if not (math.isfinite(ratio) and 0.1 <= ratio <= 10):
        raise ValueError(f"fit must be a width:height ratio such as '16:9' (from 1:10 to 10:1), got {fit!r}")
    return ratio


def new_digraph(opts: Options) -> graphviz.Digraph:
    """An empty Digraph with the house style."""
    g = graphviz.Digraph("chainrule")
    g.attr(
        rankdir=opts.direction, fontname=FONT, labelloc="t", labeljust="l", nodesep="0.25",
        ranksep="0.35", bgcolor="white", pad="0.25", newrank="true",
    )  # fmt: skip
    g.attr("node", fontname=FONT, fontsize="12", shape="box", style="rounded,filled", margin="0.05,0.03")
    g.attr("edge", fontname=FONT, fontsize="10", color="#4b5563", arrowsize="0.7")
    return g


def op_text(node: Value, digits: int) -> str:
    """The operation mark drawn on a computed node: the rule table's symbol (with `^2`'s exponent)."""
    if node.op.name == "pow":
        return power("x", node.params["n"], digits)
    return node.op.symbol


def value_label(node: Value, name: Name, role: str, opts: Options, look: PictureState) -> str:
    """The HTML label of one value node: operation mark, name, value and gradient."""
    border = PALETTE[role][1]
    shown = html_text(picture_text(name.text, MAX_PICTURE_LABEL))  # one line, a box's width at most
    header = font(shown, MUTED, 11) if name.derived else font(shown, bold=True)
    rows = [f'<TD COLSPAN="2">{header}</TD>']
    value_visible = look.values_shown is None or node in look.values_shown
    if not (node.op is None and node.label is None):  # a constant's name already is its value
        value = number(node.data, opts.digits)
        rows.append(_row("value", value, None if value_visible else HIDDEN))
    if look.grads is not None:
        grad_visible = look.grads_shown is None or node in look.grads_shown
        rows.append(_row("grad", number(look.grads[node], opts.digits), GRAD if grad_visible else HIDDEN))
    if node.op is not None:
        symbol = op_text(node, opts.digits)
        symbol = MARKS.get(symbol, symbol)
        size = 18 if len(symbol) == 1 else 14  # a lone "×" or "+" must still be seen from the back row
        mark = font(html_text(symbol), border, size, bold=True)  # the structure shows from the start
        if opts.direction in ("LR", "RL"):
            side = "R" if opts.direction == "LR" else "L"
            cell = f'<TD ROWSPAN="{len(rows)}" SIDES="{side}" BORDER="1" COLOR="{border}">{mark}</TD>'
            rows[0] = cell + rows[0] if opts.direction == "LR" else rows[0] + cell
        else:
            side = "B" if opts.direction == "TB" else "T"
            cell = f'<TD COLSPAN="2" SIDES="{side}" BORDER="1" COLOR="{border}">{mark}</TD>'
            rows.insert(0 if opts.direction == "TB" else len(rows), cell)
    body = "".join(f"<TR>{r}</TR>" for r in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{body}</TABLE>>'


def _row(key: str, value: str, color: str | None) -> str:
    return (
        f'<TD ALIGN="LEFT">{font(key, MUTED, 9)}</TD><TD ALIGN="RIGHT">{font(html_text(value), color)}</TD>'
    )


def node_attrs(node: Value, role: str, look: PictureState) -> dict[str, str]:
    """Fill, border and emphasis of one value node."""
    fill, border = PALETTE[role]
    attrs = {"fillcolor": fill, "color": border, "penwidth": "1.2"}
    if node is look.current or node in look.highlight:
        attrs.update(color=HIGHLIGHT, penwidth="3.5")
    return attrs


def caption_html(heading: str, text: str) -> str:
    """A frame's caption: a small heading line over the step's text."""
    return f"{font(html_text(heading), MUTED, 11)}<BR/>{font(html_text(text), size=16)}"


def legend_label(roles_present: Sequence[str], opts: Options, look: PictureState) -> str | None:
    """The graph's label: caption or title on top, then the colour key; None when there is neither."""
    rows = []
    if look.caption is not None:
        size = ""
        if look.caption_size is not None:
            size = f' WIDTH="{look.caption_size[0]:.0f}" HEIGHT="{look.caption_size[1]:.0f}"'
        rows.append(f'<TD ALIGN="LEFT" BALIGN="LEFT"{size}>{caption_html(*look.caption)}</TD>')
    elif opts.title is not None:
        rows.append(f'<TD ALIGN="LEFT" BALIGN="LEFT">{font(html_text(opts.title), size=16)}</TD>')
    if look.note:
        rows.append(f'<TD ALIGN="LEFT" BALIGN="LEFT">{font(html_text(look.note), MUTED, 11)}</TD>')
    if opts.legend:
        rows.append(f'<TD ALIGN="LEFT" BALIGN="LEFT">{_key(roles_present, opts)}</TD>')
    if not rows:
        return None
    body = "".join(f"<TR>{r}</TR>" for r in rows)
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="3">{body}</TABLE>>'


def _key(roles_present: Sequence[str], opts: Options) -> str:
    # One line of text with coloured marks, not a table of swatches: Graphviz stretches a nested table
    # to the width of a longer caption, which would scatter the key across the picture.
    entries = []
    for role in roles_present:
        mark = "□" if role == "intermediate" else "■"
        entries.append(f"{font(mark, PALETTE[role][1], 14)} {font(ROLE_NAMES[role], size=10)}")
    if opts.show_grad:
        entries.append(font("grad = ∂loss/∂node", GRAD, 10))
    if opts.show_local:
        entries.append(font("edges: local gradient ∂out/∂in", LOCAL, 10))
    return "      ".join(entries)


def tooltip(node: Value, drawing: Drawing, look: PictureState, digits: int) -> str:
    """A node's hover text: its label (and what it computes) or its expression, its value and gradient."""
    name = drawing.named[node].text
    if node.op is not None:
        computed = expression(node, [drawing.named[p] for p in node.parents], digits).text
        name = computed if not node.label else f"{drawing.named[node].text} = {computed}"
    lines = [name[:300], f"value {number(node.data, digits)}"]
    if look.grads is not None:
        lines.append(f"grad {number(look.grads[node], digits)}")
    return safe_attr("\n".join(lines))


def finish(g: graphviz.Digraph, roles_shown: set[str], opts: Options, look: PictureState) -> graphviz.Digraph:
    """The legend (caption, title, note, colour key) under a finished picture; returns `g`."""
    label = legend_label([r for r in PALETTE if r in roles_shown], opts, look)
    if label is not None:
        g.attr(label=label)
    return g


def draw_full(
    drawing: Drawing, opts: Options, look: PictureState, bands: Mapping[Value, int] | None = None
) -> graphviz.Digraph:
    """Every node of the graph: value boxes with operation marks, and edges with local gradients.

    `bands` (from `layout.fit_graph`) folds the picture: each band is laid out on its own, the bands
    one under the other (LR) or side by side (TB), in their order.
    """
    g = new_digraph(opts)
    index = {node: k for k, node in enumerate(drawing.nodes)}
    ids = {node: f"n{k}" for node, k in index.items()}
    items: dict[int, list] = {}
    for node in drawing.nodes:
        attrs = {"label": value_label(node, drawing.named[node], drawing.roles[node], opts, look)}
        attrs |= node_attrs(node, drawing.roles[node], look)
        attrs["id"] = f"node-{index[node]}"  # the SVG <g>'s id, by forward order: the page finds nodes by it
        if opts.tooltips:
            attrs["tooltip"] = tooltip(node, drawing, look, opts.digits)
        items.setdefault(bands[node] if bands else 0, []).append((ids[node], drawing.groups[node], attrs))
    if bands is None:
        add_clustered(g, items[0], align=opts.direction)
    else:
        for band, members in sorted(items.items()):
            with g.subgraph(name=f"cluster_band{band}") as sub:
                sub.attr(style="invis", label="")
                add_clustered(sub, members, align=opts.direction, prefix=f"b{band}_")
        # The bands' first nodes in one rank, in band order: band 0 on top (on the left, for TB).
        firsts = [members[0][0] for _, members in sorted(items.items())]
        in_order(g, firsts if opts.direction in ("TB", "BT") else firsts[::-1], opts.direction)
    for node in drawing.nodes:
        for i, parent in enumerate(node.parents):
            attrs = edge_attrs(node, i, parent, drawing.named, opts, look)
            attrs["id"] = f"edge-{index[parent]}-{index[node]}-{i}"  # parent, user, operand position
            if bands is not None and bands[parent] != bands[node]:
                attrs["constraint"] = "false"  # the band below starts again at the left
            g.edge(ids[parent], ids[node], **attrs)
    return finish(g, set(drawing.roles.values()), opts, look)


def edge_attrs(
    node: Value, i: int, parent: Value, named: Mapping[Value, Name], opts: Options, look: PictureState
) -> dict[str, str]:
    """One edge parent -> node: the local gradient ∂node/∂parent as its label, on request."""
    attrs: dict[str, str] = {}
    rule = formula(node, i, named, opts.digits)
    value = constant_text(rule, node.local[i]) or number(node.local[i], opts.digits)
    if opts.show_local:
        text = f"{rule} = {value}" if opts.formulas and rule != value else value
        visible = look.edges_shown is None or node in look.edges_shown
        attrs["label"] = f"<{font(html_text(picture_text(text)), LOCAL if visible else HIDDEN)}>"
    if opts.tooltips:
        local = rule if rule == value else f"{rule} = {value}"
        attrs["tooltip"] = safe_attr(f"∂{named[node].wrapped()}/∂{named[parent].wrapped()} = {local}")
    if (parent, node) in look.hot_edges:
        attrs.update(color=look.hot_color, penwidth="2.5")
    return attrs
