"""`chainrule slides`: a deck from a built-in example, an --expr, errors as one line with the usual status."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from demos.cli import main

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@needs_dot
def test_slides_writes_a_pptx_from_an_expression(tmp_path, capsys):
    from pptx import Presentation

    out = tmp_path / "e.pptx"
    assert main(["slides", "--expr", "f = (x+y)*z", "--set", "x=-2", "y=5", "z=-4", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    prs = Presentation(out)
    texts = " ".join(s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame)
    assert "∂f/∂x" in texts and "−12" in texts


@needs_dot
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is missing (scripts/setup tex)")
def test_slides_compiles_a_pdf(tmp_path):
    out = tmp_path / "chen.pdf"
    assert main(["slides", "softmax-ce", "-o", str(out), "--ratio", "4:3"]) == 0
    assert out.read_bytes().startswith(b"%PDF")


@needs_dot
def test_slides_writes_tex(tmp_path):
    out = tmp_path / "gate.tex"
    assert main(["slides", "mul-gate", "-o", str(out)]) == 0
    assert out.read_text().startswith(r"\documentclass[aspectratio=169]{beamer}")


@pytest.mark.parametrize(
    "args, status, message",
    [
        (["chen-2-2-2", "-o", "x.doc"], 2, "unknown deck format .doc"),
        (["chen-2-2-2", "-o", "x.pptx", "--format", "tex"], 2, "is a .pptx file but --format tex"),
        (["no-such-example", "-o", "x.pptx"], 2, "no-such-example"),
        # a missing folder is made (docs/commands.md); a path through a file cannot be
        (["chen-2-2-2", "-o", str(Path(__file__) / "x.pptx")], 1, "is a file, not a folder"),
    ],
)
def test_slides_errors_are_one_line(args, status, message, capsys):
    assert main(["slides", *args]) == status
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
