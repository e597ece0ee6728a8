"""The renderer through Graphviz's dot and the file system: images, frames, GIFs, escaping, errors."""

from __future__ import annotations

import math
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import autograd.files as files
import autograd.render.output as render_output
from autograd import Value, forward_order, gradients, topological_order
from autograd.graph import teaching_order
from autograd.render import GraphvizNotFound, RenderError, backward_frames, draw, forward_frames, render
from autograd.render.style import GRAD, HIDDEN, HIGHLIGHT, LOCAL
from autograd.text import MAX_PICTURE_LABEL, number, picture_text
from tests.support.dot import Dot, lines_of, parse_number, text
from tests.support.graphs import chen, mlp

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
SVG = "{http://www.w3.org/2000/svg}"


# --- real dot: images ------------------------------------------------------------------------------


@needs_dot
def test_png_svg_and_pdf_are_valid_images_of_sensible_size(tmp_path: Path) -> None:
    from PIL import Image

    f = chen()["f"]
    f.backward()
    png = render(f, tmp_path / "chen.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(png) as image:
        width, height = image.size
    assert 1500 < width < 10000 and 400 < height < 4000  # a wide LR picture, not a thumbnail
    svg = render(f, tmp_path / "chen", format="svg", view="full")
    assert svg.suffix == ".svg"
    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG}svg"
    groups = root.iter(f"{SVG}g")
    assert sum(1 for g in groups if g.get("class") == "node") == len(topological_order(f))
    words = {t.text for t in root.iter(f"{SVG}text")}
    assert {"net_o1", "w5·h1", "σ", "0.1385"} <= words
    pdf = render(f, tmp_path / "chen.pdf", direction="TB")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


@needs_dot
def test_the_collapsed_mlp_renders(tmp_path: Path) -> None:
    svg = render(mlp((2, 16, 16, 1)), tmp_path / "mlp.svg", view="auto")
    root = ET.parse(svg).getroot()
    assert float(root.get("width").removesuffix("pt")) > 500
    words = [t.text for t in root.iter(f"{SVG}text")]
    assert words.count("δ") == 33


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_collapsed_neurons_keep_their_order_down_the_column(direction: str) -> None:
    loss = mlp((2, 6, 5, 1))
    dot = Dot(draw(loss, view="collapsed", direction=direction).source)
    plain = render_output.run_dot(draw(loss, view="collapsed", direction=direction).source, "plain")
    where = {}
    for line in plain.decode().splitlines():
        if line.startswith("node "):
            _, node_id, x, y = line.split()[:4]
            where[node_id] = -float(y) if direction == "LR" else float(x)
    for layer, size in (("L1", 6), ("L2", 5)):
        boxes = [nid for nid in dot.nodes if dot.cluster_of[nid] == [layer]]
        ordered = sorted(boxes, key=where.__getitem__)
        assert [lines_of(dot.nodes[nid]["label"])[0] for nid in ordered] == [
            f"neuron {j}" for j in range(1, size + 1)
        ]


LABEL_TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from(list("\"'<>{}|\\&σ∂δ−·\n\t[];=")), min_size=1, max_size=20
)


@needs_dot
@settings(max_examples=25)
@given(LABEL_TEXT, LABEL_TEXT)
@example("\\\x1f", '"q" <σ∂δ> {a|b} \\ & \n\\N')  # Graphviz halves backslashes unless doubled
@example("0", "]")  # Graphviz's lexer fails on a bare `]` in an HTML label
def test_any_label_renders_through_dot_and_reads_back(tmp_path_factory, first: str, second: str) -> None:
    x = Value(1.5, first)
    y = (x * 2.0).named(second).tanh()
    folder = tmp_path_factory.mktemp("labels")
    svg = render(y, folder / "labels.svg", formulas=True, title=first, view="full")
    root = ET.parse(svg).getroot()
    words = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    words = " ".join(words.split())
    for label in (first, second):  # a box's label: one line, control characters escaped, shortened
        line = picture_text(label, MAX_PICTURE_LABEL)
        if line.strip():
            assert " ".join(line.split()) in words


# --- frames ----------------------------------------------------------------------------------------


def _visible_grads(source: str) -> int:
    return sum(f'<FONT COLOR="{GRAD}">' in a["label"] for a in Dot(source).nodes.values())


def test_backward_frames_fill_in_one_gradient_per_step(tmp_path: Path) -> None:
    g = chen()
    f = g["f"]
    order = teaching_order(f)
    ids = {node: f"n{k}" for k, node in enumerate(forward_order(f))}  # ids follow forward order
    frames = backward_frames(f, tmp_path, format="dot", view="full")
    assert len(frames.paths) == len(order) == len(frames.steps)
    assert frames.gif is None
    engine = gradients(f, order)
    for k, (path, step) in enumerate(zip(frames.paths, frames.steps)):
        assert path.name == f"backward_{k:03d}.dot"
        dot = Dot(path.read_text("utf-8"))
        assert _visible_grads(path.read_text("utf-8")) == k + 1
        caption = text(re.search(r"<TD[^>]*BALIGN[^>]*>(.*?)</TD>", dot.graph["label"])[1])
        assert f"step {k + 1} of {len(order)}" in caption
        assert " ".join(step.caption.split()) in caption
        assert math.isclose(parse_number(caption.rsplit(" = ", 1)[1]), engine[k], rel_tol=1e-3)
        current = [nid for nid, a in dot.nodes.items() if a["color"] == HIGHLIGHT]
        assert current == [ids[order[k]]]
    # Blank gradients keep their space: the hidden text is there, drawn transparent.
    first = Dot(frames.paths[0].read_text("utf-8"))
    assert sum(f'COLOR="{HIDDEN}"' in a["label"] for a in first.nodes.values()) == len(order) - 1


def test_forward_frames_fill_in_one_value_per_computed_node(tmp_path: Path) -> None:
    f = chen()["f"]
    frames = forward_frames(f, tmp_path / "new" / "folder", format="dot", view="full")
    computed = [n for n in topological_order(f) if n.op is not None]
    assert len(frames.paths) == len(computed)
    last = Dot(frames.paths[-1].read_text("utf-8"))
    assert all(f'COLOR="{HIDDEN}"' not in a["label"] for a in last.nodes.values())
    assert all(LOCAL in attrs["label"] for _, _, attrs in last.edges)


@needs_dot
def test_png_frames_share_one_layout_and_make_a_gif(tmp_path: Path) -> None:
    from PIL import Image

    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(1.0, "b")
    y = (w * x + b).named("net").tanh().named("y")
    frames = backward_frames(y, tmp_path, seconds=0.5, view="full")
    n = len(topological_order(y))
    assert len(frames.paths) == n and all(p.suffix == ".png" for p in frames.paths)
    sizes = set()
    for path in frames.paths:
        with Image.open(path) as image:
            sizes.add(image.size)
    assert len(sizes) == 1  # captions differ in length, the picture does not move
    with Image.open(frames.gif) as gif:
        assert gif.n_frames == n
        assert gif.info["duration"] == 500
    svg = forward_frames(y, tmp_path, format="svg", gif=False, view="full")
    assert svg.gif is None and len(svg.paths) == 3
    for path, step in zip(svg.paths, svg.steps):
        words = " ".join(t.text or "" for t in ET.parse(path).getroot().iter(f"{SVG}text"))
        assert step.caption.split("\n")[0] in words
    # Fewer frames in the same folder: the old numbered files of that prefix go.
    backward_frames(x * 2.0, tmp_path, gif=False, view="full")
    assert sorted(p.name for p in tmp_path.glob("backward_*.png")) == [
        "backward_000.png",
        "backward_001.png",
        "backward_002.png",
    ]


# --- errors ----------------------------------------------------------------------------------------


@pytest.fixture
def no_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Graphviz's dot is not on PATH."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_without_dot_the_error_says_how_to_install_it_and_the_source_is_kept(
    tmp_path: Path, no_dot: None
) -> None:
    f = chen()["f"]
    with pytest.raises(GraphvizNotFound) as error:
        render(f, tmp_path / "graph.png", view="full")
    message = str(error.value)
    for hint in (
        "apt-get install graphviz",
        "brew install graphviz",
        "conda install -c conda-forge graphviz",
    ):
        assert hint in message
    assert "graph.dot" in message
    assert not (tmp_path / "graph.png").exists()
    assert (tmp_path / "graph.dot").read_text("utf-8") == draw(f, tooltips=True).source
    # DOT output needs no Graphviz at all.
    assert render(f, tmp_path / "only.dot", view="full").read_text("utf-8") == draw(f, tooltips=True).source
    with pytest.raises(GraphvizNotFound, match="apt-get"):
        backward_frames(f, tmp_path / "frames", view="full")
    assert len(list((tmp_path / "frames").glob("backward_*.dot"))) == len(topological_order(f))


def test_a_bad_path_or_format_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    f = chen()["f"]
    cases = [
        (tmp_path / "missing" / "graph.png", None, "does not exist"),
        (tmp_path, "png", "is a folder"),
        (tmp_path / "graph.jpeg", None, "unknown format 'jpeg'"),
        (tmp_path / "graph.png", "svg", "suffix .png"),
        (tmp_path / "graph", None, "add a suffix or pass format="),
    ]
    for path, fmt, reason in cases:
        with pytest.raises(RenderError, match=re.escape(reason)):
            render(f, path, format=fmt)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = chen()["f"]
    (tmp_path / "kept.dot").write_text("old")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", fail)  # the rename at the end of every write
    with pytest.raises(RenderError, match="No space left on device"):
        render(f, tmp_path / "kept.dot")
    assert [p.name for p in tmp_path.iterdir()] == ["kept.dot"]
    assert (tmp_path / "kept.dot").read_text() == "old"


@needs_dot
def test_dot_failing_is_a_clear_error_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="dot failed"):
        render_output.write_picture("digraph { a -> }", tmp_path / "broken.svg", None)
    assert list(tmp_path.iterdir()) == []


# --- slides: ids, tooltips, order, fit ------------------------------------------------------------


@needs_dot
def test_svg_tooltips_name_each_node_by_label_or_expression_with_value_and_gradient(tmp_path: Path) -> None:
    g = chen()
    f = g["f"]
    f.backward()
    root = ET.parse(render(f, tmp_path / "chen.svg", view="full")).getroot()
    titles = {
        t.text for grp in root.iter(f"{SVG}g") if grp.get("class") == "node" for t in grp.iter(f"{SVG}title")
    }
    assert len(titles) == len(topological_order(f))
    assert not [t for t in titles if re.fullmatch(r"n\d+", t)]  # no internal ids
    assert f"net_o1 = w5·h1 + w6·h2 + b2\nvalue {number(g['net_o1'].data)}\ngrad 0.1385" in titles
    assert "w5·h1\nvalue 0.2373\ngrad 0.1385" in titles
    edges = {
        t.text for grp in root.iter(f"{SVG}g") if grp.get("class") == "edge" for t in grp.iter(f"{SVG}title")
    }
    assert "∂o1/∂net_o1 = o1·(1 − o1) = 0.1868" in edges


@needs_dot
def test_an_mlp_drawn_in_full_shows_no_internal_id_and_its_neurons_in_order(tmp_path: Path) -> None:
    loss = mlp((2, 4, 3, 1))
    source = draw(loss, view="full").source
    dot = Dot(source)
    assert not [name for name in dot.by_name() if re.search(r"\bn\d+\b", name)]
    plain = render_output.run_dot(source, "plain").decode()
    height = {
        line.split()[1]: float(line.split()[3]) for line in plain.splitlines() if line.startswith("node ")
    }
    for layer, size in (("L1", 4), ("L2", 3)):
        outputs = [dot.by_name()[f"{layer}.h_{j}"] for j in range(1, size + 1)]
        assert [height[o] for o in outputs] == sorted((height[o] for o in outputs), reverse=True)


@needs_dot
def test_fit_folds_a_long_graph_to_fill_a_slide(tmp_path: Path) -> None:
    from PIL import Image

    from demos.examples import catalog

    f = catalog.get("deep-thin").build().outputs[0]  # one neuron per layer: a long thin strip

    def slide_scale(path: Path) -> tuple[float, float]:
        with Image.open(path) as image:
            width, height = image.size
        return width / height, min(16 / width, 9 / height)

    strip_ratio, strip = slide_scale(render(f, tmp_path / "strip.png", view="full"))
    folded_ratio, folded = slide_scale(render(f, tmp_path / "folded.png", fit="16:9", view="full"))
    assert strip_ratio > 3 and 1.2 < folded_ratio < 2.2  # 3.7:1 folded into rows
    assert folded > strip * 1.25  # larger text on the slide
    chen_f = chen()["f"]
    assert "cluster_band" not in draw(chen_f, fit="16:9").source  # 10% larger is not worth the back-edges
    assert len(Dot(draw(f, fit="16:9").source).nodes) == len(topological_order(f))
    for bad in ("wide", "16:0", 0, "100:1"):
        with pytest.raises(ValueError, match="fit must be a width:height ratio"):
            draw(f, fit=bad)
    frames = backward_frames(f, tmp_path / "frames", format="dot", fit="16:9", view="full")
    assert all("cluster_band1" in p.read_text("utf-8") for p in frames.paths)  # one fold for all frames
