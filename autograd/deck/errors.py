"""The deck's error, in a module of its own so that the writers raise it without importing the package."""

from __future__ import annotations


class DeckError(Exception):
    """A deck that cannot be made: a bad format or path, or LaTeX failing (the message names its log line)."""
