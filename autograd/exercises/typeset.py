"""A sheet's LaTeX compiled beside the files it includes (its graph's picture) by the decks' pdflatex
runner (`autograd.deck.pdflatex`). The PDF is written to its target whole or not at all
(`autograd.files.write_atomic`); nothing else is left behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..deck.pdflatex import LatexFailed, LatexMissing, pdflatex
from ..files import MissingFolder, WriteError, write_atomic

TIMEOUT = 120  # seconds for one sheet (a few pages: well under ten seconds)


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
    try:
        return write_atomic(target, pdflatex(source, "sheet", TIMEOUT, files))
    except (LatexMissing, LatexFailed) as error:
        raise SheetError(f"cannot make {what}: {error}") from None
