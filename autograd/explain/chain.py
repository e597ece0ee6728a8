"""Chain-rule derivations as data: ∂output/∂node as a product of factors and brackets, with numbers.

A derivation runs between labelled nodes (the slides' names): unlabelled nodes in between fold into one
factor, the rule table's formulas multiplied along the way. Nodes that every path passes through split
the derivation into a product; a stretch with several paths becomes one bracket, the recursive form of
the slides: ∂f/∂h1 = ∂f/∂net_o1 · ∂net_o1/∂h1 + ∂f/∂net_o2 · ∂net_o2/∂h1 (δ_o1·w5 + δ_o2·w7).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass

from ..functional import gradients
from ..graph import forward_order, leading_to
from ..text import factor, formula, isolated, names, number, power
from ..value import Value

MAX_TERMS = 6  # a bracket with more terms shows the first ones and says how many there are


@dataclass(frozen=True)
class Factor:
    """One ∂upper/∂lower: its symbol, its formula from the rule table, and its value."""

    symbol: str
    formula: str
    value: float


@dataclass(frozen=True)
class Bracket:
    """A sum of products: the derivative over a stretch of the graph that several paths cross."""

    terms: list[list[Factor]]
    value: float
    hidden: int = 0  # terms left out of the text (their values are in `value`)


@dataclass(frozen=True)
class Derivation:
    """∂top/∂node as a product of factors and brackets, and the engine's value of it."""

    symbol: str
    parts: list[Factor | Bracket]
    value: float


def derive(root: Value, node: Value, upstream: float = 1.0, loss: str | None = None) -> Derivation:
    """The derivation of ∂root/∂node (∂loss/∂node when the root sits in a bigger graph: `upstream`)."""
    forward = forward_order(root)
    named = names(forward)
    top = loss or named[root].wrapped()
    symbol = f"∂{top}/∂{named[node].wrapped() if node in named else isolated(node.label or '·')}"
    if node is root:
        return Derivation(symbol, [Factor(symbol, "", upstream)], upstream)
    relevant = leading_to(forward, [node])
    if root not in relevant:
        return Derivation(symbol, [], 0.0)
    links = _links(forward, relevant, root, node, named)
    head = [Factor(f"∂{top}/∂{named[root].wrapped()}", "", upstream)] if loss else []
    parts = head + _chain(root, node, links, named, top if not loss else named[root].wrapped())
    value = math.prod(part.value for part in parts)
    return Derivation(symbol, parts, value)


# --- the graph between labelled nodes ------------------------------------------------------------


def _links(forward, relevant, root, node, named) -> dict[Value, dict[Value, Factor]]:
    """For each station (labelled node, root, node): the stations right below it, with the factor
    through the unlabelled nodes in between (a sum over them if several ways lead there)."""
    stations = [n for n in forward if n in relevant and (n is root or n is node or n.label)]
    links: dict[Value, dict[Value, Factor]] = {}
    for station in stations:
        ways: dict[Value, list[tuple[float, list[str]]]] = defaultdict(list)
        stack = [(station, 1.0, [])]
        while stack:
            current, value, texts = stack.pop()
            for i, parent in enumerate(current.parents):
                if parent not in relevant:
                    continue
                step = (value * current.local[i], [*texts, formula(current, i, named)])
                if parent.label or parent is node:
                    ways[parent].append(step)
                else:
                    stack.append((parent, *step))
        links[station] = {
            lower: Factor(
                f"∂{named[station].wrapped()}/∂{named[lower].wrapped()}",
                _sum_of_products([texts for _, texts in found]),
                math.fsum(v for v, _ in found),
            )
            for lower, found in sorted(ways.items(), key=lambda item: item[0].seq)
        }
    return links


def _sum_of_products(products: list[list[str]]) -> str:
    terms = []
    for factors in products:
        kept = [factor(_tidy(f)) for f in factors if _tidy(f) != "1"]
        # a factor repeated along a chain is written once with its count: 1.0001¹⁰⁰⁰⁰, w·w·w as w³
        runs = [(f, len(list(group))) for f, group in itertools.groupby(kept)]
        texts = [f if n == 1 else power(f if _atomic(f) else f"({f})", n) for f, n in runs]
        terms.append("·".join(texts) if texts else "1")
    return " + ".join(terms)


def _atomic(text: str) -> bool:
    """Whether `text` takes an exponent as it is: a name or number, or one bracket around all of it."""
    if re.fullmatch(r"[\w.′]+", text):
        return True
    depth = 0
    for k, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return k == len(text) - 1 and k > 0  # the first bracket closes at the very end
    return False


def _tidy(text: str) -> str:
    # the rule table writes n·a^(n−1); with n put in, (2 − 1) reads better as 1, and x^1 as x
    text = re.sub(r"\((\d+(?:\.\d+)?)−1\)", lambda m: number(float(m.group(1)) - 1), text)
    return re.sub(r"\^1(?![\d.])", "", text)


def _chain(root, node, links, named, top) -> list[Factor | Bracket]:
    """∂root/∂node as a product over the stations every path crosses; brackets where paths split."""
    order = list(links)  # forward order
    from_root = _count_paths(root, links, order[::-1], down=True)
    to_node = _count_paths(node, links, order, down=False)
    total = from_root[node]
    cuts = [s for s in order[::-1] if from_root[s] * to_node[s] == total]  # root first, node last
    parts: list[Factor | Bracket] = []
    for upper, lower in itertools.pairwise(cuts):
        if lower in links[upper] and from_root[lower] == from_root[upper]:
            parts.append(links[upper][lower])  # one link, one way
        else:
            parts.append(_bracket(upper, lower, links, named, top if upper is root else None))
    return parts


def _count_paths(start, links, order, down: bool) -> dict[Value, int]:
    counts = defaultdict(int)
    counts[start] = 1
    for station in order:
        for lower in links[station]:
            if down:
                counts[lower] += counts[station]
            else:
                counts[station] += counts[lower]
    return counts


def _bracket(upper, lower, links, named, top) -> Bracket:
    """∂upper/∂lower = Σ over stations u right above `lower`: ∂upper/∂u · ∂u/∂lower."""
    above = [u for u, below in links.items() if lower in below and _reaches(upper, u, links)]
    grads = gradients(upper, above)
    top = top or named[upper].wrapped()
    terms = []
    for u, g in zip(above, grads):
        local = links[u][lower]
        if u is upper:
            terms.append([local])
        else:
            terms.append([Factor(f"∂{top}/∂{named[u].wrapped()}", f"∂{top}/∂{named[u].wrapped()}", g), local])
    value = math.fsum(math.prod(f.value for f in term) for term in terms)
    shown = terms if len(terms) <= MAX_TERMS else terms[: MAX_TERMS - 1]
    return Bracket(shown, value, len(terms) - len(shown))


def _reaches(upper: Value, u: Value, links) -> bool:
    stack, seen = [upper], {upper}
    while stack:
        current = stack.pop()
        if current is u:
            return True
        for lower in links.get(current, ()):
            if lower not in seen:
                seen.add(lower)
                stack.append(lower)
    return False


def direct_link(net: Value, w: Value) -> Factor | None:
    """∂net/∂w through unlabelled nodes only (w feeds this net input directly), or None."""
    forward = forward_order(net)
    relevant = leading_to(forward, [w])
    if net not in relevant:
        return None
    return _links(forward, relevant, net, w, names(forward))[net].get(w)
