"""An independent reference for the matrix form: each layer's matrices computed with NumPy.

`reference(network, loss)` reads only the leaves' values and the layers' grouping (which node is which
entry), then computes the forward pass with NumPy's own formula of each activation and the backward
pass by the matrix recurrences, starting from ∂loss/∂(output vector) found by central differences on
the graph re-evaluated from its leaves (`evaluate`: each op's forward function, never the engine's
gradients). `matrix_of(form, name)` finds a view's matrix by its LaTeX name. Also the catalog's
network examples and a few nn graphs, for the matrix-form tests.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

import numpy as np
from hypothesis import strategies as st

import nn
from autograd import Value, forward_order

NETWORK_EXAMPLES = (
    "chen-2-2-2", "bishop-2-2-2", "tanh-linear", "delta-rule", "n-patterns", "three-layer",
    "softmax-output", "deep-thin", "movie-rating", "xor-threshold",
)  # fmt: skip
# output-losses has no layers: only the output rule (the matrix tests treat it apart)

NUMPY_G = {
    None: lambda a: a,
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
    "tanh": np.tanh,
    "relu": lambda a: np.maximum(a, 0.0),
    "step": lambda a: (a > 0).astype(float),
    "softplus": lambda a: np.log1p(np.exp(a)),
    "leaky_relu": lambda a: np.where(a > 0, a, 0.01 * a),
}

# g′ by its textbook formula, for the reference's backward pass
NUMPY_SLOPE = {
    "sigmoid": lambda z: NUMPY_G["sigmoid"](z) * (1 - NUMPY_G["sigmoid"](z)),
    "tanh": lambda z: 1 - np.tanh(z) ** 2,
    "relu": lambda z: (z > 0).astype(float),
    "step": np.zeros_like,
    "softplus": lambda z: NUMPY_G["sigmoid"](z),
    "leaky_relu": lambda z: np.where(z > 0, 1.0, 0.01),
}


def evaluate(root: Value, overrides: Mapping[Value, float]) -> float:
    """`root`'s value recomputed from its leaves by each op's forward function, with the nodes in
    `overrides` held at the given values (what the loss would be had they had them)."""
    values: dict[Value, float] = {}
    for node in forward_order(root):
        if node in overrides:
            values[node] = overrides[node]
        elif node.op is None:
            values[node] = node.data
        else:
            values[node] = node.op.forward(*(values[p] for p in node.parents), **(node.params or {}))
    return values[root]


def central_difference(root: Value, nodes, h: float = 1e-6) -> np.ndarray:
    """∂root/∂node for each node by central differences over `evaluate` (holding the node's value)."""
    out = []
    for node in nodes:
        up = evaluate(root, {node: node.data + h})
        down = evaluate(root, {node: node.data - h})
        out.append((up - down) / (2 * h))
    return np.array(out)


def _number(x) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _scale(layer, p: int, i: int) -> float:
    """The λ of a scaled unit, σ(λ·a): the leaf multiplied by the net under the activation."""
    h, a = layer.outputs[p][i], layer.nets[p][i]
    if h is a:  # a linear unit
        return 1.0
    inner = h.parents[0]
    if inner is a:
        return 1.0
    assert inner.op.name == "mul", inner
    other = inner.parents[1] if inner.parents[0] is a else inner.parents[0]
    return other.data


def reference(network, loss: Value) -> list[dict[str, np.ndarray]]:
    """Per layer k (input side first): W, b, x (H_{k−1}, one column per pattern), a, h, and from the
    loss's gradient at the output vector (central differences) ∇a, ∇W, ∇b, ∇h_in, all by NumPy."""
    out = []
    h_prev = None
    for layer in network.layers:
        W = np.array([[_number(w) for w in row] for row in layer.weights])
        b = np.array([_number(x) for x in layer.biases])[:, None]
        if h_prev is None:
            h_prev = np.array([[x.data for x in col] for col in layer.inputs]).T
        a = W @ h_prev + b
        lam = np.array([[_scale(layer, p, i) for p in range(a.shape[1])] for i in range(a.shape[0])])
        g = NUMPY_G[layer.activation]
        out.append({"W": W, "b": b, "x": h_prev, "a": a, "h": g(lam * a), "lam": lam})
        h_prev = out[-1]["h"]
    last = network.layers[-1]
    top = last.outputs
    dh = np.array([central_difference(loss, col) for col in top]).T
    for k in range(len(network.layers) - 1, -1, -1):
        layer, m = network.layers[k], out[k]
        if layer.activation is None:
            da = dh
        else:
            # the slope by NumPy's formula of g′ (with a scale λ: λ·g′(λa))
            slope = NUMPY_SLOPE[layer.activation](m["lam"] * m["a"])
            da = dh * slope * m["lam"]
        m["dh"] = dh
        m["da"] = da
        m["dW"] = da @ m["x"].T
        m["db"] = da.sum(axis=1, keepdims=True)
        m["dx"] = m["W"].T @ da
        dh = m["dx"]
    return out


def matrix_of(form, name: str, kind: str | None = None):
    """The last Matrix of `form` named `name` (LaTeX), as a result or an operand."""
    found = None
    for eq in form.equations:
        if kind is not None and eq.kind != kind:
            continue
        for m in (eq.result, *eq.operands):
            if m.name == name and not m.transposed:
                found = m
    assert found is not None, f"no matrix {name!r} in the view"
    return found


def array(matrix) -> np.ndarray:
    return np.array(matrix.values, dtype=float)


def mlp_loss(
    sizes: tuple[int, ...], activation: str = "tanh", output: str = "linear", patterns: int = 1, seed: int = 0
):
    """An nn.MLP and the squared error of its first output over `patterns` random inputs (summed)."""
    rng = random.Random(seed)
    model = nn.MLP(sizes[0], list(sizes[1:]), activation=activation, output_activation=output, seed=seed)
    xs = [[rng.uniform(-1, 1) for _ in range(sizes[0])] for _ in range(patterns)]
    ys = [[rng.uniform(-1, 1) for _ in range(sizes[-1])] for _ in range(patterns)]
    preds = [model(x) for x in xs]
    loss = nn.squared_loss(preds if patterns > 1 else preds[0], ys if patterns > 1 else ys[0])
    return model, xs, ys, loss


# Random nn.MLP networks for hypothesis (`@given(**MLP_CASES)`): sizes (inputs first), the hidden
# activation, whether the output is linear, how many patterns, the weights' seed.
MLP_CASES = {
    "sizes": st.lists(st.integers(1, 5), min_size=2, max_size=5),
    "activation": st.sampled_from(["tanh", "sigmoid", "relu", "softplus", "leaky_relu"]),
    "linear_output": st.booleans(),
    "patterns": st.integers(1, 4),
    "seed": st.integers(0, 10_000),
}
