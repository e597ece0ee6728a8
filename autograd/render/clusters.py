"""Nodes nested in Graphviz clusters by their group paths (a layer, a neuron), kept in order on the page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

import graphviz

from ..text import html_text
from .roles import Group
from .style import FONT, MUTED, font, safe_attr


def add_clustered(
    g: graphviz.Digraph,
    items: Sequence[tuple[str, Group, dict]],
    align: str | None = None,
    columns: set[str] = frozenset(),
    prefix: str = "",
) -> None:
    """Add nodes (id, group path, attributes) to `g`, nested in one cluster per group path prefix
    (named `cluster_<prefix><k>`).

    Sibling clusters come in their names' natural order (neuron 2 before neuron 10) and, with `align`
    (the graph's direction), are kept in that order down the picture (across, for TB/BT): each one's
    last node (a neuron's output) is tied to the next one's. The nodes of `columns` directly inside a
    cluster form one column (a row, for TB/BT) in their order: a layer's neurons 1, 2, 3... top to bottom.
    """
    tree: dict = {}
    for item in items:
        level = tree
        for part in item[1]:
            level = level.setdefault(part, {})
        level.setdefault(None, []).append(item)
    _emit(g, tree, [0], 0, align, columns, prefix)


def _natural(part: str) -> list:
    return [int(t) if i % 2 else t for i, t in enumerate(re.split(r"(\d+)", part))]


def _last_id(tree: dict) -> str | None:
    """The id of the last node in a cluster tree (its own nodes first, then its clusters')."""
    ids = [item[0] for item in tree.get(None, [])]
    ids += [i for part, sub in tree.items() if part is not None and (i := _last_id(sub))]
    return ids[-1] if ids else None


def in_order(g: graphviz.Digraph, ids: Sequence[str], align: str) -> None:
    """Keep nodes `ids` in one rank, in their order: top to bottom for LR/RL, left to right for TB/BT."""
    with g.subgraph() as same:
        same.attr(rank="same")
        for node_id in ids:
            same.node(node_id)
    for a, b in pairwise(ids):
        # An invisible edge fixes the order: its tail goes left (TB), which LR turns into below.
        g.edge(*((b, a) if align in ("LR", "RL") else (a, b)), style="invis")


def _emit(
    g: graphviz.Digraph,
    tree: dict,
    counter: list[int],
    depth: int,
    align: str | None,
    columns: set[str],
    prefix: str,
) -> None:
    items = tree.get(None, [])
    stacked = [item for item in items if item[0] in columns] if align and depth > 0 else []
    for node_id, _, attrs in items:
        g.node(node_id, **attrs)
    if len(stacked) > 1:
        in_order(g, [item[0] for item in stacked], align)
    parts = sorted((part for part in tree if part is not None), key=_natural)
    for part in parts:
        with g.subgraph(name=f"cluster_{prefix}{counter[0]}") as sub:
            counter[0] += 1
            outer = depth == 0
            sub.attr(
                label=f"<{font(html_text(part), MUTED, 12 if outer else 10, bold=outer)}>",
                style="rounded,dashed" if outer else "rounded,filled", fontname=FONT, labeljust="l",
                color="#9ca3af" if outer else "#d1d5db", fillcolor="white" if outer else "#f9fafb",
                tooltip=safe_attr(part),
            )  # fmt: skip
            _emit(sub, tree[part], counter, depth + 1, align, columns, prefix)
    anchors = [_last_id(tree[part]) for part in parts]
    if align and depth > 0 and len(parts) > 1 and all(anchors):
        in_order(g, anchors, align)
