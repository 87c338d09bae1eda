"""Open a store behind one interface: rdflib in memory, Oxigraph (persisted on disk), or a remote endpoint.

Every store answers `query(text, bindings=...)` with the same `Result`, so the catalogue, the
analytics, the app and the endpoint never know which engine is underneath.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal as Form

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from graph.errors import QueryError, StoreError
from graph.load import check_sources, load_rdflib, sources, syntax_error, to_rdflib
from graph.paths import VAR

# rdflib must never fetch the graphs a query's FROM names (defence in depth; the sandbox refuses FROM).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

Binding = Node | Sequence[Node]
Triple = tuple[Node, Node, Node]


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
        kg = Graph()
        for t in self.triples:
            kg.add(t)
        return kg


class Store(ABC):
    """What every store offers: run a query with bound values; count its triples."""

    kind: str = "abstract"
    values_at_end: bool = False  # where list values go in the WHERE group (see with_values)

    def query(self, text: str, *, bindings: Mapping[str, Binding] | None = None) -> Result:
        """Run a query; single values are bound natively, lists through a VALUES block."""
        scalars, lists = _split_bindings(bindings or {})
        return self._run(with_values(text, lists, at_end=self.values_at_end), scalars)

    @abstractmethod
    def _run(self, text: str, scalars: dict[str, Node]) -> Result:
        """Run query text with single values bound: each engine's own way."""

    def triple_count(self) -> int:
        """How many triples the store holds."""
        (row,) = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        return int(row[0])

    def close(self) -> None:  # noqa: B027 - most stores hold nothing to release
        """Release what the store holds open."""


def _split_bindings(bindings: Mapping[str, Binding]) -> tuple[dict[str, Node], dict[str, list[Node]]]:
    scalars: dict[str, Node] = {}
    lists: dict[str, list[Node]] = {}
    for name, value in bindings.items():
        if value is None:
            continue
        if isinstance(value, Node):
            scalars[name] = value
        else:
            lists[name] = list(value)
    return scalars, lists


def with_values(text: str, lists: Mapping[str, Sequence[Node]], *, at_end: bool = False) -> str:
    """Bind lists by VALUES blocks in the outer WHERE group; an empty list leaves the variable free.

    At the top by default: Oxigraph then joins the values first (neighbours of two nodes on the
    combined graph: 22 ms at the top, 3.5 s at the end). At the end for remote stores: Virtuoso 7.2.5
    ignores a leading VALUES block whose variables are bound only inside nested groups.
    """
    blocks = "".join(
        f"  VALUES ?{name} {{ {' '.join(term.n3() for term in terms)} }}\n"
        for name, terms in lists.items()
        if terms
    )
    if not blocks:
        return text
    chunks = _lex(text)
    depth, opened = 0, False
    for n, (kind, chunk) in enumerate(chunks):
        if kind != "code":
            continue
        pos = 0
        if not opened:
            m = _WHERE.search(chunk)
            if not m:
                continue
            pos = m.end()
        for i in range(pos, len(chunk)):
            if chunk[i] == "{":
                if not opened and not at_end:
                    chunks[n] = (kind, chunk[: i + 1] + "\n" + blocks + chunk[i + 1 :])
                    return "".join(c for _, c in chunks)
                depth, opened = depth + 1, True
            elif chunk[i] == "}" and opened:
                depth -= 1
                if depth == 0:
                    chunks[n] = (kind, chunk[:i] + blocks + chunk[i:])
                    return "".join(c for _, c in chunks)
    raise QueryError("a query with list parameters needs a WHERE { ... } group to bind them in")


_WHERE = re.compile(r"\bWHERE\b", re.I)


# ---------------------------------------------------------------- rdflib in memory

_PARSE_LOCK = threading.Lock()


@lru_cache(maxsize=512)
def prepare(text: str) -> Query:
    """Parse and translate a query once; rdflib's parser is not thread-safe, so one at a time."""
    with _PARSE_LOCK:
        try:
            return prepareQuery(text)
        except ParseException as exc:
            raise QueryError(f"syntax error: {exc.msg}", exc.lineno, exc.col) from None
        except Exception as exc:  # rdflib raises bare Exceptions for some malformed queries
            raise QueryError(f"malformed query: {exc}") from None


class MemoryStore(Store):
    """rdflib's in-memory graph: the default for the curated graph (fast enough, no files)."""

    kind = "memory"

    def __init__(self, kg: Graph):
        self.kg = kg

    def query(self, text: str, *, bindings: Mapping[str, Binding] | None = None) -> Result:
        """As Store.query; a CONSTRUCT with few list values runs once per combination through initBindings.

        rdflib evaluates a VALUES block apart from the patterns it feeds (nested-loop joins), which makes
        a seeded CONSTRUCT take minutes; bound one combination at a time it takes milliseconds, and the
        union of the triples is exactly the CONSTRUCT over the VALUES join.
        """
        scalars, lists = _split_bindings(bindings or {})
        lists = {k: v for k, v in lists.items() if v}
        combos = math.prod(len(v) for v in lists.values()) if lists else 0
        if not lists or combos > 256 or query_form(text) not in ("CONSTRUCT", "DESCRIBE"):
            return self._run(with_values(text, lists), scalars)
        triples: dict[Triple, None] = {}
        for values in itertools.product(*lists.values()):
            res = self._run(text, {**scalars, **dict(zip(lists, values, strict=True))})
            triples.update(dict.fromkeys(res.triples))
        return Result(res.form, triples=tuple(triples))

    def _run(self, text: str, scalars: dict[str, Node]) -> Result:
        prepared = prepare(text)
        try:
            res = self.kg.query(prepared, initBindings=scalars)
            if res.type == "SELECT":
                names = tuple(str(v) for v in res.vars)
                return Result("SELECT", names, tuple(tuple(r) for r in res))
            if res.type == "ASK":
                return Result("ASK", boolean=bool(res.askAnswer))
            return Result(res.type, triples=tuple(res.graph))
        except QueryError:
            raise
        except Exception as exc:
            raise QueryError(f"query failed: {exc}") from None

    def triple_count(self) -> int:
        return len(self.kg)


# ---------------------------------------------------------------- Oxigraph


_OX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


class OxigraphStore(Store):
    """Oxigraph through pyoxigraph: 10-100x faster than rdflib; persisted on disk for big graphs."""

    kind = "oxigraph"

    def __init__(self, store: ox.Store):
        self.store = store

    def _run(self, text: str, scalars: dict[str, Node]) -> Result:
        # Oxigraph's own substitutions only reach projected variables, so bind by SEP-0007 substitution
        # of serialised terms, as for remote endpoints; parsing costs Oxigraph well under a millisecond.
        try:
            res = self.store.query(substitute(text, scalars))
        except SyntaxError as exc:
            m = _OX_ERROR.match(str(exc.msg or exc))
            if m:
                raise QueryError(f"syntax error: {m.group(3)}", int(m.group(1)), int(m.group(2))) from None
            raise QueryError(f"syntax error: {exc}") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from None
        if isinstance(res, ox.QueryBoolean):
            return Result("ASK", boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            names = tuple(v.value for v in res.variables)
            rows = tuple(tuple(to_rdflib(sol[i]) for i in range(len(names))) for sol in res)
            return Result("SELECT", names, rows)
        form = "DESCRIBE" if query_form(text) == "DESCRIBE" else "CONSTRUCT"
        return Result(
            form,
            triples=tuple((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in res),
        )

    def triple_count(self) -> int:
        return len(self.store)


def build_oxigraph(paths: Sequence[str | Path], directory: Path | None = None) -> ox.Store:
    """Load files into a new Oxigraph store (in memory, or in `directory`); nothing is kept on error."""
    checked = check_sources(paths)
    if directory:
        directory.parent.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(directory)) if directory else ox.Store()
    try:
        for path, fmt in checked:
            try:
                store.bulk_load(path=str(path), format=fmt)
            except SyntaxError as exc:
                raise syntax_error(path, exc) from None
        store.flush()
    except BaseException:
        del store
        if directory:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return store


def fingerprint(paths: Sequence[str | Path]) -> str:
    """A key that changes when any source file changes, naming its persisted store."""
    h = hashlib.sha256()
    for p in paths:
        st = Path(p).stat()
        h.update(f"{Path(p).resolve()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def persisted_oxigraph(paths: Sequence[str | Path], root: Path) -> ox.Store:
    """Open the on-disk store built from these exact files, building it atomically if it is missing."""
    check_sources(paths)
    final = root / fingerprint(paths)
    if not final.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f".tmp-{os.getpid()}-{threading.get_ident()}"
        shutil.rmtree(tmp, ignore_errors=True)
        store = build_oxigraph(paths, tmp)
        del store
        try:
            os.rename(tmp, final)
        except OSError:  # another process finished first; its store is the same
            shutil.rmtree(tmp, ignore_errors=True)
    return ox.Store.read_only(str(final))


# ---------------------------------------------------------------- remote SPARQL endpoint

_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_VAR = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


class RemoteStore(Store):
    """Any SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, Neptune): the app then holds no data."""

    kind = "remote"
    values_at_end = True

    def __init__(self, url: str, *, timeout: float = 30.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StoreError(f"not an http(s) SPARQL endpoint URL: {url!r}")
        self.extra = urllib.parse.parse_qsl(parts.query)
        self.url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        self.timeout = timeout
        self._cap: object = _UNKNOWN

    def _run(self, text: str, scalars: dict[str, Node]) -> Result:
        text = substitute(text, scalars)
        prepare(text)  # same syntax errors, with line and column, as the embedded stores
        form = query_form(text)
        accept = (
            "application/sparql-results+json"
            if form in ("SELECT", "ASK")
            else "application/n-triples, text/turtle;q=0.9"
        )
        payload, headers, status = self._post(text, accept)
        # Virtuoso cuts results at its ResultSetMaxRows: 7.x answers 200 with X-SPARQL-MaxRows on a cut
        # SELECT (also when the rows exactly reach the cap), later versions 206 or X-SQL-State S1TAT.
        truncated = (
            status == 206
            or headers.get("X-SQL-State") == "S1TAT"
            or headers.get("X-SPARQL-MaxRows") is not None
        )
        if form in ("SELECT", "ASK"):
            return _parse_json_results(payload, truncated)
        fmt = "turtle" if "turtle" in headers.get("Content-Type", "") else "nt"
        kg = Graph()
        kg.parse(data=payload.decode("utf-8"), format=fmt)
        # ... but cuts a CONSTRUCT or DESCRIBE silently, with no header: compare with its cap instead.
        if not truncated and headers.get("Server", "").startswith("Virtuoso"):
            cap = self._virtuoso_cap()
            truncated = cap is not None and len(kg) >= cap
        return Result(form, triples=tuple(kg), truncated=truncated)

    def _post(self, text: str, accept: str) -> tuple[bytes, Mapping[str, str], int]:
        body = urllib.parse.urlencode([("query", text), *self.extra]).encode()
        req = urllib.request.Request(
            self.url,
            data=body,
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read(), resp.headers, resp.status
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace").strip()
            raise QueryError(f"endpoint answered {exc.code}: {detail[:300]}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise StoreError(f"endpoint {self.url} unreachable: {exc}") from None

    def _virtuoso_cap(self) -> int | None:
        """Virtuoso's ResultSetMaxRows, asked once through its built-in functions (None if refused)."""
        if self._cap is _UNKNOWN:
            try:
                payload, _, _ = self._post(_VIRTUOSO_CAP, "application/sparql-results+json")
                (row,) = _parse_json_results(payload, False).rows
                self._cap = int(str(row[0]))
            except (QueryError, StoreError, ValueError):
                self._cap = None
        return self._cap  # type: ignore[return-value]


_UNKNOWN = object()
_VIRTUOSO_CAP = (
    "SELECT (<bif:cfg_item_value>(<bif:virtuoso_ini_path>(), 'SPARQL', 'ResultSetMaxRows') AS ?cap) WHERE {}"
)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside strings and comments."""
    m = _FORM.search(_strip_comments_and_strings(text))
    return m.group(1).upper() if m else "SELECT"


def _strip_comments_and_strings(text: str) -> str:
    return "".join(chunk if kind == "code" else " " for kind, chunk in _lex(text))


_TOKEN = re.compile(
    r'(?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\')'
    r'|(?P<str>"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<comment>#[^\n]*)",
)


def _lex(text: str) -> list[tuple[str, str]]:
    """Split query text into code and the parts no substitution may touch (strings, IRIs, comments)."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            out.append(("code", text[pos : m.start()]))
        out.append(("literal", m.group(0)))
        pos = m.end()
    out.append(("code", text[pos:]))
    return out


def substitute(text: str, scalars: Mapping[str, Node]) -> str:
    """Replace bound variables by their serialised terms (SEP-0007 substitution) outside strings and IRIs."""
    if not scalars:
        return text

    def repl(m: re.Match[str]) -> str:
        term = scalars.get(m.group(1))
        return term.n3() if term is not None else m.group(0)

    return "".join(_VAR.sub(repl, c) if kind == "code" else c for kind, c in _lex(text))


def _parse_json_results(payload: bytes, truncated: bool) -> Result:
    try:
        data = json.loads(payload)
    except ValueError as exc:
        raise QueryError(f"endpoint sent malformed JSON: {exc}") from None
    if "boolean" in data:
        return Result("ASK", boolean=bool(data["boolean"]), truncated=truncated)
    names = tuple(data.get("head", {}).get("vars", []))
    rows = tuple(
        tuple(_json_term(b.get(n)) for n in names) for b in data.get("results", {}).get("bindings", [])
    )
    return Result("SELECT", names, rows, truncated=truncated)


def _json_term(b: dict | None) -> Node | None:
    if b is None:
        return None
    kind, value = b.get("type"), b.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    lang, dt = b.get("xml:lang"), b.get("datatype")
    if lang:
        return Literal(value, lang=lang)
    if dt and dt != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value, datatype=URIRef(dt))
    return Literal(value)


# ---------------------------------------------------------------- choosing and opening a store


@dataclass(frozen=True)
class StoreSpec:
    """What to open: a kind, the extra data files, and for remote stores the URL. Picklable."""

    kind: str = "oxigraph"
    data: tuple[Path, ...] = ()
    url: str | None = None
    root: Path = field(default_factory=lambda: Path(os.environ.get("AKG_VAR", VAR)) / "stores")

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


def open_store(spec: StoreSpec | None = None) -> Store:
    """Open the store a spec names: Oxigraph by default (on disk when --data adds files), rdflib, or a remote endpoint."""
    spec = spec or StoreSpec()
    if spec.kind == "memory":
        return MemoryStore(load_rdflib(spec.sources()))
    if spec.kind == "oxigraph" and not spec.data:
        return memory_oxigraph(spec.sources())  # the curated graph alone loads in ~40 ms
    if spec.kind == "oxigraph":
        return OxigraphStore(persisted_oxigraph(spec.sources(), spec.root))
    if spec.kind == "remote" and spec.url:
        return RemoteStore(spec.url)
    raise StoreError(f"cannot open store {spec!r}")


def memory_oxigraph(paths: Sequence[str | Path]) -> OxigraphStore:
    """An Oxigraph store in memory, for tests and one-off runs that need no persistence."""
    return OxigraphStore(build_oxigraph(paths))
