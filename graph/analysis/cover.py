"""The fewest training topics and credentials that reach a set of roles (minimum set cover)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from graph.network import RoleItems

COVER_CATEGORIES = ("training", "credentials")


@dataclass(frozen=True)
class Cover:
    """The fewest training topics and credentials that reach every chosen role, and how each is reached."""

    roles: tuple[str, ...]
    chosen: tuple[str, ...]
    covered_by: dict[str, tuple[str, ...]]
    uncoverable: tuple[str, ...]
    exact: bool
    bound: str


def cover(
    ri: RoleItems,
    roles: Sequence[str],
    *,
    categories: Sequence[str] = COVER_CATEGORIES,
    exact_limit: int = 5_000_000,
) -> Cover:
    """Minimum set cover of roles by training topics and credentials: exact when small, else greedy.

    Exact search tries sets by increasing size while the number of combinations stays under
    exact_limit; greedy is within a factor H(n) <= ln(n) + 1 of the optimum (n = roles to cover).
    """
    targets = tuple(dict.fromkeys(roles))
    reach: dict[str, set[str]] = {}
    for role in targets:
        for item in ri.items_of(role):
            if ri.category[item] in categories:
                reach.setdefault(item, set()).add(role)
    coverable = set().union(*reach.values()) if reach else set()
    uncoverable = tuple(r for r in targets if r not in coverable)
    candidates = sorted(reach, key=lambda i: (-len(reach[i]), i))
    chosen, exact = None, False
    for k in range(1, len(candidates) + 1):
        if math.comb(len(candidates), k) > exact_limit:
            break
        for combo in itertools.combinations(candidates, k):
            if set().union(*(reach[i] for i in combo)) >= coverable:
                chosen, exact = combo, True
                break
        if chosen:
            break
    if not coverable:
        chosen, exact = (), True
    if chosen is None:
        chosen = _greedy_cover(reach, coverable)
    covered_by = {r: tuple(i for i in chosen if r in reach[i]) for r in targets}
    n = len(coverable)
    bound = (
        "optimal"
        if exact
        else f"greedy: at most H({n}) = {sum(1 / k for k in range(1, n + 1)):.2f} x optimal"
    )
    if uncoverable:  # never "optimal" for roles the chosen items do not reach
        bound = (
            f"{bound} for the {n} role(s) reached; {len(uncoverable)} reached by no "
            f"{' or '.join(categories)} item"
        )
    return Cover(targets, tuple(chosen), covered_by, uncoverable, exact, bound)


def _greedy_cover(reach: dict[str, set[str]], universe: set[str]) -> tuple[str, ...]:
    left, chosen = set(universe), []
    while left:
        best = max(sorted(reach), key=lambda i: len(reach[i] & left))
        chosen.append(best)
        left -= reach[best]
    return tuple(chosen)
