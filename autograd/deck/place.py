"""Where things go on a deck's slide: the title band, the caption band, and the graph scaled between them.

Both decks (PowerPoint, Beamer) place the same things the same way, in points of their own page: a
16:9 PowerPoint slide is 960 × 540 pt, a 16:9 Beamer frame 453.5 × 255.1 pt; shown full screen on a
1920 × 1080 display a point is 2 px on the one and 4.23 px on the other.
"""

from __future__ import annotations

from dataclasses import dataclass

RATIOS = {"16:9": 16 / 9, "4:3": 4 / 3}
SCREEN_HEIGHT_PX = 1080  # the display every size limit is checked on (a 4:3 slide is pillarboxed on it)
NUMBER_PX = 20  # the smallest a number may come out on that display
TEXT_PX = 16  # the smallest any other text may come out
HEIGHT_PT = 540.0  # a slide's height in PowerPoint's points (7.5 in); Beamer's page is this scaled down
MARGIN_PT = 12.0
TITLE_PT = 20.0
TITLE_BAND_PT = 36.0  # the title line and the key, above the graph
CAPTION_PT = 13.0  # the chain-rule lines' font, shrunk down to CAPTION_MIN_PT when they are long
CAPTION_MIN_PT = NUMBER_PX / (SCREEN_HEIGHT_PX / HEIGHT_PT)  # 10 pt: the lines hold numbers (20 px)
CAPTION_BAND_PT = 3 * CAPTION_PT * 1.25 + 8  # three lines at full size
KEY_PT = 11.0
# The slide view's font sizes (autograd.render.slide_draw): its layout's boxes are measured with them.
from ..render.slide_draw import LABEL_PT, MARK_PT, NUMBER_PT, TEXT_PT  # noqa: E402, F401


def mark_width(op: str) -> float:
    """The width (layout points) of a box's mark cell as Graphviz sizes it in the slide view: the mark
    (bold, MARK_PT for a one-character operation, else TEXT_PT + 2), a 2 pt padding each side, the rule."""
    from ..render.measure import text_box
    from ..render.style import FONT, MARKS

    size = MARK_PT if len(op) == 1 else TEXT_PT + 2
    return text_box(MARKS.get(op, op), 0.0, 0.0, size, family=FONT, bold=True)[2] + 2 * 2 + 1


def page(ratio: str) -> tuple[float, float]:
    """A slide's width and height in PowerPoint's points: 960 × 540 (16:9) or 720 × 540 (4:3)."""
    return HEIGHT_PT * check_ratio(ratio), HEIGHT_PT


def graph_area(ratio: str, band: float = CAPTION_BAND_PT) -> tuple[float, float, float, float]:
    """Where the graph goes (x, y, w, h): between the title band and a caption band `band` pt high."""
    width, height = page(ratio)
    return (MARGIN_PT, TITLE_BAND_PT, width - 2 * MARGIN_PT, height - TITLE_BAND_PT - band - MARGIN_PT)


def caption_area(ratio: str, band: float = CAPTION_BAND_PT) -> tuple[float, float, float, float]:
    """Where the chain-rule lines go (x, y, w, h), under the graph."""
    width, height = page(ratio)
    return MARGIN_PT, height - band - MARGIN_PT / 2, width - 2 * MARGIN_PT, band


def area_ratio(ratio: str) -> float:
    """The graph area's width:height, the shape the slide view is split to fit (`slide_parts`)."""
    _, _, w, h = graph_area(ratio)
    return w / h


def check_ratio(ratio: str) -> float:
    """The width/height of a deck's `ratio` ('16:9' or '4:3'); ValueError for any other."""
    if ratio not in RATIOS:
        raise ValueError(f"deck: ratio must be '16:9' or '4:3', got {ratio!r}")
    return RATIOS[ratio]


def px_per_pt(page_height_pt: float) -> float:
    """Pixels per point of a page shown at full height on a 1920 × 1080 display."""
    return SCREEN_HEIGHT_PX / page_height_pt


def smallest_pt(page_height_pt: float, px: float) -> float:
    """The smallest font size (pt, on that page) that comes out at `px` pixels on the display."""
    return px / px_per_pt(page_height_pt)


@dataclass(frozen=True)
class Fit:
    """The layout scaled by `scale` and moved by (`dx`, `dy`) into an area of the page (points)."""

    scale: float
    dx: float
    dy: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A layout point (top-left origin) on the page."""
        return self.dx + x * self.scale, self.dy + y * self.scale

    def rect(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A layout box (x, y, w, h) on the page."""
        x, y, w, h = box
        return self.dx + x * self.scale, self.dy + y * self.scale, w * self.scale, h * self.scale


def fit(width: float, height: float, area: tuple[float, float, float, float], grow: float = 1.5) -> Fit:
    """Scale a `width` × `height` picture into `area` (x, y, w, h), centred, aspect kept, enlarged at most
    `grow` times (a three-node graph blown up to a whole slide reads as a poster, not a lesson)."""
    x, y, w, h = area
    scale = min(w / max(width, 1e-9), h / max(height, 1e-9), grow)
    return Fit(scale, x + (w - width * scale) / 2, y + (h - height * scale) / 2)


def curve(points: list[tuple[float, float]]) -> tuple[list[tuple[float, float]], tuple[float, float] | None]:
    """An arrow's points (as `slide_layout` gives them: dot's arrow tip `e,x,y` first, then the cubic
    B-spline's 1 + 3k control points) split into the spline and the tip; any other list is a polyline."""
    if len(points) >= 4 and (len(points) - 1) % 3 == 0:
        return points, None
    if len(points) >= 5 and (len(points) - 2) % 3 == 0:
        return points[1:], points[0]
    return points, None


def polyline(points: list[tuple[float, float]], steps: int = 8) -> list[tuple[float, float]]:
    """An arrow's path (as `curve` reads `slide_layout`'s points) as a polyline: each cubic Bézier
    segment sampled at `steps` points, then the straight piece to the arrow's tip."""
    spline, tip = curve(points)
    if not (len(spline) >= 4 and (len(spline) - 1) % 3 == 0):
        return [*spline, *([tip] if tip else [])]
    line = [spline[0]]
    for k in range(0, len(spline) - 1, 3):
        p0, p1, p2, p3 = spline[k : k + 4]
        for step in range(1, steps + 1):
            t = step / steps
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
            line.append(
                (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])
            )
    return [*line, *([tip] if tip else [])]
