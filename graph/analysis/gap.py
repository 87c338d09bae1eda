"""What a person in one role must add to reach another, in the order to acquire it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

from graph.network import RoleItems

#: the order a person acquires things in, for gaps: learn, practise, then certify, then find work
GAP_ORDER = (
    "education",
    "training",
    "skills",
    "knowledge",
    "procedures",
    "devices",
    "tools",
    "technology",
    "duties",
    "collaborations",
    "ethics",
    "credentials",
    "workplaces",
)


@dataclass(frozen=True)
class GapStep:
    """One thing to acquire on the way from role A to role B."""

    order: int
    category: str
    item: str
    label: str
    essential: bool
    #: items A already has that a broad, narrow or related match links to this one: (A's item, relation)
    partly: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CredentialStep:
    """A credential of the target role with who issues it, what it needs first, and how to prepare."""

    credential: str
    label: str
    essential: bool
    bodies: tuple[str, ...]
    prerequisites: tuple[str, ...]
    requirements: tuple[str, ...]
    programs: tuple[str, ...]


@dataclass(frozen=True)
class Gap:
    """What a person in role A must add to reach role B, in the order to acquire it."""

    a: str
    b: str
    steps: tuple[GapStep, ...]
    credentials: tuple[CredentialStep, ...]
    already: tuple[str, ...]


def gap(ri: RoleItems, a: str, b: str, credentials: Iterable[CredentialStep] = ()) -> Gap:
    """B's items that A lacks, essential first within each stage, prerequisites before what needs them."""
    have, want = ri.items_of(a), ri.items_of(b)
    missing = [i for i in want if i not in have]
    creds = {c.credential: c for c in credentials}
    rank = {c: n for n, c in enumerate(GAP_ORDER)}
    prereq_depth = _prerequisite_depth(creds)

    def key(item: str) -> tuple:
        cat = ri.category[item]
        return (
            rank.get(cat, len(rank)),
            prereq_depth.get(item, 0),
            not want[item],
            ri.label.get(item, item).lower(),
            item,
        )

    def partly(item: str) -> tuple[tuple[str, str], ...]:
        return tuple((o, k) for o, k in sorted(ri.partial.get(item, {}).items()) if o in have)

    steps = tuple(
        GapStep(n, ri.category[i], i, ri.label.get(i, i), want[i], partly(i))
        for n, i in enumerate(sorted(missing, key=key), 1)
    )
    order = sorted(creds, key=lambda c: (prereq_depth.get(c, 0), creds[c].label.lower(), c))
    needed = tuple(creds[i] for i in order if i in missing)
    return Gap(a, b, steps, needed, tuple(sorted(i for i in want if i in have)))


def _prerequisite_depth(creds: dict[str, CredentialStep]) -> dict[str, int]:
    """How many prerequisites stand before each credential, so a prerequisite is earned first.

    >>> c = lambda iri, *pre: CredentialStep(iri, iri, True, (), pre, (), ())
    >>> _prerequisite_depth({"b": c("b", "a"), "c": c("c", "b")})
    {'a': 0, 'b': 1, 'c': 2}
    """
    before = {c.credential: set(c.prerequisites) for c in creds.values()}
    try:
        order = list(TopologicalSorter(before).static_order())
    except CycleError:
        return {}
    ancestors: dict[str, set[str]] = {}
    for node in order:  # every prerequisite comes before what needs it
        ancestors[node] = set().union(*({p} | ancestors[p] for p in before.get(node, ())))
    return {n: len(ancestors[n]) for n in sorted(ancestors)}
