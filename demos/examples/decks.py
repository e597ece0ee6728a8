"""The five lecture decks the examples come from, named as a person reads them: author and title.

The file names (`000_00cf71c3501cabbd.txt`, ...) are how the decks are stored; people see the citation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Deck:
    """One slide deck: its stored file name, its title and its author (None where the deck names none)."""

    file: str
    title: str
    author: str | None = None

    @property
    def citation(self) -> str:
        """`Kuan-Yu Chen, "Backpropagation"`, or the quoted title alone when no author is named."""
        return f'{self.author}, "{self.title}"' if self.author else f'"{self.title}"'


DECKS: dict[str, Deck] = {
    deck.file: deck
    for deck in (
        Deck("000_00cf71c3501cabbd.txt", "Backpropagation", "Kuan-Yu Chen"),
        Deck(
            "001_1dd5d5d05fbbafd6.txt",
            "Machine Learning, Session 10: Deep Learning (after Bishop, ch. 5)",
        ),
        Deck("002_c52a094fd5e83f58.txt", "Derivation of Backpropagation"),
        Deck("003_bc3887f889ecdef7.txt", "Lesson 4: Basic Neural Network", "Daniel"),
        Deck(
            "004_a21f905a5921bab4.txt",
            "CS6910 Lecture 4: Feedforward Neural Networks, Backpropagation",
            "Mitesh M. Khapra",
        ),
    )
}
