"""How many neighbours each drawn node has left to draw, by kind: read from the warm entity graph (pure).

The entity graph is entity_edges.rq's projection (built by the warm-up, never on a click); a node's
neighbours are its links' other ends in both directions. Counting the drawn nodes' neighbours is a
walk over their adjacency: no query per draw.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from graph.ui.view.subgraph import Node


def _neighbours(graph, node: str) -> set[str]:
    """A node's neighbours both ways (itself excluded)."""
    if node not in graph:
        return set()
    return (set(graph.succ[node]) | set(graph.pred[node])) - {node}


def left_to_draw(
    graph, labels: Mapping[str, Node], drawn: Iterable[str], hidden: Iterable[str] = ()
) -> dict[str, dict[str, int]]:
    """Each drawn node's neighbours that are neither drawn nor hidden, counted by kind (named entities only).

    A hidden node is not left to draw: the user put it away, and expanding does not bring it back.
    """
    drawn = set(drawn)
    skip = drawn | set(hidden)
    out: dict[str, dict[str, int]] = {}
    for n in sorted(drawn):
        counts = Counter(labels[m].kind for m in _neighbours(graph, n) - skip if m in labels)
        if counts:
            out[n] = dict(sorted(counts.items()))
    return out


def undrawn_of_kind(
    graph, labels: Mapping[str, Node], node: str, kind: str, drawn: Iterable[str], hidden: Iterable[str] = ()
) -> list[str]:
    """A node's neighbours of one kind (local name) that are not drawn (nor hidden), in IRI order:
    what its context menu's "expand by kind" adds, as many as its badge counted."""
    skip = set(drawn) | set(hidden)
    return sorted(m for m in _neighbours(graph, node) - skip if m in labels and labels[m].kind == kind)
