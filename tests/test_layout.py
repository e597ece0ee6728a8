"""The architecture, checked from the source: imports point down only, and no two modules import each other.

Every import counts, also one written inside a function: hiding an import there does not remove the arrow.
Layers, bottom up (docs/layout.md): the engine (`autograd`'s top-level modules), the view-neutral text of
a graph `autograd.text` (numbers, names, formulas), then its views `autograd.render` < `autograd.explain` <
`autograd.page` and `autograd.deck` (side by side), with the mistakes lab `autograd.lab` beside `render`
(it reads the engine; explain and the page read it), and the exercises (`autograd.exercises`: worksheets
and their grading) on top of them all; `nn` beside the views, reaching `autograd` only
through its public packages and the helpers' own modules (`autograd.errors`: is_real, is_whole;
`autograd.files`: write_atomic), which the engine's namespace does not export; `demos` on top, its
examples below its command line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "demos")
# the engine has rank 0
VIEW_RANK = {"text": 1, "lab": 2, "render": 2, "explain": 3, "page": 4, "deck": 4, "exercises": 5}
PUBLIC_AUTOGRAD = {
    "autograd", "autograd.render", "autograd.explain", "autograd.page", "autograd.deck", "autograd.lab",
    "autograd.text", "autograd.errors", "autograd.files", "autograd.layers", "autograd.replay",
    "autograd.exercises",
}  # fmt: skip


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(name: str) -> bool:
    return (ROOT / name.replace(".", "/") / "__init__.py").is_file()


def _exists(name: str) -> bool:
    return _is_package(name) or (ROOT / (name.replace(".", "/") + ".py")).is_file()


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every project module that `path` imports, anywhere in the file."""
    name = _module_name(path)
    package = name if _is_package(name) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((node.lineno, sub if _exists(sub) else base))
    return [(line, module) for line, module in found if module.split(".")[0] in PACKAGES]


def _all_modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def _rank(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "autograd":
        return None
    return VIEW_RANK.get(parts[1], 0) if len(parts) > 1 else 0


def _wrong_way(importer: str, imported: str) -> str | None:
    """Why `importer` may not import `imported`, or None when the arrow points down."""
    top, target = importer.split(".")[0], imported.split(".")[0]
    if target == "demos" and top != "demos":
        return "nothing outside the application imports demos"
    if top == "autograd":
        if target != "autograd":
            return "autograd imports neither nn nor demos"
        if _rank(imported) > _rank(importer):
            return (
                "the engine imports no view, a view only the rooms below it "
                "(text < render < explain < page|deck)"
            )
    if top == "nn" and target == "autograd" and imported not in PUBLIC_AUTOGRAD:
        return "nn uses only autograd's public packages and modules (see PUBLIC_AUTOGRAD)"
    if importer.startswith("demos.examples") and imported.startswith("demos.cli"):
        return "the examples do not import the command line"
    return None


def test_every_import_points_down() -> None:
    problems = []
    for name, path in _all_modules().items():
        for line, imported in _imports(path):
            reason = _wrong_way(name, imported)
            if reason:
                problems.append(f"{path.relative_to(ROOT)}:{line}: imports {imported}: {reason}")
    assert not problems, "\n".join(problems)


def test_no_two_modules_import_each_other() -> None:
    modules = _all_modules()
    edges = {name: sorted({m for _, m in _imports(path) if m != name}) for name, path in modules.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for nxt in edges.get(name, ()):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[name] = 2

    for name in modules:
        if name not in state:
            visit(name, [name])
    assert not cycles, "import circles:\n" + "\n".join(cycles)


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("autograd.value", "autograd.text"),
        ("autograd.text.naming", "autograd.render.captions"),
        ("autograd.render.graph", "autograd.page"),
        ("autograd.ops", "nn"),
        ("nn.module", "autograd.value"),
        ("nn.train", "demos.cli"),
        ("demos.examples.chen", "demos.cli.tour"),
        ("autograd.graph", "autograd.lab"),
        ("autograd.lab.passes", "autograd.explain"),
    ],
)
def test_the_checker_catches_an_upward_arrow(importer: str, imported: str) -> None:
    assert _wrong_way(importer, imported)


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("autograd.render.graph", "autograd.value"),
        ("autograd.page.data", "autograd.explain"),
        ("autograd.explain.write", "autograd.text"),
        ("autograd.render.captions", "autograd.text.formulas"),
        ("nn.losses", "autograd"),
        ("demos.cli.tour", "demos.examples.catalog"),
        ("autograd.explain.lab_report", "autograd.lab"),
        ("autograd.page.data", "autograd.lab"),
    ],
)
def test_the_checker_lets_a_downward_arrow_pass(importer: str, imported: str) -> None:
    assert _wrong_way(importer, imported) is None


def test_imports_inside_functions_are_read() -> None:
    imported = {m for _, m in _imports(ROOT / "demos" / "cli" / "tour.py")}
    assert "demos.examples.training" in imported  # imported lazily, inside _training_plots
