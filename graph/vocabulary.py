"""The graph's own classes, properties and subject IRIs, sorted, so the SPARQL editor completes a prefix at once.

Built once per store from queries/vocabulary_terms.rq (the store is read-only); a completion is a
binary search in a sorted list, well under a millisecond on ESCO + O*NET.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from graph import queries
from graph.stores import Store
from graph.terms import PREFIXES

KINDS = ("class", "property", "entity")


@dataclass(frozen=True)
class Vocabulary:
    """The IRIs of each kind, each list sorted (a prefix's matches are one contiguous run)."""

    terms: dict[str, tuple[str, ...]]

    def complete(self, start: str, *, kinds: tuple[str, ...] = KINDS, limit: int = 50) -> list[str]:
        """IRIs of these kinds beginning with `start` (a full IRI's beginning), sorted, at most `limit`.

        >>> Vocabulary({"class": ("http://x/A", "http://x/Ab", "http://y/B")}).complete("http://x/A")
        ['http://x/A', 'http://x/Ab']
        """
        found: set[str] = set()
        for kind in kinds:
            items = self.terms.get(kind, ())
            i = bisect.bisect_left(items, start)
            while i < len(items) and items[i].startswith(start) and len(found) < limit * len(kinds):
                found.add(items[i])
                i += 1
        return sorted(found)[:limit]

    def size(self) -> int:
        return sum(len(v) for v in self.terms.values())


def build(store: Store) -> Vocabulary:
    """Read every class, property and subject IRI of the store once."""
    by_kind: dict[str, set[str]] = {k: set() for k in KINDS}
    for term, kind in queries.run(store, "vocabulary_terms").rows:
        if term is not None and str(kind) in by_kind:
            by_kind[str(kind)].add(str(term))
    return Vocabulary({k: tuple(sorted(v)) for k, v in by_kind.items()})


def expand_start(text: str, declared: dict[str, str] | None = None) -> str:
    """A typed start (`akg:Ro`, `<http://…`) as the beginning of a full IRI; declared prefixes first.

    >>> expand_start("akg:Ro")
    'https://w3id.org/aesthetics-kg/ontology#Ro'
    """
    text = text.strip().lstrip("<").rstrip(">")
    prefix, sep, local = text.partition(":")
    if sep and not local.startswith("//"):
        ns = (declared or {}).get(prefix) or PREFIXES.get(prefix)
        if ns:
            return ns + local
    return text
