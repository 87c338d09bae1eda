"""Parse RDF sources from local files into a fresh graph, all or nothing, never fetching anything.

Every source goes through Oxigraph's parsers: they never dereference a URL (no remote JSON-LD
contexts, no owl:imports) and report the line and column of a syntax error. Each source is a named
graph, `urn:akg:graph:<file name>` (the curated graph is `urn:akg:graph:roles.ttl`); the graphs inside
TriG and N-Quads files keep their own names, and their default-graph triples go to the file's graph.
Hostile files are refused before they cost memory: RDF/XML that declares DTD entities (Oxigraph
expands them, so a 1 kB "billion laughs" file becomes gigabytes) and literals longer than
MAX_LITERAL_CHARS.
"""

from __future__ import annotations

import contextlib
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
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
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
GRAPH_PREFIX = "urn:akg:graph:"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
MAX_LITERAL_CHARS = 1_000_000  # a value longer than this is an accident or an attack, not a label
_ENTITY = b"<!ENTITY"


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


UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes) -> str:
    """Text as editors save it: UTF-16 with its byte-order mark (Windows' "Unicode": Excel, PowerShell's
    `>`), else UTF-8 with or without one; a UnicodeDecodeError (its offset into data) for anything else."""
    if data.startswith(UTF16_BOMS):
        with contextlib.suppress(UnicodeDecodeError):  # a mark on bytes that are not UTF-16: tried as UTF-8
            return data.decode("utf-16")
    return data.decode("utf-8-sig")


def source(path: str | Path) -> dict[str, str | bytes]:
    """What Oxigraph's parsers and loader read for a file: its path, or its bytes after a UTF-8 byte-order
    mark, which they read as text (a Turtle file saved by Notepad: "\ufeff is not a valid subject")."""
    with open(path, "rb") as f:
        if f.read(3) == UTF8_BOM:
            return {"input": f.read()}
    return {"path": str(path)}


def parse_file(path: str | Path) -> list[ox.Triple]:
    """All triples of one local file, or a SourceError naming the file, line and column."""
    fmt = rdf_format(path)
    refuse_entities(path, fmt)
    try:
        triples = [q.triple for q in ox.parse(**source(path), format=fmt)]
    except SyntaxError as exc:
        raise syntax_error(path, exc) from None
    except (OSError, ValueError) as exc:
        raise SourceError(str(path), str(exc)) from None
    for t in triples:
        if isinstance(t.object, ox.Literal) and len(t.object.value) > MAX_LITERAL_CHARS:
            raise literal_too_long(path, t.subject, t.predicate, t.object.value)
    return triples


def refuse_entities(path: str | Path, fmt: ox.RdfFormat) -> None:
    """Refuse RDF/XML that declares DTD entities: expanding them is how a tiny file becomes gigabytes."""
    if fmt != ox.RdfFormat.RDF_XML:
        return
    offset = _find(path, _ENTITY)
    if offset is not None:
        raise SourceError(
            str(path),
            "DTD entity declarations (<!ENTITY …>) are refused: their expansion can turn a tiny file "
            "into gigabytes; write the values out, or convert the file to Turtle or N-Triples",
            _line_at(path, offset),
        )


def literal_too_long(path: str | Path, subject: object, predicate: object, value: str) -> SourceError:
    """The error for an over-long literal: file, line (when its text can be found), size and limit."""
    return SourceError(
        str(path),
        f"a literal of {len(value):,} characters on {subject} {predicate}; "
        f"the limit is {MAX_LITERAL_CHARS:,} characters",
        _literal_line(path, value),
    )


def _find(path: str | Path, needle: bytes, chunk: int = 1 << 20) -> int | None:
    """The byte offset of the first occurrence of needle in a file, read a chunk at a time."""
    with open(path, "rb") as f:
        base, tail = 0, b""
        while block := f.read(chunk):
            buf = tail + block
            i = buf.find(needle)
            if i >= 0:
                return base - len(tail) + i
            tail = buf[-(len(needle) - 1) :]
            base += len(block)
    return None


def _line_at(path: str | Path, offset: int) -> int:
    """The 1-based line holding a byte offset."""
    lines, left = 1, offset
    with open(path, "rb") as f:
        while left > 0 and (block := f.read(min(left, 1 << 20))):
            lines += block.count(b"\n")
            left -= len(block)
    return lines


def _literal_line(path: str | Path, value: str) -> int | None:
    """Where a literal starts, found by its first plain characters (escapes would not match)."""
    head = ""
    for c in value[:64]:
        if c in "\\\"'<>&" or not c.isprintable():
            break
        head += c
    if len(head) < 8:
        return None
    offset = _find(path, head.encode("utf-8"))
    return None if offset is None else _line_at(path, offset)


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
    """Oxigraph term to rdflib term, lexical form kept exactly; xsd:string literals become plain literals.

    rdflib would otherwise normalise typed literals (`"01"^^xsd:integer` to `"1"`, `"1E3"` to `"1000.0"`).
    """
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
        if dt == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt), normalize=False)
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
    """Each source with its format, all checked (and hostile RDF/XML refused) before any is loaded."""
    checked = [(Path(p), rdf_format(p)) for p in paths]
    for path, fmt in checked:
        refuse_entities(path, fmt)
    return checked


def graph_name(path: str | Path) -> str:
    """The named graph a source file's triples go to: stable across machines, from the file name alone.

    >>> graph_name("/data/esco 1.1.nt")
    'urn:akg:graph:esco%201.1.nt'
    """
    return GRAPH_PREFIX + urllib.parse.quote(Path(path).name, safe="-._~!$&'()*+,;=@")


def named_sources(paths: Sequence[str | Path]) -> list[tuple[Path, ox.RdfFormat, str]]:
    """Each source with its format and graph name; two sources with one file name are refused."""
    seen: dict[str, Path] = {}
    out = []
    for path, fmt in check_sources(paths):
        name = graph_name(path)
        if name in seen:
            raise SourceError(
                str(path),
                f"another source has the same file name ({seen[name]}): rename one, each file is graph {name}",
            )
        seen[name] = path
        out.append((path, fmt, name))
    return out


def parse_quads(path: str | Path, graph: str) -> list[ox.Quad]:
    """All quads of one local file, triples outside any named graph put in `graph`."""
    fmt = rdf_format(path)
    refuse_entities(path, fmt)
    default = ox.NamedNode(graph)
    try:
        quads = [
            q
            if not isinstance(q.graph_name, ox.DefaultGraph)
            else ox.Quad(q.subject, q.predicate, q.object, default)
            for q in ox.parse(**source(path), format=fmt)
        ]
    except SyntaxError as exc:
        raise syntax_error(path, exc) from None
    except (OSError, ValueError) as exc:
        raise SourceError(str(path), str(exc)) from None
    for q in quads:
        if isinstance(q.object, ox.Literal) and len(q.object.value) > MAX_LITERAL_CHARS:
            raise literal_too_long(path, q.subject, q.predicate, q.object.value)
    return quads


def load_dataset(paths: Sequence[str | Path]) -> Dataset:
    """A new rdflib dataset, one named graph per source (see graph_name), its default graph their union."""
    ds = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    parsed = [
        parse_quads(path, name) for path, _fmt, name in named_sources(paths)
    ]  # all, before any is added
    graphs: dict[ox.NamedNode | ox.BlankNode, Graph] = {}
    for quads in parsed:
        for q in quads:
            kg = graphs.get(q.graph_name)
            if kg is None:
                kg = graphs[q.graph_name] = ds.graph(to_rdflib(q.graph_name))
            kg.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return ds
