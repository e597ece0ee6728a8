"""The decks' pictures: the numbers they draw, computed again by hand, and the command that saves them."""

import math
import subprocess
import sys

import pytest
from matplotlib.figure import Figure

from demos.cli.pictures import PICTURE_NAMES
from demos.examples import pictures


def sigma(a: float) -> float:
    return 1 / (1 + math.exp(-a))


def test_step_sizes_walk_as_gradient_descent_does_by_hand():
    # L(w) = (w − 1)², ∂L/∂w = 2(w − 1): w ← w − 2η(w − 1), from w = −1
    good = pictures.descend(pictures._loss_1d, (-1.0,), 0.4, 2)
    assert [p[0] for p in good] == pytest.approx([-1.0, 0.6, 0.92])
    small = pictures.descend(pictures._loss_1d, (-1.0,), 0.05, 1)
    assert small[1][0] == pytest.approx(-0.8)  # only a tenth of the way
    large = pictures.descend(pictures._loss_1d, (-1.0,), 1.05, 3)
    distances = [abs(p[0] - 1.0) for p in large]
    assert distances == pytest.approx([2.0, 2.2, 2.42, 2.662])  # ×1.1 a step: it diverges
    # L = ½(w₁² + 2w₂²): w₁ ← (1 − η)w₁, w₂ ← (1 − 2η)w₂
    walk = pictures.descend(pictures._loss_2d, (-2.0, 1.2), 1.05, 1)
    assert walk[1] == pytest.approx((-2.0 * (1 - 1.05), 1.2 * (1 - 2.1)))


def test_xor_points_map_to_three_points_in_the_hidden_plane():
    points = pictures.xor_points()
    assert {row: p[2:] for row, p in points.items()} == {
        "00": (0.0, 0.0, 0.0),
        "10": (1.0, 0.0, 1.0),
        "01": (1.0, 0.0, 1.0),
        "11": (1.0, 1.0, 0.0),
    }
    for _, _, h1, h2, y in points.values():  # the line h1 − h2 − 0.5 = 0 separates the classes
        assert (h1 - h2 - 0.5 > 0) == bool(y)


def test_the_bump_is_high_in_the_middle_and_low_outside():
    ridge = sigma(6 * 1) - sigma(6 * -1)  # σ(k(0 + a)) − σ(k(0 − a)), k = 6, a = 1
    assert pictures.ridge(0.0) == pytest.approx(ridge)
    assert pictures.bump(0.0, 0.0) == pytest.approx(sigma(8 * (2 * ridge - 1.5)))
    far = sigma(6 * 4) - sigma(6 * 2)  # x = 3
    assert pictures.bump(3.0, 0.0) == pytest.approx(sigma(8 * (far + ridge - 1.5)))
    assert (
        pictures.bump(0.0, 0.0) > 0.95 and pictures.bump(3.0, 0.0) < 0.05 and pictures.bump(3.0, 3.0) < 1e-4
    )


@pytest.mark.parametrize("name", sorted(pictures.PICTURES))
def test_each_picture_is_a_figure_or_a_saved_file(name, tmp_path):
    draw = pictures.PICTURES[name][1]
    figure = draw()
    assert isinstance(figure, Figure) and len(figure.axes) >= 2
    path = draw(tmp_path / f"{name}.png")
    assert path.read_bytes().startswith(b"\x89PNG")


def test_the_command_names_every_picture_and_saves_one(tmp_path):
    assert set(PICTURE_NAMES) == set(pictures.PICTURES)
    out = tmp_path / "xor.svg"
    done = subprocess.run(
        [sys.executable, "-m", "demos", "picture", "xor-planes", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    bad = subprocess.run(
        [sys.executable, "-m", "demos", "picture", "bump", str(tmp_path / "b.txt")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "use a .png, .svg or .pdf" in bad.stderr
