"""A unit's net input read as Σ weight·input + bias, for `autograd.layers`: which operand of a product
is the weight, which added leaf is the bias, and what between net and activation may scale it.

Reads node fields only (label, op, parents), as `autograd.units` does; nothing is computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Entry = Any  # a Value, or a float where the graph has no node for it


class LayerError(ValueError):
    """The graph does not group into layers; the message names the node that breaks the pattern."""


@dataclass
class Unit:
    """A unit of the graph: its output and net input, (weight, input) terms and bias; its depth and
    pattern are filled in by `autograd.layers`."""

    output: Any
    net: Any
    terms: list[tuple[Entry, Any]]  # (weight, input)
    bias: Entry
    depth: int = 0
    pattern: int = 0


def check_scaling(output: Any, net: Any, outputs: set[Any]) -> None:
    """A unit's activation reads its net input Σ w·x + b, or that times (or over) leaves, σ(λ·e);
    not another unit's output (σ(q·q) reads q)."""
    if net is output:
        return
    if net in outputs:
        raise LayerError(
            f"layers: {node_name(output)} applies {output.op.name} to {node_name(net)}, a unit's output, not "
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
                f"layers: {node_name(output)} applies {output.op.name} to {node_name(node)} ({op}), which is "
                f"not its net input {node_name(net)} times a constant"
            )


def net_parts(net: Any, outputs: set[Any]) -> tuple[list[tuple[Any, int]], list[tuple[Any, int]]]:
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
                f"layers: {node_name(net)} adds {node_name(node)} ({op}), which is neither a weight times an "
                "input nor a bias"
            )
    return products, direct


def decompose(
    output: Any,
    net: Any,
    products: list[tuple[Any, int]],
    direct: list[tuple[Any, int]],
    outputs: set[Any],
    weights: set[Any],
    inputs: set[Any] = frozenset(),
) -> Unit:
    """Net input = Σ weight·input + bias (see `net_parts`, `weight_leaves`). A leaf in `inputs` (one
    some unit multiplies by a weight: a network input) added on its own is never the bias: it is an
    input with weight ±1 (in a later layer, a skip connection, which `autograd.layers` refuses)."""
    terms: list[tuple[Entry, Any]] = []
    for product, sign in products:
        weight, x = _weight_and_input(product, outputs, weights)
        if sign < 0:
            raise LayerError(
                f"layers: {node_name(net)} subtracts the product {node_name(product)}; write it as w·x"
            )
        terms.append((weight, x))
    # a leaf added on its own: the bias where it is a constant, or the one leaf beside weighted inputs
    # (a unit's output added without a weight is an input with weight 1, not counted as a leaf)
    leaves = [(n, s) for n, s in direct if n not in outputs and n not in inputs]
    biases = [(n, s) for n, s in leaves if not n.label or (products and len(leaves) == 1)]
    terms += [(float(s), n) for n, s in direct if (n, s) not in biases]
    if len(biases) > 1:
        raise LayerError(
            f"layers: {node_name(net)} adds two biases, {node_name(biases[0][0])} and "
            f"{node_name(biases[1][0])}"
        )
    bias: Entry = 0.0
    if biases:
        node, sign = biases[0]
        if sign < 0 and node.label:
            raise LayerError(f"layers: {node_name(net)} subtracts the bias {node_name(node)}; add it instead")
        bias = node if sign > 0 else -node.data
    if not terms:
        raise LayerError(f"layers: {node_name(net)} has no input times a weight")
    return Unit(output, net, terms, bias)


def product_inputs(products: list[Any], outputs: set[Any], weights: set[Any]) -> set[Any]:
    """The leaves that products multiply by a weight: the network's inputs (never a bias)."""
    found = set()
    for product in products:
        _, x = _weight_and_input(product, outputs, weights)
        if x.op is None:
            found.add(x)
    return found


def weight_leaves(products: list[Any], outputs: set[Any]) -> set[Any]:
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
    """Whether `a` is the weight of a·b when nothing else decides (see `weight_leaves`)."""
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
    `weight_leaves` found to be the weight; a product of two computed nodes is not a weight times an
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
            f"layers: {node_name(product)} multiplies {node_name(a)} by {node_name(b)}, both weights: each "
            "multiplies an input elsewhere"
        )
    raise LayerError(
        f"layers: {node_name(product)} multiplies {node_name(a)} by {node_name(b)}: a weight is a leaf "
        "(a parameter or a constant) times an input"
    )


def node_name(node: Any) -> str:
    if not hasattr(node, "seq"):
        return repr(node)
    return (
        repr(node.label)
        if node.label
        else f"the unlabelled {node.op.name if node.op else 'leaf'} {node.data:.6g}"
    )
