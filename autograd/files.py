"""Files written whole or not at all: a temporary file in the same folder, then an atomic rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class WriteError(OSError):
    """A file could not be written; the message names the path and the reason. No partial file is left."""


class MissingFolder(WriteError, FileNotFoundError):
    """The folder a file should go into does not exist."""


def write_atomic(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8) to `path` through a temporary file beside it, then rename it over.

    A reader never sees a half-written file, and a failure leaves any previous file untouched.
    """
    target = Path(path)
    if target.is_dir():
        raise WriteError(f"cannot write {str(target)!r}: it is a folder; give a file name")
    if not target.parent.is_dir():
        raise MissingFolder(f"cannot write {str(target)!r}: the folder {str(target.parent)!r} does not exist")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise WriteError(f"cannot write {str(target)!r}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(payload)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes the file private; give it the usual mode
        os.replace(temp, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(error, OSError):
            raise WriteError(f"cannot write {str(target)!r}: {error.strerror or error}") from None
        raise
    return target


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
