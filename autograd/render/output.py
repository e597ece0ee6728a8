"""Running Graphviz's `dot` and writing files whole or not at all."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from .. import files

PICTURE_FORMATS = ("png", "svg", "pdf")  # what Graphviz's dot draws for us
FILE_FORMATS = (*PICTURE_FORMATS, "dot")  # what `render` and the frames write (DOT needs no Graphviz)
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


DOT_TIMEOUT = 60.0  # seconds: Graphviz is never left running without a bound (the views' node limits
# keep every picture chainrule draws far below it: see docs/pictures.md, "Limits")
MAX_PIXELS = 40_000_000  # a PNG is scaled down to at most this many pixels (Pillow refuses ~179 million)


def run_dot(source: str, fmt: str, dpi: int = PNG_DPI, timeout: float = DOT_TIMEOUT) -> bytes:
    """`source` laid out and drawn by `dot` in format `fmt` (png, svg, json, png:cairo:gd...); PNG at `dpi`,
    scaled down (dot's `size`) so that it has at most MAX_PIXELS pixels.

    Raises RenderError when dot fails or runs longer than `timeout` seconds (it is stopped then)."""
    program = dot_program()
    if program is None:
        raise GraphvizNotFound(f"Graphviz's 'dot' program was not found on PATH. {INSTALL_HINT}")
    raster = fmt.split(":")[0] == "png"  # also "png:cairo:gd", a PNG with another writer
    inches = MAX_PIXELS**0.5 / dpi  # dot scales a bigger drawing down to fit this square, never up
    args = [program, f"-T{fmt}"] + ([f"-Gdpi={dpi}", f"-Gsize={inches:.2f},{inches:.2f}"] if raster else [])
    try:
        done = subprocess.run(
            args, input=source.encode("utf-8"), capture_output=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"Graphviz's dot did not finish laying out the graph in {timeout:g} s and was stopped; "
            "draw a smaller or collapsed graph"
        ) from None
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
    if format not in FILE_FORMATS:
        raise RenderError(
            f"unknown format {format!r} for {str(path)!r}; use one of {', '.join(FILE_FORMATS)}"
        )
    if suffix and suffix != format and suffix in FILE_FORMATS:
        raise RenderError(f"{str(path)!r} has suffix .{suffix} but format={format!r} was asked for")
    if not suffix:
        path = path.with_name(f"{path.name}.{format}")
    parent = path.parent
    if not parent.is_dir():
        raise RenderError(f"cannot write {str(path)!r}: the folder {str(parent)!r} does not exist")
    if path.is_dir():
        raise RenderError(f"cannot write {str(path)!r}: it is a folder; give a file name")
    return path, format


def write_file(path: Path, data: bytes | str) -> None:
    """`autograd.files.write_atomic` (whole or not at all), but failing with a RenderError like the rest
    of rendering, so that callers catch one error class."""
    try:
        files.write_atomic(path, data)
    except files.WriteError as error:
        raise RenderError(str(error)) from None


_LINKED_TITLE = re.compile(rb'<title>[^<]*</title>(\s*<g id="a_[^"]*"><a xlink:title="([^"]*)">)')


def svg_tooltips(svg: bytes) -> bytes:
    """SVG from dot with each element's `<title>` (its DOT id, `n3`) replaced by its tooltip text.

    Graphviz keeps the id in `<title>` and puts the `tooltip` attribute on a link (`xlink:title`),
    which not every browser shows; a `<title>` every browser shows on hover.
    """
    return _LINKED_TITLE.sub(lambda m: b"<title>" + m[2] + b"</title>" + m[1], svg)


def write_picture(source: str, path: str | Path, format: str | None) -> Path:
    """Write DOT `source` drawn as `format` to `path` (see `autograd.render.render`)."""
    path, format = target(path, format)
    if format == "dot":
        write_file(path, source)
        return path
    try:
        data = run_dot(source, format)
    except GraphvizNotFound as error:
        saved = path.with_suffix(".dot")
        write_file(saved, source)
        raise GraphvizNotFound(f"{error}\nThe graph's DOT source was saved to {str(saved)!r}.") from None
    data = svg_tooltips(data) if format == "svg" else mark_png(data) if format == "png" else data
    write_file(path, data)
    return path


# A PNG chainrule draws carries a text chunk saying so (Graphviz's SVG and DOT name the graph
# "chainrule"): a re-run removes only the stale pictures it wrote itself, never a user's file.
PNG_MARK = b"Software\x00chainrule"


def mark_png(data: bytes) -> bytes:
    """`data` (a PNG) with a tEXt chunk "Software: chainrule" after its header; other data unchanged."""
    import zlib

    if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        return data
    end = 8 + 12 + int.from_bytes(data[8:12], "big")  # past the IHDR chunk
    chunk = b"tEXt" + PNG_MARK
    crc = zlib.crc32(chunk).to_bytes(4, "big")
    return data[:end] + len(PNG_MARK).to_bytes(4, "big") + chunk + crc + data[end:]


def drawn_by_chainrule(path: Path) -> bool:
    """True when the picture at `path` carries chainrule's mark (a PNG's text chunk, an SVG or DOT graph
    named chainrule); False for anything else, a PDF (it has no mark) or a file that cannot be read."""
    try:
        with open(path, "rb") as file:
            head = file.read(4096)
    except OSError:
        return False
    if head.startswith(b"\x89PNG"):
        return PNG_MARK in head
    return path.suffix.lower() in (".svg", ".dot") and (
        b"<title>chainrule</title>" in head or head.lstrip().startswith(b"digraph chainrule")
    )
