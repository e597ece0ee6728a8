"""The slide view: fused net inputs carry the full graph's local gradients, every node is drawn once,
rows come in index order, and pictures read on a 1920×1080 slide."""

from __future__ import annotations

import math
import re
import unicodedata

import pytest
from hypothesis import given, settings

from autograd import Value
from autograd.graph import forward_order
from autograd.render import RenderError, draw, render, render_parts
from autograd.render.measure import measure_digraph
from autograd.render.slide import SlideGraph, slide_digraph, slide_graph, slide_layout, slide_parts
from autograd.render.slide_draw import stem
from autograd.render.slide_model import natural_key
from autograd.text import isolated
from demos.examples.catalog import EXAMPLES
from tests.support.strategies import program_output, programs

OUTPUTS = [(name, k) for name, ex in EXAMPLES.items() for k in range(len(ex.build().outputs))]


def _paths_sum(tail: Value, head: Value, inside: set[Value]) -> float:
    """∂head/∂tail over paths through `inside`, by walking every path (not the adjoint sweep)."""
    total = 0.0
    for parent, local in zip(head.parents, head.local):
        if parent is tail:
            total += local
        elif parent in inside:
            total += local * _paths_sum(tail, parent, inside)
    return total


def check(graph: SlideGraph) -> None:
    nodes = forward_order(graph.root)
    drawn = [b.node for b in graph.boxes] + [n for b in graph.boxes for n in b.fused]
    assert sorted(map(id, drawn)) == sorted(map(id, nodes))  # each node a box or fused into exactly one
    by_id = {b.id: b for b in graph.boxes}
    for arrow in graph.arrows:
        head, tail = by_id[arrow.head], by_id[arrow.tail]
        expected = _paths_sum(tail.node, head.node, set(head.fused))
        assert math.isclose(arrow.value, expected, rel_tol=1e-12, abs_tol=1e-15), (head.name, tail.name)


@pytest.mark.parametrize(("name", "k"), OUTPUTS)
def test_every_catalog_graph_is_drawn_once_with_the_full_graphs_local_gradients(name: str, k: int) -> None:
    root = EXAMPLES[name].build().outputs[k]
    check(slide_graph(root))


@settings(max_examples=60, deadline=None)
@given(programs(ops=("add", "sub", "mul", "neg", "sigmoid", "tanh", "pow"), max_steps=10))
def test_random_expressions_are_drawn_once_with_their_local_gradients(program) -> None:
    xs = [Value(x, f"x{k}") for k, x in enumerate(program.inputs)]
    root = program_output(program, *xs)
    check(slide_graph(root))


def test_a_neuron_net_input_is_one_box_with_arrows_from_weights_and_inputs() -> None:
    root = EXAMPLES["chen-2-2-2"].build().outputs[0]
    graph = slide_graph(root)
    net = next(b for b in graph.boxes if b.name == "net_o1")
    assert net.op == "Σ" and net.formula == "w5·h1 + w6·h2 + b2"
    assert len(net.fused) == 3  # w5·h1, w6·h2 and their sum
    into = {graph.box(a.tail).name: a for a in graph.arrows if a.head == net.id}
    values = {b.name: b.node.data for b in graph.boxes}
    assert set(into) == {"w5", "h1", "w6", "h2", "b2"}
    assert into["w5"].value == values["h1"] and into["h1"].value == values["w5"] and into["b2"].local == "1"
    names = {b.name for b in graph.boxes}
    assert "t1 − o1" in names and "w5·h1" not in names  # the loss's terms stay; products are fused
    f = next(b for b in graph.boxes if b.name == "f")
    assert f.formula == "0.5·(t1 − o1)² + 0.5·(t2 − o2)²"


def across(layout, box_id: str) -> float:
    """A box's place across the main axis (LR: its y, top down)."""
    return layout.boxes[box_id][1]


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("chen-2-2-2", [["net_h1", "net_h2"], ["h1", "h2"], ["o1", "o2"]]),
        ("hinge", [["L_1", "L_2", "L_3"]]),
        ("softmax-output", [["h1_1", "h1_2", "h1_3"], ["a2_1", "a2_2", "a2_3"]]),
    ],
)
def test_rows_come_in_index_order_top_to_bottom(name: str, rows: list[list[str]]) -> None:
    root = EXAMPLES[name].build().outputs[0]
    for part in slide_parts(root):
        layout = slide_layout(part)
        ids = {b.name: b.id for b in part.boxes if b.id not in part.context}
        for row in rows:
            ys = [across(layout, ids[label]) for label in row if label in ids]
            assert ys == sorted(ys), (name, row, ys)


@pytest.mark.parametrize(("name", "k"), OUTPUTS)
def test_the_leaves_of_one_box_come_in_index_order_beside_it(name: str, k: int) -> None:
    # x_1 above x_2 above x_3, W1_11 above W1_12: the leaves of one kind (one stem) feeding one box,
    # in every part of every catalog picture, by their labels' natural order (h2 before h10)
    root = EXAMPLES[name].build().outputs[k]
    for part in slide_parts(root, roles=EXAMPLES[name].node_roles()):
        layout = slide_layout(part, compact=part.compact)
        computed = {a.head for a in part.arrows}
        for box in part.boxes:
            leaves: dict[str, list] = {}
            for a in part.arrows:
                leaf = part.box(a.tail)
                if a.head == box.id and a.tail not in computed and leaf.node.label:
                    leaves.setdefault(stem(leaf.node.label), []).append(leaf)
            for kind in leaves.values():
                ordered = sorted(kind, key=lambda b: natural_key(b.node.label))
                ys = [across(layout, b.id) for b in ordered]
                assert ys == sorted(ys), (name, part.title, box.name, [b.name for b in ordered], ys)


@pytest.mark.parametrize("name", ["chen-2-2-2", "three-layer", "softmax-output", "hinge", "softmax-ce"])
def test_slide_pictures_read_from_the_back_row(name: str) -> None:
    root = EXAMPLES[name].build().outputs[0]
    for part in slide_parts(root, roles=EXAMPLES[name].node_roles()):
        measured = measure_digraph(slide_digraph(part, title=part.title))
        assert measured.readable(20, 16), (name, part.title, measured.smallest_number_px, measured.overlaps)


def test_parts_repeat_their_neighbours_as_context_and_cover_every_box() -> None:
    root = EXAMPLES["three-layer"].build().outputs[0]
    whole = slide_graph(root)
    parts = slide_parts(root)
    assert len(parts) > 1 and all(p.context for p in parts)
    own = [b.id for p in parts for b in p.boxes if b.id not in p.context]
    assert sorted(own) == sorted(b.id for b in whole.boxes)


def test_render_writes_the_slide_view_by_default_and_full_on_request(tmp_path) -> None:
    root = EXAMPLES["chen-2-2-2"].build().outputs[0]
    slide = render(root, tmp_path / "s.dot").read_text("utf-8")
    full = render(root, tmp_path / "f.dot", view="full").read_text("utf-8")
    assert "net_o1" in slide and ">w5·h1</FONT>" not in slide and ">w5·h1</FONT>" in full  # a box of its own
    assert "∂f/∂node" in slide  # the key says which number is which
    assert draw(root).source == draw(root, view="auto").source  # draw's default is unchanged


def test_render_parts_names_the_parts_and_removes_only_its_own_stale_ones(tmp_path) -> None:
    (tmp_path / "t-9.png").write_bytes(b"a user's own picture")
    more = render_parts(EXAMPLES["softmax-output"].build().outputs[0], tmp_path, "t")
    root = EXAMPLES["three-layer"].build().outputs[0]
    paths = render_parts(root, tmp_path, "t")
    assert [p.name for p in paths] == [f"t-{k}.png" for k in range(1, len(paths) + 1)]
    assert 1 < len(paths) < len(more)
    assert not any(p.exists() for p in more[len(paths) :])  # the earlier run's extra parts
    assert (tmp_path / "t-9.png").read_bytes() == b"a user's own picture"  # not chainrule's: kept
    small = render_parts(EXAMPLES["mul-gate"].build().outputs[0], tmp_path, "m")
    assert [p.name for p in small] == ["m.png"]


def test_a_big_mlp_is_fused_and_refused_whole_by_render(tmp_path) -> None:
    from nn import MLP

    net = MLP(2, [16, 16, 1])
    out = net([Value(0.5, "x1"), Value(-1.0, "x2")])
    loss = ((out if isinstance(out, Value) else out[0]) - 1.0) ** 2
    loss.backward()
    graph = slide_graph(loss)
    assert len(graph.boxes) < len(forward_order(loss)) / 2
    check(graph)
    with pytest.raises(ValueError, match=r"more than one picture can show.*collapsed"):
        render(loss, tmp_path / "mlp.png")


def test_formulas_put_the_rule_before_the_number_on_a_single_operation_arrow():
    f = EXAMPLES["chen-2-2-2"].build().outputs[0]
    plain, with_rules = draw(f, view="slide").source, draw(f, view="slide", formulas=True).source
    assert "o1·(1 − o1) = 0.1868" in with_rules and "o1·(1 − o1)" not in plain
    # a fused net's arrows have no one rule: they keep their number (∂net_o1/∂w5 = h1 = 0.5933)
    assert ">0.5933<" in with_rules


def test_render_parts_never_overwrites_a_file_it_did_not_draw(tmp_path):
    f = EXAMPLES["softmax-output"].build().outputs[0]
    mine = tmp_path / "smo-2.png"
    mine.write_bytes(b"my own slide")
    with pytest.raises(RenderError, match="chainrule did not draw it"):
        render_parts(f, tmp_path, "smo")
    assert mine.read_bytes() == b"my own slide" and sorted(p.name for p in tmp_path.iterdir()) == [
        "smo-2.png"
    ]


RTL_LABELS = ["שלום", "مرحبا", "a\u202eb", "x_שלום", "שלום2"]
LRM = "\u200e"  # left-to-right mark


def _fonts_with_rtl(source: str) -> list[str]:
    """The text of every <FONT> in a DOT source that holds right-to-left letters or bidi controls."""
    texts = re.findall(r"<FONT[^>]*>(?:<B>)?([^<]*)", source)
    return [t for t in texts if any(unicodedata.bidirectional(c) in ("R", "AL", "RLO", "FSI") for c in t)]


@pytest.mark.parametrize("label", RTL_LABELS)
def test_the_key_reads_left_to_right_so_a_right_to_left_name_keeps_the_formula_in_order(label):
    # Issue 26: "∂שלום/∂node" was drawn "node∂/שלום∂": Graphviz (Pango) gives each text run the
    # direction of its first strong letter, the Hebrew one past the FSI; a left-to-right mark first
    # keeps the formula's order, the label isolated inside it.
    x = Value(2.0, "x")
    f = (x * x).named(label)
    f.backward()
    key = slide_digraph(slide_graph(f)).source
    assert f"{LRM}∂{isolated(label)}/∂node" in key


@given(programs())
@settings(max_examples=25, deadline=None)
def test_every_picture_text_with_a_right_to_left_name_starts_left_to_right(program):
    root = program_output(program, 0.5, -1.5, 2.0).named("פלט")
    root.backward()
    slide = _fonts_with_rtl(slide_digraph(slide_graph(root)).source)
    full = _fonts_with_rtl(draw(root, view="full", title="∂פלט/∂x").source)
    assert slide and full and all(t.startswith(LRM) for t in slide + full), slide + full


def test_every_part_names_the_output_in_its_key():
    # a part without the output's box said ∂L/∂node for an output called f
    xs = [Value(0.1 * k, f"x{k}") for k in range(12)]
    ws = [Value(0.2 * k, f"w{k}") for k in range(12)]
    h = [(xs[i] * ws[i] + xs[(i + 1) % 12]).named(f"h{i}").tanh().named(f"a{i}") for i in range(12)]
    f = sum(h[1:], h[0]).named("f")
    parts = slide_parts(slide_graph(f))
    assert len(parts) > 1
    for part in parts:
        assert set(re.findall(r"∂([^/ <]+)/∂node", slide_digraph(part).source)) == {"f"}
