"""One form for every error line, names suggested, every option explained, file outputs alike (issue 26)."""

import argparse
import shutil

import pytest

from autograd.text.choices import choose_from
from demos.cli import build_parser
from demos.cli.output import OutputError, prepare_file
from demos.examples.catalog import EXAMPLES
from tests.support.cli import chainrule

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["explain", "chen-2-2-2", "--bogus"], "explain"),  # argparse: an option the command lacks
        (["explain", "chen-2-2-2", "--param", "w9"], "explain"),  # the command: no such node
        (["explain", "chen-2-2"], "explain"),  # the command: no such example
        (["trace", "chen-2-2-2", "--mode", "x"], "trace"),  # argparse: a bad choice
        (["trace", "chen-2-2-2", "--wrt", "w9"], "trace"),
        (["render", "nope", "-o", "x"], "render"),
        (["slides", "chen-2-2-2", "-o", "x.key"], "slides"),
        (["show", "chen-2-2-2", "--eta", "-1"], "show"),
        (["page", "chen-2-2-2", "-o", "x.txt"], "page"),
        (["playground", "-o", "p.html", "--hidden", "x"], "playground"),
    ],
)
def test_every_usage_error_has_one_form_naming_the_command(args, command):
    result = chainrule(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"chainrule {command}: error: "), result.stderr
    assert result.stderr.count("\n") == 1 and "chainrule: error" not in result.stderr
    assert result.stderr.count(": error: ") == 1


def test_a_failure_names_the_command_too(tmp_path):
    (tmp_path / "file").write_text("x")
    result = chainrule("slides", "chen-2-2-2", "-o", str(tmp_path / "file" / "deck.tex"))
    assert result.returncode == 1
    assert result.stderr.startswith("chainrule slides: error: ") and result.stderr.count("\n") == 1


def test_every_option_of_every_command_says_what_it_does():
    for name, parser in _commands().items():
        for action in parser._actions:
            assert action.help, f"chainrule {name} {'/'.join(action.option_strings) or action.dest}: no help"


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_a_mistyped_example_name_is_suggested_first(name):
    for typo in (name[:-1], name.upper(), name.replace("-", "", 1), name + "x"):
        hint = choose_from(typo, EXAMPLES)
        assert hint.startswith("did you mean "), (typo, hint)
        assert name in hint.split("?")[0], (typo, hint)


def test_the_command_line_suggests_names_and_parameters():
    result = chainrule("explain", "chen-2-2")
    assert result.stderr == (
        "chainrule explain: error: unknown example 'chen-2-2'; did you mean chen-2-2-2? "
        "(every example: chainrule list)\n"
    )
    result = chainrule("explain", "chen-2-2-2", "--param", "w55")
    assert "has no node 'w55'; did you mean w5? Others: w1, w2" in result.stderr
    result = chainrule("explain", "nope")  # nothing close: every name, as before
    assert "unknown example 'nope'; choose one of: chen-2-2-2, chen-losses" in result.stderr


def test_a_long_list_of_names_is_cut():
    hint = choose_from("zzz", [f"n{k}" for k in range(50)])
    assert hint.endswith("n19 … 30 more")


def test_a_named_file_gets_its_missing_folders_and_nothing_else(tmp_path):
    target = tmp_path / "a" / "b" / "out.pdf"
    assert prepare_file(target) == target and target.parent.is_dir() and not target.exists()
    (tmp_path / "plain").write_text("mine")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        prepare_file(tmp_path / "plain" / "sub" / "out.pdf")
    assert (tmp_path / "plain").read_text() == "mine"
    with pytest.raises(OutputError, match="is a folder"):
        prepare_file(tmp_path / "a")


@needs_dot
@pytest.mark.parametrize(
    "args",
    [
        ["slides", "mul-gate", "-o", "{}/deck.tex"],
        ["page", "mul-gate", "-o", "{}/page.html"],
        ["render", "mul-gate", "-o", "{}/mul.svg"],
        ["check", "mul-gate", "--markdown", "{}/checks.md"],
    ],
)
def test_every_command_that_writes_a_file_creates_its_missing_folder(tmp_path, args):
    folder = tmp_path / "new" / "deeper"
    result = chainrule(*(a.format(folder) for a in args))
    assert result.returncode == 0, result.stderr
    assert len(list(folder.iterdir())) == 1


def test_a_wrong_index_suggests_the_names_with_the_same_stem():
    hint = choose_from("x9", ["w0", "x0", "w1", "x1", "net", "f"])
    assert hint.startswith("did you mean x0 or x1? Others: w0, w1, net, f"), hint
    assert choose_from("t7", ["t1", "t2", "o1"]).startswith("did you mean t1 or t2?")
