"""How much two roles, or every pair of roles, share: per-category Jaccard and the sparse all-pairs matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.network import RoleItems

if TYPE_CHECKING:  # NumPy and SciPy load only for the matrix
    import numpy as np

#: weights of a link in the essential-weighted overlap
ESSENTIAL_WEIGHT, OPTIONAL_WEIGHT = 1.0, 0.5


@dataclass(frozen=True)
class CategoryOverlap:
    """What two roles share in one category (or "all"), and what each has alone."""

    category: str
    shared: tuple[str, ...]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    shared_essential: tuple[str, ...]
    jaccard: float
    essential_jaccard: float
    #: (A's item, how B's item stands to it: broader | narrower | related, B's item): partial credit
    partial: tuple[tuple[str, str, str], ...] = ()
    #: Jaccard with each partial pair counted as half an item shared
    partial_jaccard: float = 0.0


@dataclass(frozen=True)
class PairOverlap:
    """The overlap of two roles, per category and overall."""

    a: str
    b: str
    categories: tuple[CategoryOverlap, ...]
    total: CategoryOverlap


def _jaccard(x: set[str], y: set[str]) -> float:
    union = x | y
    return len(x & y) / len(union) if union else 0.0


def _category_overlap(
    category: str, a: dict[str, bool], b: dict[str, bool], partial: dict[str, dict[str, str]] | None = None
) -> CategoryOverlap:
    sa, sb = set(a), set(b)
    ea = {i for i, e in a.items() if e}
    eb = {i for i, e in b.items() if e}
    links = tuple(
        (x, kind, y)
        for x in sorted(sa - sb)
        for y, kind in sorted((partial or {}).get(x, {}).items())
        if y in sb - sa
    )
    credited = min(len({x for x, _, _ in links}), len({y for _, _, y in links}))
    union = len(sa | sb) - credited
    return CategoryOverlap(
        category,
        tuple(sorted(sa & sb)),
        tuple(sorted(sa - sb)),
        tuple(sorted(sb - sa)),
        tuple(sorted(ea & eb)),
        _jaccard(sa, sb),
        _jaccard(ea, eb),
        links,
        (len(sa & sb) + 0.5 * credited) / union if union else 0.0,
    )


def overlap_pair(ri: RoleItems, a: str, b: str) -> PairOverlap:
    """Shared and unique items of two roles per category, with Jaccard for all and for essential links.

    Items one SKOS exact/close match joins count as one shared item (graph.network merges them);
    broad, narrow and related matches between A's and B's own items are listed as partial links,
    each pairing worth half a shared item in partial_jaccard (a pair also leaves the union once).
    """
    cats = sorted(set(ri.items_of(a)) | set(ri.items_of(b)), key=lambda i: ri.category[i])
    names = sorted({ri.category[i] for i in cats})
    per = tuple(
        _category_overlap(c, ri.items_of(a, category=c), ri.items_of(b, category=c), ri.partial)
        for c in names
    )
    return PairOverlap(a, b, per, _category_overlap("all", ri.items_of(a), ri.items_of(b), ri.partial))


@dataclass(frozen=True)
class OverlapMatrix:
    """Role x role shared counts and similarity, for one category (or all) and weighting."""

    roles: tuple[str, ...]
    shared: np.ndarray
    jaccard: np.ndarray
    category: str | None
    weighted: bool

    def top_pairs(self, n: int = 20) -> list[tuple[str, str, float, int]]:
        """The n most similar distinct pairs: (a, b, jaccard, shared); ties in role order (sorted IRIs)."""
        import numpy as np

        iu = np.triu_indices(len(self.roles), k=1)
        scores = self.jaccard[iu]
        order = np.argsort(-scores, kind="stable")[:n]
        return [
            (
                self.roles[iu[0][k]],
                self.roles[iu[1][k]],
                float(scores[k]),
                int(self.shared[iu[0][k], iu[1][k]]),
            )
            for k in order
        ]


def overlap_matrix(
    ri: RoleItems,
    roles: Sequence[str] | None = None,
    *,
    category: str | None = None,
    essential_only: bool = False,
    weighted: bool = False,
) -> OverlapMatrix:
    """All-pairs overlap with sparse products: thousands of roles in seconds.

    Weighted: essential links weigh 1 and optional 0.5, and similarity is the weighted Jaccard
    sum(min)/sum(max); with weights in {0, 0.5, 1}, sum(min) = 0.5 * (P P^T + E E^T).
    """
    import numpy as np

    from graph.network import incidence

    order = tuple(roles) if roles is not None else ri.roles
    P, E = incidence(ri, order, category=category, essential_only=essential_only)
    shared = (P @ P.T).toarray()
    if weighted:
        w = P * OPTIONAL_WEIGHT + E * (ESSENTIAL_WEIGHT - OPTIONAL_WEIGHT)
        mins = OPTIONAL_WEIGHT * shared + (ESSENTIAL_WEIGHT - OPTIONAL_WEIGHT) * (E @ E.T).toarray()
        sums = np.asarray(w.sum(axis=1)).ravel()
        maxes = sums[:, None] + sums[None, :] - mins
    else:
        mins = shared
        sizes = np.asarray(P.sum(axis=1)).ravel()
        maxes = sizes[:, None] + sizes[None, :] - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(maxes > 0, mins / maxes, 0.0)
    return OverlapMatrix(order, shared.astype(int), jac, category, weighted)
