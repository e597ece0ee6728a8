"""A scalar graph's layers: its units grouped into vectors and matrices, aₖ = Wₖ hₖ₋₁ + bₖ, hₖ = g(aₖ).

The grouping reads the graph's structure, not its labels' spelling (Chen's w1…w8 carry no indices;
Daniel's w_(x1)1 and Bishop's W1_21 order their indices differently): each unit (`autograd.units`, plus
an activation of an unlabelled sum, as in the XOR of threshold units) has a net input that is a sum of
weights times inputs plus at most one bias; units at the same distance from the inputs form a layer; row
i of Wₖ is unit i's weights, column j the input they multiply. A pattern (an input fed through the same
weights, deck 002's p) is one connected copy of the network: n patterns give Hₖ with n columns.

Entries are nodes: a weight is the node the graph multiplies (a labelled leaf, an nn parameter, a
constant), a float where the graph adds an input with no weight node (x1 + x2 − 0.5: 1, 1; − h2: −1) and
0.0 where a unit does not read that input. A bias node may repeat (Chen's b1, shared by both units).
Reads node fields only, as `autograd.units` does; nothing is computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .graph import forward_order
from .units import unit_nets

Entry = Any  # a Value, or a float where the graph has no node for it


class LayerError(ValueError):
    """The graph does not group into layers; the message names the node that breaks the pattern."""


@dataclass(frozen=True)
class Layer:
    """One layer over every pattern: aₖ = Wₖ hₖ₋₁ + bₖ, hₖ = g(aₖ).

    `weights[i][j]` multiplies input j into unit i (K×D); `biases[i]` is unit i's bias (0.0: none);
    `inputs[p][j]`, `nets[p][i]` and `outputs[p][i]` are pattern p's nodes (a linear layer's outputs
    are its nets). `activation` is the rule-table op between net and output (None: linear), `scaled`
    True where unlabelled nodes sit between them (Daniel's y = σ(λ·e)).
    """

    weights: tuple[tuple[Entry, ...], ...]
    biases: tuple[Entry, ...]
    inputs: tuple[tuple[Any, ...], ...]
    nets: tuple[tuple[Any, ...], ...]
    outputs: tuple[tuple[Any, ...], ...]
    activation: str | None
    scaled: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        """(K, D): units by inputs."""
        return len(self.weights), len(self.inputs[0])


@dataclass(frozen=True)
class Network:
    """The layers of a graph, input side first, and the graph's root (the loss, or the network's output)."""

    root: Any
    layers: tuple[Layer, ...]

    @property
    def patterns(self) -> int:
        return len(self.layers[0].inputs) if self.layers else 1


@dataclass
class _Unit:
    output: Any
    net: Any
    terms: list[tuple[Entry, Any]]  # (weight, input)
    bias: Entry
    depth: int = 0
    pattern: int = 0


def find_layers(root: Any) -> Network:
    """The layers of `root`'s graph (see the module's docstring).

    Raises LayerError naming the node where the graph leaves the pattern: a net input that adds
    something other than weights times inputs and a bias, a product of two computed nodes, a
    subtracted product, two biases, a pattern without one of the network's units, an input multiplied
    by different weights in different rows, a unit that reads a node other than the previous layer's
    outputs (a skip connection). A graph without units has no layers (`Network.layers` is empty).
    """
    forward = forward_order(root)
    nets = unit_nets(forward)
    for node in forward:  # an activation of an unlabelled sum (Th(x1 + x2 − 0.5)): the sum is the net
        arg = node.parents[0] if node.op is not None and node.op.activation else None
        if (
            arg is not None
            and node not in nets
            and arg.op is not None
            and not arg.label
            and arg.op.name in ("add", "sub")
        ):
            nets[node] = arg
    outputs = set(nets)
    ordered = sorted(nets.items(), key=lambda u: u[0].seq)
    for out, net in ordered:
        _check_scaling(out, net, outputs)
    parts = [(out, net, *_parts(net, outputs)) for out, net in ordered]
    weights = _weight_leaves([p for *_, products, _ in parts for p, _ in products], outputs)
    units = [_decompose(out, net, products, direct, outputs, weights) for out, net, products, direct in parts]
    if not units:
        return Network(root, ())
    by_output = {u.output: u for u in units}
    for u in units:  # outputs come after their inputs: depths in one pass
        u.depth = 1 + max((by_output[x].depth for _, x in u.terms if x in by_output), default=0)
    _patterns(units, by_output)
    depths = sorted({u.depth for u in units})
    layers: list[Layer] = []
    for d in depths:
        layers.append(_layer([u for u in units if u.depth == d], layers[-1] if layers else None))
    return Network(root, tuple(layers))


def _check_scaling(output: Any, net: Any, outputs: set[Any]) -> None:
    """A unit's activation reads its net input Σ w·x + b, or that times (or over) leaves, σ(λ·e);
    not another unit's output (σ(q·q) reads q)."""
    if net is output:
        return
    if net in outputs:
        raise LayerError(
            f"layers: {_name(output)} applies {output.op.name} to {_name(net)}, a unit's output, not "
            "to a net input Σ w·x + b"
        )
    node = output.parents[0]
    while node is not net:
        op = node.op.name if node.op is not None else None
        a, b = (*node.parents, None, None)[:2]
        if op == "mul" and b is not None and b.op is None:
            node = a
        elif op == "mul" and a is not None and a.op is None:
            node = b
        elif op == "div" and b is not None and b.op is None:
            node = a
        else:
            raise LayerError(
                f"layers: {_name(output)} applies {output.op.name} to {_name(node)} ({op}), which is "
                f"not its net input {_name(net)} times a constant"
            )


def _parts(net: Any, outputs: set[Any]) -> tuple[list[tuple[Any, int]], list[tuple[Any, int]]]:
    """The products (with their sign) and the nodes added directly, read through the net and its
    unlabelled add/sub/neg nodes."""
    products: list[tuple[Any, int]] = []
    direct: list[tuple[Any, int]] = []
    stack = [(net, 1)]
    while stack:
        node, sign = stack.pop()
        op = node.op.name if node.op is not None else None
        inside = node is net or not node.label
        if inside and op == "add":
            stack += [(node.parents[1], sign), (node.parents[0], sign)]
        elif inside and op == "sub":
            stack += [(node.parents[1], -sign), (node.parents[0], sign)]
        elif inside and op == "neg":
            stack.append((node.parents[0], -sign))
        elif inside and op == "mul" and len(node.parents) == 2:
            products.append((node, sign))
        elif node.op is None or node in outputs:
            direct.append((node, sign))
        else:
            raise LayerError(
                f"layers: {_name(net)} adds {_name(node)} ({op}), which is neither a weight times an "
                "input nor a bias"
            )
    return products, direct


def _decompose(
    output: Any,
    net: Any,
    products: list[tuple[Any, int]],
    direct: list[tuple[Any, int]],
    outputs: set[Any],
    weights: set[Any],
) -> _Unit:
    """Net input = Σ weight·input + bias (see `_parts`, `_weight_leaves`)."""
    terms: list[tuple[Entry, Any]] = []
    for product, sign in products:
        weight, x = _weight_and_input(product, outputs, weights)
        if sign < 0:
            raise LayerError(f"layers: {_name(net)} subtracts the product {_name(product)}; write it as w·x")
        terms.append((weight, x))
    # a leaf added on its own: the bias where it is a constant, or the one leaf beside weighted inputs
    # (a unit's output added without a weight is an input with weight 1, not counted as a leaf)
    leaves = [(n, s) for n, s in direct if n not in outputs]
    biases = [(n, s) for n, s in leaves if not n.label or (products and len(leaves) == 1)]
    terms += [(float(s), n) for n, s in direct if (n, s) not in biases]
    if len(biases) > 1:
        raise LayerError(
            f"layers: {_name(net)} adds two biases, {_name(biases[0][0])} and {_name(biases[1][0])}"
        )
    bias: Entry = 0.0
    if biases:
        node, sign = biases[0]
        if sign < 0 and node.label:
            raise LayerError(f"layers: {_name(net)} subtracts the bias {_name(node)}; add it instead")
        bias = node if sign > 0 else -node.data
    if not terms:
        raise LayerError(f"layers: {_name(net)} has no input times a weight")
    return _Unit(output, net, terms, bias)


def _weight_leaves(products: list[Any], outputs: set[Any]) -> set[Any]:
    """Which leaves are weights where a product multiplies two leaves (x1·w1 as well as w1·x1).

    Read from the structure first: a leaf multiplied by a unit's output is a weight, and the other
    leaf of a product beside a weight is an input, and so on along products that share a leaf. Where
    that decides nothing (a first layer alone), the leaf whose label reads like a weight (w…, W…, θ…,
    also after a prefix such as `L1.`, as the network picture reads it), else an unlabelled constant
    (2·x: the 2), else the first operand (the slides write w·x, nn writes W·x)."""
    weights: set[Any] = set()
    inputs: set[Any] = set()
    partners: dict[Any, list[Any]] = {}
    pairs: list[tuple[Any, Any]] = []
    for product in products:
        a, b = product.parents
        if a.op is None and b.op is None:
            partners.setdefault(a, []).append(b)
            partners.setdefault(b, []).append(a)
            pairs.append((a, b))
        elif a.op is None and b in outputs:
            weights.add(a)
        elif b.op is None and a in outputs:
            weights.add(b)

    def spread(start: Any, is_weight: bool) -> None:
        stack = [(start, is_weight)]
        while stack:
            node, w = stack.pop()
            if node in weights or node in inputs:
                continue  # decided already (a clash shows in _weight_and_input)
            (weights if w else inputs).add(node)
            stack += [(x, not w) for x in partners.get(node, ())]

    for known in [*weights]:
        for x in partners.get(known, ()):
            spread(x, False)
    for a, b in pairs:
        if not {a, b} & (weights | inputs):
            spread(a, _weight_first(a, b))
    return weights


def _weight_first(a: Any, b: Any) -> bool:
    """Whether `a` is the weight of a·b when nothing else decides (see `_weight_leaves`)."""
    like_a, like_b = _reads_like_weight(a.label), _reads_like_weight(b.label)
    if like_a != like_b:
        return like_a
    if bool(a.label) != bool(b.label):
        return not a.label
    return True


# the labels a teacher gives weights (w5, W1_21, L2.W_1, θ), as autograd.render.roles reads them
_WEIGHT_LABEL = re.compile(r"(?:^|\.)(?:[wW]|theta|θ)(?:\d|_|\[|$)")


def _reads_like_weight(label: str | None) -> bool:
    return bool(label) and _WEIGHT_LABEL.search(label) is not None


def _weight_and_input(product: Any, outputs: set[Any], weights: set[Any]) -> tuple[Any, Any]:
    """(weight, input) of a product: the leaf beside a unit's output, or of two leaves the one
    `_weight_leaves` found to be the weight; a product of two computed nodes is not a weight times an
    input."""
    a, b = product.parents
    if a.op is None and b in outputs:
        return a, b
    if b.op is None and a in outputs:
        return b, a
    if a.op is None and b.op is None and (a in weights) != (b in weights):
        return (a, b) if a in weights else (b, a)
    if a.op is None and b.op is None:
        raise LayerError(
            f"layers: {_name(product)} multiplies {_name(a)} by {_name(b)}, both weights: each multiplies "
            "an input elsewhere"
        )
    raise LayerError(
        f"layers: {_name(product)} multiplies {_name(a)} by {_name(b)}: a weight is a leaf "
        "(a parameter or a constant) times an input"
    )


def _patterns(units: list[_Unit], by_output: dict[Any, _Unit]) -> None:
    """Number the connected copies of the network (units joined through outputs and shared input leaves)."""
    parent = list(range(len(units)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    index = {u.output: k for k, u in enumerate(units)}
    first_reader: dict[Any, int] = {}
    for k, u in enumerate(units):
        for _, x in u.terms:
            other = index[x] if x in by_output else first_reader.setdefault(x, k)
            parent[root(k)] = root(other)
    numbers: dict[int, int] = {}
    for k, u in enumerate(units):
        u.pattern = numbers.setdefault(root(k), len(numbers))


def _layer(units: list[_Unit], previous: Layer | None) -> Layer:
    """Units of one depth: rows are the first pattern's units in graph order, and a unit of another
    pattern takes the row whose weights it shares (units with the same weights in turn). Columns are
    the previous layer's outputs in its row order (pattern by pattern), or for the first layer its
    input leaves in graph order, matched across patterns by the weights that read them."""
    patterns = sorted({u.pattern for u in units})
    first = [u for u in units if u.pattern == patterns[0]]
    if previous is not None and len(patterns) != len(previous.outputs):
        raise LayerError(
            f"layers: {_name(first[0].net)} is in a layer of {len(patterns)} patterns after a layer of "
            f"{len(previous.outputs)}"
        )
    rows: dict[tuple, list[int]] = {}
    for i, u in enumerate(first):
        rows.setdefault(_row_key(u), []).append(i)
    columns = list(previous.outputs[0]) if previous is not None else _columns(first)
    weights: list[list[Entry]] = [[0.0] * len(columns) for _ in first]
    for i, u in enumerate(first):
        for w, x in u.terms:
            weights[i][_column(columns, x, u, previous)] = w
    inputs, nets, outs = [], [], []
    for index, p in enumerate(patterns):
        order: list[_Unit | None] = [None] * len(first)
        for u in (u for u in units if u.pattern == p):
            i = next((i for i in rows.get(_row_key(u), ()) if order[i] is None), None)
            if i is None:
                raise LayerError(
                    f"layers: {_name(u.net)} has weights no unit of the first pattern has "
                    f"({', '.join(_name(w) for w, _ in u.terms)})"
                )
            order[i] = u
        missing = [first[i] for i, u in enumerate(order) if u is None]
        if missing:
            raise LayerError(f"layers: pattern {index + 1} has no unit like {_name(missing[0].output)}")
        if previous is not None:
            xs: list[Any] = list(previous.outputs[index])
            for i, u in enumerate(order):
                for w, x in u.terms:
                    if not _same(weights[i][_column(xs, x, u, previous)], w):
                        raise LayerError(
                            f"layers: {_name(x)} is read by {_name(u.net)} through another weight"
                        )
        else:
            xs = [None] * len(columns)
            for i, u in enumerate(order):
                for w, x in u.terms:
                    j = next(
                        (j for j, c in enumerate(weights[i]) if _same(c, w) and xs[j] in (None, x)), None
                    )
                    if j is None:
                        raise LayerError(
                            f"layers: {_name(x)} is read by {_name(u.net)} through another weight"
                        )
                    xs[j] = x
        inputs.append(tuple(xs))
        nets.append(tuple(u.net for u in order))
        outs.append(tuple(u.output for u in order))
    ops = {u.output.op.name if u.output is not u.net else None for u in units}
    if len(ops) > 1:
        raise LayerError(
            f"layers: the units of one layer have different activations ({', '.join(sorted(map(str, ops)))})"
        )
    scaled = any(u.output is not u.net and u.output.parents[0] is not u.net for u in units)
    biases = tuple(u.bias for u in first)
    return Layer(
        tuple(map(tuple, weights)), biases, tuple(inputs), tuple(nets), tuple(outs), ops.pop(), scaled
    )


def _column(columns: list[Any], x: Any, unit: _Unit, previous: Layer | None) -> int:
    """The column of input `x`; a unit past the first layer reads only the previous layer's outputs."""
    for j, c in enumerate(columns):
        if c is x:
            return j
    raise LayerError(
        f"layers: {_name(unit.net)} reads {_name(x)}, which is not an output of the layer before "
        "(aₖ = Wₖ hₖ₋₁ + bₖ has no skip connections)"
    )


def _columns(units: list[_Unit]) -> list[Any]:
    # inputs in graph order: the previous layer's outputs in its row order, input leaves as created
    seen = dict.fromkeys(x for u in units for _, x in u.terms)
    return sorted(seen, key=lambda x: x.seq)


def _row_key(u: _Unit) -> tuple:
    return (*sorted(_key(w) for w, _ in u.terms), _key(u.bias))


def _key(entry: Entry) -> Any:
    return ("node", id(entry)) if hasattr(entry, "seq") else ("number", float(entry))


def _same(a: Entry, b: Entry) -> bool:
    return _key(a) == _key(b)


def _name(node: Any) -> str:
    if not hasattr(node, "seq"):
        return repr(node)
    return (
        repr(node.label)
        if node.label
        else f"the unlabelled {node.op.name if node.op else 'leaf'} {node.data:.6g}"
    )
