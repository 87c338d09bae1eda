"""The matrices transitions rank from, built once from the projections overlap already uses.

Roles x items presence and essential matrices (graph.network.incidence, items merged by SKOS
exact/close matches), TF-IDF rows of the words of each role's tasks, tools and skills and of its
titles, O*NET's skills and knowledge ratings, job zones and sources. A curated role borrows the
ratings and job zone of the O*NET occupation it matches exactly or closely (else broadly).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from graph.network import SAME, RoleItems
from graph.stores import Result
from graph.terms import SKOS, framework

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse

#: the word signals and the item categories whose labels make each one's document ("titles": the role's names)
TEXT_SIGNALS: dict[str, tuple[str, ...]] = {
    "tasks": ("duties", "procedures", "collaborations", "ethics"),
    "tools": ("tools", "technology", "devices"),
    "skills": ("skills", "knowledge", "training", "education", "workplaces"),
    "titles": (),
}
#: how a curated role may borrow an O*NET occupation's ratings and job zone, best first
BORROW = (*SAME, str(SKOS.broadMatch))
#: --within choices and the framework names (graph.terms.framework) each keeps
WITHIN: dict[str, tuple[str, ...] | None] = {
    "curated": ("curated",),
    "esco": ("ESCO",),
    "onet": ("O*NET",),
    "all": None,
}


@dataclass(frozen=True)
class TransitionModel:
    """Every role's rows in each matrix a transition score reads, in one fixed role order (sorted IRIs)."""

    roles: tuple[str, ...]
    position: dict[str, int]
    items: tuple[str, ...]
    item_position: dict[str, int]
    presence: sparse.csr_matrix
    essential: sparse.csr_matrix
    credentials: sparse.csr_matrix  # roles x items: the credentials each role needs (essential ones)
    text: dict[str, sparse.csr_matrix]  # signal -> L2-normalised TF-IDF rows (empty row: no words)
    ratings: np.ndarray  # roles x (importance, level) per descriptor, centred, L2-normalised; zero: unrated
    zone: np.ndarray  # job zone 1-5, NaN when unknown
    borrowed: dict[str, str]  # role -> the O*NET occupation whose ratings and job zone it carries
    sources: dict[str, tuple[str, ...]]  # role -> labels of its sources
    framework: tuple[str, ...]

    @cached_property
    def counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per role: how many essential items, optional items and essential credentials it needs."""
        import numpy as np

        essential = np.diff(self.essential.indptr).astype(float)
        optional = np.diff(self.presence.indptr).astype(float) - essential
        return essential, optional, np.diff(self.credentials.indptr).astype(float)

    @cached_property
    def rated(self) -> np.ndarray:
        """Which roles have (or borrow) skills and knowledge ratings."""
        import numpy as np

        return np.any(self.ratings != 0, axis=1)

    @cached_property
    def worded(self) -> dict[str, np.ndarray]:
        """Per word signal, which roles have any word in it."""
        import numpy as np

        return {signal: np.diff(m.indptr) > 0 for signal, m in self.text.items()}

    def within(self, which: str) -> np.ndarray:
        """A boolean mask of the roles of the frameworks --within names."""
        import numpy as np

        keep = WITHIN[which]
        return np.array([keep is None or f in keep for f in self.framework], dtype=bool)


def _tfidf(docs: list[list[str]]) -> sparse.csr_matrix:
    """Sublinear TF-IDF rows, L2-normalised; terms in one document only are dropped (they match nothing)."""
    import numpy as np
    from scipy import sparse

    df = Counter(t for d in docs for t in set(d))
    vocab = {t: j for j, t in enumerate(sorted(t for t, n in df.items() if n > 1))}
    n = len(docs)
    rows, cols, vals = [], [], []
    for i, doc in enumerate(docs):
        for t, c in sorted(Counter(w for w in doc if w in vocab).items()):
            rows.append(i)
            cols.append(vocab[t])
            vals.append((1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1))
    m = sparse.csr_matrix((np.array(vals, dtype=np.float64), (rows, cols)), shape=(n, len(vocab)))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1 / norms) @ m)


def _documents(ri: RoleItems, roles: tuple[str, ...], names: Mapping[str, Iterable[str]]) -> dict[str, list]:
    from graph.match import terms

    words = {i: terms(ri.label.get(i, "")) for i in ri.items}
    docs: dict[str, list[list[str]]] = {}
    for signal, cats in TEXT_SIGNALS.items():
        if signal == "titles":
            docs[signal] = [[w for name in sorted(names.get(r, ())) for w in terms(name)] for r in roles]
            continue
        docs[signal] = [
            [w for item in sorted(ri.items_of(r)) if ri.category[item] in cats for w in words[item]]
            for r in roles
        ]
    return docs


def _borrowing(mapping_rows: Result | None, rated: set[str], roles: set[str]) -> dict[str, str]:
    """Role -> the rated occupation it matches: exact/close before broad, then the smallest IRI."""
    found: dict[str, tuple[int, str]] = {}
    for row in mapping_rows.rows if mapping_rows else ():
        a, b, rel = str(row[0]), str(row[1]), str(row[2])
        if rel not in BORROW:
            continue
        pairs = [(a, b)] + ([(b, a)] if rel in SAME else [])
        for role, other in pairs:
            if role in roles and role not in rated and other in rated:
                key = (BORROW.index(rel) // len(SAME), other)
                found[role] = min(found.get(role, key), key)
    return {r: o for r, (_rank, o) in sorted(found.items())}


def _ratings(rows: Result, roles: tuple[str, ...], position: dict[str, int]) -> tuple[np.ndarray, set[str]]:
    """Roles x (importance, level) per descriptor, centred on the mean rated role and L2-normalised."""
    import numpy as np

    descriptors = sorted({str(r[1]) for r in rows.rows})
    col = {d: j for j, d in enumerate(descriptors)}
    m = np.zeros((len(roles), 2 * len(descriptors)))
    rated: set[str] = set()
    for role, descriptor, importance, level in rows.rows:
        i = position.get(str(role))
        if i is None:
            continue
        rated.add(str(role))
        m[i, col[str(descriptor)]] = (float(importance.toPython()) - 1) / 4
        if level is not None:
            m[i, len(descriptors) + col[str(descriptor)]] = float(level.toPython()) / 7
    mask = np.array([r in rated for r in roles], dtype=bool)
    if mask.any():
        m[mask] -= m[mask].mean(axis=0)
    norms = np.linalg.norm(m, axis=1)
    norms[norms == 0] = 1.0
    return m / norms[:, None], rated


def build_model(
    ri: RoleItems,
    rating_rows: Result,
    profile_rows: Result,
    names: Mapping[str, Iterable[str]],
    mapping_rows: Result | None = None,
) -> TransitionModel:
    """Every matrix a transition score reads, from role_items, role_ratings, role_profiles and the role names."""
    import numpy as np
    from scipy import sparse

    from graph.network import incidence

    roles = ri.roles
    position = {r: i for i, r in enumerate(roles)}
    presence, essential = incidence(ri, roles)
    cred_cols = np.array([ri.category[i] == "credentials" for i in ri.items], dtype=float)
    credentials = sparse.csr_matrix(essential @ sparse.diags(cred_cols))
    credentials.eliminate_zeros()
    docs = _documents(ri, roles, names)
    ratings, rated = _ratings(rating_rows, roles, position)
    zone = np.full(len(roles), np.nan)
    sources: dict[str, set[str]] = {}
    for role, job_zone, source, source_label in profile_rows.rows:
        i = position.get(str(role))
        if i is None:
            continue
        if job_zone is not None:
            zone[i] = float(job_zone.toPython())
        if source is not None:
            sources.setdefault(str(role), set()).add(str(source_label or source))
    borrowed = _borrowing(mapping_rows, rated, set(roles))
    for role, other in borrowed.items():
        i, j = position[role], position[other]
        ratings[i] = ratings[j]
        if math.isnan(zone[i]):
            zone[i] = zone[j]
    return TransitionModel(
        roles,
        position,
        ri.items,
        {item: j for j, item in enumerate(ri.items)},
        presence,
        essential,
        credentials,
        {signal: _tfidf(d) for signal, d in docs.items()},
        ratings,
        zone,
        borrowed,
        {r: tuple(sorted(s)) for r, s in sorted(sources.items())},
        tuple(framework(r) for r in roles),
    )
