"""`draw`'s options as one record: each option once, with its default and what it does.

`draw(root, digits=3)` builds a `DrawOptions` from its keywords; `render`, the command line and the
examples build one and pass it down, so no caller lists the options again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from ..errors import is_whole
from ..text import DIGITS
from .graph import check_options, fit_ratio
from .roles import Grouping, NodeKey

View = Literal["auto", "full", "collapsed", "network", "slide", "layers"]
VIEWS = ("auto", "full", "collapsed", "network", "slide", "layers")
MAX_NODES = 150  # above this many nodes a full picture stops being readable
# Above this many nodes Graphviz takes more than seconds to lay out the full view (a 750-node sum: 37 s,
# growing fast): `draw` then draws the slide view (view="auto") or refuses (view="full").
MAX_FULL_NODES = 400


@dataclass(frozen=True)
class DrawOptions:
    """How `draw` pictures a graph (see `autograd.render.draw` for how each view uses them).

    Raises ValueError for a bad direction, digits, fit, view or max_nodes, naming it, when made.
    """

    direction: Literal["LR", "TB", "RL", "BT"] = "LR"  # the main axis: left to right, top to bottom...
    digits: int = DIGITS  # significant digits of values, gradients and local gradients, 1 to 17
    show_grad: bool = True  # a gradient row on each node: .grad as the node holds it
    show_local: bool | None = None  # local gradients on edges; None: when at most max_nodes nodes
    formulas: bool = False  # an edge also shows the rule table's formula of its local gradient
    highlight: Iterable[NodeKey] | NodeKey = ()  # nodes or labels to outline
    roles: Mapping[NodeKey, str] | None = None  # colours by role (see `node_roles`); None: found
    groups: Grouping | bool | None = None  # clusters (see `node_groups`); None: from the labels
    view: View = "auto"  # "auto", "full", "collapsed", "network", "slide" or "layers"
    max_nodes: int = MAX_NODES  # above this many nodes "auto" collapses a grouped graph
    legend: bool = True  # the key to the colours and rows
    title: str | None = None  # a heading over the picture
    tooltips: bool = False  # hover text in SVG for each node, edge and cluster
    fit: str | float | None = None  # a width:height ratio ("16:9", or a number) to fold the graph to
    # view="layers": each tensor's name as text, names(kind, k) (see `layers_view.draw_layers`); None: x, W₁…
    layer_names: Callable[[str, int], str] | None = None

    def __post_init__(self) -> None:
        check_options(self.direction, self.digits)
        fit_ratio(self.fit)
        if self.view not in VIEWS:
            raise ValueError(f"draw: view must be one of {', '.join(map(repr, VIEWS))}, got {self.view!r}")
        if not is_whole(self.max_nodes) or self.max_nodes < 1:
            raise ValueError(f"draw: max_nodes must be a positive whole number, got {self.max_nodes!r}")

    def changed(self, **changes: Any) -> DrawOptions:
        """These options with some changed, by keyword. Raises TypeError for an unknown option."""
        unknown = set(changes).difference(OPTION_NAMES)
        if unknown:
            raise TypeError(
                f"draw: unknown option {sorted(unknown)[0]!r}; the options are {', '.join(OPTION_NAMES)}"
            )
        return replace(self, **changes)


OPTION_NAMES = tuple(field.name for field in fields(DrawOptions))
