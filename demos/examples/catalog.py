"""The registry of worked examples, one module per slide deck, in the decks' order."""

from __future__ import annotations

from autograd.text.choices import choose_from
from demos.examples.example import Example

from . import bishop, chen, derivation, khapra, lesson4

EXAMPLES: dict[str, Example] = {
    example.name: example for deck in (chen, bishop, derivation, lesson4, khapra) for example in deck.EXAMPLES
}


class UnknownExample(LookupError):
    """A name that is not in the catalog."""


def get(name: str) -> Example:
    """The example called `name`, or an error listing the valid names."""
    try:
        return EXAMPLES[name]
    except KeyError:
        raise UnknownExample(f"unknown example {name!r}; {choose_from(name, EXAMPLES)}") from None
