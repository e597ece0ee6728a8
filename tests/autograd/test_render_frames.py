"""Frames drawn for speed: PNG frames at FRAME_DPI, the GIF scaled to GIF_MAX_WIDTH, one canvas."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from autograd import Value
from autograd.render import backward_frames
from autograd.render.frame_images import FRAME_DPI, GIF_MAX_WIDTH, animate, exact_flat_colours
from autograd.render.output import PNG_DPI, run_dot

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def _png(size: tuple[int, int], colour: str) -> bytes:
    """A white frame with a `colour` square in its top-left corner (the GIF's palette comes from the
    last frame, which holds every colour of a real pass)."""
    from PIL import Image

    image = Image.new("RGB", size, "white")
    image.paste(colour, (0, 0, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@needs_dot
def test_png_frames_are_drawn_at_the_frame_dpi_not_the_pictures(tmp_path: Path) -> None:
    from PIL import Image

    x, w = Value(2.0, "x"), Value(-3.0, "w")
    y = (w * x).named("y").tanh().named("out")
    sources = backward_frames(y, tmp_path / "dot", format="dot").paths
    pngs = backward_frames(y, tmp_path / "png", gif=False).paths
    source = sources[-1].read_text()
    with Image.open(pngs[-1]) as frame:
        assert frame.size == Image.open(io.BytesIO(run_dot(source, "png", dpi=FRAME_DPI))).size
    with Image.open(io.BytesIO(run_dot(source, "png"))) as picture:
        assert picture.width > frame.width * (PNG_DPI / FRAME_DPI) * 0.95  # the single picture stays 144


def test_a_wide_gif_is_scaled_to_the_maximum_width_keeping_its_shape() -> None:
    from PIL import Image

    width = GIF_MAX_WIDTH + 600
    gif = animate([_png((width, 500), "white"), _png((width, 500), "red")], seconds=0.25)
    with Image.open(io.BytesIO(gif)) as image:
        assert image.size == (GIF_MAX_WIDTH, round(500 * GIF_MAX_WIDTH / width))
        assert image.n_frames == 2
        image.seek(1)
        assert image.convert("RGB").getpixel((5, 5)) == (255, 0, 0)


def test_gif_frames_of_different_sizes_share_the_largest_canvas_on_white() -> None:
    from PIL import Image

    gif = animate([_png((40, 30), "blue"), _png((60, 50), "blue")], seconds=0.1)
    with Image.open(io.BytesIO(gif)) as image:
        assert image.size == (60, 50)
        first = image.convert("RGB")
        assert first.getpixel((5, 5)) == (0, 0, 255)  # the smaller frame at the top left
        assert first.getpixel((55, 45)) == (255, 255, 255)  # outside it: white


@needs_dot
def test_png_frames_look_like_dots_own_png_with_exact_flat_colours(tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    x, w = Value(2.0, "x"), Value(-3.0, "w")
    y = (w * x + Value(1.0, "b")).named("y").tanh().named("out")
    sources = backward_frames(y, tmp_path / "dot", format="dot").paths
    pngs = backward_frames(y, tmp_path / "png", gif=False).paths
    for source, png in zip(sources, pngs):
        own = np.asarray(
            Image.open(io.BytesIO(run_dot(source.read_text(), "png", dpi=FRAME_DPI))).convert("RGB")
        )
        with Image.open(png) as frame:
            drawn = np.asarray(frame.convert("RGB"))
        assert drawn.shape == own.shape
        difference = np.abs(drawn.astype(int) - own.astype(int)).max(axis=2)
        white = (own == 255).all(axis=2)
        assert (difference[white] == 0).all()  # the background is white, not a near-white
        assert (difference == 0).mean() > 0.9  # fills, text and lines exact; only edge shading differs
        assert difference.max() <= 64


def _palette_png(palette: list[tuple[int, int, int]]) -> bytes:
    """A palette PNG with one pixel of each colour in its first row, and a last row and column of
    the last colour (a grey like gd's margin)."""
    from PIL import Image

    image = Image.new("P", (len(palette), 2), len(palette) - 1)
    image.putpalette([c for colour in palette for c in colour])
    image.putdata(list(range(len(palette))) + [len(palette) - 1] * len(palette))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_palette_frames_get_the_sources_exact_colours_and_a_white_margin() -> None:
    from PIL import Image

    png = _palette_png([(252, 254, 252), (221, 233, 250), (120, 60, 200), (3, 1, 2), (172, 170, 172)])
    fixed = exact_flat_colours(png, 'digraph { bgcolor=white; a [fillcolor="#dbeafe"] }')
    with Image.open(io.BytesIO(fixed)) as image:
        rgb = image.convert("RGB")
        assert [rgb.getpixel((k, 0)) for k in range(4)] == [
            (255, 255, 255), (219, 234, 254), (120, 60, 200), (0, 0, 0),
        ]  # fmt: skip
        assert {rgb.getpixel((4, 0))} | {rgb.getpixel((k, 1)) for k in range(5)} == {(255, 255, 255)}
    assert exact_flat_colours(_png((4, 4), "red"), "digraph { }") == _png((4, 4), "red")  # not a palette


def test_a_gate_inside_a_bigger_graph_steps_from_the_given_upstream_gradient(tmp_path: Path) -> None:
    # CS231n's multiply gate: ∂L/∂z = 5 is given, so ∂L/∂x = 5·y = 15 (the frames started from 1, while
    # the picture, the explanation and the page of the same example used 5)
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    z = (x * y).named("z")
    drawn = backward_frames(z, tmp_path, format="dot", upstream=5.0, loss="L")
    assert [s.caption for s in drawn.steps] == [
        "∂L/∂z = 5 (given)", "∂L/∂x = ∂L/∂z · y = 5 · 3 = 15", "∂L/∂y = ∂L/∂z · x = 5 · 2 = 10",
    ]  # fmt: skip
    assert [s.value for s in drawn.steps] == [5.0, 15.0, 10.0]
    assert "15" in drawn.paths[1].read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="upstream must be a finite number"):
        backward_frames(z, tmp_path, format="dot", upstream=float("nan"))
