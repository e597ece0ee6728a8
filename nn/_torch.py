"""MLP -> torch.nn.Sequential with the same weights (PyTorch is an optional dependency)."""

from __future__ import annotations

from typing import Any


def to_torch(model: Any, dtype: Any = None) -> Any:
    """Build the equivalent torch.nn.Sequential of Linear layers and activation modules."""
    try:
        import torch
    except ImportError:
        raise ImportError("to_torch() needs PyTorch: pip install 'chainrule[torch]'") from None
    dtype = torch.float64 if dtype is None else dtype
    modules: list[Any] = []
    for layer in model.layers:
        has_bias = layer.neurons[0].b is not None
        linear = torch.nn.Linear(layer.nin, layer.nout, bias=has_bias, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer.weights(), dtype=dtype))
            if has_bias:
                linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=dtype))
        modules.append(linear)
        act = _activation(torch, layer.activation, layer.leaky_slope)
        if act is not None:
            modules.append(act)
    return torch.nn.Sequential(*modules)


def _activation(torch: Any, name: str, slope: float) -> Any:
    nn = torch.nn
    if name == "step":
        return _Step()
    return {
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "softplus": nn.Softplus,
        "softmax": lambda: nn.Softmax(dim=-1),
        "leaky_relu": lambda: nn.LeakyReLU(slope),
        "linear": lambda: None,
    }[name]()


def _Step() -> Any:
    import torch

    class Step(torch.nn.Module):
        """The threshold Th(a) = 1 if a > 0 else 0, with gradient 0 (as chainrule's step)."""

        def forward(self, a: Any) -> Any:
            return (a > 0).to(a.dtype) + 0.0 * a  # 0·a keeps a (zero) gradient flowing, as in chainrule

    return Step()
