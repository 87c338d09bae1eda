"""The radial layout: anchors on a grid or a polygon, their neighbours on rings around them (pure).

Deterministic and linear in size, computed here and sent as preset positions, because Cytoscape's
own force layout takes seconds in the browser beyond a few hundred nodes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

from graph.ui.view.kinds import KINDS
from graph.ui.view.place import ROLE_GAP
from graph.ui.view.subgraph import Subgraph

RING_GAP, SLOT = 72.0, 84.0  # px between rings around an anchor, and along a ring
BAND_SLOT, BAND_ROW = 130.0, 96.0  # px between shared nodes in their band (a wrapped label's width), rows
# rings drawn as ellipses this much wider than tall: a canvas is wider than tall and a label wider than
# high, so the room goes where the labels need it (round rings named 28 of a role's 50 nodes at 1280x800)
WIDEN = 1.6


def radial(sub: Subgraph, anchors: Sequence[str] = ()) -> dict[str, tuple[float, float]]:
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
        return (kind == "Role", kind_order(kind), sub.nodes[n].label.lower(), n)

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
            x += WIDEN * reach[a] if i else 0.0
            pos[a] = (x, 0.0)
            x += WIDEN * reach[a]
        else:
            pos[a] = ((i % cols) * 2 * WIDEN * radius, (i // cols) * 2 * radius)
        slots = [(r, k, count, turn) for r, count, turn in rings[a] for k in range(count)]
        for n, (r, k, count, turn) in zip(groups.get(frozenset([a]), []), slots, strict=False):
            angle = -math.pi / 2 + 2 * math.pi * (k + 0.5) / count + turn  # none straight below: the label
            pos[n] = (pos[a][0] + WIDEN * r * math.cos(angle), pos[a][1] + r * math.sin(angle))
    bottom = max(y for _, y in pos.values()) + radius * 0.6 + SLOT
    shared = sorted(
        (g for g in groups if len(g) > 1),
        key=lambda g: (sum(pos[a][0] for a in sorted(g)) / len(g), sorted(g)),
    )
    right = -math.inf
    row_y = bottom
    for g in shared:
        members = groups[g]
        centre = sum(pos[a][0] for a in sorted(g)) / len(g)
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
        cx = sum(pos[a][0] for a in sorted(g)) / len(g)
        cy = sum(pos[a][1] for a in sorted(g)) / len(g)
        d = math.hypot(cx, cy)
        if d < 1:  # shared by all (or by opposite corners): around the centre
            # two: on a diagonal, so that no two of their links to the anchors cross
            points = (
                [(-0.35 * STACK, -0.7 * STACK), (0.35 * STACK, 0.7 * STACK)] if len(members) == 2 else None
            )
            points = points or ([(0.0, 0.0)] if len(members) == 1 else ring_points(len(members)))
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


def ring_points(count: int) -> list[tuple[float, float]]:
    """`count` points on rings around the origin, as place.extend fills them (innermost first)."""
    out: list[tuple[float, float]] = []
    for r, room in _rings(count):
        for k in range(room):
            angle = -math.pi / 2 + 2 * math.pi * (k + 0.5) / room
            out.append((round(r * math.cos(angle), 1), round(r * math.sin(angle), 1)))
    return out


def kind_order(kind: str) -> int:
    """A kind's place in the palette's order (unknown kinds last)."""
    names = list(KINDS)
    return names.index(kind) if kind in names else len(names)
