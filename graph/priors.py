"""How many roles hold an item, essential or optional: the catalogue's prior for matching by meaning.

An outcome or a task that words and meaning match only loosely most often teaches an item many roles
need ("communicate with customers" more often than "operate a hot-foil press"); the hybrid adds this
prior, scaled by how unsure words and meaning are (graph.hybrid). The counts come from the role_items
projection (role_items_all.rq: every role's essential and optional items, merged across frameworks), so
what counts is what the store says. Nothing here reads a store.

Leakage: an evaluation whose answers are some roles' essential items must count without those roles
(`exclude`), or the prior would hold the answers; benchmarks/matching.py excludes every ESCO
occupation the O*NET crosswalk can take a task's answers from. The app counts every role.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

#: the prior's weights for the essential and the optional count (log-scaled to [0, 1] by the
#: catalogue's largest); tuned on the development split of benchmarks/matching.py
ESSENTIAL_WEIGHT, OPTIONAL_WEIGHT = 0.35, 0.15


@dataclass(frozen=True)
class Holders:
    """Per item, how many of the counted roles hold it essential and how many optional."""

    essential: Mapping[str, int] = field(default_factory=dict)
    optional: Mapping[str, int] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()  # the roles counted (never an excluded one)


def holders(links: Mapping[str, Mapping[str, bool]], *, exclude: Iterable[str] = ()) -> Holders:
    """Count, per item, the roles holding it essential or optional (RoleItems.links), less `exclude`d roles."""
    left_out = frozenset(exclude)
    essential: dict[str, int] = {}
    optional: dict[str, int] = {}
    roles = sorted(r for r in links if r not in left_out)
    for role in roles:
        for item, is_essential in links[role].items():
            target = essential if is_essential else optional
            target[item] = target.get(item, 0) + 1
    return Holders(essential, optional, frozenset(roles))


def prior(
    items: Sequence[str],
    counts: Holders,
    *,
    essential_weight: float = ESSENTIAL_WEIGHT,
    optional_weight: float = OPTIONAL_WEIGHT,
) -> np.ndarray:
    """Per item (IRIs, in the index's order), the prior in [0, essential_weight + optional_weight].

    Each count is log-scaled by the largest in the catalogue: 1 role of 193 weighs 0.13, 20 roles 0.58.
    An item no counted role holds gets 0.
    """
    out = np.zeros(len(items), dtype=np.float64)
    for weight, found in ((essential_weight, counts.essential), (optional_weight, counts.optional)):
        top = max(found.values(), default=0)
        if top and weight:
            scale = weight / math.log1p(top)
            out += np.fromiter((math.log1p(found.get(i, 0)) * scale for i in items), np.float64, len(items))
    return out
