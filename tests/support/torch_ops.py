"""Each rule-table op as PyTorch computes it: the table PyTorch cross-checks run programs with.

`TORCH` maps each op name to a function of tensors; `torch` is the module. Both are None without torch
(an optional extra), so a test module decides for itself whether to skip.
"""

from __future__ import annotations

from tests.support.strategies import OPERATORS

try:
    import torch
except ImportError:
    torch = None

TORCH = None
if torch is not None:
    F = torch.nn.functional
    # an op missing here fails test_torch_crosscheck.test_every_op_has_a_torch_twin
    TORCH = {
        **OPERATORS,  # tensors have the same operators
        "exp": torch.exp,
        "log": torch.log,
        "sqrt": torch.sqrt,
        "abs": torch.abs,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "leaky_relu": lambda a, slope: F.leaky_relu(a, slope),
        "softplus": F.softplus,
        "step": lambda a: (a > 0).to(torch.float64),  # the threshold: no gradient flows through it
        "sin": torch.sin,
        "cos": torch.cos,
        "max": torch.maximum,
        "min": torch.minimum,
        "logaddexp": torch.logaddexp,
    }
