"""The README's nn example runs and trains (skipped until the README has the nn section)."""

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Neural nets (`nn`) and `chainrule train`"


def test_readme_nn_example_trains_moons():
    text = README.read_text(encoding="utf-8")
    if SECTION not in text:
        pytest.skip("the README has no nn section yet")
    code = re.search(r"```python\n(.*?)```", text.split(SECTION, 1)[1], re.S).group(1)
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):
        exec(compile(code, str(README), "exec"), scope)
    assert "train accuracy" in out.getvalue()
    assert scope["history"].accuracy[-1] >= 0.95
