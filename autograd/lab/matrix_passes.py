"""The matrix form's wrong backward passes: a transpose left out or put in the wrong place, a slope taken
at the wrong vector.

The matrix form (Khapra, deck 004; `autograd.explain.matrix`) goes back through layer k as
∇_{aₖ} L = ∇_{hₖ} L ⊙ g′(aₖ), ∇_{Wₖ} L = ∇_{aₖ} L hₖ₋₁ᵀ, ∇_{bₖ} L = ∇_{aₖ} L,
∇_{hₖ₋₁} L = Wₖᵀ ∇_{aₖ} L. Each pass here gets one of these wrong and the rest right:
- "no-transpose": ∇_{hₖ₋₁} L = Wₖ ∇_{aₖ} L (k ≥ 2, as the matrix form goes back to hₖ₋₁ only there);
- "outer-product-order": ∇_{Wₖ} L = hₖ₋₁ ∇_{aₖ} Lᵀ, the transpose of the right matrix;
- "slope-of-wrong-vector": ∇_{aₖ} L = ∇_{hₖ} L ⊙ g′(hₖ), the rule-table row of g called at hₖ.

The layers are `autograd.layers.find_layers`'s. The equations are the scalar chain rule grouped into
vectors, so where the matrix form is right the pass runs the scalar rule node by node (the loss's parts
above the layers, the products and sums inside each net input, the inputs x), and at the one wrong place
it computes the wrong matrix equation entry by entry from the numbers it has so far. Every node gets
its number; the record lists each node once, in the order the layer-by-layer pass writes it: the loss's
parts and ŷ, then for k = L…1 ∇_{aₖ} L, the nodes inside the net inputs, ∇_{Wₖ} L, ∇_{bₖ} L,
∇_{hₖ₋₁} L, and last what lies below the inputs. `PassRecord.entries` names each node's entries
("W₂ row 1, column 2": `matrix_entries`), and `check_runs`
says, in that notation, why a mistake cannot run on a graph (this package ranks below
`autograd.explain`, whose `Notation` is LaTeX: the caller passes the names as text, as
`chainrule mistakes` does).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import Any

from ..graph import topological_order
from ..layers import Layer, LayerError, find_layers
from .matrix_entries import Names, entries, khapra_names
from .passes import PassRecord

NO_TRANSPOSE = "no-transpose"
OUTER_PRODUCT_ORDER = "outer-product-order"
SLOPE_OF_WRONG_VECTOR = "slope-of-wrong-vector"


class CannotRun(ValueError):
    """The mistake's wrong code cannot run on this graph; the message says why (the layer, the shapes).

    `applies` is False where the mistake has nothing to get wrong: the graph has no layers, or does
    not group into layers (its message then says that, not a shape)."""

    def __init__(self, message: str, applies: bool = True) -> None:
        super().__init__(message)
        self.applies = applies


def check_runs(root: Any, key: str, names: Names | None = None) -> tuple[Layer, ...]:
    """The layers of `root`'s graph, where mistake `key` (a matrix mistake) can run on them.

    Raises CannotRun with `applies` False where the graph has no layers ("the graph has no layers …")
    or does not group into layers (find_layers's reason), and with `applies` True where a product of
    the wrong code does not fit (naming the layer and shapes in `names`, Khapra's by default).
    """
    layers = _layers(root)
    if not layers:
        raise CannotRun("the graph has no layers: no unit computes g(Σ w·x + b)", applies=False)
    _check_shapes(layers, key, names or khapra_names)
    return layers


def _layers(root: Any) -> tuple[Layer, ...]:
    try:
        return find_layers(root).layers
    except LayerError as error:
        why = str(error).removeprefix("layers: ")
        raise CannotRun(f"the graph has no matrix form to get wrong: {why}", applies=False) from None


def no_transpose(root: Any, grad: float = 1.0) -> PassRecord:
    """The matrix form's backward pass with ∇_{hₖ₋₁} L = Wₖ ∇_{aₖ} L for k ≥ 2 (NO_TRANSPOSE.code).

    Raises CannotRun where some Wₖ (k ≥ 2) is not square, naming the layer and the shapes, or where the
    graph does not group into layers. A graph without layers gets the right pass (`check_runs` says
    the mistake does not apply there).
    """
    return _matrix_pass(root, grad, NO_TRANSPOSE)


def outer_product_order(root: Any, grad: float = 1.0) -> PassRecord:
    """The matrix form's backward pass with ∇_{Wₖ} L = hₖ₋₁ ∇_{aₖ} Lᵀ (OUTER_PRODUCT_ORDER.code).

    Entry (i, j) gets the gradient of entry (j, i). Raises CannotRun where some Wₖ is not square (the
    product is D×K, which does not fit the K×D matrix Wₖ) or the graph does not group into layers.
    """
    return _matrix_pass(root, grad, OUTER_PRODUCT_ORDER)


def slope_of_wrong_vector(root: Any, grad: float = 1.0) -> PassRecord:
    """The matrix form's backward pass with ∇_{aₖ} L = ∇_{hₖ} L ⊙ g′(hₖ) (SLOPE_OF_WRONG_VECTOR.code).

    g′ is the rule table's own row of the layer's activation (`local_grads`), called at the output hₖ
    instead of at its input. Raises CannotRun where the graph does not group into layers.
    """
    return _matrix_pass(root, grad, SLOPE_OF_WRONG_VECTOR)


def _matrix_pass(root: Any, grad: float, key: str) -> PassRecord:
    nodes = topological_order(root)
    layers = _layers(root)
    _check_shapes(layers, key, khapra_names)
    back_into: dict[Any, list[tuple[Layer, int, int]]] = defaultdict(list)  # input -> (layer, p, j)
    weight_of: dict[Any, list[tuple[Layer, int, int]]] = defaultdict(list)  # weight -> (layer, i, j)
    skipped: set[tuple[Any, int]] = set()  # (node, parent index): edges the wrong equation replaces
    wrong_local: dict[Any, tuple] = {}
    for k, layer in enumerate(layers, 1):
        weights = {w for row in layer.weights for w in row if hasattr(w, "seq")}
        for p in range(len(layer.inputs)):
            inputs = set(layer.inputs[p])
            for node in _inside(layer.nets[p]):
                for index, parent in enumerate(node.parents):
                    replaced = key == NO_TRANSPOSE and k >= 2 and parent in inputs
                    if replaced or (key == OUTER_PRODUCT_ORDER and parent in weights):
                        skipped.add((node, index))
            if key == NO_TRANSPOSE and k >= 2:
                for j, x in enumerate(layer.inputs[p]):
                    back_into[x].append((layer, p, j))
            if key == SLOPE_OF_WRONG_VECTOR:
                for net, h in zip(layer.nets[p], layer.outputs[p]):
                    if h is not net and h.op is not None and h.op.name == layer.activation:
                        wrong_local[h] = _slope_at_output(h)
        if key == OUTER_PRODUCT_ORDER:
            for i, row in enumerate(layer.weights):
                for j, w in enumerate(row):
                    if hasattr(w, "seq"):
                        weight_of[w].append((layer, i, j))
    after: dict[Any, set[Any]] = defaultdict(set)  # node -> the net inputs its wrong equation reads
    for node, places in (*back_into.items(), *weight_of.items()):
        for layer, p, _ in places:
            nets = layer.nets if node in weight_of else (layer.nets[p],)
            after[node].update(a for col in nets for a in col)
    grads = dict.fromkeys(nodes, 0.0)
    grads[root] = float(grad)
    for node in _users_first(nodes, after):  # a node's number is complete when it is reached
        for layer, p, j in back_into.get(node, ()):  # (Wₖ ∇_{aₖ} L)_j, pattern p
            grads[node] += sum(_value(layer.weights[j][i]) * grads[a] for i, a in enumerate(layer.nets[p]))
        for layer, i, j in weight_of.get(node, ()):  # (hₖ₋₁ ∇_{aₖ} Lᵀ)_ij, summed over the patterns
            grads[node] += sum(xs[i].data * grads[a[j]] for xs, a in zip(layer.inputs, layer.nets))
        for index, (parent, local) in enumerate(zip(node.parents, wrong_local.get(node, node.local))):
            if (node, index) not in skipped:
                grads[parent] += local * grads[node]
    order = _layer_by_layer(nodes, layers)
    return PassRecord(grads, order, [(node, grads[node]) for node in order], entries(layers))


def _users_first(nodes: list[Any], after: dict[Any, set[Any]]) -> list[Any]:
    """`nodes` (topological order) reordered so that each node also comes after the nodes `after` names.

    The wrong equation at hₖ₋₁ or Wₖ reads ∇_{aₖ} L of nets that need not use that node (an absent
    connection; the transposed entry's unit), so creation order alone does not put them first. Among
    the nodes that may come next, the newest goes first: without `after` this is `nodes` itself.
    """
    if not after:
        return nodes
    waiting = {node: 0 for node in nodes}
    for node in nodes:
        for parent in node.parents:
            waiting[parent] += 1
    released: dict[Any, list[Any]] = defaultdict(list)
    for node, firsts in after.items():
        for first in firsts:
            if first is not node:
                waiting[node] += 1
                released[first].append(node)
    ready = [(-node.seq, node) for node in nodes if waiting[node] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for next_node in (*node.parents, *released.get(node, ())):
            waiting[next_node] -= 1
            if waiting[next_node] == 0:
                heapq.heappush(ready, (-next_node.seq, next_node))
    if len(order) < len(nodes):  # a net input below its own layer's inputs: no layer-by-layer pass
        raise CannotRun("the layers found do not follow one another: no layer-by-layer pass goes back")
    return order


def _check_shapes(layers: tuple[Layer, ...], key: str, names: Names) -> None:
    """Raise CannotRun for the first layer from the top whose wrong product does not fit, naming the
    layer and its matrices as explain writes them (∇_{a₃} L)."""
    for k in range(len(layers), 0, -1):
        K, D = layers[k - 1].shape
        n = len(layers[k - 1].inputs)
        if K == D:
            continue
        W, h = names("weight", k), (names("input", 0) if k == 1 else names("hidden", k - 1))
        a = f"∇_{{{names('net', k)}}} {names('loss', 0)}"
        if key == NO_TRANSPOSE and k >= 2:
            raise CannotRun(
                f"layer {k}: {W} · {a} is {K}×{D} · {K}×{n}, which does not multiply ({W} has "
                f"{_count(D, 'column')}, {a} {_count(K, 'row')}); going back needs {W}ᵀ · {a}, "
                f"{D}×{K} · {K}×{n} = {D}×{n}"
            )
        if key == OUTER_PRODUCT_ORDER:
            raise CannotRun(
                f"layer {k}: {h} · {a}ᵀ is {D}×{n} · {n}×{K} = {D}×{K}, which does not fit the {K}×{D} "
                f"matrix {W} (the update {W} − η·∇_{{{W}}} {names('loss', 0)} fails); the gradient is "
                f"{a} · {h}ᵀ"
            )


def _inside(nets: tuple[Any, ...]) -> list[Any]:
    """The net inputs and the nodes inside them: the unlabelled sums and the products w·x (as
    `autograd.layers` reads a net input)."""
    found: dict[Any, None] = {}
    for net in nets:
        stack = [net]
        while stack:
            node = stack.pop()
            if node in found:
                continue
            found[node] = None
            op = node.op.name if node.op is not None else None
            if (node is net or not node.label) and op in ("add", "sub", "neg"):
                stack.extend(p for p in node.parents if p is net or not p.label)
    return [n for n in found if n.op is not None and n.op.name in ("add", "sub", "neg", "mul")]


def _between(h: Any, net: Any) -> list[Any]:
    """The unlabelled nodes between a unit's net input and its output (the λ·a of σ(λ·a))."""
    if h is net:
        return []
    seen: dict[Any, None] = {}
    stack = [p for p in h.parents if p is not net]
    while stack:
        node = stack.pop()
        if node not in seen and node.op is not None and not node.label:
            seen[node] = None
            stack.extend(p for p in node.parents if p is not net)
    reach = {net}
    for node in sorted(seen, key=lambda n: n.seq):  # parents first
        if any(p in reach for p in node.parents):
            reach.add(node)
    return [n for n in seen if n in reach]


def _slope_at_output(h: Any) -> tuple:
    """g′(h): the rule-table row of h's own operation, called at h instead of at h's input."""
    params = h.params or {}
    return h.op.local_grads(h.data, out=h.op.forward(h.data, **params), **params)


def _layer_by_layer(nodes: list[Any], layers: tuple[Layer, ...]) -> list[Any]:
    """`nodes` in the order the layer-by-layer pass writes them (see the module's docstring)."""
    L = len(layers)
    group: dict[Any, int] = {}

    def put(node: Any, g: int) -> None:
        if hasattr(node, "seq"):
            group[node] = min(group.get(node, g), g)

    for k, layer in enumerate(layers, 1):
        base = 10 * (L - k + 1)  # layer L first; h_{k-1} (base of layer k − 1) after layer k's parts
        for p in range(len(layer.inputs)):
            for net, h in zip(layer.nets[p], layer.outputs[p]):
                put(h, 0 if k == L else base)
                for node in (net, *_between(h, net)):  # ∇_{aₖ} L, through a scaling σ(λ·a) too
                    put(node, base + 1)
            for node in _inside(layer.nets[p]):
                put(node, base + 2)
            if k == 1:
                for x in layer.inputs[p]:
                    put(x, 10 * (L + 1))
        for row in layer.weights:
            for w in row:
                put(w, base + 3)
        for b in layer.biases:
            put(b, base + 4)
    below = {n for layer in layers for nets in layer.nets for n in nets}
    for node in nodes:  # users first: the ancestors of the net inputs
        if node in below:
            below.update(node.parents)
    last = 10 * (L + 1) + 5
    position = {node: t for t, node in enumerate(nodes)}
    key = {node: (group.get(node, last if node in below else 0), position[node]) for node in nodes}
    return sorted(nodes, key=key.__getitem__)


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'s' if n != 1 else ''}"


def _value(x: Any) -> float:
    return x.data if hasattr(x, "seq") else float(x)
