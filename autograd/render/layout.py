"""Fitting a picture to a slide: a long graph folded into rows (LR) or columns (TB) of its stages.

Graphviz lays a graph out along one axis: a deep graph drawn left to right becomes a long strip (the
2-2-2 network is 3.7:1), which a 16:9 slide shrinks until the text cannot be read. Folding cuts the
layout into bands of consecutive stages, drawn one under the other (LR) or beside each other (TB),
like lines of text; the edges that cross from one band to the next are drawn as long curves. A
cluster (a layer, a neuron) is never cut. `fit_graph` measures each fold with `dot` and keeps the one
that is largest when scaled into the asked shape.
"""

from __future__ import annotations

import graphviz

from ..value import Value
from .graph import Drawing, Options, PictureState, draw_full
from .output import RenderError, run_dot

MAX_BANDS = 4

# A fold must be worth its long edges from one row to the next: the text on the slide at least 25%
# larger (chen-2-2-2 would gain 10%, and its back-edges cost more than that to a reader).
MIN_GAIN = 1.25


def positions(source: str, direction: str) -> dict[str, float]:
    """Each node id's place along the layout's main axis (x for LR/RL, y for TB/BT), from `dot -Tplain`."""
    along = 2 if direction in ("LR", "RL") else 3
    sign = 1 if direction in ("LR", "TB") else -1  # dot's plain y grows upwards: TB's first rank is on top
    sign = -sign if along == 3 else sign
    result = {}
    for line in run_dot(source, "plain").decode("utf-8").splitlines():
        if line.startswith("node "):
            fields = line.split()
            result[fields[1]] = sign * float(fields[along])
    return result


def size(source: str) -> tuple[float, float]:
    """The width and height (inches) of `source` laid out by dot."""
    first = run_dot(source, "plain").decode("utf-8").split("\n", 1)[0].split()
    return float(first[2]), float(first[3])


def bands(drawing: Drawing, place: dict[Value, float], k: int) -> dict[Value, int]:
    """Each node's band (0..k−1): the main axis cut into k equal stretches; a top-level cluster goes
    whole into the band of its middle."""
    low, high = min(place.values()), max(place.values())
    width = (high - low) or 1.0

    def band(x: float) -> int:
        return min(k - 1, int((x - low) / width * k))

    clusters: dict[str, list[float]] = {}
    for node in drawing.nodes:
        if drawing.groups[node]:
            clusters.setdefault(drawing.groups[node][0], []).append(place[node])
    middle = {name: (min(xs) + max(xs)) / 2 for name, xs in clusters.items()}
    result = {
        node: band(middle[drawing.groups[node][0]] if drawing.groups[node] else place[node])
        for node in drawing.nodes
    }
    users: dict[Value, list[Value]] = {}
    for node in drawing.nodes:
        for parent in node.parents:
            users.setdefault(parent, []).append(node)
    for node in drawing.nodes:  # an ungrouped leaf (a weight, a target) sits beside its first user
        if node.op is None and not drawing.groups[node] and node in users:
            result[node] = min(result[user] for user in users[node])
    return result


def fold(drawing: Drawing, opts: Options, look: PictureState) -> dict[Value, int] | None:
    """The bands (1 to MAX_BANDS) in which `drawing`, drawn by `draw_full`, is largest when scaled into
    a picture of width:height `opts.fit`; None when folding does not help."""
    plain = draw_full(drawing, opts, look)
    ids = {node: f"n{k}" for k, node in enumerate(drawing.nodes)}
    at = positions(plain.source, opts.direction)
    place = {node: at[ids[node]] for node in drawing.nodes}

    def scale(graph: graphviz.Digraph) -> float:
        width, height = size(graph.source)
        return min(opts.fit / width, 1 / height)

    best, best_scale = None, scale(plain)
    for k in range(2, MAX_BANDS + 1):
        band_of = bands(drawing, place, k)
        if len(set(band_of.values())) < k:
            break
        try:
            folded_scale = scale(draw_full(drawing, opts, look, band_of))
        except RenderError:  # dot crashes on some folds (a short chain, one node per band): skip them
            continue
        if folded_scale > best_scale * MIN_GAIN:
            best, best_scale = band_of, folded_scale
    return best
