"""The matrix form's mistakes (issue 27): no-transpose, outer-product-order, slope-of-wrong-vector.

Each wrong pass is checked against NumPy: the same network computed from the leaves' values alone
(weights placed by their labels, not by `autograd.layers`), forward and backward by the matrix
recurrences with the same one mistake and σ by its own formula.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Value, lab, topological_order
from autograd.explain.lab_report import write_cannot_run, write_comparison
from autograd.lab.matrix_entries import entries
from autograd.lab.matrix_passes import check_runs
from autograd.layers import find_layers
from autograd.page.data import mistake_data
from demos.examples.catalog import get
from tests.support.cli import chainrule
from tests.support.graphs import by_label

MATRIX_KEYS = ("no-transpose", "outer-product-order", "slope-of-wrong-vector")


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


def numpy_backward(Ws, bs, x, acts, top, mistake=None):
    """Every layer's ∇a, ∇W, ∇b and ∇h (∇h[k] = ∇_{hₖ} L, ∇h[0] = ∇x) by the matrix recurrences.

    `top(a_L, h_L)` gives ∇ at the top layer's output; `mistake` is one of MATRIX_KEYS or None."""
    hs, nets = [x], []
    for W, b, act in zip(Ws, bs, acts):
        nets.append(W @ hs[-1] + b)
        hs.append(sigma(nets[-1]) if act == "sigmoid" else nets[-1])
    L = len(Ws)
    da, dW, db, dh = {}, {}, {}, {L: top(nets[-1], hs[-1])}
    for k in range(L, 0, -1):
        h, h_prev, W = hs[k], hs[k - 1], Ws[k - 1]
        if acts[k - 1] == "sigmoid":
            slope = sigma(h) * (1 - sigma(h)) if mistake == "slope-of-wrong-vector" else h * (1 - h)
        else:
            slope = np.ones_like(h)
        da[k] = dh[k] * slope
        dW[k] = np.outer(h_prev, da[k]) if mistake == "outer-product-order" else np.outer(da[k], h_prev)
        db[k] = da[k]
        dh[k - 1] = W @ da[k] if mistake == "no-transpose" and k >= 2 else W.T @ da[k]
    return da, dW, db, dh


# chen-2-2-2 by its labels: W₁ = [[w1, w2], [w3, w4]], b1 shared by both hidden units, f = ½Σ(t − o)².
def chen_expected(mistake):
    ex = get("chen-2-2-2")
    v = {n.label: n.data for n in topological_order(ex.build().outputs[0]) if n.label}
    W1 = np.array([[v["w1"], v["w2"]], [v["w3"], v["w4"]]])
    W2 = np.array([[v["w5"], v["w6"]], [v["w7"], v["w8"]]])
    b1, b2 = np.full(2, v["b1"]), np.full(2, v["b2"])
    t = np.array([v["t1"], v["t2"]])
    x = np.array([v["i1"], v["i2"]])
    da, dW, db, dh = numpy_backward([W1, W2], [b1, b2], x, ["sigmoid"] * 2, lambda a, y: y - t, mistake)
    expected = {"b1": db[1].sum(), "b2": db[2].sum()}
    for k, (nets, outs, ins) in enumerate(
        [(("net_h1", "net_h2"), ("h1", "h2"), ("i1", "i2")), (("net_o1", "net_o2"), ("o1", "o2"), None)], 1
    ):
        expected |= {a: da[k][i] for i, a in enumerate(nets)} | {h: dh[k][i] for i, h in enumerate(outs)}
        if ins:
            expected |= {name: dh[0][j] for j, name in enumerate(ins)}
    weights = [["w1", "w2"], ["w3", "w4"]], [["w5", "w6"], ["w7", "w8"]]
    for k, rows in enumerate(weights, 1):
        expected |= {w: dW[k][i, j] for i, row in enumerate(rows) for j, w in enumerate(row)}
    return expected


@pytest.mark.parametrize("mistake", [None, *MATRIX_KEYS])
def test_chen_gives_numpys_numbers_with_the_same_mistake(mistake):
    ex = get("chen-2-2-2")
    graph = ex.build()
    root = graph.outputs[0]
    record = lab.get(mistake).run(root, graph.upstream) if mistake else None
    expected = chen_expected(mistake)
    right = chen_expected(None)
    labelled = by_label(root)
    assert len(expected) == 20
    for label, number in expected.items():
        got = record.values[labelled[label]] if record else labelled[label].grad  # None: the engine
        assert got == pytest.approx(number, rel=1e-12, abs=1e-15), (mistake, label)
    if mistake:  # the mistake changes something on chen (square 2×2 layers, W₂ not symmetric)
        assert any(not np.isclose(expected[k], right[k], rtol=1e-9, atol=0) for k in expected)


def test_outer_product_order_swaps_the_entries_of_each_square_layer():
    graph = get("chen-2-2-2").build()
    c = lab.compare(graph.outputs[0], "outer-product-order", graph.upstream)
    labelled = by_label(graph.outputs[0])
    assert {d.node.label for d in c.differences} == {"w2", "w3", "w6", "w7"}
    for a, b in (("w2", "w3"), ("w6", "w7")):  # entry (1, 2) gets (2, 1)'s gradient and back
        assert c.wrong[labelled[a]] == pytest.approx(c.right[labelled[b]], rel=1e-12)
    assert c.entries[labelled["w7"]] == "W₂ row 2, column 1"
    text = write_comparison(c)
    assert "the first the wrong pass reaches is w7 (W₂ row 2, column 1)." in text
    assert "w6    W₂ row 1, column 2" in text


def test_the_pass_writes_every_node_once_layer_by_layer():
    graph = get("chen-2-2-2").build()
    root = graph.outputs[0]
    record = lab.get("no-transpose").run(root, graph.upstream)
    assert set(record.values) == set(topological_order(root))
    written = [node for node, _ in record.steps]
    assert written == record.order and len(set(written)) == len(written)
    at = {node.label: k for k, node in enumerate(written) if node.label}
    # the loss's parts and ŷ; ∇a₂; ∇W₂; ∇b₂; ∇h₁; ∇a₁; ∇W₁; ∇b₁; ∇x
    sequence = ["f", "o1", "net_o1", "w5", "b2", "h1", "net_h1", "w1", "b1", "i1"]
    assert [at[s] for s in sequence] == sorted(at[s] for s in sequence)
    assert max(at["o1"], at["o2"], at["t1"]) < min(at["net_o1"], at["net_o2"])
    assert record.entries[by_label(root)["b1"]] == "b₁ rows 1, 2"


# softmax-output: W₁, W₂ 3×3 sigmoid, W₃ 2×3 linear, L = −log softmax(a₃)₁.
def softmax_output_expected(mistake):
    v = {n.label: n.data for n in topological_order(get("softmax-output").build().outputs[0]) if n.label}
    Ws = [
        np.array([[v[f"W{k}_{i}{j}"] for j in (1, 2, 3)] for i in range(1, K + 1)])
        for k, K in ((1, 3), (2, 3), (3, 2))
    ]
    bs = [np.array([v[f"b{k}_{i}"] for i in range(1, K + 1)]) for k, K in ((1, 3), (2, 3), (3, 2))]
    x = np.array([v["x_1"], v["x_2"], v["x_3"]])

    def top(a, _):
        p = np.exp(a) / np.exp(a).sum()
        return p - np.array([1.0, 0.0])

    da, dW, db, dh = numpy_backward(Ws, bs, x, ["sigmoid", "sigmoid", None], top, mistake)
    expected = {}
    for k, K in ((1, 3), (2, 3), (3, 2)):
        expected |= {f"a{k}_{i + 1}": da[k][i] for i in range(K)}
        expected |= {f"b{k}_{i + 1}": db[k][i] for i in range(K)}
        expected |= {f"W{k}_{i + 1}{j + 1}": dW[k][i, j] for i in range(K) for j in range(3)}
        if k < 3:
            expected |= {f"h{k}_{i + 1}": dh[k][i] for i in range(K)}
    return expected | {f"x_{j + 1}": dh[0][j] for j in range(3)}


def test_softmax_output_slope_of_wrong_vector_gives_numpys_numbers():
    graph = get("softmax-output").build()
    root = graph.outputs[0]
    record = lab.get("slope-of-wrong-vector").run(root, graph.upstream)
    labelled = by_label(root)
    expected = softmax_output_expected("slope-of-wrong-vector")
    assert len(expected) == 8 + 8 + 24 + 6 + 3  # nets, biases, weights, hidden outputs, x
    for label, number in expected.items():
        assert record.values[labelled[label]] == pytest.approx(number, rel=1e-12, abs=1e-15), label
    # the top layer is linear: its ∇a₃ L and ∇W₃ L stay right; layer 2's σ′ is the first wrong
    c = lab.compare(root, "slope-of-wrong-vector", graph.upstream)
    assert c.first.label == "a2_3" and c.entries[c.first] == "a₂ row 3"
    assert labelled["W3_11"] not in {d.node for d in c.differences}


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("no-transpose", "layer 3: W₃ · ∇_{a₃} L is 2×3 · 2×1, which does not multiply"),
        ("outer-product-order", "layer 3: h₂ · ∇_{a₃} Lᵀ is 3×1 · 1×2 = 3×2, which does not fit the 2×3"),
    ],
)
def test_softmax_output_cannot_run_a_transpose_mistake_and_says_where(key, words):
    graph = get("softmax-output").build()
    with pytest.raises(lab.CannotRun, match=r"^layer 3: ") as raised:  # the mistake's key is its caller's
        lab.compare(graph.outputs[0], key, graph.upstream)
    assert words in str(raised.value) and raised.value.applies
    assert isinstance(raised.value, ValueError)  # the page's data and compare's callers catch it
    text = write_cannot_run(lab.get(key), str(raised.value))
    assert (
        text
        == f"{lab.get(key).title} ({key}): skipped, its wrong code cannot run on this graph: {words}"
        + (text.split(words, 1)[1])
    )
    assert text.count(key) == 1 and "\n" not in text  # one line, the key said once


def _network(W2: list[list[float]]) -> Value:
    """A 2-2-2 sigmoid network with a non-symmetric W₁ and the given W₂, under ½Σ(t − o)²."""
    x = [Value(0.3, "x1"), Value(-0.7, "x2")]
    layers = ([[0.1, -0.6], [0.8, 0.2]], W2)
    h = x
    for k, W in enumerate(layers, 1):
        h = [
            (
                sum(
                    (Value(w, f"W{k}_{i}{j}") * hj for j, (w, hj) in enumerate(zip(row, h), 1)),
                    Value(0.1 * i, f"b{k}_{i}"),
                )
            )
            .named(f"a{k}_{i}")
            .sigmoid()
            .named(f"h{k}_{i}")
            for i, row in enumerate(W, 1)
        ]
    return (0.5 * ((h[0] - 0.2) ** 2 + (h[1] - 0.9) ** 2)).named("L")


def test_a_symmetric_W_makes_no_transpose_harmless():
    assert lab.compare(_network([[0.4, 0.45], [0.45, -0.3]]), "no-transpose").same
    c = lab.compare(_network([[0.4, 0.45], [0.5, -0.3]]), "no-transpose")
    assert not c.same and c.first.label.startswith("h1_")
    # built unit by unit: W2_21 is created after a2_1, whose ∇ its wrong entry reads
    c = lab.compare(_network([[0.4, 0.45], [0.45, -0.3]]), "outer-product-order")
    nodes = {d.node.label: d for d in c.differences}
    assert set(nodes) == {"W1_12", "W1_21", "W2_12", "W2_21"}
    assert nodes["W2_21"].wrong == pytest.approx(nodes["W2_12"].right, rel=1e-12)


def test_a_graph_with_no_layers_gets_the_right_numbers_and_the_report_says_why():
    graph = get("mul-gate").build()
    for key in MATRIX_KEYS:
        c = lab.compare(graph.outputs[0], key, graph.upstream)
        assert c.same and set(c.order) == set(topological_order(graph.outputs[0]))
        assert "or the graph has" in write_comparison(c) and "no layers" in write_comparison(c)


def test_a_graph_that_does_not_group_into_layers_cannot_run_them():
    root = get("chen-chain").build().outputs[0]
    for key in MATRIX_KEYS:
        with pytest.raises(lab.CannotRun, match=r"^the graph has no matrix form to get wrong: 'a") as raised:
            lab.compare(root, key)
        assert not raised.value.applies


def test_check_runs_says_why_in_the_callers_names():
    mul = get("mul-gate").build().outputs[0]
    with pytest.raises(lab.CannotRun, match=r"^the graph has no layers") as raised:
        check_runs(mul, "no-transpose")
    assert not raised.value.applies
    root = get("softmax-output").build().outputs[0]
    names = {"weight": "V{k}", "net": "z{k}", "hidden": "u{k}", "input": "i", "loss": "E"}
    with pytest.raises(lab.CannotRun) as raised:
        check_runs(root, "outer-product-order", lambda kind, k: names[kind].format(k=k))
    assert str(raised.value).startswith("layer 3: u2 · ∇_{z3} Eᵀ is 3×1 · 1×2 = 3×2") and "∇_{V3} E" in str(
        raised.value
    )
    assert len(check_runs(root, "slope-of-wrong-vector")) == 3  # it runs: the layers


def test_entries_are_named_in_the_callers_notation():
    root = get("chen-2-2-2").build().outputs[0]
    chen = {"input": "i", "weight": "W{k}", "bias": "b{k}", "net": "net{k}", "hidden": "h", "output": "o"}
    named = entries(find_layers(root).layers, lambda kind, k: chen[kind].format(k=k))
    by = by_label(root)
    assert (
        named[by["h2"]] == "h row 2" and named[by["net_o1"]] == "net2 row 1" and named[by["i1"]] == "i row 1"
    )
    assert named[by["o2"]] == "o row 2" and named[by["w6"]] == "W2 row 1, column 2"
    assert entries(find_layers(root).layers)[by["h2"]] == "h₁ row 2"  # Khapra's by default


def test_the_page_steps_through_them_or_says_why_it_cannot():
    for name, runs in (("chen-2-2-2", set(MATRIX_KEYS)), ("softmax-output", {"slope-of-wrong-vector"})):
        graph = get(name).build()
        root = graph.outputs[0]
        index = {node: k for k, node in enumerate(reversed(topological_order(root)))}
        items = {m["key"]: m for m in mistake_data(root, graph.upstream, index)}
        for key in MATRIX_KEYS:
            if key in runs:
                c = lab.compare(root, key, graph.upstream)
                assert len(items[key]["steps"]) == len(index)  # every node written, so none ends at 0
                assert items[key]["wrong"] == [c.wrong[n] for n in index]
            else:
                assert "layer 3" in items[key]["skipped"]


def test_chainrule_mistakes_lists_and_runs_them():
    result = chainrule("mistakes", "softmax-output")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    for title in ("W instead of Wᵀ going back", "h·δᵀ instead of δ·hᵀ", "g′ of the wrong vector"):
        assert title in text
    assert (
        "W instead of Wᵀ going back (no-transpose): skipped, its wrong code cannot run on this graph: "
        "layer 3:" in text
    )
    assert "the first the wrong pass reaches is a2_3 (a₂ row 3)." in text


def test_chainrule_mistakes_names_entries_in_the_decks_notation():
    for name, first in (("chen-2-2-2", "h2 (h row 2)"), ("bishop-2-2-2", "z1_2 (z⁽¹⁾ row 2)")):
        result = chainrule("mistakes", name, "--mistake", "no-transpose")
        assert result.returncode == 0, result.stderr
        assert f"the first the wrong pass reaches is {first}." in result.stdout
    table = chainrule("mistakes", "chen-2-2-2", "--mistake", "no-transpose").stdout
    assert "net₁ row 2" in table and "i row 1" in table and "a₁" not in table and "x row" not in table


def test_chainrule_mistakes_refuses_a_matrix_mistake_that_cannot_run_in_one_line(tmp_path):
    result = chainrule("mistakes", "softmax-output", "--mistake", "no-transpose", "-o", str(tmp_path / "o"))
    assert result.returncode == 2 and result.stdout == ""
    line = result.stderr.strip()
    assert line.startswith(
        "chainrule mistakes: error: no-transpose cannot run on softmax-output: layer 3: W₃"
    )
    assert line.count("no-transpose") == 1 and "\n" not in line and not (tmp_path / "o").exists()
    for name in ("mul-gate", "chen-chain"):
        result = chainrule("mistakes", name, "--mistake", "slope-of-wrong-vector")
        assert result.returncode == 2 and "slope-of-wrong-vector does not apply to " + name in result.stderr
    listed = chainrule("mistakes", "mul-gate")
    assert listed.returncode == 0
    text = " ".join(listed.stdout.split())
    for key in MATRIX_KEYS:
        assert f"({key}): skipped, it does not apply to this graph: the graph has no layers" in text
    assert "comes out right, as it does whenever every Wₖ" not in text
