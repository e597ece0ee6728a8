"""The nn page's first example (docs/nn.md, "Neural nets") runs and trains moons to 95% accuracy.

tests/demos/test_docs.py runs every runnable block of the docs; this test holds the example to what it
is there to show: the network learns.
"""

import contextlib
import io
import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "nn.md"


def test_nn_page_example_trains_moons():
    text = PAGE.read_text(encoding="utf-8")
    code = re.search(r"<!-- runnable -->\n```python\n(.*?)```", text, re.S).group(1)
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):
        exec(compile(code, str(PAGE), "exec"), scope)
    assert "train accuracy" in out.getvalue()
    assert scope["history"].accuracy[-1] >= 0.95
