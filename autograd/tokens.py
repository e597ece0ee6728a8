"""The one tokenizer of the project's formula text: the rule table's notation and users' expressions.

Both languages are read from the same tokens (autograd.notation for the rule table's `out·(1 − out)`,
autograd.parse for a user's `net = w*x + b`); each parser then refuses the tokens its language does not
have (the notation has no `,` or `**`, an expression no comparison), so neither accepts more than it did
with a tokenizer of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, NamedTuple

Kind = Literal["space", "number", "name", "op", "unknown"]

_TOKEN = re.compile(
    r"(?P<space>[ \t\r]+)|(?P<number>(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+\-−]?\d+)?)"
    r"|(?P<name>[^\W\d²³](?:(?![²³])\w)*)|(?P<op>\*\*|>=|<=|[-−+*·×/^²³(),;=<>≥≤\n])"
)


class Token(NamedTuple):
    """One token: its kind, its text as written, and where it starts in the text."""

    kind: Kind
    text: str
    position: int

    @property
    def end(self) -> int:
        """Where the token ends in the text (one past its last character)."""
        return self.position + len(self.text)


def tokenize(text: str) -> Iterator[Token]:
    """The tokens of `text`, spaces included, in order.

    A number is digits with an optional point, `_` separators and exponent (`1_000`, `.5`, `2e−3`); a
    name is a word that starts with a letter or `_` (`w5`, `net_o1`, `σ`; `out²` is `out` then `²`); an
    operator is one of `** >= <= - − + * · × / ^ ² ³ ( ) , ; = < > ≥ ≤` or a new line. A character that
    starts none of these is one token of kind "unknown": the caller says what it expected instead.
    """
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            yield Token("unknown", text[position], position)
            position += 1
            continue
        yield Token(match.lastgroup, match.group(), position)  # type: ignore[arg-type]
        position = match.end()
