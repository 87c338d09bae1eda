"""Stores behind one interface: rdflib in memory, Oxigraph (persisted on disk), or a remote endpoint.

Every store answers `query(text, *, bindings=..., limit=...)` with the same `Result`, so the
catalogue, the analytics, the app and the endpoint never know which engine is underneath. Each
engine lives in its own module and is imported only when a store of that kind is opened.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Literal as Form

from rdflib.term import Node

from graph.errors import StoreError
from graph.load import sources
from graph.paths import VAR
from graph.sparql_text import Binding, split_bindings, star_order, with_values

if TYPE_CHECKING:
    from rdflib import Graph

Triple = tuple[Node, Node, Node]

__all__ = ["BASE_IRI", "Binding", "QueryDataset", "Result", "Store", "StoreSpec", "Triple", "open_store"]

# Relative IRIs in queries resolve against the curated resource namespace (a query's own BASE wins):
# `CONSTRUCT { <s> <p> 1 } WHERE {}` makes akgr:s akgr:p 1, the same on every store and every path.
BASE_IRI = "https://w3id.org/aesthetics-kg/resource/"


@dataclass(frozen=True)
class QueryDataset:
    """The graphs a query runs on, as the protocol's default-graph-uri and named-graph-uri name them.

    Given, it replaces the query's own FROM and FROM NAMED (SPARQL 1.1 Protocol, 2.1.4): the default
    graph is the merge of `default` (empty when none is named) and GRAPH reaches only `named`.
    A graph the store does not hold is an empty graph: nothing is ever fetched.
    """

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    """The answer to any query on any store: rows for SELECT, a boolean for ASK, triples otherwise."""

    form: Form["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
    vars: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[Triple, ...] = ()
    truncated: bool = False

    def dicts(self) -> list[dict[str, Node | None]]:
        """Rows as dictionaries keyed by variable name."""
        return [dict(zip(self.vars, row, strict=True)) for row in self.rows]

    def graph(self) -> Graph:
        """CONSTRUCT or DESCRIBE triples as a new rdflib graph."""
        from rdflib import Graph

        kg = Graph()
        for t in self.triples:
            kg.add(t)
        return kg

    def capped(self, limit: int | None) -> Result:
        """At most `limit` rows or triples, marked truncated when more were there."""
        if limit is None:
            return self
        if len(self.rows) > limit:
            return replace(self, rows=self.rows[:limit], truncated=True)
        if len(self.triples) > limit:
            return replace(self, triples=self.triples[:limit], truncated=True)
        return self


def in_query_order(text: str, result: Result) -> Result:
    """A `SELECT *` answer with its columns in the query's own order, the same on every store."""
    order = star_order(text) if result.form == "SELECT" else None
    if not order:
        return result
    rank = {name: i for i, name in enumerate(order)}
    columns = sorted(range(len(result.vars)), key=lambda i: (rank.get(result.vars[i], len(rank)), i))
    if columns == list(range(len(result.vars))):
        return result
    return replace(
        result,
        vars=tuple(result.vars[i] for i in columns),
        rows=tuple(tuple(row[i] for i in columns) for row in result.rows),
    )


class Store(ABC):
    """What every store offers: run a query with bound values; count its triples."""

    kind: str = "abstract"
    values_at_end: bool = False  # where list values go in the WHERE group (see with_values)

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, Binding | None] | None = None,
        limit: int | None = None,
        dataset: QueryDataset | None = None,
    ) -> Result:
        """Run a query; single values are bound natively, lists through a VALUES block.

        With a `limit`, at most that many rows or triples are read from the engine, and the result
        says whether there were more (`truncated`). The default graph is the union of every graph
        unless the query's FROM / FROM NAMED or a `dataset` chooses graphs.
        """
        scalars, lists = split_bindings(bindings or {})
        result = self._run(with_values(text, lists, at_end=self.values_at_end), scalars, limit, dataset)
        return in_query_order(text, result)

    def strings(self, text: str, *, bindings: Mapping[str, Binding | None] | None = None) -> list[tuple]:
        """A SELECT's rows as lexical forms (str, or None when unbound): for projections that only read
        text (the name index), where building an rdflib term for each of 250k values costs seconds."""
        return self.string_table(text, bindings=bindings)[1]

    def string_table(
        self, text: str, *, bindings: Mapping[str, Binding | None] | None = None
    ) -> tuple[tuple[str, ...], list[tuple]]:
        """strings() with the variables' names, in the order of each row's values."""
        result = self.query(text, bindings=bindings)
        return result.vars, [tuple(None if t is None else str(t) for t in row) for row in result.rows]

    @abstractmethod
    def _run(
        self, text: str, scalars: dict[str, Node], limit: int | None, dataset: QueryDataset | None
    ) -> Result:
        """Run query text with single values bound on the dataset chosen: each engine's own way."""

    def triple_count(self) -> int:
        """How many triples the store holds."""
        (row,) = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        return int(row[0])

    def close(self) -> None:  # noqa: B027 - most stores hold nothing to release
        """Release what the store holds open."""


@dataclass(frozen=True)
class StoreSpec:
    """What to open: a kind, the extra data files, and for remote stores the URL. Picklable."""

    kind: str = "oxigraph"
    data: tuple[Path, ...] = ()
    url: str | None = None
    root: Path = field(default_factory=lambda: Path(os.environ.get("AKG_VAR", VAR)) / "stores")
    #: the process whose warm-up writes this persisted store (the app, serving from memory meanwhile), or
    #: 0: wait for it to appear, as long as that process lives, instead of building it a second time
    written_by: int = 0

    @classmethod
    def parse(cls, value: str = "oxigraph", data: Sequence[str | Path] = ()) -> StoreSpec:
        """Read a --store value: memory, oxigraph, or an http(s) endpoint URL."""
        files = tuple(Path(d) for d in data)
        if value == "memory" or value == "oxigraph":
            return cls(value, files)
        if value.startswith(("http://", "https://")):
            if files:
                raise StoreError(
                    "--data cannot be used with a remote --store: load the files into the endpoint"
                )
            return cls("remote", (), value)
        raise StoreError(f"unknown --store {value!r}: expected memory, oxigraph or an http(s) endpoint URL")

    def sources(self) -> list[Path]:
        """The files this store is built from."""
        return sources(self.data)

    def fingerprint(self) -> str | None:
        """What the data is (a hash of every source file's content and graph name), or None when the
        store may change underneath (a remote endpoint): caches of answers are keyed by it."""
        if self.kind not in ("memory", "oxigraph"):
            return None
        from graph.stores.oxigraph import fingerprint

        return f"{self.kind}:{fingerprint(self.sources(), self.root)}"


def open_store(spec: StoreSpec | None = None) -> Store:
    """Open the store a spec names: Oxigraph by default (on disk when --data adds files), rdflib, or a remote endpoint."""
    spec = spec or StoreSpec()
    if spec.kind == "memory":
        from graph.load import load_dataset
        from graph.stores.memory import MemoryStore

        return MemoryStore(load_dataset(spec.sources()))
    if spec.kind == "oxigraph":
        from graph.stores.oxigraph import memory_oxigraph, persisted_oxigraph

        if not spec.data:
            return memory_oxigraph(spec.sources())  # the curated graph alone loads in ~40 ms
        return persisted_oxigraph(spec.sources(), spec.root, written_by=spec.written_by)
    if spec.kind == "remote" and spec.url:
        from graph.stores.remote import RemoteStore

        return RemoteStore(spec.url)
    raise StoreError(f"cannot open store {spec!r}")
