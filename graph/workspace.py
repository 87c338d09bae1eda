"""A store with the projections derived from it, built once and shared by the CLI, the app and benchmarks."""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from rdflib import URIRef

from graph import analysis, plans, queries
from graph.errors import ResolveError
from graph.network import RoleItems, entity_graph, role_items
from graph.paths import VAR
from graph.projection_cache import ProjectionCache
from graph.resolve import MATCH_NAMES, EntityIndex, Resolution, build_index, resolve_name, search
from graph.stores import Result, Store, StoreSpec, open_store
from graph.terms import AKG, best_labels, framework, kind_name

# the warm-up's names stay importable from here (the app, benchmarks and tests import them so)
from graph.warmup import CHILD_PART, LATER, LATER_NICE, PARENT_PART, PRECOMPUTED, WARM, WARMED, Warmup, settle  # noqa: F401

if TYPE_CHECKING:
    from pathlib import Path

    import networkx as nx

    from graph.curriculum import Plan, RoleCoverage
    from graph.hybrid import Matcher
    from graph.match import MatchIndex
    from graph.transitions import TransitionModel
    from graph.vocabulary import Vocabulary

CURATED = "https://w3id.org/aesthetics-kg/resource/"
SEARCH_LIMIT = 50  # entities a search returns (search_labels.rq keeps 200 rows: several names per entity)

#: catalogue queries whose answer depends on the whole store (and at most a class): on a persisted,
#: read-only store each answer is computed once, kept beside the store and read back (0.3-2.6 s -> < 35 ms
#: on the combined graph); the key is the store's fingerprint, the queries' hash and the bound values
STORED_ANSWERS = frozenset(
    {
        "class_hierarchy",
        "count_entities",
        "counts_by_class",
        "filter_options",
        "item_mappings",
        "kinds_present",
        "link_categories",
    }
)

log = logging.getLogger(__name__)


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


class Workspace(Warmup):
    """One open store and its cached projections; projections are built on first use, not per click."""

    def __init__(self, store: Store, spec: StoreSpec | None = None, *, cache_dir: Path | None = None):
        self.store = store
        self.spec = spec
        self.cache_dir = cache_dir
        self.cache = ProjectionCache(cache_dir)
        self._lock = threading.RLock()
        self._some_role_items = functools.lru_cache(maxsize=256)(self._query_role_items)
        self.notes: list[str] = []  # what name resolution chose on a tie, for the CLI to print
        self._answers: dict[str, Result] = {}
        self._warming = threading.Event()  # set while warm() builds: readers wait for it, never build twice
        self.store_pending = False  # served from memory while the warm-up writes the on-disk store
        self.opened: dict[str, float] = {}  # seconds open() took: the store (built or opened), precompute

    @classmethod
    def open(
        cls, spec: StoreSpec | None = None, *, memory_first: bool = False, in_memory: bool = False
    ) -> Workspace:
        """Open the store a spec names and wrap it; a persisted store keeps its projections beside it.

        `memory_first` (the app): big files whose on-disk store is not built yet are loaded in memory
        and served from there; the warm-up's child writes the on-disk store (which later starts open)
        before it builds the projections, and store_pending says so until then. `in_memory` (the
        warm-up's child): big files are always read from a copy in memory, which answers the projections'
        queries 2-4x faster than the on-disk store (ESCO + O*NET: 4 s of CPU to load).
        """
        spec = spec or StoreSpec()
        started = time.perf_counter()
        cache_dir, store, pending = None, None, False
        if spec.kind == "oxigraph" and spec.data:
            from graph.stores import oxigraph

            # the queries that derive the projections are part of the key: a changed .rq file rebuilds them
            name = oxigraph.fingerprint(spec.sources(), spec.root)
            cache_dir = spec.root / f"{name}.projections" / queries.fingerprint()
            pending = memory_first and oxigraph.memory_first(spec.sources(), spec.root)
            big = in_memory and oxigraph.data_bytes(spec.sources()) >= oxigraph.MEMORY_FIRST_BYTES
            if pending or big:
                t = time.perf_counter()
                log.info(
                    "loading %d files in memory%s",
                    len(spec.data),
                    f"; the warm-up writes store {name} to disk" if pending else "",
                )
                store = oxigraph.memory_oxigraph(spec.sources())
                log.info("  loaded in memory: %.2f s", time.perf_counter() - t)
        ws = cls(store or open_store(spec), spec, cache_dir=cache_dir)
        ws.store_pending = store is not None and pending
        ws.opened["store"] = time.perf_counter() - started
        if cache_dir is not None and not (cache_dir / "precomputed").is_file():
            ws.precompute()
        ws.opened["precompute"] = time.perf_counter() - started - ws.opened["store"]
        return ws

    def on_disk(self, name: str) -> bool:
        """Whether a projection is kept beside the store (so reading it back costs no query)."""
        return self.cache.on_disk(name)

    def _cached(self, name: str, build: Callable[[], object]) -> object:
        """A projection from the on-disk cache of a persisted store, else built (and saved there)."""
        return self.cache.get(name, build)

    def ready(self, name: str) -> bool:
        """Whether a cached projection (index, role_items, …) is already built."""
        return name in self.__dict__

    def available(self, name: str) -> bool:
        """Whether a projection can be had without building it (built, or kept beside the store)."""
        return self.ready(name) or self.on_disk(name)

    def run(self, name: str, params: Mapping[str, object] | None = None) -> Result:
        """Run a catalogue query; IRI parameters may also be labels, synonyms or CURIEs.

        On a persisted store the whole-store aggregates (STORED_ANSWERS) are answered from beside the
        store: the same query text and bound values ran once, and a read-only store's answer stays true.
        """
        if self.cache_dir is None or name not in STORED_ANSWERS:
            return queries.run(self.store, name, params, resolve=self.resolve)
        query = queries.get(name)
        bound = queries.bind(query, params, self.resolve)
        values = sorted((k, v.n3() if hasattr(v, "n3") else [t.n3() for t in v]) for k, v in bound.items())
        key = f"{name}-{hashlib.sha256(repr(values).encode()).hexdigest()[:16]}"
        hit = self._answers.get(key)
        if hit is None:
            hit = self._cached(f"answers/{key}", lambda: self.store.query(query.text, bindings=bound))
            self._answers[key] = hit
        return hit

    def resolve(self, name: str, kinds: tuple[str, ...] | None = None) -> URIRef:
        """The entity a name means (IRI, CURIE, label or synonym), or a ResolveError with suggestions.

        A tie broken for a curated entity leaves its note in self.notes, for the caller to show.
        """
        found: Resolution = resolve_name(self.index, name, kinds=kinds)
        if found.note and found.note not in self.notes:
            self.notes.append(found.note)
        return found.iri

    def resolve_role(self, name: str) -> URIRef:
        """The role a name means; a name of something else says what it is instead of "no entity"."""
        try:
            return self.resolve(name, (str(AKG.Role),))
        except ResolveError as exc:
            try:
                other = self.resolve(name)
            except ResolveError:
                raise exc from None
            raise ResolveError(
                f"{name!r} is {_a(kind_name(self.index.kind(other) or ''))}, not a role"
            ) from None

    @cached_property
    def index(self) -> EntityIndex:
        """Every entity by IRI and name (during the warm-up: read back once its child has written it)."""
        self.wait_for("index")
        return self._index()

    def _index(self) -> EntityIndex:
        with self._lock:
            return self._cached(
                "index",
                lambda: build_index(
                    queries.strings(self.store, "entity_index"),
                    queries.strings(self.store, "entity_synonyms"),
                ),
            )

    @cached_property
    def role_items(self) -> RoleItems:
        """Every role's items, merged across frameworks by SKOS matches."""
        with self._lock:
            return self._cached(
                "role_items",
                lambda: role_items(queries.strings(self.store, "role_items_all"), self.item_mappings),
            )

    @cached_property
    def item_mappings(self) -> Result:
        """SKOS matches between items (few rows), shared by whole and partial role projections."""
        return self.run("item_mappings")

    def role_items_for(self, roles: Iterable[str]) -> RoleItems:
        """Some roles' items: the whole projection once built, else just these roles (cached).

        On a million-triple store the whole projection takes half a minute to build; the overlap
        tab only needs the roles on screen, which role_items.rq answers in milliseconds.
        """
        if self.ready("role_items"):
            return self.role_items
        return self._some_role_items(tuple(sorted(set(roles))))

    def _query_role_items(self, roles: tuple[str, ...]) -> RoleItems:
        """role_items.rq for just these roles (the per-workspace LRU cache in __init__ keeps 256)."""
        rows = queries.run(self.store, "role_items", {"role": [URIRef(r) for r in roles]}) if roles else None
        return role_items(rows or Result("SELECT", ("role",)), self.item_mappings)

    @cached_property
    def role_names(self) -> dict[str, str]:
        """Every role's label by IRI, in label order (filter_options.rq; for pickers and labels)."""

        def build() -> dict[str, str]:
            rows = self.run("filter_options", {"class": AKG.Role}).rows
            unique = best_labels((r[0], r[1]) for r in rows)  # a label per language: one
            return dict(sorted(unique.items(), key=lambda kv: (kv[1].lower(), kv[0])))

        return self._cached("role_names", build)  # no lock: the warm-up thread may hold it for long

    @cached_property
    def kinds(self) -> list[str]:
        """The kind IRIs that have members (kinds_present.rq)."""
        return self._cached("kinds", lambda: [str(r[0]) for r in self.run("kinds_present").rows])

    @cached_property
    def categories(self) -> list[str]:
        """The link categories some role uses (link_categories.rq)."""
        return [str(r[0]) for r in self.run("link_categories").rows]

    @cached_property
    def entity_count(self) -> int:
        """How many labelled entities the store holds (count_entities.rq)."""
        return int(self.run("count_entities").rows[0][0])

    @cached_property
    def role_index(self) -> EntityIndex:
        """The entity index cut to the roles: a role picker ranks 4,000 roles, not 800,000 entities."""
        roles = self.role_names
        return EntityIndex({i: e for i, e in self.index.entries.items() if i in roles}, {})

    def search_roles(self, text: str, *, limit: int = SEARCH_LIMIT) -> list[str]:
        """Roles whose label or synonym contains text, ranked as search() ranks (the role pickers' search)."""
        text = text.strip()
        if not text:
            return []
        if self.ready("index") or self.on_disk("index"):
            return [h.entity for h in search(self.role_index, text, limit=limit)]
        roles = self.role_names  # before the index exists: the store's search, kept to roles
        return [h["entity"] for h in self.search(text, limit=10 * limit) if h["entity"] in roles][:limit]

    def search(self, text: str, *, limit: int = SEARCH_LIMIT) -> list[dict[str, str]]:
        """The one ranked search (graph.resolve.search): entity, label, matched, match, kind, framework.

        Over the entity index once it is built (a few tens of ms on a million triples); before that
        search_labels.rq, which ranks the same way (its CONTAINS scan takes seconds on big stores).
        """
        text = text.strip()
        if not text:
            return []
        if self.ready("index") or self.on_disk("index"):  # reading it back beats a scan of the store
            return [h.__dict__.copy() for h in search(self.index, text, limit=limit)]
        out: dict[str, dict[str, str]] = {}
        for r in queries.run(self.store, "search_labels", {"text": text}).rows:
            iri = str(r[0])
            if iri not in out and len(out) < limit:
                out[iri] = {
                    "entity": iri,
                    "label": str(r[1]),
                    "matched": str(r[2]),
                    "match": MATCH_NAMES[int(r[4].toPython())],
                    "kind": str(r[3]),
                    "framework": framework(iri),
                }
        return list(out.values())

    @cached_property
    def match_index(self) -> MatchIndex:
        """Every teachable item's names and definitions, for matching learning outcomes (match_catalogue.rq)."""
        from graph.match import build_index as build_match_index  # NumPy/SciPy only when matching

        with self._lock:
            return self._cached(
                "match_index", lambda: build_match_index(queries.strings(self.store, "match_catalogue"))
            )

    @cached_property
    def transition_model(self) -> TransitionModel:
        """The matrices transitions rank from (graph.transitions.model), built once from the projections."""
        from graph.transitions import build_model

        def build() -> TransitionModel:
            names = {r: self.index.entries[r].names for r in self.role_items.roles if r in self.index.entries}
            return build_model(
                self.role_items,
                self.run("role_ratings"),
                self.run("role_profiles"),
                names,
                self.item_mappings,
            )

        with self._lock:
            return self._cached("transition_model", build)

    @cached_property
    def matcher(self) -> Matcher:
        """Matching by words and, when the model package is installed, by meaning (graph.hybrid).

        The items' vectors are built once (minutes for ESCO, with a progress bar) and kept beside a
        persisted store; an in-memory store's small catalogue keeps them under var/vectors. The prior
        counts every role of the store (graph.priors; an item merged across frameworks counts its group's).
        """
        from graph import dense, priors
        from graph.hybrid import Matcher
        from graph.network import canonical_items

        index = self.match_index
        with self._lock:
            encoder = dense.load()
            if encoder is None:
                return Matcher(index)
            folder, prune = (self.cache_dir.parent, True) if self.cache_dir else (VAR / "vectors", False)
            vectors = dense.vectors(encoder, [e.label for e in index.entries], folder, prune=prune)
            held = self.role_items
            canon = canonical_items(self.item_mappings, set(held.roles))
            prior = priors.prior([canon.get(e.iri, e.iri) for e in index.entries], priors.holders(held.links))
            return Matcher(index, encoder, vectors, prior=prior)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """Every class, property and subject IRI, for the SPARQL editor's completion (vocabulary_terms.rq)."""
        from graph.vocabulary import build as build_vocabulary

        self.wait_for("vocabulary")
        with self._lock:
            return self._cached("vocabulary", lambda: build_vocabulary(self.store))

    @cached_property
    def entity_graph(self) -> nx.MultiDiGraph:
        """Every link between entities, for paths."""
        with self._lock:
            return self._cached(
                "entity_graph", lambda: entity_graph(queries.strings(self.store, "entity_edges"))
            )

    def label(self, iri: str) -> str:
        """A person's name for an IRI (roles answer before the whole index is built)."""
        if not self.ready("index") and iri in self.role_names:
            return self.role_names[iri]
        return self.index.label(iri)

    def named(self, iri: str) -> str:
        """A label that says which framework an imported entity comes from ("ESCO's aesthetician")."""
        origin = framework(iri)
        return self.label(iri) if origin in ("curated", "other") else f"{origin}'s {self.label(iri)}"

    def credential_steps(self, role: str) -> list[analysis.CredentialStep]:
        """A role's credential path from credential_path.rq, grouped per credential."""
        return plans.credential_steps(self, role)

    def gap(self, a: str, b: str) -> analysis.Gap:
        """What a person in role a must add to reach role b."""
        return plans.gap(self, a, b)

    def curriculum(self, roles: Sequence[str]) -> tuple[Plan, dict[str, str]]:
        """The plan for training people for some roles, and a label for every IRI it names."""
        return plans.curriculum(self, roles)

    def coverage(
        self, roles: Sequence[str], taught: Iterable[str]
    ) -> tuple[list[RoleCoverage], tuple[str, ...], dict[str, str]]:
        """Per role, what a curriculum teaching `taught` covers; what no role needs; labels of all."""
        return plans.coverage(self, roles, taught)

    def curated_roles(self) -> list[str]:
        """The roles of the curated graph (not imported frameworks), for default views."""
        return [r for r in self.role_names if r.startswith(CURATED)]
