"""A view's base layouts: each layout's positions computed here, the same for the same view (pure).

The browser runs no layout of its own (Cytoscape's `preset`): positions are a function of the view.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from graph.ui.view.place import LAYER, extend, layer_slot, new_seed_at
from graph.ui.view.radial import kind_order, radial, ring_points
from graph.ui.view.subgraph import Subgraph

BLOCK_X = 150.0  # grouped: px between the columns of a kind's block (a wrapped label's width)


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
    return radial(sub, anchors)


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
        sub.nodes, key=lambda n: (-degree[n], kind_order(sub.nodes[n].kind), sub.nodes[n].label.lower(), n)
    )
    pos = {order[0]: (0.0, 0.0)}
    for n, p in zip(order[1:], ring_points(len(order) - 1), strict=True):
        pos[n] = p
    return pos


def _by_kind(sub: Subgraph, *, rows: bool) -> dict[str, tuple[float, float]]:
    """Hierarchy: one layer per kind (roles on top). Grouped: each kind a compact block on a grid."""
    groups: dict[str, list[str]] = defaultdict(list)
    for iri, node in sorted(sub.nodes.items(), key=lambda kv: (kv[1].label.lower(), kv[0])):
        groups[node.kind].append(iri)
    kinds = sorted(groups, key=lambda k: (kind_order(k), k))
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
