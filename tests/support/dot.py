"""Reading the renderer's DOT text back: nodes, edges, clusters and the words of HTML labels."""

from __future__ import annotations

import html
import re

from autograd.text import MINUS


def _attrs(text: str) -> dict[str, str]:
    attrs, i = {}, 0
    while True:
        match = re.compile(r"\s*([\w-]+)=").match(text, i)
        if match is None:
            return attrs
        key, i = match[1], match.end()
        if text[i] == "<":  # an HTML label: up to the matching '>'
            depth, j = 0, i
            while True:
                depth += {"<": 1, ">": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            attrs[key], i = text[i + 1 : j - 1], j
        elif text[i] == '"':
            j = text.index('"', i + 1)
            attrs[key], i = text[i + 1 : j], j + 1
        else:
            value = re.compile(r"[^\s\]]+").match(text, i)[0]
            attrs[key], i = value, i + len(value)


class Dot:
    """Nodes, edges and clusters of a DOT text made by the renderer."""

    def __init__(self, source: str) -> None:
        self.nodes: dict[str, dict[str, str]] = {}
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self.cluster_of: dict[str, list[str]] = {}  # node id -> cluster labels, outermost first
        self.graph: dict[str, str] = {}
        stack: list[str | None] = []
        for line in source.splitlines():
            line = line.strip()
            if line.startswith("subgraph cluster_"):
                stack.append(None)
            elif line.startswith("{") or line == "subgraph {":
                stack.append("")
            elif line == "}":
                if stack:
                    stack.pop()
            elif m := re.fullmatch(r"(\w+) -> (\w+)(?: \[(.*)\])?", line):
                self.edges.append((m[1], m[2], _attrs(m[3] or "")))
            elif m := re.fullmatch(r"(n\d+|g\d+) \[(.*)\]", line):
                self.nodes[m[1]] = _attrs(m[2])
                self.cluster_of[m[1]] = [c for c in stack if c]
            elif stack and stack[-1] is None and line.startswith(("color=", "label=", "fontname=")):
                stack[-1] = text(_attrs(line)["label"])
            elif not stack and "=" in line and not line.startswith(("node ", "edge ")):
                self.graph.update(_attrs(line))

    def by_name(self) -> dict[str, str]:
        """Node id of each node, by the first line (its name) of its label."""
        return {lines_of(attrs["label"])[0]: node_id for node_id, attrs in self.nodes.items()}


def text(label: str) -> str:
    """The visible words of an HTML label, whitespace collapsed."""
    label = re.sub(r'<FONT COLOR="transparent">.*?</FONT>', " ", label)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", label)).split())


def lines_of(label: str) -> list[str]:
    rows = re.findall(r"<TR>(.*?)</TR>", label)
    lines = [text(re.sub(r"<TD ROWSPAN.*?</TD>", "", row)) for row in rows]
    return [line for line in lines if line]


def parse_number(text_: str) -> float:
    """A number as the renderer writes it (−, e−5) back to a float."""
    return float(text_.replace(MINUS, "-"))
