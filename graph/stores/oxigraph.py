"""Oxigraph through pyoxigraph: the default store, in memory for the curated graph, on disk with --data."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import re
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox
from rdflib.term import Node

from graph.errors import QueryError, StoreError
from graph.load import MAX_LITERAL_CHARS, literal_too_long, named_sources, source, syntax_error, to_rdflib
from graph.sparql_text import has_dataset_clause, query_form, substitute, with_values
from graph.stores import BASE_IRI, Binding, QueryDataset, Result, Store, disk, in_query_order, split_bindings
from graph.stores.ordering import total_order

_LAYOUT = "named-graphs-1"  # how files map to graphs: part of each persisted store's name
MEMORY_FIRST_BYTES = 16 * 1024**2  # files this big: a first start serves from memory (memory_first)
WAIT_FOR_BUILD_S = 600.0  # how long a process waits for another one to write the store it needs

log = logging.getLogger(__name__)

_OX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


@dataclass
class Native:
    """An answer in Oxigraph's terms: rows (None when unbound) for SELECT, a boolean, or triples."""

    form: str
    vars: tuple[str, ...] = ()
    rows: list[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False

    def capped(self, limit: int | None) -> Native:
        """At most `limit` rows or triples, marked truncated when more were there."""
        if limit is not None and max(len(self.rows), len(self.triples)) > limit:
            self.rows, self.triples, self.truncated = self.rows[:limit], self.triples[:limit], True
        return self


class OxigraphStore(Store):
    """Oxigraph through pyoxigraph: 10-100x faster than rdflib; persisted on disk for big graphs."""

    kind = "oxigraph"

    def __init__(self, store: ox.Store, *, hold: disk.Hold | None = None):
        self.store = store
        self._hold = hold  # a persisted store's lock, so no prune removes it while it is open

    def close(self) -> None:
        if self._hold is not None:
            self._hold.close()

    def _run(
        self, text: str, scalars: dict[str, Node], limit: int | None, dataset: QueryDataset | None
    ) -> Result:
        answer = self.native(substitute(text, scalars), limit=limit, dataset=dataset)
        if answer.form == "ASK":
            return Result("ASK", boolean=answer.boolean)
        term = _converter()
        if answer.form == "SELECT":
            rows = tuple(tuple(term(t) for t in row) for row in answer.rows)
            return Result("SELECT", answer.vars, rows, truncated=answer.truncated)
        triples = tuple((term(t.subject), term(t.predicate), term(t.object)) for t in answer.triples)
        return Result(answer.form, triples=triples, truncated=answer.truncated)

    def native(self, text: str, *, limit: int | None = None, dataset: QueryDataset | None = None) -> Native:
        """A query's answer in Oxigraph's own terms (at most `limit` rows or triples, `truncated` if more):
        what the sandbox's workers write straight to the client, with no rdflib term made."""
        # Oxigraph's own substitutions only reach projected variables, so values are bound by SEP-0007
        # substitution of serialised terms before this, as for remote endpoints.
        cap = None if limit is None else limit + 1
        try:
            res = self._query(text, dataset)
            if isinstance(res, ox.QueryBoolean):
                return Native("ASK", boolean=bool(res))
            if isinstance(res, ox.QuerySolutions):
                names = tuple(v.value for v in res.variables)
                rows = [tuple(s) for s in itertools.islice(res, cap)]  # a solution's values, None if unbound
                return Native("SELECT", names, rows).capped(limit)
            triples = list(itertools.islice(res, cap))
        except SyntaxError as exc:
            m = _OX_ERROR.match(str(exc.msg or exc))
            if m:
                raise QueryError(f"syntax error: {m.group(3)}", int(m.group(1)), int(m.group(2))) from None
            raise QueryError(f"syntax error: {exc}") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from None
        form = "DESCRIBE" if query_form(text) == "DESCRIBE" else "CONSTRUCT"
        return Native(form, triples=triples).capped(limit)

    def _query(
        self, text: str, dataset: QueryDataset | None
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query with ORDER BY keys Oxigraph can sort (graph.stores.ordering); a syntax error is
        reported from the text as written, so its line and column are the user's."""
        ordered = total_order(text)
        try:
            return self.store.query(ordered, base_iri=BASE_IRI, **_dataset_args(text, dataset))
        except SyntaxError:
            if ordered == text:
                raise
            return self.store.query(text, base_iri=BASE_IRI, **_dataset_args(text, dataset))

    def string_table(
        self, text: str, *, bindings: Mapping[str, Binding | None] | None = None
    ) -> tuple[tuple[str, ...], list[tuple]]:
        scalars, lists = split_bindings(bindings or {})
        text = with_values(text, lists, at_end=self.values_at_end)
        res = self._query(substitute(text, scalars), None)
        if not isinstance(res, ox.QuerySolutions):
            raise QueryError("only a SELECT query has rows of values")
        names = tuple(v.value for v in res.variables)
        width = range(len(names))
        rows = tuple(tuple(None if (t := s[i]) is None else t.value for i in width) for s in res)
        ordered = in_query_order(text, Result("SELECT", names, rows))
        return ordered.vars, list(ordered.rows)

    def triple_count(self) -> int:
        return len(self.store)


def _dataset_args(text: str, dataset: QueryDataset | None) -> dict[str, object]:
    """The protocol's dataset if given, else the query's FROM clauses, else the union of every graph."""
    if dataset is not None:
        return {
            "default_graph": [ox.NamedNode(g) for g in dataset.default],
            "named_graphs": [ox.NamedNode(g) for g in dataset.named],
        }
    return {} if has_dataset_clause(text) else {"use_default_graph_as_union": True}


def _converter() -> Callable[[ox.NamedNode | ox.BlankNode | ox.Literal | None], Node | None]:
    """to_rdflib, remembered for one result: a big answer repeats few terms (217k role links, 120k terms).

    Building an rdflib term costs microseconds (a Literal parses its value); a dictionary hit on the
    Oxigraph term costs a fraction of that, which halves the time to read a large result.
    """
    seen: dict[object, Node | None] = {None: None}

    def term(t: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
        hit = seen.get(t, _MISSING)
        if hit is _MISSING:
            hit = seen[t] = to_rdflib(t)
        return hit  # type: ignore[return-value]

    return term


_MISSING = object()


def build_oxigraph(
    paths: Sequence[str | Path], directory: Path | None = None, *, progress: TextIO | None = None
) -> ox.Store:
    """Load files into a new Oxigraph store (in memory, or in `directory`), each file in its own graph.

    Nothing is kept on error. With `progress` (a stream), each file's bytes read so far show as a
    tqdm bar: a cold build of ESCO and O*NET takes seconds to tens of seconds, and silence looks like a hang.
    """
    checked = named_sources(paths)
    if directory:
        directory.parent.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(directory)) if directory else ox.Store()
    try:
        for i, (path, fmt, name) in enumerate(checked, 1):
            if directory:
                log.info(
                    "  loading %s (%d/%d, %.0f MB)", path.name, i, len(checked), path.stat().st_size / 1e6
                )
            try:
                _bulk_load(store, path, fmt, ox.NamedNode(name), progress)
            except SyntaxError as exc:
                raise syntax_error(path, exc) from None
            long = None if _lines_fit(path, fmt) else _long_literal(store, name)
            if long:
                raise literal_too_long(path, *long)
        store.flush()
    except BaseException as exc:
        # the frames of the error (and of the parse error it replaced) still hold the store: while they
        # do, RocksDB stays open and writes files again after the directory is removed
        for e in (exc, exc.__context__):
            if e is not None:
                traceback.clear_frames(e.__traceback__)
        del store
        if directory:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return store


def _bulk_load(
    store: ox.Store, path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode, progress: TextIO | None
) -> None:
    """Oxigraph reads the file itself (through a Python file object it took 20 % longer: 2-3 s of ESCO
    + O*NET's cold start); a progress bar follows its read position, from /proc where there is one."""
    if progress is None:
        store.bulk_load(**source(path), format=fmt, to_graph=graph)
        return
    from graph.progress import bar as progress_bar

    size = path.stat().st_size
    done = threading.Event()
    with progress_bar(
        total=size, unit="B", unit_scale=True, desc=f"building store: {path.name}", file=progress
    ) as bar:

        def follow() -> None:
            while not done.wait(0.5):
                read = _read_position(path)
                if read is not None and read > bar.n:
                    bar.update(read - bar.n)

        watcher = threading.Thread(target=follow, name="akg-load-progress", daemon=True)
        watcher.start()  # bulk_load lets go of the GIL while it parses
        try:
            store.bulk_load(**source(path), format=fmt, to_graph=graph)
        finally:
            done.set()
            watcher.join()
        bar.update(size - bar.n)


def _read_position(path: Path) -> int | None:
    """How far this process has read into `path` (Linux: the offset of the descriptor open on it)."""
    target = str(path.resolve())
    with contextlib.suppress(OSError):
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/self/fd/{fd}") == target:
                    with open(f"/proc/self/fdinfo/{fd}", encoding="ascii") as info:
                        for line in info:
                            if line.startswith("pos:"):
                                return int(line.split()[1])
    return None


_LONG_LITERAL = f"""SELECT ?s ?p ?o WHERE {{
  GRAPH $graph {{ ?s ?p ?o }}
  FILTER(isLiteral(?o) && STRLEN(STR(?o)) > {MAX_LITERAL_CHARS})
}} LIMIT 1"""
_ONE_STATEMENT_A_LINE = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)


def _long_literal(store: ox.Store, graph: str) -> tuple[str, str, str] | None:
    """Subject, predicate and value of a literal over the limit in the graph just loaded, if any
    (no reference kept); only that graph: the files before it were checked when they were loaded."""
    query = _LONG_LITERAL.replace("$graph", str(ox.NamedNode(graph)))
    rows = [(str(s), str(p), o.value) for s, p, o in store.query(query)]
    return rows[0] if rows else None


def _lines_fit(path: Path, fmt: ox.RdfFormat, chunk: int = 1 << 23) -> bool:
    """Whether an N-Triples or N-Quads file cannot hold a literal over the limit: each statement is
    one line and a character takes at least one byte, so no line longer than the limit means no such
    literal (a read of the file, 0.2 s for ESCO's 76 MB, instead of a scan of every literal in the store)."""
    if fmt not in _ONE_STATEMENT_A_LINE:
        return False
    run = 0  # bytes since the last newline
    with path.open("rb") as f:
        while block := f.read(chunk):
            first, last = block.find(b"\n"), block.rfind(b"\n")
            if first < 0:
                run += len(block)
            else:
                longest = max(map(len, block[first + 1 : last].split(b"\n"))) if last > first else 0
                run, longest = len(block) - last - 1, max(longest, run + first)
                if longest > MAX_LITERAL_CHARS:
                    return False
            if run > MAX_LITERAL_CHARS:
                return False
    return True


def fingerprint(paths: Sequence[str | Path], root: Path | None = None) -> str:
    """The name of the persisted store built from these files: their content and graph names.

    Re-importing identical data gives the same name (so the same store); hashes are remembered
    under `root` by size, mtime and inode, so only a changed file is read (see graph/stores/disk.py).
    """
    return disk.fingerprint([(p, g) for p, _, g in named_sources(paths)], _LAYOUT, root)


def built(paths: Sequence[str | Path], root: Path) -> bool:
    """Whether the on-disk store of these exact contents exists already (a warm start)."""
    return (root / fingerprint(paths, root)).is_dir()


def data_bytes(paths: Sequence[str | Path]) -> int:
    """How big the files a store is built from are."""
    return sum(Path(p).stat().st_size for p, _, _ in named_sources(paths))


def memory_first(paths: Sequence[str | Path], root: Path) -> bool:
    """Whether a first start should serve from memory while the on-disk store is written: big files
    (ESCO + O*NET load in memory in 4 s of CPU; on disk in 9 s, and longer in wall time as RocksDB
    writes its six indexes) whose store is not built yet."""
    return data_bytes(paths) >= MEMORY_FIRST_BYTES and not built(paths, root)


def persisted_oxigraph(paths: Sequence[str | Path], root: Path, *, written_by: int = 0) -> OxigraphStore:
    """Open the on-disk store built from these exact contents, building it atomically if it is missing
    (`written_by`: the process that is writing it; wait until it is there, while that process lives).

    The store is held (a shared lock) while open; after a build, stores nobody can open again
    (their sources changed or are gone) and nobody holds are removed.
    """
    sources = [(p, g) for p, _, g in named_sources(paths)]
    name = disk.fingerprint(sources, _LAYOUT, root)
    final = root / name
    deadline = time.monotonic() + WAIT_FOR_BUILD_S
    while written_by and not final.is_dir():
        if not disk.process_alive(written_by):
            raise StoreError("the process writing the store to disk has stopped")
        if time.monotonic() >= deadline:
            raise StoreError(f"the store is still being written to disk after {WAIT_FOR_BUILD_S:.0f} s")
        time.sleep(0.2)
    sweep_leftovers(root)
    hold = disk.Hold(root / f"{name}.lock")
    if not final.is_dir():
        log.info("building store %s from %d files", name, len(sources))
        tmp = root / f".tmp-{os.getpid()}-{threading.get_ident()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            store = build_oxigraph(paths, tmp, progress=sys.stderr)
        except BaseException:
            hold.close()
            (root / f"{name}.lock").unlink(missing_ok=True)
            raise
        del store
        try:
            os.rename(tmp, final)
        except OSError:  # another process finished first; its store is the same
            shutil.rmtree(tmp, ignore_errors=True)
        disk.write_manifest(root, name, sources, _LAYOUT)
        disk.prune(root, _LAYOUT, keep=[name])
    elif not (root / f"{name}.json").is_file():
        disk.write_manifest(root, name, sources, _LAYOUT)
    disk.remember_hashes(root)
    return OxigraphStore(ox.Store.read_only(str(final)), hold=hold)


def prune_stores(root: Path, *, everything: bool = False) -> list[disk.Removed]:
    """Remove persisted stores nobody can open again (or every one with `everything`) that no process holds."""
    return disk.prune(root, _LAYOUT, everything=everything)


def sweep_leftovers(root: Path) -> list[Path]:
    """Remove the half-built `.tmp-<pid>-<thread>` stores of builds whose process is gone (killed mid-build)."""
    swept = []
    for tmp in root.glob(".tmp-*") if root.is_dir() else ():
        pid = tmp.name.split("-")[1]
        if pid.isdigit() and not disk.process_alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)
            swept.append(tmp)
    return swept


def memory_oxigraph(paths: Sequence[str | Path]) -> OxigraphStore:
    """An Oxigraph store in memory, for tests and one-off runs that need no persistence."""
    return OxigraphStore(build_oxigraph(paths))
