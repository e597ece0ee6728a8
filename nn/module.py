"""The base of every model: parameters(), named_parameters(), zero_grad(), and calling runs forward()."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd import Value


class Module:
    """Base class: parameters(), named_parameters(), zero_grad(), and calling the module runs forward()."""

    def children(self) -> list[Module]:
        """The sub-modules, in order."""
        return []

    def own_parameters(self) -> list[Value]:
        """The parameters this module holds itself (not through its children)."""
        return []

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(label, parameter) pairs, each parameter once even when shared (the slides' shared bias)."""
        seen: set[Value] = set()
        out: list[tuple[str, Value]] = []
        stack: list[Module] = [self]
        order: list[Module] = []
        while stack:  # depth first, children in order
            m = stack.pop()
            order.append(m)
            stack.extend(reversed(m.children()))
        for m in order:
            for p in m.own_parameters():
                if p not in seen:
                    seen.add(p)
                    out.append((p.label, p))
        return out

    def parameters(self) -> list[Value]:
        """Every trainable Value, each once."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (backward accumulates, as in PyTorch)."""
        for p in self.parameters():
            p.grad = 0.0

    def forward(self, x: Sequence[Value | float]) -> Any:
        """The module's computation; subclasses define it."""
        raise NotImplementedError

    def __call__(self, x: Sequence[Value | float]) -> Any:
        return self.forward(x)
