"""A teacher's own example, typed as an expression or written as a file, through every command."""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demos.cli.arguments import UsageError
from demos.cli.choose import example_from_args
from demos.examples.user import ExampleFileError, from_expression, from_file

FILES = Path(__file__).resolve().parents[2] / "demos" / "examples" / "files"
TEMPLATES = sorted(FILES.glob("*.toml"))
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
NEURON = [
    "--expr",
    "net = w0*x0 + w1*x1 + w2; f = sigmoid(net)",
    "--set",
    "w0=2",
    "x0=-1",
    "w1=-3",
    "x1=-2",
    "w2=-3",
]


def chainrule(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "demos", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_every_shipped_template_agrees_with_what_its_source_prints(path):
    example = from_file(path)
    checks = example.checks(example.build())
    assert checks and all(c.agrees for c in checks), [(c.quantity, c.slide, c.computed) for c in checks]


def test_the_expression_and_the_file_of_the_neuron_give_the_same_numbers():
    typed = from_expression(NEURON[1], {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}).build()
    written = from_file(FILES / "cs231n-neuron.toml").build()
    for label in ("w0", "x0", "w1", "x1", "w2", "net", "f"):
        assert typed.value(label) == written.value(label) and typed.grad(label) == written.grad(label)
    assert written.grad("w0") == pytest.approx(-0.19661193324148185)


def test_show_and_explain_an_expression():
    shown = chainrule("show", *NEURON, "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["values"]["f"] == pytest.approx(0.7310585786300049)
    assert data["grads"]["x1"] == pytest.approx(-0.5898357997244455)
    explained = chainrule("explain", *NEURON, "--param", "w0")
    assert explained.stdout.startswith(
        "∂f/∂w0 = ∂f/∂net · ∂net/∂w0 = f·(1 − f) · x0 = 0.1966 · (−1) = −0.1966"
    )


def test_check_one_file_reports_its_claims(tmp_path):
    result = chainrule("check", str(FILES / "cs231n-neuron.toml"))
    assert result.returncode == 0, result.stderr
    assert "6 checks over 1 example: 6 agree, 0 slide errata" in result.stdout


def test_a_wrong_claim_in_your_file_is_called_so_and_check_exits_3(tmp_path):
    # not a "slide erratum" (those are the built-in slides' known, explained errors) and not a success
    text = (FILES / "cs231n-neuron.toml").read_text(encoding="utf-8")
    path = tmp_path / "mine.toml"
    path.write_text(text.replace('"grad w0" = "-0.20"', '"grad w0" = "-0.25"'), encoding="utf-8")
    result = chainrule("check", str(path))
    assert result.returncode == 3, result.stderr
    assert "6 checks over 1 example: 5 agree, 0 slide errata, 1 wrong claim in your file" in result.stdout
    assert "erratum" not in result.stdout.replace("0 slide errata", "")
    header = next(line for line in result.stdout.splitlines() if "quantity" in line)
    assert header.split() == ["quantity", "stated", "computed", "note"]  # the file states, not a slide
    row = next(line for line in result.stdout.splitlines() if "∂f/∂w0" in line)
    assert row.startswith("!") and "wrong claim in your file" in row
    assert "chainrule check: mine: 1 wrong claim (∂f/∂w0 = -0.25; the engine computes -0.196612)" in (
        result.stderr
    )


@needs_dot
def test_page_and_render_of_an_expression_and_a_file(tmp_path):
    page = chainrule("page", *NEURON, "-o", str(tmp_path / "neuron.html"))
    assert page.returncode == 0, page.stderr
    assert "net = w0*x0 + w1*x1 + w2" in (tmp_path / "neuron.html").read_text(encoding="utf-8")
    render = chainrule("render", str(FILES / "cs231n-circuit.toml"), "-o", str(tmp_path / "pics"))
    assert render.returncode == 0, render.stderr
    assert (tmp_path / "pics" / "cs231n-circuit.png").read_bytes().startswith(b"\x89PNG")
    typed = chainrule(
        "render", "--expr", "f = (x + y) * z", "--set", "x=-2", "y=5", "z=-4", "-o", str(tmp_path / "c.svg")
    )
    assert typed.returncode == 0, typed.stderr
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert svg.count("#dbeafe") == 3  # x, y and z are inputs (y is not taken for a target)


@needs_dot
def test_tour_of_a_folder_of_example_files(tmp_path):
    result = chainrule(
        "tour", "--examples", str(FILES), "--no-builtin", "--no-progress", "-o", str(tmp_path / "out")
    )
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    for path in TEMPLATES:
        assert f'id="{path.stem}"' in index and (tmp_path / "out" / path.stem / "page.html").is_file()
    assert "chen-2-2-2" not in index and "Training demos" not in index
    assert 'href="cs231n-neuron/cs231n-neuron-network.png"' in index


def test_an_expression_notes_the_definitions_its_output_does_not_use():
    result = chainrule("show", "--expr", "g = x*x; h = x + 1; f = x*2", "--set", "x=3")
    assert result.returncode == 0, result.stderr
    assert "chainrule: note: g, h are defined but f does not use them; they are left out" in result.stderr
    quiet = chainrule("show", "--expr", "f = x; f = f*2", "--set", "x=3")  # rebinding: nothing unused
    assert quiet.returncode == 0 and quiet.stderr == "" and "f " in quiet.stdout


def test_an_expression_without_inputs_says_its_value():
    shown = chainrule("show", "--expr", "f = 2 * 3")
    assert shown.returncode == 0 and "f = 6, a constant: the expression has no inputs." in shown.stdout
    explained = chainrule("explain", "--expr", "f = 2 * 3")
    assert explained.returncode == 0
    assert explained.stdout.strip() == "f = 6 has no inputs: there is no gradient to explain."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["show", "--expr", "f = (x + * y", "--set", "x=1", "y=2"],
            "expected a number, a name or '(', found '*' (column 10)",
        ),
        (["show", "--expr", "f = x*y", "--set", "x=1"], "no value for y: add --set y=…"),
        (["show", "--expr", "f = x", "--set", "x=1"], "must compute something"),
        (["show", "--expr", "f = x*2", "--set", "x=one"], "--set x=one: write NAME=NUMBER"),
        (["show", "--expr", "f = x*2", "--set", "x=nan"], "--set x=nan: the value must be a finite number"),
        (["show", "--expr", "f = x*2", "--set", "x=-inf"], "--set x=-inf: the value must be a finite number"),
        (["show", "--expr", "f = x*2", "--set", "x=1e400"], "--set x=1e400: too large for a float"),
        (["show", "--expr", "f = x*2", "--set", "x=1", "x=2"], "x is given twice"),
        (["show", "--expr", "f = x*2", "--set", "x=1", "y=2"], "y: given a value but not used"),
        (["show", "chen-2-2-2", "--expr", "f = x*2"], "give an example name or --expr, not both"),
        (["show", "chen-2-2-2", "--set", "x=1"], "there is no --expr"),
        (["show"], "name an example"),
        (["show", "--expr", "__import__('os').system('echo pwned')"], "unexpected character"),
    ],
)
def test_bad_expressions_are_usage_errors(args, message):
    result = chainrule(*args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert "pwned" not in result.stdout


def test_a_domain_error_in_an_expression_names_the_node():
    result = chainrule("show", "--expr", "f = log(x)", "--set", "x=-1")
    assert result.returncode == 1 and "log(a) needs a > 0; got a = -1.0 (node 'x')" in result.stderr


GOOD = (FILES / "cs231n-circuit.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title = ", "not valid TOML"),
        ("colour = 'red'\n" + GOOD, ":1: colour: unknown key"),
        (
            GOOD.replace('expression = "q = x + y; f = q * z"', 'expression = "q = x + ; f = q * z"'),
            ":3: expression: expected",
        ),
        (GOOD.replace("z = -4.0\n", ""), "values: no value for z: add them under [values]"),
        (GOOD.replace("z = -4.0", 'z = "minus four"'), ":8: z: must be a finite number"),
        (GOOD + "[roles]\nq = 'input'\n", ":17: q: is not an input of the expression"),
        (GOOD.replace("z = -4.0", "z = -4.0\nw = 1.0"), ":9: w: w: given a value but not used"),
        (GOOD + "[roles]\nx = 'weight'\n", "x: role 'weight'; the roles are input, parameter, target"),
        (
            GOOD.replace('"grad z" = "3"', '"grad w" = "3"'),
            "grad w: 'w' is not a node of the expression; choose one of: x, y, z, q, f",
        ),
        (
            GOOD.replace('"grad z" = "3"', '"grad x9" = "3"'),
            "grad x9: 'x9' is not a node of the expression; did you mean x?",
        ),
        (GOOD.replace('q = "3"', 'qq = "3"'), "qq: 'qq' is not a node of the expression; did you mean q?"),
        (GOOD.replace('f = "-12"', 'f = "about -12"'), "f: 'about -12' is not a number"),
        (GOOD.replace('title = "A simple circuit: f = (x + y)·z"\n', ""), "the key 'title' is missing"),
    ],
)
def test_a_bad_file_names_the_file_key_and_line(tmp_path, text, message):
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExampleFileError, match=None) as info:
        from_file(path)
    assert str(info.value).startswith(str(path)) and message in str(info.value), str(info.value)


def test_a_bad_file_in_a_tour_writes_nothing(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(FILES / "cs231n-circuit.toml", folder)
    (folder / "broken.toml").write_bytes(b"\xff\xfe not text")
    result = chainrule("tour", "--examples", str(folder), "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and "broken.toml: not a text (UTF-8) file" in result.stderr
    assert not (tmp_path / "out").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_set_takes_every_finite_float_and_refuses_the_rest(x):
    args = argparse.Namespace(expr="f = x*1", name=None, set=[f"x={x!r}"], example_required=True)
    if math.isfinite(x):
        assert example_from_args(args).build().value("x") == x
    else:
        with pytest.raises(UsageError, match="must be a finite number"):
            example_from_args(args)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_a_claim_on_a_misspelled_node_suggests_the_node(tmp_path, path):
    text = path.read_text(encoding="utf-8")
    graph = from_file(path).build()
    for label in graph.nodes:
        mine = tmp_path / "mine.toml"
        mine.write_text(text.replace("[claims]", f'[claims]\n"grad {label}9" = "1"'), encoding="utf-8")
        with pytest.raises(ExampleFileError) as info:
            from_file(mine)
        assert "is not a node of the expression; did you mean" in str(info.value)
        assert f" {label}" in str(info.value).split("did you mean")[1], str(info.value)


NETWORK = """title = "2-2-2 with a softmax output"
expression = '''
a1 = w11*x1 + w12*x2 + b1
a2 = w21*x1 + w22*x2 + b2
h1 = sigmoid(a1)
h2 = sigmoid(a2)
o1 = v11*h1 + v12*h2
o2 = v21*h1 + v22*h2
L = -log(exp(o1) / (exp(o1) + exp(o2)))
'''
[values]
w11 = 0.1
w12 = 0.2
w21 = 0.3
w22 = -0.1
x1 = 1.0
x2 = 2.0
b1 = 0.0
b2 = 0.1
v11 = 1.0
v12 = -1.0
v21 = 0.5
v22 = 0.5
[matrix]
notation = "bishop"
rule = "softmax-ce"
label = 1
"""


def test_a_files_matrix_table_names_the_matrix_form_and_its_output_rule(tmp_path):
    path = tmp_path / "net.toml"
    path.write_text(NETWORK, encoding="utf-8")
    result = chainrule("explain", str(path), "--matrix")
    assert result.returncode == 0, result.stderr
    # Bishop's names, and the slide's rule δ⁽²⁾ = ŷ − e(1) checked against the engine
    assert "δ⁽²⁾ = h − e(1)" in result.stdout and "∂E/∂W⁽¹⁾ = δ⁽¹⁾ xᵀ" in result.stdout
    assert "the engine computed the same numbers" in result.stdout
    path.write_text(NETWORK.replace("label = 1", "label = 2"), encoding="utf-8")
    wrong = chainrule("explain", str(path), "--matrix")  # ℓ = 2 is not this loss's class
    line = NETWORK.splitlines().index("label = 1") + 1
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1  # a file error, as a bad key's
    assert wrong.stderr.startswith(
        f"chainrule explain: error: {path}:{line}: label: the output rule softmax-ce"
    )
    assert "[matrix] note" in wrong.stderr and "OutputRule" not in wrong.stderr
    assert chainrule("show", str(path)).returncode == 1  # checked when the file is read, by every command


def test_a_matrix_rule_is_checked_against_the_graph_when_the_file_is_read(tmp_path):
    path = tmp_path / "net.toml"
    lines = NETWORK.splitlines()
    path.write_text(NETWORK.replace("label = 1", "label = 3"), encoding="utf-8")
    with pytest.raises(ExampleFileError) as info:
        from_file(path)
    assert str(info.value) == f"{path}:{lines.index('label = 1') + 1}: label: 3, but the output has 2 classes"
    path.write_text(
        NETWORK.replace('rule = "softmax-ce"\nlabel = 1', 'rule = "linear-se"\ntargets = ["x1", "x2"]')
    )
    rule_line = lines.index('rule = "softmax-ce"') + 1
    with pytest.raises(ExampleFileError, match=rf"net\.toml:{rule_line}: rule: the output rule linear-se"):
        from_file(path)
    path.write_text(
        NETWORK.replace("label = 1", 'label = 2\nnote = "the slide picks class 2"'), encoding="utf-8"
    )
    assert from_file(path).output_rules[0].note == "the slide picks class 2"  # a note lets it differ


def test_a_note_on_a_rule_that_agrees_still_says_it_agrees(tmp_path):
    path = tmp_path / "net.toml"
    path.write_text(NETWORK.replace("label = 1", 'label = 1\nnote = "unneeded"'), encoding="utf-8")
    result = chainrule("explain", str(path), "--matrix")
    assert result.returncode == 0, result.stderr
    assert "the engine computed the same numbers" in result.stdout


def test_a_table_inside_matrix_is_reported_at_its_own_line(tmp_path):
    path = tmp_path / "net.toml"
    text = NETWORK.replace("[matrix]", "\n[matrix.x]")  # after a blank line
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExampleFileError) as info:
        from_file(path)
    line = text.splitlines().index("[matrix.x]") + 1
    assert str(info.value).startswith(f"{path}:{line}: x: [matrix.x]: a table inside [matrix]; the keys are")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('notation = "bishop"', 'notation = "greek"'),
            "notation: 'greek'; the notations are khapra, bishop",
        ),
        (('rule = "softmax-ce"', 'rule = "mse"'), "rule: 'mse'; the rules are softmax-ce"),
        (("label = 1", "label = 0"), "label: the class ℓ of softmax-ce, a whole number from 1"),
        (("label = 1", "colour = 1"), "colour: unknown key; the keys are label, notation"),
        (('rule = "softmax-ce"\nlabel = 1', "label = 1"), "label: belongs to a rule"),
        (
            ('rule = "softmax-ce"\nlabel = 1', 'rule = "linear-se"\ntargets = ["q"]'),
            "targets: must list labels",
        ),
        (('rule = "softmax-ce"\nlabel = 1', 'rule = "linear-se"'), "rule: linear-se needs targets"),
    ],
)
def test_a_bad_matrix_table_names_the_key(tmp_path, change, message):
    path = tmp_path / "net.toml"
    path.write_text(NETWORK.replace(*change), encoding="utf-8")
    with pytest.raises(ExampleFileError) as info:
        from_file(path)
    assert message in str(info.value), str(info.value)
