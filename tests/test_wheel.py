"""Installed from a wheel, not only editable: every package and the page's assets are in it and found.

The wheel is built from this checkout, unpacked into a folder of its own (no dependencies: they are the
test environment's), and run from elsewhere, so that the checkout's own files cannot stand in for it.
`.ci/run` also installs the wheel into a fresh virtual environment and runs `chainrule tour` from there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import autograd, demos
from autograd import Value
from autograd.render import render
from autograd.page import page
assert autograd.__file__.startswith(TARGET), autograd.__file__
x = Value(2.0, "x"); w = Value(-3.0, "w")
f = (x * w).tanh().named("f"); f.backward()
render(f, "f.svg")
page(f, "f.html")
text = open("f.html", encoding="utf-8").read()
assert "function" in text and "<svg" in text, "the page's script or picture is missing"
print("ok")
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)]
    try:
        import setuptools

        if int(setuptools.__version__.split(".")[0]) >= 68:  # pyproject's build requirement
            build.insert(5, "--no-build-isolation")  # builds offline with what is installed
    except ImportError:
        pass
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    (found,) = out.glob("chainrule-*.whl")
    return found


def test_the_wheel_holds_every_package_and_the_page_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (
        "autograd/ops.py",
        "autograd/render/__init__.py",
        "autograd/explain/__init__.py",
        "autograd/page/template.html",
        "autograd/page/script.js",
        "autograd/page/compute.js",
        "autograd/page/mistake_view.js",
        "autograd/lab/__init__.py",
        "autograd/page/style.css",
        "nn/module.py",
        "nn/playground/template.html",
        "nn/playground/learning.js",
        "nn/playground/controls.js",
        "nn/playground/playground.css",
        "demos/examples/chen.py",
        "demos/cli/tour.py",
    ):
        assert path in names, f"{path} is missing from {wheel.name}"
    assert not any(name.startswith("tests/") for name in names)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_the_installed_wheel_renders_a_graph_and_writes_a_page(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    run = tmp_path / "run"
    run.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", f"TARGET = {str(target)!r}\n{SCRIPT}"],
        cwd=run,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (run / "f.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    listed = subprocess.run(
        [sys.executable, "-m", "demos", "list"], cwd=run, env=env, capture_output=True, text=True, timeout=60
    )
    assert listed.returncode == 0 and "chen-2-2-2" in listed.stdout, listed.stderr
