"""SPARQL results as tables and drawings, and the drawn view as RDF and CSV exports (pure)."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Mapping

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef

from graph.terms import AKG, DCTERMS, SKOS, curie
from graph.ui.view.elements import View, link_id, to_view
from graph.ui.view.subgraph import MAX_ELEMENTS, Node, Subgraph


def term_text(term: object) -> str:
    """A result cell as people read it: IRIs as CURIEs, literals as their text, empty for unbound."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef):
        return curie(str(term))
    return str(term)


def result_table(result) -> dict:
    """A sandbox Result as JSON-safe columns/rows for the grid, the downloads and Draw."""
    if result.form == "ASK":
        return {
            "form": "ASK",
            "columns": ["answer"],
            "rows": [{"answer": str(bool(result.boolean)).lower()}],
            "iris": {},
            "truncated": False,
            "triples": [],
        }
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        triples = [[str(t) for t in tr] for tr in result.triples]
        kinds = [[isinstance(t, URIRef) for t in tr] for tr in result.triples]
        rows = [
            {"subject": term_text(s), "predicate": term_text(p), "object": term_text(o)}
            for s, p, o in result.triples
        ]
        return {
            "form": result.form,
            "columns": ["subject", "predicate", "object"],
            "rows": rows,
            "iris": {},
            "truncated": bool(result.truncated),
            "triples": triples,
            "kinds": kinds,
        }
    columns = list(result.vars)
    rows, iris = [], defaultdict(list)
    for n, row in enumerate(result.rows):
        rows.append({c: term_text(v) for c, v in zip(columns, row, strict=True)})
        for c, v in zip(columns, row, strict=True):
            if isinstance(v, URIRef):
                iris[c].append([n, str(v)])
    return {
        "form": "SELECT",
        "columns": columns,
        "rows": rows,
        "iris": dict(iris),
        "truncated": bool(result.truncated),
        "triples": [],
    }


def table_elements(table: Mapping, labels: Mapping[str, tuple[str, str]], limit: int = MAX_ELEMENTS) -> View:
    """Draw a result: CONSTRUCT/DESCRIBE triples between IRIs, or each SELECT row's IRIs linked to its first."""
    sub = Subgraph()

    def node(iri: str) -> None:
        sub.add_node(iri, *labels.get(iri, Node(curie(iri), "")))

    if table.get("triples"):
        for (s, p, o), (_, _, o_iri) in zip(table["triples"], table["kinds"], strict=True):
            if o_iri and p != str(RDF.type):
                node(s)
                node(o)
                sub.add_edge(s, p, o, labels.get(p, Node(curie(p), "")).label, None)
    else:
        per_row: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for col in table["columns"]:
            for n, iri in table.get("iris", {}).get(col, []):
                per_row[n].append((col, iri))
        for cells in per_row.values():
            for _, iri in cells:
                node(iri)
            head = cells[0][1]
            for col, iri in cells[1:]:
                if iri != head:
                    sub.add_edge(head, col, iri, col, None)
    return to_view(sub, limit=limit)


def table_csv(table: Mapping) -> str:
    """A result table as CSV."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=table["columns"])
    w.writeheader()
    w.writerows(table["rows"])
    return out.getvalue()


def table_json(table: Mapping) -> str:
    """A result table as JSON rows."""
    return json.dumps(table["rows"], ensure_ascii=False, indent=1)


def subgraph_rdf(sub: Subgraph, kind_iri: Mapping[str, str] | None = None) -> Graph:
    """The drawn subgraph as RDF: its links, each node's label and kind, and for each link whose
    essential flag or source is known, the rdf:Statement that says so (as in the curated graph)."""
    kg = Graph()
    for prefix, ns in (("akg", AKG), ("skos", SKOS), ("rdfs", RDFS), ("dcterms", DCTERMS)):
        kg.bind(prefix, ns)
    for iri, node in sub.nodes.items():
        kg.add((URIRef(iri), SKOS.prefLabel, Literal(node.label)))
        if node.kind:
            kg.add((URIRef(iri), RDF.type, URIRef((kind_iri or {}).get(node.kind, str(AKG) + node.kind))))
    for t, link in sub.edges.items():
        s, p, o = URIRef(t.s), URIRef(t.p), URIRef(t.o)
        kg.add((s, p, o))
        kg.add((p, RDFS.label, Literal(link.label)))
        if link.essential is None and not link.source:
            continue
        st = BNode("st" + link_id(t))
        kg.add((st, RDF.type, RDF.Statement))
        kg.add((st, RDF.subject, s))
        kg.add((st, RDF.predicate, p))
        kg.add((st, RDF.object, o))
        if link.essential is not None:
            kg.add((st, AKG.essential, Literal(bool(link.essential))))
        if link.source:
            kg.add((st, DCTERMS.source, URIRef(link.source)))
    return kg


def subgraph_csv(sub: Subgraph) -> str:
    """Nodes then edges as one CSV: a `type` column says which (node or edge)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["type", "id", "label", "kind", "source", "predicate", "target", "essential", "stated_by"])
    for iri, node in sub.nodes.items():
        w.writerow(["node", iri, node.label, node.kind, "", "", "", "", ""])
    for t, link in sub.edges.items():
        ess = "" if link.essential is None else str(link.essential).lower()
        w.writerow(["edge", link_id(t), link.label, "", t.s, t.p, t.o, ess, link.source or ""])
    return out.getvalue()
