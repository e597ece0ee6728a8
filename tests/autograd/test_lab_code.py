"""The mistakes lab shows what it runs (issue 26): each mistake's shown code, run as Python on a copy of
the graph whose nodes have a writable .grad, leaves the numbers its pass reports, over the catalog and
random graphs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from autograd import Value, topological_order
from autograd.graph import forward_order
from autograd.lab import MISTAKES
from autograd.lab.passes import MAX_CALLS, _path_count, engine_gradients, sigmoid_outputs
from demos.examples.catalog import EXAMPLES
from tests.support.strategies import engine_lib, programs


class Node:
    """A node as the shown code reads it: parents, local gradients, data, op, and a .grad it writes."""

    def __init__(self, value: Value):
        self.value, self.data, self.op, self.local, self.grad = value, value.data, value.op, value.local, 0.0
        self.parents: list[Node] = []


def _copy(root: Value) -> tuple[dict[Value, Node], Node]:
    nodes = {v: Node(v) for v in forward_order(root)}
    for v, node in nodes.items():
        node.parents = [nodes[p] for p in v.parents]
    return nodes, nodes[root]


def _names(nodes: dict[Value, Node], **more) -> dict:
    """What the shown code may name: topological_order over the copy, and `more`."""
    return {"topological_order": lambda r: [nodes[v] for v in topological_order(r.value)], **more}


def _right_pass_with(nodes, root, at, snippet_names) -> None:
    """The right pass, except that at each node `at` picks the shown snippet runs instead."""
    root.grad = 1.0
    for node in (nodes[v] for v in topological_order(root.value)):
        names = at(node)
        if names is not None:
            exec(snippet_names[0], names)  # the lab's own shown code, run as shown
            continue
        for parent, local in zip(node.parents, node.local):
            parent.grad += local * node.grad


def shown_code_result(key: str, root_value: Value, parameters: list[Value]) -> dict[Value, float]:
    """Run MISTAKES[key].code as shown on a copy of the graph; each node's .grad (.data for updates)."""
    code = MISTAKES[key].code
    nodes, root = _copy(root_value)
    if key == "no-topological-order":
        names = _names(nodes)
        exec(code, names)
        root.grad = 1.0  # as its first line's comment says: root.grad = 1.0; backward(root)
        names["backward"](root)
    elif key in ("assign", "no-zero-grad"):
        exec(code, _names(nodes, root=root, f=root))
    elif key == "drawn-before-backward":
        pictures = []

        def backward():
            for v, node in nodes.items():
                node.grad = 1.0 if v is root_value else v.grad  # any numbers: the picture was drawn

        root.backward = backward
        exec(code, {"f": root, "draw": lambda f: pictures.append({v: n.grad for v, n in nodes.items()})})
        return pictures[0]
    elif key == "sigmoid-from-net":
        snippet = code.split("\n", 1)[1]

        def at(node):
            sigmoid = node.op is not None and node.op.name == "sigmoid"
            return {"net": node.parents[0], "out": node} if sigmoid else None

        _right_pass_with(nodes, root, at, [snippet])
    elif key == "canonical-shortcut":
        snippet = code.split("\n", 1)[1]
        targets = {nodes[h]: nodes[y] for h, y in sigmoid_outputs(root_value).items()}

        def at(node):
            return {"net": node.parents[0], "h": node, "y": targets[node]} if node in targets else None

        _right_pass_with(nodes, root, at, [snippet])
    elif key == "wrong-sign":
        grads = engine_gradients(root_value, parameters, 1.0)
        for w in parameters:
            nodes[w].grad = grads[w]
        exec(code, {"parameters": [nodes[w] for w in parameters], "eta": 0.5})
        return {w: nodes[w].data for w in parameters}
    else:
        raise AssertionError(f"mistake {key!r}: this test does not run its shown code yet")
    return {v: node.grad for v, node in nodes.items()}


def _check(root: Value, parameters: list[Value]) -> None:
    for key, mistake in MISTAKES.items():
        if key == "no-topological-order" and _path_count(root) > min(MAX_CALLS, 20_000):
            continue  # the recursive pass (and Python's recursion) on a graph of very many paths
        shown = shown_code_result(key, root, parameters)
        extra = {"parameters": parameters, "eta": 0.5} if key == "wrong-sign" else {}
        ran = mistake.run(root, 1.0, **extra).values
        assert set(shown) <= set(ran) or key == "wrong-sign", key
        for node, number in shown.items():
            assert number == pytest.approx(ran[node], rel=1e-12, abs=1e-300), (key, node.label)


def test_every_mistake_has_its_shown_code_run_here():
    assert set(MISTAKES) == {
        "no-topological-order", "assign", "no-zero-grad", "drawn-before-backward", "sigmoid-from-net",
        "canonical-shortcut", "wrong-sign",
    }  # fmt: skip


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_shown_code_does_what_the_pass_does_on_every_example(name):
    for root in EXAMPLES[name].build().outputs:
        leaves = [v for v in forward_order(root) if v.op is None and v.label]
        _check(root, leaves)


@settings(max_examples=60, deadline=None)
@given(programs(ops=("add", "mul", "sub", "sigmoid", "tanh", "pow"), max_steps=10))
def test_the_shown_code_does_what_the_pass_does_on_random_graphs(program):
    xs = [Value(x, f"x{k}") for k, x in enumerate(program.inputs)]
    root = program.run(*xs, lib=engine_lib())[-1]
    _check(root, [x for x in xs if x in set(forward_order(root))])
