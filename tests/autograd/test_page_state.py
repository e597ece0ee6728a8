"""A page a teacher can share (issue 12): its state in the URL fragment, and an expression at the top.

A state set by clicking is written to the URL; opening that URL in a fresh tab gives the same state.
A fragment is data from whoever made the link: a bad one is ignored with a note, shown as text.
"""

import pytest

from autograd import Value
from autograd.page import page
from demos.examples import catalog
from tests.support.cli import chainrule
from tests.support.page import reopen

STATE = "() => chainrule.mode()"
FIELD = "#whatif input[aria-label='value of {}']"


def example(tmp_path, name):
    ex = catalog.get(name)
    graph = ex.build()
    roots = graph.outputs[0] if len(graph.outputs) == 1 else graph.outputs
    return page(
        roots, tmp_path / f"{name}.html", roles=ex.node_roles(), upstream=graph.upstream, picture="full"
    )


def edit(tab, label, text):
    tab.fill(FIELD.format(label), text)
    tab.press(FIELD.format(label), "Enter")


def test_a_link_opens_the_page_in_the_same_state(browser, tab, tmp_path):
    path = example(tmp_path, "chen-2-2-2")
    tab.goto(path.as_uri())
    assert tab.url == path.as_uri()  # the page as written adds nothing to its URL
    edit(tab, "w1", "-0.7")
    edit(tab, "b2", "1e-3")
    tab.select_option("#mode", "forward")
    tab.select_option("#wrt", label="w5")
    for _ in range(5):
        tab.click("#forward")
    state, tangents = tab.evaluate(STATE), tab.evaluate("chainrule.tangents()")
    assert state["mode"] == "forward" and state["wrt"] == "w5" and state["step"] == 5
    assert "set.w1=-0.7" in tab.url and "set.b2=0.001" in tab.url
    context, fresh, errors = reopen(browser, tab.url)
    assert fresh.evaluate(STATE) == state
    assert fresh.evaluate("chainrule.tangents()") == tangents
    assert fresh.input_value(FIELD.format("w1")) == "-0.7"
    assert fresh.text_content("#counter") == tab.text_content("#counter")
    assert fresh.text_content("#caption") == tab.text_content("#caption")
    assert fresh.is_hidden("#note")
    context.close()
    assert errors == []


def test_reverse_mode_quiz_and_the_chosen_output_round_trip(browser, tab, tmp_path):
    path = example(tmp_path, "chen-losses")
    tab.goto(path.as_uri())
    if tab.locator("#case option").count() < 2:
        pytest.skip("chen-losses has one output here")
    tab.select_option("#case", index=1)
    tab.keyboard.press("End")
    tab.keyboard.press("ArrowLeft")
    tab.check("#quiz-mode")
    state = tab.evaluate(STATE)
    assert state["output"] == 1 and state["quiz"] is True and state["mode"] == "reverse"
    context, fresh, errors = reopen(browser, tab.url)
    assert fresh.evaluate(STATE) == state
    assert fresh.is_checked("#quiz-mode")
    assert fresh.locator("#case").evaluate("s => s.selectedIndex") == 1
    context.close()
    assert errors == []


HOSTILE = [
    ("a" * 5000, "longer than 2000 characters"),
    ("step=ten", 'step must be a whole number from 0 to 70, not "ten"'),
    ("step=9999", "step must be a whole number from 0 to 70"),
    ("step=1&step=2", 'it gives "step" twice'),
    ("mode=sideways", 'mode must be forward or reverse, not "sideways"'),
    ("wrt=w5", "wrt goes with mode=forward"),
    ("mode=forward&wrt=nobody", 'this graph has no input "nobody"'),
    ("set.zz=1", 'this graph has no input "zz" to set'),
    ("set.w5=NaN", '"w5" must be set to a finite number, not "NaN"'),
    ("set.w5=1e999", "must be set to a finite number"),
    ("set.w5=<img src=x onerror=window.pwned=1>", 'must be set to a finite number, not "<img src=x onerror'),
    ("javascript:window.pwned=1", 'an unknown setting "javascript:window.pwned"'),
    ("<script>window.pwned=2</script>", "an unknown setting"),
    ("output=2", "output must be a whole number from 1 to 1"),
    ("set.i1=-1e308&set.w1=1e308", "cannot be used"),
]


@pytest.mark.parametrize(("fragment", "note"), HOSTILE, ids=[f"bad{k}" for k in range(len(HOSTILE))])
def test_a_bad_fragment_is_ignored_with_a_note(tab, tmp_path, fragment, note):
    path = example(tmp_path, "chen-2-2-2")
    tab.goto(path.as_uri() + "#" + fragment)
    assert tab.is_visible("#note")
    text = tab.text_content("#note")
    assert text.startswith("This link's page state was not used: ") and note in text, text
    assert len(text) < 300
    assert tab.evaluate(STATE)["step"] == 0 and tab.evaluate(STATE)["mode"] == "reverse"
    assert tab.input_value(FIELD.format("w5")) == "0.4"
    assert tab.url == path.as_uri()  # the URL says what the page shows: the page as written
    assert tab.evaluate("window.pwned") is None
    assert (
        tab.evaluate("document.querySelectorAll('#note *, img, script:not([nonce]):not([type])').length") == 0
    )


def test_a_fragment_typed_into_the_open_page_is_read_or_refused(tab, tmp_path):
    path = example(tmp_path, "chen-2-2-2")
    tab.goto(path.as_uri())
    tab.evaluate("location.hash = 'step=3&set.w5=0.9'")
    tab.wait_for_function("chainrule.mode().step === 3")
    assert tab.evaluate(STATE)["leaves"][[*tab.evaluate("chainrule.names()")].index("w5")] == 0.9
    tab.evaluate("location.hash = 'step=3&bogus=1'")
    tab.wait_for_selector("#note:not([hidden])")
    assert tab.evaluate(STATE)["step"] == 3  # the page stays where it was


def test_an_expression_page_shows_the_expression_and_its_values(tab, tmp_path):
    out = tmp_path / "f.html"
    result = chainrule("page", "--expr", "f = (x+y)*z", "--set", "x=-2", "y=5", "z=-4", "-o", str(out))
    assert result.returncode == 0, result.stderr
    tab.goto(out.as_uri())
    assert tab.text_content("#title") == "f = (x+y)*z"
    assert tab.text_content("#given") == "at x = −2, y = 5, z = −4"
    edit(tab, "y", "6")
    assert tab.text_content("#given") == "at x = −2, y = 6 (was 5), z = −4"


def test_the_expression_option_is_text_never_markup(tab, tmp_path):
    x = Value(1.0, "x")
    root = (x * 2).named("f")
    hostile = "<img src=x onerror=window.pwned=1> f = 2*x"
    tab.goto(page(root, tmp_path / "p.html", title="doubling", expression=hostile).as_uri())
    assert tab.text_content("#given") == hostile + "   at x = 1"
    assert tab.evaluate("document.querySelectorAll('img').length") == 0
    assert tab.evaluate("window.pwned") is None
    with pytest.raises(TypeError, match="expression must be a string, got int"):
        page(root, tmp_path / "q.html", expression=3)
