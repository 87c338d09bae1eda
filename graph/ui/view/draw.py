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
from graph.ui.view.place import LAYER, ROLE_GAP, extend, layer_slot, new_seed_at
from graph.ui.view.style import LABEL_WIDTH, NODE_FONT, ROLE_FONT
from graph.ui.view.subgraph import MAX_ELEMENTS, Subgraph, Triple

# links: a view this small shows every link label; a bigger one (41 "has essential skill" labels
# round one ESCO occupation hid its nodes' names) shows them on hover, on the selected node's links
# and on the path
EDGE_LABELS_UP_TO = 30


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
    """Positions computed here, the same for the same view; None for an empty view."""
    if not sub.nodes:
        return None
    if layout == "hierarchy":
        return _by_kind(sub, rows=False)
    if layout == "grouped":
        return _by_kind(sub, rows=True)
    if layout == "concentric":
        return _concentric(sub)
    return _force(sub, anchors)


def seeded_positions(
    sub: Subgraph, layout: str, seeds: Sequence[str]
) -> dict[str, tuple[float, float]] | None:
    """A seeded view's layout, grown seed by seed in the URL's order, so adding a seed moves nothing.

    The first seed's links are laid out (positions); each further seed's new neighbours are then
    placed as a step places them (place.extend), the seed itself, when nothing drawn links to it,
    to the right of the picture. The view of the first k seeds is exactly the links touching them
    (construct_subgraph draws the seeds' own links), so removing the last seed only removes nodes.
    """
    chosen = [s for s in dict.fromkeys(seeds) if s in sub.nodes]
    if len(chosen) <= 1:
        return positions(sub, layout, chosen)
    placed = positions(sub.touching(chosen[:1]), layout, chosen[:1]) or {}
    for k, seed in enumerate(chosen[1:], start=2):
        step = sub.touching(chosen[:k])
        if layout == "force" and seed not in placed:
            new = {m for t in step.edges for m in (t.s, t.o) if seed in (t.s, t.o)} - placed.keys() - {seed}
            placed = {**placed, seed: new_seed_at(placed, placed[chosen[0]], len(new))}
        placed = extend(step, placed, [seed], layout)
    return placed


def _concentric(sub: Subgraph) -> dict[str, tuple[float, float]]:
    """Concentric by degree: the best-connected node in the centre, then rings outward, computed
    here (Cytoscape's own concentric layout moved every node when the view changed)."""
    degree: dict[str, int] = defaultdict(int)
    for t in sub.edges:
        degree[t.s] += 1
        degree[t.o] += 1
    order = sorted(
        sub.nodes, key=lambda n: (-degree[n], _kind_order(sub.nodes[n].kind), sub.nodes[n].label.lower(), n)
    )
    pos = {order[0]: (0.0, 0.0)}
    for n, p in zip(order[1:], _ring_points(len(order) - 1), strict=True):
        pos[n] = p
    return pos


def _ring_points(count: int) -> list[tuple[float, float]]:
    """`count` points on rings around the origin, as place.extend fills them (innermost first)."""
    out: list[tuple[float, float]] = []
    for r, room in _rings(count):
        for k in range(room):
            angle = -math.pi / 2 + 2 * math.pi * (k + 0.5) / room
            out.append((round(r * math.cos(angle), 1), round(r * math.sin(angle), 1)))
    return out


RING_GAP, SLOT = 72.0, 84.0  # px between rings around an anchor, and along a ring
LABEL_REACH = LABEL_WIDTH + 10.0  # px a wrapped label beside its node takes, with its margin
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
    if 2 <= len(chosen) <= 6 and all(len(g) > 1 for g in groups):
        return _shared_polygon(chosen, groups)
    rings = {a: _anchor_rings(sub, groups.get(frozenset([a]), [])) for a in chosen}
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
        slots = [(r, k, count, turn) for r, count, turn in rings[a] for k in range(count)]
        for n, (r, k, count, turn) in zip(groups.get(frozenset([a]), []), slots, strict=False):
            angle = -math.pi / 2 + 2 * math.pi * (k + 0.5) / count + turn  # none straight below: the label
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


FLATTEN = 0.75  # the polygon squashed to the canvas's shape (a linear map: no new crossings)
STACK = 86.0  # px between the members of a shared group, along the line from the centre


def _shared_polygon(
    chosen: Sequence[str], groups: Mapping[frozenset, list[str]]
) -> dict[str, tuple[float, float]]:
    """A few anchors that share every other node (the first screen): anchors on a regular polygon,
    each shared group at the middle of its anchors, stacked along the line from the centre, so each
    node's links fan out to its anchors and hardly cross another group's."""
    n = len(chosen)
    middle = max((len(m) for g, m in groups.items() if len(g) == n), default=0)
    extent = {0: -0.5 * STACK, 1: 0.0, 2: 0.7 * STACK}.get(middle, RING_GAP * 1.5)  # of the centre group
    radius = max(3 * SLOT, (extent + 1.5 * STACK) / math.cos(math.pi / n))
    pos: dict[str, tuple[float, float]] = {}
    for i, a in enumerate(chosen):
        angle = -math.pi / 2 - math.pi / n + 2 * math.pi * i / n  # a flat top: two anchors level
        pos[a] = (radius * math.cos(angle), radius * math.sin(angle))
    for g in sorted(groups, key=lambda g: (-len(g), sorted(g))):
        members = groups[g]
        cx = sum(pos[a][0] for a in g) / len(g)
        cy = sum(pos[a][1] for a in g) / len(g)
        d = math.hypot(cx, cy)
        if d < 1:  # shared by all (or by opposite corners): around the centre
            # two: on a diagonal, so that no two of their links to the anchors cross
            points = (
                [(-0.35 * STACK, -0.7 * STACK), (0.35 * STACK, 0.7 * STACK)] if len(members) == 2 else None
            )
            points = points or ([(0.0, 0.0)] if len(members) == 1 else _ring_points(len(members)))
            pos.update(zip(members, points, strict=True))
            continue
        ux, uy = cx / d, cy / d
        for k, m in enumerate(members):  # outward from the middle of its anchors
            pos[m] = (cx + ux * k * STACK, cy + uy * k * STACK)
    return {k: (round(x, 1), round(y * FLATTEN, 1)) for k, (x, y) in pos.items()}  # the canvas is wide


def _anchor_rings(sub: Subgraph, members: list[str]) -> list[tuple[float, int, float]]:
    """Rings (radius, nodes, turn in radians) around an anchor for its members (roles last): other
    roles on rings of their own, further out, so that a role picked as the next seed has room for its
    own neighbours, and turned half a slot of the ring inside, so that no link to a role runs
    through an inner node."""
    roles = sum(1 for m in members if sub.nodes[m].kind == "Role")
    inner = _rings(len(members) - roles)
    turn = math.pi / inner[-1][1] if inner else 0.0
    outer = _rings(roles, (inner[-1][0] if inner else 0.0) + ROLE_GAP)
    return [(r, c, 0.0) for r, c in inner] + [(r, c, turn) for r, c in outer]


def _rings(count: int, first: float = RING_GAP * 1.5) -> list[tuple[float, int]]:
    """(radius, nodes on it) of the rings that hold `count` nodes around an anchor, the first at `first`."""
    out, r = [], first - RING_GAP
    while count > 0:
        r += RING_GAP
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
            gap = layer_slot(kind)
            width = max(len(members) - 1, 1) * gap
            for i, iri in enumerate(members):
                pos[iri] = (i * gap - width / 2, layer * LAYER)
        return pos
    per_row = max(1, math.ceil(math.sqrt(len(kinds))))
    x0 = 0.0
    row_height = 0.0
    y0 = 0.0
    for g, kind in enumerate(kinds):
        members = groups[kind]
        side = max(1, math.ceil(math.sqrt(len(members))))
        for i, iri in enumerate(members):
            pos[iri] = (x0 + (i % side) * BLOCK_X, y0 + (i // side) * 90)
        x0 += side * BLOCK_X + 160
        row_height = max(row_height, math.ceil(len(members) / side) * 90)
        if (g + 1) % per_row == 0:
            x0, y0, row_height = 0.0, y0 + row_height + 160, 0.0
    return pos


def layout_options() -> dict:
    """The Cytoscape layout object: every layout's positions come from here (no randomness, no
    browser layout), so the same view draws the same picture."""
    return {"name": "preset", "fit": True, "padding": 30, "animate": False}


BLOCK_X = 150.0  # grouped: px between the columns of a kind's block (a wrapped label's width)


def label_sides(
    sub: Subgraph, pos: Mapping[str, tuple[float, float]], *, sideways: bool = True
) -> dict[str, str]:
    """The side of each node its label goes on: away from where its links go (below by default), so
    a node's links leave it without crossing its own label ('lbl-t' above, 'lbl-l' left, 'lbl-r' right).
    """
    pull: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for t in sub.edges:
        if t.s == t.o:
            continue
        for a, b in ((t.s, t.o), (t.o, t.s)):
            dx, dy = pos[b][0] - pos[a][0], pos[b][1] - pos[a][1]
            d = math.hypot(dx, dy) or 1.0
            pull[a][0] += dx / d
            pull[a][1] += dy / d
    cells: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    for p in pos.values():
        cells[(math.floor(p[0] / LABEL_REACH), math.floor(p[1] / LABEL_REACH))].append(p)

    def crowded(p: tuple[float, float], left: bool) -> bool:
        """Whether a node stands where a label beside `p` would go (the next ring out, on its ray)."""
        cx, cy = math.floor(p[0] / LABEL_REACH), math.floor(p[1] / LABEL_REACH)
        for ox in (-1, 0, 1):
            for oy in (-1, 0, 1):
                for q in cells.get((cx + ox, cy + oy), ()):
                    dx = p[0] - q[0] if left else q[0] - p[0]
                    if 0 < dx < LABEL_REACH and abs(q[1] - p[1]) < 24:
                        return True
        return False

    out: dict[str, str] = {}
    for n, (dx, dy) in pull.items():
        if math.hypot(dx, dy) < 0.5:  # links every way: the default, below
            continue
        if dy > abs(dx) * 0.6:  # links mostly go down: label above
            out[n] = "lbl-t"
        elif sideways and abs(dx) > abs(dy) * 1.2 and not crowded(pos[n], left=dx > 0):
            out[n] = "lbl-l" if dx > 0 else "lbl-r"
    return out


CANVAS = (820.0, 540.0)  # px: the graph's canvas in a 1600 px wide window, less the fit's padding
HUB_LABELS, HUB_PX = 12, 10.0  # a big view still names this many nodes, this large on screen


def start_zoom(pos: Mapping[str, tuple[float, float]]) -> float:
    """About the zoom a fit starts a view at: the canvas over the picture's extent (labels included)."""
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    width = max(xs) - min(xs) + 2 * LABEL_REACH
    height = max(ys) - min(ys) + 2 * SLOT
    return min(1.6, CANVAS[0] / width, CANVAS[1] / height)


def hub_labels(
    sub: Subgraph, pos: Mapping[str, tuple[float, float]], degree: Mapping[str, int], anchors: Iterable[str]
) -> dict[str, float]:
    """Font sizes for the few nodes a view too big to read at its starting zoom still names: its seeds
    or focus, then roles, then the best connected; none when every role label reads anyway."""
    if not pos:
        return {}
    zoom = start_zoom(pos)
    if ROLE_FONT * zoom >= 8:
        return {}
    first = set(anchors)

    def rank(n: str) -> tuple:
        return (n not in first, sub.nodes[n].kind != "Role", -degree.get(n, 0), n)

    size = HUB_PX / zoom
    out: dict[str, float] = {}
    boxes: list[tuple[float, float, float, float]] = []
    for n in sorted(sub.nodes, key=rank):  # greedy: a label that would cover one already named waits
        fs = round(max(size, float(ROLE_FONT if sub.nodes[n].kind == "Role" else NODE_FONT)), 1)
        x, y = pos[n]
        half = 0.28 * fs * len(shorten(sub.nodes[n].label))  # about 0.56 em a character, centred below
        box = (x - half, y, x + half, y + 14 + 1.4 * fs)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        out[n] = fs
        boxes.append(box)
        if len(out) == HUB_LABELS:
            break
    return out


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
    if placed is not None and kept.nodes:
        pos = extend(kept, placed, hubs, layout)
    else:
        pos = positions(kept, layout, anchors)
    marked = set(marked)
    degree: dict[str, int] = defaultdict(int)
    for t in kept.edges:
        degree[t.s] += 1
        degree[t.o] += 1
    sides = (
        label_sides(kept, pos, sideways=layout != "grouped") if pos is not None else {}
    )  # blocks: no room beside
    near = {n for t in kept.edges for n in (t.s, t.o) if selected in (t.s, t.o)} | {selected}
    hub_px = hub_labels(kept, pos, degree, [*anchors, *first]) if pos is not None else {}
    elements: list[dict] = []
    for iri, node in kept.nodes.items():
        classes = [f"k-{node.kind or 'Other'}"]
        if iri in hub_px:
            classes.append("hub")
        if pos is not None and sides.get(iri) and iri not in hub_px:  # a named hub's label: below
            classes.append(sides[iri])
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
        if iri in hub_px:
            el["data"]["fs"] = hub_px[iri]
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
    return View(elements, layout_options(), note, kept)
