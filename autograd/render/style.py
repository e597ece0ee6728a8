"""The house style of every picture: fonts, each role's colours, the colours of gradients, the marks.

The slide view, the decks (PowerPoint, Beamer) and the page use the same colours, so a role or a
gradient looks alike in every view.
"""

from __future__ import annotations

import unicodedata

from ..text import safe

FONT = "Helvetica,Arial,sans-serif"
# Light fills with a darker border per role; the legend repeats them.
PALETTE = {
    "input": ("#dbeafe", "#1d4ed8"),
    "parameter": ("#fef3c7", "#b45309"),
    "constant": ("#f3f4f6", "#6b7280"),
    "intermediate": ("#ffffff", "#6b7280"),
    "loss": ("#fce7f3", "#be185d"),
}
ROLE_NAMES = {
    "input": "input",
    "parameter": "parameter",
    "constant": "constant / target",
    "intermediate": "intermediate",
    "loss": "loss / output",
}
GRAD = "#b91c1c"  # gradients in red, as on the slides
LOCAL = "#047857"  # local gradients (edges) in green
MUTED = "#4b5563"  # grey text: 7.6:1 on white and at least 6.3:1 on every role's fill (WCAG AA asks 4.5:1)
HIGHLIGHT = "#7c3aed"
HIDDEN = "transparent"  # text drawn invisibly keeps its space, so frames keep one layout

# The operation marks, of equal visual weight: a middle dot is a speck beside + and σ, so × stands for
# the product in every picture's mark (formulas and captions keep the dot: w5·h1).
MARKS = {"·": "×"}


LRM = "\u200e"  # Unicode's left-to-right mark


def left_to_right(text: str) -> str:
    """`text` read left to right when it holds right-to-left letters or bidi controls (an isolated label).

    Graphviz (Pango) gives each text run the direction of its first strong letter, and skips neither a
    neutral (∂) nor an isolate: "∂⁨שלום⁩/∂node" was drawn "node∂/שלום∂". A left-to-right mark first makes
    the run's direction the formula's; the label keeps its own order inside its isolate.
    """
    if any(unicodedata.bidirectional(ch) in _RIGHT_TO_LEFT for ch in text) and not text.startswith(LRM):
        return LRM + text
    return text


_RIGHT_TO_LEFT = {"R", "AL", "RLE", "RLO", "RLI", "FSI"}


def font(text: str, color: str | None = None, size: int | None = None, bold: bool = False) -> str:
    """`text` (already HTML) in a Graphviz HTML-label <FONT> of that colour and point size, bold if asked."""
    attrs = (f' COLOR="{color}"' if color else "") + (f' POINT-SIZE="{size}"' if size else "")
    text = left_to_right(text)
    inner = f"<B>{text}</B>" if bold else text
    return f"<FONT{attrs}>{inner}</FONT>" if attrs else inner


def safe_attr(text: str) -> str:
    """Plain text for a quoted DOT attribute: Graphviz reads `\\` and escapes such as `\\N` in it."""
    return safe(text).replace("\\", "\\\\").replace("\n", "\\n")
