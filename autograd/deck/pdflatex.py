"""pdflatex run once on a source (and the files it includes) in a temporary folder: the PDF's bytes.

The decks (`beamer.compile_pdf`) and the worksheets (`autograd.exercises.typeset`) both compile this way;
each turns a failure into its own error, naming what it was making.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

INSTALL = (
    "install LaTeX: Debian/Ubuntu: sudo apt-get install texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-pictures (or run scripts/setup tex); macOS: MacTeX"
)
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")  # a file name TeX reads as it is written


class LatexMissing(Exception):
    """pdflatex is not on PATH."""


class LatexFailed(Exception):
    """pdflatex failed or ran too long; the message is its log's first error as one line."""


def pdflatex(source: str, job: str, timeout: float, files: Mapping[str, bytes] | None = None) -> bytes:
    """The PDF pdflatex makes of `source` (one run: nothing needs the .aux), compiled as `job`.tex beside
    `files` (name → bytes, names as SAFE_NAME) in a temporary folder, which is removed after.

    Raises LatexMissing, LatexFailed (naming the log's error and its source line, or the timeout), and
    ValueError for a file name TeX would not read as written."""
    program = shutil.which("pdflatex")
    if program is None:
        raise LatexMissing(f"pdflatex is missing; {INSTALL}")
    with tempfile.TemporaryDirectory(prefix=f"chainrule-{job}-") as name:
        folder = Path(name)
        for file, data in (files or {}).items():
            if not SAFE_NAME.fullmatch(file) or file.startswith(f"{job}."):
                raise ValueError(f"{file!r} is not a name for a file beside the {job}'s source")
            (folder / file).write_bytes(data)
        (folder / f"{job}.tex").write_text(source, encoding="utf-8")
        try:
            done = subprocess.run(
                [program, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", f"{job}.tex"],
                cwd=folder, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise LatexFailed(f"pdflatex ran past {timeout:g} s") from None
        pdf = folder / f"{job}.pdf"
        if done.returncode != 0 or not pdf.is_file():
            raise LatexFailed(log_error(folder / f"{job}.log", source))
        return pdf.read_bytes()


def log_error(log: Path, source: str) -> str:
    """The first error of a LaTeX log as one line:
    `LaTeX error: ! Undefined control sequence. (deck.tex line 12: …)`."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "pdflatex failed and wrote no log"
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!"):
            where = next((m for m in (re.match(r"l\.(\d+)", x) for x in lines[i : i + 12]) if m), None)
            if where:
                number = int(where[1])
                code = source.splitlines()[number - 1].strip() if number <= len(source.splitlines()) else ""
                return f"LaTeX error: {line} ({log.with_suffix('.tex').name} line {number}: {code[:120]})"
            return f"LaTeX error: {line}"
    return "pdflatex failed; no error line in its log"
