"""chainrule's neural-net layer, on autograd's public API: modules, losses, optimizers, training."""

from importlib import import_module
from types import ModuleType

from . import data, losses, optim, playground
from ._checks import ACTIVATIONS, INITS
from ._modelfile import ModelFileError
from ._replay import ReplayWarning
from ._text import plural
from .data import Dataset, batches, train_test_split
from .layers import Layer, Neuron
from .losses import (
    bce_with_logits,
    binary_cross_entropy,
    binary_hinge_loss,
    cross_entropy,
    hinge_loss,
    l1_loss,
    l2_penalty,
    logistic_loss,
    mse_loss,
    softmax_cross_entropy,
    squared_loss,
)
from .mlp import MLP
from .module import Module
from .optim import OPTIMIZERS, SGD, Adadelta, Adagrad, Adam, NAdam, Optimizer, RMSprop
from .train import History, accuracy, evaluate, fit, predict_class


def __getattr__(name: str) -> ModuleType:
    """`nn.plots` after a plain `import nn` (PEP 562): matplotlib, slow to import, loads on first use."""
    if name == "plots":
        return import_module(".plots", __name__)  # `from . import plots` would call this again
    raise AttributeError(f"module 'nn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "plots"])  # notebooks complete `nn.plots` before it is loaded


__all__ = [
    "ACTIVATIONS", "INITS", "MLP", "OPTIMIZERS", "SGD", "Adadelta", "Adagrad", "Adam", "Dataset", "History",
    "Layer", "ModelFileError", "Module", "NAdam", "Neuron", "Optimizer", "RMSprop", "ReplayWarning",
    "accuracy", "batches", "bce_with_logits", "binary_cross_entropy", "binary_hinge_loss", "cross_entropy",
    "data", "evaluate", "fit", "hinge_loss", "l1_loss", "l2_penalty", "logistic_loss", "losses", "mse_loss",
    "optim", "playground", "plots", "plural", "predict_class", "softmax_cross_entropy", "squared_loss",
    "train_test_split",
]  # fmt: skip
