"""The page's data: one graph as plain JSON-ready data, every caption and formula from the views' text."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import lab
from ..explain import Bracket, Derivation, Factor, derive
from ..explain.matrix import Notation, OutputRule
from ..explain.write import Form, fixed_factor, readable_side, unwrapped
from ..graph import forward_order, leading_to, teaching_order
from ..notation import evaluator
from ..render.captions import CaptionedStep, consumers, gradient_head, is_constant
from ..render.roles import NodeKey, node_roles
from ..render.slide import SlideGraph
from ..render.slide_frames import backward_slide_steps
from ..text import ATOM, MINUS, Name, checked_side, expression, factor, formula, local_constant, names, number
from ..trace import trace
from ..value import Value
from .matrix_data import matrix_data

PLACEHOLDER = "\ue000"  # stands for operand i's number in forward-caption templates (U+E000 + i)
MAX_MISTAKE_STEPS = 5000  # a wrong pass with more writes is named on the page but not stepped through


def graph_data(
    root: Value,
    roles: Mapping[NodeKey, str] | None,
    upstream: float,
    loss: str | None,
    digits: int,
    *,
    notation: Notation | None = None,
    rule: OutputRule | None = None,
) -> dict:
    """One graph as plain data: nodes in creation order with op, settings, parents, role and captions.

    `backward` is the order the page's backward steps take: the slides' (`teaching_order`). `inputs`
    are the evaluation trace's inputs (the labelled leaves, which forward mode can differentiate by) and
    `counts` the multiply-adds of each mode for the full gradient (`autograd.trace(root).counts()`).
    `program` is the graph's evaluation trace with every leaf an input (`Trace.to_json`), which the
    page's interpreter (program.js) runs; node k is the program's position `slots[k]`. `matrix` is the
    graph's matrix form in `notation`, with the output `rule` (`matrix_data.matrix_data`), or None where
    its nodes do not group into layers.
    """
    nodes = forward_order(root)
    index = {node: k for k, node in enumerate(nodes)}
    named = names(nodes, digits)
    role_of = node_roles(nodes, root, roles)
    used = consumers(nodes)
    top = loss or named[root].wrapped()
    by_name = {name.wrapped(): index[node] for node, name in named.items()}  # the derivations' symbols
    out = []
    warnings = []
    for node in nodes:
        item: dict[str, Any] = {
            "name": named[node].text,
            "wrapped": named[node].wrapped(),
            "label": node.label,
            "op": node.op.name if node.op else None,
            "params": dict(node.params or {}),
            "parents": [index[p] for p in node.parents],
            "role": role_of[node],
            "data": node.data,
            "editable": node.op is None and bool(node.label),
            "head": gradient_head(node, top, named, used),
            "uses": [
                {
                    "user": index[c],
                    "input": i,
                    "symbol": f"∂{top}/∂{named[c].wrapped()} · " + factor(formula(c, i, named, digits)),
                    "fixed": local_constant(c, i, named, digits),
                }
                for c, i in used[node]
            ],
            "derivation": _derivation(root, node, upstream, loss, by_name, nodes, index, digits),
        }
        if node.op is not None:
            item.update(_forward_text(node, named, digits))
            warning = _text_disagrees(node, named[node].text)
            if warning:
                warnings.append(warning)
        out.append(item)
    backward = [index[node] for node in teaching_order(root)]
    labelled = trace(root)  # the inputs are the labelled leaves, constants are written in
    counts = labelled.counts()
    # The program the page runs: every leaf an input, so a constant has a number (and a gradient) too.
    program = trace(root, inputs=[node for node in nodes if node.op is None])
    slot = {node: k for k, node in enumerate(program.nodes)}
    return {
        "root": index[root],
        "top": top,
        "upstream": upstream,
        "backward": backward,
        "inputs": [index[node] for node in labelled.nodes[: labelled.n_inputs]],
        "counts": dataclasses.asdict(counts) | {"forward": counts.forward, "reverse": counts.reverse},
        "program": program.to_json(),
        "slots": [slot[node] for node in nodes],
        "nodes": out,
        "warnings": warnings,
        "mistakes": mistake_data(root, upstream, index),
        "matrix": matrix_data(root, index, notation, rule),
    }


def slide_data(root: Value, slide: SlideGraph, top: str, digits: int) -> dict:
    """What the page needs of the slide view: its boxes, how to compute its arrows' numbers, and the
    captions of its steps written over the boxes' arrows.

    `boxes` are the nodes (by forward index) that have a box; the page steps through these only (a
    fused net box is one step; its gradient is the net node's, δ = ∂loss/∂net). Each arrow says its
    `tail` and `head` nodes and the `members`, the computed nodes drawn in the head's box in forward
    order: the page gets the arrow's ∂head/∂tail by sweeping back over them with their local
    gradients, summing over paths products of `node.local` as `autograd.render.slide.fused_locals` does.

    `chain` maps a box (its node index, as text) to the symbolic side of its backward step as the slide
    view's frames write it, `∂f/∂h2 = ∂f/∂net_o1 · ∂net_o1/∂h2 + ∂f/∂net_o2 · ∂net_o2/∂h2` (one term per
    arrow out of the box, in `arrows`' order; the page adds the numbers). `sums` maps a box that draws
    several computed nodes (a fused net input) to its forward step: `lhs` and `symbolic`
    (`net_o1 = w5·h1 + w6·h2 + b2`) and its `members` with number templates, as `_box_templates` says.
    """
    nodes = forward_order(root)
    index = {node: k for k, node in enumerate(nodes)}
    by_id = {box.id: box for box in slide.boxes}
    arrows = []
    for arrow in slide.arrows:
        head = by_id[arrow.head]
        members = sorted((index[m] for m in (*head.fused, head.node) if m.op is not None), key=lambda k: k)
        arrows.append({"tail": index[by_id[arrow.tail].node], "head": index[head.node], "members": members})
    sums = {}
    for box in slide.boxes:
        inside = {*box.fused, box.node}
        members = [m for m in nodes if m in inside and m.op is not None]
        if len(members) > 1:
            sums[str(index[box.node])] = {
                "lhs": "" if box.formula == box.name else f"{box.name} = ",
                "symbolic": box.formula,
                "members": _box_templates(members, index, digits),
            }
    return {
        "boxes": [index[box.node] for box in slide.boxes],
        "arrows": arrows,
        "chain": {str(index[node]): text for node, text in _chain_sides(slide, top, digits).items()},
        "sums": sums,
    }


def _chain_sides(slide: SlideGraph, top: str, digits: int) -> dict[Value, str]:
    """Each box's backward caption without its numbers, as the slide view's frames write it.

    `autograd.render.slide_frames.backward_slide_steps` writes the caption whole, numbers included; the
    page recomputes the numbers live (what-if edits), so it takes the symbolic side of that very text:
    the steps are given with every number 0, so each caption ends in `= 0 · 0 + … = 0`, one `0 · 0` per
    arrow out of the box, which is cut off. (A function of slide_frames giving the terms alone would
    spare this; see the hand-over report.)
    """
    zero = replace(slide, arrows=tuple(replace(a, value=0.0) for a in slide.arrows))
    out = Counter(a.tail for a in slide.arrows)
    box_of = {box.node: box.id for box in slide.boxes}
    steps = [CaptionedStep(box.node, 0.0, "") for box in slide.boxes]
    sides = {}
    for step in backward_slide_steps(zero, steps, top, digits):
        n = out[box_of[step.node]]
        if n == 0:
            continue  # the output: its caption is the page's own (the given upstream)
        tail = " = " + " + ".join(["0 · 0"] * n) + " = 0"
        if not step.caption.endswith(tail):  # a caption written some other way: the page's own then
            continue
        sides[step.node] = step.caption[: -len(tail)]
    return sides


def _box_templates(members: list[Value], index: Mapping[Value, int], digits: int) -> list[dict]:
    """Number templates for a box's forward step, written by `expression` as the deck writes it
    (`0.4 · 0.5933 + 0.45 · 0.5969 + 0.6`), one computed member at a time, in forward order.

    For member m, `templates[mask]` is m's expression with operand i written U+E000 + i, and, where bit
    i of `mask` is set, as −(U+E000 + i): operand i's text starts with a minus (a negative number, or a
    member's text that starts with one), which decides brackets (`0.1 + (−0.3 · 0.5)`). The page puts
    each operand's text in (a number, a constant's name, or an inner member's filled template).
    """
    inside = set(members)
    precedence: dict[Value, int] = {}
    out = []
    for m in members:
        templates = []
        for mask in range(2 ** len(m.parents)):
            operands = []
            for i, p in enumerate(m.parents):
                negative = bool(mask >> i & 1)
                text = (MINUS if negative else "") + chr(ord(PLACEHOLDER) + i)
                if p in inside:
                    prec = precedence[p]
                else:
                    prec = 1 if negative else ATOM  # as number_name writes a number
                operands.append(Name(text, prec, True))
            shown = expression(m, operands, digits, tight=False)
            precedence[m] = shown.precedence
            templates.append(shown.text)
        out.append({"node": index[m], "templates": templates})
    return out


def mistake_data(root: Value, upstream: float, index: Mapping[Value, int]) -> list[dict]:
    """Each wrong backward pass of `autograd.lab` on `root`'s graph, as the page steps through it.

    One entry per gradient mistake (the update mistake "wrong-sign" changes values, not a backward
    pass, and is left to `chainrule mistakes`): its key, title, sentence (`does`), wrong `code`, when it
    is `harmless`, and from `lab.compare`: `steps` [[node, wrong number just after the write], …]
    in the wrong pass's own order, `right` and `wrong` (every node's final number, by node index),
    `first` (the first node the wrong pass reaches whose gradient ends wrong, or None) and `same`.
    A pass the page cannot step through (too many writes, or refused by `compare`) keeps its text and
    gets `skipped`, the reason, instead of numbers.
    """
    out = []
    for m in lab.MISTAKES.values():
        if m.quantity != "gradient":
            continue
        item: dict[str, Any] = {
            "key": m.key, "title": m.title, "does": m.does, "code": m.code, "harmless": m.harmless,
        }  # fmt: skip
        try:
            c = lab.compare(root, m.key, upstream)
        except ValueError as error:
            out.append(item | {"skipped": str(error)})
            continue
        numbers = [*c.right.values(), *c.wrong.values(), *(v for _, v in c.steps)]
        if len(c.steps) > MAX_MISTAKE_STEPS or not all(math.isfinite(x) for x in numbers):
            why = f"{len(c.steps)} writes" if len(c.steps) > MAX_MISTAKE_STEPS else "a number overflows"
            out.append(item | {"skipped": f"the wrong pass is too long to step through here ({why})"})
            continue
        item.update(
            steps=[[index[node], value] for node, value in c.steps],
            right=_by_index(c.right, index),
            wrong=_by_index(c.wrong, index),
            first=None if c.first is None else index[c.first],
            same=c.same,
        )
        out.append(item)
    return out


def _by_index(numbers: Mapping[Value, float], index: Mapping[Value, int]) -> list[float]:
    """Every node's number in creation order; a node the pass never reaches has 0."""
    out = [0.0] * len(index)
    for node, x in numbers.items():
        out[index[node]] = x
    return out


def _text_disagrees(node: Value, name: str) -> str | None:
    """Why the page's numbers differ from the engine's at `node`, if they do.

    The page computes local gradients from the rule table's formula text; at a kink or a tie (max of
    two equal numbers, abs at 0) the engine's convention may be one the text cannot say. The page says
    so rather than computing a different derivative of its own.
    """
    env = dict(zip("ab", (p.data for p in node.parents)), out=node.data, **(node.params or {}))
    try:
        by_text = [evaluator(text)(**env) for text in node.op.computed_formula]
    except (ArithmeticError, ValueError):
        return None
    if all(math.isclose(t, e, rel_tol=1e-9, abs_tol=1e-12) for t, e in zip(by_text, node.local)):
        return None
    shown = ", ".join(number(x, 6) for x in by_text)
    engine = ", ".join(number(x, 6) for x in node.local)
    note = f" ({node.op.note})" if node.op.note else ""
    return (
        f"At {name} ({node.op.name}) the engine's local gradients are {engine}{note}, but the rule "
        f"table's formula text ({', '.join(node.op.computed_formula)}) gives {shown}; this page computes "
        "from the text, so its gradients through this node differ from the engine's."
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
    local = []
    for i, p in enumerate(node.parents):
        rule = formula(node, i, named, digits)
        local.append(
            {
                "prefix": f"∂{name.wrapped()}/∂{named[p].wrapped()}",
                "rule": rule,
                "factor": factor(rule),
                "fixed": local_constant(node, i, named, digits),  # a constant, written as given
                "constant": is_constant(p),  # no local gradient is shown with respect to a constant
            }
        )
    op = node.op
    return {
        "lhs": "" if symbolic == name.text else f"{name.text} = ",
        "symbolic": checked_side(symbolic, node.data, digits),  # "" when rounded constants miss the value
        "templates": templates,
        "local": local,
        "expression": op.expression,
        "formula": list(op.formula),
        "note": op.note,
    }


MAX_DERIVATION_NODES = 100  # labelled nodes on the way: a longer chain-rule line is read by no one, and
# each costs time in the graph's size (a 600-step chain's page took 77 s); the step's caption serves


def _derivation(
    root: Value,
    node: Value,
    upstream: float,
    loss: str | None,
    by_name: Mapping[str, int],
    nodes: list[Value],
    index: Mapping[Value, int],
    digits: int,
) -> dict | None:
    """`explain`'s derivation of ∂root/∂node as a template the page fills with live numbers.

    Its symbol and formula rows are fixed text (as `autograd.explain.write` writes them); each factor
    of the number row says how the browser recomputes it: the upstream gradient, a full gradient
    ∂upper/∂lower, or a link (∂upper/∂lower through unlabelled nodes only, as `derive` folds them).
    """
    # The explainer covers labelled nodes and the root; elsewhere the page's own step caption serves.
    if node.label is None and node is not root:
        return None
    if sum(1 for n in leading_to(nodes, [node]) if n.label) > MAX_DERIVATION_NODES:
        return None
    try:
        d = derive(root, node, upstream, loss)
    except Exception:  # an explanation is a bonus: a graph the explainer cannot word still gets a page
        return None
    try:
        parts = [_part_spec(part, by_name, index) for part in d.parts]
    except (
        KeyError
    ):  # a symbol the page cannot map back to nodes: no live explanation rather than a wrong one
        return None
    return {
        "symbol": d.symbol,
        "short": len(d.parts) == 1 and isinstance(d.parts[0], Factor) and not d.parts[0].formula,
        # a formula row in numbers only that does not give the printed result is left out, as explain does
        "rows": [_row(d, "symbol"), readable_side(checked_side(_row(d, "formula"), d.value, digits))],
        "parts": parts,
    }


def _part_spec(part: Factor | Bracket, by_name: Mapping[str, int], index: Mapping[Value, int]) -> dict:
    if isinstance(part, Factor):
        return {"factor": _factor_spec(part, by_name, index)}
    if part.ends:
        whole = {"up": index[part.ends[0]], "low": index[part.ends[1]], "link": part.kind == "link"}
    else:
        first = part.terms[0]
        whole = {"up": _ends(first[0].symbol, by_name)[0], "low": _ends(first[-1].symbol, by_name)[1]}
    return {
        "bracket": {
            "terms": [[_factor_spec(f, by_name, index) for f in term] for term in part.terms],
            "more": _more(part),
            "value": whole,
        }
    }


def _factor_spec(f: Factor, by_name: Mapping[str, int], index: Mapping[Value, int]) -> dict:
    if not f.formula:
        return {"upstream": True}
    # Its nodes as derive gives them (two nodes may share a name: |a| twice), else by name. A link runs
    # through unlabelled nodes only; a local is the rule table's; else (∂top/∂u in a bracket) a full gradient.
    up, low = (index[f.ends[0]], index[f.ends[1]]) if f.ends else _ends(f.symbol, by_name)
    kind = f.kind or ("link" if f.formula != f.symbol else "")
    return {"up": up, "low": low, "link": kind == "link", "local": kind == "local", "fixed": fixed_factor(f)}


def _ends(symbol: str, by_name: Mapping[str, int]) -> tuple[int, int]:
    """The nodes of `∂upper/∂lower`, by their names (which may themselves hold a slash)."""
    for name, k in by_name.items():
        head = f"∂{name}/∂"
        if symbol.startswith(head) and symbol[len(head) :] in by_name:
            return k, by_name[symbol[len(head) :]]
    raise KeyError(symbol)


def _row(d: Derivation, form: Form) -> str:
    """The derivation's symbol or formula row, as `autograd.explain.write` writes it."""
    texts = []
    for part in d.parts:
        if isinstance(part, Factor):
            texts.append(_factor_text(part, form))
        else:
            terms = [" · ".join(_factor_text(f, form) for f in term) for term in part.terms]
            texts.append("(" + " + ".join(terms) + _more(part) + ")")
    row = unwrapped(" · ".join(texts))
    return readable_side(row) if form == "formula" else row


def _factor_text(f: Factor, form: Form) -> str:
    text = getattr(f, form)
    return factor(text) if text else f.symbol


def _more(part: Bracket) -> str:
    return f" + … {part.hidden} more" if part.hidden else ""  # as autograd.explain.write writes it
