"""SPARQL results and RDF written (and read back) through pyoxigraph's serialisers, exact to the lexical form.

One set of writers for the endpoint, the command line and the exports: rdflib's writers rewrite
typed literals (`"52710"^^xsd:decimal` becomes `52710.0`) and name our namespaces `ns1:`; Oxigraph's
keep every lexical form and take the project's prefixes. A cut result says so in-band where the
format has room for it: `"truncated": true` in JSON, a `<link href="urn:akg:truncated"/>` in XML, a
comment in Turtle and N-Triples (CSV, TSV and JSON-LD rely on the response headers).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rdflib.term import Node

from graph.load import to_oxigraph, to_rdflib
from graph.stores import Result, Triple
from graph.terms import PREFIXES

TRUNCATED_IRI = "urn:akg:truncated"
TABLES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPHS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_NOTE = f"# truncated: more triples matched than this endpoint returns ({TRUNCATED_IRI})\n"


def write_results(result: Result, media: str) -> bytes:
    """SELECT or ASK results in a SPARQL results format (by media type), truncation marked in-band."""
    if result.form == "ASK":
        return _marked(
            _boolean(bool(result.boolean)).serialize(format=TABLES[media]), media, result.truncated
        )
    rows = (tuple(_tsv_term(t) for t in row) for row in result.rows)
    return write_rows(result.vars, rows, media, truncated=result.truncated)


def write_rows(
    names: Sequence[str], rows: Iterable[Sequence[str]], media: str, *, truncated: bool = False
) -> bytes:
    """SELECT rows given as N-Triples terms ("" when unbound), as Oxigraph writes them: the sandbox's
    workers write straight from Oxigraph's terms, with no rdflib term made, pickled or converted back."""
    lines = ["\t".join(f"?{v}" for v in names)]
    lines.extend("\t".join(row) for row in rows)
    doc = ox.parse_query_results("\n".join(lines) + "\n", format=ox.QueryResultsFormat.TSV)
    return _marked(doc.serialize(format=TABLES[media]), media, truncated)


def _marked(body: bytes, media: str, truncated: bool) -> bytes:
    """A results document with its truncation said in-band where the format has room for it."""
    fmt = TABLES[media]
    if not truncated:
        return body
    if fmt == ox.QueryResultsFormat.JSON:  # first, where strict readers (Oxigraph's) still accept it
        return b'{"truncated":true,' + body.lstrip()[1:]
    if fmt == ox.QueryResultsFormat.XML:
        link = f'<link href="{TRUNCATED_IRI}"/>'.encode()
        if b"<head/>" in body:
            return body.replace(b"<head/>", b"<head>" + link + b"</head>", 1)
        return body.replace(b"</head>", link + b"</head>", 1)
    return body


def write_graph(triples: Iterable[Triple], media: str, *, truncated: bool = False) -> bytes:
    """Triples in an RDF format (by media type) with the project's prefixes; truncation as a comment."""
    rows = [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples]
    return write_triples(rows, media, truncated=truncated)


def write_triples(rows: list[ox.Triple], media: str, *, truncated: bool = False) -> bytes:
    """Oxigraph's own triples in an RDF format, as write_graph writes them (the sandbox's workers use it)."""
    fmt = GRAPHS[media]
    turtle = fmt == ox.RdfFormat.TURTLE
    body = ox.serialize(rows, format=fmt, prefixes=_used_prefixes(rows) if turtle else None)
    if turtle:  # Oxigraph writes the prefixes in hash order: sorted, the same answer every time
        lines = body.split(b"\n")
        head = sum(1 for _ in itertools.takewhile(lambda line: line.startswith(b"@prefix "), lines))
        body = b"\n".join([*sorted(lines[:head]), *lines[head:]])
    if truncated and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        return _NOTE.encode() + body
    return body


def _used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The project's prefixes that some IRI (or datatype) of these triples starts with: a short header."""
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}


def write(result: Result, media: str) -> bytes:
    """Any result in any format this project writes: results formats for SELECT/ASK, RDF otherwise."""
    if result.form in ("SELECT", "ASK"):
        return write_results(result, media)
    return write_graph(result.triples, media, truncated=result.truncated)


def read_results(data: bytes, media: str) -> Result:
    """Parse SPARQL results (JSON, XML, TSV) back into a Result: for round-trip tests and clients."""
    parsed = ox.parse_query_results(data, format=TABLES[media])
    if isinstance(parsed, ox.QueryBoolean):
        return Result("ASK", boolean=bool(parsed))
    names = tuple(v.value for v in parsed.variables)
    rows = tuple(tuple(to_rdflib(s[n]) for n in names) for s in parsed)
    return Result("SELECT", names, rows)


def read_graph(data: bytes, media: str) -> list[Triple]:
    """Parse RDF (any format written here) back into rdflib triples, exact lexical forms kept."""
    return [
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in ox.parse(data, format=GRAPHS[media])
    ]


def _boolean(value: bool) -> ox.QueryBoolean:
    """An ASK answer as pyoxigraph's own results object, through its JSON reader (it has no constructor)."""
    doc = b'{"head":{},"boolean":%s}' % (b"true" if value else b"false")
    return ox.parse_query_results(doc, format=ox.QueryResultsFormat.JSON)  # type: ignore[return-value]


def _tsv_term(term: Node | None) -> str:
    """A term in N-Triples syntax as Oxigraph itself writes it (escapes tabs and newlines); unbound is empty."""
    return "" if term is None else str(to_oxigraph(term))
