"""The batch schedule: a trace's steps grouped into waves, each run as one NumPy operation.

Steps that can run together (same rule-table op and settings, operands already computed) form one
`Group` (a wavefront schedule by depth, as a tape compiler would group them); chains of sums (a neuron's
Σ wₖxₖ + b) run as one group of cumulative sums, and a balanced tree of sums (`autograd.sum`'s, an l2
penalty's Σ w²) as one group, level by level; steps whose op or operands differ between variants run per
variant.
`schedule` gives every step its row of the (values × samples) array.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..ops import OPS, Op
from ..trace import Literal, Step, Trace
from .rules import CompiledRule, compiled_rule

RowOf = Callable[[int | Literal, tuple[int, int]], int]  # an operand's row, from (operand, its place)


@dataclass(frozen=True)
class Group:
    """Steps that run as one NumPy operation: same op and settings, operands computed at lower depth.

    Their values are rows start:stop; `a` and `b` are the rows of their operands (a slice when they
    are consecutive); `steps` are the trace steps, for naming a node in an error.
    """

    op: Op
    rule: CompiledRule
    params: dict[str, float]
    settings: dict[str, Any]  # the keyword arguments of the compiled rule (n, slope)
    start: int
    stop: int
    a: Any
    b: Any
    a_sum: Any  # how to add contributions into the operand rows (see scatter)
    b_sum: Any
    steps: tuple[Step, ...]
    live: tuple[bool, bool]  # whether operand a / b rows need gradients (not all constants)
    chain: Any = None  # for chains of sums: the rows of their terms, one chain a row (see _chains)
    chain_sum: Any = None  # how to add gradients into those rows (see scatter)
    tree: Any = None  # for a tree of sums: its `Tree` (levels, leaves, root)
    variants: Any = None  # steps whose op differs between variants: (op, rule, settings) per variant
    # steps whose operands differ between variants (a loss that picks output j for class j): per
    # variant its (a, b, a_sum, b_sum, live); None where every variant reads the group's own
    operands: Any = None
    # the same, where every variant runs one op: each variant's operand rows as a table (`Picks`), so
    # that a batch of mixed variants gathers each sample's operands at once
    picks: Any = None

    def at(self, v: int) -> tuple[Op, CompiledRule, dict[str, Any]]:
        """The op, rule and settings this group runs for the samples of variant v."""
        return self.variants[v] if self.variants is not None else (self.op, self.rule, self.settings)

    def rows_of(self, v: int) -> tuple[Any, Any, Any, Any, tuple[bool, bool]]:
        """The rows variant v reads (a, b), how to add into them (a_sum, b_sum), and which need
        gradients."""
        if self.operands is None:
            return self.a, self.b, self.a_sum, self.b_sum, self.live
        return self.operands[v]


@dataclass(frozen=True)
class Picks:
    """The operand rows of a group whose variants run one op but read rows of their own: column v of
    `a` (steps × variants) holds variant v's rows of operand a (`b` likewise, None for a unary op).
    `distinct`: no variant reads a row twice, so each (row, sample) gets one contribution."""

    a: np.ndarray
    b: np.ndarray | None
    distinct: bool


@dataclass(frozen=True)
class Tree:
    """A tree of sums whose inner sums feed only their parent: computed level by level (`levels`:
    (rows written, rows of a, rows of b), each node as the graph adds it), and backward, each leaf
    operand gets the root's gradient (every local gradient of a sum is 1)."""

    levels: tuple[tuple[Any, Any, Any], ...]
    leaves: np.ndarray
    leaf_sum: Any  # how to add gradients into the leaves' rows (see scatter)
    root: int


def schedule(variants: Sequence[Trace], rows: dict[int, int], row_of: RowOf, first: int) -> list[Group]:
    """The groups of `variants[0]`'s body in the order they run (by depth); `variants` are recordings of
    one shape (see `Replay.shape`). Each step gets its row from `first` on, written into `rows`
    (step index → row), which `row_of` reads, with the inputs' rows already in it.
    """
    trace = variants[0]
    body = trace.body
    depth: dict[int, int] = {}
    waves: dict[tuple, list[Step]] = {}
    differs = {}  # step index → the (op, settings) of every variant, where they or the operands differ
    reads: dict[int, set[int]] = {}  # step index → the steps it reads in any variant, where they differ
    bodies = [t.body for t in variants]  # (a Trace's body is a new tuple each time it is read)
    for k, step in enumerate(body):
        ops = tuple((b[k].op, tuple(sorted(b[k].params.items()))) for b in bodies)
        operands = {b[k].args for b in bodies if b[k].args != step.args}
        if len(set(ops)) > 1 or operands:
            differs[step.index] = ops
        if operands:
            reads[step.index] = {a for args in (step.args, *operands) for a in args if isinstance(a, int)}
    # what other variants read counts as a use: a sum read there is no inner sum of a chain or tree
    elsewhere = [a for index, steps in reads.items() for a in steps - set(trace[index].args)]
    trees = _trees(body, [*trace.outputs, *elsewhere], differs)
    chains = _chains([s for s in body if s.index not in trees], [*trace.outputs, *elsewhere])
    for index in differs:
        chains.pop(index, None)
    chains.update(trees)  # placed like a chain: with its last (root) sum
    for chain in {id(c): c for c in chains.values()}.values():
        if any(s.index in differs for s in chain):  # a chain holds sums only, in every variant
            for s in chain:
                chains.pop(s.index, None)
    for step in body:
        chain = chains.get(step.index)
        if chain is not None and chain[-1] is not step:
            continue  # placed with its chain's last sum, when every term is ready
        links = chain or [step]
        ready = [a for s in links for a in reads.get(s.index, s.args) if isinstance(a, int) and a in depth]
        d = 1 + max((depth[a] for a in ready), default=0)
        for s in links:
            depth[s.index] = d
        if chain and step.index in trees:
            key = (d, "tree", step.index)
        elif chain:
            key = (d, "chain", len(chain))
        elif step.index in differs:
            key = (d, "variants", tuple((op.name, params) for op, params in differs[step.index]))
        else:
            key = (d, step.op.name, tuple(sorted(step.params.items())))
        waves.setdefault(key, []).append(links)
    groups, row = [], first
    for key in sorted(waves, key=lambda k: k[0]):
        # a chain group's rows go sum by sum: the first sum of every chain, then the second, …; a
        # tree's level by level
        if key[1] == "tree":
            height = _heights(waves[key][0])
            steps = sorted(waves[key][0], key=lambda st: (height[st.index], st.index))
        else:
            steps = [links[j] for j in range(len(waves[key][0])) for links in waves[key]]
        for step in steps:
            rows[step.index] = row
            row += 1
        group = _group(steps, row - len(steps), row, row_of)
        if key[1] == "chain":
            group = _chain_group(group, key[2], row_of)
        elif key[1] == "tree":
            group = _tree_group(group, rows, row_of)
        elif key[1] == "variants":
            ops = differs[steps[0].index]
            group = replace(
                group, variants=tuple((op, compiled_rule(op), rule_settings(dict(p))) for op, p in ops)
            )
            if any(s.index in reads for s in steps):
                at = [{s.index: s for s in b} for b in bodies]
                mine = [_group([b[s.index] for s in steps], group.start, group.stop, row_of) for b in at]
                group = replace(group, operands=tuple((g.a, g.b, g.a_sum, g.b_sum, g.live) for g in mine))
                if len(set(ops)) == 1:
                    group = replace(group, picks=_picks(mine))
        groups.append(group)
    return groups


def _picks(mine: Sequence[Group]) -> Picks:
    """The variants' operand rows (`mine`: the group as each variant reads it) as tables."""
    a = np.array([row_numbers(g.a) for g in mine]).T
    b = None if mine[0].b is None else np.array([row_numbers(g.b) for g in mine]).T
    distinct = all(g.a_sum is None and g.b_sum is None for g in mine)
    return Picks(a, b, distinct)


def row_numbers(rows: Any) -> np.ndarray:
    """Rows given as a slice or an index array (see `_rows`), as an index array."""
    return np.arange(rows.start, rows.stop, rows.step or 1) if isinstance(rows, slice) else rows


def _chain_group(g: Group, k: int, row_of: RowOf) -> Group:
    """Chains of k sums ((t₀ + t₁) + t₂) + … run as one cumulative sum, term by term in the
    order the graph adds them, so every partial sum is the object engine's to the last bit."""
    n = len(g.steps) // k
    first = [row_of(s.args[0], (s.index, 0)) for s in g.steps[:n]]
    seconds = [row_of(s.args[1], (s.index, 1)) for s in g.steps]
    terms = np.array(first + seconds)  # term by term, every chain's term j together
    return replace(g, chain=terms.reshape(k + 1, n), chain_sum=scatter(terms))


def _heights(steps: Sequence[Step]) -> dict[int, int]:
    """Each sum of a tree: 1 + the height of its highest operand in the tree (leaves' are 0)."""
    height: dict[int, int] = {}
    for s in sorted(steps, key=lambda st: st.index):  # operands before their users
        height[s.index] = 1 + max((height.get(a, 0) for a in s.args if isinstance(a, int)), default=0)
    return height


def _tree_group(g: Group, rows: dict[int, int], row_of: RowOf) -> Group:
    """A tree of sums as one group: its levels (rows written, a, b as slices where they can be) and
    the rows of its leaf operands."""
    inside = {s.index for s in g.steps}
    height = _heights(g.steps)
    levels = []
    for h in sorted(set(height.values())):
        level = [s for s in g.steps if height[s.index] == h]
        out = np.array([rows[s.index] for s in level])
        a = np.array([row_of(s.args[0], (s.index, 0)) for s in level])
        b = np.array([row_of(s.args[1], (s.index, 1)) for s in level])
        levels.append((_rows(out), _rows(a), _rows(b)))
    leaves = np.array(
        [row_of(x, (s.index, k)) for s in g.steps for k, x in enumerate(s.args) if x not in inside]
    )
    tree = Tree(tuple(levels), leaves, scatter(leaves), rows[max(inside)])
    return replace(g, tree=tree)


def _trees(body: Sequence[Step], outputs: Sequence[Any], differs: dict) -> dict[int, list[Step]]:
    """Trees of sums that are not chains (a sum of two sums: `autograd.sum`'s balanced tree), whose
    inner sums feed only their parent: step index → its tree's steps (the root, created last, last)."""
    used: dict[int, int] = {}
    for a in [x for s in body for x in s.args] + list(outputs):
        if isinstance(a, int):
            used[a] = used.get(a, 0) + 1
    add = OPS["add"]
    sums = {s.index: s for s in body if s.op is add and not s.params and s.index not in differs}
    parent = {
        a: s.index for s in sums.values() for a in s.args if isinstance(a, int) and a in sums and used[a] == 1
    }
    children: dict[int, list[int]] = {}
    for child, p in parent.items():
        children.setdefault(p, []).append(child)
    trees: dict[int, list[Step]] = {}
    for index in sums:
        if index in parent or index not in children:
            continue
        members, stack = [], [index]
        while stack:
            k = stack.pop()
            members.append(k)
            stack.extend(children.get(k, ()))
        balanced = any(sums[parent[k]].args[1] == k for k in members if k in parent)
        if balanced and len(members) >= 3:
            tree = sorted((sums[k] for k in members), key=lambda st: st.index)
            for k in members:
                trees[k] = tree
    return trees


def _group(steps: list[Step], start: int, stop: int, row_of: RowOf) -> Group:
    op = steps[0].op
    a = np.array([row_of(s.args[0], (s.index, 0)) for s in steps])
    b = np.array([row_of(s.args[1], (s.index, 1)) for s in steps]) if op.arity == 2 else None
    params = dict(steps[0].params)
    live = tuple(any(isinstance(s.args[k], int) for s in steps) for k in range(op.arity))
    return Group(
        op,
        compiled_rule(op),
        params,
        rule_settings(params),
        start,
        stop,
        _rows(a),
        _rows(b),
        scatter(a),
        scatter(b),
        tuple(steps),
        (*live, False)[:2],
    )


def _rows(rows: np.ndarray | None) -> Any:
    """A slice when the rows are evenly spaced, increasing (a view, no copy: consecutive rows, or every
    other row, as a balanced tree of sums reads its level below), else the index array."""
    if rows is None or len(rows) == 0:
        return rows
    step = int(rows[1] - rows[0]) if len(rows) > 1 else 1
    if step > 0 and np.array_equal(rows, np.arange(rows[0], rows[0] + step * len(rows), step)):
        return slice(int(rows[0]), int(rows[0]) + step * (len(rows) - 1) + 1, step)
    return rows


def scatter(rows: np.ndarray | None) -> Any:
    """None for distinct rows, else how `_add_rows` adds into them: the positions and rows of those
    that occur once (a plain update), then the positions of the repeated ones sorted by row, their
    segment starts and rows (for np.add.reduceat over those alone: measured 20× faster than np.add.at,
    and than reduceat over every row; a 0/1 matrix product stalls on BLAS threads)."""
    if rows is None or len(np.unique(rows)) == len(rows):
        return None
    once = np.bincount(rows)[rows] == 1
    repeated = np.flatnonzero(~once)
    order = np.argsort(rows[repeated], kind="stable")
    unique, starts = np.unique(rows[repeated][order], return_index=True)
    return np.flatnonzero(once), rows[once], repeated[order], starts, unique


def _chains(body: Sequence[Step], outputs: Sequence[Any]) -> dict[int, list[Step]]:
    """Chains of two or more sums s₁ = t₀ + t₁, s₂ = s₁ + t₂, … (a neuron's Σ wₖxₖ + b, as `reduce`
    builds it) whose partial sums feed only the next sum: step index → its chain."""
    used: dict[int, int] = {}
    for a in [x for s in body for x in s.args] + list(outputs):
        if isinstance(a, int):
            used[a] = used.get(a, 0) + 1
    add = OPS["add"]
    sums = {s.index: s for s in body if s.op is add and not s.params}
    follows: dict[int, Step] = {}
    for s in sums.values():
        a = s.args[0]
        if isinstance(a, int) and a in sums and used[a] == 1:
            follows[a] = s
    chains: dict[int, list[Step]] = {}
    heads = [s for s in sums.values() if s.index in follows and not _continues(s, sums, follows)]
    for head in heads:
        chain = [head]
        while chain[-1].index in follows:
            chain.append(follows[chain[-1].index])
        for s in chain:
            chains[s.index] = chain
    return chains


def _continues(s: Step, sums: dict[int, Step], follows: dict[int, Step]) -> bool:
    a = s.args[0]
    return isinstance(a, int) and follows.get(a) is s


def rule_settings(params: dict[str, float]) -> dict[str, Any]:
    """The keyword arguments a compiled rule takes (n, slope) from a node's params."""
    return {"n": params.get("n"), "slope": params.get("slope")}
