"""The page's data: one graph as plain JSON-ready data, every caption and formula from the views' text."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..explain import explain
from ..graph import forward_order
from ..notation import evaluator
from ..render.roles import NodeKey, node_roles
from ..render.text import ATOM, Name, consumers, expression, factor, formula, names, number
from ..value import Value

PLACEHOLDER = "\ue000"  # stands for operand i's number in forward-caption templates (U+E000 + i)


def graph_data(
    root: Value, roles: Mapping[NodeKey, str] | None, upstream: float, loss: str | None, digits: int
) -> dict:
    """One graph as plain data: nodes in creation order with op, settings, parents, role and captions."""
    nodes = forward_order(root)
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
            Name(chr(ord(PLACEHOLDER) + i), 1 if mask >> i & 1 else ATOM, True)
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
