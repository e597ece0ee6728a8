"""Where the commands write, and the one rule they all keep: nothing of the user's is ever lost.

A folder is filled or replaced only if it is new, empty, or was made by chainrule (it holds the marker
file `.chainrule-output`). A non-empty folder chainrule did not make, or a file where a folder is asked
for, is refused with one line, before anything is written. A file is overwritten only when the user
named that very file; the folders a named file or folder goes into are created when missing. A
replaced folder is built aside and swapped in, so a failed run leaves the
previous one as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from autograd.files import WriteError, write_atomic

MARKER = ".chainrule-output"
_MARKER_TEXT = (
    "This folder was made by chainrule. chainrule may replace everything in it on its next run into the\n"
    "same folder; delete this file to keep chainrule from writing here again.\n"
)


class OutputError(Exception):
    """An output that cannot or may not be written; the command prints one line and exits 1."""


def check_folder(folder: Path) -> None:
    """Refuse (OutputError) a folder chainrule may not write into: a file, or a folder of the user's."""
    if folder.is_file() or (folder.exists() and not folder.is_dir()):
        raise OutputError(
            f"{str(folder)!r} is a file, not a folder; give a folder name (nothing was written)"
        )
    if folder.is_dir() and not (folder / MARKER).is_file() and any(folder.iterdir()):
        raise OutputError(
            f"{str(folder)!r} already holds files that chainrule did not make; give a new or empty folder "
            "(nothing was written)"
        )


def make_folder(folder: Path, mark: bool = True) -> Path:
    """Create `folder` (and its parents) after `check_folder`, marked as chainrule's; returns it.

    `mark=False` for a folder inside one that is already chainrule's.
    """
    check_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if mark and not (folder / MARKER).is_file():
            write_atomic(folder / MARKER, _MARKER_TEXT)
    except (OSError, WriteError) as error:
        reason = getattr(error, "strerror", None) or error
        raise OutputError(f"cannot create the folder {str(folder)!r}: {reason}") from None
    return folder


def replace_folder(folder: Path, build: Callable[[Path], None]) -> None:
    """Build the folder's new contents aside with `build(staging)`, then put them in place of the old.

    Allowed only where `check_folder` allows; a failure in `build` leaves the old folder untouched.
    """
    folder = Path(os.path.abspath(folder))  # `-o .` and `-o ..` have a name once made absolute
    check_folder(folder)
    parent = make_folder(folder.parent, mark=False) if not folder.parent.exists() else folder.parent
    staging = parent / f".{folder.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        make_folder(staging)
        build(staging)
        _swap_in(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, folder: Path) -> None:
    if not folder.exists():
        staging.rename(folder)
        return
    retired = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if Path.cwd() == folder or folder in Path.cwd().parents:
        # The user is inside the folder: keep the folder itself and exchange what is in it.
        retired.mkdir()
        for entry in list(folder.iterdir()):
            entry.rename(retired / entry.name)
        for entry in list(staging.iterdir()):
            entry.rename(folder / entry.name)
    else:
        folder.rename(retired)
        staging.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)


def prepare_file(path: Path) -> Path:
    """Make `path` ready to be written as a file the user named; returns it.

    Refuses (OutputError) a path that is a folder, or one under a file; creates its missing folders, as
    `-o DIR` creates a missing folder (nothing existing is touched: only the named file is written).
    """
    if path.is_dir():
        raise OutputError(f"{str(path)!r} is a folder; give a file name (nothing was written)")
    for folder in path.parents:
        if folder.exists() and not folder.is_dir():
            raise OutputError(
                f"cannot write {str(path)!r}: {str(folder)!r} is a file, not a folder (nothing was written)"
            )
        if folder.exists():
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"cannot create the folder {str(path.parent)!r}: {error.strerror or error}"
        ) from None
    return path
