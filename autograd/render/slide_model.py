"""The slide view's model: a Value graph as boxes and arrows (`SlideGraph`), a neuron's net input fused.

The drawing is `autograd.render.slide_draw`, the split into parts `autograd.render.slide_parts`; all
of it is gathered in `autograd.render.slide`.

Fusing: an unlabelled +, −, · or negation that is used once, by another such node or by the box it
feeds, is drawn inside that box. A labelled (or output) node computed by such a tree from labelled
nodes (Σ w·x + b) becomes one box whose arrows come straight from w5, h1, w6, h2, b2; a fused arrow
carries ∂box/∂input, the sum over the fused paths of products of `node.local` (the engine's local
gradients: nothing here differentiates). A tree feeding an unlabelled node of another kind (σ, ²) is
drawn as one box of its own, named by its expression. Unlabelled constants used once go into their
user's box (their number is in its formula).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..graph import forward_order
from ..text import DIGITS, Name, constant_text, expression, formula, names, number
from ..value import Value
from .captions import consumers, held_gradients
from .graph import check_options, op_text
from .roles import Grouping, NodeKey, node_groups, node_roles

FUSABLE = frozenset({"add", "sub", "mul", "neg"})  # operations a net input is made of
SUM = "Σ"


@dataclass(frozen=True)
class Box:
    """One box of the slide picture (see the module's docstring)."""

    id: str  # the DOT node id ("n3": the node's place in forward order), stable for a given graph
    node: Value  # the node it shows (a fused net-input box shows the net node)
    name: str  # the label, or the node's expression (w5·h1) if unlabelled
    value: str | None  # the number as the picture writes it (None: not shown, e.g. a constant)
    grad: str | None  # likewise for the gradient (None: no gradient shown)
    op: str | None  # the operation's symbol ('+', '·', 'σ', 'exp'; 'Σ' for a fused net input)
    role: str  # 'input' | 'parameter' | 'constant' | 'intermediate' | 'loss'
    fused: tuple[Value, ...] = ()  # nodes drawn inside this box (products and partial sums of a net)
    formula: str = ""  # what the box computes, as text: "w5·h1 + w6·h2 + b2" for a fused net
    group: tuple[str, ...] = ()  # the node's group path (layer, neuron), for splitting into parts


@dataclass(frozen=True)
class Arrow:
    """An arrow between two boxes, labelled with the local gradient ∂head/∂tail."""

    tail: str
    head: str
    local: str  # as text ("0.5933"); a fused box's arrows: the sum over paths of products of node.local
    value: float = 0.0  # the same as a number
    rule: str = ""  # the rule table's formula with names put in (o1·(1 − o1)); "" for a fused arrow


@dataclass(frozen=True)
class SlideGraph:
    """A graph as the slide view draws it: boxes in forward order, arrows, the root."""

    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    root: Value
    context: frozenset[str] = frozenset()  # ids of boxes repeated from a neighbouring part (muted)
    title: str | None = None
    compact: bool | None = (
        None  # value and gradient on one line in each box; None: as `slide_digraph` guesses
    )

    def box(self, box_id: str) -> Box:
        """The box with this id; KeyError naming it if there is none."""
        for box in self.boxes:
            if box.id == box_id:
                return box
        raise KeyError(f"no box {box_id!r} in this slide graph")


def owners(nodes: Sequence[Value], root: Value) -> dict[Value, Value]:
    """Each node's box: the node itself, or for a fused node the node whose box draws it."""
    used = consumers(nodes)

    def candidate(node: Value) -> bool:
        return (
            node.op is not None and node.op.name in FUSABLE and not node.label and node is not root
            and len(used[node]) == 1
        )  # fmt: skip

    def head(node: Value) -> bool:  # a box a net input may be fused into
        return node.op is not None and node.op.name in FUSABLE and (bool(node.label) or node is root)

    def term(node: Value, user: Value) -> bool:  # products and partial sums go into a sum, factors into a
        # product; a sum inside a product stays a box of its own: (x + y)·z keeps its add gate
        return user.op.name in ("add", "sub") or node.op.name in ("mul", "neg")

    owner: dict[Value, Value] = {}
    for node in reversed(nodes):  # users first, so a chain resolves from its top
        user = used[node][0][0] if len(used[node]) == 1 else None
        if candidate(node) and user is not None and (candidate(user) or head(user)) and term(node, user):
            owner[node] = owner[user]
        elif node.op is None and not node.label and user is not None and len(node.parents) == 0:
            owner[node] = owner[user]  # a constant used once: its number is in the user's formula
        else:
            owner[node] = node
    return owner


def _formula(computed: Sequence[Value], named: Mapping[Value, Name], digits: int) -> Name:
    """What a box computes, written with the names of the boxes it is computed from: its computed
    members in forward order, the box's node last (a loop, not recursion: a sum of 500 products is
    500 members deep)."""
    shown: dict[Value, Name] = {}
    for member in computed:
        shown[member] = expression(member, [shown.get(p) or named[p] for p in member.parents], digits)
    return shown[computed[-1]]


def fused_locals(box: Value, members: Sequence[Value]) -> dict[Value, float]:
    """∂box/∂input for each input of a fused box: the sum over paths through `members` (in forward
    order, `box` last) of products of local gradients, each sum exactly rounded (`math.fsum`, as
    `text.shown_gradients` sums), so paths that cancel give 0."""
    inside = set(members)
    terms: dict[Value, list[float]] = {box: [1.0]}
    outside: dict[Value, list[float]] = {}
    for node in reversed(members):
        adjoint = math.fsum(terms.get(node, ()))
        for parent, local in zip(node.parents, node.local):
            (terms if parent in inside else outside).setdefault(parent, []).append(adjoint * local)
    return {parent: math.fsum(t) for parent, t in outside.items()}


def slide_graph(
    root: Value,
    *,
    digits: int = DIGITS,
    roles: Mapping[NodeKey, str] | None = None,
    groups: Grouping | bool | None = None,
    show_grad: bool = True,
) -> SlideGraph:
    """`root`'s graph as the slide view draws it: boxes (fused net inputs) and arrows.

    Values and gradients are the nodes' `.data` and `.grad` (call `root.backward()` first), written to
    `digits` significant digits; roles and groups as for `autograd.render.draw`. Raises ValueError for
    bad `digits` and for a role or group key that names no node.
    """
    check_options("LR", digits)
    nodes = forward_order(root)
    owner = owners(nodes, root)
    named = names(nodes, digits)
    role_of = node_roles(nodes, root, roles)
    group_of = node_groups(nodes, role_of, groups)
    index = {node: k for k, node in enumerate(nodes)}
    grads = held_gradients(root) if show_grad else {}
    members: dict[Value, list[Value]] = {}
    for node in nodes:
        members.setdefault(owner[node], []).append(node)
    boxes, arrows = [], []
    for node in nodes:
        if owner[node] is not node:
            continue
        fused = tuple(m for m in members[node] if m is not node)
        computed = [m for m in members[node] if m.op is not None]
        text = _formula(computed, named, digits).text if node.op is not None else ""
        symbol = op_text(node, digits) if node.op is not None else None
        if symbol is not None and any(m.op is not None for m in fused) and node.op.name in ("add", "sub"):
            symbol = SUM
        shown = not (node.op is None and not node.label)  # a constant's name already is its value
        boxes.append(
            Box(
                id=f"n{index[node]}",
                node=node,
                name=named[node].text,
                value=number(node.data, digits) if shown else None,
                grad=number(grads[node], digits) if show_grad else None,
                op=symbol,
                role=role_of[node],
                fused=fused,
                formula=text,
                group=group_of[node],
            )
        )
        if len(computed) == 1:  # the node alone: its edges as the full view labels them
            for i, parent in enumerate(node.parents):
                if owner[parent] is node:
                    continue
                rule = formula(node, i, named, digits)
                local = constant_text(rule, node.local[i]) or number(node.local[i], digits)
                arrows.append(Arrow(f"n{index[parent]}", f"n{index[node]}", local, node.local[i], rule))
        elif computed:
            for parent, local in fused_locals(node, computed).items():
                if owner[parent] is node:
                    continue
                arrows.append(Arrow(f"n{index[parent]}", f"n{index[node]}", number(local, digits), local))
    return SlideGraph(tuple(boxes), tuple(_merge(arrows, digits)), root)


def _merge(arrows: list[Arrow], digits: int) -> list[Arrow]:
    # x·x or x + x: one arrow per (tail, head) pair in the picture, its local gradients added
    together: dict[tuple[str, str], list[Arrow]] = {}
    for arrow in arrows:
        together.setdefault((arrow.tail, arrow.head), []).append(arrow)
    merged = []
    for (tail, head), same in together.items():
        if len(same) == 1:
            merged.append(same[0])
        else:  # no one rule for x·x
            total = math.fsum(a.value for a in same)
            merged.append(Arrow(tail, head, number(total, digits), total))
    return merged


def natural_key(text: str) -> list:
    """A sort key that orders numbers in text by value: h2 before h10, s1 before s2."""
    return [int(t) if i % 2 else t for i, t in enumerate(re.split(r"(\d+)", text))]
