"""An example's results as text, Markdown and JSON: values, gradients, slide checks, printouts."""

from __future__ import annotations

from typing import Any

from demos.examples.example import Check, Example, Finding, Graph

# How each finding is marked in the tables; the legend under a report says it in words.
MARKS: dict[Finding, str] = {"agrees": "✓", "erratum": "✗", "convention": "○", "wrong claim": "!"}
MEANINGS: dict[Finding, str] = {
    "agrees": "agrees",
    "erratum": "slide erratum (a known error of the slide; the reason is beside it)",
    "convention": "convention (no derivative there: the slide chooses otherwise than the engine)",
    "wrong claim": "wrong claim in your file",
}


def as_json(example: Example, graph: Graph, eta: float | None = None) -> dict[str, Any]:
    """Everything `chainrule show --json` prints: every labelled node's value and gradient, the checks."""
    return {
        "name": example.name,
        "title": example.title,
        "slide": example.slide,
        "deck": example.source,
        "values": {label: node.data for label, node in graph.nodes.items()},
        "grads": {label: node.grad for label, node in graph.nodes.items()},
        "checks": [
            {
                "quantity": c.quantity,
                "slide": c.slide,
                "computed": c.computed,
                "agrees": c.agrees,
                "finding": c.finding,  # agrees, erratum, convention or wrong claim
                "note": c.note,
            }
            for c in example.checks(graph)
        ],
        "output": example.lines(graph, eta),
        **({"typos": list(example.typos)} if example.typos else {}),  # only where a slide has some
    }


def as_text(example: Example, graph: Graph, eta: float | None = None) -> str:
    """A readable report of one example: description, values and gradients, checks, printout."""
    what = "∂L" if graph.upstream != 1.0 else f"∂{'/'.join(o.label or 'out' for o in graph.outputs)}"
    lines = [
        f"{example.name}: {example.title}",
        *([f"slides: {example.source}"] if example.source else []),
        "",
        *_wrap(example.description),
    ]
    lines += ["", f"{'node':<22} {'value':>14} {'gradient (' + what + '/∂node)':>24}"]
    grads = graph.shown_grads()  # as every view writes them: a cancelled sum is 0, as explain says
    for label, node in graph.nodes.items():
        lines.append(f"{label:<22} {node.data:>14.6g} {grads[node]:>24.6g}")
    checks = example.checks(graph)
    if checks:
        lines += ["", *check_table(checks)]
    if example.typos:
        lines += ["", *typo_lines(example)]
    printout = example.lines(graph, eta)
    if printout:
        lines += ["", *printout]
    return "\n".join(lines)


def typo_lines(example: Example) -> list[str]:
    """The slide's notation slips, one bullet each (no number to check, so no ✓ or ✗)."""
    lines = ["slide typos (notation, no number):"]
    for typo in example.typos:
        first, *rest = _wrap(typo, 96)
        lines += [f"  • {first}", *(f"    {line}" for line in rest)]
    return lines


def check_table(checks: list[Check]) -> list[str]:
    """The checks as an aligned terminal table."""
    lines = [f"{'':2}{'quantity':<26} {'stated':>18} {'computed':>14}  note"]
    for c in checks:
        mark = MARKS[c.finding]
        lines.append(f"{mark} {c.quantity:<26} {_clip(c.slide, 18):>18} {c.computed:>14.6g}  {c.note}")
    return lines


def check_report(results: list[tuple[Example, list[Check]]], markdown: bool = False) -> str:
    """The slide-check report over many examples, as a terminal table or as Markdown.

    Its summary counts each finding apart: errata (the slides' known errors), conventions (a choice at a
    point with no derivative, not an error) and wrong claims (in a teacher's own file).
    """
    summary = check_summary(results)
    found = {c.finding for _, checks in results for c in checks}
    legend = (
        [" · ".join(f"{MARKS[f]} {MEANINGS[f]}" for f in MARKS if f in found)] if found - {"agrees"} else []
    )
    if not markdown:
        out = []
        for example, checks in results:
            source = f" ({example.source})" if example.source else ""
            typos = typo_lines(example) if example.typos else []
            out += [f"== {example.name}: {example.title}{source}", *check_table(checks), *typos, ""]
        return "\n".join([*out, *legend, summary])
    out = ["# Slide-check report", "", summary, "", *legend, *([""] if legend else [])]
    for example, checks in results:
        out += [f"## {example.name}: {example.title}", ""]
        out += [f"Slides: {example.source}.", ""] if example.source else []
        out += ["| | quantity | stated | computed | note |", "|---|---|---|---|---|"]
        for c in checks:
            cells = (MARKS[c.finding], c.quantity, c.slide, f"{c.computed:.6g}", c.note)
            out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        if example.typos:
            out += ["", "Slide typos (notation, no number):", "", *(f"- {typo}" for typo in example.typos)]
        out.append("")
    return "\n".join(out)


def check_summary(results: list[tuple[Example, list[Check]]]) -> str:
    """`18 checks over 2 examples: 15 agree, 1 slide erratum, 2 conventions`; conventions and wrong
    claims (in your files) are named only where there are some."""
    findings = [c.finding for _, checks in results for c in checks]
    errata = findings.count("erratum")
    summary = (
        f"{_count(len(findings), 'check')} over {_count(len(results), 'example')}: "
        f"{findings.count('agrees')} agree, {errata} slide {'erratum' if errata == 1 else 'errata'}"
    )
    if conventions := findings.count("convention"):
        summary += f", {_count(conventions, 'convention')}"
    if wrong := findings.count("wrong claim"):
        summary += f", {_count(wrong, 'wrong claim')} in your {'file' if len(results) == 1 else 'files'}"
    return summary


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap(text: str, width: int = 100) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines
