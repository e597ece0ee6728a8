"""Printed numbers multiply out: every numeric side of a derivation or caption, computed from its numbers
as printed, gives the printed result to the result's shown precision, or the line writes ≈ before it.

The checker here is independent of the code under test: it reads the printed text back with `fractions`
(exactly), and rounds exactly; a result that sits on a tie of the printed numbers does not count.
"""

from __future__ import annotations

import math
import re
import sys
import tempfile
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings

from autograd import Value, forward_order, topological_order, trace
from autograd.explain import explain, write_trace
from autograd.page import html
from autograd.render import backward_steps, forward_steps
from tests.support.browser import chromium
from tests.support.graphs import tiny_beside_cancelling_ways
from tests.support.strategies import labelled_graphs

_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_NUMERIC = re.compile(r"[\d.e−+·/() ⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")


def value_of(side: str) -> Fraction | None:
    """A printed side (`1.0004 · (−2)`, `1.0001¹⁰⁰⁰⁰`) computed exactly from its numbers; else None."""
    if not _NUMERIC.fullmatch(side) or not re.search(r"\d", side):
        return None
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", lambda m: "**(" + m[0].translate(_SUPER) + ")", side)
    text = text.replace("−", "-").replace("·", "*")
    text = re.sub(r"\d+(?:\.\d+)?(?:e-?\d+)?", lambda m: f'F("{m[0]}")', text)
    return eval(text, {"F": Fraction, "__builtins__": {}})  # only digits and operators reach here


def printed(text: str) -> Fraction:
    return Fraction(text.replace("−", "-"))


def roundings(x: Fraction, digits: int) -> set[Fraction]:
    """`x` to `digits` significant digits, exactly, rounded half to even and half up: one value unless
    `x` is a tie, which a reader could round either way."""
    if x == 0:
        return {x}
    e = math.floor((abs(x.numerator).bit_length() - x.denominator.bit_length()) * math.log10(2))
    while Fraction(10) ** e > abs(x):
        e -= 1
    while Fraction(10) ** (e + 1) <= abs(x):
        e += 1
    unit = Fraction(10) ** (e - digits + 1)
    scaled = abs(x) / unit
    sign = 1 if x > 0 else -1
    return {sign * round(scaled) * unit, sign * math.floor(scaled + Fraction(1, 2)) * unit}


def check_line(line: str, digits: int = 4) -> int:
    """Assert every numeric side of `line` gives its result, unless the line says ≈; the sides checked."""
    line = line.split("\n")[0]
    if "…" in line or "(no path" in line or "(the output" in line:
        return 0
    approximate = " ≈ " in line
    head, _, result = line.rpartition(" ≈ " if approximate else " = ")
    checked = 0
    # with ≈ the line says its numbers are rounded: nothing to multiply out
    for side in head.split(" = ")[1:] if not approximate else []:
        x = value_of(side.strip())
        if x is None:
            continue
        if result.strip() == "0" and abs(x) < Fraction(sys.float_info.min):
            continue  # below the float range the engine's number is 0, as floats have it
        got = roundings(x, digits)
        assert got == {printed(result.strip())}, f"{side!r} gives {float(x)!r}, printed {result!r}: {line}"
        checked += 1
    return checked


def test_two_factors_of_1_0004_are_printed_so_that_they_give_1_001():
    x = Value(1.0).named("x")
    h = (x * 1.0004).named("h")
    y = (h * 1.0004).named("y")
    right = Decimal("1.0004") ** 2  # 1.00080016
    assert format(float(right), ".4g") == "1.001"
    assert explain(y, x) == "∂y/∂x = ∂y/∂h · ∂h/∂x = 1.0004 · 1.0004 = 1.001"
    assert check_line(explain(y, x)) == 1


def test_a_10000_step_chain_prints_its_factor_as_a_power_that_gives_e():
    x = Value(0.5).named("x")
    y = x
    for _ in range(10_000):
        y = y * 1.0001 + 0.001
    y = y.named("y")
    with localcontext() as ctx:
        ctx.prec = 50
        right = Decimal("1.0001") ** 10_000  # 2.71814592682...
    line = explain(y, x)
    assert line == f"∂y/∂x = 1.0001¹⁰⁰⁰⁰ = {format(float(right), '.4g')}" == "∂y/∂x = 1.0001¹⁰⁰⁰⁰ = 2.718"
    assert check_line(line) == 1


def test_factors_that_never_give_the_result_are_marked_rounded():
    # 1.000000001 − 1 = 1e−9: no 8-digit rounding of the terms keeps the difference, so the line says ≈
    x, a = Value(3.0).named("x"), Value(1.000000001).named("a")
    s = (x * a + x * -1.0).named("s")
    x_step = next(step for step in backward_steps(s) if step.node is x)
    assert x_step.caption == "∂s/∂x = ∂s/∂(x·a) · a + ∂s/∂(x·(−1)) · (−1) = 1 · 1 + 1 · (−1) ≈ 1e−9"
    forward = next(step for step in forward_steps(s) if step.node is s)
    assert " ≈ " in forward.caption.split("\n")[0]
    # the same factor as a constant is written as given, and read exactly it gives the result
    s = (x * 1.000000001 + x * -1.0).named("s")
    x_step = next(step for step in backward_steps(s) if step.node is x)
    assert x_step.caption.endswith(" = 1 · 1.000000001 + 1 · (−1) = 1e−9")


def test_forward_captions_give_their_value():
    a = Value(0.123456).named("a")
    b = (a.sigmoid() * a).named("b")
    line = forward_steps(b)[-1].caption.split("\n")[0]
    assert line == "b = σ(a)·a = 0.530825 · 0.123456 = 0.06553"
    assert float(Decimal("0.530825") * Decimal("0.123456")) == pytest.approx(0.06553, abs=5e-6)


def subnormal_constants() -> Value:
    """5e−324 + 5e−324, its constants named 4.941e−324, beside x·2e−308, a constant written in full."""
    x = Value(7.671e-14, "x")
    return ((Value(5e-324) + Value(5e-324)) + x * 2e-308).named("out")


def test_a_subnormal_constant_is_read_back_as_printed():
    # hypothesis found 5e−324 + 5e−324: the constant is named 4.941e−324, and its name was read back as the
    # float 5e−324, below the normal range, where the line's check (`_read`) never ran; the printed numbers
    # give 9.882e−324, not the 9.881e−324 written with =. Every number read back from a line is now held to
    # one rule, a constant's name and a constant written in full (2e−308) too: below the normal floats, ≈.
    out = subnormal_constants()
    assert roundings(2 * printed("4.941e−324"), 4) == {printed("9.882e−324")}
    assert roundings(printed("7.671e−14") * printed("2e−308"), 4) == {printed("1.534e−321")}
    lines = [step.caption.split("\n")[0] for step in forward_steps(out)]
    assert "4.941e−324 + 4.941e−324 ≈ 9.881e−324" in lines
    assert "x·2e−308 = 7.671e−14 · 2e−308 ≈ 1.537e−321" in lines  # floats keep 1.537e−321 of 1.5342e−321
    x = next(step for step in backward_steps(out) if step.node.label == "x")
    assert x.caption == "∂out/∂x = ∂out/∂(x·2e−308) · 2e−308 = 1 · 2e−308 ≈ 2e−308"
    traced = write_trace(trace(out), "both").splitlines()
    assert "  v₁       = 4.941e−324 + 4.941e−324 ≈ 9.881e−324" in traced
    lines += [step.caption for step in backward_steps(out)] + [explain(out, "x")]
    lines += ["v = " + line.split("= ", 1)[1] for line in traced if line.startswith("  ") and "= " in line]
    for line in lines:
        check_line(line)


def subnormal_product() -> Value:
    """Two normal numbers whose product is below the normal range: 5.607e−160 · 9.407e−160."""
    return (Value(5.607e-160, "a") * Value(9.407e-160, "b")).named("y")


def test_a_subnormal_result_of_normal_operands_says_it_is_rounded():
    # the printed operands give 5.2745049e−319, which prints 5.275e−319; the product in floats, a
    # subnormal, kept 5.274e−319 and the line said =. A result below the normal range now writes ≈.
    y = subnormal_product()
    assert roundings(printed("5.607e−160") * printed("9.407e−160"), 4) == {printed("5.275e−319")}
    (line,) = [step.caption.split("\n")[0] for step in forward_steps(y)]
    assert line == "y = a·b = 5.607e−160 · 9.407e−160 ≈ 5.274e−319"
    for line in [step.caption for step in backward_steps(y)] + [explain(y, "a"), explain(y, "b")]:
        check_line(line)


@given(labelled_graphs())
def test_every_printed_line_multiplies_out_or_says_it_is_rounded(root):
    lines = [step.caption for step in backward_steps(root)]
    lines += [step.caption for step in forward_steps(root)]
    lines += [explain(root, node) for node in forward_order(root) if node.label]
    t = trace(root)
    traced = write_trace(t, "both" if t.n_inputs else "reverse").splitlines()
    lines += ["v = " + line.split("= ", 1)[1] for line in traced if line.startswith("  ") and "= " in line]
    assert sum(check_line(line) for line in lines) > 0


# --- the page prints the same lines -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium_tab():
    with chromium(needs_dot=True) as browser:
        yield browser.new_page()


def _page_prints_as_python(tab, root: Value, folder: Path) -> list[Value]:
    """Open root's page in `tab`; its captions and derivations must be Python's. Its nodes, in page order."""
    nodes = forward_order(root)  # the page's order: creation order
    index = {node: k for k, node in enumerate(nodes)}
    # the full picture: its captions are backward_steps' (the slide view's are test_page_slide's)
    (folder / "page.html").write_text(html(root, picture="full"))
    tab.goto((folder / "page.html").as_uri())
    for step in backward_steps(root):
        assert tab.evaluate(f"chainrule.caption({index[step.node]}, true)") == step.caption
    for step in forward_steps(root):
        assert tab.evaluate(f"chainrule.caption({index[step.node]}, false)") == step.caption
    for node in nodes:
        if node.label:
            assert tab.evaluate(f"chainrule.derivation({index[node]})") == explain(root, node)
    return nodes


@settings(max_examples=15)
@given(labelled_graphs())
def test_the_page_prints_the_same_digits_as_python(chromium_tab, root):
    with tempfile.TemporaryDirectory() as folder:
        nodes = _page_prints_as_python(chromium_tab, root, Path(folder))
        if not any(n.label and n.op is None for n in nodes):
            return
        chromium_tab.select_option("#mode", "forward")  # the page's own tangent captions multiply out too
        for _ in nodes:
            chromium_tab.keyboard.press("ArrowRight")
            for line in chromium_tab.text_content("#caption").split("\n"):  # the value, then the tangent
                check_line(line)


def test_the_page_brackets_a_negative_zero_as_python_does(chromium_tab, tmp_path):
    # −0 is written −0, so as an operand it is bracketed: `0 + (−0)`; the page tested x < 0 and wrote `0 + −0`
    x = Value(0.0, "x")
    out = ((x + Value(-0.0)) * Value(-0.0, "z")).named("out")
    _page_prints_as_python(chromium_tab, out, tmp_path)


def negated_negative_zeros() -> Value:
    """Constants −0.0 (written −0) negated, multiplied and subtracted, beside −2 in the same places."""
    x = Value(1.0, "x")
    return (x * -Value(-0.0) + Value(-0.0) * x - Value(-2.0) * x - -Value(-2.0)).named("out")


def test_a_negative_zero_constant_is_bracketed_as_a_negative_number_is():
    # hypothesis found −(−0.0): Python wrote −−0 = −−0 (the name bracketed by the value, −0.0 < 0 being
    # false), the page −(−0) (by the text, which starts with a minus); a reader brackets the inner minus
    out = negated_negative_zeros()
    lines = [step.caption.split("\n")[0] for step in forward_steps(out)]
    assert "−(−0) = −(−0) = 0" in lines and "−(−2) = −(−2) = 2" in lines
    assert "(−0)·x = −0 · 1 = 0" in lines and "(−2)·x = −2 · 1 = −2" in lines
    assert lines[-1] == "out = x·(−(−0)) + (−0)·x − (−2)·x − (−(−2)) = 2 − 2 = 0"
    heads = [step.caption.split(" = ")[0] for step in backward_steps(out)]
    assert "∂out/∂(−0) (the constant in −(−0))" in heads and "∂out/∂(−2) (the constant in −(−2))" in heads
    assert not any("−−" in line for line in lines + heads + [explain(out, "x")])


def test_the_page_brackets_a_negated_negative_zero_as_python_does(chromium_tab, tmp_path):
    _page_prints_as_python(chromium_tab, negated_negative_zeros(), tmp_path)


def test_the_page_reads_subnormal_constants_back_as_python_does(chromium_tab, tmp_path):
    # the page read a constant's name with Number() and never asked whether floats hold it: it wrote
    # 4.941e−324 + 4.941e−324 = 9.881e−324 with Python; both now write ≈ (test_a_subnormal_constant_…)
    nodes = _page_prints_as_python(chromium_tab, subnormal_constants(), tmp_path)
    tiny = next(k for k, node in enumerate(nodes) if node.op is not None and node.data < 1e-322)
    assert chromium_tab.evaluate(f"chainrule.caption({tiny}, false)").startswith("4.941e−324 + 4.941e−324 ≈ ")
    chromium_tab.select_option("#mode", "forward")  # the page's own tangent captions: v̇ = ∂v/∂x
    for _ in nodes:
        chromium_tab.keyboard.press("ArrowRight")
        for line in chromium_tab.text_content("#caption").split("\n"):
            check_line(line)


def test_the_page_says_a_subnormal_result_is_rounded_as_python_does(chromium_tab, tmp_path):
    nodes = _page_prints_as_python(chromium_tab, subnormal_product(), tmp_path)
    assert chromium_tab.evaluate(f"chainrule.caption({len(nodes) - 1}, false)").startswith(
        "y = a·b = 5.607e−160 · 9.407e−160 ≈ "
    )


def test_the_page_tells_apart_two_nodes_of_one_name(chromium_tab, tmp_path):
    # seven ways to n3, a sum over the nodes that use it: two of them are |n3| (∂out/∂|n3| is 2 for the first,
    # 1 for the other); the page read the name and wrote 1 · 0 for both
    x = [Value(0.0) for _ in range(3)]
    n3 = abs(x[0]).named("n3")
    a = abs(n3)
    s = n3 + a
    b, c, d = abs(x[0]), abs(x[0]), abs(n3)
    e = abs(s)
    total = x[0] + x[1] + x[2] + n3 + a + s + b + c + d
    out = (total + e).named("out")
    (tmp_path / "page.html").write_text(html(out, picture="full"))
    chromium_tab.goto((tmp_path / "page.html").as_uri())
    line = explain(out, n3)
    assert line.endswith(" = 2 · 0 + 1 · 1 + 1 · 0 + 1 · 1 = 2")
    assert chromium_tab.evaluate(f"chainrule.derivation({forward_order(out).index(n3)})") == line


def test_the_page_shows_the_two_factors_of_1_0004_in_full(chromium_tab, tmp_path):
    x = Value(1.0).named("x")
    h = (x * 1.0004).named("h")
    y = (h * 1.0004).named("y")
    (tmp_path / "page.html").write_text(html(y))
    chromium_tab.goto((tmp_path / "page.html").as_uri())
    assert (
        chromium_tab.evaluate("chainrule.caption(0, true)")
        == "∂y/∂x = ∂y/∂h · 1.0004 = 1.0004 · 1.0004 = 1.001"
    )
    assert (
        chromium_tab.evaluate("chainrule.derivation(0)") == "∂y/∂x = ∂y/∂h · ∂h/∂x = 1.0004 · 1.0004 = 1.001"
    )
    chromium_tab.select_option("#mode", "forward")
    chromium_tab.keyboard.press("ArrowRight")
    chromium_tab.keyboard.press("ArrowRight")
    tangent = chromium_tab.text_content("#caption").split("\n")[1]
    assert tangent == "tangent: dy/dx = 1.0004 · dh/dx = 1.0004 · 1.0004 = 1.001"


def test_a_factor_repeated_along_a_chain_is_written_as_a_power():
    x, w = Value(2.0, "x"), Value(0.5, "w")
    y = (x * w * w * w).named("y")
    assert explain(y, x) == "∂y/∂x = w³ = 0.125"
    s = w + 1.0  # unlabelled: named w + 1, a sum that a power must bracket
    z = (x * s * s).named("z")
    assert explain(z, x) == "∂z/∂x = (w + 1)² = 2.25"  # 1.5² = 2.25


def constants_chain():
    """The newcomer's example: three constants 1.0004, each a local gradient of a labelled node."""
    x = Value(1.0001, "x")
    h = (x * 1.0004).named("h")
    g = (h * 1.0004).named("g")
    k = (g * 1.0004).named("k")
    return (k * k - x * 2).named("f")


def test_a_constant_local_gradient_is_written_as_given_everywhere():
    f = constants_chain()
    captions = [step.caption for step in backward_steps(f)]
    assert "∂f/∂g = ∂f/∂k · 1.0004 = 2.0026 · 1.0004 = 2.003" in captions
    forward = "\n".join(step.caption for step in forward_steps(f))
    assert "local gradients: ∂h/∂x = 1.0004\n" in forward  # no false `= 1` after it
    assert "∂g/∂h = 1.0004 = 1" not in forward
    lines = write_trace(trace(f)).splitlines()
    assert "  v̄₂  g  = v̄₃·1.0004 = 2.0026 · 1.0004 = 2.003" in lines
    assert "  v̇₁  h  = 1.0004·v̇₀ = 1.0004 · 1 = 1" in lines
    assert explain(f, "g") == "∂f/∂g = ∂f/∂k · ∂k/∂g = (k + k) · 1.0004 = 2.0026 · 1.0004 = 2.003"


def test_a_large_constant_local_gradient_is_written_one_way():
    d = Value(2.0, "d")
    e = (d * 1e10).named("e")
    (line,) = [s.caption for s in forward_steps(e)]
    assert line.endswith("local gradients: ∂e/∂d = 10000000000")


def test_each_constants_step_says_where_the_constant_is_and_no_local_gradient_is_taken_by_it():
    f = constants_chain()
    heads = [step.caption.split(" = ")[0] for step in backward_steps(f)]
    assert len(heads) == len({*heads}), heads  # three constants 1.0004 read apart
    assert "∂f/∂1.0004 (the constant in h)" in heads and "∂f/∂2 (the constant in x·2)" in heads
    forward = "\n".join(step.caption for step in forward_steps(f))
    assert "∂h/∂1.0004" not in forward and "∂(x·2)/∂2" not in forward


def test_the_page_writes_constants_as_python_does(chromium_tab, tmp_path):
    f = constants_chain()
    _page_prints_as_python(chromium_tab, f, tmp_path)


def test_the_page_adds_a_links_paths_as_explain_does(chromium_tab, tmp_path):
    # paths 1 and −1 cancel beside two tiny ones: the page summed node by node (1 + tiny = 1) and said 0,
    # explain adds the paths' products exactly (math.fsum) and says 1.839e−157
    out, n1 = tiny_beside_cancelling_ways()
    nodes = topological_order(out)[::-1]
    (tmp_path / "page.html").write_text(html(out))
    chromium_tab.goto((tmp_path / "page.html").as_uri())
    line = explain(out, n1)
    assert line.endswith(" = 1.839e−157")
    assert chromium_tab.evaluate(f"chainrule.derivation({nodes.index(n1)})") == line
