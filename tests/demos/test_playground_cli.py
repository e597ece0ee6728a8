"""`chainrule playground -o FILE.html`: the page with the settings given, and the output rules."""

import json
import re

import pytest

from demos.cli import main


def page_settings(path):
    text = path.read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="playground-data">(.*?)</script>', text, re.S)
    return json.loads(data.group(1))["settings"]


def test_writes_the_page_with_its_settings(tmp_path, capsys):
    out = tmp_path / "play.html"
    status = main(["playground", "-o", str(out), "--data", "moons", "--hidden", "16,16", "--optimizer", "sgd",
                   "--lr", "0.1", "--batch-size", "full", "--seed", "7"])  # fmt: skip
    assert status == 0 and capsys.readouterr().out.strip() == str(out)
    settings = page_settings(out)
    assert settings["data"] == "moons" and settings["hidden"] == [16, 16] and settings["batch"] == 0
    assert settings["optimizer"] == "sgd" and settings["lr"] == 0.1 and settings["seed"] == 7
    assert main(["playground", "-o", str(out), "--hidden", ""]) == 0  # the file the user named: replaced
    assert page_settings(out)["hidden"] == []


def refused(argv, capsys):
    """(exit status, stderr) of a refused command: argparse's own refusals exit through SystemExit."""
    try:
        status = main(argv)
    except SystemExit as stop:
        status = stop.code
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "status", "says"),
    [
        (["-o", "p.png"], 2, "argument -o/--output: 'p.png': the playground is an .html file"),
        (["-o", ""], 2, "argument -o/--output: give a file name ending in .html"),
        (["--lr", "0"], 2, "argument --lr: must be a number from 1e-06 to 10"),
        (["--weight-decay", "5"], 2, "argument --weight-decay: must be a number from 0 to 1"),
        (["--seed", "-1"], 2, "argument --seed: must be a whole number from 0 to 4294967295, got -1"),
        (["--momentum", "1"], 2, "argument --momentum: must be a number from 0 to 0.999999"),
        (["-o", "blocker/p.html"], 1, "'blocker' is a file, not a folder"),
        (["-o", "folder.html"], 1, "is a folder"),
    ],
)
def test_every_refusal_is_one_line_naming_the_option(tmp_path, monkeypatch, capsys, options, status, says):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.html").mkdir()
    (tmp_path / "blocker").write_text("a file of the user's")
    argv = ["playground", *options] if "-o" in options else ["playground", "-o", "p.html", *options]
    code, err = refused(argv, capsys)
    assert code == status and says in err, err
    assert err.startswith("chainrule playground: error: ") and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "folder.html"]  # nothing written


def test_batch_size_and_hidden_read_as_train_reads_them(tmp_path, capsys):
    out = tmp_path / "play.html"
    assert main(["playground", "-o", str(out), "--batch-size", "5", "--hidden", "none"]) == 0
    assert page_settings(out)["batch"] == 5 and page_settings(out)["hidden"] == []
    with pytest.raises(SystemExit) as refused:
        main(["playground", "-o", str(out), "--hidden", "4,0"])
    assert refused.value.code == 2
    assert "every hidden size must be a positive integer" in capsys.readouterr().err
