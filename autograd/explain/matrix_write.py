"""The matrix form written out: text (matrices drawn with bracket characters), Markdown, LaTeX.

Names come as LaTeX (`autograd.explain.matrix.Notation`); the text form turns the few commands the
notations use into Unicode (∇, δ, σ, ŷ, subscripts and ⁽ᵏ⁾ superscripts). Matrices larger than
`MAX_SHOWN` rows or columns show their first and last entries around ⋮ and ⋯.
"""

from __future__ import annotations

import re
import textwrap

from ..text import DIGITS, check_digits, number
from ..text.latex import powers_of_ten, text_mode
from .matrix import Equation, Matrix, MatrixForm

NOTE_WIDTH = 100  # a note's text lines (columns)
MAX_SHOWN = 8  # rows or columns written out; more are elided to the first and last 3
_KEEP = 3
_LATEX_KEEP = 2  # on a printed page: W (5 columns) x + b fits article's 345pt line
_LINE_PT = (
    345  # article's text width on A4: a display wider (estimated) puts its right side on lines of its own
)

_COMMANDS = {
    r"\nabla": "∇", r"\delta": "δ", r"\sigma": "σ", r"\tanh": "tanh", r"\partial ": "∂", r"\partial": "∂",
    r"\hat{y}": "ŷ", r"\top": "ᵀ", r"\odot": "⊙", r"\_": "_", r"\times": "×", r"\cdot": "·",
}  # fmt: skip
_SUB = str.maketrans("0123456789aehijklmnoprstuvx()+−-", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₍₎₊₋₋")
_SUP = str.maketrans("0123456789()ijkln+−-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾ⁱʲᵏˡⁿ⁺⁻⁻")
_SUBSCRIPTABLE = set("0123456789aehijklmnoprstuvx()+−-")
_SUPERSCRIPTABLE = set("0123456789()ijkln+−-")
_FORMATS = ("text", "markdown", "latex")
_CDOT = r"\cdot"  # a product broken across lines: its second factor's line starts with ·


def text_name(name: str) -> str:
    """A notation's LaTeX name as text: `\\nabla_{W_{1}} L` → `∇_{W₁} L`, `W^{(1)}` → `W⁽¹⁾`."""
    for command, char in _COMMANDS.items():
        name = name.replace(command, char)
    # upright and bold letters are plain letters in text; \hat{h} a letter with a combining circumflex
    name = re.sub(r"\\(?:mathrm|mathbf|boldsymbol|mathit|operatorname|text)\{([^{}]*)\}", r"\1", name)
    name = re.sub(r"\\hat\{(\w)\}", "\\1\u0302", name).replace("'", "′")
    for _ in range(3):  # innermost groups first: ∇_{a_{1}} → ∇_{a₁}; ∇'s own subscript keeps its braces
        name = re.sub(
            r"(∇?)_\{([^{}]*)\}",
            lambda m: f"∇_{{{m[2]}}}" if m[1] else _script(m[2], _SUB, _SUBSCRIPTABLE, "_"),
            name,
        )
        name = re.sub(r"\^\{([^{}]*)\}", lambda m: _script(m[1], _SUP, _SUPERSCRIPTABLE, "^"), name)
    return name


def _script(text: str, table: dict, allowed: set[str], mark: str) -> str:
    if set(text) <= allowed:
        return text.translate(table)
    return f"{mark}{text}" if len(text) == 1 else f"{mark}{{{text}}}"


def write_matrix_form(form: MatrixForm, format: str = "text", digits: int = DIGITS) -> str:
    """The whole view: the forward pass, then the backward pass, one equation with its numbers each.

    `format` is "text", "markdown" (each equation's text in a code block) or "latex" (amsmath: each
    equation a display with pmatrix; compiles under `\\documentclass{article}` + amsmath). `digits` is
    the significant digits of each number. Raises ValueError for another format or `digits` outside
    1–17.
    """
    if format not in _FORMATS:
        raise ValueError(f"matrix form: unknown format {format!r}; use one of {', '.join(_FORMATS)}")
    check_digits(digits, "matrix form: digits")
    parts: list[str] = []
    for title, equations in _passes(form):
        if format == "latex":
            parts.append(rf"\paragraph{{{title}}}")
            parts += [latex_equation(e, digits) for e in equations]
        elif format == "markdown":
            parts.append(f"**{title}**")
            parts += [_fenced(text_equation(e, digits)) for e in equations]
        else:
            parts.append(title)
            parts += [text_equation(e, digits) for e in equations]
    return "\n\n".join(parts)


class MatrixView(str):
    """The matrix form as text (in the format asked for); Jupyter shows it typeset (`_repr_markdown_`).

    `form` is the MatrixForm it was written from (equations, matrices, the scalar node of each entry)."""

    form: MatrixForm

    def __new__(cls, form: MatrixForm, format: str = "text", digits: int = DIGITS) -> MatrixView:
        view = super().__new__(cls, write_matrix_form(form, format, digits))
        view.form = form
        return view

    def _repr_markdown_(self) -> str:
        lines = []
        for title, equations in _passes(self.form):
            lines.append(f"**{title}**")
            for eq in equations:
                lines += [f"$${line[2:-2].strip()}$$" for line in latex_equation(eq, note=False).split("\n")]
                lines += [f"*{_markdown_text(eq.note)}*"] if eq.note else []
        return "\n\n".join(lines)


def _passes(form: MatrixForm):
    """("Forward pass", its equations), ("Backward pass", the rest): the passes that have equations."""
    for kind, title in (("forward", "Forward pass"), ("backward", "Backward pass")):
        equations = [e for e in form.equations if (e.kind == "forward") == (kind == "forward")]
        if equations:
            yield title, equations


def _fenced(text: str) -> str:
    """`text` as a Markdown code block, its fence longer than any run of backticks in it (a label's)."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", text)), default=0))
    return f"{fence}text\n{text}\n{fence}"


def _markdown_text(text: str) -> str:
    """`text` (a note naming labels) as Markdown that shows it as it is: the punctuation Markdown or
    Jupyter's maths reads escaped by a backslash (CommonMark allows it before any ASCII punctuation),
    < as &lt;."""
    return re.sub(r"([\\`*_{}\[\]()#+\-!|$~&%^>])", r"\\\1", text).replace("<", "&lt;")


# --- text ----------------------------------------------------------------------------------------


def symbolic(eq: Equation, name=text_name, product: str = "") -> str:
    """The equation in symbols: `a₁ = W₁ x + b₁`, `h₁ = σ(a₁)`, `∇_{W₂} L = ∇_{a₂} L h₁ᵀ`; `product` is
    written between the factors of a product (LaTeX's thin space `\\,`: `\\nabla_{a_3} L \\, h_2^{\\top}`)."""
    right = [_operand_name(eq.operands[0], name)] if eq.operands else []
    for op, m in zip(eq.ops, eq.operands[1:]):
        right += [{"·": product}.get(op, op), _operand_name(m, name)]
    text = " ".join(r for r in right if r)
    if eq.function:
        text = f"{name(eq.function)}({text})"
    if eq.scale != 1:
        text = f"{number(eq.scale)}({text})"
    return f"{name(eq.result.name)} = {text}" if text else name(eq.result.name)


def _operand_name(m: Matrix, name) -> str:
    text = name(m.name)
    if m.transposed:
        text = f"{text}ᵀ" if name is text_name else f"{{{text}}}^{{\\top}}"
    return text


def text_equation(eq: Equation, digits: int = DIGITS) -> str:
    """The equation's symbols and shape check on one line, then its numbers drawn as matrices."""
    head = symbolic(eq)
    if _is_value(eq):  # the loss: L = 0.376
        return "\n".join(
            [
                f"{head} = {number(eq.result.values[0][0], digits)}",
                *([_wrapped(f"({eq.note})")] if eq.note else []),
            ]
        )
    if eq.shapes:
        head += f"    ({eq.shapes})"
    blocks = [_block(eq.result, digits), ["="]]
    for k, m in enumerate(eq.operands):
        if k:
            blocks.append([eq.ops[k - 1]])
        block = _block(m, digits)
        if eq.function:
            block = _wrap(block, text_name(eq.function) + "(", ")")
        blocks.append(block)
    if not eq.operands:
        blocks.pop()  # the engine's number: nothing to multiply out
    elif eq.scale != 1:
        blocks[2:] = [[f"{number(eq.scale)} · ("], *blocks[2:], [")"]]
    lines = [head, *_side_by_side(blocks)]
    if not eq.agrees:
        said = "the engine's gradient" if eq.kind == "rule" else "the right side multiplied out"
        lines.append(f"{said}: {_flat(eq.computed, digits)}")
    if eq.note:
        lines.append(_wrapped(f"({eq.note})"))
    return "\n".join(lines)


def _wrapped(note: str) -> str:
    """A note in lines of at most NOTE_WIDTH columns, broken at spaces only (a label stays whole)."""
    return textwrap.fill(note, NOTE_WIDTH, break_long_words=False, break_on_hyphens=False)


def _is_value(eq: Equation) -> bool:
    """A forward equation that is one number of the graph (the loss), written name = value."""
    return eq.kind == "forward" and not eq.operands and eq.result.shape == (1, 1)


def _cells(m: Matrix, digits: int, keep: int = _KEEP) -> list[list[str]]:
    rows = [[number(x, digits) if x == x else "—" for x in row] for row in m.values]
    return _elide(rows, keep)


def _elide(rows: list[list[str]], keep: int = _KEEP) -> list[list[str]]:
    """More than MAX_SHOWN rows (columns) as the first and last `keep` around ⋮ (⋯), ⋱ where both meet."""
    if len(rows) > MAX_SHOWN:
        rows = [*rows[:keep], ["⋮"] * len(rows[0]), *rows[-keep:]]
    if rows and len(rows[0]) > MAX_SHOWN:
        rows = [[*row[:keep], "⋱" if row[0] == "⋮" else "⋯", *row[-keep:]] for row in rows]
    return rows


def _block(m: Matrix, digits: int) -> list[str]:
    cells = _cells(m, digits)
    widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]
    lines = [" ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
    if len(lines) == 1:
        return [f"[{lines[0]}]"]
    left = ["⎡", *["⎢"] * (len(lines) - 2), "⎣"]
    right = ["⎤", *["⎥"] * (len(lines) - 2), "⎦"]
    return [f"{a}{line}{b}" for a, line, b in zip(left, lines, right)]


def _wrap(block: list[str], before: str, after: str) -> list[str]:
    middle = (len(block) - 1) // 2
    pad = " " * len(before)
    return [
        (before if k == middle else pad) + line + (after if k == middle else "")
        for k, line in enumerate(block)
    ]


def _side_by_side(blocks: list[list[str]]) -> list[str]:
    height = max(len(b) for b in blocks)
    lines = [""] * height
    for block in blocks:
        width = max(len(x) for x in block)
        top = (height - len(block)) // 2
        for k in range(height):
            inside = 0 <= k - top < len(block)
            lines[k] += (block[k - top] if inside else "").ljust(width) + " "
    return [line.rstrip() for line in lines]


def _flat(rows, digits: int) -> str:
    cells = _elide([[number(x, digits) if x == x else "—" for x in row] for row in rows])
    return "[" + "; ".join(" ".join(row) for row in cells) + "]"


# --- LaTeX ---------------------------------------------------------------------------------------


def latex_equation(eq: Equation, digits: int = DIGITS, note: bool = True) -> str:
    """The equation as one LaTeX display (so no page break parts them): its symbols and shapes, then
    its numbers as pmatrix, in `gathered`; a right side too wide for a printed line goes on further
    lines, broken before an operator. The note follows as a small italic quote unless `note` is False.
    The display is the first line of the text, the note the rest."""
    if _is_value(eq):
        value = _latex_number(number(eq.result.values[0][0], digits))
        return "\n".join(
            [rf"\[ {eq.result.name} = {value} \]", *([_latex_note(eq.note)] if eq.note and note else [])]
        )
    right = [_latex_matrix(m, digits) for m in eq.operands]
    if eq.function and right:
        right = [rf"{eq.function}\!{right[0]}"]  # the pmatrix's parentheses are the function's
    ops = [{"·": "", "−": "-", "⊙": r"\odot"}.get(op, op) for op in eq.ops]
    symbols = symbolic(eq, name=lambda x: x, product=r"\,").replace("⊙", r"\odot").replace("−", "-")
    shapes = (
        eq.shapes.replace("×", r"\times ").replace("·", r"\cdot").replace("−", "-").replace("⊙", r"\odot")
    )
    rows = [rf"{symbols} \qquad ({shapes})" if shapes else symbols]
    result = _latex_matrix(eq.result, digits)
    widths = [_width_pt(m, digits) for m in (eq.result, *eq.operands)]
    if not right:
        rows.append(result)
    elif eq.scale != 1 or sum(widths) <= _LINE_PT:  # one line (a scaled side's \left( \right) cannot break)
        numbers = " ".join([right[0], *(x for pair in zip(ops, right[1:]) for x in pair)])
        if eq.scale != 1:
            numbers = rf"{_latex_number(number(eq.scale))}\left( {numbers} \right)"
        rows.append(f"{result} = {numbers}")
    else:  # too wide for a printed line: the right side under the result, as many lines as it needs
        rows.append(f"{result} =")
        line, width = right[0], widths[1]
        for op, tex, w in zip(ops, right[1:], widths[2:]):
            if width + w > _LINE_PT:
                rows.append(line)
                line, width = f"{op or _CDOT} {tex}", w
            else:
                line, width = f"{line} {op} {tex}".replace("  ", " "), width + w
        rows.append(line)
    display = r" \\[2pt] ".join(rows)
    lines = [rf"\[ \begin{{gathered}} {display} \end{{gathered}} \]"]
    if eq.note and note:
        lines.append(_latex_note(eq.note))
    return "\n".join(lines)


def _latex_note(note: str) -> str:
    """A note set apart from the equations: a small italic quote."""
    return rf"\begin{{quote}}\small\itshape {text_mode(note)}\end{{quote}}"


def _width_pt(m: Matrix, digits: int) -> float:
    """A rough width of the matrix typeset at 10pt: 5pt a character, 10pt between columns, the
    parentheses and an operator beside it."""
    cells = _cells(m, digits, _LATEX_KEEP)
    return 25 + sum(max(_text_pt(row[j]) for row in cells) + 10 for j in range(len(cells[0])))


def _text_pt(cell: str) -> float:
    # Computer Modern at 10pt: a digit 5pt, a point 2.8pt, a minus sign 7.8pt
    return sum({".": 2.8, "−": 7.8}.get(ch, 5.0) for ch in cell)


def _latex_matrix(m: Matrix, digits: int) -> str:
    rows = [[_latex_number(c) for c in row] for row in _cells(m, digits, _LATEX_KEEP)]
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"  # a transpose's numbers are written transposed


def _latex_number(cell: str) -> str:
    cell = {"⋮": r"\vdots", "⋯": r"\cdots", "⋱": r"\ddots", "—": r"\text{---}"}.get(cell, cell).replace(
        "−", "-"
    )
    return powers_of_ten(cell)
