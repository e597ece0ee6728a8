"""autograd.text is view-neutral: the words and numbers of a graph need no Graphviz."""

import subprocess
import sys
import textwrap

from autograd import Value, forward_order
from autograd.text import DIGITS, iverson, names, number


def test_explain_and_text_import_without_graphviz():
    # A fresh interpreter in which `import graphviz` fails, as on a machine without it.
    script = textwrap.dedent(
        """
        import sys
        sys.modules["graphviz"] = None
        import autograd.explain, autograd.text
        assert not any(m.startswith("autograd.render") for m in sys.modules), sorted(sys.modules)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_one_default_for_digits():
    assert number(2 / 3) == number(2 / 3, DIGITS) == "0.6667"


def test_names_read_by_the_text_package():
    x = Value(2.0, "x")
    y = x * x + 1.0
    assert names(forward_order(y))[y].text == "x·x + 1"


def test_conditional_rules_are_read_with_the_notations_parser():
    assert iverson("1 if a > 0 else slope") == "[a > 0] + slope·[a ≤ 0]"
    assert iverson("1 if a > 0 else −1 if a < 0 else 0") == "[a > 0] − [a < 0]"
    assert iverson("1 if a > b else 0 if a < b else 0.5") == "[a > b] + 0.5·[a = b]"
    assert iverson("out·(1 − out)") == "out·(1 − out)"  # not a conditional: as it is
    assert iverson("1 if a >= 0 else 0") == "1 if a >= 0 else 0"  # no Iverson form for >=: as it is
