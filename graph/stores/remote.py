"""Any SPARQL 1.1 endpoint as a store, through the protocol (Virtuoso, Fuseki, GraphDB, Neptune)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import QueryError, StoreError
from graph.sparql_text import query_form, substitute
from graph.stores import BASE_IRI, QueryDataset, Result, Store
from graph.stores.memory import prepare

_UNKNOWN = object()
_VIRTUOSO_CAP = (
    "SELECT (<bif:cfg_item_value>(<bif:virtuoso_ini_path>(), 'SPARQL', 'ResultSetMaxRows') AS ?cap) WHERE {}"
)


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

    def _run(
        self, text: str, scalars: dict[str, Node], limit: int | None, dataset: QueryDataset | None
    ) -> Result:
        text = f"BASE <{BASE_IRI}> " + substitute(text, scalars)  # same line numbers; the query's BASE wins
        prepare(text)  # same syntax errors, with line and column, as the embedded stores
        form = query_form(text)
        accept = (
            "application/sparql-results+json"
            if form in ("SELECT", "ASK")
            else "application/n-triples, text/turtle;q=0.9"
        )
        graphs = (
            []
            if dataset is None
            else [
                *(("default-graph-uri", g) for g in dataset.default),
                *(("named-graph-uri", g) for g in dataset.named),
            ]
        )
        payload, headers, status = self._post(text, accept, graphs)
        # Virtuoso cuts results at its ResultSetMaxRows: 7.x answers 200 with X-SPARQL-MaxRows on a cut
        # SELECT (also when the rows exactly reach the cap), later versions 206 or X-SQL-State S1TAT.
        truncated = (
            status == 206
            or headers.get("X-SQL-State") == "S1TAT"
            or headers.get("X-SPARQL-MaxRows") is not None
        )
        if form in ("SELECT", "ASK"):
            return _parse_json_results(payload, truncated).capped(limit)
        fmt = "turtle" if "turtle" in headers.get("Content-Type", "") else "nt"
        kg = Graph()
        kg.parse(data=payload.decode("utf-8"), format=fmt)
        # ... but cuts a CONSTRUCT or DESCRIBE silently, with no header: compare with its cap instead.
        if not truncated and headers.get("Server", "").startswith("Virtuoso"):
            cap = self._virtuoso_cap()
            truncated = cap is not None and len(kg) >= cap
        return Result(form, triples=tuple(kg), truncated=truncated).capped(limit)

    def _post(
        self, text: str, accept: str, graphs: list[tuple[str, str]] | None = None
    ) -> tuple[bytes, Mapping[str, str], int]:
        extra = self.extra if not graphs else [(k, v) for k, v in self.extra if not k.endswith("graph-uri")]
        body = urllib.parse.urlencode([("query", text), *extra, *(graphs or [])]).encode()
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
