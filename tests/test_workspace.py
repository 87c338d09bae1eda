"""The workspace on a persisted store: precomputed aggregates, and the warm-up's projections, read back by
the next open (and, during the warm-up, by a reader that waits for them instead of building them)."""

from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import replace

import pytest

from graph import queries, workspace
from graph.errors import StoreError
from graph.stores import StoreSpec, open_store, oxigraph
from graph.terms import AKG
from graph.workspace import CHILD_PART, PARENT_PART, PRECOMPUTED, STORED_ANSWERS, WARM, Workspace

EXTRA = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix akg: <https://w3id.org/aesthetics-kg/ontology#> .
<urn:x:waxer> a akg:Role ; skos:prefLabel "hair waxing specialist"@en .
"""


@pytest.fixture
def spec(tmp_path) -> StoreSpec:
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    return StoreSpec("oxigraph", (extra,), root=tmp_path / "stores")


def test_first_open_precomputes_the_aggregates_beside_the_store(spec):
    ws = Workspace.open(spec)
    assert (ws.cache_dir / "precomputed").is_file()
    assert not ws.on_disk(
        "index"
    )  # the warm-up's first projection, built after serving (6 s on ESCO + O*NET)
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


def test_during_the_warm_up_a_reader_waits_for_the_childs_index_instead_of_building_it(spec, monkeypatch):
    ws = Workspace.open(spec)

    def build_index(*_a, **_k):
        raise AssertionError("the app built the name index itself")

    monkeypatch.setattr(workspace, "build_index", build_index)  # the warm-up's child builds it, not us
    warm_up = ws.warm()
    assert "urn:x:waxer" in ws.index.entries  # waited for the child's file, then read it back
    assert ws.label("urn:x:waxer") == "hair waxing specialist"
    warm_up.join(120)
    assert all(ws.ready(name) for name in WARM) and ws.vocabulary.complete("urn:x:wax") == ["urn:x:waxer"]


def test_search_reads_the_kept_index_instead_of_scanning(spec):
    Workspace.open(spec).warm().join(120)
    ws = Workspace.open(spec)
    hits = ws.search("waxing")
    assert [h["entity"] for h in hits] == ["urn:x:waxer"] and ws.ready("index")


def test_memory_and_unpersisted_stores_run_every_query(spec):
    ws = Workspace.open(StoreSpec("oxigraph"))
    assert ws.cache_dir is None
    assert ws.run("counts_by_class") == queries.run(ws.store, "counts_by_class")


def test_a_first_start_of_big_files_serves_from_memory_while_the_warm_up_writes_the_store(spec, monkeypatch):
    monkeypatch.setattr(oxigraph, "MEMORY_FIRST_BYTES", 0)  # these few bytes count as big
    ws = Workspace.open(spec, memory_first=True)
    assert ws.store_pending and not oxigraph.built(spec.sources(), spec.root)
    assert ws.run("filter_options", {"class": AKG.Role}).rows  # answered from memory (and kept)
    waiting = []  # the endpoint's workers wait for the written store instead of building their own
    waiter = threading.Thread(
        target=lambda: waiting.append(open_store(replace(spec, written_by=os.getpid())))
    )
    waiter.start()
    built_here = []  # the two cores share the projections: this process builds its part from its copy
    for name, fn in (("index", workspace.build_index), ("role_items", workspace.role_items)):
        monkeypatch.setattr(
            workspace, fn.__name__, lambda *a, _n=name, _f=fn, **k: built_here.append(_n) or _f(*a, **k)
        )
    monkeypatch.setattr(workspace, "entity_graph", lambda *_a: pytest.fail("the child's part was built here"))
    warmed = []  # then the app starts the endpoint's workers (their copy of the store), not beside the warm-up
    ws.warm(later=False, warmed=lambda: warmed.append(all(ws.ready(name) for name in WARM))).join(120)
    waiter.join(60)
    assert (
        warmed == [True]
        and built_here == ["index", "role_items"]
        and set(PARENT_PART) | set(CHILD_PART) == set(WARM)
    )
    assert oxigraph.built(spec.sources(), spec.root) and all(ws.ready(name) for name in WARM)
    assert waiting and "urn:x:waxer" in {
        str(r[0]) for r in queries.run(waiting[0], "search_labels", {"text": "wax"}).rows
    }
    waiting[0].close()
    again = Workspace.open(spec, memory_first=True)  # a later start opens the store written to disk
    assert not again.store_pending and again.run("counts_by_class") == ws.run("counts_by_class")
    assert again.index.entries.keys() == ws.index.entries.keys()


def test_waiting_for_a_store_nobody_writes_is_a_clear_error(spec, monkeypatch):
    monkeypatch.setattr(oxigraph, "WAIT_FOR_BUILD_S", 0.3)
    with pytest.raises(StoreError, match="still being written to disk after 0 s"):
        open_store(replace(spec, written_by=os.getpid()))
    child = subprocess.Popen(["sleep", "0"])
    child.wait()  # a process that has stopped
    with pytest.raises(StoreError, match="the process writing the store to disk has stopped"):
        open_store(replace(spec, written_by=child.pid))


def test_a_warm_start_of_big_files_moves_to_a_copy_in_memory_with_the_same_answers(spec, monkeypatch):
    Workspace.open(spec).store.close()  # built on disk
    monkeypatch.setattr(oxigraph, "MEMORY_FIRST_BYTES", 0)
    ws = Workspace.open(spec, memory_first=True)
    disk_store = ws.store
    assert not ws.store_pending  # built: served from disk at once
    names = ("counts_by_class", "entity_index", "vocabulary_terms")
    want = {q: sorted(queries.run(disk_store, q).rows, key=repr) for q in names}  # (in any order)
    ws.to_memory().join(60)
    assert ws.store is not disk_store
    assert {q: sorted(queries.run(ws.store, q).rows, key=repr) for q in names} == want
    monkeypatch.setattr(oxigraph, "MEMORY_FIRST_BYTES", 1 << 40)  # small files stay on disk
    assert Workspace.open(spec).to_memory() is None


def test_the_warm_up_child_reads_big_files_from_a_copy_in_memory_even_once_the_store_is_built(
    spec, monkeypatch
):
    Workspace.open(spec).store.close()  # built on disk
    loaded = []  # a restart whose projections must be built again (new query files) builds them from memory
    memory = oxigraph.memory_oxigraph
    monkeypatch.setattr(oxigraph, "memory_oxigraph", lambda paths: loaded.append(paths) or memory(paths))
    monkeypatch.setattr(oxigraph, "MEMORY_FIRST_BYTES", 0)
    child = Workspace.open(spec, memory_first=True, in_memory=True)
    assert loaded and not child.store_pending  # the on-disk store is there: nothing to write
    app = Workspace.open(spec, memory_first=True)  # the app itself serves from disk at once (then to_memory)
    assert len(loaded) == 1 and not app.store_pending
    assert queries.run(child.store, "counts_by_class") == queries.run(app.store, "counts_by_class")
