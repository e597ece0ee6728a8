"""`chainrule render`: the drawing options of the Python API, -o as a file or a folder, a short summary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from demos.cli.output import MARKER

SCRIPT = Path(sys.executable).parent / "chainrule"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "demos"]


def chainrule(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_o_with_a_picture_suffix_writes_that_very_file(tmp_path: Path) -> None:
    r = chainrule(
        "render", "chen-2-2-2", "-o", "chen.svg", "--direction", "TB", "--digits", "6", cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chen.svg"]  # no folder, no marker
    svg = (tmp_path / "chen.svg").read_text("utf-8")
    assert "0.138499" in svg and "<title>n0</title>" not in svg
    again = chainrule("render", "chen-2-2-2", "-o", "chen.svg", cwd=tmp_path)  # the user named it
    assert again.returncode == 0


def test_steps_print_a_summary_not_one_line_per_frame(tmp_path: Path) -> None:
    r = chainrule("render", "chen-2-2-2", "-o", str(tmp_path / "pics"), "--steps", "--fit", "none")
    assert r.returncode == 0, r.stderr
    frames = tmp_path / "pics" / "chen-2-2-2-backward"
    assert r.stdout.splitlines() == [
        str(tmp_path / "pics" / "chen-2-2-2.png"),
        f"27 frames and a GIF in {frames}",  # the slide view: one step per box (43 nodes, 27 boxes)
    ]
    assert len(list(frames.glob("backward_*.png"))) == 27 and (frames / "backward.gif").is_file()
    assert (tmp_path / "pics" / MARKER).is_file()


def test_fit_is_the_default_and_none_keeps_one_strip(tmp_path: Path) -> None:
    ratios = {}
    for fit in ("16:9", "none"):
        out = tmp_path / f"{fit.replace(':', 'x')}.png"
        assert (
            chainrule("render", "deep-thin", "-o", str(out), "--fit", fit, "--view", "full").returncode == 0
        )
        with Image.open(out) as image:
            ratios[fit] = image.size[0] / image.size[1]
    assert ratios["none"] > 3 > 2 > ratios["16:9"]
    default = tmp_path / "default.png"
    assert chainrule("render", "deep-thin", "-o", str(default), "--view", "full").returncode == 0
    assert default.read_bytes() == (tmp_path / "16x9.png").read_bytes()


def test_formulas_highlight_and_view_reach_the_picture(tmp_path: Path) -> None:
    r = chainrule(
        "render", "softmax-output", "-o", str(tmp_path / "s.dot"), "--highlight", "W1_11", "L",
        "--view", "full", "--fit", "none",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    source = (tmp_path / "s.dot").read_text("utf-8")
    assert source.count('color="#7c3aed"') == 2  # the two highlighted nodes
    r = chainrule(
        "render",
        "chen-2-2-2",
        "-o",
        str(tmp_path / "c.dot"),
        "--formulas",
        "--highlight",
        "w5",
        "--view",
        "full",
    )
    source = (tmp_path / "c.dot").read_text("utf-8")
    assert "o1·(1 − o1) = 0.1868" in source and source.count('color="#7c3aed"') == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--digits", "0"], "--digits must be a whole number from 1 to 17"),
        (["--digits", "x"], "invalid int value"),
        (["--fit", "wide"], "--fit must be a width:height ratio"),
        (["--direction", "up"], "invalid choice"),
        (["--view", "tiny"], "invalid choice"),
        (["--highlight", "w9"], "has no node labelled 'w9'; the labels are: i1, i2, t1, t2, w1"),
        (["--view", "collapsed"], "needs groups"),
        (["--format", "svg", "-o", "c.png"], "is a .png file but --format svg"),
    ],
)
def test_a_bad_value_is_one_line_and_exit_2(tmp_path: Path, args: list[str], words: str) -> None:
    output = [] if "-o" in args else ["-o", "out"]
    r = chainrule("render", "chen-2-2-2", *output, *args, cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and words in r.stderr, r.stderr
    assert not (tmp_path / "c.png").exists()


def test_one_file_for_several_pictures_is_refused(tmp_path: Path) -> None:
    r = chainrule("render", "chen-losses", "-o", str(tmp_path / "x.png"))
    assert r.returncode == 2 and "draws 4 pictures" in r.stderr and "give a folder" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_graph_too_big_for_a_slide_gives_parts_and_an_overview(tmp_path: Path) -> None:
    mine = tmp_path / "three-layer-7.png"
    mine.write_bytes(b"the user's own")
    stale = tmp_path / "three-layer-6.png"
    Image.new("RGB", (4, 4)).save(stale)  # a picture, but not one chainrule drew
    r = chainrule("render", "three-layer", "-o", str(tmp_path / "three-layer.png"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "overview" in lines[0] and lines[0].startswith(str(tmp_path / "three-layer.png"))
    assert lines[1].startswith("2 slide pictures, one per slide") and lines[1].endswith(
        "three-layer-1.png, three-layer-2.png"
    )
    assert mine.read_bytes() == b"the user's own" and stale.exists()
    (tmp_path / "three-layer-3.png").write_bytes((tmp_path / "three-layer-1.png").read_bytes())  # ours
    again = chainrule("render", "three-layer", "-o", str(tmp_path / "three-layer.png"))
    assert again.returncode == 0, again.stderr
    assert not (tmp_path / "three-layer-3.png").exists() and mine.exists() and stale.exists()


def test_a_failed_overview_leaves_no_slide_parts_behind(tmp_path, monkeypatch):
    # the parts and their overview are one set: a dot that gives up on the overview (a graph too big to
    # lay out in time) must not leave a folder of parts without it
    from autograd.render import RenderError
    from demos.cli import render as render_command
    from demos.examples import catalog

    def gives_up(*args, **kwargs):
        raise RenderError("Graphviz's dot did not finish laying out the graph in 20 s and was stopped")

    monkeypatch.setattr(render_command, "render", gives_up)
    example = catalog.get("softmax-output")
    with pytest.raises(RenderError):
        render_command.draw_example(example, example.build(), tmp_path, "png", steps=False)
    assert list(tmp_path.iterdir()) == []
