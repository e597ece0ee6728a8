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


def test_bad_settings_and_outputs_are_refused(tmp_path, capsys):
    assert main(["playground", "-o", str(tmp_path / "p.png")]) == 2
    assert "an .html file" in capsys.readouterr().err
    assert main(["playground", "-o", str(tmp_path / "p.html"), "--lr", "0"]) == 2
    assert "lr must be a number from 1e-06 to 10" in capsys.readouterr().err
    assert main(["playground", "-o", str(tmp_path / "missing" / "p.html")]) == 1
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "folder.html").mkdir()
    assert main(["playground", "-o", str(tmp_path / "folder.html")]) == 1
    assert "is a folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.html"]  # nothing written


def test_batch_size_and_hidden_read_as_train_reads_them(tmp_path, capsys):
    out = tmp_path / "play.html"
    assert main(["playground", "-o", str(out), "--batch-size", "5", "--hidden", "none"]) == 0
    assert page_settings(out)["batch"] == 5 and page_settings(out)["hidden"] == []
    with pytest.raises(SystemExit) as refused:
        main(["playground", "-o", str(out), "--hidden", "4,0"])
    assert refused.value.code == 2
    assert "every hidden size must be a positive integer" in capsys.readouterr().err
