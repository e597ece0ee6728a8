"""Chain-rule derivations as data: ∂output/∂node as a product of factors and brackets, with numbers.

A derivation runs between labelled nodes (the slides' names): unlabelled nodes in between fold into one
factor, the rule table's formulas multiplied along the way. Nodes that every path passes through split
the derivation into a product; a stretch with several paths becomes one bracket, the recursive form of
the slides: ∂f/∂h1 = ∂f/∂net_o1 · ∂net_o1/∂h1 + ∂f/∂net_o2 · ∂net_o2/∂h1 (δ_o1·w5 + δ_o2·w7).

A big sum (more than MAX_TERMS terms: a loss over 300 samples, x·1 + x·2 + … + x·249) is written as
the sum it is, `∂L/∂w = Σᵢ ∂L/∂ŷᵢ · ∂ŷᵢ/∂w`, with its first SHOWN_TERMS terms and a count: where
many ways through unlabelled nodes lead to a node, the sum is taken over the nodes that use it (the
multivariate chain rule at that node, as backpropagation adds it up). The work grows with the graph,
never with the number of paths through it.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from ..functional import gradients
from ..graph import forward_order, leading_to
from ..text import DIGITS, MAX_NAME, factor, formula, isolated, names, number, power, short_name
from ..text import expression as written
from ..value import Value

MAX_TERMS = 6  # a sum with more terms is a big sum: its first SHOWN_TERMS terms and how many more
SHOWN_TERMS = 3
MAX_SIDE = 160  # characters: a sum of products through unlabelled nodes longer than this is a big sum too


@dataclass(frozen=True)
class Factor:
    """One ∂upper/∂lower: its symbol, its formula from the rule table, and its value."""

    symbol: str
    formula: str
    value: float
    # For views that recompute the value (the page): the nodes of ∂upper/∂lower, and what it is: "link"
    # (through unlabelled nodes only, summed as `_below` says), "local" (the rule table's ∂upper/∂lower,
    # added over the inputs where upper takes lower), "" (a full gradient, or the upstream without ends).
    ends: tuple[Value, Value] | None = field(default=None, compare=False, repr=False)
    kind: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Bracket:
    """A sum of products: the derivative over a stretch of the graph that several paths cross."""

    terms: list[list[Factor]]
    value: float
    hidden: int = 0  # terms left out of the text (their values are in `value`)
    # a big sum's symbols, written once for all its terms: `Σᵢ ∂L/∂ŷᵢ · ∂ŷᵢ/∂w` (when terms are hidden)
    sum_symbol: str = ""
    # ∂upper/∂lower, the bracket's value: a link's (a sum over the nodes that use `lower`) or a full gradient
    ends: tuple[Value, Value] | None = field(default=None, compare=False, repr=False)
    kind: str = field(default="", compare=False, repr=False)


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
    links, fans = _links(forward, relevant, root, node, named)
    head = [Factor(f"∂{top}/∂{named[root].wrapped()}", "", upstream)] if loss else []
    parts = head + _chain(root, node, links, fans, named, top if not loss else named[root].wrapped())
    value = math.prod(part.value for part in parts)
    return Derivation(symbol, parts, value)


# --- the graph between labelled nodes ------------------------------------------------------------


# A link's fan: the nodes right above `lower` (in the stretch below a station) with ∂station/∂that node and
# the indices at which it takes `lower`; a big link is written as a sum over its fan.
Fan = list[tuple[Value, float, list[int]]]


def _links(forward, relevant, root, node, named) -> tuple[dict[Value, dict[Value, Factor]], dict]:
    """For each station (labelled node, root, node): the stations right below it, with the factor
    through the unlabelled nodes in between (a sum over them if several ways lead there); and the fan of
    each link that is a big sum (more than MAX_TERMS ways, or a sum of products longer than MAX_SIDE)."""
    stations = [n for n in forward if n in relevant and (n is root or n is node or n.label)]
    links: dict[Value, dict[Value, Factor]] = {}
    fans: dict[tuple[Value, Value], Fan] = {}
    for station in stations:
        links[station] = {}
        for lower, (factor_, fan) in _below(station, relevant, node, named).items():
            links[station][lower] = factor_
            if fan is not None:
                fans[station, lower] = fan
    return links, fans


def _is_station(n: Value, node: Value) -> bool:
    return bool(n.label) or n is node


def _below(station, relevant, node, named) -> dict[Value, tuple[Factor, Fan | None]]:
    """The stations right below `station`: each one's Factor, and its fan when the link is a big sum.

    The value of ∂station/∂n through unlabelled nodes (a link's value, and each ∂station/∂u of a fan):
    where at most MAX_TERMS ways lead from `station` to n, the exactly rounded sum of the ways'
    products of local gradients (math.fsum); past that, added up node by node, each node's ∂station/∂n
    the exactly rounded sum of its users' contributions (math.fsum), newest node first (parents are
    older than their nodes). The formulas are written out way by way only for links of at most
    MAX_TERMS ways, so the work never grows with the number of ways."""
    between, stack = {station}, [station]
    while stack:
        for parent in stack.pop().parents:
            if parent in relevant and parent not in between and not _is_station(parent, node):
                between.add(parent)
                stack.append(parent)
    ways: dict[Value, int] = defaultdict(int, {station: 1})
    parts: dict[Value, list[float]] = defaultdict(list, {station: [1.0]})  # contributions to ∂station/∂n
    summed: dict[Value, float] = {}  # ∂station/∂n added up node by node
    fans: dict[Value, dict[Value, list[int]]] = defaultdict(dict)  # lower -> {node using it: indices}
    for current in sorted(between, key=lambda n: n.seq, reverse=True):
        g = summed[current] = math.fsum(parts[current])
        for i, parent in enumerate(current.parents):
            if parent not in relevant:
                continue
            ways[parent] += ways[current]
            parts[parent].append(g * current.local[i])
            if parent not in between:
                fans[parent].setdefault(current, []).append(i)
    texts, products = _ways(station, between, ways, named)

    def value(n: Value) -> float:  # ∂station/∂n through unlabelled nodes
        return math.fsum(products[n]) if ways[n] <= MAX_TERMS else math.fsum(parts[n])

    found = {}
    for lower in sorted(fans, key=lambda n: n.seq):
        fan = [(user, value(user), fans[lower][user]) for user in sorted(fans[lower], key=lambda n: n.seq)]
        symbol = f"∂{named[station].wrapped()}/∂{named[lower].wrapped()}"
        # too many ways to write out: the formula is the symbol, as a bracket's gradients are written
        formula_ = _sum_of_products(texts[lower]) if ways[lower] <= MAX_TERMS else symbol
        big = ways[lower] > MAX_TERMS or (ways[lower] > 1 and len(formula_) > MAX_SIDE)
        factor_ = Factor(symbol, formula_, value(lower), (station, lower), "link")
        found[lower] = (factor_, fan if big else None)
    return found


def _ways(station, between, ways, named) -> tuple[dict[Value, list[list[str]]], dict[Value, list[float]]]:
    """Each way from `station` to each node with at most MAX_TERMS ways: the rule table's formulas
    along it (for the stations below) and its product of local gradients, from the top down. A node
    with more ways leads only to such nodes, so no way through it is followed: each node is visited at
    most MAX_TERMS times."""
    texts: dict[Value, list[list[str]]] = defaultdict(list)
    products: dict[Value, list[float]] = defaultdict(list)
    stack: list[tuple[Value, tuple | None, float]] = [(station, None, 1.0)]  # formulas as a linked list
    while stack:
        current, way, product = stack.pop()
        for i, parent in enumerate(current.parents):
            if parent not in ways or ways[parent] > MAX_TERMS:  # not on a way down, or on too many
                continue
            step = (formula(current, i, named), way)
            products[parent].append(product * current.local[i])
            if parent in between:
                stack.append((parent, step, product * current.local[i]))
            else:
                texts[parent].append(_unlinked(step))
    return texts, products


def _unlinked(texts: tuple | None) -> list[str]:
    out = []
    while texts is not None:
        text, texts = texts
        out.append(text)
    return out[::-1]


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


def _chain(root, node, links, fans, named, top) -> list[Factor | Bracket]:
    """∂root/∂node as a product over the stations every path crosses; brackets where paths split."""
    order = list(links)  # forward order
    from_root = _count_paths(root, links, order[::-1], down=True)
    to_node = _count_paths(node, links, order, down=False)
    total = from_root[node]
    cuts = [s for s in order[::-1] if from_root[s] * to_node[s] == total]  # root first, node last
    parts: list[Factor | Bracket] = []
    for upper, lower in itertools.pairwise(cuts):
        upper_top = top if upper is root else None
        if lower in links[upper] and from_root[lower] == from_root[upper]:  # one link, one way
            fan = fans.get((upper, lower))
            parts.append(
                links[upper][lower] if fan is None else _fan_in(upper, lower, fan, links, named, upper_top)
            )
        else:
            parts.append(_bracket(upper, lower, links, named, upper_top))
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
            terms.append([_own(local, upper, lower, named) if len(above) > 1 else local])
        else:
            symbol = f"∂{top}/∂{named[u].wrapped()}"
            terms.append([Factor(symbol, symbol, g, (upper, u)), local])
    value = math.fsum(math.prod(f.value for f in term) for term in terms)
    bracket = _summed(terms, value, top, [named[u] for u in above if u is not upper], named[lower].wrapped())
    return replace(bracket, ends=(upper, lower))


def _fan_in(upper, lower, fan: Fan, links, named, top) -> Bracket:
    """∂upper/∂lower through unlabelled nodes as a sum over the nodes u that use `lower`:
    Σ ∂upper/∂u · ∂u/∂lower, ∂upper/∂u through the nodes in between, ∂u/∂lower from the rule table.
    Its value is the link's (`_below`)."""
    top = top or named[upper].wrapped()
    lower_name = named[lower].wrapped()
    terms = []
    for user, g, indices in fan:
        local = Factor(
            f"∂{named[user].wrapped()}/∂{lower_name}",
            " + ".join(formula(user, i, named) for i in indices),
            math.fsum(user.local[i] for i in indices),
            (user, lower),
            "local",
        )
        if user is upper:
            terms.append([_own(local, upper, lower, named) if len(fan) > 1 else local])
        else:
            symbol = f"∂{top}/∂{named[user].wrapped()}"
            terms.append([Factor(symbol, symbol, g, (upper, user), "link"), local])
    value = links[upper][lower].value
    bracket = _summed(terms, value, top, [named[u] for u, _, _ in fan if u is not upper], lower_name)
    return replace(bracket, ends=(upper, lower), kind="link")


def _own(local: Factor, upper: Value, lower: Value, named) -> Factor:
    """`upper`'s own local gradient in a sum over the paths to `lower`, written by `upper`'s expression:
    ∂L/∂s · ∂s/∂a + ∂(s − a)/∂a, since a second ∂L/∂a there would read as the whole sum."""
    own = written(upper, [named[p] for p in upper.parents], DIGITS)
    if len(own.text) > MAX_NAME:
        own = short_name(upper, named)
    return replace(local, symbol=f"∂{own.wrapped()}/∂{named[lower].wrapped()}")


def _summed(terms: list[list[Factor]], value: float, top: str, users: list, lower: str) -> Bracket:
    """A bracket of `terms`; past MAX_TERMS, a big sum: its first SHOWN_TERMS terms and its Σ symbol."""
    if len(terms) <= MAX_TERMS:
        return Bracket(terms, value)
    u = _indexed(users)
    return Bracket(terms[:SHOWN_TERMS], value, len(terms) - SHOWN_TERMS, f"Σᵢ ∂{top}/∂{u} · ∂{u}/∂{lower}")


def _indexed(users: list) -> str:
    """The i-th of `users` (their Names) as a symbol: ŷᵢ for labels ŷ1, ŷ2, …; else uᵢ."""
    stems = {re.fullmatch(r"(.*?\D)_?\d+", name.text) for name in users}
    if None not in stems and len({m[1] for m in stems}) == 1 and not any(n.derived for n in users):
        stem = next(iter(stems))[1]
        if re.fullmatch(r"[^\W\d_]\W?", stem):  # one letter (ŷ, h): a subscript reads as its index
            return f"{stem}ᵢ"
    return "uᵢ"


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
    return _links(forward, relevant, net, w, names(forward))[0][net].get(w)
