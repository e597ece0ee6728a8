"""The `chainrule` command end to end, as a user runs it: every subcommand, bad input, the tour."""

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograd.page import MAX_PAGE_NODES, GraphTooBig
from demos.cli.output import MARKER
from demos.cli.page import _too_big
from demos.examples import catalog
from demos.examples.catalog import EXAMPLES
from tests.support.cli import chainrule

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def test_list_names_every_example_with_title_and_slide():
    result = chainrule("list")
    assert result.returncode == 0
    for name, example in EXAMPLES.items():
        assert re.search(
            rf"^{re.escape(name)}\s+{re.escape(example.title)}\s+\[{re.escape(example.source)}\]$",
            result.stdout,
            re.M,
        )


def test_show_json_has_the_documented_shape():
    result = chainrule("show", "chen-2-2-2", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"name", "title", "slide", "deck", "values", "grads", "checks", "output"}
    assert (data["slide"], data["deck"]) == ("000_00cf71c3501cabbd.txt", 'Kuan-Yu Chen, "Backpropagation"')
    assert data["values"]["h1"] == pytest.approx(0.5932699921071872)
    assert data["grads"]["w5"] == pytest.approx(0.08216704056423078)
    assert set(data["values"]) == set(data["grads"]) >= {"i1", "i2", "t1", "t2", "w1", "w8", "b1", "b2", "f"}
    mse = next(c for c in data["checks"] if c["quantity"] == "MSE (f)")
    assert (mse["slide"], mse["agrees"]) == ("0.275", False) and "drops" in mse["note"]
    assert set(mse) == {"quantity", "slide", "computed", "agrees", "finding", "note"}
    assert mse["finding"] == "erratum"
    assert data["output"][0].startswith("one gradient-descent step, η = 0.5")


def test_decks_are_named_by_title_and_author_wherever_a_person_reads_them():
    for args in (["list"], ["show", "softmax-output"], ["check"]):
        result = chainrule(*args)
        assert result.returncode == 0, result.stderr
        assert ".txt" not in result.stdout, args
    assert 'Mitesh M. Khapra, "CS6910 Lecture 4' in chainrule("show", "softmax-output").stdout


def test_version():
    result = chainrule("--version")
    assert result.returncode == 0 and re.fullmatch(r"chainrule \d+\.\d+\.\d+\n", result.stdout)


def test_the_command_starts_without_the_libraries_only_some_commands_use():
    """No command's start loads a library only some commands use (matplotlib was 0.4 s of a 1 s start)."""
    heavy = ["matplotlib", "PIL", "pptx", "playwright", "torch", "autograd.exercises"]
    code = f"import sys, demos.cli, nn; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"


@pytest.mark.parametrize(
    "args", [["list"], ["train", "xor", "--epochs", "50", "--no-progress"], ["show", "chen-2-2-2"]]
)
def test_a_reader_that_stops_early_is_not_an_error(args):
    command = subprocess.list2cmdline([sys.executable, "-m", "demos", *args])
    result = subprocess.run(
        f"{command} | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and len(result.stdout.splitlines()) == 1


def test_show_with_another_learning_rate():
    data = json.loads(chainrule("show", "chen-2-2-2", "--json", "--eta", "0.1").stdout)
    w5 = next(line for line in data["output"] if line.split()[0] == "w5")
    assert w5.endswith(f"{0.4 - 0.1 * data['grads']['w5']:.9f}")


def test_show_table_and_the_printout():
    result = chainrule("show", "linear-regression")
    assert result.returncode == 0
    assert result.stdout.endswith(
        "grad: 1.0 2.0 -2.0\ngrad: 2.0 4.0 -7.84\ngrad: 3.0 6.0 -16.2288\nprogress: 0 4.919240100095999\n"
    )


def test_explain_one_parameter_and_all():
    result = chainrule("explain", "chen-2-2-2", "--param", "w5")
    assert result.stdout.strip() == (
        "∂f/∂w5 = ∂f/∂o1 · ∂o1/∂net_o1 · ∂net_o1/∂w5 = 0.5·2·(t1 − o1)·(−1) · o1·(1 − o1) · h1 "
        "= 0.7414 · 0.1868 · 0.5933 = 0.08217"
    )
    every = chainrule("explain", "chen-2-2-2").stdout.splitlines()
    assert [line.split(" = ")[0] for line in every] == [f"∂f/∂{p}" for p in EXAMPLES["chen-2-2-2"].parameters]
    deltas = chainrule("explain", "chen-2-2-2", "--delta").stdout.splitlines()
    assert [line.split(" = ")[0] for line in deltas[:4]] == ["δ_o1", "δ_o2", "δ_h1", "δ_h2"]
    step = chainrule("explain", "chen-2-2-2", "--param", "w5", "--step", "momentum").stdout.splitlines()
    assert step[-1] == "w5 ← w5 + Δw5(t) = 0.4 + (−0.0410835) = 0.358916"  # η = 0.5, the example's
    tex = chainrule("explain", "chen-2-2-2", "--param", "w5", "--format", "latex").stdout.strip()
    assert tex.startswith(r"$\frac{\partial f}{\partial w_{5}}") and tex.endswith("$")


def test_check_reports_errata_as_findings_and_writes_markdown(tmp_path):
    result = chainrule("check", "--markdown", str(tmp_path / "checks.md"))
    assert result.returncode == 0
    assert "slide errata" in result.stdout.splitlines()[-1]
    markdown = (tmp_path / "checks.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Slide-check report") and "| ✗ | L | 0.89 |" in markdown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "nope"], "unknown example 'nope'; choose one of: chen-2-2-2"),
        (["explain", "nope"], "unknown example 'nope'; choose one of:"),
        (["explain", "chen-2-2-2", "--param", "w9"], "has no node 'w9'; did you mean w1, w2 or w3?"),
        (["show", "hinge", "--eta", "0.1"], "has no update step"),
        (["show", "chen-2-2-2", "--eta", "-1"], "argument --eta: '-1' must be a finite positive number"),
        (
            ["show", "chen-2-2-2", "--eta", "1e400"],
            "argument --eta: '1e400' must be a finite positive number",
        ),
        (["show", "chen-2-2-2", "--eta", "nan"], "argument --eta: 'nan' must be a finite positive number"),
        (["explain", "chen-2-2-2", "--step", "momentum", "--eta", "1e400"], "argument --eta: '1e400'"),
        (["render", "nope", "-o", "x"], "unknown example 'nope'"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = chainrule(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_output_is_one_line_and_exit_1(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for args in (["render", "mul-gate", "-o", str(blocker / "sub")], ["tour", "-o", str(blocker / "sub")]):
        result = chainrule(*args)
        assert result.returncode == 1, result.stderr
        assert result.stderr.count("\n") == 1 and "cannot" in result.stderr
        assert "Traceback" not in result.stderr
    result = chainrule("check", "--markdown", str(blocker / "missing" / "c.md"))
    assert result.returncode == 1 and "is a file, not a folder" in result.stderr


@needs_dot
def test_render_writes_the_graph_and_the_backward_frames(tmp_path):
    result = chainrule("render", "mul-gate", "-o", str(tmp_path), "--steps")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mul-gate.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    frames = sorted((tmp_path / "mul-gate-backward").glob("backward_*.png"))
    assert len(frames) == 3  # z, then x and y
    assert (tmp_path / "mul-gate-backward" / "backward.gif").read_bytes()[:6] == b"GIF89a"
    svg = chainrule("render", "xor-threshold", "-o", str(tmp_path), "--format", "svg")
    assert svg.returncode == 0
    assert sorted(p.name for p in tmp_path.glob("xor-threshold-*.svg")) == [
        f"xor-threshold-y_{row}.svg" for row in ("00", "01", "10", "11")
    ]


class _Links(HTMLParser):
    """Files an HTML page links to, the #anchors it links to, and the ids it has."""

    def __init__(self):
        super().__init__()
        self.targets, self.anchors, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src"):
                (self.anchors if value.startswith("#") else self.targets).append(value)
            elif name == "id":
                self.ids.add(value)


@needs_dot
def test_tour_writes_a_complete_linked_folder_and_replaces_its_own_earlier_output(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("an earlier tour's folder")
    (out / "stale.txt").write_text("from an older run")
    result = chainrule("tour", "-o", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert not (out / "stale.txt").exists()
    assert not list(tmp_path.glob(".out.*"))  # no staging or retired folder left behind
    parser = _Links()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    assert parser.targets
    for target in parser.targets:
        assert (out / target).exists(), target
    assert {f"#{name}" for name in EXAMPLES} | {"#training"} <= set(parser.anchors)  # the contents
    assert {anchor[1:] for anchor in parser.anchors} <= parser.ids
    for name in EXAMPLES:
        folder = out / name
        assert json.loads((folder / "example.json").read_text(encoding="utf-8"))["name"] == name
        assert (folder / "explanation.txt").read_text(encoding="utf-8").strip()
        assert "<svg" in (folder / "page.html").read_text(encoding="utf-8")
        assert list(folder.glob("*.svg")) and list(folder.glob("*.png"))
    assert list((out / "mul-gate" / "mul-gate-backward").glob("backward_*.png"))
    assert "chen-2-2-2/chen-2-2-2-network.png" in parser.targets  # the network, neuron by neuron
    assert not list((out / "mul-gate").glob("*-network.png"))  # a gate has no units to draw
    # the matrix form and the layer picture where the graph groups into layers (issue 27), linked
    assert {"softmax-output/matrix.txt", "softmax-output/softmax-output-layers.png"} <= set(parser.targets)
    assert "a₁ = W₁ x + b₁" in (out / "softmax-output" / "matrix.txt").read_text(encoding="utf-8")
    assert not list((out / "mul-gate").glob("matrix.*")) and not list((out / "mul-gate").glob("*-layers.*"))
    assert "slide errata" in (out / "checks.txt").read_text(encoding="utf-8")
    for name in EXAMPLES:  # every example as a deck, linked: PowerPoint and Beamer (and its PDF, with LaTeX)
        assert {f"{name}/slides.pptx", f"{name}/slides.tex"} <= set(parser.targets)
        assert (f"{name}/slides.pdf" in parser.targets) == bool(shutil.which("pdflatex"))
    # a graph too big for one slide links each part, the pictures a teacher puts on slides
    assert {f"softmax-output/softmax-output-{k}.png" for k in (1, 2)} <= set(parser.targets)
    assert "training/playground.html" in parser.targets  # the training playground, linked
    assert 'id="playground-data"' in (out / "training" / "playground.html").read_text(encoding="utf-8")


def test_a_graph_too_big_for_a_page_is_refused_in_the_command_lines_terms(tmp_path):
    # issue 19: the refusal named max_nodes=…, which the command line has no option for; issue 24: it
    # names the page's real limit (MAX_PAGE_NODES) and a way that works, the slide view in parts
    expression = "; ".join(f"y{k + 1} = y{k}*2 + 1" for k in range(520)).replace("y0", "x")
    result = chainrule("page", "--expr", expression, "--set", "x=1", "-o", str(tmp_path / "big.html"))
    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.count("\n") == 0 and message.startswith(
        "chainrule page: error: the graph of y520 has 2081 nodes"
    )
    assert f"({MAX_PAGE_NODES})" in message and MAX_PAGE_NODES == 2000
    assert "max_nodes" not in message and "autograd.render" not in message and "collapsed" not in message
    assert "`chainrule render --expr … --set … -o DIR`" in message and "page a smaller expression" in message
    assert not (tmp_path / "big.html").exists()


def test_a_named_example_too_big_for_a_page_is_pointed_at_its_slide_pictures():
    example = catalog.get("chen-2-2-2")
    message = _too_big(GraphTooBig("f", 2345, MAX_PAGE_NODES), example, "chen-2-2-2")
    assert message.count("\n") == 0 and "2345 nodes, more than a page draws (2000)" in message
    assert "`chainrule render chen-2-2-2 -o DIR`" in message and "slide view in parts" in message
    assert "collapsed" not in message and "page a smaller example" in message


def test_the_mul_gate_examples_frames_agree_with_its_explanation(tmp_path):
    # the frames started from ∂z/∂z = 1 while the picture, explanation and page used the slide's ∂L/∂z = 5
    result = chainrule("render", "mul-gate", "-o", str(tmp_path), "--steps", "--format", "dot")
    assert result.returncode == 0, result.stderr
    captions = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "mul-gate-backward").glob("*.dot"))
    assert "∂L/∂z = 5 (given)" in captions and "∂L/∂x = ∂L/∂z · y = 5 · 3 = 15" in captions
