"""The workspace on a persisted store: precomputed aggregates and name index, read back by the next open."""

from __future__ import annotations

import pytest

from graph import queries
from graph.stores import StoreSpec
from graph.terms import AKG
from graph.workspace import PRECOMPUTED, STORED_ANSWERS, Workspace

EXTRA = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix akg: <https://w3id.org/aesthetics-kg/ontology#> .
<urn:x:waxer> a akg:Role ; skos:prefLabel "hair waxing specialist"@en .
"""


@pytest.fixture
def spec(tmp_path) -> StoreSpec:
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    return StoreSpec("oxigraph", (extra,), root=tmp_path / "stores")


def test_first_open_precomputes_the_aggregates_and_the_index_beside_the_store(spec):
    ws = Workspace.open(spec)
    assert (ws.cache_dir / "precomputed").is_file() and ws.on_disk("index")
    answers = {p.name.split("-")[0] for p in (ws.cache_dir / "answers").iterdir()}
    assert set(PRECOMPUTED) | {"filter_options"} <= answers <= STORED_ANSWERS
    for name in PRECOMPUTED:
        assert ws.run(name) == queries.run(ws.store, name)  # the same catalogue path, the same rows


def test_a_later_open_answers_aggregates_from_disk_identically(spec):
    first = Workspace.open(spec)
    want = {
        "counts": queries.run(first.store, "counts_by_class"),
        "roles": queries.run(first.store, "filter_options", {"class": AKG.Role}),
        "procedures": queries.run(first.store, "filter_options", {"class": "akg:Procedure"}),
    }
    first.store.close()
    again = Workspace.open(spec)
    assert not again.ready("index")  # nothing was rebuilt on this open
    assert again.load_answers() >= len(PRECOMPUTED) + 1  # what the app reads back before serving (+ roles)
    assert again.run("counts_by_class") == want["counts"]
    assert again.run("filter_options", {"class": "akg:Role"}) == want["roles"]
    assert again.run("filter_options", {"class": AKG.Procedure}) == want["procedures"]
    assert want["roles"] != want["procedures"]
    assert "urn:x:waxer" in {str(r[0]) for r in want["roles"].rows}


def test_search_reads_the_precomputed_index_instead_of_scanning(spec):
    Workspace.open(spec).store.close()
    ws = Workspace.open(spec)
    hits = ws.search("waxing")
    assert [h["entity"] for h in hits] == ["urn:x:waxer"] and ws.ready("index")


def test_memory_and_unpersisted_stores_run_every_query(spec):
    ws = Workspace.open(StoreSpec("oxigraph"))
    assert ws.cache_dir is None
    assert ws.run("counts_by_class") == queries.run(ws.store, "counts_by_class")
