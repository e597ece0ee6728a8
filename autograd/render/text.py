"""Text for pictures of a Value graph: numbers, node names, formulas with labels, captions, HTML escaping.

Nothing here knows any calculus: local derivatives come from the rule table (`op.formula`, `node.local`)
and gradients from the engine (`autograd.backward.gradients`).
"""

from __future__ import annotations

import html
import math
import re
import sys
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..errors import is_whole
from ..graph import forward_order, teaching_order
from ..notation import NotationError, evaluator
from ..value import Value

MINUS = "−"  # U+2212: the typographic minus the rule table's formulas use
# Labels that read as one symbol: w5, net_o1, L1.W_12,3, ŷ, and the slides' w_(x1)1 or z_i^(3) (brackets
# that pair up inside the label, not around an expression).
_ATOMIC_LABEL = re.compile(r"[\w.,'′^\[\]{}]+(?:\([\w.,'′^]+\)[\w.,'′^\[\]{}]*)*")
MAX_NAME = 28  # longer expressions are named in short (`w1·x1 + 2 more`, `σ(…)`): a box stays a box

ATOM = 9  # the precedence of a name that never needs parentheses
_INFIX = {"add": ("+", 1), "sub": (MINUS, 1), "mul": ("·", 2), "div": ("/", 2), "pow_value": ("^", 3)}
_SUPERSCRIPT = str.maketrans("0123456789" + MINUS, "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_UNSUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789" + MINUS)
ELLIPSIS = "…"


def number(x: float, digits: int = 4) -> str:
    """`x` to `digits` significant digits, with a real minus sign (0.1385, −0.0381, 1.5e−5)."""
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", MINUS)


EXTRA_DIGITS = 4  # a line's operands get up to this many digits more than its result; past that it says ≈


def shown(x: float, digits: int = 4) -> float:
    """The number a reader gets back from `number(x, digits)`."""
    return float(f"{x:.{digits}g}")


def fitting_digits(
    evaluate: Callable[[Callable[[float], float]], float], result: float, digits: int = 4
) -> int | None:
    """The fewest digits (from `digits` up to `digits` + EXTRA_DIGITS) to print a line's operands with so
    that they give its printed result; None when even those do not (the line then writes ≈ before it).

    `evaluate(read)` computes the line's right side from its operands, each passed through `read` (the
    number a reader gets back from the printed operand); it is compared with `number(result, digits)`.
    """
    target = number(result, digits)
    if not math.isfinite(result):
        return digits
    for d in range(digits, digits + EXTRA_DIGITS + 1):
        try:
            if rounds_to(evaluate(lambda x, d=d: _read(x, d)), target, digits):
                return d
        except (ArithmeticError, ValueError):
            return None
    return None


def _read(x: float, digits: int) -> float:
    """`shown(x, digits)`, or ArithmeticError where floats cannot hold the printed number: below the
    normal range (4.941e−324 reads back as 5e−324), where sums of printed numbers are not float sums."""
    y = shown(x, digits)
    if 0 < abs(y) < sys.float_info.min:
        raise ArithmeticError("a subnormal number is not read back as printed")
    return y


def rounds_to(x: float, target: str, digits: int = 4) -> bool:
    """Whether `x` prints as `target`, clear of a rounding tie: a value computed in floats from printed
    numbers may sit a hair off a tie (3.4685) that exact arithmetic puts on it, so both sides must agree."""
    if 0 < abs(x) < 1e-290 and target != "0":  # a subnormal has too few bits for a relative margin
        return rounds_to(x * 1e300, number(float(target.replace(MINUS, "-")) * 1e300, digits), digits)
    return all(number(x * (1 + s * 1e-9), digits) == target for s in (-1, 1))


def equals(d: int | None) -> str:
    """The sign before a line's result: = when its printed operands give it, ≈ when they are rounded."""
    return " = " if d is not None else " ≈ "


EXACT_DIGITS = 12  # a constant of at most this many digits is written in full: 1.0001, not 1


def is_exact(x: float) -> bool:
    """Whether `constant` writes `x` in full (its shortest form has at most EXACT_DIGITS digits)."""
    if not math.isfinite(x):
        return False
    mantissa = repr(float(x)).split("e")[0].lstrip("-").replace(".", "").strip("0")
    # a subnormal's shortest form is far from its value (5e−324 is 4.94…e−324): it is not given in full
    near = abs(Fraction(repr(float(x))) - Fraction(x)) <= abs(Fraction(x)) * Fraction(1, 2**52)
    return len(mantissa) <= EXACT_DIGITS and near


def constant(x: float, digits: int = 4) -> str:
    """A constant's value as the user wrote it (its shortest form, see `is_exact`), else to `digits`."""
    if not is_exact(x):
        return number(x, digits)
    text = repr(float(x))
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa.removesuffix('.0')}e{int(exponent)}"
    return text.removesuffix(".0").replace("-", MINUS)


def safe(text: str) -> str:
    """`text` with characters no picture can hold (control characters, U+FFFE...) written as escapes."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\t":
            out.append(" ")
        elif ch == "\n":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cs") or code in (0xFFFE, 0xFFFF):
            # Expat (Graphviz's HTML-label parser) rejects these; show them the way Python writes them.
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


MAX_PICTURE_LABEL = 40  # a longer label is shortened in a picture's box (the tooltip has it whole)


def picture_text(text: str, limit: int | None = None) -> str:
    """A name as a picture shows it on one line: every control character written as an escape (a
    newline as `\\n`, a tab as `\\t`; see `safe`), and past `limit` characters shortened with `…`."""
    text = safe(text.replace("\n", "\\n").replace("\t", "\\t"))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + ELLIPSIS
    return text


def html_text(text: str) -> str:
    """`text` escaped for a Graphviz HTML-like label (line breaks become <BR/>)."""
    # Graphviz reads `\\` in a label as one backslash (even written as &#92;), so each one is doubled.
    # A lone `]` trips Graphviz's HTML-label lexer (a syntax error at `]</B>`): written as a reference.
    lines = safe(text).split("\n")
    return "<BR/>".join(
        html.escape(line, quote=True).replace("\\", "\\\\").replace("]", "&#93;") for line in lines
    )


@dataclass(frozen=True)
class Name:
    """How a node is written in pictures and captions, with the precedence its text binds at."""

    text: str
    precedence: int = ATOM
    derived: bool = False  # not the node's own label: an expression or a constant's value
    short: bool = False  # a long expression written in short (`short_name`)

    def wrapped(self, precedence: int = ATOM) -> str:
        """The text, parenthesised when it binds looser than `precedence`."""
        return f"({self.text})" if self.precedence < precedence else self.text


def number_name(x: float, digits: int) -> Name:
    """A constant's name: its value (a negative number is parenthesised inside products and powers)."""
    return Name(number(x, digits), 1 if x < 0 else ATOM, derived=True)


def constant_name(x: float, digits: int) -> Name:
    """A constant's or a setting's name: its value as written (see `constant`), bracketed like a number."""
    return Name(constant(x, digits), 1 if x < 0 else ATOM, derived=True)


def _is_number(text: str) -> bool:
    # a number as `number_name` writes it, or a template's slot for one (a private-use character: the
    # page's number templates, autograd.page.data)
    if len(text.lstrip(MINUS)) == 1 and "\ue000" <= text.lstrip(MINUS) <= "\uf8ff":
        return True
    try:
        float(text.replace(MINUS, "-"))
    except ValueError:
        return False
    return True


def expression(node: Value, operands: Sequence[Name], digits: int, tight: bool = True) -> Name:
    """`node`'s operation written with `operands` (parents' names or values): `w5·h1`, `σ(net_o1)`.

    `tight=True` for names: products without spaces. `tight=False` for numbers (every operand is a
    number, a negative one with precedence 1 as `number_name` makes it): spaced (0.4 · 0.5933), and a
    negative number is bracketed as `number_factor` does it, bare only in front (−0.3 · 0.5 + (−0.2)).
    """
    op = node.op
    params = node.params or {}
    if op.name in _INFIX:
        symbol, prec = _INFIX[op.name]
        right_prec = prec + 1 if op.name in ("sub", "div", "pow_value") else prec
        left_prec = prec + 1 if op.name == "pow_value" else prec
        if not tight and op.name != "pow_value":
            # a number: a negative one bare in front, bracketed after; a sum of numbers inside a
            # product is bracketed by precedence, as a name would be: (−2 + 5) · (−4)
            left_prec = 1 if _is_number(operands[0].text) else left_prec
            right_prec = 2 if _is_number(operands[1].text) else right_prec
        a, b = operands
        right = b.wrapped(right_prec)
        if right.startswith(MINUS):  # a minus right after an operator is bracketed: x + (−1), x − (−y)
            right = f"({right})"
        space = " " if prec == 1 or not tight else ""  # w5·h1 + w6·h2, as on a slide
        return Name(f"{a.wrapped(left_prec)}{space}{symbol}{space}{right}", prec, True)
    if op.name == "neg":
        return Name(f"{MINUS}{operands[0].wrapped(3)}", 1, True)  # binds like a sum: x·(−y)
    if op.name == "pow":
        return Name(power(operands[0].wrapped(4), params["n"], digits), 3, True)
    if op.name == "abs":
        return Name(f"|{operands[0].text}|", ATOM, True)
    args = ", ".join(o.text for o in operands)
    extra = "".join(f", {k}={number(v, digits)}" for k, v in params.items())
    return Name(f"{op.symbol}({args}{extra})", ATOM, True)


def superscript(n: int) -> str:
    """A whole number in superscript digits: 2 -> ², −1 -> ⁻¹."""
    return str(n).replace("-", MINUS).translate(_SUPERSCRIPT)


def power(base: str, n: float, digits: int = 4) -> str:
    """`base` to the power `n` as the slides write it: x², x³, x⁻¹; x^0.5 where Unicode has no digits."""
    if is_whole(n) or (isinstance(n, float) and n.is_integer() and abs(n) < 1e6):
        return f"{base}{superscript(int(n))}"
    return f"{base}^{number_name(n, digits).wrapped()}"


def names(nodes: Sequence[Value], digits: int = 4) -> dict[Value, Name]:
    """A name for every node (given in forward order): its label, a constant's value, or an expression.

    An unlabelled computed node is named by the expression that made it (`w5·h1`); when that would be
    longer than MAX_NAME characters, by a short form of it (see `short_name`). Labels are shown as
    `shown_labels` writes them: a label several nodes share is told apart (`h`, `h (2)`) with a warning,
    and a right-to-left one is isolated. No picture or caption shows an internal id.
    """
    labels = shown_labels(nodes)
    result: dict[Value, Name] = {}
    for node in nodes:
        if node.label:  # an empty label names nothing
            # A label such as "my x" or "a+b" is parenthesised wherever it is put into an expression.
            atomic = _ATOMIC_LABEL.fullmatch(node.label) and labels[node] == isolated(node.label)
            result[node] = Name(labels[node], ATOM if atomic else 0)
        elif node.op is None:
            result[node] = constant_name(node.data, digits)
        else:
            name = expression(node, [result[p] for p in node.parents], digits)
            # A chain that holds a shortened part is shortened as a whole: never `a + 1 more + b`.
            if len(name.text) > MAX_NAME or any(result[p].short and p.op is node.op for p in node.parents):
                name = short_name(node, result, digits)
            result[node] = name
    return result


FSI, PDI = "\u2068", "\u2069"  # Unicode's first-strong isolate and its end (UAX #9)
# Bidirectional classes that reorder the text around them: right-to-left letters and explicit controls.
_BIDI = {"R", "AL", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}


def isolated(text: str) -> str:
    """`text` between FSI and PDI when it holds right-to-left letters or bidi controls, else unchanged.

    Inside an isolate a Hebrew or Arabic label keeps its own order without reordering the formula around
    it (a minus sign stays before its number, the result at the end), and a stray control ends with it.
    """
    if any(unicodedata.bidirectional(ch) in _BIDI for ch in text):
        return f"{FSI}{text}{PDI}"
    return text


def shown_labels(nodes: Sequence[Value]) -> dict[Value, str]:
    """Each labelled node's label as every view shows it (text, pictures, the page).

    A label that several nodes share is a mistake to make visible: the first node (in the given order)
    keeps it, the others are `h (2)`, `h (3)`… (a number no other label takes), and a UserWarning names
    the label and how many nodes carry it (Python shows it once). Each label is `isolated`.
    """
    count = Counter(node.label for node in nodes if node.label)
    taken = set(count)
    seen: Counter[str] = Counter()
    shown = {}
    for node in nodes:
        if not node.label:
            continue
        seen[node.label] += 1
        suffix = ""
        if seen[node.label] > 1:
            k = seen[node.label]
            while f"{node.label} ({k})" in taken:
                k += 1
            taken.add(f"{node.label} ({k})")
            suffix = f" ({k})"
        shown[node] = isolated(node.label) + suffix
    for label, n in count.items():
        if n > 1:
            warnings.warn(
                f"{n} different nodes are labelled {label!r}; they are shown as {label!r}, "
                f"'{label} (2)'…; give them different labels",
                UserWarning,
                stacklevel=_caller_level(),
            )
    return shown


def _caller_level() -> int:
    """The `stacklevel` of the first frame outside the autograd package: a warning points at the user's
    line (Python 3.11 has no `skip_file_prefixes`)."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] == "autograd":
        level, frame = level + 1, frame.f_back
    return level


def short_name(node: Value, named: dict[Value, Name], digits: int = 4) -> Name:
    """A name of at most about MAX_NAME characters for an unlabelled node whose expression is longer.

    A sum or product of an unlabelled chain (an MLP's net input) is named by its first term and a count
    (`L2.W_11·L1.h_1 + 2 more`, `x·… (4 factors)`), or by the count alone (`Σ 3 terms`, `∏ 4 factors`);
    any other operation keeps its shape with long operands written `…` (`σ(…)`, `(…)²`).
    """
    if node.op.name in ("add", "mul"):
        terms = _chain(node)
        first = named[terms[0]].wrapped(1 if node.op.name == "add" else 2)
        if node.op.name == "add":
            text, short = f"{first} + {len(terms) - 1} more", f"Σ {len(terms)} terms"
        else:
            text, short = f"{first}·{ELLIPSIS} ({len(terms)} factors)", f"∏ {len(terms)} factors"
        return Name(text if len(text) <= MAX_NAME else short, 1, True, short=True)
    elided = Name(ELLIPSIS)
    operands = [elided if named[p].derived and p.op is not None else named[p] for p in node.parents]
    name = expression(node, operands, digits)
    if len(name.text) > MAX_NAME:
        name = expression(node, [elided] * len(operands), digits)
    return Name(name.text, name.precedence, True, short=True)


def _chain(node: Value) -> list[Value]:
    """The operands of a chain of one associative operation through unlabelled nodes, left to right."""
    terms, stack = [], [node]
    while stack:
        current = stack.pop()
        if current is node or (current.op is node.op and not current.label):
            stack.extend(reversed(current.parents))
        else:
            terms.append(current)
    return terms


def formula(node: Value, index: int, named: dict[Value, Name], digits: int = 4) -> str:
    """The rule table's ∂node/∂(input `index`), with the nodes' names put in: `o1·(1 − o1)`."""
    values = {"out": named[node].wrapped()}
    for letter, parent in zip("ab", node.parents):
        values[letter] = named[parent].wrapped()
    for key, value in (node.params or {}).items():
        values[key] = constant_name(value, digits).wrapped()
    # One pass over whole words, so that a substituted name is never substituted into again.
    # (a word may be followed by a superscript: b², out²; Python counts ² as a word character)
    pattern = r"\b(" + "|".join(map(re.escape, values)) + r")(?!(?![²³])\w)"
    settled = _settled(node.op.formula[index], node.params or {})
    rule = iverson(settled)
    if rule != settled:  # inside an Iverson bracket a comparison binds loosest: [s − t + 1 > 0], no brackets
        values.update({k: named[p].text for k, p in zip("ab", node.parents)})
    if rule in values:  # the rule is one letter: its name alone, unbracketed (b, not (−2))
        return (named[node] if rule == "out" else _operand(node, rule, named, digits)).text
    text = re.sub(pattern, lambda m: values[m.group(1)], rule)
    if node.op.name == "pow":  # the exponent n − 1 with n put in, as a slide writes it: 2·(t1 − o1)
        text = text.replace(f"^({values['n']}{MINUS}1)", _exponent(node.params["n"] - 1, digits))
    return text


_CONDITIONAL = re.compile(r"(.+?) if (.+?) else (.+)")


_NEGATION = {">": "≤", "<": "≥", "≤": ">", "≥": "<"}
_COMPARISON = re.compile(r"(.+?) ([<>≤≥]) (.+)")


def iverson(rule: str) -> str:
    """A rule written as a Python conditional (`1 if a > 0 else 0`), written as maths a student reads:
    Iverson brackets, [a > 0] being 1 where a > 0 holds and 0 elsewhere: `[a > 0]`, `[a > 0] + slope·[a ≤ 0]`,
    `[a > 0] − [a < 0]`, `[a > b] + 0.5·[a = b]`. The same text whatever the numbers (the page's what-if
    changes them). Any other rule is returned as it is."""
    branches, rest = [], rule
    while match := _CONDITIONAL.fullmatch(rest):
        branches.append((match[1], match[2]))
        rest = match[3]
    if not branches:
        return rule
    conditions = [c for _, c in branches]
    if len(conditions) == 1 and (m := _COMPARISON.fullmatch(conditions[0])):
        otherwise = f"{m[1]} {_NEGATION[m[2]]} {m[3]}"
    elif len(conditions) == 2 and all(_COMPARISON.fullmatch(c) for c in conditions):
        otherwise = f"{_COMPARISON.fullmatch(conditions[0])[1]} = {_COMPARISON.fullmatch(conditions[0])[3]}"
    else:
        return rule
    terms = [*branches, (rest, otherwise)]
    text = ""
    for value, condition in terms:
        if value == "0":
            continue
        negative = value.startswith(MINUS)
        size = value.removeprefix(MINUS)
        term = f"[{condition}]" if size == "1" else f"{size}·[{condition}]"
        text += (f" {MINUS} " if negative else " + ") + term if text else (MINUS if negative else "") + term
    return text or "0"


def _settled(rule: str, params: dict) -> str:
    """A rule whose condition is on the op's settings alone (`0 if n = 0 else n·a^(n−1)`): its branch."""
    match = _CONDITIONAL.fullmatch(rule)
    if match and params and set(re.findall(r"[A-Za-z_]+", match[2])) <= set(params):
        return match[1] if evaluator(f"1 if {match[2]} else 0")(**params) else _settled(match[3], params)
    return rule


def _operand(node: Value, letter: str, named: dict[Value, Name], digits: int) -> Name:
    if letter in "ab":
        return named[node.parents["ab".index(letter)]]
    return constant_name(node.params[letter], digits)


def _exponent(n: float, digits: int) -> str:
    return "" if n == 1 else power("", n, digits)


def consumers(nodes: Sequence[Value]) -> dict[Value, list[tuple[Value, int]]]:
    """For each node, the (node, input position) pairs that use it, in forward order."""
    used: dict[Value, list[tuple[Value, int]]] = {node: [] for node in nodes}
    for node in nodes:
        for i, parent in enumerate(node.parents):
            used[parent].append((node, i))
    return used


def shown_gradients(root: Value, upstream: float | None = None) -> dict[Value, float]:
    """∂root/∂node for every node of `root`'s graph, as every view writes it (the one rule for that).

    The root's is `upstream` (its `.grad` when None: the seed `root.backward()` left); each other
    node's is the exactly rounded sum (`math.fsum`) of its users' contributions local · (the user's
    shown gradient), users first. That is the engine's `.grad` to the last bit or two, except where the
    contributions cancel: x·a + x·b − x·a − x·b at a = 0.1, b = 0.2 gives 0, where the engine's running
    sum leaves −2.776e−17 (0.1 + 0.2 − 0.1 − 0.2 in floats). `explain` sums paths with fsum too, and
    the page's script sums a node's uses the same way, so every view writes the same number.
    """
    order = teaching_order(root)  # every node after all its users
    used = consumers(order)
    shown = {root: root.grad if upstream is None else upstream}
    for node in order:
        if node is not root:
            shown[node] = math.fsum(c.local[i] * shown[c] for c, i in used[node])
    return shown


def held_gradients(root: Value) -> dict[Value, float]:
    """Each node's `.grad` as a picture writes it: the value the node holds, except that rounding noise
    left where contributions cancel is written as `shown_gradients` writes it (0, not −2.776e−17).

    A `.grad` within a few ulps of the exactly rounded sum of its users' contributions (scaled by the
    size of those contributions: the rounding a running sum can leave) is replaced by that sum; any
    other `.grad` (accumulated over two backward calls, written by a wrong pass of the mistakes lab, not
    yet computed) is kept as held, so a picture never shows a gradient the node does not hold.
    """
    order = teaching_order(root)
    used = consumers(order)
    held = {root: root.grad}
    for node in order:
        if node is root:
            continue
        terms = [c.local[i] * held[c] for c, i in used[node]]
        exact = math.fsum(terms)
        noise = 8 * sys.float_info.epsilon * math.fsum(abs(t) for t in terms)
        held[node] = exact if abs(node.grad - exact) <= noise else node.grad
    return held


@dataclass(frozen=True)
class Step:
    """One step of a pass drawn as a frame: the node it completes, its number and the caption."""

    node: Value
    value: float  # the gradient (backward) or the value (forward) the step computes
    caption: str


def is_constant(node: Value) -> bool:
    """Whether `node` is a constant: an unlabelled leaf, written as its value (`x·1.0004`)."""
    return node.op is None and not node.label


def gradient_head(
    node: Value, top: str, named: dict[Value, Name], used: dict[Value, list[tuple[Value, int]]]
) -> str:
    """`∂top/∂node` as a backward step's caption starts; a constant (`is_constant`) is said to be one and
    where it is used, since three constants 1.0004 would read `∂f/∂1.0004` alike: `∂f/∂1.0004 (the
    constant in h)`."""
    head = f"∂{top}/∂{named[node].wrapped()}"
    if not is_constant(node) or not used[node]:
        return head
    users = ", ".join(dict.fromkeys(named[c].text for c, _ in used[node]))
    return f"{head} (the constant in {users})"


def number_factor(x: float, digits: int = 4, first: bool = False) -> str:
    """`x` as a factor of a product: a negative number is parenthesised unless it comes first."""
    text = number(x, digits)
    return text if first or x >= 0 else f"({text})"


def backward_steps(
    root: Value, digits: int = 4, max_terms: int = 4, upstream: float = 1.0, loss: str | None = None
) -> list[Step]:
    """The backward pass, one step per node in the order the slides teach, each with its chain-rule caption.

    Step k's node is the k-th node of `autograd.graph.teaching_order(root)`: a reverse topological
    order, so by then every node that uses it has been visited and its gradient is complete; among such
    orders it shows a gradient as soon as it is complete (∂f/∂w5 right after δ_o1, as the first deck
    derives it). The caption sums, over those uses, the user's gradient times the local gradient (formula
    from the rule table, numbers from `node.local`), and ends with the gradient ∂root/∂node as every
    view writes it (`shown_gradients`: their exactly rounded sum; `.grad` is neither read nor changed).
    A constant's step says which one it is (see `gradient_head`). `upstream` is ∂loss/∂root where the
    graph is a gate inside a bigger one (the slide gives it, CS231n's ∂L/∂z = 5); the gradients are then
    of `loss` (its name, "L" by default).
    """
    order = teaching_order(root)
    forward = forward_order(root)
    named = names(forward, digits)
    grads = shown_gradients(root, upstream)
    used = consumers(forward)
    top = named[root].wrapped() if upstream == 1.0 and loss is None else (loss or "L")
    steps = []
    for node in order:
        head = gradient_head(node, top, named, used)
        if node is root:
            given = "1" if upstream == 1.0 and loss is None else f"{number(upstream, digits)} (given)"
            steps.append(Step(node, grads[node], f"{head} = {given}"))
            continue
        caption = _backward_caption(head, top, grads[node], used[node], grads, named, digits, max_terms)
        steps.append(Step(node, grads[node], caption))
    return steps


def _backward_caption(head, top, value, uses, grads, named, digits: int, max_terms: int) -> str:
    """∂top/∂node summed over its `uses`: symbols = numbers = gradient (numbers as `fitting_digits` says)."""
    shown = uses if len(uses) <= max_terms else uses[: max_terms - 1]
    symbolic = [f"∂{top}/∂{named[c].wrapped()} · {factor(formula(c, i, named, digits))}" for c, i in shown]
    fixed = [local_constant(c, i, named, digits) for c, i in uses]
    fit = digits
    if len(shown) == len(uses):  # every term is shown: its numbers must give the gradient
        fit = fitting_digits(
            lambda read: math.fsum(
                read(grads[c]) * read_fixed(read, c.local[i], k) for (c, i), k in zip(uses, fixed)
            ),
            value,
            digits,
        )
    d = fit or digits
    numeric = [
        f"{number_factor(grads[c], d, k == 0)} · {value_factor(c.local[i], d, fixed[k])}"
        for k, (c, i) in enumerate(shown)
    ]
    if len(shown) < len(uses):
        more = f" + … ({len(uses)} terms)"
        symbolic[-1] += more
        numeric[-1] += more
    return f"{head} = {' + '.join(symbolic)} = {' + '.join(numeric)}{equals(fit)}{number(value, digits)}"


def forward_steps(root: Value, digits: int = 4) -> list[Step]:
    """The forward pass, one step per computed node in evaluation order, with the value it computes.

    Leaves (inputs, parameters, constants) are given, not computed, so they have no step. A caption
    writes the operation with names, then with numbers; its second line gives the local gradients
    recorded at that moment (rule-table formula = number from `node.local`), but none with respect to a
    constant (`is_constant`).
    """
    forward = forward_order(root)
    named = names(forward, digits)
    steps = []
    for node in forward:
        if node.op is None:
            continue
        name = named[node]
        symbolic = expression(node, [named[p] for p in node.parents], digits).text
        numbers, sign = operation_numbers(node, digits)
        lhs = "" if symbolic == name.text else f"{name.text} = "
        symbolic = checked_side(symbolic, node.data, digits)
        local = [local_line(node, i, named, digits) for i, p in enumerate(node.parents) if not is_constant(p)]
        head = f"{lhs}{symbolic} = " if symbolic else lhs
        caption = f"{head}{numbers}{sign}{number(node.data, digits)}"
        steps.append(Step(node, node.data, f"{caption}\nlocal gradients: {';  '.join(local)}"))
    return steps


def operation_numbers(node: Value, digits: int = 4) -> tuple[str, str]:
    """`node`'s operation written with its operands' values (`0.4 · 0.5933`), and the sign before its
    value: the operands get as many digits as it takes for the operation on them as printed to give
    the printed value (" = "), else `digits` and " ≈ " (see `fitting_digits`). A constant (unlabelled
    leaf) is written as it is named (`x·1.0004 = 1 · 1.0004`, `constant`)."""
    fixed = [p.op is None and not p.label for p in node.parents]

    def evaluate(read):
        xs = (read_constant(p.data, digits) if keep else read(p.data) for p, keep in zip(node.parents, fixed))
        return node.op.forward(*xs, **(node.params or {}))

    fit = fitting_digits(evaluate, node.data, digits)
    operands = [
        constant_name(p.data, digits) if keep else number_name(p.data, fit or digits)
        for p, keep in zip(node.parents, fixed)
    ]
    return expression(node, operands, digits, False).text, equals(fit)


def read_constant(x: float, digits: int = 4) -> float:
    """The number a reader gets back from a constant's name (`constant`)."""
    return x if is_exact(x) else shown(x, digits)


_NUMERIC_SIDE = re.compile(r"[\d.e−+·/() ⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
_POWER = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")


def numeric_value(side: str) -> float | None:
    """What a side written in numbers only (`1.0004 · 1.0004`, `1.0001¹⁰⁰⁰⁰`) computes to; None for any
    other text (names, calls, `…`). Read with the rule table's own parser (`autograd.notation`)."""
    if not _NUMERIC_SIDE.fullmatch(side) or not re.search(r"\d", side):
        return None
    text = _POWER.sub(lambda m: "^(" + m[0].translate(_UNSUPERSCRIPT) + ")", side)
    text = re.sub(r"(?<=\d)e(−?\d+)", r"·10^(\1)", text)
    try:
        return evaluator(text)()
    except (NotationError, ArithmeticError, ValueError):
        return None


def checked_side(side: str, value: float, digits: int = 4) -> str:
    """`side` of a line whose result is `value`, or "" when it is written in numbers only (names of
    rounded constants: `1.49·1.49`) that do not give the printed result; the fitted numbers side says it."""
    computed = numeric_value(side)
    if computed is None or not math.isfinite(value) or rounds_to(computed, number(value, digits), digits):
        return side
    return ""


_CONSTANT_TEXT = re.compile(r"−?\d+(?:\.\d+)?(?:e−?\d+)?")


def constant_text(text: str, value: float) -> str | None:
    """`text` when it is one number written in full (a constant as `constant` writes it, or a rule's
    1 or −1) that is exactly `value`, else None.

    Every view asks this of a local gradient (`formula` text and `node.local[i]`): x·1.0004's ∂/∂x is
    the constant 1.0004, so it is written as given (never rounded to 1) and read exactly when a line's
    digits are fitted (see `fitting_digits`).
    """
    if _CONSTANT_TEXT.fullmatch(text) and numeric_value(text) == value and is_exact(value):
        return text
    return None


def local_constant(node: Value, i: int, named: dict[Value, Name], digits: int = 4) -> str | None:
    """∂node/∂(input `i`) as a constant's text when the rule makes it one (see `constant_text`)."""
    return constant_text(formula(node, i, named, digits), node.local[i])


def value_factor(x: float, digits: int, fixed: str | None = None, first: bool = False) -> str:
    """A factor of a line's numbers: `fixed` (a constant's text, see `constant_text`) where there is one,
    else `x` to `digits`; a negative one parenthesised unless it comes first."""
    if fixed is None:
        return number_factor(x, digits, first)
    return fixed if first or not fixed.startswith(MINUS) else f"({fixed})"


def read_fixed(read: Callable[[float], float], x: float, fixed: str | None) -> float:
    """What a reader gets back from a factor printed by `value_factor`: a constant exactly."""
    return x if fixed is not None else read(x)


def local_line(node: Value, i: int, named: dict[Value, Name], digits: int = 4) -> str:
    """`∂node/∂parent = formula = value` for input `i` (the value left out where the formula is it, or
    is a constant: `∂e/∂d = 10000000000`, never `= 1e10` after it)."""
    rule, value = formula(node, i, named, digits), number(node.local[i], digits)
    head = f"∂{named[node].wrapped()}/∂{named[node.parents[i]].wrapped()} = {rule}"
    return head if rule == value or constant_text(rule, node.local[i]) else f"{head} = {value}"


def factor(text: str) -> str:
    """A formula as a factor of a product: parenthesised unless it is one term.

    One term has no space outside parentheses (`o1·(1 − o1)`, `out·log(a)`) and no leading minus.
    """
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(ch, 0)  # an Iverson bracket is one term
        if ch == " " and depth == 0:
            return f"({text})"
    return f"({text})" if text.startswith(MINUS) else text
