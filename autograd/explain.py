"""Chain-rule derivations with numbers: ∂output/∂node as a sum over paths of products of local gradients.

Paths run between labelled nodes (the slides' names); the unlabelled nodes between two labelled ones
fold into one factor, the total derivative of the upper with respect to the lower through them.
"""

from __future__ import annotations

import math
from collections import defaultdict

from .backward import gradients, topological_order
from .value import Value

MAX_PATHS = 4  # with more paths than this, the one-step (recursive) form reads better


def explain(root: Value, node: Value, upstream: float = 1.0, loss: str | None = None) -> str:
    """∂root/∂node as symbols, numbers and their result, in one line; equal to what backward gives.

    `upstream` is ∂loss/∂root when the root sits inside a bigger graph whose output is named `loss`.
    """
    top = loss or _name(root)
    target = f"∂{top}/∂{_name(node)}"
    links = _links(root, node)
    routes = _routes(root, node, links)
    head = [(top, _name(root), upstream)] if loss else []
    if routes is None:
        return _recursive_form(root, node, links, target, head)
    if not routes:
        return f"{target} = 0 ({_name(root)} does not depend on {_name(node)})"
    terms = [head + route for route in routes]
    total = math.fsum(math.prod(value for *_, value in term) for term in terms)
    if len(terms) == 1 and len(terms[0]) == 1:
        return f"{target} = {_fmt(total)}"
    symbols = " + ".join(" · ".join(f"∂{upper}/∂{lower}" for upper, lower, _ in term) for term in terms)
    numbers = " + ".join(" · ".join(_fmt(value) for *_, value in term) for term in terms)
    return f"{target} = {symbols} = {numbers} = {_fmt(total)}"


def _links(root: Value, node: Value) -> dict[Value, dict[Value, float]]:
    """For each labelled node (and the root) on the way to `node`: the labelled nodes right below it,
    with the total derivative through the unlabelled nodes in between."""
    relevant = {node}
    for current in reversed(topological_order(root)):  # parents before children
        if any(p in relevant for p in current.parents):
            relevant.add(current)
    # in creation order, so that derivations read in the graph's own order (o1 before o2)
    stations = sorted((n for n in relevant if n is root or n is node or n.label is not None), key=_created)
    links: dict[Value, dict[Value, float]] = {}
    for station in stations:
        below: dict[Value, float] = defaultdict(float)
        stack = [(station, 1.0)]
        while stack:
            current, product = stack.pop()
            for parent, local in zip(current.parents, current.local):
                if parent not in relevant:
                    continue
                if parent.label is not None or parent is node:
                    below[parent] += product * local
                else:
                    stack.append((parent, product * local))
        links[station] = dict(sorted(below.items(), key=lambda item: item[0].seq))
    return links


def _routes(root: Value, node: Value, links) -> list[list[tuple[str, str, float]]] | None:
    if root not in links:
        return []
    found: list[list[tuple[str, str, float]]] = []
    stack: list[tuple[Value, list]] = [(root, [])]
    while stack:
        current, route = stack.pop()
        if current is node:
            found.append(route)
            if len(found) > MAX_PATHS:
                return None
            continue
        for lower, value in reversed(list(links[current].items())):
            stack.append((lower, [*route, (_name(current), _name(lower), value)]))
    return found


def _recursive_form(root: Value, node: Value, links, target: str, head) -> str:
    # Too many paths to list: one step of the chain rule over the labelled nodes right above `node`.
    above = [station for station, below in links.items() if node in below]
    grads = gradients(root, above)
    scale = math.prod(value for *_, value in head)
    top = target[1 : target.index("/")]  # the output's name, from "∂top/∂node"
    symbols = " + ".join(f"∂{top}/∂{_name(u)} · ∂{_name(u)}/∂{_name(node)}" for u in above)
    numbers = " + ".join(f"{_fmt(g * scale)} · {_fmt(links[u][node])}" for u, g in zip(above, grads))
    total = math.fsum(g * scale * links[u][node] for u, g in zip(above, grads))
    return f"{target} = {symbols} = {numbers} = {_fmt(total)}"


def _created(node: Value) -> int:
    return node.seq


def _name(node: Value) -> str:
    return node.label if node.label is not None else (node.op.symbol if node.op else f"{node.data:g}")


def _fmt(x: float) -> str:
    return f"{x:.4g}"
