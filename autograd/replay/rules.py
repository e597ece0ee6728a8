"""The rule table compiled to NumPy: each op's value and local gradients as functions over arrays.

Each op's `expression` and `computed_formula` text (autograd.ops) is translated to NumPy once by
`autograd.notation`, so no derivative is written twice: replay runs the rule table's own text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from ..notation import Node, parse, to_numpy
from ..ops import Op

_NAMES = ("a", "b", "out", "n", "slope")  # the notation's variables, in the compiled functions' order


@dataclass(frozen=True)
class CompiledRule:
    """One op of the rule table as NumPy functions of (a, b, out, n, slope).

    `constant[k]` is local gradient k when it is a number whatever the inputs (add's 1 and 1), so the
    backward sweep skips the multiplication.
    """

    forward: Callable[..., Any]
    grads: tuple[Callable[..., Any], ...]
    constant: tuple[float | None, ...]


@cache
def compiled_rule(op: Op) -> CompiledRule:
    """The op's `expression` and `computed_formula` text compiled to NumPy (once per op).

    Raises NotationError.
    """
    grad_trees = [parse(text) for text in op.computed_formula]
    return CompiledRule(
        _compile(parse(op.expression), op.expression),
        tuple(_compile(tree, text) for tree, text in zip(grad_trees, op.computed_formula)),
        tuple(_number(tree) for tree in grad_trees),
    )


def _compile(tree: Node, text: str) -> Callable[..., Any]:
    # The source holds only the notation's tokens (its parser accepts nothing else), and runs with no
    # builtins: text from the rule table, never user data.
    source = f"lambda {', '.join(_NAMES)}: {to_numpy(tree)}"
    namespace = {"np": np, "__builtins__": {}}
    return eval(compile(source, text, "eval"), namespace)


def _number(tree: Node) -> float | None:
    if tree.kind == "num":
        return float(tree.value)
    if tree.kind == "neg" and tree.args[0].kind == "num":
        return -float(tree.args[0].value)
    return None
