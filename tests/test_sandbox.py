"""The query sandbox: what it refuses (and what it must not), time and row limits, same answers as the library."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from rdflib.compare import isomorphic

from graph import queries
from graph.errors import QueryError, QueryTimeout, RefusedQuery, SourceError
from graph.load import load_rdflib
from graph.paths import ROOT
from graph.sandbox import Limits, Sandbox, check, execute
from graph.sandbox.workers import Worker
from graph.stores import QueryDataset, StoreSpec, open_store
from tests.endpoint_server import Listener

R = "https://w3id.org/aesthetics-kg/resource/"


def refused_queries(url: str) -> list[str]:
    """One query of each kind the sandbox must refuse, every one naming the listener's URL."""
    return [
        f"INSERT DATA {{ <{url}a> <{url}b> <{url}c> }}",
        "DELETE WHERE { ?s ?p ?o }",
        f"LOAD <{url}data.ttl>",
        f"LOAD SILENT <{url}data.ttl> INTO GRAPH <{url}g>",
        "CLEAR ALL",
        f"DROP GRAPH <{url}g>",
        f"PREFIX ex: <{url}>\nINSERT {{ ?s ex:p ?o }} WHERE {{ ?s ?p ?o }}",
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    ]


def dataset_queries(url: str) -> list[str]:
    """Queries whose FROM / FROM NAMED name a graph this store does not hold: each runs on an empty graph."""
    return [
        f"SELECT * FROM <{url}x> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}x> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{url}x> WHERE {{ ?s ?p ?o }}",
        f"ASK FROM <{url}x> {{ ?s ?p ?o }}",
        f"DESCRIBE <{url}x> FROM <{url}x>",
    ]


@pytest.fixture(scope="module")
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def memory_box():
    with Sandbox(StoreSpec("memory"), Limits(timeout_s=1.5, max_rows=5)) as box:
        yield box


@pytest.fixture(scope="module")
def oxigraph_box():
    with Sandbox(StoreSpec(), Limits(timeout_s=1.5)) as box:
        yield box


def test_check_refuses_updates_and_service(listener):
    for text in refused_queries(listener.url):
        with pytest.raises(RefusedQuery):
            check(text)
    with pytest.raises(RefusedQuery, match="read-only"):
        check("INSERT DATA { <urn:a> <urn:b> 'c' }")
    with pytest.raises(RefusedQuery, match="read-only"):
        check("INSERT DATA { <urn:a> <urn:b> ")  # a malformed update is still named as an update


def test_check_calls_an_empty_query_empty():
    for text in ("", " \n# nothing\n", "PREFIX a: <http://x/>"):
        with pytest.raises(QueryError, match="the query is empty") as caught:
            check(text)
        assert not isinstance(caught.value, RefusedQuery)  # it was refused as an update


def test_check_refuses_a_query_over_the_length_limit():
    text = "SELECT * WHERE { ?s ?p ?o }" + " " * 100
    with pytest.raises(RefusedQuery, match="too long"):
        check(text, Limits(max_query_chars=100))
    assert check(text, Limits(max_query_chars=len(text))) == "SELECT"


def test_keywords_in_strings_comments_and_iris_are_not_refused():
    texts = {
        'SELECT ?s WHERE { ?s ?p "INSERT DATA { } SERVICE <http://x/> FROM <http://x/>" }': "SELECT",
        "# INSERT DATA { <a:a> <b:b> <c:c> }\nASK { ?s ?p ?o } # LOAD <http://x/>": "ASK",
        "SELECT * WHERE { <http://x/SERVICE/FROM/LOAD> ?p ?o }": "SELECT",
        "PREFIX delete: <http://x/delete#>\nSELECT * WHERE { ?s delete:from ?o }": "SELECT",
        "CONSTRUCT { ?s <http://x/insert> ?o } WHERE { ?s ?p '''DROP ALL''' }": "CONSTRUCT",
        "DESCRIBE <http://x/clear>": "DESCRIBE",
    }
    for text, form in texts.items():
        assert check(text) == form, text


def test_malformed_query_names_line_and_column():
    with pytest.raises(QueryError) as info:
        check("SELECT ?s\nWHERE { ?s ?p }")
    assert not isinstance(info.value, RefusedQuery)
    assert info.value.line == 2 and info.value.column is not None


def test_a_query_that_ends_too_soon_says_so():
    """An unclosed brace read only "Expected SelectQuery": what the parser wanted, not what is wrong."""
    with pytest.raises(QueryError) as info:
        check("SELECT ?s WHERE { ?s ?p ?o \n")
    assert "the query ends before it is complete (a { or ( left open?)" in str(info.value), info.value
    with pytest.raises(QueryError) as info:
        check("SELECT ?s WHERE { ?s ?p } LIMIT 1")
    assert "ends before" not in str(info.value), "an error in the middle is not at the end"


def test_a_syntax_error_quotes_the_text_where_the_parser_stopped():
    """The message alone ("Expected SelectQuery") named what the grammar wanted, never what was written."""
    with pytest.raises(QueryError) as info:
        check("SELECT * WHERE { ?s ?p ?o  LIMIT 2")
    assert str(info.value).startswith("syntax error near 'LIMIT 2': "), info.value
    assert (info.value.line, info.value.column) == (1, 28)
    with pytest.raises(QueryError) as info:
        check("SELECT * WHERE { ?s ?p ?o } LIMT 2 # the rest of a long line is cut\n")
    assert "near 'LIMT 2 # the rest of a…'" in str(info.value), info.value
    with pytest.raises(QueryError) as info:
        check("SELECT ?s WHERE { ?s ?p ?o \n")
    assert " near " not in str(info.value), "nothing follows an error at the end"


def test_refused_queries_make_no_request_through_the_sandbox(listener, memory_box, oxigraph_box):
    before = len(listener.connections)
    for box in (memory_box, oxigraph_box):
        for text in refused_queries(listener.url):
            with pytest.raises(RefusedQuery):
                box.run(text)
    time.sleep(0.3)
    assert listener.connections[before:] == []


def test_from_an_unknown_graph_is_an_empty_graph_and_fetches_nothing(listener, memory_box, oxigraph_box):
    before = len(listener.connections)
    for box in (memory_box, oxigraph_box):
        for text in dataset_queries(listener.url):
            result = box.run(text)
            assert result.rows == () and result.triples == () and not result.boolean, (box.spec.kind, text)
        result = box.run(
            "SELECT * WHERE { ?s ?p ?o }", dataset=QueryDataset((listener.url,), (listener.url,))
        )
        assert result.rows == ()
    time.sleep(0.3)
    assert listener.connections[before:] == []


def test_the_listener_does_record_a_request(listener):
    """The listener is live: without this, 'no request' above would prove nothing."""
    import urllib.request

    before = len(listener.connections)
    with urllib.request.urlopen(listener.url, timeout=5) as resp:
        resp.read()
    assert len(listener.connections) == before + 1


def test_jsonld_remote_context_is_never_fetched(listener, tmp_path):
    source = tmp_path / "remote-context.jsonld"
    source.write_text(
        '{"@context": "' + listener.url + 'context.jsonld", "@id": "http://example.org/x", "name": "x"}',
        encoding="utf-8",
    )
    before = len(listener.connections)
    for load in (lambda: load_rdflib([source]), lambda: open_store(StoreSpec("memory", (source,)))):
        try:
            load()
        except SourceError as exc:
            assert "remote-context.jsonld" in str(exc)
    time.sleep(0.3)
    assert listener.connections[before:] == []


CATASTROPHIC_REGEX = 'SELECT * WHERE { BIND(REGEX("%s!", "(a+)+$") AS ?x) }' % ("a" * 40)
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _runaway_beside_a_normal_query(box: Sandbox, runaway: str) -> None:
    """The runaway is stopped near the limit; a normal query meanwhile answers quickly on another worker."""
    box.run("ASK { ?s ?p ?o }")  # warm one worker; the second starts while the runaway runs
    stopped: dict[str, float] = {}

    def run_away() -> None:
        start = time.monotonic()
        with pytest.raises(QueryTimeout, match="time limit"):
            box.run(runaway)
        stopped["after"] = time.monotonic() - start
        stopped["at"] = time.monotonic()

    thread = threading.Thread(target=run_away)
    thread.start()
    time.sleep(0.2)
    result = box.run("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?class }")
    answered_at = time.monotonic()
    thread.join(15)
    assert int(result.rows[0][0]) > 0
    assert "at" in stopped, "the runaway query was not stopped"
    assert answered_at < stopped["at"]
    assert 1.4 <= stopped["after"] < 1.5 + 3
    assert box.run("ASK { ?s ?p ?o }").boolean is True  # the sandbox still answers after a kill


def test_catastrophic_regex_is_stopped_at_the_time_limit(memory_box):
    _runaway_beside_a_normal_query(memory_box, CATASTROPHIC_REGEX)


def test_huge_cross_join_is_stopped_at_the_time_limit(oxigraph_box):
    _runaway_beside_a_normal_query(oxigraph_box, CROSS_JOIN)


def test_row_cap_truncates_and_says_so(memory_box):
    capped = memory_box.run("SELECT ?s WHERE { ?s a ?class }")
    assert len(capped.rows) == 5 and capped.truncated
    exact = memory_box.run("SELECT ?s WHERE { ?s a ?class } LIMIT 5")
    assert len(exact.rows) == 5 and not exact.truncated
    below = memory_box.run("SELECT ?s WHERE { ?s a ?class } LIMIT 3")
    assert len(below.rows) == 3 and not below.truncated
    triples = memory_box.run("CONSTRUCT WHERE { ?s a ?class }")
    assert len(triples.triples) == 5 and triples.truncated


def test_row_cap_on_oxigraph():
    with Sandbox(StoreSpec(), Limits(max_rows=7)) as box:
        rows = box.run("SELECT * WHERE { ?s ?p ?o }")
        triples = box.run("CONSTRUCT WHERE { ?s ?p ?o }")
        small = box.run("SELECT * WHERE { ?s ?p ?o } LIMIT 2")
    assert (len(rows.rows), rows.truncated) == (7, True)
    assert (len(triples.triples), triples.truncated) == (7, True)
    assert (len(small.rows), small.truncated) == (2, False)


RENDERED = [
    ("role_items", {"role": [R + "esthetician"]}),
    ("search_labels", {"text": "laser"}),
    ("gap_items", {"from": R + "esthetician", "to": R + "dermatologist"}),
    ("construct_subgraph", {"seed": [R + "dermatologist"]}),
]


def test_results_equal_the_library_on_oxigraph(oxigraph_box):
    kg = open_store(StoreSpec())
    for name, params in RENDERED:
        text = queries.render(name, params)
        mine, theirs = oxigraph_box.run(text), queries.run(kg, name, params)
        assert (mine.form, mine.vars, mine.truncated) == (theirs.form, theirs.vars, False)
        assert sorted(mine.rows, key=str) == sorted(theirs.rows, key=str)
        assert isomorphic(mine.graph(), theirs.graph())  # blank node labels differ between loads
        assert mine.rows or mine.triples


def test_results_equal_the_library_on_rdflib(memory_box):
    kg = open_store(StoreSpec("memory"))
    for name, params in [("gap_items", RENDERED[2][1]), ("credential_path", {"role": R + "dermatologist"})]:
        mine, theirs = memory_box.run(queries.render(name, params)), queries.run(kg, name, params)
        assert (mine.form, mine.vars) == (theirs.form, theirs.vars)
        assert sorted(mine.rows, key=str) == sorted(theirs.rows, key=str) and mine.rows
    assert memory_box.run("ASK { ?s a ?c }").boolean is kg.query("ASK { ?s a ?c }").boolean is True


def test_malformed_query_through_the_sandbox_keeps_line_and_column(oxigraph_box):
    with pytest.raises(QueryError) as info:
        oxigraph_box.run("SELECT *\nWHERE {\n  ?s ?p \n}")
    assert info.value.line is not None and info.value.column is not None


# ---------------------------------------------------------------- regression: parallel first queries

FIRST_QUERIES = {
    "class_hierarchy": {},
    "counts_by_class": {},
    "credential_path": {"role": R + "dermatologist"},
    "entity_index": {},
    "filter_options": {"class": "akg:Role"},
    "gap_items": {"from": R + "esthetician", "to": R + "dermatologist"},
    "labour_statistics": {},
    "role_items": {"role": [R + "esthetician"]},
}
_CHILD = """
import sys, threading
from graph import queries
from graph.stores import StoreSpec, open_store
kg = open_store(StoreSpec("memory"))
params = %r
barrier = threading.Barrier(len(params))
errors = []
def first(name):
    barrier.wait()
    try:
        result = queries.run(kg, name, params[name])
        assert result.rows, name
    except BaseException as exc:
        errors.append(f"{name}: {exc!r}")
threads = [threading.Thread(target=first, args=(n,)) for n in params]
[t.start() for t in threads]
[t.join() for t in threads]
print("\\n".join(errors))
sys.exit(1 if errors else 0)
"""


def test_parallel_first_queries_in_fresh_processes_never_corrupt_the_parser():
    code = _CHILD % FIRST_QUERIES

    def fresh(_: int) -> tuple[int, str]:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        return done.returncode, done.stdout + done.stderr[-2000:]

    with ThreadPoolExecutor(3) as pool:
        outcomes = list(pool.map(fresh, range(20)))
    failures = [out for code_, out in outcomes if code_ != 0]
    assert failures == [], failures[0]


def test_workers_are_not_started_at_import_or_construction():
    before = _children()
    box = Sandbox(StoreSpec("memory"))
    assert _children() == before
    box.close()


def _children() -> set[int]:
    import multiprocessing

    return {p.pid for p in multiprocessing.active_children() if p.name.startswith("sandbox-")}


def test_a_malformed_or_refused_query_keeps_its_worker(oxigraph_box):
    oxigraph_box.warm()  # every slot's worker and the spare up first (run alone, the later queries started them)
    oxigraph_box.wait_warm()
    oxigraph_box.run("ASK { ?s ?p ?o }")
    before = _children()
    for text in (
        "SELECT * WHERE {",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "SELECT * WHERE { ?s ?p ?o }",
    ):
        with contextlib.suppress(QueryError):
            oxigraph_box.run(text)
    assert _children() == before and before


def test_a_long_query_drops_to_the_lowest_cpu_priority_and_others_keep_theirs(oxigraph_box):
    oxigraph_box.run("ASK { ?s ?p ?o }")
    errors: list[Exception] = []

    def run_away() -> None:
        try:
            oxigraph_box.run(CROSS_JOIN)
        except QueryTimeout as exc:
            errors.append(exc)

    thread = threading.Thread(target=run_away)
    thread.start()
    time.sleep(1.25)  # past LONG_QUERY_S, before the 1.5 s time limit
    nice = {w.process.pid: os.getpriority(os.PRIO_PROCESS, w.process.pid) for w in oxigraph_box._live}
    thread.join(10)
    assert len(errors) == 1
    values = sorted(nice.values())
    assert values[-1] == 19 and set(values[:-1]) == {5}, nice  # the runaway's worker at 19, idle ones at 5
    oxigraph_box.run("ASK { ?s ?p ?o }")
    assert {os.getpriority(os.PRIO_PROCESS, w.process.pid) for w in oxigraph_box._live} == {5}


def test_a_variable_or_name_called_from_still_queries_the_union(oxigraph_box, memory_box):
    for box in (oxigraph_box, memory_box):
        text = f"PREFIX ex: <{R}>\nSELECT ?from WHERE {{ ex:dermatologist a ?from }} # FROM <urn:x>"
        assert box.run(text).rows, box.spec.kind


def test_both_stores_hold_each_source_as_a_named_graph(tmp_path):
    (tmp_path / "a.trig").write_text(
        f'<{R}a> <{R}p> "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
        f'<urn:g:inside> {{ <{R}b> <{R}p> "x" . }}\n',
        encoding="utf-8",
    )
    (tmp_path / "c.nq").write_text(
        f'<{R}c> <{R}p> "y" <urn:g:quads> .\n<{R}d> <{R}p> "z" .\n', encoding="utf-8"
    )
    files = (tmp_path / "a.trig", tmp_path / "c.nq")
    text = (
        "SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <urn:akg:graph:roles.ttl>) } ORDER BY ?g ?s"
    )
    answers, decimals = [], []
    for kind in ("memory", "oxigraph"):
        store = open_store(StoreSpec(kind, files, root=tmp_path / "stores"))
        answers.append([tuple(str(t) for t in row) for row in execute(store, text).rows])
        (row,) = execute(store, f"SELECT ?o WHERE {{ <{R}a> ?p ?o }}").rows  # no GRAPH: the union
        decimals.append(str(row[0]))
    assert (
        answers[0]
        == answers[1]
        == [
            ("urn:akg:graph:a.trig", f"{R}a"),
            ("urn:akg:graph:c.nq", f"{R}d"),
            ("urn:g:inside", f"{R}b"),
            ("urn:g:quads", f"{R}c"),
        ]
    )
    assert decimals == ["1.50", "1.5"]  # rdflib keeps the lexical form; Oxigraph stores numbers canonically


def test_two_sources_with_one_file_name_are_refused(tmp_path):
    for sub in ("one", "two"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "data.nt").write_text(f"<{R}{sub}> <{R}p> <{R}o> .\n", encoding="utf-8")
    for kind in ("memory", "oxigraph"):
        with pytest.raises(SourceError, match="same file name"):
            open_store(
                StoreSpec(
                    kind, (tmp_path / "one" / "data.nt", tmp_path / "two" / "data.nt"), root=tmp_path / "s"
                )
            )


def test_negative_decimal_is_a_valid_query_not_a_number_error():
    """rdflib's parser negated decimals through Literal.__neg__ and refused `-1.5` with "Not a number"."""
    text = "SELECT ?x ?y WHERE { VALUES ?x { -1.5 } BIND(?x -0.5 AS ?y) FILTER(?x < -1.0) }"
    assert check(text) == "SELECT"
    for kind in ("memory", "oxigraph"):
        (row,) = open_store(StoreSpec(kind)).query(text).rows
        assert (str(row[0]), float(row[1])) == ("-1.5", -2.0), kind


def test_a_result_over_the_byte_limit_is_truncated_like_a_row_cut():
    label = "SELECT ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?l"
    one_value = (
        'SELECT ?v WHERE { BIND("a" AS ?a0) '
        + "".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1}) " for i in range(12)).replace("?a12)", "?v)")
        + "}"
    )
    with Sandbox(StoreSpec(), Limits(max_result_bytes=1000)) as box:
        few = box.run(label)
        assert few.truncated and 0 < len(few.rows) < 100
        assert sum(len(str(r[0])) for r in few.rows) <= 1000
        assert few.rows == open_store().query(label).rows[: len(few.rows)], "the leading rows, in order"
        big = box.run(one_value)  # one value of 4,096 characters
        assert big.truncated and big.rows == ()
        assert not box.run("ASK { ?s ?p ?o }").truncated


def test_a_query_past_the_memory_limit_says_so_in_one_line_without_the_worker_backtrace(tmp_path):
    text = (
        "SELECT * WHERE { ?s ?p ?o "
        + " ".join(f"OPTIONAL {{ ?s{i} ?p{i} ?o{i} }}" for i in range(300))
        + " }"
    )
    query = tmp_path / "optionals.rq"
    query.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "graph", "sparql", "--timeout", "300", str(query)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert run.returncode == 1, run.stderr
    assert run.stderr == "error: the query needed more memory than the limit of 3 GiB\n"


def test_a_worker_killed_by_an_engine_panic_says_so_not_out_of_memory():
    """Regression: an abort from Oxigraph's sort (a Rust panic) was reported as "needed more memory"."""
    worker = Worker.start(StoreSpec(), Limits())
    try:
        os.write(  # what Rust writes to the worker's stderr as it panics, then the abort that follows
            worker.stderr,
            b"thread '<unnamed>' panicked at library/core/src/slice/sort/shared/smallsort.rs:854:5:\n"
            b"user-provided comparison function does not correctly implement a total order\n"
            b"note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
        )
        os.kill(worker.process.pid, signal.SIGABRT)
        worker.process.join(5)
        with pytest.raises(QueryError) as info:
            worker.ask("ASK { ?s ?p ?o }", None, 5)
        assert info.value.message == (
            "the query engine failed on this query (user-provided comparison function does not "
            "correctly implement a total order); please report it"
        )
    finally:
        worker.kill()
    assert worker.stderr == -1


def test_a_text_checked_once_is_not_parsed_again_and_a_refused_one_never_passes(monkeypatch):
    """Regression (issue 22): workers take turns, so each paid rdflib's parse of the same text again
    (20-500 ms a first sight): a repeated catalogue query through /sparql cost 3-10x Virtuoso's."""
    sent: list[tuple[str, bool]] = []
    ask = Worker.ask

    def spy(self, text, dataset, timeout_s, *, checked=False, writers=None):
        sent.append((text, checked))
        return ask(self, text, dataset, timeout_s, checked=checked, writers=writers)

    monkeypatch.setattr(Worker, "ask", spy)
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    refused = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    with Sandbox(StoreSpec(), Limits(timeout_s=5), workers=2) as box:
        answers = [box.run(text).rows for _ in range(3)]
        for _ in range(3):
            with pytest.raises(RefusedQuery, match="read-only"):
                box.run(refused)
    assert answers[0] == answers[1] == answers[2] and int(answers[0][0][0]) > 0
    assert [c for t, c in sent if t == text] == [False, True, True]
    assert [c for t, c in sent if t == refused] == [False, False, False]


def test_execute_skips_only_the_check_it_is_told_was_passed():
    from graph.stores.memory import prepare

    store = open_store(StoreSpec())
    text = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 # checked elsewhere"
    before = prepare.cache_info().misses
    assert execute(store, text, checked=True).rows
    assert prepare.cache_info().misses == before  # rdflib never saw it
    assert execute(store, text).rows
    assert prepare.cache_info().misses == before + 1


def test_wait_warm_returns_once_every_worker_and_the_spare_are_up():
    """The endpoint benchmark times a started endpoint: warm() forks in the background, wait_warm() waits."""
    with Sandbox(StoreSpec(), Limits(timeout_s=30), workers=2) as box:
        box.wait_warm()  # nothing started yet: returns at once
        assert not box._live
        box.warm()
        box.wait_warm()
        assert len(box._live) == 3 and all(w.alive() for w in box._live)  # two workers and the spare
        assert box.run("ASK { ?s ?p ?o }").boolean is True


_SHARED = """
import sys, time
from pathlib import Path
from graph.sandbox import Sandbox
from graph.sandbox.workers import copy_ready
from graph.stores import StoreSpec, oxigraph
from graph.stores.oxigraph import memory_oxigraph
if __name__ == "__main__":
    oxigraph.MEMORY_FIRST_BYTES = int(sys.argv[2])  # these few bytes count as big, or not
    spec = StoreSpec("oxigraph", (Path(sys.argv[1]),), root=Path(sys.argv[1]).parent / "stores")
    box = Sandbox(spec, workers=2, shared=sys.argv[3] == "shared")
    text = "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?o } ORDER BY ?s"
    first = box.run(text).rows  # the forkserver starts, and loads its copy beside its loop
    deadline = time.monotonic() + 30
    while sys.argv[2:] == ["0", "shared"] and not copy_ready(spec) and time.monotonic() < deadline:
        time.sleep(0.05)
    answers = [box.run(text).rows for _ in range(4)]  # both workers, each moved to the copy once loaded
    assert first == answers[0] == answers[-1] == memory_oxigraph(spec.sources()).query(text).rows, answers
    on_copy = [w.shared for w in box._live]
    box.close()
    print("shared copy" if on_copy and all(on_copy) else "own store", len(answers[0]))
"""


@pytest.mark.parametrize(
    ("threshold", "share", "said"),
    [(0, "shared", "shared copy"), (1 << 40, "shared", "own store"), (0, "own", "own store")],
)
def test_workers_of_big_files_share_the_forkservers_copy_in_memory(tmp_path, threshold, share, said):
    data = tmp_path / "extra.ttl"
    data.write_text(
        '<urn:x:a> <http://www.w3.org/2004/02/skos/core#prefLabel> "a"@en .\n'
        '<urn:x:b> <http://www.w3.org/2004/02/skos/core#prefLabel> "b"@en .\n',
        encoding="utf-8",
    )
    script = tmp_path / "shared.py"  # its own process: the forkserver, and what it holds, is per process
    script.write_text(_SHARED, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script), str(data), str(threshold), share],  # own: the command line's one query
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    *where, rows = run.stdout.split()  # the same rows either way: the curated graph's labels and these two
    assert " ".join(where) == said and int(rows) > 2


def test_files_an_app_killed_outright_left_are_swept_and_live_ones_kept(tmp_path):
    """kill -9 of the app left /tmp/akg-shared-<pid>-….ready (and could leave a worker's stderr file)."""
    from graph.sandbox.workers import _sweep

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    gone = int(dead.stdout)
    left = [tmp_path / f"akg-shared-{gone}-ab12.ready", tmp_path / f"akg-worker-{gone}-x1y2.stderr"]
    kept = [
        tmp_path / f"akg-shared-{os.getpid()}-cd34.ready",
        tmp_path / f"akg-worker-{os.getpid()}-z.stderr",
    ]
    for path in left + kept + [tmp_path / "akg-shared-other.ready"]:
        path.write_text("", encoding="utf-8")
    assert sorted(_sweep(tmp_path)) == sorted(left)
    assert all(p.exists() for p in kept) and (tmp_path / "akg-shared-other.ready").exists()
