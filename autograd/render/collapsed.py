"""The collapsed view of a grouped graph: one box per neuron (net input, activation, δ)."""

from __future__ import annotations

from collections.abc import Sequence

import graphviz

from ..text import html_text, number
from ..value import Value
from .clusters import add_clustered
from .graph import (
    Drawing,
    Options,
    PictureState,
    finish,
    new_digraph,
    node_attrs,
    op_text,
    tooltip,
    value_label,
)
from .roles import Group
from .style import GRAD, MUTED, PALETTE, font, safe_attr


def neuron_parts(members: Sequence[Value], outside_users: set[Value]) -> tuple[Value | None, Value | None]:
    """(net input, activation) of a group: its one output node, and that node's input if it is unary.

    A group whose single output is not a one-input operation of a member (a linear output unit) has
    that output as its net input and no activation; a group with several outputs has neither.
    """
    outputs = [node for node in members if node in outside_users]
    if len(outputs) != 1:
        return None, None
    (out,) = outputs
    member_set = set(members)
    if out.op is not None and out.op.arity == 1 and out.parents[0] in member_set:
        return out.parents[0], out
    return out, None


def box_label(
    title: str,
    members: Sequence[Value],
    net: Value | None,
    act: Value | None,
    opts: Options,
    look: PictureState,
) -> str:
    """The HTML label of one neuron box."""
    rows = [f'<TD COLSPAN="2">{font(html_text(title), bold=True)}</TD>']

    def row(key: str, value: float, color: str | None = None) -> None:
        rows.append(
            f'<TD ALIGN="LEFT">{font(html_text(key), MUTED, 10)} </TD>'
            f'<TD ALIGN="RIGHT">{font(html_text(number(value, opts.digits)), color)}</TD>'
        )

    if net is not None:
        row("net", net.data)
        if act is not None:
            row(op_text(act, opts.digits), act.data)
        if look.grads is not None:
            row("δ", look.grads[net], GRAD)
    else:
        rows.append(f'<TD COLSPAN="2">{font(f"{len(members)} nodes", MUTED, 10)}</TD>')
    body = "".join(f"<TR>{r}</TR>" for r in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{body}</TABLE>>'


def draw_collapsed(drawing: Drawing, opts: Options, look: PictureState) -> graphviz.Digraph:
    """Nodes without a group as in the full view; each group as one box; edges between them, once each."""
    g = new_digraph(opts)
    nodes, groups = drawing.nodes, drawing.groups
    paths = set(groups.values()) - {()}
    # Only the innermost groups (neurons) become boxes; a node placed in a layer only (nn's shared
    # bias `L2.b`) is drawn as itself inside the layer's cluster.
    inner = {p for p in paths if not any(len(q) > len(p) and q[: len(p)] == p for q in paths)}
    members: dict[Group, list[Value]] = {}
    for node in nodes:
        if groups[node] in inner:
            members.setdefault(groups[node], []).append(node)
    box_ids = {path: f"g{k}" for k, path in enumerate(members)}
    element = {
        node: box_ids[groups[node]] if groups[node] in inner else f"n{k}" for k, node in enumerate(nodes)
    }
    outside_users = {p for n in nodes for p in n.parents if element[p] != element[n]}
    outside_users.add(nodes[-1])  # the root is used by whoever reads the result
    items = []
    shown_roles = set()
    for node in nodes:
        if groups[node] not in inner:
            role = drawing.roles[node]
            attrs = {"label": value_label(node, drawing.named[node], role, opts, look)}
            if opts.tooltips:
                attrs["tooltip"] = tooltip(node, drawing, look, opts.digits)
            items.append((element[node], groups[node], attrs | node_attrs(node, role, look)))
            shown_roles.add(role)
    for path, group in members.items():
        net, act = neuron_parts(group, outside_users)
        role = drawing.roles[act or net] if net is not None else "intermediate"
        shown_roles.add(role)
        items.append((box_ids[path], path[:-1], _box_attrs(path, group, net, act, role, opts, look)))
    add_clustered(g, items, align=opts.direction, columns=set(box_ids.values()))
    # Many edges between two columns of neurons: give them room and keep them light.
    g.attr(ranksep="1.4", remincross="false")  # the last crossing pass would shuffle the columns
    g.attr("edge", color="#9ca3af", penwidth="0.7", arrowsize="0.5")
    edges = dict.fromkeys(
        (element[p], element[n]) for n in nodes for p in n.parents if element[p] != element[n]
    )
    for tail, head in edges:
        g.edge(tail, head)
    return finish(g, shown_roles, opts, look)


def _box_attrs(
    path: Group,
    group: list[Value],
    net: Value | None,
    act: Value | None,
    role: str,
    opts: Options,
    look: PictureState,
) -> dict[str, str]:
    fill, border = PALETTE[role]
    highlighted = any(n in look.highlight for n in group)
    attrs = {"fillcolor": fill, "color": border, "penwidth": "3.5" if highlighted else "1.2"}
    attrs["label"] = box_label(path[-1], group, net, act, opts, look)
    if opts.tooltips:
        text = " ".join(path) + "".join(
            f"\n{key} {number(value, opts.digits)}"
            for key, value in (("net", net and net.data), ("δ", net and look.grads and look.grads[net]))
            if value is not None
        )
        attrs["tooltip"] = safe_attr(text)
    return attrs
