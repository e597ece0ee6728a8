"""The sweeps over a batch, group by group: a chain of sums forward, a group's local gradients backward.

Every value vᵢ is a row of a (values × samples) array; a group writes its rows at once, and the backward
sweep adds each group's contributions into its operands' rows (rows that may repeat, see `add_rows`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .schedule import Group, Picks, row_numbers


def variant_columns(variant: np.ndarray) -> list[tuple[int, Any]]:
    """(variant, its samples' columns) for each variant in the batch; all columns as a slice (a view)
    when the batch runs one variant."""
    present = np.unique(variant)
    if len(present) == 1:
        return [(int(present[0]), slice(None))]
    return [(int(v), np.flatnonzero(variant == v)) for v in present]


def all_finite(x: np.ndarray) -> bool:
    """Whether every entry of x is a finite float: one pass (the sum), a second only where the sum is
    not finite (a NaN or an infinity in x, or finite entries whose sum overflows: call it where NumPy's
    overflow warnings are off)."""
    return math.isfinite(x.sum()) or bool(np.isfinite(x).all())


def columns_of(x: np.ndarray | None, cols: Any) -> np.ndarray | None:
    return None if x is None else x[:, cols]


def chain_sums(g: Group, values: np.ndarray) -> None:
    """The partial sums of a chain group, written in place: sum j of every chain at once, in the
    graph's order. (np.add.accumulate along the first axis would do it in one call, 20× slower.)"""
    terms = values[g.chain]  # terms × chains × samples
    sums = values[g.start : g.stop].reshape(len(terms) - 1, *terms.shape[1:])  # a view of the rows
    np.add(terms[0], terms[1], out=sums[0])
    for j in range(1, len(sums)):
        np.add(sums[j - 1], terms[j + 1], out=sums[j])


def tree_sums(g: Group, values: np.ndarray) -> None:
    """A tree of sums, level by level, each node as the graph adds it (to the last bit)."""
    for out, a, b in g.tree.levels:
        if isinstance(out, slice):  # a level's rows are consecutive: written in place
            np.add(values[a], values[b], out=values[out])
        else:
            values[out] = values[a] + values[b]


def picked(picks: Picks, values: np.ndarray, variant: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The operands of a `Picks` group for every sample: sample j reads its variant's rows."""
    every = np.arange(values.shape[1])
    a = values[picks.a[:, variant], every]
    return a, None if picks.b is None else values[picks.b[:, variant], every]


def backward_group(g: Group, values: np.ndarray, adjoint: np.ndarray, sweep: Any) -> None:
    """Add group g's contributions into its operands' rows of `adjoint` (`sweep`: the variants of the
    batch's samples, `variant` and `columns`)."""
    if g.tree is not None:  # every leaf operand gets the root's gradient: a sum's local gradients are 1
        tree = g.tree
        if tree.leaf_sum is None:  # distinct leaves: the root's row broadcast over them
            adjoint[tree.leaves] += adjoint[tree.root]
            return
        each = np.broadcast_to(adjoint[tree.root], (len(tree.leaves), adjoint.shape[1]))
        add_rows(adjoint, tree.leaves, tree.leaf_sum, each)
        return
    if g.chain is not None:  # every term of a chain of sums gets the last sum's gradient
        terms, chains = g.chain.shape
        ends = adjoint[g.stop - chains : g.stop]
        adjoint[g.start : g.stop - chains].reshape(terms - 2, chains, -1)[:] = ends
        if g.chain_sum is None:  # distinct terms: one fancy update, the gradient broadcast
            adjoint[g.chain] += ends
        else:
            each = np.broadcast_to(ends, (terms, *ends.shape)).reshape(terms * chains, -1)
            add_rows(adjoint, g.chain.ravel(), g.chain_sum, each)
        return
    if g.picks is not None:
        _backward_picks(g, values, adjoint, sweep.variant)
        return
    if g.operands is not None:
        _backward_variants(g, values, adjoint, sweep.columns)
        return
    upstream = adjoint[g.start : g.stop]
    a = values[g.a]
    b = None if g.b is None else values[g.b]
    out = values[g.start : g.stop]
    settings = g.settings
    for k, (rows, how) in enumerate(((g.a, g.a_sum), (g.b, g.b_sum))[: g.op.arity]):
        if not g.live[k]:  # only into constants
            continue
        if g.variants is not None:
            local = np.empty_like(upstream)
            for v, cols in sweep.columns:
                _, r, kw = g.at(v)
                c = r.constant[k]
                local[:, cols] = (
                    c if c is not None else r.grads[k](a[:, cols], columns_of(b, cols), out[:, cols], **kw)
                )
            add_rows(adjoint, rows, how, upstream * local)
            continue
        c = g.rule.constant[k]
        if c == 0.0:  # nothing flows
            continue
        if c is None:
            contribution = upstream * g.rule.grads[k](a, b, out, **settings)
        else:
            contribution = upstream if c == 1.0 else upstream * c
        add_rows(adjoint, rows, how, contribution)


def _backward_picks(g: Group, values: np.ndarray, adjoint: np.ndarray, variant: np.ndarray) -> None:
    """A `Picks` group: each sample's contributions added into its variant's rows, all at once."""
    picks, upstream, out = g.picks, adjoint[g.start : g.stop], values[g.start : g.stop]
    a, b = picked(picks, values, variant)
    every = np.arange(values.shape[1])
    for k, table in enumerate((picks.a, picks.b)[: g.op.arity]):
        c = g.rule.constant[k]
        if not g.live[k] or c == 0.0:
            continue
        local = c if c is not None else g.rule.grads[k](a, b, out, **g.settings)
        rows = table[:, variant]
        if picks.distinct:  # each (row, sample) once: a plain fancy update is exact
            adjoint[rows, every] += upstream * local
        else:
            np.add.at(adjoint, (rows, every), upstream * local)


def _backward_variants(g: Group, values: np.ndarray, adjoint: np.ndarray, columns: list) -> None:
    """A group whose variants read rows of their own: each variant's samples add into its rows."""
    out, upstream = values[g.start : g.stop], adjoint[g.start : g.stop]
    for v, cols in columns:
        _, r, kw = g.at(v)
        rows_a, rows_b, a_sum, b_sum, live = g.rows_of(v)
        a, b = gather(values, rows_a, cols), gather(values, rows_b, cols)
        for k, (rows, how) in enumerate(((rows_a, a_sum), (rows_b, b_sum))[: g.op.arity]):
            c = r.constant[k]
            if not live[k] or c == 0.0:
                continue
            local = c if c is not None else r.grads[k](a, b, out[:, cols], **kw)
            contribution = upstream[:, cols] * local
            if isinstance(cols, slice):
                add_rows(adjoint, rows, how, contribution)
            elif how is None:  # distinct rows: each (row, sample) once
                adjoint[row_numbers(rows)[:, None], cols] += contribution
            else:
                mine = adjoint[:, cols]  # a copy: its rows repeat, added as add_rows does, then put back
                add_rows(mine, rows, how, contribution)
                adjoint[:, cols] = mine


def gather(values: np.ndarray, rows: Any, cols: Any) -> np.ndarray | None:
    """values[rows][:, cols], gathered in one step (None for no rows: a unary op's b)."""
    if rows is None:
        return None
    return values[rows, cols] if isinstance(cols, slice) else values[row_numbers(rows)[:, None], cols]


def add_rows(adjoint: np.ndarray, rows: Any, how: Any, contribution: np.ndarray) -> None:
    """adjoint[rows] += contribution, with rows that may repeat (x used by several steps of a group)."""
    if how is None:  # distinct rows: a plain fancy-index update is exact
        adjoint[rows] += contribution
        return
    once, once_rows, repeated, starts, unique = how
    adjoint[once_rows] += contribution[once]
    adjoint[unique] += np.add.reduceat(contribution[repeated], starts, axis=0)
