"""chainrule's scalar reverse-mode automatic differentiation engine."""

from .check import GradientCheckError, central_difference, check_grads
from .errors import DomainError, Overflow, ZeroDivision
from .forward import Jacobian, jacobian, jvp
from .functional import grad, gradients, value_and_grad
from .graph import forward_order, topological_order
from .listops import dot, log_softmax, logsumexp, maxout, softmax, sum
from .ops import (
    LEAKY_SLOPE,
    OPS,
    Op,
    cos,
    exp,
    leaky_relu,
    log,
    logaddexp,
    relu,
    sigmoid,
    sin,
    softplus,
    sqrt,
    step,
    tanh,
)
from .ops import absolute as abs
from .ops import maximum as max
from .ops import minimum as min
from .replay import Replay
from .trace import Trace, trace
from .value import Value, collector_paused, comparisons, is_grad_enabled, no_grad, set_grad_enabled

__all__ = [
    "LEAKY_SLOPE", "OPS", "DomainError", "GradientCheckError", "Jacobian", "Op", "Overflow", "Replay",
    "Trace", "Value", "ZeroDivision", "abs", "central_difference", "check_grads", "collector_paused",
    "comparisons", "cos", "dot", "exp", "forward_order", "grad", "gradients", "is_grad_enabled",
    "jacobian", "jvp", "leaky_relu", "log", "log_softmax", "logaddexp", "logsumexp", "max", "maxout", "min",
    "no_grad",
    "relu", "set_grad_enabled", "sigmoid", "sin", "softmax", "softplus", "sqrt", "step", "sum", "tanh",
    "topological_order", "trace", "value_and_grad",
]  # fmt: skip
