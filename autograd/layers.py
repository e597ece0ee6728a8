"""A scalar graph's layers: its units grouped into vectors and matrices, aₖ = Wₖ hₖ₋₁ + bₖ, hₖ = g(aₖ).

The grouping reads the graph's structure, not its labels' spelling (Chen's w1…w8 carry no indices;
Daniel's w_(x1)1 and Bishop's W1_21 order their indices differently): each unit (`autograd.units`, plus
an activation of an unlabelled sum, as in the XOR of threshold units, plus a sum labelled as a net input
with no activation after it, a linear unit: nn's L1.net_1) has a net input that is a sum of
weights times inputs plus at most one bias; units at the same distance from the inputs form a layer; row
i of Wₖ is unit i's weights, column j the input they multiply (past the first layer: the previous
layer's outputs in its row order; a unit reading anything else, a skip connection, is an error). A
pattern (an input fed through the same weights, deck 002's p) is one connected copy of the network: n
patterns give Hₖ with n columns. Of a product of two leaves the weight is the leaf the structure says
(one that multiplies a unit's output, or pairs with an input elsewhere), else the one whose label reads
like a weight, else the first operand: x1·w1 and w1·x1 group alike.

Entries are nodes: a weight is the node the graph multiplies (a labelled leaf, an nn parameter, a
constant), a float where the graph adds an input with no weight node (x1 + x2 − 0.5: 1, 1; − h2: −1) and
0.0 where a unit does not read that input. A bias node may repeat (Chen's b1, shared by both units).
Reads node fields only, as `autograd.units` does; nothing is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .graph import forward_order
from .unit_terms import (
    Entry,
    LayerError,
    Unit,
    check_scaling,
    decompose,
    net_parts,
    node_name,
    product_inputs,
    weight_leaves,
)
from .units import unit_nets

__all__ = ["Layer", "LayerError", "Network", "find_layers"]


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

    @property
    def absent(self) -> tuple[tuple[int, int], ...]:
        """The (i, j) where unit i does not read input j: a structural zero, no weight node and no
        gradient (a weight entry without a node is 0.0 only there; an input added without a weight
        is ±1)."""
        return tuple((i, j) for i, row in enumerate(self.weights) for j, w in enumerate(row) if _none(w))

    @property
    def has_bias(self) -> bool:
        """Whether any unit adds a bias (a node, or a constant the graph adds)."""
        return not all(_none(b) for b in self.biases)


@dataclass(frozen=True)
class Network:
    """The layers of a graph, input side first, and the graph's root (the loss, or the network's output)."""

    root: Any
    layers: tuple[Layer, ...]

    @property
    def patterns(self) -> int:
        return len(self.layers[0].inputs) if self.layers else 1


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
    # linear units (nn.MLP(2, [1]), linear regression, a linear hidden layer): their nets, named as nets
    # are, with no activation after them
    activated = set(nets.values())
    for n in forward:
        if n.op is not None and n.op.name == "add" and _named_net(n) and n not in activated:
            nets[n] = n
    outputs = set(nets)
    ordered = sorted(nets.items(), key=lambda u: u[0].seq)
    for out, net in ordered:
        check_scaling(out, net, outputs)
    parts = [(out, net, *net_parts(net, outputs)) for out, net in ordered]
    products = [p for *_, products, _ in parts for p, _ in products]
    weights = weight_leaves(products, outputs)
    inputs = product_inputs(products, outputs, weights)
    units = [
        decompose(out, net, products, direct, outputs, weights, inputs)
        for out, net, products, direct in parts
    ]
    if not units:
        return Network(root, ())
    by_output = {u.output: u for u in units}
    for u in units:  # outputs come after their inputs: depths in one pass
        u.depth = 1 + max((by_output[x].depth for _, x in u.terms if x in by_output), default=0)
    _patterns(units, by_output)
    origin: dict[Any, str] = {}  # where a node comes from, for a skip connection's message
    for u in sorted(units, key=lambda u: u.depth):
        origin[u.output] = f"an output of layer {u.depth}"
        for _, x in u.terms:
            if x not in by_output:
                origin.setdefault(x, f"an input of layer {u.depth}")
    depths = sorted({u.depth for u in units})
    layers: list[Layer] = []
    for d in depths:
        layers.append(_layer([u for u in units if u.depth == d], layers[-1] if layers else None, origin))
    return Network(root, tuple(layers))


def _named_net(node: Any) -> bool:
    # a label whose last part starts with "net" (net, net_o1, nn's L1.net_1): the slides' net input
    return bool(node.label) and node.label.rsplit(".", 1)[-1].startswith("net")


def _patterns(units: list[Unit], by_output: dict[Any, Unit]) -> None:
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


def _layer(units: list[Unit], previous: Layer | None, origin: dict[Any, str]) -> Layer:
    """Units of one depth: rows are the first pattern's units in graph order, and a unit of another
    pattern takes the row whose weights it shares (units with the same weights in turn). Columns are
    the previous layer's outputs in its row order (pattern by pattern), or for the first layer its
    input leaves in graph order, matched across patterns by the weights that read them."""
    patterns = sorted({u.pattern for u in units})
    first = [u for u in units if u.pattern == patterns[0]]
    if previous is not None and len(patterns) != len(previous.outputs):
        raise LayerError(
            f"layers: {node_name(first[0].net)} is in a layer of {len(patterns)} patterns after a layer of "
            f"{len(previous.outputs)}"
        )
    rows: dict[tuple, list[int]] = {}
    for i, u in enumerate(first):
        rows.setdefault(_row_key(u), []).append(i)
    columns = list(previous.outputs[0]) if previous is not None else _columns(first)
    weights: list[list[Entry]] = [[0.0] * len(columns) for _ in first]
    for i, u in enumerate(first):
        for w, x in u.terms:
            weights[i][_column(columns, x, u, origin)] = w
    inputs, nets, outs = [], [], []
    for index, p in enumerate(patterns):
        order: list[Unit | None] = [None] * len(first)
        for u in (u for u in units if u.pattern == p):
            i = next((i for i in rows.get(_row_key(u), ()) if order[i] is None), None)
            if i is None:
                raise LayerError(
                    f"layers: {node_name(u.net)} has weights no unit of the first pattern has "
                    f"({', '.join(node_name(w) for w, _ in u.terms)})"
                )
            order[i] = u
        missing = [first[i] for i, u in enumerate(order) if u is None]
        if missing:
            raise LayerError(f"layers: pattern {index + 1} has no unit like {node_name(missing[0].output)}")
        if previous is not None:
            xs: list[Any] = list(previous.outputs[index])
            for i, u in enumerate(order):
                for w, x in u.terms:
                    if not _same(weights[i][_column(xs, x, u, origin)], w):
                        raise LayerError(
                            f"layers: {node_name(x)} is read by {node_name(u.net)} through another weight"
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
                            f"layers: {node_name(x)} is read by {node_name(u.net)} through another weight"
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


def _column(columns: list[Any], x: Any, unit: Unit, origin: dict[Any, str]) -> int:
    """The column of input `x`; a unit past the first layer reads only the previous layer's outputs
    (`origin` says where another input comes from: an earlier layer's input or output, a skip)."""
    for j, c in enumerate(columns):
        if c is x:
            return j
    where = origin.get(x, "")
    if where and where != f"an input of layer {unit.depth}":
        raise LayerError(
            f"layers: {node_name(unit.net)} reads {node_name(x)}, {where} (a skip connection: "
            "aₖ = Wₖ hₖ₋₁ + bₖ reads only the layer before)"
        )
    raise LayerError(
        f"layers: {node_name(unit.net)} reads {node_name(x)}, which is not an output of the layer before "
        "(aₖ = Wₖ hₖ₋₁ + bₖ has no skip connections)"
    )


def _columns(units: list[Unit]) -> list[Any]:
    # inputs in graph order: the previous layer's outputs in its row order, input leaves as created
    seen = dict.fromkeys(x for u in units for _, x in u.terms)
    return sorted(seen, key=lambda x: x.seq)


def _row_key(u: Unit) -> tuple:
    return (*sorted(_key(w) for w, _ in u.terms), _key(u.bias))


def _key(entry: Entry) -> Any:
    return ("node", id(entry)) if hasattr(entry, "seq") else ("number", float(entry))


def _none(entry: Entry) -> bool:
    """An entry with no node that is 0.0: no connection (a weight), no bias."""
    return not hasattr(entry, "seq") and float(entry) == 0.0


def _same(a: Entry, b: Entry) -> bool:
    return _key(a) == _key(b)
