"""The rule table's notation (`out·(1 − out)`, `a if a > 0 else slope·a`) translated to JavaScript and NumPy.

The page recomputes values and gradients in the browser from the rule table's own text (`Op.expression`
and `Op.formula`), so that no derivative is written twice. A small parser reads the notation into a tree
that is written out as JavaScript for the page or as NumPy for replaying a trace over a batch
(autograd.replay), or evaluated node by node (`evaluator`: the tests that hold the text to the engine's
numbers, and the explainer reading back a line's numbers, however long). The tokens
are the project's one tokenizer's (autograd.tokens, shared with users' expressions); only the numbers,
names and operators below are accepted, so the generated code can hold nothing else.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from types import SimpleNamespace

from .ops import OPS, Op
from .tokens import Token, tokenize

VARIABLES = ("a", "b", "out", "n", "slope")  # inputs, the op's result, and the ops' settings
FUNCTIONS = ("exp", "log", "sin", "cos", "tanh", "sqrt", "abs", "σ")
_COMPARISONS = {"=": "==", ">": ">", "<": "<", ">=": ">=", "<=": "<=", "≥": ">=", "≤": "<="}
_OPERATORS = {
    "-",
    "−",
    "+",
    "·",
    "*",
    "/",
    "^",
    "²",
    "(",
    ")",
    *_COMPARISONS,
}  # of autograd.tokens' operators
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e−\d+)?")  # 2.2250738585072014e−308, the smallest normal float


class NotationError(ValueError):
    """Text that is not in the rule table's notation."""


@dataclass(frozen=True)
class Node:
    """One node of a parsed formula: a number, a variable, a call, an operator or a conditional."""

    kind: str  # "num", "var", "call", "neg", "bin", "square", "if"
    value: str = ""  # the number, variable, function or operator
    args: tuple[Node, ...] = ()
    # Where the node was read from in the text (brackets around it included): see `spelled`.
    span: tuple[int, int] = field(default=(0, 0), compare=False)


def spelled(text: str, node: Node) -> str:
    """The part of `text` (the text `node` was parsed from) that `node` was read from, as written."""
    return text[node.span[0] : node.span[1]]


def _tokens(text: str) -> list[Token]:
    """The notation's tokens of `text` (autograd.tokens), without spaces; NotationError for any other."""
    tokens = []
    for token in tokenize(text):
        if token.kind == "space" or token.text == "\n":
            continue
        if (
            token.kind == "unknown"
            or (token.kind == "number" and not _NUMBER.fullmatch(token.text))
            or (token.kind == "op" and token.text not in _OPERATORS)
        ):
            raise NotationError(f"cannot read {text[token.position :].rstrip()!r} in {text!r}")
        tokens.append(token)
    return tokens


class _Parser:
    # Precedence, loosest first: `x if c else y`, comparison, + −, · /, unary −, ^ (right), ², atoms.
    # As in Python, −a^2 is −(a^2). Each node keeps the span of text it was read from.
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos].text if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise NotationError(f"expected {expected or 'more'} at token {self.pos} of {self.text!r}")
        self.pos += 1
        return token

    def start(self) -> int:
        """Where the next token starts."""
        return self.tokens[self.pos].position if self.pos < len(self.tokens) else len(self.text)

    def node(self, start: int, kind: str, value: str = "", args: tuple[Node, ...] = ()) -> Node:
        """A node read from `start` up to the last token taken."""
        return Node(kind, value, args, (start, self.tokens[self.pos - 1].end))

    def parse(self) -> Node:
        tree = self.conditional()
        if self.peek() is not None:
            raise NotationError(f"unexpected {self.peek()!r} in {self.text!r}")
        return tree

    def conditional(self) -> Node:
        start = self.start()
        then = self.sum()
        if self.peek() != "if":
            return then
        self.take("if")
        left = self.sum()
        op = self.take()
        if op not in _COMPARISONS:
            raise NotationError(f"expected a comparison, got {op!r} in {self.text!r}")
        right = self.sum()
        condition = self.node(left.span[0], "bin", _COMPARISONS[op], (left, right))
        self.take("else")
        otherwise = self.conditional()
        return self.node(start, "if", "", (condition, then, otherwise))

    def sum(self) -> Node:
        start = self.start()
        tree = self.product()
        while self.peek() in ("+", "−", "-"):
            op = "+" if self.take() == "+" else "-"
            tree = self.node(start, "bin", op, (tree, self.product()))
        return tree

    def product(self) -> Node:
        start = self.start()
        tree = self.unary()
        while self.peek() in ("·", "*", "/"):
            op = "/" if self.take() == "/" else "*"
            tree = self.node(start, "bin", op, (tree, self.unary()))
        return tree

    def unary(self) -> Node:
        start = self.start()
        if self.peek() in ("−", "-"):
            self.take()
            return self.node(start, "neg", "", (self.unary(),))
        return self.power()

    def power(self) -> Node:
        start = self.start()
        base = self.postfix()
        if self.peek() == "^":
            self.take()
            return self.node(start, "bin", "^", (base, self.unary()))
        return base

    def postfix(self) -> Node:
        start = self.start()
        tree = self.atom()
        while self.peek() == "²":
            self.take()
            tree = self.node(start, "square", "", (tree,))
        return tree

    def atom(self) -> Node:
        start = self.start()
        token = self.take()
        if token == "(":
            tree = self.conditional()
            self.take(")")
            return replace(tree, span=(start, self.tokens[self.pos - 1].end))
        if _NUMBER.fullmatch(token):
            return self.node(start, "num", token)
        if token in FUNCTIONS:
            self.take("(")
            argument = self.conditional()
            self.take(")")
            return self.node(start, "call", token, (argument,))
        if token in VARIABLES:
            return self.node(start, "var", token)
        raise NotationError(f"unknown name {token!r} in {self.text!r}")


def parse(text: str) -> Node:
    """The tree of a formula or expression written in the rule table's notation."""
    return _Parser(text).parse()


_JS_FUNCTIONS = {name: f"Math.{name}" for name in ("exp", "log", "sin", "cos", "tanh", "sqrt", "abs")}
_JS_FUNCTIONS["σ"] = "F.sigmoid"  # σ is the sigmoid op's own expression, translated like any other


def to_js(tree: Node) -> str:
    """The tree as a JavaScript expression over a, b, out and p (the op's settings: p.n, p.slope)."""
    return _emit(tree, _js_leaf, _js_call, _js_if, "Math.pow")


def to_numpy(tree: Node) -> str:
    """The tree as a NumPy expression over arrays a, b, out and numbers n, slope (with np).

    Each conditional becomes `np.where`, which evaluates both branches: callers silence NumPy's warnings
    for the branch that is not taken (autograd.replay runs under np.errstate).
    """
    return _emit(tree, lambda n: n.value, _np_call, _np_where, "np.power")


def _np_where(condition: str, then: str, otherwise: str) -> str:
    # Two shapes of the rule table's conditionals as one ufunc each: np.where with a number for a branch
    # broadcasts it, ten times slower over a batch (64×1000: 0.38 ms against 0.03 ms). ReLU's
    # `a if a > 0 else 0` is np.maximum(a, 0.0) (in that order: NumPy's maximum returns its second
    # argument on a tie, so ReLU(−0.0) is 0.0 as the rule gives it); a slope `1 if C else 0` is C as 1.0
    # and 0.0.
    if otherwise == "0" and condition == f"({then} > 0)":
        return f"np.maximum({then}, 0.0)"
    if (then, otherwise) == ("1", "0"):
        return f"({condition} * 1.0)"
    # other whole-number branches as floats: np.where(a > 0, 2, 0) would make an integer array
    then, otherwise = (f"{x}.0" if re.fullmatch(r"-?\d+", x) else x for x in (then, otherwise))
    return f"np.where({condition}, {then}, {otherwise})"


def _js_leaf(node: Node) -> str:
    return f"p.{node.value}" if node.value in ("n", "slope") else node.value


def _log1p_of(name: str, argument: Node) -> Node | None:
    """x when the call is log(1 + x), else None.

    log(1 + x) is written log1p(x) in every target: the same function, without losing a tiny x to
    rounding (the engine's softplus is computed that way, so its value agrees for very negative inputs).
    """
    if name == "log" and argument.kind == "bin" and argument.value == "+" and argument.args[0] == _ONE:
        return argument.args[1]
    return None


def _js_call(name: str, argument: Node, emit: Callable[[Node], str]) -> str:
    if (x := _log1p_of(name, argument)) is not None:
        return f"Math.log1p({emit(x)})"
    return f"{_JS_FUNCTIONS[name]}({emit(argument)})"


def _np_call(name: str, argument: Node, emit: Callable[[Node], str]) -> str:
    if (x := _log1p_of(name, argument)) is not None:
        return f"np.log1p({emit(x)})"
    if name == "σ":
        return emit(_sigmoid_of(argument))
    return f"np.{name}({emit(argument)})"


def _sigmoid_of(argument: Node) -> Node:
    """σ(x) as the sigmoid op's own expression with x for a: what σ in a formula means in `evaluator` and
    NumPy (JavaScript calls it F.sigmoid, the same expression: see `rules_js`)."""
    return _substitute(_sigmoid_expression(), "a", argument)


@cache
def _sigmoid_expression() -> Node:
    return parse(OPS["sigmoid"].expression)


def _substitute(tree: Node, name: str, value: Node) -> Node:
    if tree.kind == "var" and tree.value == name:
        return value
    return replace(tree, args=tuple(_substitute(arg, name, value) for arg in tree.args))


def _js_if(condition: str, then: str, otherwise: str) -> str:
    return f"({condition} ? {then} : {otherwise})"


_ONE = Node("num", "1")


def _emit(tree: Node, leaf, call, conditional, power: str) -> str:
    def emit(node: Node) -> str:
        if node.kind == "num":
            return node.value.replace("−", "-")  # 1e−308 in the notation, 1e-308 in every target
        if node.kind == "var":
            return leaf(node)
        if node.kind == "call":
            return call(node.value, node.args[0], emit)
        if node.kind == "neg":
            return f"(-{emit(node.args[0])})"
        if node.kind == "square":
            x = emit(node.args[0])
            return f"({x} * {x})"
        if node.kind == "if":
            return conditional(*map(emit, node.args))
        left, right = map(emit, node.args)
        if node.value == "^":
            return f"{power}({left}, {right})"
        return f"({left} {node.value} {right})"

    return emit(tree)


@cache
def evaluator(text: str) -> Callable[..., float]:
    """A Python function of keyword arguments (a, b, out, n, slope) that evaluates `text` as the page does.

    The tree is walked node by node on an explicit stack, never compiled: a numbers side as long as
    `1 + 2 + … + 2000`, a tree as deep as it is long, needs no recursion and meets no nesting limit of
    Python's compiler. Raises NotationError for text outside the notation (when made), NameError for a
    variable not given, ZeroDivisionError, ValueError or OverflowError as Python's math does (the
    page's JavaScript gives Infinity where math.exp and math.pow overflow, and so does this).
    """
    tree = parse(text)
    return lambda **env: _evaluate(tree, env)


_BINARY: dict[str, Callable[[float, float], float]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "==": operator.eq, ">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le,
}  # fmt: skip


def _evaluate(tree: Node, env: dict[str, float]) -> float:
    values: list[float] = []  # the values of the nodes done, in order
    todo: list[tuple[Node, str]] = [(tree, "")]  # a node to start (""), or to finish with its stage
    while todo:
        node, stage = todo.pop()
        if node.kind == "num":
            values.append(float(node.value.replace("−", "-")))
        elif node.kind == "var":
            if node.value not in env:
                raise NameError(f"{node.value!r} is not given")
            values.append(env[node.value])
        elif stage == "":
            todo.extend(_started(node))
        elif stage == "branch":  # the condition is done: only the branch taken is evaluated
            then, otherwise = node.args[1:]
            todo.append((then if values.pop() else otherwise, ""))
        else:
            count = 1 if stage in ("log1p", "call", "neg", "square") else 2
            args = values[-count:]
            del values[-count:]
            values.append(_finished(node, stage, args))
    return values[0]


def _started(node: Node) -> list[tuple[Node, str]]:
    """What to push for a node met first: itself to finish (its stage), then its operands, last on top."""
    if node.kind == "if":
        return [(node, "branch"), (node.args[0], "")]
    if node.kind == "call":
        if (x := _log1p_of(node.value, node.args[0])) is not None:
            return [(node, "log1p"), (x, "")]
        if node.value == "σ":
            return [(_sigmoid_of(node.args[0]), "")]
        return [(node, "call"), (node.args[0], "")]
    return [(node, node.kind), *((arg, "") for arg in reversed(node.args))]


def _finished(node: Node, stage: str, args: list[float]) -> float:
    if stage == "log1p":
        return _PAGE_MATH.log1p(args[0])
    if stage == "call":
        return abs(args[0]) if node.value == "abs" else getattr(_PAGE_MATH, node.value)(args[0])
    if stage == "neg":
        return -args[0]
    if stage == "square":
        return args[0] * args[0]
    if node.value == "^":
        return _PAGE_MATH.pow(*args)
    return _BINARY[node.value](*args)


def _as_in_javascript(f: Callable[..., float]) -> Callable[..., float]:
    # JavaScript's Math gives Infinity where Python's math raises OverflowError (exp(1e308)).
    def page_f(*xs: float) -> float:
        try:
            return f(*xs)
        except OverflowError:
            return math.inf

    return page_f


_PAGE_MATH = SimpleNamespace(
    **{
        name: _as_in_javascript(getattr(math, name))
        for name in ("exp", "log", "log1p", "sin", "cos", "tanh", "sqrt", "pow")
    }
)


def op_js(op: Op) -> str:
    """A JavaScript object literal for one op: `forward(a, b, p)` and `grads(a, b, out, p)` -> array."""
    if not op.expression:
        raise NotationError(f"op {op.name!r} has no expression text, so the page cannot compute it")
    forward = to_js(parse(op.expression))
    grads = ", ".join(to_js(parse(text)) for text in op.computed_formula)
    return (
        f"{{forward: function (a, b, p) {{ return {forward}; }}, "
        f"grads: function (a, b, out, p) {{ return [{grads}]; }}}}"
    )


def rules_js(ops: dict[str, Op] = OPS) -> str:
    """The rule table as JavaScript: `const RULES = {name: {forward, grads}, ...}` and F.sigmoid."""
    lines = [
        "const F = {};",
        f"F.sigmoid = function (a) {{ return {to_js(parse(OPS['sigmoid'].expression))}; }};",
        "const RULES = {",
    ]
    lines += [f"  {name}: {op_js(op)}," for name, op in sorted(ops.items())]
    lines.append("};")
    return "\n".join(lines)
