"""What `explain` and `delta_view` return: plain text to Python, typeset math to Jupyter.

`Explanation` is a str and `DeltaView` a list of str, so printing, joining and comparing work as on
text; Jupyter asks them for `_repr_markdown_` (display math, which notebooks typeset) or `_repr_latex_`.
Labels are user text: the LaTeX escapes them (see `write.latex`), and neither form holds anything
that Markdown or HTML would read as markup from a label: `<` only as `{<}`, `&` as `\\&{}`, no backtick
or bracket.
"""

from __future__ import annotations

from collections.abc import Iterable

from .write import latex


class Explanation(str):
    """One derivation line: the text (in the format asked for), and the same line as math for Jupyter.

    Built as Explanation(shown, text, labels): `shown` is the string value, `text` the plain-text line,
    `labels` the graph's labels (escaped as symbols in the math).
    """

    text: str
    labels: tuple[str, ...]

    def __new__(cls, shown: str, text: str | None = None, labels: Iterable[str] = ()) -> Explanation:
        line = super().__new__(cls, shown)
        line.text = shown if text is None else text  # copy and pickle rebuild it from `shown` alone
        line.labels = tuple(labels)
        return line

    def math(self) -> str:
        """The line as LaTeX math for a notebook, without the dollar signs: as `format="latex"` writes
        it, but a character pdflatex's fonts lack (Hebrew, CJK, emoji) stays itself, in \\text{}, for
        MathJax and KaTeX read it."""
        return latex(self.text, self.labels, unicode=True)[1:-1]

    def _repr_latex_(self) -> str:
        return f"$${self.math()}$$"

    def _repr_markdown_(self) -> str:
        return f"$${self.math()}$$"


class DeltaView(list):
    """The δ view's lines (Explanations): a list of str to Python, one display equation each in Jupyter."""

    def _repr_latex_(self) -> str:
        return "\n".join(line._repr_latex_() for line in self)

    def _repr_markdown_(self) -> str:
        # a blank line between equations keeps each its own paragraph
        return "\n\n".join(line._repr_markdown_() for line in self)
