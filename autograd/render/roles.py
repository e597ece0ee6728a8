"""Roles (the colours of a picture) and groups (its clusters) of a Value graph's nodes.

The engine stores neither, so both come from the caller, with defaults read from the graph and its labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from ..value import Value

ROLES = ("input", "parameter", "constant", "intermediate", "loss")
_ALIASES = {"target": "constant", "output": "loss"}

# Labels a teacher gives weights and biases (w5, b1, W1_21, L2.b_1, θ) and targets (t1, y, L3.y_1).
_PARAMETER = re.compile(r"(?:^|\.)(?:[wWb]|theta|θ)(?:\d|_|\[|$)")
_TARGET = re.compile(r"(?:^|\.)(?:t|y|target)(?:\d|_|\[|$)")

NodeKey = Value | str
Group = tuple[str, ...]
Grouping = Callable[[Value], str | Sequence[str] | None] | Mapping[NodeKey, str | Sequence[str]]


def _by_key(
    nodes: Sequence[Value], mapping: Mapping[NodeKey, object], what: str, strict: bool
) -> dict[Value, object]:
    """A mapping keyed by nodes or labels, keyed by nodes; keys not in the graph are errors if `strict`."""
    by_label: dict[str, list[Value]] = {}
    for node in nodes:
        if node.label is not None:
            by_label.setdefault(node.label, []).append(node)
    members = set(nodes)
    result: dict[Value, object] = {}
    for key, value in mapping.items():
        if not isinstance(key, (Value, str)):
            raise TypeError(f"{what}: keys must be nodes or labels, got {type(key).__name__} {key!r}")
        found = ([key] if key in members else []) if isinstance(key, Value) else by_label.get(key, [])
        if not found and strict:
            if isinstance(key, Value):
                raise ValueError(f"{what}: {key!r} is not in the graph being drawn")
            known = ", ".join(sorted(by_label)[:12]) + (", …" if len(by_label) > 12 else "")
            raise ValueError(f"{what}: no node is labelled {key!r}; the labels are: {known}")
        for node in found:
            result[node] = value
    return result


def select(nodes: Sequence[Value], keys: Iterable[NodeKey] | NodeKey, what: str) -> set[Value]:
    """The nodes named by `keys` (nodes or labels, or just one), checked against the graph."""
    if isinstance(keys, (str, Value)):
        keys = [keys]
    return set(_by_key(nodes, dict.fromkeys(keys, True), what, strict=True))


def default_role(node: Value, root: Value) -> str:
    """The role a node gets unless told otherwise (see `node_roles`)."""
    if node is root:
        return "loss"
    if node.op is not None:
        return "intermediate"
    if node.label is None:
        return "constant"
    if _PARAMETER.search(node.label):
        return "parameter"
    if _TARGET.search(node.label):
        return "constant"
    return "input"


def node_roles(nodes: Sequence[Value], root: Value, roles: Mapping[NodeKey, str] | None) -> dict[Value, str]:
    """Each node's role: one of ROLES ("target" counts as "constant", "output" as "loss").

    `roles` maps nodes or labels to roles (keys not in this graph are ignored, so one mapping can serve
    several graphs). Otherwise: the root is the loss; computed nodes are
    intermediate; unlabelled leaves (plain numbers) are constants; labelled leaves are parameters when
    the label reads like a weight or bias (w…, W…, b…, θ…, also after a dotted prefix: `L1.W_21`),
    targets when it reads like a target (t…, y…, target…), and inputs otherwise.
    """
    result = {node: default_role(node, root) for node in nodes}
    for node, role in _by_key(nodes, roles or {}, "roles", strict=False).items():
        role = _ALIASES.get(role, role)
        if role not in ROLES:
            allowed = ", ".join((*ROLES, *_ALIASES))
            raise ValueError(f"roles: unknown role {role!r} for {node.describe()}; use one of {allowed}")
        result[node] = role
    return result


_LAYER = re.compile(r"^L(\d+)\.(.+)$")


def layer_neuron(node: Value) -> Group | None:
    """The default grouping: labels `L<k>.<name>_<j>` belong to layer `L<k>`, neuron j (as nn labels).

    A weight `L<k>.W_ji` (row j = the unit it feeds) belongs to neuron j: written `W_21`, `W_12,3`,
    `W_2_1`; a run of more than two digits (`W_1216`) is ambiguous and left to the node's users. A
    label without a unit (`L2.b`, a bias shared by the layer) belongs to the layer alone.
    """
    match = _LAYER.match(node.label or "")
    if match is None:
        return None
    layer, rest = f"L{match[1]}", match[2]
    numbers = re.findall(r"\d+", rest)
    if rest[:1] in "wW":
        if len(numbers) >= 2:
            numbers = numbers[:1]
        elif len(numbers) == 1 and len(numbers[0]) == 2:
            numbers = [numbers[0][0]]
        else:
            return None
    return (layer, f"neuron {int(numbers[0])}") if numbers else (layer,)


def node_groups(
    nodes: Sequence[Value], roles: Mapping[Value, str], groups: Grouping | bool | None
) -> dict[Value, Group]:
    """Each node's group path, outermost first (("L1", "neuron 2")), or () for none.

    `groups` is a function of a node or a mapping from nodes or labels (keys not in this graph are
    ignored), giving a name or a path; None
    uses `layer_neuron`; False draws no groups. A node left without a group, except inputs, targets and
    the loss, joins the group of its users when they all share one: so the unlabelled products and sums
    inside a neuron, and weights whose labels do not say, land in their neuron.
    """
    if groups is False:
        return dict.fromkeys(nodes, ())
    if groups is None or groups is True:
        lookup: Callable[[Value], object] = layer_neuron
    elif isinstance(groups, Mapping):
        lookup = _by_key(nodes, groups, "groups", strict=False).get
    else:
        lookup = groups
    result: dict[Value, Group] = {}
    for node in nodes:
        path = lookup(node)
        result[node] = (path,) if isinstance(path, str) else tuple(path or ())
    users: dict[Value, list[Value]] = {node: [] for node in nodes}
    for node in nodes:
        for parent in node.parents:
            users[parent].append(node)
    # Walking backwards, a node's users are settled before it, so a chain of unlabelled nodes resolves.
    for node in reversed(nodes):
        if result[node] or not users[node] or not _may_join(node, roles):
            continue
        found = {result[user] for user in users[node]}
        if len(found) == 1:
            result[node] = found.pop()
    return result


def _may_join(node: Value, roles: Mapping[Value, str]) -> bool:
    # Inputs and targets feed many neurons and belong to none; the loss sits outside the network.
    if roles[node] in ("input", "loss"):
        return False
    return not (roles[node] == "constant" and node.label is not None)
