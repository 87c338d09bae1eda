"""Subgraph -> Cytoscape elements: capped, laid out, every element's id derived from what it is.

Cytoscape diffs the elements it is sent by id, so an id must name the thing itself (a node's IRI;
a link's subject, predicate and object), never its position in a list: a reused positional id
left removed links on the canvas and dropped new ones.
Large views are laid out here with NetworkX and sent as preset positions, because Cytoscape's
own force layout takes seconds in the browser beyond a few hundred nodes.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

import networkx as nx

from graph.ui.view.kinds import KINDS
from graph.ui.view.labels import shorten
from graph.ui.view.subgraph import MAX_ELEMENTS, Subgraph, Triple

PYTHON_LAYOUT_FROM = 150  # nodes: above this, force layouts are computed here, not in the browser
EDGE_LABELS_UP_TO = 60  # edges: small views show every link label, larger ones on hover/selection


class View(NamedTuple):
    """What the browser draws: elements, the layout to run, a note when the view was cut, the subgraph."""

    elements: list[dict]
    layout: dict
    note: str
    drawn: Subgraph


class Capped(NamedTuple):
    """A subgraph cut to the element limit, with how many elements it kept out of how many."""

    sub: Subgraph
    drawn: int
    total: int


def link_id(t: Triple) -> str:
    """A link's element id: a short stable hash of subject, predicate and object (IRIs hold no spaces).

    >>> link_id(Triple("a", "p", "b")) == link_id(Triple("a", "p", "b")) != link_id(Triple("b", "p", "a"))
    True
    """
    return "l" + hashlib.blake2b(f"{t.s} {t.p} {t.o}".encode(), digest_size=8).hexdigest()


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
    G.add_edges_from(sorted((t.s, t.o) for t in sub.edges if t.s != t.o))
    pos = nx.spring_layout(G, seed=7, iterations=30 if n > 600 else 50, k=1.5 / math.sqrt(n))
    scale = 120 * math.sqrt(n)
    return {k: (float(x) * scale, float(y) * scale) for k, (x, y) in pos.items()}


def _kind_order(kind: str) -> int:
    names = list(KINDS)
    return names.index(kind) if kind in names else len(names)


def _by_kind(sub: Subgraph, *, rows: bool) -> dict[str, tuple[float, float]]:
    """Hierarchy: one layer per kind (roles on top). Grouped: each kind a compact block on a grid."""
    groups: dict[str, list[str]] = defaultdict(list)
    for iri, node in sorted(sub.nodes.items(), key=lambda kv: (kv[1].label.lower(), kv[0])):
        groups[node.kind].append(iri)
    kinds = sorted(groups, key=lambda k: (_kind_order(k), k))
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


def _essential_class(essential: bool | None) -> str:
    return "essential" if essential else ("optional" if essential is False else "link")


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
    for t in kept.edges:
        degree[t.s] += 1
        degree[t.o] += 1
    elements: list[dict] = []
    for iri, node in kept.nodes.items():
        classes = [f"k-{node.kind or 'Other'}"]
        if iri in marked:
            classes.append("path")
        more = kept.more.get(iri)
        el = {
            "data": {
                "id": iri,
                "label": shorten(node.label) + (f" (+{more} more)" if more else ""),
                "kind": node.kind,
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
    for t, link in kept.edges.items():
        classes = [_essential_class(link.essential)]
        if show_labels:
            classes.append("labelled")
        if t in marked:
            classes.append("path")
        data = {"id": link_id(t), "source": t.s, "target": t.o, "label": shorten(link.label), "p": t.p}
        if link.essential is not None:
            data["essential"] = link.essential
        if link.source:
            data["src"] = link.source
        elements.append({"data": data, "classes": " ".join(classes)})
    note = f"showing {drawn} of {total} elements — narrow the filters" if drawn < total else ""
    return View(elements, layout_options(layout, pos is not None), note, kept)
