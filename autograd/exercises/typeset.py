"""pdflatex run on a source and the files it includes (a sheet's picture), in a temporary folder.

`autograd.deck.beamer.compile_pdf` compiles a deck, whose source includes nothing; a worksheet's source
includes its graph's picture, which must lie beside the .tex when pdflatex reads it. The PDF is written
to its target whole or not at all (`autograd.files.write_atomic`); nothing else is left behind.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..deck.beamer import INSTALL
from ..files import MissingFolder, WriteError, write_atomic

TIMEOUT = 120  # seconds for one sheet (a few pages: well under ten seconds)
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")  # a file name TeX reads as it is written


class SheetError(Exception):
    """A sheet that cannot be made: pdflatex missing, failing (the message names its log's error line) or
    running past TIMEOUT."""


def check_target(target: Path, what: str) -> None:
    """Raise MissingFolder (naming `what`) when `target`'s folder does not exist, WriteError when `target`
    is a folder: before any work is done for it."""
    if target.is_dir():
        raise WriteError(f"cannot write {what} to {str(target)!r}: it is a folder; give a file name")
    if not target.parent.is_dir():
        raise MissingFolder(f"cannot write {what}: the folder {str(target.parent)!r} does not exist")


def compile_pdf(source: str, target: Path, files: Mapping[str, bytes], what: str) -> Path:
    """Compile `source` with pdflatex (one run) beside `files` (name → bytes; names as SAFE_NAME) in a
    temporary folder and write the PDF to `target`. `what` names the document in errors ("the sheet of
    student 's1'"). Raises SheetError when pdflatex is missing, fails or runs past TIMEOUT, MissingFolder
    or WriteError for a target that cannot be written; `target` is then left as it was."""
    check_target(target, what)
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise SheetError(f"cannot make {what}: pdflatex is missing; {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="chainrule-sheet-") as name:
        folder = Path(name)
        for file, data in files.items():
            if not SAFE_NAME.fullmatch(file) or file.startswith("sheet."):
                raise ValueError(f"{file!r} is not a name for a file beside the sheet's source")
            (folder / file).write_bytes(data)
        (folder / "sheet.tex").write_text(source, encoding="utf-8")
        try:
            done = subprocess.run(
                [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "sheet.tex"],
                cwd=folder, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise SheetError(f"cannot make {what}: pdflatex ran past {TIMEOUT} s") from None
        pdf = folder / "sheet.pdf"
        if done.returncode != 0 or not pdf.is_file():
            raise SheetError(f"cannot make {what}: {first_error(folder / 'sheet.log', source)}")
        return write_atomic(target, pdf.read_bytes())


def first_error(log: Path, source: str) -> str:
    """The first error of a LaTeX log as one line: `LaTeX error: ! Undefined control sequence.
    (sheet.tex line 12: …)`."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "pdflatex failed and wrote no log"
    for i, line in enumerate(lines):
        if line.startswith("!"):
            where = next((m for m in (re.match(r"l\.(\d+)", x) for x in lines[i : i + 12]) if m), None)
            if where is None:
                return f"LaTeX error: {line}"
            number = int(where[1])
            code = source.splitlines()[number - 1].strip() if number <= len(source.splitlines()) else ""
            return f"LaTeX error: {line} (sheet.tex line {number}: {code[:120]})"
    return "pdflatex failed; no error line in its log"
