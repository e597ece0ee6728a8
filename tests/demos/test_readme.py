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
