"""The mistakes lab shows what it runs (issue 26): each mistake's shown code, run as Python on a copy of
the graph whose nodes have a writable .grad, leaves the numbers its pass reports, over the catalog and
random graphs. The matrix form's mistakes (issue 27) show a line of NumPy: it runs on each layer's
matrices and gives the numbers the pass reports, or fails where the pass cannot run."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings

from autograd import OPS, Value, topological_order
from autograd.graph import forward_order
from autograd.lab import MISTAKES, CannotRun
from autograd.lab.matrix_passes import _inside
from autograd.lab.passes import MAX_CALLS, _path_count, engine_gradients, sigmoid_outputs
from autograd.layers import LayerError, find_layers
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


MATRIX_KEYS = ("no-transpose", "outer-product-order", "slope-of-wrong-vector")


def _array(rows) -> np.ndarray:
    return np.array([[x.data if isinstance(x, Value) else float(x) for x in row] for row in rows], float)


def matrix_shown_code_result(key: str, root: Value) -> dict[Value, float] | None:
    """Run MISTAKES[key].code as shown (NumPy) on each layer of the graph, its names bound to the layer's
    matrices (one column per pattern) and to the wrong pass's own numbers for the gradients the line
    reads; the nodes the line writes, with its numbers (a node used outside the layer too is left out).
    Where the pass cannot run (CannotRun), the shown line fails on the layer it names, or gives a
    matrix that does not fit W there; then None."""
    mistake = MISTAKES[key]
    try:
        layers = find_layers(root).layers
    except LayerError:
        with pytest.raises(CannotRun, match="no matrix form"):
            mistake.run(root, 1.0)
        return None
    users: dict[Value, set[Value]] = {}
    for node in forward_order(root):
        for parent in node.parents:
            users.setdefault(parent, set()).add(node)
    try:
        grads = mistake.run(root, 1.0).values
    except CannotRun as error:
        layer = layers[int(re.search(r"layer (\d+)", str(error))[1]) - 1]
        K, D = layer.shape
        names = {"W": _array(layer.weights), "da": np.ones((K, len(layer.inputs)))}
        names["h_prev"] = _array(zip(*layer.inputs))
        if key == "no-transpose":
            with pytest.raises(ValueError, match="matmul"):
                exec(mistake.code, names)
        else:
            exec(mistake.code, names)
            assert names["dW"].shape == (D, K) != names["W"].shape
        return None
    shown: dict[Value, float] = {}
    for k, layer in enumerate(layers, 1):
        inside = set(_inside(tuple(n for nets in layer.nets for n in nets)))
        columns = {"a": layer.nets, "h": layer.outputs, "h_prev": layer.inputs}
        names = {name: _array(zip(*cols)) for name, cols in columns.items()}
        names |= {
            "W": _array(layer.weights),
            "da": np.array([[grads[a] for a in col] for col in layer.nets]).T,
        }
        names["dh"] = np.array([[grads[h] for h in col] for col in layer.outputs]).T
        if key == "no-transpose" and k >= 2:
            exec(mistake.code, names)
            for p, col in enumerate(layer.inputs):
                for j, x in enumerate(col):
                    if users[x] <= inside:
                        shown[x] = names["dh_prev"][j, p]
        elif key == "outer-product-order":
            exec(mistake.code, names)
            sums: dict[Value, float] = {}
            for i, row in enumerate(layer.weights):
                for j, w in enumerate(row):
                    if isinstance(w, Value):
                        sums[w] = sums.get(w, 0.0) + names["dW"][i, j]
            shown |= {w: x for w, x in sums.items() if users[w] <= inside}
        elif key == "slope-of-wrong-vector" and layer.activation and not layer.scaled:
            h0 = layer.outputs[0][0]
            op, params = OPS[layer.activation], h0.params or {}
            names["g_prime"] = np.vectorize(
                lambda x, op=op, params=params: op.local_grads(x, out=op.forward(x, **params), **params)[0]
            )
            exec(mistake.code, names)  # g′ from the rule table's row, as the pass takes it
            for p, (nets, outs) in enumerate(zip(layer.nets, layer.outputs)):
                for i, (a, h) in enumerate(zip(nets, outs)):
                    if users[a] == {h}:
                        shown[a] = names["da"][i, p]
    return shown


def _check(root: Value, parameters: list[Value]) -> None:
    for key, mistake in MISTAKES.items():
        if key in MATRIX_KEYS:
            shown = matrix_shown_code_result(key, root)
            if shown is not None:
                ran = mistake.run(root, 1.0).values
                for node, number in shown.items():
                    assert number == pytest.approx(ran[node], rel=1e-12, abs=1e-300), (key, node.label)
            continue
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
        "canonical-shortcut", "wrong-sign", *MATRIX_KEYS,
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
