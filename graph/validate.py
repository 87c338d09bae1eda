"""Check RDF sources: curated files against the SHACL shapes, imported ESCO/O*NET files structurally.

The shapes say what complete curated data is (every role has duties, workplaces, a credential
path; every link is reified with its source); an imported framework cannot meet them (ESCO alone
gave 9,021 violations) and, loaded without the ontology, was not even targeted (O*NET "conformed"
having been checked for nothing). So each file is checked for what applies to it, and the report
says which checks ran on which file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, Graph, Namespace, URIRef

from graph.load import load_rdflib
from graph.paths import ONTOLOGY, SHAPES
from graph.stores.memory import MemoryStore
from graph.terms import SKOS, curie

SH = Namespace("http://www.w3.org/ns/shacl#")
AKG = Namespace("https://w3id.org/aesthetics-kg/ontology#")
SHAPES_NS = Namespace("https://w3id.org/aesthetics-kg/shapes#")
ONTOLOGY_IRI = "https://w3id.org/aesthetics-kg/ontology"  # roles.ttl's owl:Ontology
_IRI = re.compile(r"https?://[^\s<>\"{}|^`\\]*[^\s<>\"{}|^`\\.,:;)]")


@dataclass(frozen=True)
class Report:
    """The outcome of a validation: whether it conforms, each problem as a line, and class counts."""

    conforms: bool
    problems: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]
    triples: int
    #: what was checked, one line per group of files ("SHACL shapes: …", "structural checks: …")
    checks: tuple[str, ...] = ()
    #: the curated files were read beside the ontology (its classes, properties and link categories)
    with_ontology: bool = False


#: the source nodes the importers write, by framework: a file citing one is imported data
IMPORT_SOURCES = {
    "ESCO": ("aesthetics-kg/resource/source-esco-1.1.1", "akgr:source-esco-1.1.1"),
    "O*NET": ("aesthetics-kg/resource/source-onet-29.3", "akgr:source-onet-29.3"),
}
STRUCTURAL = (
    "every occupation, skill, task, tool and technology labelled (one skos:prefLabel per language) and "
    "sourced, every occupation link to a labelled concept; the SHACL shapes describe curated data and are "
    "not applied"
)


def imported_framework(path: str | Path) -> str | None:
    """'ESCO' or 'O*NET' when the file is an importer's output (it cites that source node), else None."""
    needles = {name: [n.encode() for n in ns] for name, ns in IMPORT_SOURCES.items()}
    tail = b""
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            block = tail + chunk
            for name, ns in needles.items():
                if any(n in block for n in ns):
                    return name
            tail = block[-64:]
    return None


def validate(paths: Sequence[str | Path], shapes: Path = SHAPES) -> Report:
    """Curated files against the shapes, imported ones structurally (SourceError with file and line if broken)."""
    kinds = {Path(p): imported_framework(p) for p in paths}
    curated = [p for p, k in kinds.items() if k is None]
    imported = [(p, k) for p, k in kinds.items() if k is not None]
    parts = ([_shacl(curated, shapes)] if curated else []) + [_structural(p, k) for p, k in imported]
    counts: dict[str, int] = {}
    for part in parts:
        for c, n in part.counts:
            counts[c] = counts.get(c, 0) + n
    return Report(
        all(part.conforms for part in parts),
        tuple(line for part in parts for line in part.problems),
        tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        sum(part.triples for part in parts),
        tuple(line for part in parts for line in part.checks),
        any(part.with_ontology for part in parts),
    )


def _structural(path: Path, framework: str) -> Report:
    """What an importer guarantees, checked by import_violations.rq on the file alone (class counts with the ontology)."""
    from graph import queries
    from graph.stores.oxigraph import memory_oxigraph

    alone = memory_oxigraph([path])
    rows = queries.run(alone, "import_violations").rows
    problems = tuple(f"{path}: {curie(str(e))} {problem}" for e, problem in rows)

    # classes are counted with the ontology's declarations, less what the ontology itself holds
    def count(paths: list[Path]) -> dict[str, int]:
        rows = queries.run(memory_oxigraph(paths), "counts_by_class").rows
        return {curie(str(c)): int(n) for c, _label, n in rows}

    base, typed = count([ONTOLOGY]), count([ONTOLOGY, path])
    counts = tuple((c, n - base.get(c, 0)) for c, n in typed.items() if n > base.get(c, 0))
    triples = alone.triple_count()
    verdict = "passed" if not problems else f"{len(problems)} problem(s)"
    check = f"structural checks of imported {framework} data: {path} ({triples} triples): {verdict} ({STRUCTURAL})"
    return Report(not problems, problems, counts, triples, (check,))


def _shacl(paths: Sequence[Path], shapes: Path) -> Report:
    """The curated files against the SHACL shapes, read beside the ontology as the app loads them: alone,
    a file's roles were no akg:Entity (no subClassOf axioms) and its links had no category, so a role
    without a source or a link without its statement passed."""
    from pyshacl import validate as shacl_validate  # heavy import, only when validating

    from graph import queries

    kg = load_rdflib(paths)
    triples = len(kg)
    added = (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) not in kg  # a copy of roles.ttl holds it already
    ontology = load_rdflib([ONTOLOGY]) if added else None
    if ontology is not None:
        kg += ontology
    shapes_graph = load_rdflib([shapes])
    conforms, results, _ = shacl_validate(kg, shacl_graph=shapes_graph, inference="none", advanced=True)
    declared = _declared(kg)
    problems = tuple(
        sorted(_describe(kg, results, r, declared) for r in results.subjects(RDF.type, SH.ValidationResult))
    )

    def count(graph: Graph) -> dict[str, int]:
        return {curie(str(c)): int(n) for c, _l, n in queries.run(MemoryStore(graph), "counts_by_class").rows}

    counts = count(kg)
    if ontology is not None:  # the files' own classes, not the ontology's
        below = count(ontology)
        counts = {c: n - below.get(c, 0) for c, n in counts.items() if n > below.get(c, 0)}
    verdict = "conforms" if conforms else f"{len(problems)} violation(s)"
    beside = f", read with the ontology ({ONTOLOGY.name})" if added else ""
    check = (
        f"SHACL shapes ({shapes.name}): {', '.join(map(str, paths))} ({triples} triples{beside}): {verdict}"
    )
    return Report(bool(conforms), problems, tuple(counts.items()), triples, (check,), added)


def _declared(kg: Graph) -> list[str]:
    """The ontology's own classes and properties, as CURIEs (what a misspelt term is compared with)."""
    return sorted({curie(str(s)) for s in kg.subjects(RDF.type) if str(s).startswith(str(AKG))})


def _describe(kg: Graph, results: Graph, r: URIRef, declared: Sequence[str] = ()) -> str:
    """One problem as a line: who, which property, the shape's message with its IRIs as CURIEs, and for
    a term the ontology does not declare, the declared one it is closest to."""
    focus = results.value(r, SH.focusNode)
    path = results.value(r, SH.resultPath)
    message = results.value(r, SH.resultMessage) or results.value(r, SH.sourceConstraintComponent)
    label = kg.value(focus, SKOS.prefLabel) if focus is not None else None
    who = f"{label} ({curie(str(focus))})" if label else curie(str(focus))
    where = f" {curie(str(path))}" if isinstance(path, URIRef) else ""
    text = _IRI.sub(lambda m: curie(m.group(0)), str(message))
    value = results.value(r, SH.value)
    if results.value(r, SH.sourceShape) == SHAPES_NS.VocabularyShape and isinstance(value, URIRef):
        close = difflib.get_close_matches(curie(str(value)), declared, n=1, cutoff=0.75)
        text += f" Did you mean {close[0]}?" if close else ""
    return f"{who}{where}: {text}"
