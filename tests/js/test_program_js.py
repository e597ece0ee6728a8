"""The page's trace interpreter (autograd/page/program.js) under Node's own test runner, on traces and
numbers from Python: the lecture catalog's graphs and random ones (tests/js/program.test.mjs)."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import DomainError, trace
from tests.js.cases import case, catalog_cases, document
from tests.support.strategies import program_output, programs

NODE = shutil.which("node")
TEST = Path(__file__).with_name("program.test.mjs")
needs_node = pytest.mark.skipif(NODE is None, reason="the JavaScript tests need Node.js 18+ (node --test)")


def run_node(cases: list[dict], folder: Path) -> None:
    path = folder / "cases.json"
    path.write_text(document(cases), encoding="utf-8")
    env = {"PATH": str(Path(NODE).parent), "CHAINRULE_PROGRAM_CASES": str(path)}
    done = subprocess.run([NODE, "--test", str(TEST)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# skipped 0" in done.stdout, done.stdout[-2000:]


@needs_node
def test_the_interpreter_runs_the_catalogs_traces(tmp_path):
    run_node(catalog_cases(), tmp_path)


def random_case(program, seed: float, tangent_seed: list[float]) -> dict | None:
    try:
        t = trace(lambda *xs: program_output(program, *xs), *program.inputs)
    except (DomainError, ArithmeticError, ValueError):
        return None
    if not all(math.isfinite(x) for s in t.steps for x in (s.value, *s.local)):
        return None
    try:
        return case("random", t, seed, tangent_seed[: t.n_inputs])
    except (ArithmeticError, ValueError):  # the formula text undefined where the engine has a convention
        return None


@needs_node
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(programs(), st.floats(-2, 2), st.lists(st.floats(-2, 2), min_size=3, max_size=3)),
        min_size=8,
        max_size=8,
    )
)
def test_the_interpreter_runs_random_traces(tmp_path, drawn):
    cases = [c for c in (random_case(*d) for d in drawn) if c is not None]
    for k, c in enumerate(cases):
        c["name"] = f"random {k}"
    if cases:
        run_node(cases, tmp_path)
