"""A store with the projections derived from it, built once and shared by the CLI, the app and benchmarks."""

from __future__ import annotations

import functools
import hashlib
import logging
import pickle
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, BinaryIO

from rdflib import URIRef

from graph import analysis, plans, queries
from graph.child import run_in_child
from graph.errors import ResolveError
from graph.network import RoleItems, entity_graph, role_items
from graph.paths import VAR
from graph.projection_cache import ProjectionCache
from graph.resolve import MATCH_NAMES, EntityIndex, Resolution, build_index, resolve_name, search, searchable
from graph.stores import Result, Store, StoreSpec, open_store
from graph.terms import AKG, best_labels, framework

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


#: what warm() builds, in this order: everything a first click needs (a path needs the entity graph);
#: the SPARQL editor's completion terms early (1-2 s of CPU on ESCO + O*NET): its editor asks as one types
WARM = ("role_names", "index", "vocabulary", "entity_graph", "role_items", "match_index", "transition_model")
LATER = ("matcher",)
LATER_NICE = 10  # the LATER child's priority (the endpoint's workers run at 5, a long query at 19)
#: on a first start of big files the app holds the store in memory and builds these itself, after the name
#: index, while the child loads its own copy and builds the rest (CHILD_PART): the two cores share the work
PARENT_PART = ("index", "role_items", "match_index", "transition_model")
CHILD_PART = tuple(n for n in WARM if n not in PARENT_PART)
WARMED = "warm-up done"  # the log line's words (the benchmarks wait for them before timing a warm app)  # then (minutes on ESCO: the items' vectors), once the others are ready
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
#: what a persisted store's first open precomputes, in order (then filter_options of roles and the name index)
PRECOMPUTED = (
    "count_entities",
    "kinds_present",
    "counts_by_class",
    "class_hierarchy",
    "link_categories",
    "item_mappings",
)

log = logging.getLogger(__name__)


def _warm_in_child(spec: StoreSpec, names: str = "WARM") -> bool:
    """Build a persisted store's projections into its on-disk cache in a child process; True if it did.

    The LATER ones (minutes of embedding on both cores after a first start) run at a lower priority, so
    that clicks, the endpoint's start and its queries are not slowed by them.
    """
    nice = f"import os; os.nice({LATER_NICE}); " if names == "LATER" else ""
    return run_in_child(
        f"import sys; {nice}from graph.workspace import _build_cache, {names}; _build_cache(sys.stdin.buffer, {names})",
        spec,
    )


def _write_store_in_child(spec: StoreSpec) -> bool:
    """Write a persisted store to disk in a child process (at a lower priority than the projections'
    child, which the first clicks wait for); True if it did."""
    return run_in_child(
        "import os, pickle, sys; os.nice(5); from graph.stores import open_store; "
        "open_store(pickle.load(sys.stdin.buffer)).close()",
        spec,
    )


def _build_cache(spec_pickle: BinaryIO, names: tuple[str, ...] = WARM) -> None:
    """The child's work: open the store (read-only; or in memory while another child writes it to disk)
    and build (so cache) the projections warm() needs."""
    ws = Workspace.open(pickle.load(spec_pickle), memory_first=True, in_memory=True)
    for name in names:
        getattr(ws, name)


def settle() -> None:
    """Once the projections are in memory (millions of objects that live as long as the app), keep the
    cycle collector off them (gc.freeze): a full collection walked them all, a pause of a few hundred ms
    on whichever click happened to trigger it (a focus at depth 2 on ESCO, profiled three times in a
    process holding every projection: 4.5 s of which 0.9 s in collections inside one small function,
    2.7 s frozen)."""
    import gc

    gc.freeze()


def kind_name(kind: str) -> str:
    """A kind IRI as words: akg:CosmeticProcedure -> "cosmetic procedure".

    >>> kind_name("https://w3id.org/aesthetics-kg/ontology#CosmeticProcedure")
    'cosmetic procedure'
    """
    local = kind.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or "entity"
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower()


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


class Workspace:
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

    def precompute(self) -> None:
        """Answer the whole-store aggregates once, beside a persisted store.

        Run on the first open of a new store (or after a query file changed), before any page is
        served: afterwards the app's first page never waits for a scan of the store. The name index
        (6 s on ESCO + O*NET) is the warm-up's first projection, built in the seconds after serving.
        """
        log.info("precomputing beside the store (%s): aggregates, filter options", self.cache_dir)
        start = time.perf_counter()
        for i, name in enumerate(PRECOMPUTED, 1):
            t = time.perf_counter()
            self.run(name)
            log.info("  [%d/%d] %s: %.2f s", i, len(PRECOMPUTED), name, time.perf_counter() - t)
        t = time.perf_counter()  # the role pickers' options; the page's other filters are small classes,
        self.run("filter_options", {"class": AKG.Role})  # answered (and kept) as the page is laid out
        log.info("  filter options of roles: %.2f s", time.perf_counter() - t)
        assert self.cache_dir is not None
        (self.cache_dir / "precomputed").write_text(
            f"{time.perf_counter() - start:.1f} s\n", encoding="utf-8"
        )
        for old in self.cache_dir.parent.iterdir():  # derived by query files that have changed since
            if old.is_dir() and old != self.cache_dir and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
                log.info("  removed projections of older query files (%s)", old.name)
        log.info("precomputed in %.1f s", time.perf_counter() - start)

    def to_memory(self) -> threading.Thread | None:
        """Load a big persisted store's copy in memory in the background and answer from it once loaded
        (a warm start serves from disk at once; ESCO + O*NET in memory: 4 s of CPU, 0.4 GB; a focus at
        depth 2 then takes 0.3 s instead of 1.1 s of CPU, a path 40 ms instead of 290). None: nothing to do."""
        if self.store_pending or self.spec is None or self.cache_dir is None:
            return None
        from graph.stores import oxigraph

        if oxigraph.data_bytes(self.spec.sources()) < oxigraph.MEMORY_FIRST_BYTES:
            return None

        def load() -> None:
            t = time.perf_counter()
            try:
                memory = oxigraph.memory_oxigraph(self.spec.sources())
            except Exception:  # the disk store answers as before
                log.exception("could not load the store's copy in memory")
                return
            self.store = memory  # queries already running finish on the disk store
            log.info("answering from the store's copy in memory (loaded in %.1f s)", time.perf_counter() - t)

        thread = threading.Thread(target=load, name="akg-memory", daemon=True)
        thread.start()
        return thread

    def load_answers(self) -> int:
        """Read every stored aggregate back now (the app, before serving: then each answers in
        microseconds, where the first read of the 4,035 role options alone takes 20-110 ms); how many."""
        self._answers.update(self.cache.answers(skip=set(self._answers)))  # type: ignore[arg-type]
        return len(self._answers)

    def prepare_search(self) -> int:
        """Read the name index back now, so the first search costs what any other does (tens of ms,
        not the seconds of a SPARQL scan or of reading the index on the first keystroke); its size."""
        return len(self.index.entries)

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

    def warm_now(self) -> None:
        """Build every projection a click may need, here and now (a small store: well under a second)."""
        for name in WARM:
            getattr(self, name)
        searchable(self.index)

    def warm(
        self,
        indexed: Callable[[], object] | None = None,
        *,
        later: bool = True,
        warmed: Callable[[], object] | None = None,
    ) -> threading.Thread:
        """Build the big projections off the first page's path, so that stopping the app is always safe.

        A persisted store's projections are built by a child process that writes them beside the
        store; this thread only waits for it and reads the files back. No thread of the app is then
        inside Oxigraph when the interpreter shuts down (that crashed the worker with SIGSEGV or
        SIGABRT), and the child is simply terminated if the app stops first. The name index comes
        first: it is read back as soon as the child has written it, then `indexed` runs (the app's
        labels), while the child goes on with the rest. `later=False` stops before the LATER ones;
        `warmed` runs once the WARM ones are ready (the app starts the endpoint's workers then).
        """
        self._warming.set()

        pending = self.store_pending  # this process holds the store in memory; the child loads its own

        def read_index() -> None:
            if pending:  # built here at once (2-5 s of CPU on ESCO + O*NET), not after the child's load
                self.__dict__["index"] = self._index()
            if self.wait_for("index"):
                searchable(self.index)  # the search's lower-cased names, before the first keystroke
                if indexed is not None:
                    indexed()
            if pending:  # this process's share, while the child builds the rest from its own copy
                for name in PARENT_PART:
                    getattr(self, name)

        def build() -> None:
            start = time.perf_counter()
            child = self.cache_dir is not None and self.spec is not None
            reader = threading.Thread(target=read_index, name="akg-warm-index", daemon=True)
            if child:
                reader.start()
            if child and self.store_pending:  # written beside the projections' child, which loads its own
                threading.Thread(  # copy in memory (4 s) rather than wait for the disk (10-20 s)
                    target=_write_store_in_child, args=(self.spec,), name="akg-store-writer", daemon=True
                ).start()
            try:
                for names, group in ((WARM, "WARM"), (LATER, "LATER"))[: 2 if later else 1]:
                    if pending and names is WARM:
                        group = "CHILD_PART"  # read_index builds PARENT_PART here, meanwhile
                    if child and not _warm_in_child(self.spec, group):
                        return  # the child failed: leave the projections to be built on demand
                    if names is WARM:
                        if child:
                            reader.join()
                        self._warming.clear()  # everything is built or on disk now
                    for name in names:
                        getattr(self, name)
                    if names is WARM:
                        if not child:
                            read_index()
                        settle()
                        log.info(
                            "projections ready (%s), %.1f s after serving",
                            ", ".join(WARM),
                            time.perf_counter() - start,
                        )
                        if warmed is not None:
                            warmed()
            finally:
                self._warming.clear()
            log.info("%s: every projection ready, %.1f s after serving", WARMED, time.perf_counter() - start)

        t = threading.Thread(target=build, name="akg-warm", daemon=True)
        t.start()
        return t

    def wait_for(self, name: str, timeout: float = 900.0) -> bool:
        """Whether a projection can be had without building it, waiting while the warm-up's child may
        still write it: a click before then waits (its busy sign shows) instead of building it twice."""
        deadline = time.monotonic() + timeout
        while not self.available(name):
            if not self._warming.is_set() or time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

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
