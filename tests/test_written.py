"""Answers written in the sandbox's workers (straight from Oxigraph's terms) equal those written from a Result."""

from __future__ import annotations

import pytest

from graph import queries, results
from graph.sandbox import Limits, Sandbox, Writers, execute
from graph.sandbox.check import LIMITS
from graph.sandbox.local import execute_written
from graph.stores import StoreSpec, open_store
from graph.stores.oxigraph import OxigraphStore, memory_oxigraph
from tests.test_queries import PARAMS

TABLES, GRAPHS = list(results.TABLES), list(results.GRAPHS)
TRICKY = """@prefix ex: <urn:ex:> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p "tab\\there\\nnew line \\"quoted\\" \\\\ back" , "élan vital"@fr-CA , "01"^^xsd:integer ,
         "plain"^^xsd:string , _:b1 , ex:b .
ex:b ex:q "1E3"^^xsd:double .
_:b1 ex:p "blank" .
"""
EDGE_QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    "SELECT * WHERE { ?s ?p ?o . OPTIONAL { ?o ?q ?z } } ORDER BY ?s ?p ?o",
    "SELECT ?s ?missing WHERE { ?s ?p ?o OPTIONAL { ?s <urn:ex:none> ?missing } } ORDER BY ?s ?o",
    "ASK { ?s ?p ?o }",
    "ASK { ?s <urn:ex:none> ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE <urn:ex:a>",
    "SELECT ?s WHERE { ?s <urn:ex:none> ?o }",
]


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> OxigraphStore:
    path = tmp_path_factory.mktemp("written") / "tricky.ttl"
    path.write_text(TRICKY, encoding="utf-8")
    return memory_oxigraph([path])


def _same(old: bytes, new: bytes, media: str) -> None:
    """The same answer: rows or triples compared in any order (a hash join need not repeat its order)."""
    if media in results.GRAPHS:
        assert sorted(map(str, results.read_graph(old, media))) == sorted(
            map(str, results.read_graph(new, media))
        )
    elif media == "text/csv":
        assert sorted(old.splitlines()) == sorted(new.splitlines())
    else:
        a, b = results.read_results(old, media), results.read_results(new, media)
        assert (a.form, a.vars, a.boolean) == (b.form, b.vars, b.boolean)
        assert sorted(a.rows, key=repr) == sorted(b.rows, key=repr)


def _both(store, text: str, limits: Limits = LIMITS):
    for table, graph in zip(TABLES, GRAPHS, strict=True):
        result = execute(store, text, limits)
        written = execute_written(store, text, Writers(table, graph), limits)
        media = graph if result.form in ("CONSTRUCT", "DESCRIBE") else table
        assert (written.form, written.media, written.truncated) == (result.form, media, result.truncated)
        yield media, results.write(result, media), written.body


def test_tricky_terms_are_written_byte_for_byte_as_from_a_result(tricky):
    for text in EDGE_QUERIES:
        for media, old, new in _both(tricky, text):
            if "ORDER BY" in text or "ASK" in text:
                assert new == old, (text, media)
            _same(old, new, media)


def test_every_catalogue_query_is_written_the_same_on_oxigraph():
    store = open_store(StoreSpec())
    for name in sorted(queries.catalogue()):
        text = queries.render(name, PARAMS[name])
        for media, old, new in _both(store, text):
            _same(old, new, media)


def test_row_and_byte_caps_cut_where_cap_bytes_cuts(tricky):
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    for limits in (Limits(max_rows=3), Limits(max_result_bytes=60), Limits(max_result_bytes=1)):
        for media, old, new in _both(tricky, text, limits):
            assert new == old, (limits, media)
        assert execute_written(tricky, text, Writers(TABLES[0]), limits).truncated
    construct, cut = "CONSTRUCT WHERE { ?s ?p ?o }", Limits(max_result_bytes=120)
    for media, old, new in _both(tricky, construct, cut):  # both say truncated (checked in _both)
        assert 0 < len(results.read_graph(new, media)) == len(results.read_graph(old, media)) < 7
    assert execute_written(tricky, construct, Writers(None, GRAPHS[0]), cut).truncated


def test_a_form_the_client_takes_no_format_for_is_not_written(tricky):
    graph_only = execute_written(tricky, "SELECT * WHERE { ?s ?p ?o }", Writers(None, GRAPHS[0]))
    table_only = execute_written(tricky, "CONSTRUCT WHERE { ?s ?p ?o }", Writers(TABLES[0], None))
    assert (graph_only.form, graph_only.media, graph_only.body) == ("SELECT", None, b"")
    assert (table_only.form, table_only.media, table_only.body) == ("CONSTRUCT", None, b"")


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_the_sandbox_writes_in_its_workers_what_run_returns(kind):
    text = queries.render("gap_items", PARAMS["gap_items"])
    with Sandbox(StoreSpec(kind), Limits(timeout_s=30), workers=1) as box:
        written = box.run_written(text, Writers(TABLES[0], GRAPHS[0]))
        assert written.media == TABLES[0] and written.body.startswith(b"{")
        _same(results.write(box.run(text), TABLES[0]), written.body, TABLES[0])
