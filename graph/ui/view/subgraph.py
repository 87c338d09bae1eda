"""The subgraph a view draws: entities and links read from query results (pure, no Dash, no store)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from rdflib import RDF, RDFS, Literal, URIRef

from graph.terms import AKG, DCTERMS, SKOS, curie, label_key
from graph.ui.view.kinds import kind_name

EXPAND_CAP = 25  # neighbours added per expanded node
MAX_ELEMENTS = 1_500  # nodes + edges drawn at once (the browser stays interactive below this)


class Node(NamedTuple):
    """An entity as drawn: its label and its kind's local name."""

    label: str
    kind: str


class Triple(NamedTuple):
    """What identifies a link: subject, predicate, object IRIs."""

    s: str
    p: str
    o: str


class Link(NamedTuple):
    """A link as drawn: the relation's label, essential (True/False, None when not said), its source."""

    label: str
    essential: bool | None
    source: str | None = None


@dataclass
class Subgraph:
    """Entities and the links between them: what a view draws before layout and capping."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[Triple, Link] = field(default_factory=dict)
    more: dict[str, int] = field(default_factory=dict)  # expanded node -> neighbours left out

    def copy(self) -> Subgraph:
        """A copy callers may change (the values are immutable)."""
        return Subgraph(dict(self.nodes), dict(self.edges), dict(self.more))

    def add_node(self, iri: str, label: str, kind: str) -> None:
        """Add an entity unless already present."""
        self.nodes.setdefault(str(iri), Node(str(label), kind_name(kind)))

    def add_edge(
        self, s: str, p: str, o: str, label: str, essential: bool | None, source: str | None = None
    ) -> None:
        """Add a link; a known essential flag or source wins over an unknown one."""
        key = Triple(str(s), str(p), str(o))
        old = self.edges.get(key)
        if old is None:
            self.edges[key] = Link(str(label), essential, source)
        elif (old.essential is None and essential is not None) or (old.source is None and source):
            self.edges[key] = Link(
                old.label,
                old.essential if old.essential is not None else essential,
                old.source or source,
            )

    def without(self, hidden: Iterable[str]) -> Subgraph:
        """The subgraph with some nodes (and their links) removed."""
        gone = set(hidden)
        return Subgraph(
            {n: v for n, v in self.nodes.items() if n not in gone},
            {k: v for k, v in self.edges.items() if k.s not in gone and k.o not in gone},
            {n: c for n, c in self.more.items() if n not in gone},
        )

    def keep(self, kept: Iterable[str]) -> Subgraph:
        """Only some nodes and the links among them."""
        keep = set(kept)
        return self.without(n for n in self.nodes if n not in keep)

    def only(self, marked: Iterable) -> Subgraph:
        """Only the marked nodes and links (a path on its own); a marked link needs both ends."""
        keys = set(marked)
        nodes = {n: v for n, v in self.nodes.items() if n in keys}
        edges = {k: v for k, v in self.edges.items() if k in keys and k.s in nodes and k.o in nodes}
        return Subgraph(nodes, edges, {})

    def touching(self, seeds: Iterable[str]) -> Subgraph:
        """Only the links touching some seeds, and their ends: the view of those seeds alone."""
        chosen = set(seeds)
        edges = {k: v for k, v in self.edges.items() if k.s in chosen or k.o in chosen}
        ends = {n for k in edges for n in (k.s, k.o)} | (chosen & self.nodes.keys())
        return Subgraph({n: v for n, v in self.nodes.items() if n in ends}, edges, dict(self.more))

    def of_kinds(self, kinds: Iterable[str]) -> Subgraph:
        """Only the links whose both ends are of these kinds (local names), and their nodes."""
        wanted = set(kinds)
        edges = {
            k: v
            for k, v in self.edges.items()
            if self.nodes[k.s].kind in wanted and self.nodes[k.o].kind in wanted
        }
        ends = {n for k in edges for n in (k.s, k.o)}
        return Subgraph({n: v for n, v in self.nodes.items() if n in ends}, edges, dict(self.more))

    def shared(self, hubs: Iterable[str]) -> Subgraph:
        """The hubs and what at least two of them link to; each hub counts the neighbours left out.

        The first screen: three roles' 86 items at once left every label at 5 px; what they share
        reads, and Expand brings the rest of a role.
        """
        hubs = [h for h in hubs if h in self.nodes]
        linked: dict[str, set[str]] = defaultdict(set)
        for k in self.edges:
            for a, b in ((k.s, k.o), (k.o, k.s)):
                if a in hubs and b not in hubs:
                    linked[b].add(a)
        keep = set(hubs) | {n for n, by in linked.items() if len(by) > 1}
        out = self.keep(keep)
        for h in hubs:
            left = sum(1 for n, by in linked.items() if h in by and n not in keep)
            if left:
                out.more[h] = left
        return out

    def to_json(self) -> dict:
        """A compact, JSON-safe form for a dcc.Store (exports read it back)."""
        return {
            "nodes": [[iri, n.label, n.kind] for iri, n in self.nodes.items()],
            "edges": [[k.s, k.p, k.o, v.label, v.essential, v.source] for k, v in self.edges.items()],
        }

    @classmethod
    def from_json(cls, data: Mapping | None) -> Subgraph:
        """Read back what to_json wrote."""
        sub = cls()
        for iri, label, kind in (data or {}).get("nodes", []):
            sub.nodes[iri] = Node(label, kind)
        for s, p, o, label, ess, *source in (data or {}).get("edges", []):
            sub.edges[Triple(s, p, o)] = Link(label, ess, source[0] if source else None)
        return sub


def as_bool(term: object) -> bool | None:
    """An RDF boolean (or any term, or a boolean's lexical form) as a Python bool; None for unbound."""
    if term is None:
        return None
    if type(term) is str:  # Store.strings' lexical form (rdflib terms are str subclasses)
        return term.lower() in ("true", "1")
    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, bool) else str(term).lower() in ("true", "1")
    return bool(term)


_TYPE, _STATEMENT, _LABEL, _PLABEL, _LINK_ESSENTIAL = (
    str(RDF.type),
    str(RDF.Statement),
    str(SKOS.prefLabel),
    str(RDFS.label),
    str(AKG.linkEssential),
)
_SUBJ, _PRED, _OBJ, _ESS, _SOURCE = (
    str(RDF.subject),
    str(RDF.predicate),
    str(RDF.object),
    str(AKG.essential),
    str(DCTERMS.source),
)
_STATEMENT_KEYS = {_SUBJ, _PRED, _OBJ, _ESS}
_AKG = str(AKG)


def subgraph_from_triples(triples: Iterable[tuple]) -> Subgraph:
    """Read construct_subgraph's output: links, kinds, labels, property labels, essential flags, sources.

    Terms are compared as plain strings: rdflib's term equality is ten times slower, and this
    runs on every filter change.
    """
    kinds: dict[str, str] = {}
    labels: dict[str, str] = {}
    prop_labels: dict[str, str] = {}
    prop_essential: dict[str, bool] = {}
    statements: dict[str, dict] = defaultdict(dict)
    links: list[Triple] = []
    sources: dict[str, object] = {}  # statement -> dcterms:source (entities' own sources are not drawn)
    for s_term, p_term, o in triples:
        s, p = str(s_term), str(p_term)
        if p == _TYPE:
            o_text = str(o)
            if o_text == _STATEMENT:
                statements[s]
            elif o_text.startswith(_AKG):
                kinds.setdefault(s, o_text[len(_AKG) :])
        elif p == _LABEL:
            if s not in labels or label_key(o) < label_key(labels[s]):
                labels[s] = o
        elif p == _PLABEL:
            prop_labels.setdefault(s, str(o))
        elif p == _LINK_ESSENTIAL:
            prop_essential[s] = bool(as_bool(o))
        elif p in _STATEMENT_KEYS:
            statements[s][p] = o
        elif p == _SOURCE:
            sources[s] = o
        elif isinstance(o, URIRef):
            links.append(Triple(s, p, str(o)))
    for st, src in sources.items():
        if st in statements:
            statements[st][_SOURCE] = src
    flagged = {
        Triple(str(st[_SUBJ]), str(st[_PRED]), str(st[_OBJ])): (
            bool(as_bool(st[_ESS])),
            str(st[_SOURCE]) if _SOURCE in st else None,
        )
        for st in statements.values()
        if st.keys() >= _STATEMENT_KEYS
    }
    sub = Subgraph()
    for t in links:
        if t.s in statements or t.s not in kinds or t.o not in kinds:
            continue
        sub.add_node(t.s, str(labels.get(t.s, curie(t.s))), kinds[t.s])
        sub.add_node(t.o, str(labels.get(t.o, curie(t.o))), kinds[t.o])
        ess, source = flagged.get(t, (prop_essential.get(t.p), None))
        sub.add_edge(t.s, t.p, t.o, prop_labels.get(t.p, curie(t.p)), ess, source)
    return sub


def add_neighbours(
    sub: Subgraph,
    rows: Iterable[Mapping],
    *,
    labels: Mapping[str, Node] | None = None,
    cap: int | None = EXPAND_CAP,
    only_present: bool = False,
) -> Subgraph:
    """Add rows of neighbours.rq (node, s, p, o, neighbour, …) to a subgraph, at most `cap` new nodes per node.

    `labels` gives (label, kind) for the queried nodes themselves; with only_present, only links to
    nodes already drawn are added (a node joining a view brings its links to what is there).
    New neighbours are taken in IRI order, so the same expand always adds the same nodes.
    """
    added: dict[str, set[str]] = defaultdict(set)
    left: dict[str, set[str]] = defaultdict(set)
    # a neighbour with labels in several languages comes in several rows: named as the index names it,
    # else by its rows' first label in label_key's order (their lexical forms; never the store's order)
    order = lambda r: (str(r["node"]), str(r["neighbour"]), str(r["p"]), label_key(r["neighbourLabel"]))  # noqa: E731
    for r in sorted(rows, key=order):
        node, nb = str(r["node"]), str(r["neighbour"])
        if nb == node:
            continue
        present = nb in sub.nodes
        if not present:
            if only_present:
                continue
            if cap is not None and len(added[node]) >= cap and nb not in added[node]:
                left[node].add(nb)
                continue
            added[node].add(nb)
        name = labels[nb].label if labels and nb in labels else str(r["neighbourLabel"])
        sub.add_node(nb, name, str(r["neighbourKind"]))
        if node not in sub.nodes and labels and node in labels:
            sub.add_node(node, *labels[node])
        label = r.get("propertyLabel")
        source = r.get("source")
        sub.add_edge(
            r["s"],
            r["p"],
            r["o"],
            str(label) if label is not None else curie(str(r["p"])),
            as_bool(r.get("essential")),
            str(source) if source is not None else None,
        )
    for node, rest in left.items():
        sub.more[node] = len(rest - added[node])
    return sub


def neighbourhood(
    fetch: Callable[[list[str]], Iterable[Mapping]],
    start: str,
    depth: int,
    *,
    labels: Mapping[str, Node],
    cap: int = MAX_ELEMENTS,
) -> Subgraph:
    """Breadth-first neighbourhood of a node to `depth` steps; `fetch(iris) -> rows` runs neighbours.rq."""
    sub = Subgraph()
    if start in labels:
        sub.add_node(start, *labels[start])
    frontier = [start]
    for _ in range(max(1, min(int(depth), 3))):
        before = set(sub.nodes)
        add_neighbours(sub, fetch(frontier), labels=labels, cap=None)
        frontier = sorted(n for n in sub.nodes if n not in before)
        if not frontier or len(sub.nodes) + len(sub.edges) > cap:
            break
    return sub


class Step(NamedTuple):
    """One link of a path to draw."""

    s: str
    p: str
    label: str
    o: str


def add_path(sub: Subgraph, steps: Iterable[Sequence], labels: Mapping[str, Node]) -> set:
    """Add a path's nodes and links ([s, p, label, o] steps) and return the keys to highlight."""
    marked: set = set()
    for step in steps:
        s, p, label, o = Step(*step)
        for n in (s, o):
            if n not in sub.nodes:
                sub.add_node(n, *labels.get(n, Node(curie(n), "")))
            marked.add(n)
        sub.add_edge(s, p, o, label, None)
        marked.add(Triple(s, p, o))
    return marked
