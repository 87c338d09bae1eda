"""Stable layouts: keep the positions a view already has and place only its new nodes (pure).

A view's picture is its base layout (the filters' seeds, laid out by layouts.positions) grown step by
step: the nodes each expand, added node, focus or path brings in are placed on free slots around
the neighbour that brought them, in the order the URL lists those steps. Hiding a node or a kind
only removes. So a node keeps its place while the view grows or shrinks, and replaying the same
URL on a fresh load gives the same picture.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from graph.ui.view.kinds import KINDS
from graph.ui.view.subgraph import Subgraph

SLOT, RING_GAP = 84.0, 72.0  # px between placed nodes, and between rings around a hub
ROLE_GAP = 2.5 * RING_GAP  # px from a hub's last ring to the ring of the roles it brings
LAYER = 180.0  # hierarchy: px between layers


def layer_slot(kind: str) -> float:
    """Hierarchy: px between the nodes of a layer (roles' labels are larger)."""
    return 200.0 if kind == "Role" else 140.0


_NAMES = list(KINDS)

Point = tuple[float, float]


class _Free:
    """The occupied points, to ask whether a point keeps SLOT clear of all of them."""

    def __init__(self, points):
        self.xs: list[float] = []
        self.ys: list[float] = []
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None
        for p in points:
            self.add(p)

    def add(self, p: Point) -> None:
        self.xs.append(p[0])
        self.ys.append(p[1])
        self._arrays = None

    def clear_all(self, points: Sequence[Point], ring: tuple[Point, float] | None = None) -> list[bool]:
        """Whether each point keeps clear of every point held now (an ellipse wider than tall, as a wrapped
        label is), in one NumPy pass: a 300-node focus asked 28,000 times, one Python loop each.

        Given the `ring` (centre, radius) the points lie on, only held points in an annulus around it
        are compared: a point in the way is less than _WIDE from a ring point (the ellipse's longer
        half-axis), so its distance from the centre is within _WIDE (plus the rounding) of the radius.
        A focus at depth 2 on ESCO lays out 1,400 nodes on 530 rings: 0.7 -> 0.1 s, the same points."""
        if not self.xs or not points:
            return [True] * len(points)
        px = np.array([p[0] for p in points])
        py = np.array([p[1] for p in points])
        return (~self._blocked(px, py, ring, 1.0)).tolist()

    def full(self, centre: Point, radius: float, room: int, start: float, shift: float) -> bool:
        """Whether every slot of a ring is surely taken, from the slots' unrounded points: each lies
        deep inside a held point's ellipse (0.98 of it), where rounding to 0.1 px (a change of 0.005
        at most) cannot take it out. Most rings a big focus walks are full: no slot is then built."""
        if not self.xs:
            return False
        angles = start + 2 * math.pi * (np.arange(room) + shift) / room
        px, py = centre[0] + radius * np.cos(angles), centre[1] + radius * np.sin(angles)
        return bool(self._blocked(px, py, (centre, radius), 0.98).all())

    def _blocked(
        self, px: np.ndarray, py: np.ndarray, ring: tuple[Point, float] | None, within: float
    ) -> np.ndarray:
        """Per candidate point, whether a held point's ellipse (scaled by `within`) holds it."""
        if self._arrays is None:
            self._arrays = (np.array(self.xs), np.array(self.ys))
        qx, qy = self._arrays
        if ring is not None:  # the annulus alone: fewer NumPy calls than the box, for 700 rings a focus
            (cx, cy), radius = ring
            near = np.abs(np.hypot(qx - cx, qy - cy) - radius) < _WIDE + 1.0  # rounding moves <= 0.08
        else:
            near = (  # only points within an ellipse's reach of the candidates' box can be in the way
                (qx > px.min() - _WIDE)
                & (qx < px.max() + _WIDE)
                & (qy > py.min() - _TALL)
                & (qy < py.max() + _TALL)
            )
        qx, qy = qx[near], qy[near]
        a, b = (px[:, None] - qx) / _WIDE, (py[:, None] - qy) / _TALL
        return (a * a + b * b < within).any(axis=1)


_WIDE, _TALL = SLOT * 1.3, SLOT * 0.75  # the ellipse a placed node keeps clear


def _clear_of(p: Point, points: Sequence[Point]) -> bool:
    """_Free.clear against a few points (those placed on the ring being filled)."""
    for qx, qy in points:
        a, b = (p[0] - qx) / _WIDE, (p[1] - qy) / _TALL
        if a * a + b * b < 1:
            return False
    return True


def _around(
    centre: Point,
    count: int,
    free: _Free,
    away: Point | None = None,
    first: float = RING_GAP * 1.5,
    turn: float = 0.0,
) -> list[Point]:
    """`count` free points on rings around `centre` from radius `first`, nearest ring first; on each
    ring clockwise from the top, or, given `away` (where the rest of the picture is), from the side
    facing away from it, alternately either side; `turn` shifts the slots by a fraction of one."""
    out: list[Point] = []
    r = first
    start = -math.pi / 2 if away is None else math.atan2(centre[1] - away[1], centre[0] - away[0])
    shift = 0.5 if away is None else turn
    while len(out) < count:
        room = max(6, int(2 * math.pi * r / SLOT))
        if free.full(centre, r, room, start, shift):
            r += RING_GAP
            continue
        steps = range(room) if away is None else sorted(range(room), key=lambda k: (min(k, room - k), k))
        ring = [
            (round(centre[0] + r * math.cos(a), 1), round(centre[1] + r * math.sin(a), 1))
            for a in (start + 2 * math.pi * (k + shift) / room for k in steps)
        ]
        here: list[Point] = []  # placed on this ring, after the pass over the others
        for p, fine in zip(ring, free.clear_all(ring, (centre, r)), strict=True):
            if fine and _clear_of(p, here):
                free.add(p)
                here.append(p)
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
        others = [p for n, p in {**placed, **pos}.items() if n != hub]  # hidden ones too: stable
        away = (
            (sum(p[0] for p in others) / len(others), sum(p[1] for p in others) / len(others))
            if others
            else None
        )
        roles = sorted((m for m in members if sub.nodes[m].kind == "Role"), key=order)
        rest = sorted((m for m in members if sub.nodes[m].kind != "Role"), key=order)
        points = _around(pos[hub], len(rest), free, away)
        reach = max((math.dist(p, pos[hub]) for p in points), default=0.0)
        points += _around(pos[hub], len(roles), free, away, max(reach, RING_GAP * 0.5) + ROLE_GAP, 0.5)
        for n, p in zip([*rest, *roles], points, strict=True):  # roles further out: room for their own
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


def _by_layer(sub: Subgraph, placed: Mapping[str, Point], new: list[str]) -> dict[str, Point]:
    """Hierarchy: each new node at the right end of its kind's layer (a new kind: a new layer below)."""
    pos: dict[str, Point] = {}
    kind_of = {n: v.kind for n, v in sub.nodes.items()}
    layer_y: dict[str, float] = {}
    right: dict[float, float] = {}
    for n, p in placed.items():
        if n in kind_of:
            layer_y.setdefault(kind_of[n], p[1])
        right[p[1]] = max(right.get(p[1], -math.inf), p[0])
    bottom = max((p[1] for p in placed.values()), default=-LAYER)
    for n in new:
        kind = kind_of[n]
        if kind not in layer_y:
            bottom += LAYER
            layer_y[kind] = bottom
        y = layer_y[kind]
        x = right[y] + layer_slot(kind) if y in right else 0.0
        right[y] = x
        pos[n] = (x, y)
    return pos


def _by_block(sub: Subgraph, placed: Mapping[str, Point], new: list[str], free: _Free) -> dict[str, Point]:
    """Grouped: each new node on the free slot nearest its kind's block (a new kind: a block to the right)."""
    pos: dict[str, Point] = {}
    members: dict[str, list[Point]] = defaultdict(list)
    for n, p in placed.items():
        if n in sub.nodes:
            members[sub.nodes[n].kind].append(p)
    right = max((p[0] for p in placed.values()), default=-2 * SLOT)
    top = min((p[1] for p in placed.values()), default=0.0)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for n in new:
        by_kind[sub.nodes[n].kind].append(n)
    for kind in sorted(by_kind, key=lambda k: (_NAMES.index(k) if k in _NAMES else len(_NAMES), k)):
        if members[kind]:
            xs, ys = zip(*members[kind], strict=True)
            centre = (sum(xs) / len(xs), sum(ys) / len(ys))
        else:
            right += 3 * SLOT
            centre = (right, top)
            free.add(centre)
            pos[by_kind[kind][0]] = centre
            by_kind[kind] = by_kind[kind][1:]
        for n, p in zip(by_kind[kind], _around(centre, len(by_kind[kind]), free), strict=True):
            pos[n] = p
            members[kind].append(p)
            right = max(right, p[0])
    return pos


def _ring_reach(count: int) -> float:
    """The radius of the outermost ring that `_around` fills with `count` nodes on an empty canvas."""
    r, left = RING_GAP * 1.5, count
    while left > max(6, int(2 * math.pi * r / SLOT)):
        left -= max(6, int(2 * math.pi * r / SLOT))
        r += RING_GAP
    return r


def extend(
    sub: Subgraph, placed: Mapping[str, Point], hubs: Sequence[str] = (), layout: str = "force"
) -> dict[str, Point]:
    """Positions for every node of `sub`: `placed` ones keep theirs, new ones go where `layout` puts them.

    Force: around the hub or neighbour that brought them (grow). Hierarchy: at the end of their kind's
    layer. Grouped: beside their kind's block. Concentric: on the innermost free ring around the
    centre. So every layout grows without moving what is on screen.
    """
    if layout == "force":
        return grow(sub, placed, hubs)
    order = sorted(
        (n for n in sub.nodes if n not in placed),
        key=lambda n: (
            _NAMES.index(sub.nodes[n].kind) if sub.nodes[n].kind in _NAMES else len(_NAMES),
            sub.nodes[n].label.lower(),
            n,
        ),
    )
    pos = {n: placed[n] for n in sub.nodes if n in placed}
    if layout == "hierarchy":
        return {**pos, **_by_layer(sub, placed, order)}
    free = _Free(placed.values())
    if layout == "grouped":
        return {**pos, **_by_block(sub, placed, order, free)}
    centre = (0.0, 0.0)
    if centre not in placed.values() and order:  # an empty canvas: the first node takes the centre
        pos[order[0]] = centre
        free.add(centre)
        order = order[1:]
    return {**pos, **dict(zip(order, _around(centre, len(order), free), strict=True))}


def new_seed_at(placed: Mapping[str, Point], first: Point, count: int) -> Point:
    """Where a seed linked to nothing on screen goes: right of the picture, level with the first seed,
    with room for `count` neighbours on rings around it."""
    right = max(p[0] for p in placed.values())
    return (round(right + 2 * SLOT + _ring_reach(count), 1), first[1])
