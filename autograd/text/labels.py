"""Labels as every view shows them: escaped for pictures and HTML, isolated when right-to-left, and
told apart where several nodes share one (`h`, `h (2)`)."""

from __future__ import annotations

import html
import sys
import unicodedata
import warnings
from collections import Counter
from collections.abc import Sequence

from ..value import Value

ELLIPSIS = "…"


def safe(text: str) -> str:
    """`text` with characters no picture can hold (control characters, U+FFFE...) written as escapes."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\t":
            out.append(" ")
        elif ch == "\n":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cs") or code in (0xFFFE, 0xFFFF):
            # Expat (Graphviz's HTML-label parser) rejects these; show them the way Python writes them.
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


MAX_PICTURE_LABEL = 40  # a longer label is shortened in a picture's box (the tooltip has it whole)


def picture_text(text: str, limit: int | None = None) -> str:
    """A name as a picture shows it on one line: every control character written as an escape (a
    newline as `\\n`, a tab as `\\t`; see `safe`), and past `limit` characters shortened with `…`."""
    text = safe(text.replace("\n", "\\n").replace("\t", "\\t"))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + ELLIPSIS
    return text


def html_text(text: str) -> str:
    """`text` escaped for a Graphviz HTML-like label (line breaks become <BR/>)."""
    # Graphviz reads `\\` in a label as one backslash (even written as &#92;), so each one is doubled.
    # A lone `]` trips Graphviz's HTML-label lexer (a syntax error at `]</B>`): written as a reference.
    lines = safe(text).split("\n")
    return "<BR/>".join(
        html.escape(line, quote=True).replace("\\", "\\\\").replace("]", "&#93;") for line in lines
    )


FSI, PDI = "\u2068", "\u2069"  # Unicode's first-strong isolate and its end (UAX #9)


# Bidirectional classes that reorder the text around them: right-to-left letters and explicit controls.
_BIDI = {"R", "AL", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}


def isolated(text: str) -> str:
    """`text` between FSI and PDI when it holds right-to-left letters or bidi controls, else unchanged.

    Inside an isolate a Hebrew or Arabic label keeps its own order without reordering the formula around
    it (a minus sign stays before its number, the result at the end), and a stray control ends with it.
    """
    if any(unicodedata.bidirectional(ch) in _BIDI for ch in text):
        return f"{FSI}{text}{PDI}"
    return text


def shown_labels(nodes: Sequence[Value]) -> dict[Value, str]:
    """Each labelled node's label as every view shows it (text, pictures, the page).

    A label that several nodes share is a mistake to make visible: the first node (in the given order)
    keeps it, the others are `h (2)`, `h (3)`… (a number no other label takes), and a UserWarning names
    the label and how many nodes carry it (Python shows it once). Each label is `isolated`.
    """
    count = Counter(node.label for node in nodes if node.label)
    taken = set(count)
    seen: Counter[str] = Counter()
    shown = {}
    for node in nodes:
        if not node.label:
            continue
        seen[node.label] += 1
        suffix = ""
        if seen[node.label] > 1:
            k = seen[node.label]
            while f"{node.label} ({k})" in taken:
                k += 1
            taken.add(f"{node.label} ({k})")
            suffix = f" ({k})"
        shown[node] = isolated(node.label) + suffix
    for label, n in count.items():
        if n > 1:
            warnings.warn(
                f"{n} different nodes are labelled {label!r}; they are shown as {label!r}, "
                f"'{label} (2)'…; give them different labels",
                UserWarning,
                stacklevel=_caller_level(),
            )
    return shown


def _caller_level() -> int:
    """The `stacklevel` of the first frame outside the autograd package: a warning points at the user's
    line (Python 3.11 has no `skip_file_prefixes`)."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] == "autograd":
        level, frame = level + 1, frame.f_back
    return level
