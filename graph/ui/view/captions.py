"""Where labels go and which a big view names: sides away from the links, hubs sized to read (pure)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

from graph.ui.view.labels import shorten
from graph.ui.view.radial import SLOT
from graph.ui.view.style import LABEL_WIDTH, NODE_FONT, ROLE_FONT
from graph.ui.view.subgraph import Subgraph

LABEL_REACH = LABEL_WIDTH + 10.0  # px a wrapped label beside its node takes, with its margin


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
