"""The mistakes lab's report in words: what each wrong backward pass does, its code, where it goes wrong.

`write_mistakes` lists every mistake with its one sentence; `write_comparison` writes one mistake run on
a graph (`autograd.lab.compare`): the sentence, the wrong code, and a table of every node whose
number differs, right beside wrong, the first one the wrong pass reaches marked (for a mistake of the
matrix form, with each node's entry: W₂ row 1, column 2); or, when the mistake does no harm on that
graph, a sentence saying so. `write_cannot_run` says in one line why a mistake is skipped on a graph;
`write_curves` writes the loss over update steps. Text or Markdown; labels are data, escaped in
Markdown, never evaluated.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from ..graph import forward_order
from ..lab import MISTAKES, Comparison, Curves, Mistake
from ..text import DIGITS, names, number, safe

Format = Literal["text", "markdown"]
FIRST = "← first"
# A wrong node's outline in the lab's pictures: red, as the page's mistake view draws it (its --wrong)
# and the README says; the renderer's violet highlight means "the current step" in frames and pages.
WRONG_OUTLINE = "#b91c1c"
# The update each curve of `write_curves` follows.
UPDATE_RULES = {
    "right": "w ← w − η·∂L/∂w",
    "wrong-sign": "w ← w + η·∂L/∂w",
    "no-zero-grad": "w ← w − η·(the sum of every step's ∂L/∂w so far)",
}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$#])")


def node_names(comparison: Comparison, digits: int = DIGITS) -> dict[Any, str]:
    """Every node of the compared graph named as pictures name it: its label, or its expression."""
    return {node: name.text for node, name in names(forward_order(comparison.root), digits).items()}


def describe(mistake: Mistake, format: Format = "text") -> str:
    """The mistake's title and key, the sentence of what its wrong code does, and that code."""
    _check(format)
    sentence = f"The wrong code {mistake.does}."
    if format == "markdown":
        return f"**{mistake.title}** (`{mistake.key}`)\n\n{sentence}\n\n```python\n{mistake.code}\n```"
    code = "\n".join(f"    {line}" for line in mistake.code.splitlines())
    return f"{mistake.title} ({mistake.key})\n{sentence}\n\n{code}"


def write_mistakes(format: Format = "text") -> str:
    """Every mistake of the lab: its key, its title and what its wrong code does, one per line."""
    _check(format)
    if format == "markdown":
        rows = [f"| `{m.key}` | {m.title} | The wrong code {m.does}. |" for m in MISTAKES.values()]
        return "\n".join(["| key | mistake | what the wrong code does |", "| --- | --- | --- |", *rows])
    width = max(len(key) for key in MISTAKES)
    return "\n".join(f"{m.key:<{width}}  {m.title}: {m.does}" for m in MISTAKES.values())


def write_comparison(comparison: Comparison, format: Format = "text", digits: int = DIGITS) -> str:
    """The mistake, then every node whose number it gets wrong (right, wrong), the first one marked.

    When nothing differs, a sentence saying that the mistake gives the right numbers on this graph and
    when it does so. Raises ValueError for an unknown format.
    """
    _check(format)
    mistake = comparison.mistake
    parts = [describe(mistake, format)]
    if comparison.same:
        parts.append(
            f"On this graph every {mistake.quantity} comes out right, as it does whenever {mistake.harmless}."
        )
        return "\n\n".join(parts)
    named = node_names(comparison, digits)
    entries = comparison.entries  # a matrix-form mistake: each node's entry, W₂ row 1, column 2
    n = len(comparison.differences)
    first = named[comparison.first]
    first = f"`{first}`" if format == "markdown" and "`" not in first else _cell(first, format)
    if comparison.first in entries:
        first += f" ({_cell(entries[comparison.first], format)})"
    parts.append(
        f"{n} node{'s' if n != 1 else ''} of {len(comparison.order)} get{'s' if n == 1 else ''} a wrong "
        f"{mistake.quantity}; the first the wrong pass reaches is {first}."
    )
    rows = [
        (
            named[d.node],
            *((entries.get(d.node, ""),) if entries else ()),
            number(d.right, digits),
            number(d.wrong, digits),
            FIRST if k == 0 else "",
        )
        for k, d in enumerate(comparison.differences)
    ]
    header = ("node", *(("entry",) if entries else ()), f"right {mistake.quantity}", "wrong", "")
    parts.append(_table(header, rows, format))
    return "\n\n".join(parts)


def write_cannot_run(mistake: Mistake, reason: str, format: Format = "text", applies: bool = True) -> str:
    """One line: the mistake is skipped on this graph, and why (`autograd.lab.CannotRun`'s message: the
    layer and the shapes that do not fit; with `applies` False, that the graph has no layers to get
    wrong). Raises ValueError for an unknown format."""
    _check(format)
    why = "its wrong code cannot run on this graph" if applies else "it does not apply to this graph"
    title = (
        f"**{mistake.title}** (`{mistake.key}`)"
        if format == "markdown"
        else f"{mistake.title} ({mistake.key})"
    )
    return f"{title}: skipped, {why}: {_cell(reason, format)}."


def write_curves(curves: Curves, format: Format = "text", digits: int = DIGITS) -> str:
    """The loss before each update step, with the right update and with the mistake's."""
    _check(format)
    rows = []
    for step in range(max(len(curves.right), len(curves.wrong))):
        right = number(curves.right[step], digits) if step < len(curves.right) else ""
        wrong = number(curves.wrong[step], digits) if step < len(curves.wrong) else ""
        rows.append((str(step), right, wrong))
    heading = (
        f"The loss over {len(curves.right) - 1} update steps, η = {curves.eta:g}; right: "
        f"{UPDATE_RULES['right']}, {curves.mistake.key}: {UPDATE_RULES[curves.mistake.key]}:"
    )
    table = _table(("step", "right", curves.mistake.key), rows, format)
    stopped = f"\n\nThe wrong steps stop: {_cell(curves.stopped, format)}" if curves.stopped else ""
    return f"{heading}\n\n{table}{stopped}"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], format: Format) -> str:
    if format == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        lines += ["| " + " | ".join(_cell(cell, format) for cell in row) + " |" for row in rows]
        return "\n".join(lines)
    shown = [tuple(_cell(cell, format) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in [header, *shown]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *shown]]
    return "\n".join(f"  {line}" for line in lines)


def _cell(text: str, format: Format) -> str:
    text = safe(text).replace("\n", " ")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text) if format == "markdown" else text


def _check(format: str) -> None:
    if format not in ("text", "markdown"):
        raise ValueError(f"mistakes: format must be 'text' or 'markdown', got {format!r}")
