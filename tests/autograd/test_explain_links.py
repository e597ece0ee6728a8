"""A link's value (∂upper/∂lower through unlabelled nodes), as docs/explanations.md defines it: where at most
MAX_TERMS ways lead down, the exactly rounded sum (math.fsum) of the ways' products of local gradients; past
that, added up node by node, each node's sum the exactly rounded sum of its users' contributions."""

import math
import re
from pathlib import Path

from hypothesis import given

from autograd import Value, forward_order
from autograd.explain import derive, explain
from autograd.explain.chain import MAX_TERMS, Bracket, Factor
from tests.support.graphs import tiny_beside_cancelling_ways
from tests.support.strategies import labelled_graphs


def test_a_links_ways_are_added_exactly():
    out, n1 = tiny_beside_cancelling_ways()
    assert explain(out, n1).endswith(" = 1.839e−157")


def _reference(upper: Value, lower: Value, through) -> float:
    """The definition, by brute force: every way from upper to lower through `through` nodes."""
    products = []
    stack = [(upper, 1.0)]
    while stack:
        current, value = stack.pop()
        for i, p in enumerate(current.parents):
            if p is lower:
                products.append(value * current.local[i])
            elif through(p):
                stack.append((p, value * current.local[i]))
    if len(products) <= MAX_TERMS:
        return math.fsum(products)
    parts = {upper: [1.0]}
    for n in sorted(forward_order(upper), key=lambda n: n.seq, reverse=True):
        if n is lower or n not in parts or not (n is upper or through(n)):
            continue
        g = math.fsum(parts[n])
        for i, p in enumerate(n.parents):
            parts.setdefault(p, []).append(g * n.local[i])
    return math.fsum(parts[lower])


def _factors(parts):
    for part in parts:
        if isinstance(part, Factor):
            yield part
        else:
            assert isinstance(part, Bracket)
            for term in part.terms:
                yield from term


@given(labelled_graphs())
def test_every_link_is_its_ways_added_as_defined(root):
    checked = 0
    for node in forward_order(root):
        if not node.label or node is root:
            continue
        d = derive(root, node)
        through = lambda n, node=node: not n.label and n is not node  # noqa: E731
        for f in _factors(d.parts):
            if f.kind == "link":
                assert f.value == _reference(*f.ends, through), f.symbol
                checked += 1
            elif f.kind == "local":
                upper, lower = f.ends
                assert f.value == math.fsum(upper.local[i] for i, p in enumerate(upper.parents) if p is lower)
        for part in d.parts:
            if isinstance(part, Bracket) and part.kind == "link":
                assert part.value == _reference(*part.ends, through)


def test_the_page_counts_ways_as_explain_does():
    page = (Path(__file__).parents[2] / "autograd/page/compute.js").read_text()
    assert int(re.search(r"const LINK_WAYS = (\d+);", page)[1]) == MAX_TERMS
