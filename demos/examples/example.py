"""What a worked example is: a graph built from Values, the numbers its slide states, and their checks."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from autograd import Value, forward_order
from autograd.explain import Notation, OutputRule
from autograd.render.captions import shown_gradients

from .decks import DECKS


class Graph:
    """A built example: its output nodes after backward, and every labelled node by label.

    Outputs are disjoint graphs (several only where a slide works several cases side by side), so each
    node's `.grad` is the gradient of the one output it feeds.
    """

    def __init__(self, outputs: Sequence[Value], upstream: float = 1.0, also: Sequence[Value] = ()) -> None:
        self.outputs = list(outputs)
        self.upstream = upstream  # ∂L/∂output where the slide gives one (a gate inside a bigger graph)
        self.nodes: dict[str, Value] = {}
        owner: dict[Value, Value] = {}
        for out in self.outputs:
            out.backward(upstream)
            for node in forward_order(out):
                if owner.setdefault(node, out) is not out:
                    raise ValueError(f"node {node.describe()} feeds two outputs; outputs must be disjoint")
                self._add(node)
        # Nodes the slide shows that the output does not depend on (gradient 0), with their inputs.
        for extra in also:
            for node in forward_order(extra):
                if node not in owner:
                    owner[node] = extra
                    self._add(node)

    def _add(self, node: Value) -> None:
        if node.label is not None:
            if node.label in self.nodes:
                raise ValueError(f"two nodes are labelled {node.label!r}")
            self.nodes[node.label] = node

    def __getitem__(self, label: str) -> Value:
        try:
            return self.nodes[label]
        except KeyError:
            raise KeyError(f"no node labelled {label!r}") from None

    def value(self, label: str) -> float:
        """The value of the node labelled `label`."""
        return self[label].data

    def grad(self, label: str) -> float:
        """The gradient of the output on the node labelled `label`."""
        return self[label].grad

    def shown_grads(self) -> dict[Value, float]:
        """Each node's gradient as every view writes it (`autograd.render.captions.shown_gradients`: a
        node's users' contributions summed exactly, 0 where they cancel); `.grad` for a node no
        output uses."""
        shown = {node: node.grad for node in self.nodes.values()}
        for out in self.outputs:
            shown.update(shown_gradients(out, self.upstream))
        return shown


@dataclass(frozen=True)
class Erratum:
    """Why the slide's number differs from the true one, and the slide's arithmetic redone to show it."""

    reason: str
    # the slide's number (at its precision) computed the slide's way; None for a plain typo or slip
    reproduce: Callable[[Graph], float] | None = None
    # True where the slide is not wrong but chooses otherwise at a point with no derivative (ReLU′(0) = 1
    # where the engine, as PyTorch, takes 0): a convention, counted apart from the errata
    convention: bool = False


@dataclass(frozen=True)
class Claim:
    """A number the slide states, as printed, and the same quantity computed from the graph."""

    quantity: str
    slide: str
    compute: Callable[[Graph], float]
    erratum: Erratum | None = None
    note: str = ""


@dataclass(frozen=True)
class SlideFormula:
    """A formula the slide gives without numbers, checked against the engine on numbers we choose."""

    quantity: str
    formula: str
    by_formula: Callable[[Graph], float]
    by_engine: Callable[[Graph], float]
    rel_tol: float = 1e-9  # exact formulas agree to rounding; numerical estimates need more room


# What a check finds: the number agrees; a known error of the slide (its reason recorded); a convention
# the slide chooses where the derivative is not defined; or a wrong claim with no reason recorded (a
# teacher's own file: the built-in catalog records a reason for every disagreement, as its tests hold).
Finding = Literal["agrees", "erratum", "convention", "wrong claim"]


@dataclass(frozen=True)
class Check:
    """One comparison of what a slide states with what the engine computes."""

    quantity: str
    slide: str
    computed: float
    finding: Finding
    note: str

    @property
    def agrees(self) -> bool:
        """Whether the stated number (or formula) agrees with the engine."""
        return self.finding == "agrees"


@dataclass(frozen=True)
class Example:
    """One worked example of the slides."""

    name: str
    title: str
    slide: str  # the deck's file name (see decks.py)
    description: str
    build: Callable[[], Graph]
    claims: tuple[Claim, ...] = ()
    formulas: tuple[SlideFormula, ...] = ()
    output: Callable[[Graph, float | None], list[str]] | None = None  # printouts, update steps
    parameters: tuple[str, ...] = ()  # the labels `--param` may name: weights and biases
    eta: float | None = None  # the learning rate of the example's update steps, if it has any
    roles: tuple[tuple[str, str], ...] = ()  # colours where the renderer's guess from a label is wrong
    typos: tuple[str, ...] = ()  # slips of notation with no number to check: what is written, what is meant
    # the slide's name of each δ, by the net input's label ("a2_1" → "δ_1^(2)"); others keep δ_<unit>
    delta_names: tuple[tuple[str, str], ...] = ()
    loss_name: str | None = None  # the slide's letter for the loss (C, E) where it is not L
    # the matrix form in the deck's names, and its shortcut at the output, one rule per output of the graph
    notation: Notation | None = None
    output_rules: tuple[OutputRule | None, ...] = ()

    @property
    def source(self) -> str:
        """Where the example comes from, as a person reads it: the deck's author and title
        (`Kuan-Yu Chen, "Backpropagation"`), a user's example file's own `source`, or "" for none."""
        deck = DECKS.get(self.slide)
        return deck.citation if deck else self.slide

    def node_roles(self) -> dict[str, str]:
        """Roles for the renderer: the parameters, and any the example sets itself."""
        return {**dict.fromkeys(self.parameters, "parameter"), **dict(self.roles)}

    def lines(self, graph: Graph, eta: float | None = None) -> list[str]:
        """The text the example prints (a printout, an update step), with learning rate `eta`."""
        if self.output is None:
            return []
        return self.output(graph, self.eta if eta is None else eta)

    def checks(self, graph: Graph) -> list[Check]:
        """Every stated number and every formula of the slide, against the engine."""
        claims = [_check_claim(c, graph) for c in self.claims]
        return claims + [_check_formula(f, graph) for f in self.formulas]


def value_of(label: str) -> Callable[[Graph], float]:
    """The value of the node labelled `label`, as a claim or a slide formula computes it."""
    return lambda g: g.value(label)


def grad_of(label: str) -> Callable[[Graph], float]:
    """The gradient on the node labelled `label`, as a claim or a slide formula computes it."""
    return lambda g: g.grad(label)


def stated(label: str, printed: str, erratum: Erratum | None = None, note: str = "") -> Claim:
    """The slide's number for the node labelled `label`."""
    return Claim(label, printed, value_of(label), erratum, note)


def agrees_at_precision(printed: str, computed: float) -> bool:
    """True when `computed` rounds to the slide's number at the precision the slide prints it with.

    Within half a unit of the last printed digit, boundary included, so either rounding direction of
    a tie counts as agreement.
    """
    stated = Decimal(printed)
    half_unit = Decimal(1).scaleb(stated.as_tuple().exponent) / 2
    return abs(Decimal(repr(computed)) - stated) <= half_unit


def _check_claim(claim: Claim, graph: Graph) -> Check:
    computed = claim.compute(graph)
    agrees = agrees_at_precision(claim.slide, computed)
    if agrees:
        return Check(claim.quantity, claim.slide, computed, "agrees", claim.note)
    if claim.erratum is not None:
        finding = "convention" if claim.erratum.convention else "erratum"
        return Check(claim.quantity, claim.slide, computed, finding, claim.erratum.reason)
    note = f"wrong claim in your file: the engine computes {computed:.6g}"
    return Check(claim.quantity, claim.slide, computed, "wrong claim", note)


def _check_formula(formula: SlideFormula, graph: Graph) -> Check:
    by_formula, by_engine = formula.by_formula(graph), formula.by_engine(graph)
    agrees = math.isclose(by_formula, by_engine, rel_tol=formula.rel_tol, abs_tol=1e-12)
    note = f"the slide's formula gives {by_formula:.10g}" + ("" if agrees else ", not the engine's gradient")
    return Check(formula.quantity, formula.formula, by_engine, "agrees" if agrees else "wrong claim", note)
