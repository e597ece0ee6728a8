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
    something other than weights times inputs and a bias, a pattern without one of the network's
    units, an input multiplied by different weights in different rows. A graph without units has no
    layers (`Network.layers` is empty).
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
    units = [_decompose(out, net, outputs) for out, net in sorted(nets.items(), key=lambda u: u[0].seq)]
    if not units:
        return Network(root, ())
    by_output = {u.output: u for u in units}
    for u in units:  # outputs come after their inputs: depths in one pass
        u.depth = 1 + max((by_output[x].depth for _, x in u.terms if x in by_output), default=0)
    _patterns(units, by_output)
    depths = sorted({u.depth for u in units})
    layers = tuple(_layer([u for u in units if u.depth == d]) for d in depths)
    return Network(root, layers)


def _decompose(output: Any, net: Any, outputs: set[Any]) -> _Unit:
    """Net input = Σ weight·input + bias, read through the net and its unlabelled add/sub/neg nodes."""
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
    terms: list[tuple[Entry, Any]] = []
    for product, sign in products:
        weight, x = _weight_and_input(product, outputs)
        if sign < 0:
            raise LayerError(f"layers: {_name(net)} subtracts the product {_name(product)}; write it as w·x")
        terms.append((weight, x))
    # a leaf added on its own: the bias where it is a constant, or the one leaf beside weighted inputs
    biases = [
        (n, s) for n, s in direct if n not in outputs and (not n.label or (products and len(direct) == 1))
    ]
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


def _weight_and_input(product: Any, outputs: set[Any]) -> tuple[Any, Any]:
    """Which operand of w·x is the weight: a leaf beside a unit's output, else the first (the slides
    write w·x, nn writes W·x); a product of two computed nodes is not a weight times an input."""
    a, b = product.parents
    if a.op is None and (b in outputs or b.op is None):
        return a, b
    if b.op is None and a in outputs:
        return b, a
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


def _layer(units: list[_Unit]) -> Layer:
    """Units of one depth: rows are the first pattern's units in graph order, and a unit of another
    pattern takes the row whose weights it shares."""
    patterns = sorted({u.pattern for u in units})
    first = [u for u in units if u.pattern == patterns[0]]
    rows = {_row_key(u): i for i, u in enumerate(first)}
    columns = _columns(first)
    weights = [[0.0] * len(columns) for _ in first]
    for i, u in enumerate(first):
        for w, x in u.terms:
            weights[i][columns.index(x)] = w
    inputs, nets, outs = [], [], []
    for p in patterns:
        mine = [u for u in units if u.pattern == p]
        order: list[_Unit | None] = [None] * len(first)
        for u in mine:
            i = rows.get(_row_key(u))
            if i is None or order[i] is not None:
                raise LayerError(
                    f"layers: {_name(u.net)} has weights no unit of the first pattern has "
                    f"({', '.join(_name(w) for w, _ in u.terms)})"
                )
            order[i] = u
        missing = [first[i] for i, u in enumerate(order) if u is None]
        if missing:
            raise LayerError(f"layers: pattern {p + 1} has no unit like {_name(missing[0].output)}")
        xs: list[Any] = [None] * len(columns)
        for i, u in enumerate(order):
            for w, x in u.terms:
                j = next((j for j, c in enumerate(weights[i]) if _same(c, w) and xs[j] in (None, x)), None)
                if j is None:
                    raise LayerError(f"layers: {_name(x)} is read by {_name(u.net)} through another weight")
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
