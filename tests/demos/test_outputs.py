"""Nothing of the user's is ever lost: every command that writes refuses a folder or file it may not touch.

A folder is filled or replaced only if it is new, empty or chainrule's own (its marker file); a file is
overwritten only when the user named it. Each refusal is one line, exit status 1, and nothing changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from demos.cli.output import MARKER, OutputError, replace_folder

SCRIPT = Path(sys.executable).parent / "chainrule"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "demos"]


def chainrule(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def lecture(tmp_path: Path) -> Path:
    """A teacher's folder of their own files."""
    folder = tmp_path / "teaching"
    (folder / "week1").mkdir(parents=True)
    (folder / "slides.pdf").write_bytes(b"%PDF-1.4 my lecture")
    (folder / "week1" / "notes.txt").write_text("do not lose me")
    return folder


@pytest.mark.parametrize(
    "command",
    [
        ["tour", "--no-progress", "-o"],
        ["render", "mul-gate", "-o"],
    ],
)
def test_a_folder_of_the_users_is_refused_and_left_as_it_was(lecture: Path, command: list[str]) -> None:
    before = _snapshot(lecture)
    r = chainrule(*command, str(lecture))
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "chainrule did not make" in r.stderr, r.stderr
    assert _snapshot(lecture) == before
    assert sorted(p.name for p in lecture.parent.iterdir()) == ["teaching"]  # nothing staged beside it


@pytest.mark.parametrize("command", [["tour", "--no-progress", "-o"], ["render", "mul-gate", "-o"]])
def test_a_file_where_a_folder_is_asked_for_is_refused(tmp_path: Path, command: list[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    r = chainrule(*command, str(notes))
    assert r.returncode == 1 and "is a file, not a folder" in r.stderr, r.stderr
    assert notes.read_text() == "my notes"


@pytest.mark.parametrize(
    "args",
    [
        ["page", "mul-gate", "-o", "{folder}"],
        ["train", "xor", "--epochs", "1", "--save", "{folder}"],
        ["check", "--markdown", "{folder}"],
    ],
)
def test_a_folder_where_a_file_is_asked_for_is_refused(lecture: Path, args: list[str]) -> None:
    before = _snapshot(lecture)
    r = chainrule(*[a.format(folder=lecture) for a in args])
    assert r.returncode == 1, r.stderr
    assert r.stderr.count("\n") == 1 and "folder" in r.stderr, r.stderr
    assert _snapshot(lecture) == before


@pytest.mark.parametrize(
    "args", [["train", "xor", "--epochs", "1", "--plot", "{folder}"], ["plot", "activations", "{folder}"]]
)
def test_a_folder_where_a_picture_is_asked_for_is_a_usage_error(lecture: Path, args: list[str]) -> None:
    # a picture's name says its format, so a folder is refused before anything runs, as a usage error
    before = _snapshot(lecture)
    r = chainrule(*[a.format(folder=lecture) for a in args])
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "use a .png, .svg or .pdf file name" in r.stderr, r.stderr
    assert _snapshot(lecture) == before


def test_a_missing_folder_for_a_file_is_made(tmp_path: Path) -> None:
    picture = tmp_path / "no" / "such" / "x.png"
    r = chainrule("train", "xor", "--epochs", "1", "--plot", str(picture))
    assert r.returncode == 0 and picture.is_file(), r.stderr


def test_render_can_write_again_into_its_own_folder(tmp_path: Path) -> None:
    out = tmp_path / "pics"
    for _ in range(2):
        r = chainrule("render", "mul-gate", "-o", str(out), "--format", "svg")
        assert r.returncode == 0, r.stderr
    assert (out / MARKER).is_file() and (out / "mul-gate.svg").is_file()


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    r = chainrule("render", "mul-gate", "-o", str(out), "--format", "svg")
    assert r.returncode == 0, r.stderr
    assert (out / "mul-gate.svg").is_file()


def _build(folder: Path) -> None:
    (folder / "index.html").write_text("new")


def test_replace_folder_into_the_current_folder_when_it_is_empty(tmp_path: Path) -> None:
    here = tmp_path / "here"
    here.mkdir()
    old = Path.cwd()
    os.chdir(here)
    try:
        replace_folder(Path("."), _build)  # `-o .`: the folder the user is in stays that folder
        assert (here / "index.html").read_text() == "new" and (here / MARKER).is_file()
        replace_folder(Path("."), _build)  # its own output now: replaced again
    finally:
        os.chdir(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here"]


def test_replace_folder_keeps_the_old_output_when_the_build_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    replace_folder(out, _build)

    def broken(folder: Path) -> None:
        (folder / "half.txt").write_text("half")
        raise RuntimeError("the build failed")

    with pytest.raises(RuntimeError):
        replace_folder(out, broken)
    assert (out / "index.html").read_text() == "new" and not (out / "half.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_replace_folder_refuses_before_building(lecture: Path) -> None:
    def build(folder: Path) -> None:
        raise AssertionError("must not be called")

    with pytest.raises(OutputError, match="chainrule did not make"):
        replace_folder(lecture, build)


def test_a_picture_name_with_an_unknown_suffix_is_not_taken_for_a_folder(tmp_path: Path) -> None:
    r = chainrule("render", "mul-gate", "-o", str(tmp_path / "c.jpg"))
    assert r.returncode == 2 and "unknown picture format .jpg" in r.stderr, r.stderr
    assert not list(tmp_path.iterdir())


def test_the_page_is_an_html_file(tmp_path: Path) -> None:
    r = chainrule("page", "mul-gate", "-o", str(tmp_path / "notes.txt"))
    assert r.returncode == 2 and "give a name ending in .html" in r.stderr, r.stderr
    assert not list(tmp_path.iterdir())
