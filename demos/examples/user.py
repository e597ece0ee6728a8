"""A teacher's own examples: an expression typed on the command line, or an example file (TOML).

Both become an `Example` like the built-in ones, so every command (show, explain, render, page, check,
trace, tour) works on them. The file format (see README, "Your own example"; `examples/*.toml` are
templates)::

    title = "A 2-D neuron"
    source = "CS231n, Lecture 4, the sigmoid neuron"      # where the example comes from
    description = "..."                                   # optional
    expression = "net = w0*x0 + w1*x1 + w2; f = sigmoid(net)"
    loss = "f"                                            # optional: the output (default: the last name)

    [values]            # every input of the expression
    w0 = 2.0
    [roles]             # optional: input, parameter, target (else guessed from the label)
    x0 = "input"
    [claims]            # optional: the numbers the slide states, as printed ("grad w0" for ∂loss/∂w0)
    f = "0.73"
    "grad w0" = "-0.20"
    [matrix]            # optional: the matrix form's names and the slide's shortcut at the output
    notation = "bishop"                 # W⁽ˡ⁾, δ⁽ˡ⁾ (default "khapra": W_k, ∇_{a_k} L)
    rule = "linear-se"                  # or "softmax-ce" (with label = ℓ) or "sigmoid-bce"
    targets = ["y1", "y2"]              # y of ŷ − y; scale = 2 where the loss has no ½
    note = "..."                        # where the slide's rule is not the graph's gradient: why
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograd.explain import BISHOP, Notation, OutputRule, matrix_form
from autograd.layers import LayerError, find_layers
from autograd.parse import MissingValues, Program, UnusedValues, parse
from autograd.render.roles import default_role
from autograd.text.choices import choose_from

from .example import Claim, Example, Graph, grad_of, value_of

MAX_FILE_BYTES = 1_000_000
_KEYS = {"title", "source", "description", "expression", "loss", "values", "roles", "claims", "matrix"}
_NOTATIONS = {"khapra": Notation(), "bishop": BISHOP}
_RULES = ("softmax-ce", "sigmoid-bce", "linear-se")
_ROLES = {"input", "parameter", "target"}
_GRAD = re.compile(r"grad\s+(.+)")


class ExampleFileError(ValueError):
    """An example file that cannot be read or is not a valid example; the message names file, key, line."""


def from_expression(text: str, values: Mapping[str, float], name: str = "expression") -> Example:
    """The example an expression makes, with the given input values.

    Raises autograd.parse.ParseError for bad syntax, MissingValues for inputs without a value, and the
    engine's DomainError naming the node when an input is outside an operation's domain.
    """
    program = parse(text)
    graph = _graph(program, values, None)  # fail now, with the parser's or the engine's message
    # A typed expression has no targets: a name the picture would take for one (y, t) is an input.
    root = graph.outputs[0]
    inputs = tuple((n, "input") for n in program.inputs if default_role(graph[n], root) == "constant")
    settings = ", ".join(f"{k} = {values[k]:g}" for k in program.inputs)
    constant = f"{root.label or 'out'} = {root.data:g}, a constant: the expression has no inputs."
    return Example(
        name=name,
        title=_one_line(text),
        slide="",
        description=f"At {settings}." if settings else constant,
        build=lambda: _graph(program, values, None),
        roles=inputs,
    )  # no parameters named: weights are recognised by their labels, explain shows every input


def from_file(path: str | Path) -> Example:
    """The example an example file describes (format in this module's docstring).

    Raises ExampleFileError naming the file, the key and its line for anything wrong: not UTF-8 or not
    TOML, a missing or unknown key, a value of the wrong type, an expression that does not parse or
    build, a claim about a node the expression does not have, a [matrix] rule that does not fit the
    graph (checked by building its matrix form once: a label past the output's classes, a rule the
    engine's gradient disagrees with and no note says why, a graph without layers).
    """
    path = Path(path)
    text = _read(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ExampleFileError(f"{path}: not valid TOML: {error}") from None
    return _example(path, text, data)


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ExampleFileError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes; not an example file")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ExampleFileError(f"{path}: not a text (UTF-8) file") from None
    except OSError as error:
        raise ExampleFileError(f"{path}: cannot be read: {error.strerror or error}") from None


def _example(path: Path, text: str, data: dict[str, Any]) -> Example:
    def fail(key: str, message: str, table: str | None = None) -> ExampleFileError:
        return ExampleFileError(f"{path}:{_line_of(text, key, table)}: {key}: {message}")

    for key in data:
        if key not in _KEYS:
            raise fail(key, f"unknown key; the keys are {', '.join(sorted(_KEYS))}")
    for key in ("title", "expression", "values"):
        if key not in data:
            raise ExampleFileError(f"{path}: the key {key!r} is missing")
    for key in ("title", "source", "description", "expression", "loss"):
        if key in data and not isinstance(data[key], str):
            raise fail(key, f"must be text (in quotes), got {type(data[key]).__name__}")
    for key in ("values", "roles", "claims", "matrix"):
        if not isinstance(data.get(key, {}), dict):
            raise fail(key, "must be a table ([values], [roles], [claims], [matrix])")
    try:
        program = parse(data["expression"])
    except ValueError as error:
        raise fail("expression", str(error)) from None
    values = _values(data["values"], lambda key, message: fail(key, message, "values"))
    loss = data.get("loss", program.output)
    if loss not in program.assigned and loss not in program.inputs:
        raise fail("loss", f"{loss!r} is not a name the expression assigns")
    try:
        graph = _graph(program, values, loss)
    except MissingValues as error:
        raise fail("values", f"{error}: add them under [values]") from None
    except UnusedValues as error:
        raise fail(error.names[0], str(error), "values") from None
    except ValueError as error:  # the engine's DomainError, naming the node
        raise fail("values", str(error)) from None
    roles = _roles(data.get("roles", {}), graph, lambda key, message: fail(key, message, "roles"))
    claims = _claims(data.get("claims", {}), graph, lambda key, message: fail(key, message, "claims"))
    in_matrix = lambda key, message: fail(key, message, "matrix")  # noqa: E731
    notation, rule = _matrix(data.get("matrix", {}), graph, in_matrix)
    if rule is not None:
        _check_rule(graph, notation, rule, data["matrix"], in_matrix)
    parameters = tuple(k for k, role in roles.items() if role == "parameter")
    return Example(
        name=path.stem,
        title=data["title"],
        slide=data.get("source", str(path.name)),
        description=data.get("description", _one_line(data["expression"])),
        build=lambda: _graph(program, values, loss),
        claims=claims,
        parameters=parameters,
        roles=tuple((k, "constant" if r == "target" else r) for k, r in roles.items() if r != "parameter"),
        notation=notation,
        output_rules=(rule,) if rule else (),
    )


def _values(table: dict[str, Any], fail: Any) -> dict[str, float]:
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise fail(key, f"must be a finite number, got {value!r}")
    return {key: float(value) for key, value in table.items()}


def _roles(table: dict[str, Any], graph: Graph, fail: Any) -> dict[str, str]:
    for key, role in table.items():
        if key not in graph.nodes or graph[key].op is not None:
            raise fail(key, "is not an input of the expression")
        if role not in _ROLES:
            raise fail(key, f"role {role!r}; the roles are {', '.join(sorted(_ROLES))}")
    return dict(table)


def _claims(table: dict[str, Any], graph: Graph, fail: Any) -> tuple[Claim, ...]:
    claims = []
    for key, printed in table.items():
        if isinstance(printed, bool) or not isinstance(printed, (str, int, float)):
            raise fail(key, f"must be the number as the slide prints it, got {printed!r}")
        printed = str(printed).strip().replace("−", "-")
        if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", printed):
            raise fail(key, f"{printed!r} is not a number")
        match = _GRAD.fullmatch(key)
        label = match[1] if match else key
        if label not in graph.nodes:
            raise fail(key, f"{label!r} is not a node of the expression; {choose_from(label, graph.nodes)}")
        top = graph.outputs[0].label or "f"
        quantity = f"∂{top}/∂{label}" if match else label
        claims.append(Claim(quantity, printed, grad_of(label) if match else value_of(label)))
    return tuple(claims)


def _matrix(table: dict[str, Any], graph: Graph, fail: Any) -> tuple[Notation | None, OutputRule | None]:
    """The [matrix] table: the deck's notation and the slide's rule at the output (see the docstring)."""
    for key in table:
        if key not in ("notation", "rule", "label", "targets", "scale", "note"):
            what = (
                f"[matrix.{key}]: a table inside [matrix]" if isinstance(table[key], dict) else "unknown key"
            )
            raise fail(key, f"{what}; the keys are label, notation, note, rule, scale, targets")
    notation = table.get("notation", "khapra")
    if notation not in _NOTATIONS:
        raise fail("notation", f"{notation!r}; the notations are {', '.join(_NOTATIONS)}")
    if "rule" not in table:
        for key in ("label", "targets", "scale", "note"):
            if key in table:
                raise fail(key, 'belongs to a rule: add rule = "softmax-ce", "sigmoid-bce" or "linear-se"')
        return _NOTATIONS[notation], None
    kind = table["rule"]
    if kind not in _RULES:
        raise fail("rule", f"{kind!r}; the rules are {', '.join(_RULES)}")
    label, targets, scale = table.get("label", 0), table.get("targets", []), table.get("scale", 1.0)
    if kind == "softmax-ce" and (isinstance(label, bool) or not isinstance(label, int) or label < 1):
        raise fail("label", f"the class ℓ of softmax-ce, a whole number from 1, got {label!r}")
    if kind != "softmax-ce" and not targets:
        raise fail("rule", f"{kind} needs targets = [the labels of y]")
    if not isinstance(targets, list) or not all(isinstance(t, str) and t in graph.nodes for t in targets):
        raise fail("targets", f"must list labels of the expression's nodes, got {targets!r}")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale):
        raise fail("scale", f"must be a finite number, got {scale!r}")
    note = table.get("note", "")
    if not isinstance(note, str):
        raise fail("note", f"must be text (in quotes): why the slide's rule differs, got {note!r}")
    return _NOTATIONS[notation], OutputRule(kind, tuple(targets), label, float(scale), note=note)


def _check_rule(graph: Graph, notation: Notation | None, rule: OutputRule, table: dict, fail: Any) -> None:
    """Build the matrix form once with the [matrix] table's rule; a rule that does not fit the graph is
    the file's error, at the key that says what to change (softmax-ce's label, else the rule)."""
    root = graph.outputs[0]
    key = "label" if rule.kind == "softmax-ce" and "label" in table else "rule"
    try:
        layers = find_layers(root).layers
    except LayerError as error:
        raise fail("rule", f"the graph has no matrix form: {str(error).removeprefix('layers: ')}") from None
    if rule.kind == "softmax-ce" and layers and rule.label > layers[-1].shape[0]:
        raise fail("label", f"{rule.label}, but the output has {layers[-1].shape[0]} classes")
    try:
        matrix_form(root, notation, rule)
    except ValueError as error:
        why = str(error).removeprefix("matrix form: ")
        why = why.replace(", or OutputRule.note)", ")").replace("OutputRule.note", "the note of [matrix]")
        raise fail(key, why) from None


def _graph(program: Program, values: Mapping[str, float], loss: str | None) -> Graph:
    nodes = program.build(values)
    out = nodes[program.output if loss is None else loss]
    if out.label is None:  # a bare expression (`x*y`): its value is shown under a name
        out.named("out" if "out" not in nodes else "result")
    return Graph([out])


def _one_line(text: str) -> str:
    """Statements on separate lines (or `;`) as one line: `net = w*x + b; f = sigmoid(net)`."""
    return "; ".join(line.strip() for line in re.split(r"[;\n]", text) if line.strip())


def _line_of(text: str, key: str, table: str | None = None) -> int:
    """The line where `key` is written in the TOML text, inside `[table]` if given, or the header of
    its own table (`[table.key]`, `[key]`); else 1. Lines start after blanks, never before an empty line."""
    start = 0
    if table is not None:
        header = re.search(rf"^[ \t]*\[{re.escape(table)}\]", text, re.M)
        start = header.end() if header else 0
    quoted = re.escape(key)
    pattern = re.compile(rf"^[ \t]*(?:{quoted}|\"{quoted}\"|'{quoted}')[ \t]*=", re.M)
    nested = rf"^[ \t]*\[(?:{re.escape(table)}\.)?{quoted}\]" if table else rf"^[ \t]*\[{quoted}\]"
    match = pattern.search(text, start) or re.search(nested, text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1
