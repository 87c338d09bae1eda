"""Items that bridge many roles (betweenness) and groups of roles that share many items (Louvain)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph.analysis.overlap import overlap_matrix
from graph.network import RoleItems


@dataclass(frozen=True)
class Bridge:
    """An item that many roles share: its role count and betweenness on the role-item graph."""

    item: str
    label: str
    category: str
    roles: int
    betweenness: float


def transferable(ri: RoleItems, *, top: int = 20, sample: int | None = None, seed: int = 7) -> list[Bridge]:
    """Items that bridge the most roles: ranked by betweenness centrality, then by how many roles need them.

    `sample` approximates betweenness with that many pivots for big graphs (exact when None).
    """
    import networkx as nx

    from graph.network import role_item_graph

    G = role_item_graph(ri)
    k = sample if sample and sample < G.number_of_nodes() else None
    bc = nx.betweenness_centrality(G, k=k, seed=seed if k else None, normalized=True)
    items = [n for n, d in G.nodes(data=True) if d["type"] == "item"]
    ranked = sorted(items, key=lambda i: (-bc[i], -G.degree(i), i))[:top]
    return [Bridge(i, ri.label.get(i, i), ri.category[i], G.degree(i), bc[i]) for i in ranked]


def communities(ri: RoleItems, roles: Sequence[str] | None = None, *, seed: int = 7) -> list[tuple[str, ...]]:
    """Groups of roles that share many items: Louvain on the role graph weighted by shared items."""
    import networkx as nx
    import numpy as np

    order = tuple(roles) if roles is not None else ri.roles
    m = overlap_matrix(ri, order)
    G = nx.Graph()
    G.add_nodes_from(order)
    rows, cols = np.nonzero(np.triu(m.shared, k=1))
    G.add_weighted_edges_from(
        (order[i], order[j], float(m.shared[i, j])) for i, j in zip(rows, cols, strict=True)
    )
    found = nx.community.louvain_communities(G, weight="weight", seed=seed)
    return sorted((tuple(sorted(c)) for c in found), key=lambda c: (-len(c), c))
