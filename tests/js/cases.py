"""Evaluation traces for the JavaScript interpreter's tests (program.test.mjs), with Python's numbers.

Each case is a trace in the program form (`autograd.trace.Trace.to_json`) with what Python computes on
it: every value (the engine's), every local gradient from the rule table's formula text as the page
evaluates it (`autograd.notation.evaluator`), the adjoints (`Trace.adjoints`, and each one the exactly
rounded sum of its contributions, `math.fsum`, as the page's views sum them) and the tangents
(`Trace.tangents`). `python -m tests.js.cases` prints the catalog's cases with the rule table as JSON.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict

from autograd import Value, trace
from autograd.notation import evaluator, rules_js
from autograd.trace import Literal, Trace


def text_locals(t: Trace) -> list[float]:
    """Two local gradients per position (0 where a step has fewer operands, and for the inputs), from
    the rule table's formula text."""
    out = [0.0] * (2 * len(t.steps))
    for k, step in enumerate(t.steps):
        if step.op is None:
            continue
        xs = [a.value if isinstance(a, Literal) else t[a].value for a in step.args]
        env = dict(zip("ab", xs), out=step.value, **step.params)
        for i, text in enumerate(step.op.formula):
            out[2 * k + i] = float(evaluator(text)(**env))
    return out


def exact_adjoints(t: Trace, output: int, seed: float, local: list[float]) -> list[float]:
    """Reverse mode with each adjoint the fsum of its contributions (seed included), by position."""
    parts: dict[int, list[float]] = defaultdict(list)
    parts[output].append(seed)
    bar = [0.0] * len(t.steps)
    for k in range(output, -1, -1):
        bar[k] = math.fsum(parts[k])
        step = t.steps[k]
        for i, a in enumerate(step.args):
            if not isinstance(a, Literal):
                parts[t.position(a)].append(local[2 * k + i] * bar[k])
    return bar


def case(name: str, t: Trace, seed: float = 1.0, tangent_seed: list[float] | None = None) -> dict:
    """One trace and Python's numbers on it (see the module's docstring)."""
    local = text_locals(t)
    steps = t.steps
    engine_locals = [0.0] * (2 * len(steps))
    for k, step in enumerate(steps):
        engine_locals[2 * k : 2 * k + len(step.local)] = step.local
    output = t.position(t.outputs[0])
    tangent_seed = tangent_seed or [1.0] + [0.0] * (t.n_inputs - 1)
    return {
        "name": name,
        "program": t.to_json(),
        "values": [s.value for s in steps],
        "locals": local,
        # The sweeps are checked on the engine's own local gradients: bit for bit the same arithmetic.
        "engineLocals": engine_locals,
        "output": output,
        "seed": seed,
        "adjoints": t.adjoints(0, seed)[0],
        "exact": [] if isinstance(output, dict) else exact_adjoints(t, output, seed, engine_locals),
        "tangentSeed": tangent_seed,
        "tangents": t.tangents(tangent_seed)[0] if t.n_inputs else [],
    }


def catalog_cases() -> list[dict]:
    """The lecture examples' graphs, traced twice: the labelled leaves as inputs (constants written
    in), and every leaf an input (as the page runs them)."""
    from demos.examples.catalog import EXAMPLES

    out = []
    for name, example in EXAMPLES.items():
        for k, root in enumerate(example.build().outputs):
            out.append(case(f"{name}[{k}]", trace(root), seed=0.75))
            leaves = [n for n in _nodes(root) if n.op is None]
            out.append(case(f"{name}[{k}], every leaf an input", trace(root, inputs=leaves)))
    return out


def _nodes(root: Value) -> list[Value]:
    from autograd.graph import forward_order

    return forward_order(root)


def document(cases: list[dict]) -> str:
    """The cases and the rule table's JavaScript, as the test reads them."""
    return json.dumps({"rules": rules_js(), "cases": cases}, allow_nan=False)


if __name__ == "__main__":
    sys.stdout.write(document(catalog_cases()))
