"""Where labels go: on the side of a node away from its links (pure; their size is set in the browser)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

from graph.ui.view.style import LABEL_WIDTH
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
