"""A slide's chain-rule lines as set: wrapped at their joints (= first, then + and −, then ·) to the
caption's width, measured with the deck's own font, at the largest size that fits, never below the
size numbers need (20 px on a 1920 × 1080 display); when a part's captions need more room than the
caption band, its graph gives some up (as far as the graph stays legible), and a caption that still
does not fit goes over two slides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .place import (
    CAPTION_BAND_PT,
    CAPTION_MIN_PT,
    CAPTION_PT,
    HEIGHT_PT,
    MARGIN_PT,
    NUMBER_PT,
    NUMBER_PX,
    TEXT_PT,
    TEXT_PX,
    TITLE_BAND_PT,
    caption_area,
    fit,
    graph_area,
    page,
    px_per_pt,
)
from .steps import Slide

JOINTS = ((" = ",), (" + ", " − "), (" · ",))  # where a chain-rule line may break, the first choice first
INDENT_EM = 2.0  # a continued line starts this far in
LEADING = 1.25  # a caption line's height over its font size
# Each deck's caption font, as measure.text_box finds it (PowerPoint: Arial, metric-compatible with
# Liberation Sans; Beamer: Latin Modern Sans, its maths a little wider: the factor).
FONTS = {"pptx": ("Arial", 1.0), "beamer": ("Latin Modern Sans", 1.2)}


@dataclass(frozen=True)
class Caption:
    """A slide's chain-rule lines as set: font `size` (pt), each line as (text, continued) where a
    continued line is the rest of the one before it (indented INDENT_EM)."""

    size: float
    lines: tuple[tuple[str, bool], ...]

    @property
    def height(self) -> float:
        """The lines' height (pt)."""
        return len(self.lines) * self.size * LEADING


def text_width(text: str, size: float, font: str = "pptx") -> float:
    """The width (pt) of `text` at `size` in a deck's caption font (`FONTS`), from the font's metrics."""
    from ..render.measure import text_box

    family, factor = FONTS[font]
    return text_box(text, 0.0, 0.0, size, family=family)[2] * factor


def wrap(line: str, width: float, size: float, font: str = "pptx") -> list[tuple[str, bool]]:
    """`line` in pieces that each fit `width` at `size`: broken before a ` = ` if that is enough, else
    also before a ` + ` or ` − `, then a ` · `; pieces after the first are continued (indented). A
    piece with no joint left stays whole, and too wide."""
    indent = INDENT_EM * size

    def fits(piece: str, continued: bool) -> bool:
        return text_width(piece, size, font) + (indent if continued else 0.0) <= width

    def split(piece: str, continued: bool, level: int) -> list[tuple[str, bool]]:
        if fits(piece, continued) or level == len(JOINTS):
            return [(piece, continued)]
        chunks = _chunks(piece, JOINTS[level])
        out: list[tuple[str, bool]] = []
        current, cont = chunks[0], continued
        for chunk in chunks[1:]:
            joined = f"{current} {chunk}"
            # the head of a line (∂f/∂h1) keeps its first term, which is then broken further
            short = level == 0 and not out and text_width(current, size, font) < width / 3
            if fits(joined, cont) or (short and not fits(chunk, True)):
                current = joined
            else:
                out += split(current, cont, level + 1)
                current, cont = chunk, True
        return out + split(current, cont, level + 1)

    return split(line, False, 0)


def _chunks(text: str, joints: Sequence[str]) -> list[str]:
    """`text` cut before each of `joints` outside brackets ("a = b + c" at " = ": "a", "= b + c"); a
    joint inside (1 − h1) or ∂(x·a) is part of a term, not a place to break."""
    chunks, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        depth += (ch in "([{") - (ch in ")]}")
        joint = next((j for j in joints if depth == 0 and text.startswith(j, i)), None)
        if joint:
            chunks.append(text[start:i])
            start = i + 1  # the new chunk starts at the joint's symbol
            i += len(joint)
            continue
        i += 1
    return [*chunks, text[start:]]


def caption(lines: Sequence[str], width: float, band: float = CAPTION_BAND_PT, font: str = "pptx") -> Caption:
    """`lines` set in `width`: the largest font from CAPTION_PT down to CAPTION_MIN_PT (never smaller)
    at which their wrapped pieces fit `band`; at CAPTION_MIN_PT when none does (`height` > `band`)."""
    size = CAPTION_PT
    while True:
        wrapped = tuple(piece for line in lines for piece in wrap(line, width, size, font))
        set_ = Caption(size, wrapped)
        if set_.height <= band or size <= CAPTION_MIN_PT:
            return set_
        size = max(CAPTION_MIN_PT, size - 0.5)


# The least scale of the slide view's layout on a slide (in PowerPoint's points) at which its numbers
# and its other text keep their sizes on the display.
MIN_SCALE = max(NUMBER_PX / NUMBER_PT, TEXT_PX / TEXT_PT) / px_per_pt(HEIGHT_PT)


def fit_captions(
    slides: Sequence[Slide], layouts: Sequence, ratio: str, font: str = "pptx"
) -> tuple[list[Slide], list[float]]:
    """The slides with each caption fitting its part's caption band, and each part's band (pt).

    A part's band is the default CAPTION_BAND_PT, or taller when its slides' lines need it and its
    graph (`layouts[k]`, width_pt × height_pt) stays at MIN_SCALE or more; a slide whose lines still
    do not fit at CAPTION_MIN_PT is split into slides with the same picture and a share of the lines.
    """
    height = page(ratio)[1]
    text_w = caption_area(ratio)[2]
    bands = []
    for k, layout in enumerate(layouts):
        area_w = graph_area(ratio)[2]
        now = fit(layout.width_pt, layout.height_pt, graph_area(ratio)).scale
        least = min(now, MIN_SCALE)  # never smaller than legible, nor than it is already
        if area_w / max(layout.width_pt, 1e-9) < least:
            most = CAPTION_BAND_PT
        else:
            most = height - TITLE_BAND_PT - MARGIN_PT - least * layout.height_pt
        most = max(CAPTION_BAND_PT, most)
        # the lines as set in the default band (the font shrunk first), then as tall as they still are
        needed = [caption(s.lines, text_w, font=font).height for s in slides if s.part == k and s.lines]
        bands.append(min(most, max([CAPTION_BAND_PT, *needed])))
    out: list[Slide] = []
    for slide in slides:
        band = bands[slide.part]
        if not slide.lines or caption(slide.lines, text_w, band, font).height <= band:
            out.append(slide)
            continue
        out += [replace(slide, lines=share) for share in _shares(slide.lines, text_w, band, font)]
    return out, bands


def _shares(lines: Sequence[str], width: float, band: float, font: str) -> list[tuple[str, ...]]:
    """`lines` in runs that each fit `band` at CAPTION_MIN_PT; a line too tall alone is cut between its
    wrapped pieces (the rest starting a line of its own)."""
    room = max(1, int(band // (CAPTION_MIN_PT * LEADING)))
    pieces: list[list[str]] = []  # per line, its wrapped pieces' texts
    for line in lines:
        pieces.append([text for text, _ in wrap(line, width, CAPTION_MIN_PT, font)])
    shares: list[list[str]] = [[]]
    used = 0
    for line, bits in zip(lines, pieces):
        if used + len(bits) <= room:
            shares[-1].append(line)
            used += len(bits)
            continue
        if used:
            shares.append([])
            used = 0
        while len(bits) > room:  # one line taller than the band: cut it between pieces
            shares[-1].append(" ".join(bits[:room]))
            shares.append([])
            bits = bits[room:]
        shares[-1].append(" ".join(bits))
        used = len(bits)
    return [tuple(share) for share in shares if share]
