"""Text of a Value graph that every view writes alike: numbers, names and formulas.

The pictures (autograd.render), the words (autograd.explain), the page and the decks all write a node's
name, a number and a rule-table formula through this package, so that each reads the same everywhere.
It imports only the engine (no Graphviz, no view):

- `numbers`: `DIGITS`, significant digits (`number`), constants in full, the digits a line needs
  (`fitting_digits`), and the sides of a line read back (`numeric_value`, `constant_text`);
- `labels`: a label escaped for pictures and HTML, isolated when right-to-left, told apart where
  several nodes share it (`shown_labels`);
- `naming`: `Name` (text and the precedence it binds at), `expression`, `names` for every node;
- `formulas`: the rule table's formulas with names put in (`formula`, `local_line`), Iverson brackets.
- `latex` (imported as `autograd.text.latex`): text as LaTeX math that pdflatex, KaTeX and MathJax all
  read (`math_symbol` for a label, `math_text` for a view's notation, `PREAMBLE`): every LaTeX view
  writes through it.
"""

from .formulas import factor, formula, iverson, local_constant, local_line, operation_numbers
from .labels import (
    ELLIPSIS,
    FSI,
    MAX_PICTURE_LABEL,
    PDI,
    html_text,
    isolated,
    picture_text,
    safe,
    shown_labels,
)
from .naming import ATOM, MAX_NAME, Name, constant_name, expression, names, number_name, power, short_name
from .numbers import (
    DIGITS,
    EXACT_DIGITS,
    EXTRA_DIGITS,
    MAX_DIGITS,
    MINUS,
    check_digits,
    checked_side,
    constant,
    constant_text,
    equals,
    fitting_digits,
    is_exact,
    number,
    number_factor,
    numeric_value,
    read_constant,
    read_fixed,
    rounded,
    rounds_to,
    superscript,
    value_factor,
)

__all__ = [
    "ATOM", "DIGITS", "ELLIPSIS", "EXACT_DIGITS", "EXTRA_DIGITS", "FSI", "MAX_DIGITS", "MAX_NAME",
    "MAX_PICTURE_LABEL", "MINUS", "PDI", "Name", "check_digits", "checked_side", "constant", "constant_name",
    "constant_text", "equals", "expression", "factor", "fitting_digits", "formula", "html_text", "is_exact",
    "isolated", "iverson", "local_constant", "local_line", "names", "number", "number_factor", "number_name",
    "numeric_value", "operation_numbers", "picture_text", "power", "read_constant", "read_fixed", "rounded",
    "rounds_to", "safe", "short_name", "shown_labels", "superscript", "value_factor",
]  # fmt: skip
