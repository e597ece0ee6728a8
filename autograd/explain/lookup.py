"""Nodes named by the caller: a Value of the graph, or the label of exactly one of its nodes."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches

from ..value import Value

SHOWN_LABELS = 12  # an unknown label's error lists this many of the graph's labels, likeliest first


def find_node(nodes: Sequence[Value], key: Value | str, what: str) -> Value:
    """The node `key` names among `nodes` (a graph's nodes): the node itself, or its label's one node.

    A Value is returned as it is (a node outside the graph has derivative 0, which the caller says).
    Raises TypeError for anything else than a Value or a str; ValueError for a label no node has
    (listing some of the graph's labels) or one that several nodes share.
    """
    if isinstance(key, Value):
        return key
    if not isinstance(key, str):
        raise TypeError(f"{what}: a node must be a Value or a label (str), got {type(key).__name__} {key!r}")
    found = [n for n in nodes if n.label == key]
    if len(found) == 1:
        return found[0]
    if found:
        raise ValueError(
            f"{what}: {len(found)} nodes are labelled {key!r}; pass the node itself, or label them apart"
        )
    labels = list(dict.fromkeys(n.label for n in nodes if n.label is not None))
    if not labels:
        raise ValueError(f"{what}: no node is labelled {key!r}; this graph has no labels (pass the node)")
    labels = list(dict.fromkeys([*get_close_matches(key, labels, n=SHOWN_LABELS, cutoff=0.5), *labels]))
    more = f" and {len(labels) - SHOWN_LABELS} more" if len(labels) > SHOWN_LABELS else ""
    shown = ", ".join(map(repr, labels[:SHOWN_LABELS]))
    raise ValueError(f"{what}: no node is labelled {key!r}; the graph's labels are {shown}{more}")
