"""Getting a workspace ready: aggregates precomputed, projections built in a child, a copy loaded in memory."""

from __future__ import annotations

import logging
import pickle
import shutil
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO

from graph.child import run_in_child
from graph.resolve import searchable
from graph.stores import StoreSpec
from graph.terms import AKG

if TYPE_CHECKING:
    from graph.workspace import Workspace

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
#: what a persisted store's first open precomputes, in order (then filter_options of roles and the name index)
PRECOMPUTED = (
    "count_entities",
    "kinds_present",
    "counts_by_class",
    "class_hierarchy",
    "link_categories",
    "item_mappings",
)

log = logging.getLogger("graph.workspace")  # the warm-up's log lines name the workspace, as they always have


def _warm_in_child(spec: StoreSpec, names: str = "WARM") -> bool:
    """Build a persisted store's projections into its on-disk cache in a child process; True if it did.

    The LATER ones (minutes of embedding on both cores after a first start) run at a lower priority, so
    that clicks, the endpoint's start and its queries are not slowed by them.
    """
    nice = f"import os; os.nice({LATER_NICE}); " if names == "LATER" else ""
    return run_in_child(
        f"import sys; {nice}from graph.warmup import _build_cache, {names}; _build_cache(sys.stdin.buffer, {names})",
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
    from graph.workspace import Workspace

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


class Warmup:
    """Workspace's methods that prepare it off the first page's path (Workspace inherits them)."""

    def precompute(self: Workspace) -> None:
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

    def to_memory(self: Workspace) -> threading.Thread | None:
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

    def load_answers(self: Workspace) -> int:
        """Read every stored aggregate back now (the app, before serving: then each answers in
        microseconds, where the first read of the 4,035 role options alone takes 20-110 ms); how many."""
        self._answers.update(self.cache.answers(skip=set(self._answers)))  # type: ignore[arg-type]
        return len(self._answers)

    def prepare_search(self: Workspace) -> int:
        """Read the name index back now, so the first search costs what any other does (tens of ms,
        not the seconds of a SPARQL scan or of reading the index on the first keystroke); its size."""
        return len(self.index.entries)

    def warm_now(self: Workspace) -> None:
        """Build every projection a click may need, here and now (a small store: well under a second)."""
        for name in WARM:
            getattr(self, name)
        searchable(self.index)

    def warm(
        self: Workspace,
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

    def wait_for(self: Workspace, name: str, timeout: float = 900.0) -> bool:
        """Whether a projection can be had without building it, waiting while the warm-up's child may
        still write it: a click before then waits (its busy sign shows) instead of building it twice."""
        deadline = time.monotonic() + timeout
        while not self.available(name):
            if not self._warming.is_set() or time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True
