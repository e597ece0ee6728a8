"""A user's expression text -> a Value graph: `parse("net = w*x + b; f = sigmoid(net)").build(values)`.

The text is untrusted data: it is tokenized (autograd.tokens, the tokenizer the rule table's notation
shares) and parsed here, never given to `eval`, and a name is only ever a variable or one of the rule
table's functions. Grammar (lowest binding first)::

    program   := statement ((";" | newline) statement)*
    statement := NAME "=" sum | sum
    sum       := product (("+" | "-") product)*
    product   := unary (("*" | "/") unary)*
    unary     := ("-" | "+") unary | power
    power     := atom (("**" | "^") unary)?          # right-associative: 2^-1, x^2^3 = x^(2^3)
    atom      := NUMBER | NAME | NAME "(" sum ("," sum)* ")" | "(" sum ")"

`−`, `·`, `×` and `²`/`³` are read as `-`, `*`, `*` and `^2`/`^3`, as the slides write them. A number
exponent makes the rule table's `pow` (x^n, n a setting), a computed one `pow_value`. Assigned names
become node labels; free names are the inputs, whose values `build` takes.

A name may be assigned again, as in a program: `f = x*3; f = f*2` (the later definition uses the earlier
value). The last definition of a name keeps the name; earlier ones are labelled `f_1`, `f_2`, … in order
(skipping names the text uses), so every node of a picture has a name of its own. `f = g` gives g's node
a second name, no node of its own. `Program.unused()` names the definitions the output does not use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import is_real
from .ops import LEAKY_SLOPE, OPS, Op
from .tokens import tokenize
from .value import Value

MAX_LENGTH = 20_000  # characters
MAX_DEPTH = 200  # nested brackets and operators
OPERATOR_OPS = {"add", "sub", "mul", "div", "neg", "pow", "pow_value"}  # written as operators, not calls
FUNCTIONS: dict[str, Op] = {name: op for name, op in OPS.items() if name not in OPERATOR_OPS}
FUNCTIONS |= {"σ": OPS["sigmoid"], "ln": OPS["log"]}  # as the slides write them
_PARAMS = {"leaky_relu": {"slope": LEAKY_SLOPE}}  # settings given as extra arguments, with their defaults

_COMPARISONS = {">=", "<=", "<", ">", "≥", "≤"}  # tokens of the rule table's notation, not of expressions
_SYNONYMS = {"−": "-", "·": "*", "×": "*", "**": "^"}


class ParseError(ValueError):
    """The text is not a valid expression; the message marks the position with a caret."""

    def __init__(self, text: str, position: int, message: str) -> None:
        line_start = text.rfind("\n", 0, position) + 1
        line_end = text.find("\n", position)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        column = position - line_start
        line_number = text.count("\n", 0, position) + 1
        where = f"line {line_number}, column {column + 1}" if "\n" in text else f"column {column + 1}"
        shown, caret = _window(line, column)
        super().__init__(f"{message} ({where})\n  {shown}\n  {' ' * caret}^")
        self.position = position


CONTEXT = 60  # characters shown each side of an error: a 2,000-character line would drown the message


def _window(line: str, column: int) -> tuple[str, int]:
    """The part of `line` around `column` (… where cut), and the column of the caret in it."""
    start, end = max(0, column - CONTEXT), min(len(line), column + CONTEXT + 1)
    before = "…" if start > 0 else ""
    after = "…" if end < len(line) else ""
    return before + line[start:end] + after, column - start + len(before)


class UnusedValues(ValueError):
    """Values were given for names the expression does not use; `names` lists them."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(f"{', '.join(names)}: given a value but not used by the expression")
        self.names = names


class MissingValues(ValueError):
    """Some free names of the expression were given no value; `names` lists them in order."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(f"no value for {', '.join(names)}")
        self.names = names


@dataclass(frozen=True)
class Node:
    """One node of the syntax tree: a number, a name, or an operation on child nodes."""

    kind: str  # "number", "name", "op"
    value: Any  # the number, the name, or the op's name
    children: tuple[Node, ...] = ()
    params: tuple[tuple[str, float], ...] = ()
    position: int = 0


@dataclass(frozen=True)
class Statement:
    """`target = expression`, or a bare expression (target None)."""

    target: str | None
    expression: Node
    position: int


@dataclass(frozen=True)
class Program:
    """A parsed expression text: its statements, free names (inputs) and assigned names."""

    text: str
    statements: tuple[Statement, ...]
    inputs: tuple[str, ...]  # free names in order of first use
    assigned: tuple[str, ...]  # each assigned name once, in order of its first definition
    # each statement's node label: its target, numbered (f_1) where a later statement assigns the name
    # again; None for a bare expression and for `f = g` (no node of its own)
    labels: tuple[str | None, ...] = ()

    def unused(self, output: str | None = None) -> tuple[str, ...]:
        """The definitions that the output (the last statement, or the last definition of `output`)
        does not use, by label (`statement 2` for a bare expression), in the order of the text."""
        last = len(self.statements) - 1
        if output is not None:
            last = max(i for i, st in enumerate(self.statements) if st.target == output)
        needed = _names(self.statements[last].expression)
        unused = []
        for i in range(last - 1, -1, -1):
            statement = self.statements[i]
            if statement.target in needed:
                needed.discard(statement.target)  # an earlier definition of it is another value
                needed |= _names(statement.expression)
            else:
                unused.append(self._label(i) or statement.target or f"statement {i + 1}")
        return tuple(reversed(unused))

    def _label(self, i: int) -> str | None:
        return self.labels[i] if self.labels else self.statements[i].target

    def build(self, values: Mapping[str, float]) -> dict[str, Value]:
        """Every named node (inputs first, then assigned names) built from Values; the last statement's
        node is the output, also under the key `""` when it has no name.

        Raises MissingValues for inputs without a value, UnusedValues for a value given to a name the
        text does not use, ValueError for a value that is not a number, and the engine's DomainError
        (naming the node) for an input outside an operation's domain.
        """
        missing = [name for name in self.inputs if name not in values]
        if missing:
            raise MissingValues(missing)
        unused = [name for name in values if name not in self.inputs]
        if unused:
            raise UnusedValues(unused)
        nodes: dict[str, Value] = {}
        for name in self.inputs:
            if not is_real(values[name]):
                raise ValueError(f"the value of {name} must be a number, got {values[name]!r}")
            nodes[name] = Value(values[name], name)
        bound = dict(nodes)  # each name's current value, as the statements run
        out = None
        for i, statement in enumerate(self.statements):
            out = _evaluate(statement.expression, bound)
            label = self._label(i)
            if statement.expression.kind == "op" and label is not None:
                nodes[label] = out.named(label)
            if statement.target is not None:
                bound[statement.target] = out
        if self.statements[-1].target is None:
            nodes[""] = out
        else:
            nodes.setdefault(self.statements[-1].target, out)  # `f = g` last: f is g's node
        return nodes

    @property
    def output(self) -> str:
        """The name of the last statement's node ("" when it is a bare expression)."""
        return self.statements[-1].target or ""


def parse(text: str) -> Program:
    """Parse an expression text (statements separated by `;` or new lines) into a Program.

    Raises ParseError (a ValueError) with the position marked for bad syntax, an unknown function (the
    message lists the known ones), a wrong number of arguments, an input assigned or a name used before
    it is assigned, an output that computes nothing (`f = x`, `f = 3`), and text longer than MAX_LENGTH
    or nested deeper than MAX_DEPTH.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse: expected the expression as text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"the expression is {len(text):,} characters long; the limit is {MAX_LENGTH:,}")
    return _Parser(text).program()


def _evaluate(tree: Node, nodes: dict[str, Value]) -> Value:
    """The Value a syntax tree computes. Iterative (children before parents, on an explicit stack), so a
    long chain such as x + x + … + x, a tree as deep as it is long, needs no recursion."""
    done: dict[int, Value] = {}
    stack = [(tree, False)]
    while stack:
        node, ready = stack.pop()
        if node.kind == "name":
            done[id(node)] = nodes[node.value]
        elif node.kind == "number":
            done[id(node)] = Value(node.value)
        elif not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children))
        else:
            args = [done[id(child)] for child in node.children]
            op = FUNCTIONS.get(node.value) or OPS[node.value]
            done[id(node)] = Value.apply(op, *args, **dict(node.params))
    return done[id(tree)]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0
        self.depth = 0
        self.inputs: dict[str, None] = {}
        self.assigned: dict[str, None] = {}
        self.aliases: dict[str, str | None] = {}  # assigned name -> the name it stands for (f = g), or None

    # --- tokens ------------------------------------------------------------------------------------

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, text: str, what: str) -> None:
        kind, value, position = self.take()
        if value != text or kind != "op":
            raise ParseError(self.text, position, f"expected {what}, found {_shown(kind, value)}")

    def fail(self, message: str) -> ParseError:
        return ParseError(self.text, self.peek()[2], message)

    # --- grammar -----------------------------------------------------------------------------------

    def program(self) -> Program:
        statements = []
        while True:
            while self.peek()[1] in (";", "\n") and self.peek()[0] == "op":
                self.take()
            if self.peek()[0] == "end":
                break
            statements.append(self.statement())
            kind, value, _ = self.peek()
            if kind != "end" and value not in (";", "\n"):
                raise self.fail(f"expected an operator, ';' or the end, found {_shown(kind, value)}")
        if not statements:
            raise ParseError(self.text, 0, "the expression is empty")
        last = statements[-1]
        if last.target is not None and self.aliases.get(last.target) in self.inputs:
            raise ParseError(
                self.text, last.position, f"{last.target} = … must compute something from its inputs"
            )
        return Program(
            self.text, tuple(statements), tuple(self.inputs), tuple(self.assigned), self._labels(statements)
        )

    def _labels(self, statements: list[Statement]) -> tuple[str | None, ...]:
        """Each statement's node label: the last computed definition of a name keeps it, earlier ones
        are numbered name_1, name_2, … (skipping names the text uses)."""
        computed = [
            st.target if st.target is not None and st.expression.kind == "op" else None for st in statements
        ]
        taken = set(self.inputs) | set(self.assigned)
        labels: list[str | None] = []
        counts: dict[str, int] = {}
        targets = [st.target for st in statements]
        for i, target in enumerate(computed):
            if target is None or target not in targets[i + 1 :]:  # f = g later also replaces f
                labels.append(target)
                continue
            k = counts.get(target, 0) + 1
            while f"{target}_{k}" in taken:
                k += 1
            counts[target] = k
            taken.add(f"{target}_{k}")
            labels.append(f"{target}_{k}")
        return tuple(labels)

    def statement(self) -> Statement:
        kind, value, position = self.peek()
        target = None
        if kind == "name" and self.tokens[self.i + 1][1] == "=":
            if value in FUNCTIONS:
                raise self.fail(f"{value} is a function of the rule table and cannot be assigned")
            if value in self.inputs:
                raise self.fail(
                    f"{value} is an input of the expression (its value is given); name the new node"
                )
            self.i += 2
            target = value
        expression = self.sum()
        if target is not None:
            if target in self.inputs:  # f = f*2 with no f before: f would be an input and a node
                raise ParseError(self.text, position, f"{target} is used before it is given a value")
            if expression.kind == "number":
                raise ParseError(self.text, position, f"{target} = … must compute something from its inputs")
            # f = g: f names g's value; an input's name when g is (or names) an input
            alias = expression.value if expression.kind == "name" else None
            self.aliases[target] = self.aliases.get(alias, alias)
            self.assigned[target] = None
        return Statement(target, expression, position)

    def nested(self, parse: Any) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"the expression is nested more than {MAX_DEPTH} levels deep")
        try:
            return parse()
        finally:
            self.depth -= 1

    def sum(self) -> Node:
        left = self.product()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            _, symbol, position = self.take()
            left = Node("op", "add" if symbol == "+" else "sub", (left, self.product()), position=position)
        return left

    def product(self) -> Node:
        left = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            _, symbol, position = self.take()
            left = Node("op", "mul" if symbol == "*" else "div", (left, self.unary()), position=position)
        return left

    def unary(self) -> Node:
        kind, symbol, position = self.peek()
        if kind == "op" and symbol in ("-", "+"):
            self.take()
            operand = self.nested(self.unary)
            if symbol == "+":
                return operand
            if operand.kind == "number":
                return Node("number", -operand.value, position=position)
            return Node("op", "neg", (operand,), position=position)
        return self.power()

    def power(self) -> Node:
        base = self.nested(self.atom)
        if self.peek()[1] == "^" and self.peek()[0] == "op":
            _, _, position = self.take()
            exponent = self.nested(self.unary)
            if exponent.kind == "number":
                return Node("op", "pow", (base,), (("n", exponent.value),), position)
            return Node("op", "pow_value", (base, exponent), position=position)
        return base

    def atom(self) -> Node:
        kind, value, position = self.take()
        if kind == "number":
            return Node("number", value, position=position)
        if kind == "op" and value == "(":
            inner = self.nested(self.sum)
            self.expect(")", "')'")
            return inner
        if kind == "name":
            if self.peek()[1] == "(" and self.peek()[0] == "op":
                return self.call(value, position)
            if value in FUNCTIONS:
                raise ParseError(self.text, position, f"{value} is a function: write {value}(…)")
            if value not in self.assigned:
                self.inputs.setdefault(value, None)
            return Node("name", value, position=position)
        raise ParseError(
            self.text, position, f"expected a number, a name or '(', found {_shown(kind, value)}"
        )

    def call(self, name: str, position: int) -> Node:
        op = FUNCTIONS.get(name)
        if op is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise ParseError(self.text, position, f"unknown function {name!r}; the functions are: {known}")
        self.take()  # "("
        args = [self.nested(self.sum)]
        while self.peek()[1] == "," and self.peek()[0] == "op":
            self.take()
            args.append(self.nested(self.sum))
        self.expect(")", "',' or ')'")
        settings = _PARAMS.get(name, {})
        if not op.arity <= len(args) <= op.arity + len(settings):
            wanted = f"{op.arity}" + (f" or {op.arity + len(settings)}" if settings else "")
            raise ParseError(self.text, position, f"{name} takes {wanted} argument(s), got {len(args)}")
        params = dict(settings)
        for setting, arg in zip(settings, args[op.arity :]):
            if arg.kind != "number":
                raise ParseError(self.text, arg.position, f"{name}'s {setting} must be a number")
            params[setting] = arg.value
        return Node("op", name, tuple(args[: op.arity]), tuple(params.items()), position)


def _names(tree: Node) -> set[str]:
    """The names a syntax tree reads (iterative: a tree may be as deep as the text is long)."""
    names, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if node.kind == "name":
            names.add(node.value)
        stack.extend(node.children)
    return names


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, position) for each token (autograd.tokens), ending with ("end", "", len(text))."""
    tokens = []
    for kind, value, position in tokenize(text):
        if kind == "unknown" or value in _COMPARISONS:
            raise ParseError(text, position, f"unexpected character {text[position]!r}")
        if kind == "number":
            tokens.append((kind, _number(value, text, position), position))
        elif kind == "op" and value in ("²", "³"):
            tokens += [("op", "^", position), ("number", 2.0 if value == "²" else 3.0, position)]
        elif kind != "space":
            tokens.append((kind, _SYNONYMS.get(value, value), position))
    tokens.append(("end", "", len(text)))
    return tokens


def _number(text: str, source: str, position: int) -> float:
    try:
        value = float(text.replace("−", "-"))
    except ValueError:
        raise ParseError(source, position, f"{text!r} is not a number") from None
    if value == float("inf"):
        raise ParseError(source, position, f"{text} is too large for a float")
    return value


def _shown(kind: str, value: Any) -> str:
    if kind == "end":
        return "the end"
    if value == "\n":
        return "a new line"
    return repr(value) if kind != "number" else str(value)
