"""Find the entity a person means (IRI, CURIE, label or synonym), say who is close, and the one ranked search.

Names: an exact preferred label beats another entity's synonym; a tie between one curated entity
and imported ones goes to the curated one, with a note naming the others; any other tie is an
error listing every candidate with its framework and kind. Search ranks exact, prefix, word-start,
then substring matches (preferred labels before synonyms within each), as search_labels.rq does.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import URIRef

from graph.errors import ResolveError
from graph.terms import curie, expand, framework, label_key


@dataclass(frozen=True)
class Entry:
    """One entity: its IRI, preferred label, kind (top class) and every name it answers to."""

    iri: str
    label: str
    kind: str
    names: frozenset[str]


@dataclass(frozen=True)
class EntityIndex:
    """Entities by IRI and by lower-cased name, built from the entity_index and entity_synonyms rows."""

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


def build_index(entities: Iterable[Sequence], synonyms: Iterable[Sequence] = ()) -> EntityIndex:
    """Index the rows of entity_index.rq (entity, kind, label, the label's language) and
    entity_synonyms.rq (entity, name):
    every preferred label is a name, and so is every synonym of an entity."""
    names: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    keys: dict[str, tuple] = {}
    for entity, kind, label, *lang in entities:
        iri, lab, k = str(entity), str(label), str(kind)
        # never row order: an English label before others, the shortest (terms.label_key), the smallest kind
        key = label_key(label, str(lang[0] or "") if lang else None)
        if iri not in labels or key < keys[iri]:
            labels[iri], keys[iri] = lab, key
        if iri not in kinds or k < kinds[iri]:
            kinds[iri] = k
        names[iri].add(lab)
    for entity, name in synonyms:
        iri = str(entity)
        if iri in labels:  # a synonym of something that is no entity names nothing here
            names[iri].add(str(name))
    entries = {iri: Entry(iri, labels[iri], kinds[iri], frozenset(names[iri])) for iri in labels}
    by_name: dict[str, set[str]] = defaultdict(set)
    for entry in entries.values():
        for name in entry.names:
            by_name[name.casefold()].add(entry.iri)
    return EntityIndex(entries, {k: frozenset(v) for k, v in by_name.items()})


@dataclass(frozen=True)
class Resolution:
    """The entity a name means, and a note when a tie was broken for the curated one."""

    iri: URIRef
    note: str | None = None


def describe(index: EntityIndex, iri: str) -> str:
    """'label (CURIE, framework kind)': how every suggestion names an entity."""
    entry = index.entries.get(iri)
    label = entry.label if entry else curie(iri)
    kind = _kind_name(entry.kind) if entry else "entity"
    return f"{label} ({curie(iri)}, {framework(iri)} {kind})"


def _kind_name(kind: str) -> str:
    local = re.split(r"[#/]", kind)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


def resolve(index: EntityIndex, text: str, *, kinds: Iterable[str] | None = None) -> URIRef:
    """The one entity a name means; ResolveError with the closest names when none or several match."""
    return resolve_name(index, text, kinds=kinds).iri


def resolve_name(index: EntityIndex, text: str, *, kinds: Iterable[str] | None = None) -> Resolution:
    """resolve(), telling also which namesakes a curated entity was preferred to."""
    wanted = set(kinds or ())
    name = text.strip()
    if not name:
        raise ResolveError("an empty name matches nothing")
    iri = expand(name) or (name[1:-1] if name.startswith("<") and name.endswith(">") else name)
    if iri in index.entries:
        return Resolution(_checked(index, iri, wanted, text))
    key = name.casefold()
    hits = sorted(i for i in index.by_name.get(key, ()) if not wanted or index.entries[i].kind in wanted)
    preferred = [i for i in hits if index.entries[i].label.casefold() == key]
    tied = preferred or hits  # an exact preferred label beats a synonym of another entity
    if len(tied) == 1:
        return Resolution(URIRef(tied[0]))
    if not tied:
        raise ResolveError(f"no entity named {text!r}", closest(index, name, wanted))
    curated = [i for i in tied if framework(i) == "curated"]
    options = [describe(index, i) for i in sorted(tied, key=lambda i: (framework(i) != "curated", i))]
    if len(curated) == 1:
        others = ", ".join(describe(index, i) for i in tied if i != curated[0])
        return Resolution(
            URIRef(curated[0]),
            f"{text!r} also names {others}; using the curated one (give an IRI or CURIE for another)",
        )
    raise ResolveError(f"{text!r} is ambiguous", options)


def _checked(index: EntityIndex, iri: str, wanted: set[str], text: str) -> URIRef:
    if wanted and index.entries[iri].kind not in wanted:
        kinds = ", ".join(sorted(curie(k) for k in wanted))
        raise ResolveError(f"{text!r} is a {curie(index.entries[iri].kind)}, not a {kinds}")
    return URIRef(iri)


def closest(index: EntityIndex, name: str, wanted: set[str] | None = None, n: int = 5) -> list[str]:
    """The names most like the one given, each with its CURIE, framework and kind, for 'did you mean'."""
    pool = {
        k: ids
        for k, ids in index.by_name.items()
        if not wanted or any(index.entries[i].kind in wanted for i in ids)
    }
    matches = difflib.get_close_matches(name.casefold(), list(pool), n=n, cutoff=0.5)
    if len(matches) < n:
        sub = [k for k in pool if name.casefold() in k and k not in matches]
        matches += sorted(sub, key=lambda k: (len(k), k))[: n - len(matches)]
    out = []
    for m in matches:
        for i in sorted(pool[m], key=lambda i: (framework(i) != "curated", i)):
            if wanted and index.entries[i].kind not in wanted:
                continue  # a namesake of another kind would only fail again
            out.append(describe(index, i))
    return list(dict.fromkeys(out))[:n]


# ---------------------------------------------------------------- the one search

#: match kinds, best first; search_labels.rq computes the same ranks in SPARQL
EXACT, PREFIX, WORD_START, SUBSTRING = 0, 1, 2, 3
MATCH_NAMES = ("exact", "prefix", "word start", "substring")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _words(text: str) -> str:
    """Lower-cased text with every run of other characters one space: REPLACE(LCASE(.), "[^a-z0-9]+", " ")."""
    return _NON_WORD.sub(" ", text.lower())


def match_rank(name: str, text: str) -> int | None:
    """How a name matches a search text (EXACT … SUBSTRING), or None: the rule search_labels.rq encodes."""
    n, t = name.lower(), text.lower()
    if not t or t not in n:
        return None
    if n == t:
        return EXACT
    if n.startswith(t):
        return PREFIX
    if (" " + _words(t)) in (" " + _words(n)):
        return WORD_START
    return SUBSTRING


@dataclass(frozen=True)
class Hit:
    """One search result: the entity, its label, the name that matched and how, its kind and framework."""

    entity: str
    label: str
    matched: str
    match: str
    kind: str
    framework: str


def searchable(index: EntityIndex) -> tuple[list[tuple[Entry, str]], list[str]]:
    """Every (entry, name) of an index and the names lower-cased, in one order: made once per index
    (a search then filters 950k names with one C-level test each, instead of ranking every one)."""
    got = _NAMES.get(id(index))
    if got is None or got[0] is not index:
        pairs = [(entry, name) for entry in index.entries.values() for name in entry.names]
        got = (index, pairs, [name.lower() for _entry, name in pairs])
        if len(_NAMES) >= 4:  # the entity index and the role index, and a rebuilt one
            _NAMES.pop(next(iter(_NAMES)))
        _NAMES[id(index)] = got
    return got[1], got[2]


_NAMES: dict[int, tuple[EntityIndex, list[tuple[Entry, str]], list[str]]] = {}


def search(index: EntityIndex, text: str, *, limit: int = 50) -> list[Hit]:
    """Entities whose label or synonym contains text, best match first, one row per entity.

    Order: match rank (exact, prefix, word start, substring), preferred label before synonym,
    shorter label, label, IRI, matched name: the ORDER BY of search_labels.rq, so the two agree.
    """
    text = text.strip()
    if not text:
        return []
    pairs, lows = searchable(index)
    low = text.lower()
    best: dict[str, tuple] = {}
    for i in [i for i, n in enumerate(lows) if low in n]:  # match_rank's own first test, for all at once
        entry, name = pairs[i]
        rank = match_rank(name, text)
        if rank is None:
            continue
        key = (
            rank,
            0 if name == entry.label else 1,
            len(entry.label),
            entry.label.lower(),
            entry.iri,
            name,
        )
        if entry.iri not in best or key < best[entry.iri]:
            best[entry.iri] = key
    ranked = sorted(best.values())[:limit]
    return [
        Hit(iri, index.entries[iri].label, name, MATCH_NAMES[rank], index.entries[iri].kind, framework(iri))
        for rank, _pref, _len, _low, iri, name in ranked
    ]
