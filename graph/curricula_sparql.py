"""Where saved curricula live: a local Oxigraph store or a remote SPARQL 1.1 store, each save one update.

Every write is one SPARQL 1.1 Update request whose WHERE clause checks the version the writer started
from, so it applies whole or not at all, in one process or in many sharing a remote store: a save
replaces the curriculum's graph and adds a history graph for the new version in the same request, and
carries a fresh token; reading the token back says whether this save won (another writer's token, or
none, is a conflict). History: graph `<curriculum>/version/N` holds version N whole, with PROV-O about
it (prov:specializationOf the curriculum, prov:generatedAtTime, prov:wasAttributedTo the designer,
prov:wasRevisionOf the version before, prov:wasDerivedFrom the version a restore brought back).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from graph.errors import GraphError
from graph.paths import QUERIES

AKG = "https://w3id.org/aesthetics-kg/ontology#"
PROV = "http://www.w3.org/ns/prov#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DESIGNER = "https://w3id.org/aesthetics-kg/designer/"
_QUERIES = QUERIES / "curricula"


class StoreUnavailable(GraphError):
    """The curricula store cannot be opened or reached."""


def version_graph(iri: str, n: int) -> str:
    """The IRI of the graph that keeps version n of a curriculum."""
    return f"{iri}/version/{n}"


def query_text(name: str) -> str:
    """The text of queries/curricula/NAME.rq."""
    return (_QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def bound(text: str, bindings: dict[str, str] | None, *, at_end: bool = False) -> str:
    """A query with variables bound to IRIs by a VALUES block (each value checked to be an IRI)."""
    from rdflib import URIRef

    from graph.sparql_text import with_values

    lists = {k: [URIRef(ox.NamedNode(v).value)] for k, v in (bindings or {}).items()}
    return with_values(text, lists, at_end=at_end)


class Local:
    """An Oxigraph store on disk (or in memory): one process owns it; a lock orders its writers."""

    def __init__(self, path: Path | None):
        self.path = path
        try:
            if path is None:
                self.store = ox.Store()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(path))
        except OSError as exc:
            raise StoreUnavailable(
                f"{path}: cannot open the curricula store ({exc}); is another process using it? "
                "Several processes share curricula through a SPARQL store (--curricula URL)"
            ) from None
        self.lock = threading.Lock()

    def select(self, text: str, bindings: dict[str, str] | None = None) -> list[dict[str, str]]:
        """Rows of a SELECT as plain strings; bindings name IRIs for variables."""
        result = self.store.query(bound(text, bindings))
        names = [v.value for v in result.variables]
        return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]

    def quads(self, graph: str) -> list[ox.Quad]:
        """Every quad of one graph."""
        return list(self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def update(self, text: str) -> None:
        """Run one SPARQL update (one transaction; durable through RocksDB's write-ahead log, no flush).

        A flush per save (~200 ms) held every other writer behind it; a process killed mid-save still
        leaves a whole version (test_curricula's crash test); close() flushes.
        """
        self.store.update(text)

    def close(self) -> None:
        """Flush and let the store go."""
        self.store.flush()
        del self.store


class Remote:
    """A SPARQL 1.1 store over HTTP: queries to URL, updates to URL (or update_url), per the protocol."""

    def __init__(self, url: str, *, update_url: str | None = None, timeout: float = 30.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StoreUnavailable(f"--curricula {url!r}: not an http(s) SPARQL endpoint URL")
        self.url, self.update_url, self.timeout = url, update_url or url, timeout
        self.lock = threading.Lock()  # this process's writers in turn (other processes: the version check)

    def select(self, text: str, bindings: dict[str, str] | None = None) -> list[dict[str, str]]:
        """Rows of a SELECT as plain strings (bindings placed as IRIs, checked to be IRIs first)."""
        data = self._select(text, bindings)
        names = data["head"]["vars"]
        return [{n: b.get(n, {}).get("value", "") for n in names} for b in data["results"]["bindings"]]

    def quads(self, graph: str) -> list[ox.Quad]:
        """Every quad of one graph."""
        data = self._select(query_text("graph_triples"), {"graph": graph})
        g = ox.NamedNode(graph)
        return [
            ox.Quad(_term(b["s"]), _term(b["p"]), _term(b["o"]), g)  # type: ignore[arg-type]
            for b in data["results"]["bindings"]
        ]

    def _select(self, text: str, bindings: dict[str, str] | None) -> dict:
        text = bound(text, bindings, at_end=True)
        return json.loads(self._post(self.url, {"query": text}, "application/sparql-results+json"))

    def update(self, text: str) -> None:
        """Send one SPARQL 1.1 Update request."""
        self._post(self.update_url, {"update": text}, "*/*")

    def close(self) -> None:
        """Nothing held open."""

    def _post(self, url: str, form: dict[str, str], accept: str) -> bytes:
        req = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(form).encode("utf-8"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as exc:
            detail = " ".join(exc.read(2000).decode("utf-8", "replace").split())
            raise StoreUnavailable(f"curricula store {url} answered {exc.code}: {detail[:300]}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise StoreUnavailable(f"curricula store {url} unreachable: {exc}") from None


def _term(b: dict) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A SPARQL JSON results term as an Oxigraph term."""
    if b["type"] == "uri":
        return ox.NamedNode(b["value"])
    if b["type"] == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]) if "datatype" in b else None)


def _iri(s: str) -> str:
    return str(ox.NamedNode(s))


def _typed(value: object, datatype: str) -> str:
    return str(ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype)))


def _where_stored_version_is(iri: str, expected: int, *, and_triples: str = "") -> str:
    """A WHERE clause that matches only while the stored version is `expected` (0: nothing stored).

    Written for Virtuoso 7 as much as for Oxigraph: Virtuoso applies no update whose WHERE has an
    OPTIONAL that matched nothing, and ignores FILTER NOT EXISTS and MINUS in an update's WHERE (it
    inserted over a stored version); a COUNT in a subquery it honours.
    """
    g = _iri(iri)
    if expected == 0:
        return (
            f"WHERE {{ {{ SELECT (COUNT(*) AS ?stored) WHERE {{ GRAPH {g} {{ {g} <{AKG}version> ?v }} }} }}"
            " FILTER(?stored = 0) }"
        )
    return f"WHERE {{ GRAPH {g} {{ {g} <{AKG}version> {int(expected)} . {and_triples} }} }}"


def save_update(
    iri: str,
    quads: list[ox.Quad],
    *,
    expected: int,
    version: int,
    modified: str,
    token: str,
    who: str | None,
    restored: int | None,
) -> str:
    """One update: if the stored version is `expected`, replace the graph and add version `version`'s history."""
    g, vg = _iri(iri), _iri(version_graph(iri, version))
    triples = " .\n".join(f"{q.subject} {q.predicate} {q.object}" for q in quads)
    prov = [
        f"{vg} a <{PROV}Entity>",
        f"{vg} <{PROV}specializationOf> {g}",
        f"{vg} <{AKG}version> {_typed(version, 'integer')}",
        f"{vg} <{PROV}generatedAtTime> {_typed(modified, 'dateTime')}",
    ]
    if version > 1:
        prov.append(f"{vg} <{PROV}wasRevisionOf> {_iri(version_graph(iri, version - 1))}")
    if restored is not None:
        prov.append(f"{vg} <{PROV}wasDerivedFrom> {_iri(version_graph(iri, restored))}")
        prov.append(f"{vg} <{AKG}restoredVersion> {_typed(restored, 'integer')}")
    if who:
        agent = _iri(DESIGNER + urllib.parse.quote(who, safe=""))
        prov += [
            f"{vg} <{PROV}wasAttributedTo> {agent}",
            f"{agent} a <{PROV}Agent>",
            f"{agent} <{RDFS}label> {ox.Literal(who)}",
        ]
    token_triple = f"{g} <{AKG}saveToken> {ox.Literal(token)}"
    prov_text = " .\n".join(prov)
    insert = f"INSERT {{ GRAPH {g} {{\n{triples} .\n{token_triple} }}\n  GRAPH {vg} {{\n{triples} .\n{prov_text} }} }}\n"
    if expected == 0:
        return insert + _where_stored_version_is(iri, 0)
    # two operations in one request: the old graph goes while it is still `expected`, then the new
    # one is written while nothing is stored. One DELETE/INSERT with the old triples in its WHERE
    # wrote the INSERT template once per old triple (a 100-outcome curriculum's save grew to 3.5 GB)
    delete = f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }}\n"
    return (
        delete
        + _where_stored_version_is(iri, expected, and_triples="?s ?p ?o")
        + " ;\n"
        + insert
        + _where_stored_version_is(iri, 0)
    )


def delete_update(iri: str, *, expected: int) -> str:
    """One update: if the stored version is `expected`, remove the curriculum and its history."""
    g = _iri(iri)
    prefix = str(ox.Literal(iri + "/version/"))
    return (
        "DELETE { GRAPH ?g { ?s ?p ?o } }\n"
        f"WHERE {{ GRAPH {g} {{ {g} <{AKG}version> {int(expected)} }}\n"
        f"  GRAPH ?g {{ ?s ?p ?o }} FILTER(?g = {g} || STRSTARTS(STR(?g), {prefix})) }}"
    )
