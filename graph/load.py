"""Parse RDF sources from local files into a fresh graph, all or nothing, never fetching anything.

Every source goes through Oxigraph's parsers: they never dereference a URL (no remote JSON-LD
contexts, no owl:imports) and report the line and column of a syntax error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import SourceError
from graph.paths import ONTOLOGY
from graph.terms import PREFIXES

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".n3": ox.RdfFormat.N3,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def sources(data: Sequence[str | Path] = ()) -> list[Path]:
    """The files a store is built from: the ontology, then the user's --data files."""
    return [ONTOLOGY, *(Path(d) for d in data)]


def rdf_format(path: str | Path) -> ox.RdfFormat:
    """Check that a source is a readable local file of a known format; refuse URLs."""
    text = str(path)
    if "://" in text:
        raise SourceError(text, "only local files can be loaded, not URLs")
    p = Path(text)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise SourceError(text, f"unknown RDF format {p.suffix or '(no suffix)'!r}; expected {known}")
    if not p.is_file():
        raise SourceError(text, "no such file")
    return fmt


def parse_file(path: str | Path) -> list[ox.Triple]:
    """All triples of one local file, or a SourceError naming the file, line and column."""
    fmt = rdf_format(path)
    try:
        return [q.triple for q in ox.parse(path=str(path), format=fmt)]
    except SyntaxError as exc:
        raise syntax_error(path, exc) from None
    except (OSError, ValueError) as exc:
        raise SourceError(str(path), str(exc)) from None


def syntax_error(path: str | Path, exc: SyntaxError) -> SourceError:
    """Oxigraph's parse error as a SourceError with file, line and column (its own position prefix dropped)."""
    msg = exc.msg or str(exc)
    msg = msg.split(": ", 1)[1] if msg.startswith("Parser error") and ": " in msg else msg
    return SourceError(str(path), msg, exc.lineno, exc.offset)


def parse_files(paths: Sequence[str | Path]) -> list[ox.Triple]:
    """Triples of every file; the first broken file stops everything, so nothing is half-loaded."""
    triples: list[ox.Triple] = []
    for path in paths:
        triples.extend(parse_file(path))
    return triples


def load_rdflib(paths: Sequence[str | Path]) -> Graph:
    """A new rdflib graph holding every triple of the files, or an error and no graph at all."""
    kg = Graph()
    for prefix, ns in PREFIXES.items():
        kg.bind(prefix, ns)
    kg.addN(
        (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), kg) for t in parse_files(paths)
    )
    return kg


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    """Oxigraph term to rdflib term; xsd:string literals become rdflib's plain literals."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value) if dt == _XSD_STRING else Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """rdflib term to Oxigraph term, for bindings and loading."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def check_sources(paths: Sequence[str | Path]) -> list[tuple[Path, ox.RdfFormat]]:
    """Each source with its format, all checked before any is loaded."""
    return [(Path(p), rdf_format(p)) for p in paths]
