"""Shortest connections between two entities, and the sentence that tells one."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.terms import framework

if TYPE_CHECKING:  # NetworkX loads only when a path is asked for
    import networkx as nx


@dataclass(frozen=True)
class Step:
    """One link of a path, in the direction the data states it."""

    subject: str
    predicate: str
    label: str
    object: str


def shortest_paths(G: nx.MultiDiGraph, a: str, b: str, *, limit: int = 5) -> list[tuple[Step, ...]]:
    """Up to `limit` shortest connections between two entities, following links either way.

    Paths come in a fixed order (neighbours by IRI), never in the order the store returned links.
    """
    if a not in G or b not in G or a == b:  # an entity to itself is no connection (it was one empty path)
        return []
    pred = predecessors(G, a, b)
    if b not in pred:
        return []
    # among equally short paths, those through more of our own entities first (they say how our graph
    # meets the frameworks); the walk's sorted order breaks ties
    found = itertools.islice(_paths_back(pred, a, b), max(limit, 1) * 50)
    node_paths = sorted(found, key=lambda p: sum(framework(n) != "curated" for n in p))[:limit]
    return [tuple(_step(G, x, y) for x, y in itertools.pairwise(path)) for path in node_paths]


def predecessors(G: nx.MultiDiGraph, a: str, b: str) -> dict[str, list[str]]:
    """Breadth-first from a, links either way, each node's neighbours one step nearer to a; stops once
    b's level is complete (what nx.predecessor gives for every node on a shortest path to b).

    nx.predecessor walks the whole component: 63k nodes of ESCO + O*NET for a path of 4 steps.
    """
    succ, back = G._succ, G._pred  # the adjacency dicts themselves: the views cost 3x on 240k links
    pred: dict[str, list[str]] = {a: []}
    level = [a]
    while level and b not in pred:
        nearer: dict[str, list[str]] = {}
        for u in level:
            for v in itertools.chain(succ[u], back[u]):
                if v in pred:
                    continue
                found = nearer.setdefault(v, [])
                if not found or found[-1] != u:  # a link each way between u and v: u once
                    found.append(u)
        pred.update(nearer)
        level = list(nearer)
    return pred


def _paths_back(pred: dict[str, list[str]], a: str, node: str) -> Iterator[list[str]]:
    """Every shortest path from a to node, walking predecessors in sorted order."""
    if node == a:
        yield [a]
        return
    for p in sorted(pred[node]):
        for path in _paths_back(pred, a, p):
            yield [*path, node]


def _step(G: nx.MultiDiGraph, x: str, y: str) -> Step:
    if G.has_edge(x, y):
        key, data = sorted(G[x][y].items())[0]
        return Step(x, key, data["label"], y)
    key, data = sorted(G[y][x].items())[0]
    return Step(y, key, data["label"], x)


#: how a SKOS mapping step reads from its subject's side and from its object's side
MAPPING_PHRASES = {
    "http://www.w3.org/2004/02/skos/core#exactMatch": ("corresponds exactly to", "corresponds exactly to"),
    "http://www.w3.org/2004/02/skos/core#closeMatch": ("corresponds to", "corresponds to"),
    "http://www.w3.org/2004/02/skos/core#broadMatch": ("falls under", "covers"),
    "http://www.w3.org/2004/02/skos/core#narrowMatch": ("covers", "falls under"),
    "http://www.w3.org/2004/02/skos/core#relatedMatch": ("is related to", "is related to"),
}


def _nodes(path: Sequence[Step]) -> list[str]:
    """The entities a path visits, in order (steps keep the direction the data states)."""
    first = path[0]
    start = first.subject
    if len(path) > 1 and first.subject in (path[1].subject, path[1].object):
        start = first.object
    nodes = [start]
    for s in path:
        nodes.append(s.object if s.subject == nodes[-1] else s.subject)
    return nodes


def sentence(path: Sequence[Step], label: dict[str, str] | None = None) -> str:
    """A path told as a sentence: 'A performs procedure B, which corresponds to ESCO's C, and D has skill C.'

    A step across a SKOS mapping reads as a relative clause on the entity the previous link ended
    at, so the reader sees where the path leaves our graph for a framework's concept.
    """
    names = label or {}

    def name(x: str) -> str:
        return names.get(x, x)

    if not path:
        return ""
    nodes = _nodes(path)
    parts: list[str] = []
    ends: list[str] = []  # the entity each clause ends with
    for i, s in enumerate(path):
        here, there = nodes[i], nodes[i + 1]
        phrases = MAPPING_PHRASES.get(s.predicate)
        if phrases is None:
            parts.append(f"{name(s.subject)} {s.label} {name(s.object)}")
            ends.append(s.object)
            continue
        phrase = phrases[0] if s.subject == here else phrases[1]
        if parts and ends[-1] == here:
            parts[-1] += f", which {phrase} {name(there)}"
            ends[-1] = there
        else:
            parts.append(f"{name(here)} {phrase} {name(there)}")
            ends.append(there)
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]
    if ":" in text.split(" ", 1)[0]:  # an unlabelled IRI or CURIE: capitalising would change it
        return text + "."
    return text[0].upper() + text[1:] + "."
