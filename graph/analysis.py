"""Pure analytics over role-item projections: overlap, gap, cover, paths, transferable items, communities.

Every function takes projections built by graph.network and returns new plain values; none reads a
store or mutates its input, so small hand-built inputs test them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING

from graph.network import RoleItems

if TYPE_CHECKING:  # NumPy, SciPy and NetworkX load only for the analyses that use them
    import networkx as nx
    import numpy as np

from graph.terms import framework

#: weights of a link in the essential-weighted overlap
ESSENTIAL_WEIGHT, OPTIONAL_WEIGHT = 1.0, 0.5
#: the order a person acquires things in, for gaps: learn, practise, then certify, then find work
GAP_ORDER = (
    "education",
    "training",
    "skills",
    "knowledge",
    "procedures",
    "devices",
    "tools",
    "technology",
    "duties",
    "collaborations",
    "ethics",
    "credentials",
    "workplaces",
)
COVER_CATEGORIES = ("training", "credentials")


# ---------------------------------------------------------------- overlap


@dataclass(frozen=True)
class CategoryOverlap:
    """What two roles share in one category (or "all"), and what each has alone."""

    category: str
    shared: tuple[str, ...]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    shared_essential: tuple[str, ...]
    jaccard: float
    essential_jaccard: float
    #: (A's item, how B's item stands to it: broader | narrower | related, B's item): partial credit
    partial: tuple[tuple[str, str, str], ...] = ()
    #: Jaccard with each partial pair counted as half an item shared
    partial_jaccard: float = 0.0


@dataclass(frozen=True)
class PairOverlap:
    """The overlap of two roles, per category and overall."""

    a: str
    b: str
    categories: tuple[CategoryOverlap, ...]
    total: CategoryOverlap


def _jaccard(x: set[str], y: set[str]) -> float:
    union = x | y
    return len(x & y) / len(union) if union else 0.0


def _category_overlap(
    category: str, a: dict[str, bool], b: dict[str, bool], partial: dict[str, dict[str, str]] | None = None
) -> CategoryOverlap:
    sa, sb = set(a), set(b)
    ea = {i for i, e in a.items() if e}
    eb = {i for i, e in b.items() if e}
    links = tuple(
        (x, kind, y)
        for x in sorted(sa - sb)
        for y, kind in sorted((partial or {}).get(x, {}).items())
        if y in sb - sa
    )
    credited = min(len({x for x, _, _ in links}), len({y for _, _, y in links}))
    union = len(sa | sb) - credited
    return CategoryOverlap(
        category,
        tuple(sorted(sa & sb)),
        tuple(sorted(sa - sb)),
        tuple(sorted(sb - sa)),
        tuple(sorted(ea & eb)),
        _jaccard(sa, sb),
        _jaccard(ea, eb),
        links,
        (len(sa & sb) + 0.5 * credited) / union if union else 0.0,
    )


def overlap_pair(ri: RoleItems, a: str, b: str) -> PairOverlap:
    """Shared and unique items of two roles per category, with Jaccard for all and for essential links.

    Items one SKOS exact/close match joins count as one shared item (graph.network merges them);
    broad, narrow and related matches between A's and B's own items are listed as partial links,
    each pairing worth half a shared item in partial_jaccard (a pair also leaves the union once).
    """
    cats = sorted(set(ri.items_of(a)) | set(ri.items_of(b)), key=lambda i: ri.category[i])
    names = sorted({ri.category[i] for i in cats})
    per = tuple(
        _category_overlap(c, ri.items_of(a, category=c), ri.items_of(b, category=c), ri.partial)
        for c in names
    )
    return PairOverlap(a, b, per, _category_overlap("all", ri.items_of(a), ri.items_of(b), ri.partial))


@dataclass(frozen=True)
class OverlapMatrix:
    """Role x role shared counts and similarity, for one category (or all) and weighting."""

    roles: tuple[str, ...]
    shared: np.ndarray
    jaccard: np.ndarray
    category: str | None
    weighted: bool

    def top_pairs(self, n: int = 20) -> list[tuple[str, str, float, int]]:
        """The n most similar distinct pairs: (a, b, jaccard, shared); ties in role order (sorted IRIs)."""
        import numpy as np

        iu = np.triu_indices(len(self.roles), k=1)
        scores = self.jaccard[iu]
        order = np.argsort(-scores, kind="stable")[:n]
        return [
            (
                self.roles[iu[0][k]],
                self.roles[iu[1][k]],
                float(scores[k]),
                int(self.shared[iu[0][k], iu[1][k]]),
            )
            for k in order
        ]


def overlap_matrix(
    ri: RoleItems,
    roles: Sequence[str] | None = None,
    *,
    category: str | None = None,
    essential_only: bool = False,
    weighted: bool = False,
) -> OverlapMatrix:
    """All-pairs overlap with sparse products: thousands of roles in seconds.

    Weighted: essential links weigh 1 and optional 0.5, and similarity is the weighted Jaccard
    sum(min)/sum(max); with weights in {0, 0.5, 1}, sum(min) = 0.5 * (P P^T + E E^T).
    """
    import numpy as np

    from graph.network import incidence

    order = tuple(roles) if roles is not None else ri.roles
    P, E = incidence(ri, order, category=category, essential_only=essential_only)
    shared = (P @ P.T).toarray()
    if weighted:
        w = P * OPTIONAL_WEIGHT + E * (ESSENTIAL_WEIGHT - OPTIONAL_WEIGHT)
        mins = OPTIONAL_WEIGHT * shared + (ESSENTIAL_WEIGHT - OPTIONAL_WEIGHT) * (E @ E.T).toarray()
        sums = np.asarray(w.sum(axis=1)).ravel()
        maxes = sums[:, None] + sums[None, :] - mins
    else:
        mins = shared
        sizes = np.asarray(P.sum(axis=1)).ravel()
        maxes = sizes[:, None] + sizes[None, :] - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(maxes > 0, mins / maxes, 0.0)
    return OverlapMatrix(order, shared.astype(int), jac, category, weighted)


# ---------------------------------------------------------------- gap


@dataclass(frozen=True)
class GapStep:
    """One thing to acquire on the way from role A to role B."""

    order: int
    category: str
    item: str
    label: str
    essential: bool
    #: items A already has that a broad, narrow or related match links to this one: (A's item, relation)
    partly: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CredentialStep:
    """A credential of the target role with who issues it, what it needs first, and how to prepare."""

    credential: str
    label: str
    essential: bool
    bodies: tuple[str, ...]
    prerequisites: tuple[str, ...]
    requirements: tuple[str, ...]
    programs: tuple[str, ...]


@dataclass(frozen=True)
class Gap:
    """What a person in role A must add to reach role B, in the order to acquire it."""

    a: str
    b: str
    steps: tuple[GapStep, ...]
    credentials: tuple[CredentialStep, ...]
    already: tuple[str, ...]


def gap(ri: RoleItems, a: str, b: str, credentials: Iterable[CredentialStep] = ()) -> Gap:
    """B's items that A lacks, essential first within each stage, prerequisites before what needs them."""
    have, want = ri.items_of(a), ri.items_of(b)
    missing = [i for i in want if i not in have]
    creds = {c.credential: c for c in credentials}
    rank = {c: n for n, c in enumerate(GAP_ORDER)}
    prereq_depth = _prerequisite_depth(creds)

    def key(item: str) -> tuple:
        cat = ri.category[item]
        return (
            rank.get(cat, len(rank)),
            prereq_depth.get(item, 0),
            not want[item],
            ri.label.get(item, item).lower(),
            item,
        )

    def partly(item: str) -> tuple[tuple[str, str], ...]:
        return tuple((o, k) for o, k in sorted(ri.partial.get(item, {}).items()) if o in have)

    steps = tuple(
        GapStep(n, ri.category[i], i, ri.label.get(i, i), want[i], partly(i))
        for n, i in enumerate(sorted(missing, key=key), 1)
    )
    order = sorted(creds, key=lambda c: (prereq_depth.get(c, 0), creds[c].label.lower(), c))
    needed = tuple(creds[i] for i in order if i in missing)
    return Gap(a, b, steps, needed, tuple(sorted(i for i in want if i in have)))


def _prerequisite_depth(creds: dict[str, CredentialStep]) -> dict[str, int]:
    """How many prerequisites stand before each credential, so a prerequisite is earned first.

    >>> c = lambda iri, *pre: CredentialStep(iri, iri, True, (), pre, (), ())
    >>> _prerequisite_depth({"b": c("b", "a"), "c": c("c", "b")})
    {'a': 0, 'b': 1, 'c': 2}
    """
    before = {c.credential: set(c.prerequisites) for c in creds.values()}
    try:
        order = list(TopologicalSorter(before).static_order())
    except CycleError:
        return {}
    ancestors: dict[str, set[str]] = {}
    for node in order:  # every prerequisite comes before what needs it
        ancestors[node] = set().union(*({p} | ancestors[p] for p in before.get(node, ())))
    return {n: len(ancestors[n]) for n in sorted(ancestors)}


# ---------------------------------------------------------------- cover


@dataclass(frozen=True)
class Cover:
    """The fewest training topics and credentials that reach every chosen role, and how each is reached."""

    roles: tuple[str, ...]
    chosen: tuple[str, ...]
    covered_by: dict[str, tuple[str, ...]]
    uncoverable: tuple[str, ...]
    exact: bool
    bound: str


def cover(
    ri: RoleItems,
    roles: Sequence[str],
    *,
    categories: Sequence[str] = COVER_CATEGORIES,
    exact_limit: int = 5_000_000,
) -> Cover:
    """Minimum set cover of roles by training topics and credentials: exact when small, else greedy.

    Exact search tries sets by increasing size while the number of combinations stays under
    exact_limit; greedy is within a factor H(n) <= ln(n) + 1 of the optimum (n = roles to cover).
    """
    targets = tuple(dict.fromkeys(roles))
    reach: dict[str, set[str]] = {}
    for role in targets:
        for item in ri.items_of(role):
            if ri.category[item] in categories:
                reach.setdefault(item, set()).add(role)
    coverable = set().union(*reach.values()) if reach else set()
    uncoverable = tuple(r for r in targets if r not in coverable)
    candidates = sorted(reach, key=lambda i: (-len(reach[i]), i))
    chosen, exact = None, False
    for k in range(1, len(candidates) + 1):
        if math.comb(len(candidates), k) > exact_limit:
            break
        for combo in itertools.combinations(candidates, k):
            if set().union(*(reach[i] for i in combo)) >= coverable:
                chosen, exact = combo, True
                break
        if chosen:
            break
    if not coverable:
        chosen, exact = (), True
    if chosen is None:
        chosen = _greedy_cover(reach, coverable)
    covered_by = {r: tuple(i for i in chosen if r in reach[i]) for r in targets}
    n = len(coverable)
    bound = (
        "optimal"
        if exact
        else f"greedy: at most H({n}) = {sum(1 / k for k in range(1, n + 1)):.2f} x optimal"
    )
    if uncoverable:  # never "optimal" for roles the chosen items do not reach
        bound = (
            f"{bound} for the {n} role(s) reached; {len(uncoverable)} reached by no "
            f"{' or '.join(categories)} item"
        )
    return Cover(targets, tuple(chosen), covered_by, uncoverable, exact, bound)


def _greedy_cover(reach: dict[str, set[str]], universe: set[str]) -> tuple[str, ...]:
    left, chosen = set(universe), []
    while left:
        best = max(sorted(reach), key=lambda i: len(reach[i] & left))
        chosen.append(best)
        left -= reach[best]
    return tuple(chosen)


# ---------------------------------------------------------------- paths


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
    import networkx as nx

    if a not in G or b not in G:
        return []
    pred = nx.predecessor(G.to_undirected(as_view=True), a)
    if b not in pred:
        return []
    # among equally short paths, those through more of our own entities first (they say how our graph
    # meets the frameworks); the walk's sorted order breaks ties
    found = itertools.islice(_paths_back(pred, a, b), max(limit, 1) * 50)
    node_paths = sorted(found, key=lambda p: sum(framework(n) != "curated" for n in p))[:limit]
    return [tuple(_step(G, x, y) for x, y in itertools.pairwise(path)) for path in node_paths]


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


# ---------------------------------------------------------------- transferable items and communities


@dataclass(frozen=True)
class Bridge:
    """An item that many roles share: its role count and betweenness on the role-item graph."""

    item: str
    label: str
    category: str
    roles: int
    betweenness: float


def transferable(ri: RoleItems, *, top: int = 20, sample: int | None = None, seed: int = 7) -> list[Bridge]:
    """Items that bridge the most roles: ranked by betweenness centrality, then by how many roles need them.

    `sample` approximates betweenness with that many pivots for big graphs (exact when None).
    """
    import networkx as nx

    from graph.network import role_item_graph

    G = role_item_graph(ri)
    k = sample if sample and sample < G.number_of_nodes() else None
    bc = nx.betweenness_centrality(G, k=k, seed=seed if k else None, normalized=True)
    items = [n for n, d in G.nodes(data=True) if d["type"] == "item"]
    ranked = sorted(items, key=lambda i: (-bc[i], -G.degree(i), i))[:top]
    return [Bridge(i, ri.label.get(i, i), ri.category[i], G.degree(i), bc[i]) for i in ranked]


def communities(ri: RoleItems, roles: Sequence[str] | None = None, *, seed: int = 7) -> list[tuple[str, ...]]:
    """Groups of roles that share many items: Louvain on the role graph weighted by shared items."""
    import networkx as nx
    import numpy as np

    order = tuple(roles) if roles is not None else ri.roles
    m = overlap_matrix(ri, order)
    G = nx.Graph()
    G.add_nodes_from(order)
    rows, cols = np.nonzero(np.triu(m.shared, k=1))
    G.add_weighted_edges_from(
        (order[i], order[j], float(m.shared[i, j])) for i, j in zip(rows, cols, strict=True)
    )
    found = nx.community.louvain_communities(G, weight="weight", seed=seed)
    return sorted((tuple(sorted(c)) for c in found), key=lambda c: (-len(c), c))
