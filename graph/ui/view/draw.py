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
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from graph.ui.view.kinds import KINDS
from graph.ui.view.labels import shorten
from graph.ui.view.place import grow
from graph.ui.view.subgraph import MAX_ELEMENTS, Subgraph, Triple

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


def positions(
    sub: Subgraph, layout: str, anchors: Sequence[str] = ()
) -> dict[str, tuple[float, float]] | None:
    """Positions computed here, the same for the same view (seeded), or None for the browser's
    concentric layout (deterministic too, and cheap)."""
    n = len(sub.nodes)
    if n == 0 or layout == "concentric":
        return None
    if layout == "hierarchy":
        return _by_kind(sub, rows=False)
    if layout == "grouped":
        return _by_kind(sub, rows=True)
    return _force(sub, anchors)


RING_GAP, SLOT = 72.0, 84.0  # px between rings around an anchor, and along a ring
BAND_SLOT, BAND_ROW = 130.0, 96.0  # px between shared nodes in their band (a wrapped label's width), rows


def _force(sub: Subgraph, anchors: Sequence[str] = ()) -> dict[str, tuple[float, float]]:
    """Anchored radial layout: anchors (the seeds, else the roles, else the best connected) on a grid;
    each node linked to one anchor on rings around it, grouped by kind; nodes shared by several
    anchors in a band below, under the middle of their anchors. Deterministic and linear in size."""
    adj: dict[str, set[str]] = defaultdict(set)
    for t in sub.edges:
        if t.s != t.o:
            adj[t.s].add(t.o)
            adj[t.o].add(t.s)
    chosen = [a for a in dict.fromkeys(anchors) if a in sub.nodes]
    if not chosen:
        roles = sorted(n for n, v in sub.nodes.items() if v.kind == "Role")
        chosen = roles[:24] or sorted(sub.nodes, key=lambda n: (-len(adj[n]), n))[:8]
    owner = {a: frozenset([a]) for a in chosen}
    for n in sorted(sub.nodes):
        if n not in owner and adj[n] & set(chosen):
            owner[n] = frozenset(adj[n] & set(chosen))
    frontier = sorted(n for n in owner if n not in chosen)
    while frontier:  # nodes further out join the anchor group of the neighbour that reached them
        nxt = []
        for n in frontier:
            for m in sorted(adj[n]):
                if m not in owner:
                    owner[m] = owner[n]
                    nxt.append(m)
        frontier = nxt
    rest = sorted(n for n in sub.nodes if n not in owner)
    for i, n in enumerate(rest):  # unconnected to any anchor: spread over the anchors
        owner[n] = frozenset([chosen[i % len(chosen)]])
    groups: dict[frozenset, list[str]] = defaultdict(list)

    def order(n: str) -> tuple:  # by kind, other roles last: on the outer ring, their labels clear
        kind = sub.nodes[n].kind
        return (kind == "Role", _kind_order(kind), sub.nodes[n].label.lower(), n)

    for n in sorted(sub.nodes, key=order):
        if n not in chosen:
            groups[owner[n]].append(n)
    rings = {a: _rings(len(groups.get(frozenset([a]), []))) for a in chosen}
    reach = {a: max((r[-1][0] if r else 0.0) + SLOT, 2 * SLOT) for a, r in rings.items()}  # room for labels
    radius = max(reach.values())
    cols = max(1, math.ceil(math.sqrt(len(chosen) * 1.8)))
    pos: dict[str, tuple[float, float]] = {}
    x = 0.0
    for i, a in enumerate(chosen):
        if len(chosen) <= 4:  # one row, each anchor as wide as its rings
            x += reach[a] if i else 0.0
            pos[a] = (x, 0.0)
            x += reach[a]
        else:
            pos[a] = ((i % cols) * 2 * radius, (i // cols) * 2 * radius)
        slots = [(r, k, count) for r, count in rings[a] for k in range(count)]
        for n, (r, k, count) in zip(groups.get(frozenset([a]), []), slots, strict=False):
            angle = -math.pi / 2 + 2 * math.pi * (k + 0.5) / count  # none straight below: the label
            pos[n] = (pos[a][0] + r * math.cos(angle), pos[a][1] + r * math.sin(angle))
    bottom = max(y for _, y in pos.values()) + radius * 0.6 + SLOT
    shared = sorted(
        (g for g in groups if len(g) > 1),
        key=lambda g: (sum(pos[a][0] for a in g) / len(g), sorted(g)),
    )
    right = -math.inf
    row_y = bottom
    for g in shared:
        members = groups[g]
        centre = sum(pos[a][0] for a in g) / len(g)
        width = (len(members) - 1) * BAND_SLOT
        x0 = centre - width / 2
        if x0 < right + BAND_SLOT:  # would overlap the group before: start a new row
            row_y += BAND_ROW
            right = -math.inf
        for k, n in enumerate(members):
            pos[n] = (x0 + k * BAND_SLOT, row_y)
        right = x0 + width
    return pos


def _rings(count: int) -> list[tuple[float, int]]:
    """(radius, nodes on it) of the rings that hold `count` nodes around an anchor."""
    out, r = [], 0.0
    while count > 0:
        r += RING_GAP if out else RING_GAP * 1.5
        room = max(6, int(2 * math.pi * r / SLOT))
        out.append((r, min(room, count)))
        count -= room
    return out


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
    """The Cytoscape layout object for a view (no randomness: the same view, the same picture)."""
    if preset:
        return {"name": "preset", "fit": True, "padding": 30, "animate": False}
    return {"name": "concentric", "fit": True, "padding": 30, "animate": False, "minNodeSpacing": 30}


def _essential_class(essential: bool | None) -> str:
    return "essential" if essential else ("optional" if essential is False else "link")


def to_view(
    sub: Subgraph,
    *,
    layout: str = "force",
    selected: str | None = None,
    marked: Iterable = (),
    first: Iterable[str] = (),
    anchors: Sequence[str] = (),
    placed: Mapping[str, tuple[float, float]] | None = None,
    hubs: Sequence[str] = (),
    limit: int = MAX_ELEMENTS,
) -> View:
    """Elements for dash-cytoscape: capped, laid out around `anchors`, with kind and essential/optional classes.

    `first` nodes survive the cap first; the selected node and its neighbours are marked `near`.
    With `placed` positions (a stable view), those are kept and only new nodes are placed (place.grow).
    """
    kept, drawn, total = cap(sub, limit, first=[*([selected] if selected else []), *first])
    if placed is not None and layout != "concentric" and kept.nodes:
        pos = grow(kept, placed, hubs)
    else:
        pos = positions(kept, layout, anchors)
    marked = set(marked)
    degree: dict[str, int] = defaultdict(int)
    for t in kept.edges:
        degree[t.s] += 1
        degree[t.o] += 1
    near = {n for t in kept.edges for n in (t.s, t.o) if selected in (t.s, t.o)} | {selected}
    elements: list[dict] = []
    for iri, node in kept.nodes.items():
        classes = [f"k-{node.kind or 'Other'}"]
        if iri in near:
            classes.append("near")
        if iri in marked:
            classes.append("path")
        elif marked:
            classes.append("dim")
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
        elif marked:
            classes.append("dim")
        data = {"id": link_id(t), "source": t.s, "target": t.o, "label": shorten(link.label), "p": t.p}
        if link.essential is not None:
            data["essential"] = link.essential
        if link.source:
            data["src"] = link.source
        elements.append({"data": data, "classes": " ".join(classes)})
    note = f"showing {drawn} of {total} elements — narrow the filters" if drawn < total else ""
    return View(elements, layout_options(layout, pos is not None), note, kept)
