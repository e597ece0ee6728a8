"""The collapsed view of a grouped graph: one box per neuron (net input, activation, δ)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import graphviz

from ..value import Value
from .graph import (
    GRAD,
    MUTED,
    PALETTE,
    Look,
    Options,
    add_clustered,
    font,
    legend_label,
    new_digraph,
    node_attrs,
    op_text,
    value_label,
)
from .roles import Group
from .text import Name, html_text, number


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
    title: str, members: Sequence[Value], net: Value | None, act: Value | None, opts: Options, look: Look
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


def draw_collapsed(
    nodes: Sequence[Value],
    named: Mapping[Value, Name],
    roles: Mapping[Value, str],
    groups: Mapping[Value, Group],
    opts: Options,
    look: Look,
) -> graphviz.Digraph:
    """Nodes without a group as in the full view; each group as one box; edges between them, once each."""
    g = new_digraph(opts)
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
            label = value_label(node, named[node], roles[node], opts, look)
            items.append(
                (element[node], groups[node], {"label": label} | node_attrs(node, roles[node], look))
            )
            shown_roles.add(roles[node])
    for path, group in members.items():
        net, act = neuron_parts(group, outside_users)
        role = roles[act or net] if net is not None else "intermediate"
        shown_roles.add(role)
        fill, border = PALETTE[role]
        highlighted = any(n in look.highlight for n in group)
        attrs = {"fillcolor": fill, "color": border, "penwidth": "3.5" if highlighted else "1.2"}
        items.append(
            (box_ids[path], path[:-1], {"label": box_label(path[-1], group, net, act, opts, look)} | attrs)
        )
    add_clustered(g, items, align=opts.direction, columns=set(box_ids.values()))
    # Many edges between two columns of neurons: give them room and keep them light.
    g.attr(ranksep="1.4", remincross="false")  # the last crossing pass would shuffle the columns
    g.attr("edge", color="#9ca3af", penwidth="0.7", arrowsize="0.5")
    edges = dict.fromkeys(
        (element[p], element[n]) for n in nodes for p in n.parents if element[p] != element[n]
    )
    for tail, head in edges:
        g.edge(tail, head)
    label = legend_label([r for r in PALETTE if r in shown_roles], opts, look)
    if label is not None:
        g.attr(label=label)
    return g
