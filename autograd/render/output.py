"""Running Graphviz's `dot` and writing files whole or not at all."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .. import files

FORMATS = ("png", "svg", "pdf", "dot")
PNG_DPI = 144  # crisp on a slide; Graphviz's default 96 looks blurry when projected

INSTALL_HINT = (
    "Install Graphviz, which provides it:\n"
    "  Debian/Ubuntu: sudo apt-get install graphviz\n"
    "  macOS:         brew install graphviz\n"
    "  conda:         conda install -c conda-forge graphviz"
)


class RenderError(Exception):
    """A picture could not be written: a bad path or format, or Graphviz failed."""


class GraphvizNotFound(RenderError):
    """Graphviz's `dot` program is not installed (or not on PATH)."""


def dot_program() -> str | None:
    """The path of Graphviz's `dot`, or None."""
    return shutil.which("dot")


def run_dot(source: str, fmt: str) -> bytes:
    """`source` laid out and drawn by `dot` in format `fmt` (png, svg, pdf, json...)."""
    program = dot_program()
    if program is None:
        raise GraphvizNotFound(f"Graphviz's 'dot' program was not found on PATH. {INSTALL_HINT}")
    args = [program, f"-T{fmt}"] + ([f"-Gdpi={PNG_DPI}"] if fmt == "png" else [])
    try:
        done = subprocess.run(args, input=source.encode("utf-8"), capture_output=True, check=False)
    except OSError as error:
        raise GraphvizNotFound(f"Graphviz's 'dot' could not be run ({error}). {INSTALL_HINT}") from error
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        raise RenderError(f"Graphviz's dot failed to draw the graph: {message}")
    return done.stdout


def target(path: str | Path, format: str | None) -> tuple[Path, str]:
    """The file to write and its format, checked before any work is done."""
    path = Path(path)
    if path.is_dir():
        raise RenderError(f"cannot write {str(path)!r}: it is a folder; give a file name")
    suffix = path.suffix[1:].lower()
    if format is None:
        if not suffix:
            raise RenderError(f"cannot tell the format of {str(path)!r}: add a suffix or pass format=")
        format = suffix
    format = format.lower()
    if format not in FORMATS:
        raise RenderError(f"unknown format {format!r} for {str(path)!r}; use one of {', '.join(FORMATS)}")
    if suffix and suffix != format and suffix in FORMATS:
        raise RenderError(f"{str(path)!r} has suffix .{suffix} but format={format!r} was asked for")
    if not suffix:
        path = path.with_name(f"{path.name}.{format}")
    parent = path.parent
    if not parent.is_dir():
        raise RenderError(f"cannot write {str(path)!r}: the folder {str(parent)!r} does not exist")
    if path.is_dir():
        raise RenderError(f"cannot write {str(path)!r}: it is a folder; give a file name")
    return path, format


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (the project's helper), failing with a RenderError."""
    try:
        files.write_atomic(path, data)
    except files.WriteError as error:
        raise RenderError(str(error)) from None


def write_picture(source: str, path: str | Path, format: str | None) -> Path:
    """Write DOT `source` drawn as `format` to `path` (see `autograd.render.render`)."""
    path, format = target(path, format)
    if format == "dot":
        write_atomic(path, source.encode("utf-8"))
        return path
    try:
        data = run_dot(source, format)
    except GraphvizNotFound as error:
        saved = path.with_suffix(".dot")
        write_atomic(saved, source.encode("utf-8"))
        raise GraphvizNotFound(f"{error}\nThe graph's DOT source was saved to {str(saved)!r}.") from None
    write_atomic(path, data)
    return path
