"""Check RDF sources against the SHACL shapes: one readable line per violation, class counts when it conforms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef

from graph.load import load_rdflib
from graph.paths import SHAPES
from graph.stores.memory import MemoryStore
from graph.terms import SKOS, curie

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Report:
    """The outcome of a validation: whether it conforms, each problem as a line, and class counts."""

    conforms: bool
    problems: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]
    triples: int


def validate(paths: Sequence[str | Path], shapes: Path = SHAPES) -> Report:
    """Parse the files (SourceError with file and line if broken) and validate them against the shapes."""
    from pyshacl import validate as shacl_validate  # heavy import, only when validating

    kg = load_rdflib(paths)
    shapes_graph = load_rdflib([shapes])
    conforms, results, _ = shacl_validate(kg, shacl_graph=shapes_graph, inference="none", advanced=True)
    problems = tuple(
        sorted(_describe(kg, results, r) for r in results.subjects(RDF.type, SH.ValidationResult))
    )
    from graph import queries

    rows = queries.run(MemoryStore(kg), "counts_by_class").rows
    counts = tuple((curie(str(c)), int(n)) for c, _label, n in rows)
    return Report(bool(conforms), problems, counts, len(kg))


def _describe(kg: Graph, results: Graph, r: URIRef) -> str:
    focus = results.value(r, SH.focusNode)
    path = results.value(r, SH.resultPath)
    message = results.value(r, SH.resultMessage) or results.value(r, SH.sourceConstraintComponent)
    label = kg.value(focus, SKOS.prefLabel) if focus is not None else None
    who = f"{label} ({curie(str(focus))})" if label else curie(str(focus))
    where = f" {curie(str(path))}" if isinstance(path, URIRef) else ""
    return f"{who}{where}: {message}"
