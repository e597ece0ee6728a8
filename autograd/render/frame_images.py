"""Frames as images, drawn fast: PNGs at 96 dpi with 256 exact colours, and the frames' animated GIF."""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from .output import RenderError, run_dot

GIF_MAX_WIDTH = 2400  # pixels: sharp on a projector, and the file stays a few megabytes
# Frames are PNGs at Graphviz's 96 dpi rather than the single picture's 144: the smallest text ("value",
# "grad") is still 11 pixels high, and rasterising and decoding a frame costs less than half (a tour
# draws some 800 frames, which took most of its time).
FRAME_DPI = 96


def draw_frames(sources: Sequence[str], fmt: str) -> list[bytes]:
    """Each DOT source drawn in format `fmt` at FRAME_DPI (a PNG as a palette PNG with exact colours)."""

    # Each frame is its own `dot` process, run side by side. (Several graphs to one process would
    # save a fifth of the CPU time, but Graphviz 2.43 corrupted its heap on some tour frames that way:
    # "malloc_consolidate(): invalid chunk size".)
    def draw(source: str) -> bytes:
        if fmt == "png" and _palette_png_drawn():
            return exact_flat_colours(run_dot(source, PALETTE_PNG, dpi=FRAME_DPI), source)
        return run_dot(source, fmt, dpi=FRAME_DPI)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(draw, sources))


# Frames are drawn by cairo as usual but written by gd's PNG writer as 256 colours: dot's own PNG
# writer (libpng trying every row filter, then zlib) took two thirds of a frame's time, and the
# RGB PNG is three times larger and slower to read back for the GIF. A frame has a dozen flat
# colours plus the anti-aliased edges, so 256 colours lose nothing visible once two flaws of gd's
# are mended: its quantiser shifts flat colours by a few units (white became 252,254,252), and
# the last row and column, which the background covers only in part, come out grey.
PALETTE_PNG = "png:cairo:gd"
_SNAP = 8  # a palette entry this close (per channel) to a colour of the DOT source is that colour
_HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{6})\b")
_WHITE = (255, 255, 255)


@functools.cache
def _palette_png_drawn() -> bool:
    """Whether this Graphviz has the gd plugin that writes `PALETTE_PNG` (not every build does)."""
    try:
        return run_dot("digraph { a }", PALETTE_PNG, dpi=FRAME_DPI).startswith(b"\x89PNG")
    except RenderError:
        return False


def exact_flat_colours(png: bytes, source: str) -> bytes:
    """The palette PNG `png` of DOT `source` (on white) with each palette entry within `_SNAP` of a
    colour of the source (`#rrggbb`, white, black) set to that colour, so that fills, text and the
    background are exact, and its last row and column painted white (they lie in the margin).

    A PNG without a palette (or without white in it) is returned as it is.
    """
    from PIL import Image  # Pillow comes with matplotlib, a dependency (see `animate`)

    image = Image.open(io.BytesIO(png))
    if image.mode != "P":
        return png
    wanted = {tuple(bytes.fromhex(h)) for h in _HEX_COLOUR.findall(source)} | {_WHITE, (0, 0, 0)}
    flat = image.getpalette() or []
    palette = [_nearest(tuple(flat[k : k + 3]), wanted) for k in range(0, len(flat) - 2, 3)]
    if _WHITE not in palette:
        return png
    image.putpalette([c for colour in palette for c in colour])
    width, height = image.size
    white = palette.index(_WHITE)
    image.paste(white, (width - 1, 0, width, height))
    image.paste(white, (0, height - 1, width, height))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # a third faster than 6, the file a quarter larger
    return out.getvalue()


def _nearest(entry: tuple[int, ...], wanted: set[tuple[int, ...]]) -> tuple[int, ...]:
    """The colour of `wanted` closest to `entry` if it is within `_SNAP`, else `entry`."""
    distance, colour = min((max(abs(a - b) for a, b in zip(entry, c)), c) for c in wanted)
    return colour if distance <= _SNAP else entry


def animate(pngs: Sequence[bytes], seconds: float) -> bytes:
    """An endlessly looping GIF of the PNG frames (the last one held longer), as bytes."""
    try:
        from PIL import Image
    except ImportError as error:  # Pillow comes with matplotlib, a dependency; say so if it is missing
        raise RenderError("the GIF needs Pillow: pip install pillow") from error
    sizes = [Image.open(io.BytesIO(data)).size for data in pngs]  # reads only the headers
    width = max(w for w, _ in sizes)
    height = max(h for _, h in sizes)
    scale = min(1.0, GIF_MAX_WIDTH / width)
    reduced = (round(width * scale), round(height * scale))

    def prepare(data: bytes) -> Image.Image:
        frame = Image.open(io.BytesIO(data))
        frame = frame if frame.mode == "RGB" else frame.convert("RGB")
        if frame.size != (width, height):  # frames reserve the same room, so this is rare: skip the copy
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(frame, (0, 0))
            frame = canvas
        # A box filter averages whole source pixels: text stays crisp, and it costs little.
        return frame.resize(reduced, Image.Resampling.BOX) if scale < 1 else frame

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:  # Pillow releases the GIL
        canvases = list(pool.map(prepare, pngs))
    # One palette for every frame (the frames share their colours): much faster than one per frame,
    # and the colours do not flicker from frame to frame.
    palette = canvases[-1].quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    frames = [c.quantize(palette=palette, dither=Image.Dither.NONE) for c in canvases]
    durations = [round(seconds * 1000)] * len(frames)
    durations[-1] *= 3
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return out.getvalue()
