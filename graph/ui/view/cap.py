"""A subgraph cut to what the browser can draw: the best-connected nodes first (pure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from graph.ui.view.subgraph import MAX_ELEMENTS, Subgraph, Triple


class Capped(NamedTuple):
    """A subgraph cut to the element limit, with how many elements it kept out of how many."""

    sub: Subgraph
    drawn: int
    total: int


def cap(sub: Subgraph, limit: int = MAX_ELEMENTS, *, first: Iterable[str] = ()) -> Capped:
    """Keep the best-connected nodes (and `first` ones) while nodes + links stay within `limit`."""
    total = len(sub.nodes) + len(sub.edges)
    if total <= limit:
        return Capped(sub, total, total)
    degree: dict[str, int] = defaultdict(int)
    by_node: dict[str, list[Triple]] = defaultdict(list)
    for t in sub.edges:
        degree[t.s] += 1
        degree[t.o] += 1
        by_node[t.s].append(t)
        by_node[t.o].append(t)
    pinned = [n for n in first if n in sub.nodes]
    order = pinned + sorted((n for n in sub.nodes if n not in set(pinned)), key=lambda n: (-degree[n], n))
    kept: set[str] = set()
    count = 0
    for n in order:
        new_edges = sum(1 for t in by_node[n] if (t.o if t.s == n else t.s) in kept or t.s == t.o)
        if count + 1 + new_edges > limit:
            break
        kept.add(n)
        count += 1 + new_edges
    out = sub.keep(kept)
    return Capped(out, len(out.nodes) + len(out.edges), total)
