"""A class's worksheets for the grading tests, and answers written as the students of the tests write them.

`worksheets(name)` draws a small class on a catalog example (or the teacher's expression below);
`shifted_answers` is the engine's own answer key for a student who wrote one sum wrong and went on
right from there; `CHEN_WRONG_AT` says where each mistake of the lab shows on chen-2-2-2 once error
is carried forward, stated from the graph's shape.
"""

from __future__ import annotations

from functools import cache

from autograd import Value, exercises, forward_order
from autograd.exercises.worksheet import Worksheet, Worksheets, make_worksheets
from demos.examples import catalog
from demos.examples.user import from_expression

EXPRESSION = ("net = w*x + b; h = sigmoid(net); E = (h - y)^2", {"w": 0.6, "x": 1.5, "b": -0.2, "y": 0.3})

# The first wrong number of each chain on chen-2-2-2 (the rest follow from it and are carried).
CHEN_WRONG_AT: dict[str, set[str] | str] = {
    "assign": {"b2", "h1", "h2", "b1", "i1", "i2"},  # the nodes used twice keep one contribution
    "sigmoid-from-net": {"net_o1", "net_o2", "net_h1", "net_h2"},  # every sigmoid's input
    "slope-of-wrong-vector": {"net_o1", "net_o2", "net_h1", "net_h2"},
    "canonical-shortcut": {"net_o1", "net_o2"},  # the output sigmoids under the squared error
    "no-transpose": {"h1", "h2"},  # W₂ instead of W₂ᵀ going back to the hidden layer
    "outer-product-order": {"w6", "w7", "w2", "w3"},  # the off-diagonal weights trade places
    "no-topological-order": {"net_h1", "net_h2", "w1", "w2", "w3", "w4", "b1", "i1", "i2"},
    "no-zero-grad": "every gradient",
}


@cache
def worksheets(name: str, count: int = 3, seed: int = 7) -> Worksheets:
    """`count` students' worksheets (ids s0, s1…, names "Student 0"…) on the example `name`."""
    example = from_expression(*EXPRESSION) if name == "expression" else catalog.get(name)
    graph = example.build()
    root = graph.outputs[0]
    ranges = exercises.ranges_for(exercises.drawn_leaves(root))
    students = [(f"s{k}", f"Student {k}") for k in range(count)]
    return make_worksheets(name, root, students, seed, ranges, upstream=graph.upstream)


def chen_wrong_at(sheet: Worksheet, key: str) -> set[str]:
    """The names of the blanks where the mistake `key` writes the first wrong number on chen-2-2-2."""
    where = CHEN_WRONG_AT[key]
    return {b.name for b in sheet.blanks if b.quantity == "gradient"} if where == "every gradient" else where


def shifted_answers(sheet: Worksheet, blank_number: int, delta: float) -> dict[int, float]:
    """Every blank's answer on the variant's graph rebuilt with `delta` added to the asked node's value:
    the engine's numbers for a student who wrote that node wrong and everything after it right. (For
    a sum only: the added leaf passes the gradient on unchanged.)"""
    nodes = forward_order(sheet.variant.root)
    shifted_at = nodes[next(b.node for b in sheet.blanks if b.number == blank_number)]
    new: dict[Value, Value] = {}
    for node in nodes:
        if node.op is None:
            new[node] = Value(node.data, node.label)
        else:
            new[node] = Value.apply(node.op, *(new[p] for p in node.parents), **(node.params or {}))
        if node is shifted_at:
            new[node] = new[node] + Value(delta)
    new[nodes[-1]].backward(sheet.variant.upstream)
    return {
        b.number: new[nodes[b.node]].data if b.quantity == "value" else new[nodes[b.node]].grad
        for b in sheet.blanks
    }
