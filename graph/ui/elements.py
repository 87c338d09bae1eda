"""The view-model: query results -> Cytoscape elements, stylesheet, legend, layouts, detail panels, exports.

Pure functions over plain values (no Dash, no store): the callbacks feed them rows and triples and
send what they return to the browser, and the tests call them directly. Large views are laid out
here with NetworkX and sent as preset positions, because Cytoscape's own force layout takes
seconds in the browser beyond a few hundred nodes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef

from graph.terms import AKG, DCTERMS, SKOS, curie

MAX_ELEMENTS = 1_500  # nodes + edges drawn at once (the browser stays interactive below this)
PYTHON_LAYOUT_FROM = 150  # nodes: above this, force layouts are computed here, not in the browser
EDGE_LABELS_UP_TO = 60  # edges: small views show every link label, larger ones on hover/selection
EXPAND_CAP = 25  # neighbours added per expanded node

# kind local name -> (person's name, colour, Cytoscape shape)
KINDS: dict[str, tuple[str, str, str]] = {
    "Role": ("Role", "#1f6fb4", "ellipse"),
    "Procedure": ("Procedure", "#f28e2b", "round-rectangle"),
    "Device": ("Device", "#2ca02c", "diamond"),
    "Condition": ("Condition", "#d62728", "triangle"),
    "Credential": ("Credential", "#8e5fc1", "star"),
    "CertifyingBody": ("Certifying body", "#8c564b", "hexagon"),
    "Regulator": ("Regulator", "#e377c2", "octagon"),
    "TrainingTopic": ("Training topic", "#b5b51f", "round-triangle"),
    "Workplace": ("Workplace", "#17becf", "barrel"),
    "Duty": ("Duty", "#7f7f7f", "rectangle"),
    "EthicalStandard": ("Ethical standard", "#6b8fd6", "pentagon"),
    "Requirement": ("Requirement", "#e0a040", "tag"),
    "EducationProgram": ("Education program", "#5fae57", "round-pentagon"),
    "EducationProvider": ("Education provider", "#d9777a", "cut-rectangle"),
    "LabourStatistic": ("Labour statistic", "#a98bc9", "vee"),
    "Skill": ("Skill", "#a5786c", "round-diamond"),
    "Tool": ("Tool", "#cf6fa6", "rhomboid"),
    "Technology": ("Technology", "#9a9a3a", "heptagon"),
}
OTHER = ("Other", "#bbbbbb", "ellipse")

# The node filters of the graph view: URL key -> (label, class whose members are the options).
FILTERS: dict[str, tuple[str, str]] = {
    "role": ("Roles", "Role"),
    "procedure": ("Procedures", "Procedure"),
    "device": ("Devices", "Device"),
    "credential": ("Credentials", "Credential"),
    "body": ("Certifying bodies", "CertifyingBody"),
    "workplace": ("Workplaces", "Workplace"),
    "topic": ("Training topics", "TrainingTopic"),
}

LAYOUTS = {
    "force": "Force-directed",
    "hierarchy": "Hierarchical (by kind)",
    "concentric": "Concentric (by degree)",
    "grouped": "Grouped by kind",
}


def kind_name(kind: str | None) -> str:
    """The local name of a kind IRI (akg:Role -> Role); '' when unknown."""
    if not kind:
        return ""
    return str(kind).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def kind_style(kind: str | None) -> tuple[str, str, str]:
    """(label, colour, shape) for a kind IRI or local name."""
    return KINDS.get(kind_name(kind), OTHER)


# ---------------------------------------------------------------- the subgraph


@dataclass
class Subgraph:
    """Entities and the links between them: what a view draws before layout and capping."""

    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # iri -> (label, kind local name)
    edges: dict[tuple[str, str, str], tuple[str, bool | None]] = field(
        default_factory=dict
    )  # (s, p, o) -> (label, essential)
    more: dict[str, int] = field(default_factory=dict)  # expanded node -> neighbours left out

    def add_node(self, iri: str, label: str, kind: str) -> None:
        """Add an entity unless already present."""
        self.nodes.setdefault(str(iri), (str(label), kind_name(kind)))

    def add_edge(self, s: str, p: str, o: str, label: str, essential: bool | None) -> None:
        """Add a link; a known essential flag wins over an unknown one."""
        key = (str(s), str(p), str(o))
        old = self.edges.get(key)
        if old is None or (old[1] is None and essential is not None):
            self.edges[key] = (str(label), essential)

    def without(self, hidden: Iterable[str]) -> Subgraph:
        """The subgraph with some nodes (and their links) removed."""
        gone = set(hidden)
        return Subgraph(
            {n: v for n, v in self.nodes.items() if n not in gone},
            {k: v for k, v in self.edges.items() if k[0] not in gone and k[2] not in gone},
            {n: c for n, c in self.more.items() if n not in gone},
        )

    def keep(self, kept: Iterable[str]) -> Subgraph:
        """Only some nodes and the links among them."""
        keep = set(kept)
        return self.without(n for n in self.nodes if n not in keep)

    def of_kinds(self, kinds: Iterable[str]) -> Subgraph:
        """Only the links whose both ends are of these kinds (local names), and their nodes."""
        wanted = set(kinds)
        edges = {
            k: v
            for k, v in self.edges.items()
            if self.nodes[k[0]][1] in wanted and self.nodes[k[2]][1] in wanted
        }
        ends = {n for s, _, o in edges for n in (s, o)}
        return Subgraph({n: v for n, v in self.nodes.items() if n in ends}, edges, dict(self.more))

    def to_json(self) -> dict:
        """A compact, JSON-safe form for a dcc.Store (exports read it back)."""
        return {
            "nodes": [[iri, label, kind] for iri, (label, kind) in self.nodes.items()],
            "edges": [[s, p, o, label, ess] for (s, p, o), (label, ess) in self.edges.items()],
        }

    @classmethod
    def from_json(cls, data: Mapping | None) -> Subgraph:
        """Read back what to_json wrote."""
        sub = cls()
        for iri, label, kind in (data or {}).get("nodes", []):
            sub.nodes[iri] = (label, kind)
        for s, p, o, label, ess in (data or {}).get("edges", []):
            sub.edges[(s, p, o)] = (label, ess)
        return sub


def _bool(term: object) -> bool | None:
    if term is None:
        return None
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
_SUBJ, _PRED, _OBJ, _ESS = str(RDF.subject), str(RDF.predicate), str(RDF.object), str(AKG.essential)
_STATEMENT_KEYS = {_SUBJ, _PRED, _OBJ, _ESS}
_AKG = str(AKG)


def subgraph_from_triples(triples: Iterable[tuple]) -> Subgraph:
    """Read construct_subgraph's output: links, kinds, labels, property labels and essential flags.

    Terms are compared as plain strings: rdflib's term equality is ten times slower, and this
    runs on every filter change.
    """
    kinds: dict[str, str] = {}
    labels: dict[str, str] = {}
    prop_labels: dict[str, str] = {}
    prop_essential: dict[str, bool] = {}
    statements: dict[str, dict] = defaultdict(dict)
    links: list[tuple[str, str, str]] = []
    for s_term, p_term, o in triples:
        s, p = str(s_term), str(p_term)
        if p == _TYPE:
            o_text = str(o)
            if o_text == _STATEMENT:
                statements[s]
            elif o_text.startswith(_AKG):
                kinds.setdefault(s, o_text[len(_AKG) :])
        elif p == _LABEL:
            labels.setdefault(s, str(o))
        elif p == _PLABEL:
            prop_labels.setdefault(s, str(o))
        elif p == _LINK_ESSENTIAL:
            prop_essential[s] = bool(_bool(o))
        elif p in _STATEMENT_KEYS:
            statements[s][p] = o
        elif isinstance(o, URIRef):
            links.append((s, p, str(o)))
    flagged = {
        (str(st[_SUBJ]), str(st[_PRED]), str(st[_OBJ])): bool(_bool(st[_ESS]))
        for st in statements.values()
        if st.keys() >= _STATEMENT_KEYS
    }
    sub = Subgraph()
    for s, p, o in links:
        if s in statements or s not in kinds or o not in kinds:
            continue
        sub.add_node(s, labels.get(s, curie(s)), kinds[s])
        sub.add_node(o, labels.get(o, curie(o)), kinds[o])
        ess = flagged.get((s, p, o), prop_essential.get(p))
        sub.add_edge(s, p, o, prop_labels.get(p, curie(p)), ess)
    return sub


def add_neighbours(
    sub: Subgraph,
    rows: Iterable[Mapping],
    *,
    labels: Mapping[str, tuple[str, str]] | None = None,
    cap: int | None = EXPAND_CAP,
    only_present: bool = False,
) -> Subgraph:
    """Add rows of neighbours.rq (node, s, p, o, neighbour, …) to a subgraph, at most `cap` new nodes per node.

    `labels` gives (label, kind) for the queried nodes themselves; with only_present, only links to
    nodes already drawn are added (a node joining a view brings its links to what is there).
    """
    added: dict[str, set[str]] = defaultdict(set)
    left: dict[str, set[str]] = defaultdict(set)
    for r in rows:
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
            sub.add_node(nb, str(r["neighbourLabel"]), str(r["neighbourKind"]))
        if node not in sub.nodes and labels and node in labels:
            sub.add_node(node, *labels[node])
        label = r.get("propertyLabel")
        sub.add_edge(
            r["s"],
            r["p"],
            r["o"],
            str(label) if label is not None else curie(str(r["p"])),
            _bool(r.get("essential")),
        )
    for node, rest in left.items():
        sub.more[node] = len(rest - added[node])
    return sub


def neighbourhood(
    fetch, start: str, depth: int, *, labels: Mapping[str, tuple[str, str]], cap: int = MAX_ELEMENTS
) -> Subgraph:
    """Breadth-first neighbourhood of a node to `depth` steps; `fetch(iris) -> rows` runs neighbours.rq."""
    sub = Subgraph()
    if start in labels:
        sub.add_node(start, *labels[start])
    frontier = [start]
    for _ in range(max(1, min(int(depth), 3))):
        before = set(sub.nodes)
        add_neighbours(sub, fetch(frontier), labels=labels, cap=None)
        frontier = [n for n in sub.nodes if n not in before]
        if not frontier or len(sub.nodes) + len(sub.edges) > cap:
            break
    return sub


def add_path(sub: Subgraph, steps: Iterable[Sequence], labels: Mapping[str, tuple[str, str]]) -> set:
    """Add a path's nodes and links ([s, p, label, o] steps) and return the keys to highlight."""
    marked: set = set()
    for s, p, label, o in steps:
        for n in (s, o):
            if n not in sub.nodes:
                sub.add_node(n, *labels.get(n, (curie(n), "")))
            marked.add(n)
        sub.add_edge(s, p, o, label, None)
        marked.add((s, p, o))
    return marked


# ---------------------------------------------------------------- elements and layout


@dataclass(frozen=True)
class View:
    """What the browser draws: elements, the layout to run, and a note when the view was cut."""

    elements: list[dict]
    layout: dict
    note: str
    drawn: Subgraph


def cap(sub: Subgraph, limit: int = MAX_ELEMENTS, *, first: Iterable[str] = ()) -> tuple[Subgraph, int, int]:
    """Keep the best-connected nodes (and `first` ones) while nodes + links stay within `limit`.

    Returns (kept, drawn element count, total element count).
    """
    total = len(sub.nodes) + len(sub.edges)
    if total <= limit:
        return sub, total, total
    degree: dict[str, int] = defaultdict(int)
    by_node: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for s, p, o in sub.edges:
        degree[s] += 1
        degree[o] += 1
        by_node[s].append((s, p, o))
        by_node[o].append((s, p, o))
    pinned = [n for n in first if n in sub.nodes]
    order = pinned + sorted((n for n in sub.nodes if n not in set(pinned)), key=lambda n: (-degree[n], n))
    kept: set[str] = set()
    count = 0
    for n in order:
        new_edges = sum(1 for s, _, o in by_node[n] if (o if s == n else s) in kept or s == o)
        if count + 1 + new_edges > limit:
            break
        kept.add(n)
        count += 1 + new_edges
    out = sub.keep(kept)
    return out, len(out.nodes) + len(out.edges), total


def positions(sub: Subgraph, layout: str) -> dict[str, tuple[float, float]] | None:
    """Preset positions computed in Python, or None when the browser's own layout is cheap enough."""
    n = len(sub.nodes)
    if n == 0:
        return None
    if layout == "force" and n <= PYTHON_LAYOUT_FROM:
        return None
    if layout == "concentric":
        return None
    if layout == "hierarchy":
        return _by_kind(sub, rows=False)
    if layout == "grouped":
        return _by_kind(sub, rows=True)
    G = nx.Graph()
    G.add_nodes_from(sorted(sub.nodes))
    G.add_edges_from((s, o) for s, _, o in sub.edges if s != o)
    pos = nx.spring_layout(G, seed=7, iterations=30 if n > 600 else 50, k=1.5 / math.sqrt(n))
    scale = 120 * math.sqrt(n)
    return {k: (float(x) * scale, float(y) * scale) for k, (x, y) in pos.items()}


def _kind_order(kind: str) -> int:
    names = list(KINDS)
    return names.index(kind) if kind in names else len(names)


def _by_kind(sub: Subgraph, *, rows: bool) -> dict[str, tuple[float, float]]:
    """Hierarchy: one layer per kind (roles on top). Grouped: each kind a compact block on a grid."""
    groups: dict[str, list[str]] = defaultdict(list)
    for iri, (_label, kind) in sorted(sub.nodes.items(), key=lambda kv: kv[1][0].lower()):
        groups[kind].append(iri)
    kinds = sorted(groups, key=_kind_order)
    pos: dict[str, tuple[float, float]] = {}
    if not rows:
        for layer, kind in enumerate(kinds):
            members = groups[kind]
            width = max(len(members) - 1, 1) * 140
            for i, iri in enumerate(members):
                pos[iri] = (i * 140 - width / 2, layer * 180.0)
        return pos
    per_row = max(1, math.ceil(math.sqrt(len(kinds))))
    x0 = 0.0
    row_height = 0.0
    y0 = 0.0
    for g, kind in enumerate(kinds):
        members = groups[kind]
        side = max(1, math.ceil(math.sqrt(len(members))))
        for i, iri in enumerate(members):
            pos[iri] = (x0 + (i % side) * 110, y0 + (i // side) * 90)
        x0 += side * 110 + 160
        row_height = max(row_height, math.ceil(len(members) / side) * 90)
        if (g + 1) % per_row == 0:
            x0, y0, row_height = 0.0, y0 + row_height + 160, 0.0
    return pos


def layout_options(layout: str, preset: bool) -> dict:
    """The Cytoscape layout object for a view."""
    if preset:
        return {"name": "preset", "fit": True, "padding": 30, "animate": False}
    if layout == "concentric":
        return {"name": "concentric", "fit": True, "padding": 30, "animate": False, "minNodeSpacing": 30}
    return {  # the spacing of dash-cytoscape's own cose demo; labels count as part of each node
        "name": "cose",
        "animate": False,
        "fit": True,
        "padding": 30,
        "randomize": True,
        "nodeDimensionsIncludeLabels": True,
        "idealEdgeLength": 100,
        "nodeOverlap": 20,
        "componentSpacing": 100,
        "nodeRepulsion": 400000,
        "edgeElasticity": 100,
        "gravity": 80,
        "numIter": 1000,
        "initialTemp": 200,
        "coolingFactor": 0.95,
        "minTemp": 1.0,
    }


def to_view(
    sub: Subgraph,
    *,
    layout: str = "force",
    selected: str | None = None,
    marked: Iterable = (),
    first: Iterable[str] = (),
    limit: int = MAX_ELEMENTS,
) -> View:
    """Elements for dash-cytoscape: capped, laid out, with kind classes, essential/optional link classes."""
    kept, drawn, total = cap(sub, limit, first=[*([selected] if selected else []), *first])
    pos = positions(kept, layout)
    marked = set(marked)
    degree: dict[str, int] = defaultdict(int)
    for s, _, o in kept.edges:
        degree[s] += 1
        degree[o] += 1
    elements: list[dict] = []
    for iri, (label, kind) in kept.nodes.items():
        classes = [f"k-{kind or 'Other'}"]
        if iri in marked:
            classes.append("path")
        more = kept.more.get(iri)
        el = {
            "data": {
                "id": iri,
                "label": label + (f" (+{more} more)" if more else ""),
                "kind": kind,
                "degree": degree[iri],
            },
            "classes": " ".join(classes),
        }
        if iri == selected:
            el["selected"] = True
        if pos is not None:
            x, y = pos[iri]
            el["position"] = {"x": round(x, 1), "y": round(y, 1)}
        elements.append(el)
    show_labels = len(kept.edges) <= EDGE_LABELS_UP_TO
    for n, ((s, p, o), (label, ess)) in enumerate(kept.edges.items()):
        classes = ["essential" if ess else ("optional" if ess is False else "link")]
        if show_labels:
            classes.append("labelled")
        if (s, p, o) in marked:
            classes.append("path")
        elements.append(
            {
                "data": {"id": f"e{n}", "source": s, "target": o, "label": label, "p": p},
                "classes": " ".join(classes),
            }
        )
    note = f"showing {drawn} of {total} elements — narrow the filters" if drawn < total else ""
    return View(elements, layout_options(layout, pos is not None), note, kept)


def stylesheet() -> list[dict]:
    """Colour and shape by kind; essential links thick and solid, optional thin and dashed."""
    base = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "font-size": 11,
                "text-wrap": "ellipsis",
                "text-max-width": 140,
                "text-valign": "bottom",
                "text-margin-y": 4,
                "width": 26,
                "height": 26,
                "border-width": 1,
                "border-color": "#ffffff",
                "min-zoomed-font-size": 7,
                "color": "#222",
                "text-background-color": "#ffffff",
                "text-background-opacity": 0.7,
                "text-background-padding": 1,
            },
        },
        {"selector": "node.k-Role", "style": {"width": 38, "height": 38, "font-weight": "bold"}},
        {
            "selector": "edge",
            "style": {
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "arrow-scale": 0.8,
                "line-color": "#9aa3ad",
                "target-arrow-color": "#9aa3ad",
                "width": 1.2,
                "font-size": 10,
                "color": "#333",
                "text-rotation": "autorotate",
                "text-background-color": "#ffffff",
                "text-background-opacity": 0.85,
                "text-background-padding": 2,
            },
        },
        {
            "selector": "edge.essential",
            "style": {"width": 3.2, "line-color": "#3b4a5a", "target-arrow-color": "#3b4a5a"},
        },
        {
            "selector": "edge.optional",
            "style": {"width": 1.4, "line-style": "dashed", "line-dash-pattern": [6, 4]},
        },
        {"selector": "edge.labelled, edge:selected, edge.hover", "style": {"label": "data(label)"}},
        {
            "selector": "node:selected",
            "style": {"border-width": 4, "border-color": "#111", "overlay-opacity": 0.1},
        },
        {"selector": "edge:selected", "style": {"line-color": "#111", "target-arrow-color": "#111"}},
        {"selector": "node.path", "style": {"border-width": 4, "border-color": "#e6007e"}},
        {
            "selector": "edge.path",
            "style": {
                "line-color": "#e6007e",
                "target-arrow-color": "#e6007e",
                "width": 4,
                "label": "data(label)",
            },
        },
    ]
    for name, (_, colour, shape) in [*KINDS.items(), ("Other", OTHER)]:
        base.insert(1, {"selector": f"node.k-{name}", "style": {"background-color": colour, "shape": shape}})
    return base


# CSS clip-paths that draw the legend swatches in the same shapes as the graph.
_CLIP = {
    "ellipse": "circle(50%)",
    "diamond": "polygon(50% 0,100% 50%,50% 100%,0 50%)",
    "round-diamond": "polygon(50% 0,100% 50%,50% 100%,0 50%)",
    "triangle": "polygon(50% 0,100% 100%,0 100%)",
    "round-triangle": "polygon(50% 0,100% 100%,0 100%)",
    "star": "polygon(50% 0,61% 35%,98% 35%,68% 57%,79% 91%,50% 70%,21% 91%,32% 57%,2% 35%,39% 35%)",
    "hexagon": "polygon(25% 5%,75% 5%,100% 50%,75% 95%,25% 95%,0 50%)",
    "octagon": "polygon(30% 0,70% 0,100% 30%,100% 70%,70% 100%,30% 100%,0 70%,0 30%)",
    "pentagon": "polygon(50% 0,100% 38%,82% 100%,18% 100%,0 38%)",
    "round-pentagon": "polygon(50% 0,100% 38%,82% 100%,18% 100%,0 38%)",
    "heptagon": "polygon(50% 0,90% 20%,100% 60%,75% 100%,25% 100%,0 60%,10% 20%)",
    "tag": "polygon(0 0,70% 0,100% 50%,70% 100%,0 100%)",
    "vee": "polygon(0 0,50% 40%,100% 0,50% 100%)",
    "rhomboid": "polygon(25% 0,100% 0,75% 100%,0 100%)",
    "cut-rectangle": "polygon(20% 0,80% 0,100% 20%,100% 80%,80% 100%,20% 100%,0 80%,0 20%)",
    "barrel": "inset(0 round 30% / 15%)",
    "round-rectangle": "inset(0 round 25%)",
    "rectangle": "inset(0)",
}


def legend(kinds_present: Iterable[str] | None = None) -> list[dict]:
    """Legend entries (label, colour, CSS clip-path) for the kinds drawn, in the palette's order."""
    present = set(kinds_present) if kinds_present is not None else set(KINDS)
    out = []
    for name, (label, colour, shape) in [*KINDS.items(), ("Other", OTHER)]:
        if name in present:
            out.append(
                {"kind": name, "label": label, "colour": colour, "clip": _CLIP.get(shape, "circle(50%)")}
            )
    return out


# ---------------------------------------------------------------- the detail panel


def safe_href(iri: str) -> str | None:
    """An IRI usable as a link: http(s) only; anything else (javascript:, data:, urn:) stays text."""
    text = str(iri).strip()
    lowered = text.lower()
    if not lowered.startswith(("http://", "https://")) or any(c in text for c in "\"'<> \t\n\r"):
        return None
    return text


@dataclass(frozen=True)
class Value:
    """One value in the detail panel: its text, a safe link or None, and the entity it names if any."""

    text: str
    href: str | None = None
    entity: str | None = None


@dataclass(frozen=True)
class Details:
    """A node's panel: its properties, its sources, its neighbours grouped by relation."""

    iri: str
    label: str
    kind: str
    properties: list[tuple[str, list[Value]]]
    sources: list[Value]
    neighbours: list[tuple[str, list[Value]]]


_SOURCE_PROPS = {str(DCTERMS.source), "http://www.w3.org/ns/prov#wasDerivedFrom"}
_LABEL_PROPS = {str(SKOS.prefLabel), str(RDFS.label)}


def _pretty_prop(iri: str, label: object) -> str:
    """A property's label, or its local name in words: altLabel -> alt label."""
    if label is not None:
        return str(label)
    local = str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower() if local else curie(str(iri))


def details(
    iri: str, label: str, kind: str, rows: Iterable[Mapping], entities: Mapping[str, object]
) -> Details:
    """Group node_properties rows: literal and external values as properties, entity links as neighbours.

    `entities` is the set (or index) of known entity IRIs: a value in it is a neighbour, drawn
    as a name to click; other IRIs are external links (http/https only) or plain text.
    """
    props: dict[str, list[Value]] = defaultdict(list)
    neigh: dict[str, list[Value]] = defaultdict(list)
    sources: list[Value] = []
    seen: set = set()
    for r in rows:
        direction, prop, value = str(r["direction"]), str(r["property"]), r["value"]
        key = (direction, prop, str(value))
        if key in seen:
            continue
        seen.add(key)
        value_label = r.get("valueLabel")
        name = _pretty_prop(prop, r.get("propertyLabel"))
        if isinstance(value, URIRef) or (value is not None and not isinstance(value, Literal)):
            text = str(value_label) if value_label is not None else curie(str(value))
            if prop in _SOURCE_PROPS and direction == "out":
                sources.append(Value(text, safe_href(str(value))))
            elif str(value) in entities:
                rel = name if direction == "out" else f"{name} (from)"
                neigh[rel].append(Value(text, None, str(value)))
            elif prop == str(RDF.type):
                props["type"].append(Value(curie(str(value))))
            else:
                props[name].append(Value(text, safe_href(str(value))))
        elif (direction == "out" and prop not in _LABEL_PROPS) or direction == "out":
            props[name].append(Value(str(value)))
    return Details(
        iri,
        label,
        kind,
        sorted(props.items()),
        sources,
        sorted((k, sorted(v, key=lambda x: x.text.lower())) for k, v in neigh.items()),
    )


# ---------------------------------------------------------------- tables and exports


def term_text(term: object) -> str:
    """A result cell as people read it: IRIs as CURIEs, literals as their text, empty for unbound."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef):
        return curie(str(term))
    return str(term)


def result_table(result) -> dict:
    """A sandbox Result as JSON-safe columns/rows for the grid, the downloads and Draw."""
    if result.form == "ASK":
        return {
            "form": "ASK",
            "columns": ["answer"],
            "rows": [{"answer": str(bool(result.boolean)).lower()}],
            "iris": {},
            "truncated": False,
            "triples": [],
        }
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        triples = [[str(t) for t in tr] for tr in result.triples]
        kinds = [[isinstance(t, URIRef) for t in tr] for tr in result.triples]
        rows = [
            {"subject": term_text(s), "predicate": term_text(p), "object": term_text(o)}
            for s, p, o in result.triples
        ]
        return {
            "form": result.form,
            "columns": ["subject", "predicate", "object"],
            "rows": rows,
            "iris": {},
            "truncated": bool(result.truncated),
            "triples": triples,
            "kinds": kinds,
        }
    columns = list(result.vars)
    rows, iris = [], defaultdict(list)
    for n, row in enumerate(result.rows):
        rows.append({c: term_text(v) for c, v in zip(columns, row, strict=True)})
        for c, v in zip(columns, row, strict=True):
            if isinstance(v, URIRef):
                iris[c].append([n, str(v)])
    return {
        "form": "SELECT",
        "columns": columns,
        "rows": rows,
        "iris": dict(iris),
        "truncated": bool(result.truncated),
        "triples": [],
    }


def table_elements(table: Mapping, labels: Mapping[str, tuple[str, str]], limit: int = MAX_ELEMENTS) -> View:
    """Draw a result: CONSTRUCT/DESCRIBE triples between IRIs, or each SELECT row's IRIs linked to its first."""
    sub = Subgraph()

    def node(iri: str) -> None:
        sub.add_node(iri, *labels.get(iri, (curie(iri), "")))

    if table.get("triples"):
        for (s, p, o), (_, _, o_iri) in zip(table["triples"], table["kinds"], strict=True):
            if o_iri and p != str(RDF.type):
                node(s)
                node(o)
                sub.add_edge(s, p, o, labels.get(p, (curie(p), ""))[0], None)
    else:
        per_row: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for col in table["columns"]:
            for n, iri in table.get("iris", {}).get(col, []):
                per_row[n].append((col, iri))
        for cells in per_row.values():
            for _, iri in cells:
                node(iri)
            head = cells[0][1]
            for col, iri in cells[1:]:
                if iri != head:
                    sub.add_edge(head, col, iri, col, None)
    return to_view(sub, limit=limit)


def table_csv(table: Mapping) -> str:
    """A result table as CSV."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=table["columns"])
    w.writeheader()
    w.writerows(table["rows"])
    return out.getvalue()


def table_json(table: Mapping) -> str:
    """A result table as JSON rows."""
    return json.dumps(table["rows"], ensure_ascii=False, indent=1)


def subgraph_rdf(sub: Subgraph, kind_iri: Mapping[str, str] | None = None) -> Graph:
    """The drawn subgraph as RDF: its links, each node's label and kind."""
    kg = Graph()
    for prefix in ("akg", "skos", "rdfs"):
        kg.bind(prefix, {"akg": AKG, "skos": SKOS, "rdfs": RDFS}[prefix])
    for iri, (label, kind) in sub.nodes.items():
        kg.add((URIRef(iri), SKOS.prefLabel, Literal(label)))
        if kind:
            kg.add((URIRef(iri), RDF.type, URIRef((kind_iri or {}).get(kind, str(AKG) + kind))))
    for (s, p, o), (label, _ess) in sub.edges.items():
        kg.add((URIRef(s), URIRef(p), URIRef(o)))
        kg.add((URIRef(p), RDFS.label, Literal(label)))
    return kg


def subgraph_csv(sub: Subgraph) -> str:
    """Nodes then edges as one CSV: a `type` column says which (node or edge)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["type", "id", "label", "kind", "source", "predicate", "target", "essential"])
    for iri, (label, kind) in sub.nodes.items():
        w.writerow(["node", iri, label, kind, "", "", "", ""])
    for (s, p, o), (label, ess) in sub.edges.items():
        w.writerow(["edge", "", label, "", s, p, o, "" if ess is None else str(ess).lower()])
    return out.getvalue()
