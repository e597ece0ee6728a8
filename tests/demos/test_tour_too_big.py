"""A teacher's example file too big for some outputs: the tour leaves those out, names them, goes on."""

import shutil

import pytest

from tests.support.cli import chainrule

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")

SMALL = """title = "A simple circuit"
expression = "q = x + y; f = q * z"

[values]
x = -2.0
y = 5.0
z = -4.0
"""


def _chain(steps: int) -> str:
    """An example file of a chain y_k = 2·y_{k−1} + 1: 4 nodes a step, one slide box a step."""
    expression = "; ".join(f"y{k + 1} = y{k}*2 + 1" for k in range(steps)).replace("y0", "x")
    return f'title = "a long chain"\nexpression = "{expression}"\n\n[values]\nx = 1.0\n'


def test_a_too_big_example_file_is_left_out_output_by_output_and_the_tour_goes_on(tmp_path):
    examples = tmp_path / "mine"
    examples.mkdir()
    (examples / "big.toml").write_text(_chain(520), encoding="utf-8")  # 521 boxes, 2081 nodes
    (examples / "small.toml").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    result = chainrule("tour", "--no-builtin", "--examples", str(examples), "-o", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    notes = result.stderr.splitlines()
    assert notes and all(line.startswith("chainrule tour: big: ") for line in notes), notes
    said = "\n".join(notes)
    assert "the graph pictures (SVG, PNG, frames) left out: " in said and "521 boxes" in said
    assert "page.html left out: " in said and "2081 nodes" in said
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Left out, too big: page.html" in index and 'href="big/page.html"' not in index
    for name in ("report.txt", "explanation.txt", "example.json"):  # what is not too big is written
        assert (out / "big" / name).is_file()
    assert (out / "small" / "page.html").is_file() and list((out / "small").glob("small*.svg"))
