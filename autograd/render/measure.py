"""How a picture reads on a slide: the size of its text in pixels and whether any label overlaps.

A picture drawn by Graphviz (its SVG) is placed on a slide (1920×1080 px unless told), scaled to fit
with its aspect kept, as a teacher places a PNG on a slide. Each `<text>` then has a size in slide
pixels (its font size × the scale) and a box, estimated from its position, anchor and the width of its
characters in the font the picture names (Helvetica is measured with the font fontconfig gives for it,
Nimbus Sans on Debian, which has Helvetica's widths; characters that font lacks with DejaVu Sans, the
usual fallback). Texts that parse as a number (with the typographic minus, e−17, ×10^…) are held to a
larger size than other text, so they are measured apart.

Overlaps are pairs of texts whose boxes intersect, and texts that cross the shape of a node they do not
belong to (an edge label inside a box). `overlaps` runs the same test on boxes from elsewhere (the
shapes of a PowerPoint slide), so every deck is held to one rule.
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import graphviz

from .output import run_dot

__all__ = [
    "PROJECTOR", "SLIDE", "SlideMeasure", "Text", "is_number", "measure_digraph", "measure_svg", "overlaps",
    "text_box",
]  # fmt: skip

SLIDE = (1920, 1080)  # a 16:9 slide, in px
PROJECTOR = (1024, 768)  # a 4:3 projector
TOLERANCE = 1.0  # points: boxes that meet by less than this (Graphviz rounds positions) do not overlap

_SVG = "{http://www.w3.org/2000/svg}"

Rect = tuple[float, float, float, float]  # x, y, width, height; top-left origin


@dataclass(frozen=True)
class Text:
    """One text of a picture: what it says, its size on the slide, its box in the picture (points)."""

    text: str
    px: float  # font size on the slide, in px
    number: bool  # the text parses as a number
    box: Rect  # in the picture's points, top-left origin
    owner: str  # what it belongs to: "node n3 'h1'", "edge n0→n4", "cluster …", "graph"


@dataclass(frozen=True)
class SlideMeasure:
    """A picture placed on a slide: its smallest number and other text in px, and its overlaps.

    `smallest_number_px` / `smallest_text_px` are math.inf when the picture has no such text;
    `overlaps` describes each pair of overlapping texts (or text and box) in words; `scale` is the
    slide's px per picture point; `texts` are every measured text; `crossings` the arrows whose line
    runs through a text of something else (an edge label struck through: hard to read, and to tell
    which arrow it labels), kept apart from `overlaps`, which is the issue's bar.
    """

    smallest_number_px: float
    smallest_text_px: float
    overlaps: list[str]
    scale: float
    texts: tuple[Text, ...] = ()
    slide: tuple[int, int] = SLIDE
    size_pt: tuple[float, float] = (0.0, 0.0)  # the picture's width and height in points
    crossings: list[str] = field(default_factory=list)  # arrows drawn through a text (not in `overlaps`)

    def readable(self, number_px: float = 20, text_px: float = 16) -> bool:
        """True when every number is at least `number_px`, other text at least `text_px`, none overlap."""
        return self.smallest_number_px >= number_px and self.smallest_text_px >= text_px and not self.overlaps

    def smallest(self, number: bool) -> Text | None:
        """The smallest number (or other text), to name it in a message."""
        kind = [t for t in self.texts if t.number == number]
        return min(kind, key=lambda t: t.px) if kind else None


# ---- numbers -----------------------------------------------------------------------------------------

_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻"
_MANTISSA = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_POWER = rf"(?:[×x·]\s*10(?:\^?\(?[+-]?\d+\)?|[{_SUPERSCRIPT}]+)?)"
_NUMBER = re.compile(rf"(?:{_MANTISSA}\s*{_POWER}?|{_POWER}|[+-]?(?:inf|∞|nan))%?", re.IGNORECASE)


def is_number(text: str) -> bool:
    """True when `text` is a number as pictures write it: 0.5, −2.776e−17, 1.2×10^−3, ×10⁻³ (the
    power alone, when a picture sets it apart), 25%, −∞."""
    plain = text.strip().replace("−", "-").replace("\u2009", "").replace("\u202f", "").replace(",", "")
    return bool(plain) and _NUMBER.fullmatch(plain) is not None


# ---- font metrics --------------------------------------------------------------------------------------

_EM = 100  # the size at which glyphs are measured; widths scale linearly


@dataclass(frozen=True)
class _Glyph:
    advance: float  # per em
    top: float  # ink top above the baseline, per em (negative: above)
    bottom: float  # ink bottom, per em


_ESTIMATE = _Glyph(0.62, -0.76, 0.22)  # wider and taller than Helvetica's digits: errs towards overlap


def _font_file(pattern: str) -> str | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        done = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


@cache
def _fonts(family: str, bold: bool) -> tuple:
    """The fonts a renderer would use for `family` (the first of its list), then DejaVu Sans."""
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover - Pillow is a dependency
        return ()
    style = ":bold" if bold else ""
    found = []
    for pattern in (family.split(",")[0].strip() + style, "DejaVu Sans" + style):
        path = _font_file(pattern)
        for candidate in (path, "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"):
            if candidate is None:
                continue
            try:
                found.append(ImageFont.truetype(candidate, _EM))
                break
            except OSError:
                continue
    return tuple(found)


def _missing(font, ch: str) -> bool:
    """True when `font` draws `ch` as its 'missing glyph' box (Pillow has no glyph look-up)."""
    return (font.getbbox(ch), font.getlength(ch)) == (font.getbbox("\ue000"), font.getlength("\ue000"))


@cache
def _glyph(ch: str, family: str, bold: bool) -> _Glyph:
    fonts = _fonts(family, bold)
    for k, font in enumerate(fonts):
        if k < len(fonts) - 1 and _missing(font, ch):
            continue
        _, top, _, bottom = font.getbbox(ch, anchor="ls")
        return _Glyph(font.getlength(ch) / _EM, min(top, 0) / _EM, max(bottom, 0) / _EM)
    return _ESTIMATE


def text_box(text: str, x: float, y: float, size: float, anchor: str = "start", **font: object) -> Rect:
    """The ink box of `text` set at `size` with its baseline at `y`, anchored at `x` (start, middle, end).

    `font` may give family= (a CSS font list, default Helvetica) and bold=. Returns (x, y, w, h), top-left.
    """
    family = str(font.get("family", "Helvetica,Arial,sans-serif"))
    bold = bool(font.get("bold", False))
    glyphs = [_glyph(ch, family, bold) for ch in text]
    width = sum(g.advance for g in glyphs) * size
    top = min((g.top for g in glyphs), default=0.0) * size
    bottom = max((g.bottom for g in glyphs), default=0.0) * size
    left = x - {"middle": width / 2, "end": width}.get(anchor, 0.0)
    return (left, y + top, width, bottom - top)


# ---- overlaps ------------------------------------------------------------------------------------------


def _meet(a: Rect, b: Rect, tolerance: float) -> bool:
    across = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    down = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return across > tolerance and down > tolerance


def overlaps(
    boxes: Sequence[tuple[str, float, float, float, float]], tolerance: float = TOLERANCE
) -> list[str]:
    """Every pair of boxes (name, x, y, width, height) that intersect by more than `tolerance` in both
    directions, as "'a' overlaps 'b'" (in the order given). Units are the caller's (points, EMU...)."""
    found = []
    for i, (name, *a) in enumerate(boxes):
        for other, *b in boxes[i + 1 :]:
            if _meet(tuple(a), tuple(b), tolerance):
                found.append(f"{name!r} overlaps {other!r}")
    return found


# ---- reading Graphviz's SVG ----------------------------------------------------------------------------


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)]


def _transform(text: str) -> tuple[float, float, float, float]:
    """(sx, sy, tx, ty) of Graphviz's `scale(sx sy) rotate(0) translate(tx ty)`: p ↦ s·(p + t)."""
    scale = re.search(r"scale\(([^)]*)\)", text or "")
    shift = re.search(r"translate\(([^)]*)\)", text or "")
    s = _numbers(scale[1]) if scale else [1.0]
    t = _numbers(shift[1]) if shift else [0.0, 0.0]
    return (s[0], s[-1], t[0], t[-1] if len(t) > 1 else 0.0)


def _length_pt(text: str | None) -> float | None:
    if not text:
        return None
    value = _numbers(text)
    if not value:
        return None
    unit = {"px": 0.75, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4}.get(re.sub(r"[\d.\s+-]", "", text), 1.0)
    return value[0] * unit


def _invisible(element: ET.Element) -> bool:
    def clear(colour: str | None) -> bool:
        return colour is None or colour in ("none", "transparent") or colour.endswith("00")

    return clear(element.get("fill")) and clear(element.get("stroke"))


def _shape_box(element: ET.Element) -> Rect | None:
    tag = element.tag.removeprefix(_SVG)
    if tag == "ellipse":
        cx, cy, rx, ry = (float(element.get(k, 0)) for k in ("cx", "cy", "rx", "ry"))
        return (cx - rx, cy - ry, 2 * rx, 2 * ry)
    if tag in ("polygon", "path"):
        values = _numbers(element.get("points") or element.get("d") or "")
        xs, ys = values[0::2], values[1::2]
        if xs and ys:
            return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    return None


def _union(boxes: list[Rect]) -> Rect:
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


def _owner(group: ET.Element) -> str:
    kind = group.get("class", "")
    title = group.find(f"{_SVG}title")
    name = (title.text or "").strip() if title is not None else ""
    name = name.splitlines()[0] if name else ""  # a tooltip in the title: its first line names it
    return f"{kind} {name.replace('->', '→')}".strip()


def _walk(element: ET.Element, owner: ET.Element | None, found: list) -> None:
    for child in element:
        tag = child.tag.removeprefix(_SVG)
        if tag in ("g", "a"):
            kind = child.get("class")
            _walk(child, child if kind in ("node", "edge", "cluster") else owner, found)
        else:
            found.append((child, owner))


def _curve(d: str) -> list[tuple[float, float]]:
    """The points along an edge's path (Graphviz writes `M p C p p p p p p...`: cubic Béziers)."""
    values = _numbers(d)
    points = list(zip(values[0::2], values[1::2]))
    if not re.fullmatch(r"\s*M[^A-Za-z]*C[^A-Za-z]*", d) or (len(points) - 1) % 3:
        return points  # another kind of path: its points, joined by straight lines
    line = points[:1]
    for k in range(1, len(points) - 2, 3):
        p0, p1, p2, p3 = points[k - 1], points[k], points[k + 1], points[k + 2]
        for step in range(1, 9):
            t = step / 8
            a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
            line.append(
                (a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1])
            )
    return line


def _through(p: tuple[float, float], q: tuple[float, float], r: Rect) -> bool:
    """True when the segment p–q passes through the rectangle `r` (Liang–Barsky clipping)."""
    low, high = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for step, room in (
        (-dx, p[0] - r[0]),
        (dx, r[0] + r[2] - p[0]),
        (-dy, p[1] - r[1]),
        (dy, r[1] + r[3] - p[1]),
    ):
        if step == 0:
            if room < 0:
                return False
        elif step < 0:
            low = max(low, room / step)
        else:
            high = min(high, room / step)
        if low > high:
            return False
    return True


def _crosses(line: list[tuple[float, float]], r: Rect) -> bool:
    return any(_through(p, q, r) for p, q in itertools.pairwise(line))


def measure_svg(
    svg: bytes | str, slide: tuple[int, int] = SLIDE, tolerance: float = TOLERANCE
) -> SlideMeasure:
    """The picture `svg` (as Graphviz's `dot -Tsvg` writes it) measured on a slide of `slide` px.

    Raises ValueError when `svg` is not an SVG or has no size."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:
        raise ValueError(f"measure: not an SVG picture ({error})") from None
    if root.tag != f"{_SVG}svg":
        raise ValueError(f"measure: not an SVG picture (its root element is <{root.tag}>)")
    box = _numbers(root.get("viewBox", ""))
    width_pt, height_pt = _length_pt(root.get("width")), _length_pt(root.get("height"))
    if len(box) == 4 and (width_pt is None or height_pt is None):
        width_pt, height_pt = box[2], box[3]
    if not width_pt or not height_pt:
        raise ValueError("measure: the SVG picture has no width and height")
    if len(box) != 4 or not box[2] or not box[3]:
        box = [0.0, 0.0, width_pt, height_pt]
    scale = min(slide[0] / width_pt, slide[1] / height_pt)  # slide px per picture point
    graph = next((g for g in root.iter(f"{_SVG}g") if g.get("class") == "graph"), root)
    sx, sy, tx, ty = _transform(graph.get("transform", ""))
    kx, ky = width_pt / box[2], height_pt / box[3]  # viewBox units to points

    def to_pt(r: Rect) -> Rect:  # user units of the graph group to points, top-left origin
        return (
            (sx * (r[0] + tx) - box[0]) * kx,
            (sy * (r[1] + ty) - box[1]) * ky,
            r[2] * sx * kx,
            r[3] * sy * ky,
        )

    elements: list = []
    _walk(graph, None, elements)
    texts: list[tuple[Text, ET.Element | None]] = []
    shapes: dict[int, list[Rect]] = {}
    lines: list[tuple[list[tuple[float, float]], ET.Element]] = []  # edges' paths, in points
    groups: dict[int, ET.Element] = {}
    for element, group in elements:
        tag = element.tag.removeprefix(_SVG)
        if tag == "text":
            words = "".join(element.itertext()).replace("\xa0", " ")
            if not words.strip() or element.get("fill") in ("transparent", "none"):
                continue  # nothing to read: blank, or a label a frame hides until its step
            size = float(element.get("font-size", 14))
            r = text_box(
                words,
                float(element.get("x", 0)),
                float(element.get("y", 0)),
                size,
                element.get("text-anchor", "start"),
                family=element.get("font-family", "Times,serif"),  # Graphviz's default font
                bold=element.get("font-weight") == "bold",
            )
            owner = _owner(group) if group is not None else "graph"
            px = size * sx * kx * scale
            texts.append((Text(words.strip(), px, is_number(words), to_pt(r), owner), group))
        elif group is not None and group.get("class") == "edge" and tag == "path":
            line = [to_pt((x, y, 0.0, 0.0))[:2] for x, y in _curve(element.get("d", ""))]
            if len(line) > 1 and element.get("stroke") not in ("transparent", "none"):
                lines.append((line, group))
        elif group is not None and group.get("class") == "node" and not _invisible(element):
            shape = _shape_box(element)
            if shape is not None:
                shapes.setdefault(id(group), []).append(to_pt(shape))
                groups[id(group)] = group
    names = {}  # a node's DOT id and its first text (its label), to name it in messages
    for t, group in texts:
        if group is not None and group.get("class") == "node":
            names.setdefault(id(group), f"{t.owner} {t.text!r}")

    def which(t: Text, group: ET.Element | None) -> str:
        return f"{t.text!r} ({names.get(id(group), t.owner)})"

    found = []
    for i, (a, group_a) in enumerate(texts):
        for b, group_b in texts[i + 1 :]:
            if _meet(a.box, b.box, tolerance):
                found.append(f"{which(a, group_a)} overlaps {which(b, group_b)}")
        for key, rects in shapes.items():
            if (group_a is None or id(group_a) != key) and _meet(a.box, _union(rects), tolerance):
                found.append(f"{which(a, group_a)} crosses the box of {names.get(key, _owner(groups[key]))}")
    crossings = []
    for line, group in lines:
        xs, ys = [p[0] for p in line], [p[1] for p in line]
        extent = (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        for t, owner in texts:
            inner = (
                t.box[0] + tolerance,
                t.box[1] + tolerance,
                t.box[2] - 2 * tolerance,
                t.box[3] - 2 * tolerance,
            )
            struck = owner is not group and inner[2] > 0 and inner[3] > 0
            if struck and _meet(extent, t.box, -1.0) and _crosses(line, inner):
                crossings.append(f"the arrow {_owner(group).removeprefix('edge ')} crosses {which(t, owner)}")
    measured = tuple(t for t, _ in texts)
    return SlideMeasure(
        smallest_number_px=min((t.px for t in measured if t.number), default=math.inf),
        smallest_text_px=min((t.px for t in measured if not t.number), default=math.inf),
        overlaps=found,
        scale=scale,
        texts=measured,
        slide=slide,
        size_pt=(width_pt, height_pt),
        crossings=crossings,
    )


def measure_digraph(
    g: graphviz.Digraph | str, slide: tuple[int, int] = SLIDE, tolerance: float = TOLERANCE
) -> SlideMeasure:
    """The picture of `g` (a graphviz.Digraph or DOT source) laid out by `dot` and measured on a slide.

    Raises autograd.render.RenderError (GraphvizNotFound) when dot is missing or fails."""
    source = g if isinstance(g, str) else g.source
    return measure_svg(run_dot(source, "svg"), slide, tolerance)
