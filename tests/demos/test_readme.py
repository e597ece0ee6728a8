"""The README's engine example runs and prints what the README says (the docs' blocks: test_docs.py)."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_five_line_example_prints_what_the_readme_claims():
    text = README.read_text(encoding="utf-8")
    section = text.split("## The engine in five lines", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    claimed = re.search(r"# prints: (.*)", code).group(1).strip()
    assert len([line for line in code.splitlines() if line.strip()]) <= 6  # the import + five lines
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {})
    assert out.getvalue().strip() == claimed


def test_the_readme_says_how_many_tests_skip_without_torch(tmp_path):
    # Run every test module that uses PyTorch with torch hidden (a package that is not found), and hold
    # the README's count of skips to what pytest reports.
    import os
    import subprocess
    import sys

    root = README.parent
    hidden = tmp_path / "torch"
    hidden.mkdir()
    (hidden / "__init__.py").write_text('raise ModuleNotFoundError("No module named torch", name="torch")\n')
    modules = sorted(
        str(path.relative_to(root))
        for path in (root / "tests").rglob("test_*.py")
        if path.name != "test_readme.py"
        and re.search(r"importorskip\(\"torch\"\)|torch is None", path.read_text(encoding="utf-8"))
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *modules, "-p", "no:randomly", "-p", "no:cacheprovider"],
        capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=600,
    )  # fmt: skip
    skipped = int(re.search(r"(\d+) skipped", result.stdout).group(1))
    claimed = re.search(
        r"Without PyTorch, `make test` reports (\d+) skipped", README.read_text(encoding="utf-8")
    )
    assert claimed is not None and int(claimed.group(1)) == skipped, result.stdout[-500:]
