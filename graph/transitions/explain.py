"""Transitions from one role, ranked and explained: the score's parts, the gap in learning order, the sources.

With learned items, the ranking is computed twice (as the person is, and as if they had learned
them), and the answer says which transitions the learning opens (new in the top K) or brings closer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from graph.analysis import gap
from graph.network import RoleItems
from graph.transitions.model import WITHIN, TransitionModel
from graph.transitions.score import WEIGHTS, contributions, learned_rows, order, raw_parts, total

if TYPE_CHECKING:
    import numpy as np

#: how many of a gap's missing items a transition lists
FIRST_MISSING = 3


@dataclass(frozen=True)
class Transition:
    """One reachable role: its score, each part's share of it, what is shared and what is missing."""

    role: str
    rank: int
    score: float
    parts: dict[str, float]
    shared_essential: int
    essential_total: int
    shared_optional: int
    optional_total: int
    ratings: float | None  # cosine of the two roles' skills and knowledge ratings; None: not both rated
    missing_credentials: tuple[str, ...]
    step: int | None  # the target's job zone less the source's; None: a zone unknown
    gap: int
    first_missing: tuple[str, ...]  # item IRIs, in learning order
    sources: tuple[str, ...]
    before: tuple[int, float] | None = None  # (rank, score) without the learned items
    borrowed: str | None = None  # the O*NET occupation whose ratings and job zone the target carries


@dataclass(frozen=True)
class Transitions:
    """The top transitions from a role, and what learning changes."""

    source: str
    within: str
    learned: tuple[str, ...]
    rows: tuple[Transition, ...]
    ranked: int  # how many roles were ranked
    opened: tuple[str, ...] = ()  # roles in the top K only with the learning
    closer: tuple[str, ...] = ()  # roles in the top K either way whose score rose
    unused: tuple[str, ...] = ()  # learned items no role needs (they change nothing)


@dataclass(frozen=True)
class _Ranking:
    values: dict[str, np.ndarray]
    avail: dict[str, np.ndarray]
    parts: dict[str, np.ndarray]
    score: np.ndarray
    ordered: np.ndarray

    def rank_of(self, j: int) -> int:
        import numpy as np

        hit = np.flatnonzero(self.ordered == j)
        return int(hit[0]) + 1 if hit.size else 0


def _ranking(model: TransitionModel, i: int, within: str, learned: Iterable[str], weights) -> _Ranking:
    have = learned_rows(model, [i], learned)
    values, avail = raw_parts(model, [i], have)
    parts = contributions(values, avail, weights)
    score = total(parts)[0]
    allowed = model.within(within)
    allowed[i] = False
    return _Ranking(values, avail, parts, score, order(score, allowed))


def _transition(
    model: TransitionModel, ri: RoleItems, source: str, j: int, r: _Ranking, n: int, have: set[str]
) -> Transition:
    target = model.roles[j]
    want = ri.items_of(target)
    g = gap(ri, source, target)
    return Transition(
        target,
        n,
        float(r.score[j]),
        {k: float(v[0, j]) for k, v in r.parts.items()},
        sum(1 for i, e in want.items() if e and i in have),
        sum(1 for e in want.values() if e),
        sum(1 for i, e in want.items() if not e and i in have),
        sum(1 for e in want.values() if not e),
        float(r.values["ratings"][0, j]) if r.avail["ratings"][0, j] else None,
        tuple(sorted(i for i, e in want.items() if e and ri.category[i] == "credentials" and i not in have)),
        int(r.values["step"][0, j]) if r.avail["step"][0, j] else None,
        len(g.steps),
        tuple(s.item for s in g.steps[:FIRST_MISSING]),
        model.sources.get(target, ()),
        borrowed=model.borrowed.get(target),
    )


def transitions(
    model: TransitionModel,
    ri: RoleItems,
    source: str,
    *,
    top: int = 10,
    within: str = "all",
    learned: Iterable[str] = (),
    weights: Mapping[str, float] = WEIGHTS,
) -> Transitions:
    """The top roles reachable from `source`, each explained; with `learned`, what the learning changes."""
    if within not in WITHIN:
        raise ValueError(f"within must be one of {', '.join(WITHIN)}")
    i = model.position[source]
    learned = tuple(dict.fromkeys(learned))
    have_now = ri.items_of(source)
    new = {x: False for x in learned if x in ri.category and x not in have_now}
    ri_after = replace(ri, links={**ri.links, source: {**have_now, **new}}) if new else ri
    have = set(have_now) | set(new)
    after = _ranking(model, i, within, learned, weights)
    rows = [
        _transition(model, ri_after, source, int(j), after, n, have)
        for n, j in enumerate(after.ordered[:top], 1)
    ]
    unused = tuple(x for x in learned if x not in model.item_position)
    if not learned:
        return Transitions(source, within, (), tuple(rows), len(after.ordered))
    before = _ranking(model, i, within, (), weights)
    rows = [
        replace(t, before=(before.rank_of(model.position[t.role]), _score(before, t.role, model)))
        for t in rows
    ]
    top_before = {model.roles[j] for j in before.ordered[:top]}
    opened = tuple(t.role for t in rows if t.role not in top_before)
    closer = tuple(
        t.role for t in rows if t.role in top_before and t.before and t.score > t.before[1] + 1e-12
    )
    return Transitions(source, within, learned, tuple(rows), len(after.ordered), opened, closer, unused)


def _score(r: _Ranking, role: str, model: TransitionModel) -> float:
    return float(r.score[model.position[role]])
