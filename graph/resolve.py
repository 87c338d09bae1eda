"""Find the entity a person means: by IRI, CURIE, label or synonym, case-insensitively, or say who is close."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef

from graph.errors import ResolveError
from graph.stores import Result
from graph.terms import curie, expand


@dataclass(frozen=True)
class Entry:
    """One entity: its IRI, preferred label, kind (top class) and every name it answers to."""

    iri: str
    label: str
    kind: str
    names: frozenset[str]


@dataclass(frozen=True)
class EntityIndex:
    """Entities by IRI and by lower-cased name, built from the entity_index query's rows."""

    entries: dict[str, Entry]
    by_name: dict[str, frozenset[str]]

    def label(self, iri: str) -> str:
        """The preferred label of an IRI, or its CURIE when it has none."""
        entry = self.entries.get(str(iri))
        return entry.label if entry else curie(str(iri))

    def kind(self, iri: str) -> str | None:
        """The kind (top class IRI) of an entity, if known."""
        entry = self.entries.get(str(iri))
        return entry.kind if entry else None


def build_index(rows: Result) -> EntityIndex:
    """Index the rows of entity_index.rq (entity, kind, label, name)."""
    names: dict[str, set[str]] = defaultdict(set)
    meta: dict[str, tuple[str, str]] = {}
    for entity, kind, label, name in rows.rows:
        iri = str(entity)
        meta.setdefault(iri, (str(label), str(kind)))
        names[iri].add(str(name))
    entries = {iri: Entry(iri, lab, kind, frozenset(names[iri])) for iri, (lab, kind) in meta.items()}
    by_name: dict[str, set[str]] = defaultdict(set)
    for entry in entries.values():
        for name in entry.names:
            by_name[name.casefold()].add(entry.iri)
    return EntityIndex(entries, {k: frozenset(v) for k, v in by_name.items()})


def resolve(index: EntityIndex, text: str, *, kinds: Iterable[str] | None = None) -> URIRef:
    """The one entity a name means; ResolveError with the closest names when none or several match."""
    wanted = set(kinds or ())
    name = text.strip()
    if not name:
        raise ResolveError("an empty name matches nothing")
    iri = expand(name) or (name[1:-1] if name.startswith("<") and name.endswith(">") else name)
    if iri in index.entries:
        return _checked(index, iri, wanted, text)
    hits = [
        i for i in index.by_name.get(name.casefold(), ()) if not wanted or index.entries[i].kind in wanted
    ]
    if len(hits) == 1:
        return URIRef(hits[0])
    if len(hits) > 1:
        options = sorted(f"{index.entries[i].label} ({curie(i)})" for i in hits)
        raise ResolveError(f"{text!r} is ambiguous", options)
    raise ResolveError(f"no entity named {text!r}", closest(index, name, wanted))


def _checked(index: EntityIndex, iri: str, wanted: set[str], text: str) -> URIRef:
    if wanted and index.entries[iri].kind not in wanted:
        kinds = ", ".join(sorted(curie(k) for k in wanted))
        raise ResolveError(f"{text!r} is a {curie(index.entries[iri].kind)}, not a {kinds}")
    return URIRef(iri)


def closest(index: EntityIndex, name: str, wanted: set[str] | None = None, n: int = 5) -> list[str]:
    """The names most like the one given, each with its CURIE, for 'did you mean' messages."""
    pool = {
        k: ids
        for k, ids in index.by_name.items()
        if not wanted or any(index.entries[i].kind in wanted for i in ids)
    }
    matches = difflib.get_close_matches(name.casefold(), list(pool), n=n, cutoff=0.5)
    if len(matches) < n:
        sub = [k for k in pool if name.casefold() in k and k not in matches]
        matches += sorted(sub, key=len)[: n - len(matches)]
    out = []
    for m in matches:
        for i in sorted(pool[m]):
            if wanted and index.entries[i].kind not in wanted:
                continue  # a namesake of another kind would only fail again
            out.append(f"{index.entries[i].label} ({curie(i)})")
    return list(dict.fromkeys(out))[:n]
