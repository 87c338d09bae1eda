"""Stable layouts: keep the positions a view already has and place only its new nodes (pure).

A view's picture is its base layout (the filters' seeds, laid out by draw.positions) grown step by
step: the nodes each expand, added node, focus or path brings in are placed on free slots around
the neighbour that brought them, in the order the URL lists those steps. Hiding a node or a kind
only removes. So a node keeps its place while the view grows or shrinks, and replaying the same
URL on a fresh load gives the same picture.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

from graph.ui.view.kinds import KINDS
from graph.ui.view.subgraph import Subgraph

SLOT, RING_GAP = 84.0, 72.0  # px between placed nodes, and between rings around a hub
_NAMES = list(KINDS)

Point = tuple[float, float]


class _Free:
    """The occupied points, bucketed by cell, to ask whether a point keeps SLOT clear of all of them."""

    def __init__(self, points):
        self.cells: dict[tuple[int, int], list[Point]] = defaultdict(list)
        for p in points:
            self.add(p)

    def _cell(self, p: Point) -> tuple[int, int]:
        return (math.floor(p[0] / SLOT), math.floor(p[1] / SLOT))

    def add(self, p: Point) -> None:
        self.cells[self._cell(p)].append(p)

    def clear(self, p: Point) -> bool:
        cx, cy = self._cell(p)
        near = SLOT * 0.8
        return all(
            math.hypot(p[0] - q[0], p[1] - q[1]) >= near
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for q in self.cells.get((cx + dx, cy + dy), ())
        )


def _around(centre: Point, count: int, free: _Free) -> list[Point]:
    """`count` free points on rings around `centre`, nearest ring first, clockwise from the top."""
    out: list[Point] = []
    r = RING_GAP * 1.5
    while len(out) < count:
        room = max(6, int(2 * math.pi * r / SLOT))
        for k in range(room):
            angle = -math.pi / 2 + 2 * math.pi * (k + 0.5) / room
            p = (round(centre[0] + r * math.cos(angle), 1), round(centre[1] + r * math.sin(angle), 1))
            if free.clear(p):
                free.add(p)
                out.append(p)
                if len(out) == count:
                    break
        r += RING_GAP
    return out


def grow(sub: Subgraph, placed: Mapping[str, Point], hubs: Sequence[str] = ()) -> dict[str, Point]:
    """Positions for every node of `sub`: `placed` ones keep theirs, the rest go around a placed neighbour.

    New neighbours of each hub (in order; a hub not yet placed waits for the pass after) go around it first; the others, round by round, around
    their best-connected placed neighbour; nodes linked to nothing placed go in rows below. Every
    point of `placed` stays occupied, whether or not `sub` draws it, so a node's slot does not
    depend on which other nodes are hidden.
    """
    adj: dict[str, set[str]] = defaultdict(set)
    for t in sub.edges:
        if t.s != t.o:
            adj[t.s].add(t.o)
            adj[t.o].add(t.s)
    pos = {n: placed[n] for n in sub.nodes if n in placed}
    free = _Free(placed.values())

    def order(n: str) -> tuple:
        kind = sub.nodes[n].kind
        return (_NAMES.index(kind) if kind in _NAMES else len(_NAMES), sub.nodes[n].label.lower(), n)

    def put(hub: str, members: list[str]) -> None:
        for n, p in zip(sorted(members, key=order), _around(pos[hub], len(members), free), strict=True):
            pos[n] = p

    waiting = list(dict.fromkeys(hubs))
    while any(h in pos for h in waiting):  # a hub brought in by a later hub goes once it is placed
        for hub in [h for h in waiting if h in pos]:
            waiting.remove(hub)
            put(hub, [m for m in adj[hub] if m not in pos])
    while True:
        groups: dict[str, list[str]] = defaultdict(list)
        for n in sorted(sub.nodes):
            if n not in pos and adj[n] & pos.keys():
                hub = min(adj[n] & pos.keys(), key=lambda m: (-len(adj[m]), m))
                groups[hub].append(n)
        if not groups:
            break
        for hub in sorted(groups):
            put(hub, groups[hub])
    rest = sorted((n for n in sub.nodes if n not in pos), key=order)
    if rest:
        points = [*placed.values(), *pos.values()]
        left = min((p[0] for p in points), default=0.0)
        bottom = max((p[1] for p in points), default=-SLOT) + 2 * SLOT
        per_row = max(6, math.ceil(math.sqrt(len(rest))))
        for i, n in enumerate(rest):
            pos[n] = (left + (i % per_row) * SLOT, bottom + (i // per_row) * RING_GAP)
    return pos
