"""`chainrule mistakes` end to end: the tables, the pictures with the wrong nodes marked, the loss plots."""

from __future__ import annotations

import re

from demos.cli.mistakes import draw_mistake
from demos.examples.catalog import get
from tests.support.cli import chainrule
from tests.support.dot import Dot, lines_of


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def test_every_mistake_on_chen_with_pictures_and_loss_plots(tmp_path):
    out = tmp_path / "lab"
    result = chainrule("mistakes", "chen-2-2-2", "-o", str(out), "--steps", "3")
    assert result.returncode == 0, result.stderr
    text = _squeezed(result.stdout)
    assert "15 nodes of 43 get a wrong gradient; the first the wrong pass reaches is net_h1." in text
    assert (
        "net_h1 0.008771 0.02214 ← first" in text
    )  # right, then the recursive pass's σ′·(2·w5·δ_o1 + w7·δ_o2)
    assert "the first the wrong pass reaches is h2." in text  # = instead of +=
    assert "w1 0.1498 0.1502 ← first" in text  # wrong sign: 0.15 ∓ 0.5·∂f/∂w1
    assert "step right wrong-sign 0 0.2984 0.2984 1 0.2858 0.3108 2 0.2728 0.3226 3 0.2597 0.3339" in text
    gradient_keys = (
        "no-topological-order", "assign", "no-zero-grad", "drawn-before-backward", "sigmoid-from-net",
        "canonical-shortcut", "no-transpose", "outer-product-order", "slope-of-wrong-vector",
    )  # fmt: skip
    written = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    expected = {f"chen-2-2-2-{key}.png" for key in gradient_keys}
    expected |= {"chen-2-2-2-no-zero-grad-loss.png", "chen-2-2-2-wrong-sign-loss.png"}
    assert written == expected
    for name in written:
        assert (out / name).read_bytes().startswith(b"\x89PNG")
        assert f": {out / name}" in result.stdout


def test_a_mistake_that_does_no_harm_says_so_and_draws_nothing(tmp_path):
    result = chainrule("mistakes", "mul-gate", "--mistake", "assign", "-o", str(tmp_path / "lab"))
    assert result.returncode == 0, result.stderr
    assert (
        "On this graph every gradient comes out right, as it does whenever no node is used twice."
        in result.stdout
    )
    assert "← first" not in result.stdout
    assert [p.name for p in (tmp_path / "lab").iterdir()] == [".chainrule-output"]


def test_an_expression_with_a_node_used_twice():
    result = chainrule("mistakes", "--expr", "r = x*x + x", "--set", "x=3", "--mistake", "assign")
    assert result.returncode == 0, result.stderr
    # ∂r/∂x = 2x + 1 = 7; with = only the last contribution, x·1, stays
    assert "1 node of 3 gets a wrong gradient; the first the wrong pass reaches is x." in _squeezed(
        result.stdout
    )
    assert "x 7 3 ← first" in _squeezed(result.stdout)
    recursive = chainrule(
        "mistakes", "--expr", "r = x*x + x", "--set", "x=3", "--mistake", "no-topological-order"
    )
    assert "a leaf used twice is harmless" in recursive.stdout


def test_markdown_escapes_labels_and_fences_the_code():
    result = chainrule(
        "mistakes",
        "--expr",
        "r = a_b*a_b + a_b",
        "--set",
        "a_b=3",
        "--mistake",
        "assign",
        "--format",
        "markdown",
    )
    assert result.returncode == 0, result.stderr
    assert "**= instead of +=** (`assign`)" in result.stdout
    assert "```python\nroot.grad = 1.0\n" in result.stdout
    assert "| a\\_b | 7 | 3 | ← first |" in result.stdout


def test_the_picture_shows_the_wrong_gradients_and_marks_the_first(tmp_path):
    example = get("chen-2-2-2")
    path = draw_mistake(example, 0, "no-topological-order", 0.5, tmp_path / "chen.dot")
    source = path.read_text()
    # the second statement for the first node only adds an attribute: each node's statements apart
    declared = {}
    for line in source.splitlines():
        if m := re.fullmatch(r"\s*(n\d+) \[(.*)\]", line):
            declared.setdefault(m[1], []).append(m[2])
    doubled = [node_id for node_id, decls in declared.items() if any("peripheries=2" in d for d in decls)]
    assert len(doubled) == 1
    first_decl = next(d for d in declared[doubled[0]] if "label=" in d)
    assert "net_h1" in first_decl and "0.02214" in first_decl  # the wrong pass's gradient, not 0.008771
    outlined = {
        lines_of(attrs["label"])[0]
        for node_id, attrs in Dot("\n".join(f"{k} [{declared[k][0]}]" for k in declared)).nodes.items()
        if attrs.get("penwidth") == "3.5"
    }
    assert {"net_h1", "w1", "b1", "net_h2"} <= outlined and not {"h1", "w5", "f"} & outlined
    assert len(outlined) == 15
    assert "double outline: the first it reaches (net_h1)" in source


def test_usage_errors_exit_2_and_output_errors_exit_1(tmp_path):
    bad = chainrule("mistakes", "chen-2-2-2", "--mistake", "plus-equals")
    assert bad.returncode == 2 and "argument --mistake: invalid choice: 'plus-equals'" in bad.stderr
    missing = chainrule("mistakes")
    assert missing.returncode == 2 and "name an example" in missing.stderr
    a_file = tmp_path / "taken"
    a_file.write_text("mine")
    refused = chainrule("mistakes", "chen-2-2-2", "-o", str(a_file))
    assert refused.returncode == 1 and "is a file, not a folder" in refused.stderr
    assert a_file.read_text() == "mine"
