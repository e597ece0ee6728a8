"""The interactive page: one self-contained HTML file to step through, explore and quiz a Value graph.

The page shows the renderer's SVG and recomputes values and gradients in the browser with the rule
table's own text (`Op.expression`, `Op.formula`), translated to JavaScript by `page_notation`; nothing
here or in the page's script knows a derivative. Scripts, styles and data are inline; a Content Security
Policy forbids every network request and every script but the page's own (so a label that reads like
markup can never run). `page` writes the file, `html` returns its text, `show` embeds it in Jupyter.
"""

from __future__ import annotations

import html as html_escape
import json
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from . import files
from .backward import topological_order
from .explain import explain
from .page_notation import evaluator, rules_js
from .render import draw
from .render_output import RenderError, run_dot
from .render_roles import NodeKey, node_roles
from .render_text import Name, consumers, expression, factor, formula, names, number
from .value import Value

__all__ = ["PageView", "html", "page", "show"]

Roots = Value | Sequence[Value]
_PLACEHOLDER = "\ue000"  # stands for operand i's number in forward-caption templates (U+E000 + i)
_ATOM = 9  # render_text's precedence of a name that never needs parentheses


def page(
    root: Roots,
    path: str | Path,
    *,
    title: str | None = None,
    roles: Mapping[NodeKey, str] | None = None,
    upstream: float = 1.0,
    loss: str | None = None,
    digits: int = 4,
    direction: Literal["LR", "TB", "RL", "BT"] = "LR",
) -> Path:
    """Write the interactive page of `root`'s graph (or of several roots, one at a time) to `path`.

    `roles` colours nodes as for `autograd.render.draw`; `upstream` is ∂loss/∂root when the root sits
    inside a bigger graph whose output is called `loss` ("L" unless given). The file is written whole
    or not at all.
    """
    text = html(
        root, title=title, roles=roles, upstream=upstream, loss=loss, digits=digits, direction=direction
    )
    try:
        return files.write_atomic(path, text)
    except files.WriteError as error:
        raise RenderError(str(error)) from None


def html(
    root: Roots,
    *,
    title: str | None = None,
    roles: Mapping[NodeKey, str] | None = None,
    upstream: float = 1.0,
    loss: str | None = None,
    digits: int = 4,
    direction: Literal["LR", "TB", "RL", "BT"] = "LR",
) -> str:
    """The page's HTML text (see `page`)."""
    roots = [root] if isinstance(root, Value) else list(root)
    if not roots or not all(isinstance(r, Value) for r in roots):
        raise TypeError(f"page: expected a Value or a list of Values, got {root!r}")
    if isinstance(upstream, bool) or not isinstance(upstream, (int, float)) or not math.isfinite(upstream):
        raise ValueError(f"page: upstream must be a finite number, got {upstream!r}")
    if loss is None and upstream != 1:
        loss = "L"  # ∂L/∂root is given, so the gradients are of some L beyond the root
    if title is None:
        title = roots[0].label if len(roots) == 1 and roots[0].label else "chainrule"
    graphs, svgs = [], []
    for k, r in enumerate(roots):
        graphs.append(graph_data(r, roles, float(upstream), loss, digits))
        svgs.append(_svg(r, roles, digits, direction, k))
    data = {"title": title, "digits": digits, "graphs": graphs}
    nonce = secrets.token_urlsafe(16)
    return _TEMPLATE.format(
        nonce=nonce,
        title=html_escape.escape(title),
        style=_resource("page_style.css"),
        svgs="\n".join(svgs),
        data=_json_for_script(data),
        script="\n".join((rules_js(), _resource("page_compute.js"), _resource("page_script.js"))),
    )


class PageView:
    """The page of a graph, shown inline in Jupyter (a sandboxed iframe) and savable with `save`."""

    def __init__(self, text: str, height: int = 760) -> None:
        self.text = text
        self.height = height

    def _repr_html_(self) -> str:
        # srcdoc keeps the page self-contained; the sandbox lets its scripts run but gives them an
        # origin of their own, so the page cannot reach into the notebook.
        return (
            f'<iframe srcdoc="{html_escape.escape(self.text, quote=True)}" sandbox="allow-scripts" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #e5e7eb;"></iframe>'
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to `path` (whole or not at all)."""
        return files.write_atomic(path, self.text)


def show(root: Roots, *, height: int = 760, **options: Any) -> PageView:
    """The page of `root`'s graph for Jupyter: the cell shows it (options as for `page`)."""
    return PageView(html(root, **options), height)


# --- what the page's script reads -------------------------------------------------------------------


def graph_data(
    root: Value, roles: Mapping[NodeKey, str] | None, upstream: float, loss: str | None, digits: int
) -> dict:
    """One graph as plain data: nodes in creation order with op, settings, parents, role and captions."""
    nodes = topological_order(root)[::-1]  # creation order: every node after its parents
    index = {node: k for k, node in enumerate(nodes)}
    named = names(nodes, digits)
    role_of = node_roles(nodes, root, roles)
    used = consumers(nodes)
    top = loss or named[root].wrapped()
    out = []
    warnings = []
    for node in nodes:
        item: dict[str, Any] = {
            "name": named[node].text,
            "label": node.label,
            "op": node.op.name if node.op else None,
            "params": dict(node.params or {}),
            "parents": [index[p] for p in node.parents],
            "role": role_of[node],
            "data": node.data,
            "editable": node.op is None and bool(node.label),
            "head": f"∂{top}/∂{named[node].wrapped()}",
            "uses": [
                {
                    "user": index[c],
                    "input": i,
                    "symbol": f"∂{top}/∂{named[c].wrapped()} · " + factor(formula(c, i, named, digits)),
                }
                for c, i in used[node]
            ],
            "explain": _explanation(root, node, upstream, loss),
        }
        if node.op is not None:
            item.update(_forward_text(node, named, digits))
            warning = _text_disagrees(node, named[node].text)
            if warning:
                warnings.append(warning)
        out.append(item)
    return {"root": index[root], "top": top, "upstream": upstream, "nodes": out, "warnings": warnings}


def _text_disagrees(node: Value, name: str) -> str | None:
    """Why the page's numbers differ from the engine's at `node`, if they do.

    The page computes local gradients from the rule table's formula text; at a kink or a tie (max of
    two equal numbers, abs at 0) the engine's convention may be one the text cannot say. The page says
    so rather than computing a different derivative of its own.
    """
    env = dict(zip("ab", (p.data for p in node.parents)), out=node.data, **(node.params or {}))
    try:
        by_text = [evaluator(text)(**env) for text in node.op.formula]
    except (ArithmeticError, ValueError):
        return None
    if all(math.isclose(t, e, rel_tol=1e-9, abs_tol=1e-12) for t, e in zip(by_text, node.local)):
        return None
    shown = ", ".join(number(x, 6) for x in by_text)
    engine = ", ".join(number(x, 6) for x in node.local)
    note = f" ({node.op.note})" if node.op.note else ""
    return (
        f"At {name} ({node.op.name}) the engine's local gradients are {engine}{note}, but the rule "
        f"table's formula text ({', '.join(node.op.formula)}) gives {shown}; this page computes from the "
        "text, so its gradients through this node differ from the engine's."
    )


def _forward_text(node: Value, named: Mapping[Value, Name], digits: int) -> dict:
    """A computed node's forward caption: its expression, number templates per operand sign, rules."""
    name = named[node]
    symbolic = expression(node, [named[p] for p in node.parents], digits).text
    templates = []
    for mask in range(2 ** len(node.parents)):
        # A negative operand is parenthesised inside products and powers (precedence 1, like a sum).
        operands = [
            Name(chr(ord(_PLACEHOLDER) + i), 1 if mask >> i & 1 else _ATOM, True)
            for i in range(len(node.parents))
        ]
        templates.append(expression(node, operands, digits, tight=False).text)
    local = [
        {"prefix": f"∂{name.wrapped()}/∂{named[p].wrapped()}", "rule": formula(node, i, named, digits)}
        for i, p in enumerate(node.parents)
    ]
    op = node.op
    return {
        "lhs": "" if symbolic == name.text else f"{name.text} = ",
        "symbolic": symbolic,
        "templates": templates,
        "local": local,
        "expression": op.expression,
        "formula": list(op.formula),
        "note": op.note,
    }


def _explanation(root: Value, node: Value, upstream: float, loss: str | None) -> str | None:
    # The explainer covers labelled nodes and the root; elsewhere the page's own step caption serves.
    if node.label is None and node is not root:
        return None
    try:
        return explain(root, node, upstream=upstream, loss=loss)
    except Exception:  # an explanation is a bonus: a graph the explainer cannot word still gets a page
        return None


def _svg(root: Value, roles: Mapping[NodeKey, str] | None, digits: int, direction: str, k: int) -> str:
    """The renderer's picture of the graph, as inline SVG whose ids are unique within the page."""
    source = draw(root, roles=roles, digits=digits, direction=direction, view="full").source
    svg = run_dot(source, "svg").decode("utf-8")
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and doctype, which HTML does not take
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r' id="', f' id="g{k}-', svg)
    return f'<div class="graph-pane" data-graph="{k}" hidden>{svg}</div>'


def _json_for_script(data: object) -> str:
    # Inside <script type="application/json">, "</script>" or "<!--" in a label would end the block
    # early; escaped as \u003c the JSON reads the same and the HTML parser sees no tag.
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _resource(name: str) -> str:
    return resources.files("autograd").joinpath(name).read_text(encoding="utf-8")


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-{nonce}'; \
style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{style}
</style>
</head>
<body>
<header>
  <h1 id="title">{title}</h1>
  <label id="case-picker" hidden>output <select id="case"></select></label>
  <span class="spacer"></span>
  <label class="toggle"><input type="checkbox" id="quiz-mode"> quiz mode</label>
  <span class="zoom"><button type="button" id="zoom-out" title="smaller" aria-label="zoom out">−</button
    ><button type="button" id="fit" title="fit the graph to the window">fit</button
    ><button type="button" id="zoom-in" title="larger" aria-label="zoom in">+</button></span>
</header>
<nav id="controls" aria-label="steps">
  <button type="button" id="reset" title="reset (r)">↺ reset</button>
  <button type="button" id="back" title="step backward (←)">◀ back</button>
  <button type="button" id="play" title="play or pause (space)">▶ play</button>
  <button type="button" id="forward" title="step forward (→)">step ▶</button>
  <button type="button" id="end" title="show everything (End)">end ▶▶</button>
  <span id="counter" aria-live="polite"></span>
</nav>
<p id="caption" aria-live="polite"></p>
<p id="error" role="alert" hidden></p>
<div id="warnings" hidden></div>
<main>
  <section id="graphs">
{svgs}
  </section>
  <aside id="side">
    <section id="quiz" hidden></section>
    <section id="details"></section>
    <section id="whatif"></section>
  </aside>
</main>
<footer>chainrule · keys: → step, ← back, space play, r reset · click a node for its chain rule</footer>
<script type="application/json" id="page-data">{data}</script>
<script nonce="{nonce}">
{script}
</script>
</body>
</html>
"""
