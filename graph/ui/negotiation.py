"""What /sparql answers in: the result formats, their ?format= names, and Accept negotiation."""

from __future__ import annotations

from collections.abc import Sequence

import flask

# (media type written by graph.results, aliases a client may ask for, that media type again)
TABLE_FORMATS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("application/sparql-results+json", ("application/json",), "application/sparql-results+json"),
    ("application/sparql-results+xml", ("application/xml",), "application/sparql-results+xml"),
    ("text/csv", (), "text/csv"),
    ("text/tab-separated-values", (), "text/tab-separated-values"),
)
GRAPH_FORMATS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("text/turtle", ("application/x-turtle",), "text/turtle"),
    ("application/n-triples", ("text/plain",), "application/n-triples"),
    ("application/ld+json", ("application/json",), "application/ld+json"),
    ("application/rdf+xml", ("application/xml",), "application/rdf+xml"),
)
_FORMAT_PARAM = {  # ?format= (and SPARQLWrapper's output=/results=) names -> (table type, graph type)
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "n3": (None, "text/turtle"),
    "ntriples": (None, "application/n-triples"),
    "nt": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"),
    "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"),
    "rdf+xml": (None, "application/rdf+xml"),
    "rdfxml": (None, "application/rdf+xml"),
}
SD_FORMATS = {
    "SPARQL_Results_JSON": "application/sparql-results+json",
    "SPARQL_Results_XML": "application/sparql-results+xml",
    "SPARQL_Results_CSV": "text/csv",
    "SPARQL_Results_TSV": "text/tab-separated-values",
    "Turtle": "text/turtle",
    "N-Triples": "application/n-triples",
    "JSON-LD": "application/ld+json",
    "RDF_XML": "application/rdf+xml",
}


def negotiate(
    request: flask.Request, formats: Sequence[tuple[str, tuple[str, ...], str]]
) -> tuple[str, str] | None:
    """(type to answer with, writer's type): what Accept prefers (q-values, wildcards), first listed on a tie."""
    offered: list[str] = []
    for media, aliases, _ in formats:
        offered.extend((media, *aliases))
    accept = request.accept_mimetypes
    best = accept.best_match(offered) if accept else offered[0]
    for media, aliases, writer in formats:
        if best == media or best in aliases:
            return best, writer  # the type the client accepts, even when it is an alias
    return None


def by_param(value: str, graph: bool) -> tuple[str, str] | None:
    pair = _FORMAT_PARAM.get(value.strip().lower())
    media = pair and pair[1 if graph else 0]
    for m, _, writer in GRAPH_FORMATS if graph else TABLE_FORMATS:
        if m == media:
            return m, writer
    return None
