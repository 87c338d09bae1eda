"""Loading and stores: local files only, errors with file and line, all or nothing, persisted Oxigraph."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.errors import SourceError, StoreError
from graph.load import MAX_LITERAL_CHARS, load_rdflib, parse_file, sources
from graph.paths import ONTOLOGY, ROOT
from graph.stores import StoreSpec, open_store
from graph.stores.memory import MemoryStore
from graph.stores.oxigraph import OxigraphStore, persisted_oxigraph, prune_stores
from graph.stores.remote import RemoteStore

GOOD = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n"
BROKEN = (
    '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "unterminated .\nex:f ex:g ex:h .\n'
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_turtle_reports_file_line_and_what_was_expected(tmp_path):
    bad = write(
        tmp_path,
        "bad.ttl",
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n ex:x  ex:y ex:z\nex:q ex:r ex:s .\n",
    )
    with pytest.raises(SourceError) as info:
        parse_file(bad)
    err = info.value
    assert err.file == str(bad) and err.line == 3  # the statement that lacks its dot
    assert str(err).startswith(f"{bad}:3:") and "a dot is expected" in str(err).lower()


def test_a_broken_file_leaves_nothing_half_loaded(tmp_path):
    good, bad = write(tmp_path, "good.ttl", GOOD), write(tmp_path, "bad.ttl", BROKEN)
    with pytest.raises(SourceError, match=r"bad\.ttl:3"):
        load_rdflib([good, bad])
    spec = StoreSpec("oxigraph", (good, bad), root=tmp_path / "stores")
    with pytest.raises(SourceError, match=r"bad\.ttl:3"):
        open_store(spec)
    left = list((tmp_path / "stores").glob("*"))
    assert not left, f"no store directory may be left behind: {left}"


@pytest.mark.parametrize("name", ["http://example.org/data.ttl", "file:///etc/passwd.ttl"])
def test_urls_are_never_fetched(name):
    with pytest.raises(SourceError, match="only local files"):
        parse_file(name)


def test_unknown_format_and_missing_file_are_named(tmp_path):
    with pytest.raises(SourceError, match=r"unknown RDF format '\.csv'"):
        parse_file(write(tmp_path, "x.csv", "a,b"))
    with pytest.raises(SourceError, match="no such file"):
        parse_file(tmp_path / "missing.ttl")


def test_persisted_oxigraph_reopens_fast_and_rebuilds_when_a_source_changes(tmp_path):
    extra = write(tmp_path, "extra.ttl", GOOD)
    paths = [ONTOLOGY, extra]
    root = tmp_path / "stores"
    first = persisted_oxigraph(paths, root)
    n = first.triple_count()
    first.close()
    start = time.perf_counter()
    again = persisted_oxigraph(paths, root)
    reopen = time.perf_counter() - start
    assert again.triple_count() == n and reopen < 1.0
    write(tmp_path, "extra.ttl", GOOD + "ex:a ex:b ex:d .\n")
    changed = persisted_oxigraph(paths, root)
    assert changed.triple_count() == n + 1
    assert len(_stores(root)) == 2  # the first is still open (again), so it stays


def _stores(root):
    return sorted(
        p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and "." not in p.name
    )


def test_reimporting_identical_content_reuses_the_store(tmp_path):
    """var/stores grew from 180 to 275 MB after re-importing identical O*NET data: stores were named
    by path and mtime; they are named by content now."""
    extra = write(tmp_path, "extra.ttl", GOOD)
    root = tmp_path / "stores"
    persisted_oxigraph([ONTOLOGY, extra], root).close()
    before = _stores(root)
    os.utime(extra, ns=(1, 1))  # rewritten with the same bytes: only the time differs
    extra.write_text(GOOD, encoding="utf-8")
    again = persisted_oxigraph([ONTOLOGY, extra], root)
    assert _stores(root) == before and len(before) == 1
    assert again.triple_count() == open_store(StoreSpec("memory", (extra,))).triple_count()


def test_a_store_nobody_can_open_again_is_removed_once_nobody_holds_it(tmp_path):
    extra = write(tmp_path, "extra.ttl", GOOD)
    root = tmp_path / "stores"
    old = persisted_oxigraph([ONTOLOGY, extra], root)
    (old_name,) = _stores(root)
    building = root / f".tmp-{os.getpid()}-1"  # a build in progress (a live process): never touched
    building.mkdir()
    write(tmp_path, "extra.ttl", GOOD + "ex:a ex:b ex:d .\n")
    new = persisted_oxigraph([ONTOLOGY, extra], root)
    assert old_name in _stores(root)  # still open here: kept
    old.close()
    removed = prune_stores(root)
    assert [r.name for r in removed] == [old_name] and removed[0].why == "sources changed"
    assert removed[0].bytes > 0 and len(_stores(root)) == 1
    assert not (root / f"{old_name}.json").exists() and building.is_dir()
    assert new.triple_count() > 0
    write(tmp_path, "extra.ttl", GOOD + "ex:a ex:b ex:e .\n")
    new.close()
    persisted_oxigraph([ONTOLOGY, extra], root)  # a build sweeps what nobody holds
    assert len(_stores(root)) == 1


def test_prune_removes_stores_of_an_older_naming_and_everything_on_request(tmp_path):
    root = tmp_path / "stores"
    legacy = root / "0123456789abcdef"  # path+mtime names had no manifest
    legacy.mkdir(parents=True)
    (legacy / "000001.sst").write_bytes(b"x" * 10)
    (root / "fedcba9876543210").mkdir()
    assert [(r.name, r.why) for r in prune_stores(root)] == [
        ("0123456789abcdef", "built by an older version"),
        ("fedcba9876543210", "built by an older version"),
    ]
    legacy.mkdir()
    extra = write(tmp_path, "extra.ttl", GOOD)
    persisted_oxigraph([ONTOLOGY, extra], root).close()  # a build sweeps them too
    assert len(_stores(root)) == 1
    assert len(prune_stores(root, everything=True)) == 1 and _stores(root) == []


def test_data_files_are_loaded_beside_the_ontology(tmp_path):
    extra = write(tmp_path, "extra.ttl", GOOD)
    base = open_store(StoreSpec("memory")).triple_count()
    assert open_store(StoreSpec("memory", (extra,))).triple_count() == base + 1
    assert sources([extra]) == [ONTOLOGY, extra]


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_a_file_saved_with_a_byte_order_mark_loads(tmp_path, kind):
    """Notepad's UTF-8 byte-order mark: "/x.ttl:1:1: \ufeff is not a valid subject or graph name"."""
    data = tmp_path / "mine.ttl"
    data.write_bytes(b"\xef\xbb\xbf@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n")
    store = open_store(StoreSpec(kind, (data,), root=tmp_path / "stores"))
    assert store.query("ASK { <http://example.org/a> <http://example.org/b> <http://example.org/c> }").boolean
    assert [t.subject.value for t in parse_file(data)] == ["http://example.org/a"]
    from graph.validate import validate

    assert validate([data]).conforms


@pytest.mark.parametrize(
    ("value", "message"),
    [("mongodb://x", "unknown --store"), ("", "unknown --store"), ("ftp://x/sparql", "unknown --store")],
)
def test_bad_store_values_are_refused(value, message):
    with pytest.raises(StoreError, match=message):
        StoreSpec.parse(value)


def test_remote_store_refuses_data_files_and_reports_an_unreachable_endpoint(tmp_path):
    with pytest.raises(StoreError, match="--data cannot be used"):
        StoreSpec.parse("http://127.0.0.1:9/sparql", [write(tmp_path, "x.ttl", GOOD)])
    store = RemoteStore("http://127.0.0.1:9/sparql", timeout=2)
    with pytest.raises(StoreError, match="unreachable"):
        store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_memory_and_oxigraph_agree_on_ad_hoc_queries():
    mem, oxi = open_store(StoreSpec("memory")), open_store(StoreSpec("oxigraph"))
    assert isinstance(mem, MemoryStore) and isinstance(oxi, OxigraphStore)
    assert mem.triple_count() == oxi.triple_count()
    q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ASK { ?x skos:altLabel ?l }"
    assert mem.query(q).boolean is oxi.query(q).boolean is True


# `SELECT *` in different orders: the columns come back in the order each query first names its variables.
STAR_QUERIES = (
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 5", ("s", "p", "o")),
    ("SELECT * WHERE { ?o ?p ?s } ORDER BY ?s ?p ?o LIMIT 5", ("o", "p", "s")),
    (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        'SELECT DISTINCT * WHERE { ?item skos:prefLabel ?label ; a ?kind . FILTER(?label != "?x") } '
        "ORDER BY ?item ?label ?kind LIMIT 5",
        ("item", "label", "kind"),
    ),
)


def assert_select_star_in_query_order(store) -> None:
    """Each `SELECT *` answers in the query's order, with the rows an explicit projection gives."""
    for text, order in STAR_QUERIES:
        star = store.query(text)
        explicit = store.query(text.replace("*", " ".join(f"?{v}" for v in order), 1))
        assert (star.vars, star.rows) == (order, explicit.rows) and len(star.rows) == 5, text


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_select_star_columns_come_in_the_querys_own_order(kind):
    """Oxigraph answered `o p s` and rdflib `s o p` to `SELECT * WHERE { ?s ?p ?o }`."""
    assert_select_star_in_query_order(open_store(StoreSpec(kind)))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
 <rdf:Description rdf:about="http://example.org/a"><ex:p>&lol9;</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_billion_laughs_rdfxml_is_refused_in_one_line_with_nothing_left_behind(tmp_path, kind):
    laughs = write(tmp_path, "laughs.rdf", BILLION_LAUGHS)
    root = tmp_path / "stores"
    with pytest.raises(SourceError, match=r"laughs\.rdf:3: DTD entity declarations .* are refused") as info:
        open_store(StoreSpec(kind, (laughs,), root=root))
    assert "\n" not in str(info.value)
    assert not root.exists() or not any(root.iterdir()), "no store directory may be left behind"


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
@pytest.mark.parametrize("name", ["long.nt", "long.ttl"])
def test_an_over_long_literal_is_refused_with_file_line_size_and_limit(tmp_path, kind, name):
    value = "x" * (MAX_LITERAL_CHARS + 1)
    body = (
        f'<http://example.org/a> <http://example.org/p> "short" .\n<http://example.org/a> <http://example.org/q> "{value}" .\n'
        if name.endswith(".nt")
        else f'@prefix ex: <http://example.org/> .\nex:a ex:p "short" .\n\nex:a ex:q """{value}""" .\n'
    )
    path = write(tmp_path, name, body)
    root = tmp_path / "stores"
    line = 2 if name.endswith(".nt") else 4
    with pytest.raises(SourceError) as info:
        open_store(StoreSpec(kind, (path,), root=root))
    assert str(info.value) == (
        f"{path}:{line}: a literal of {MAX_LITERAL_CHARS + 1:,} characters on <http://example.org/a> "
        f"<http://example.org/q>; the limit is {MAX_LITERAL_CHARS:,} characters"
    )
    assert not root.exists() or not any(root.iterdir()), "no store directory may be left behind"


def test_a_store_build_killed_midway_leaves_a_tmp_store_that_the_next_start_sweeps(tmp_path):
    big = tmp_path / "big.nt"
    with big.open("w", encoding="utf-8") as f:
        for i in range(400_000):
            f.write(f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n')
    root = tmp_path / "stores"
    build = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from graph.stores import *; open_store(StoreSpec('oxigraph', (sys.argv[1],), root=__import__('pathlib').Path(sys.argv[2])))",
            str(big),
            str(root),
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while not list(root.glob(".tmp-*")) and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.02)
    build.send_signal(signal.SIGKILL)
    build.wait(10)
    leftovers = list(root.glob(".tmp-*"))
    assert leftovers, "the build was killed before it started; make the file bigger"
    store = open_store(StoreSpec("oxigraph", (big,), root=root))
    assert store.triple_count() > 400_000
    assert [p for p in root.iterdir() if p.name.startswith(".tmp-")] == []


@pytest.mark.parametrize("chunk", [7, 64, 1 << 23])
def test_a_line_based_file_is_checked_for_long_literals_by_its_line_lengths(tmp_path, chunk):
    import pyoxigraph as ox

    from graph.stores.oxigraph import _lines_fit

    short = '<http://example.org/a> <http://example.org/p> "short" .\n' * 50
    fits = write(tmp_path, "fits.nt", short)
    long = write(tmp_path, "long.nt", short + "x" * (MAX_LITERAL_CHARS + 1) + "\n" + short)
    last = write(tmp_path, "last.nt", short + "x" * (MAX_LITERAL_CHARS + 1))  # no newline at the end
    assert _lines_fit(fits, ox.RdfFormat.N_TRIPLES, chunk)
    assert not _lines_fit(long, ox.RdfFormat.N_TRIPLES, chunk)
    assert not _lines_fit(last, ox.RdfFormat.N_QUADS, chunk)
    assert not _lines_fit(
        fits, ox.RdfFormat.TURTLE, chunk
    )  # a Turtle literal may span lines: the store checks


def test_an_over_long_literal_in_a_later_file_is_found_in_its_own_graph(tmp_path):
    ok = write(tmp_path, "ok.ttl", '@prefix ex: <http://example.org/> .\nex:a ex:p "short" .\n')
    bad = write(
        tmp_path,
        "bad.ttl",
        f'@prefix ex: <http://example.org/> .\nex:b ex:q """{"y" * (MAX_LITERAL_CHARS + 1)}""" .\n',
    )
    with pytest.raises(
        SourceError, match=r"bad\.ttl:2: a literal of 1,000,001 characters on <http://example.org/b>"
    ):
        open_store(StoreSpec("oxigraph", (ok, bad), root=tmp_path / "stores"))


def test_a_persisted_build_shows_each_files_progress_and_follows_the_read_position(tmp_path):
    """Oxigraph reads the file itself now (issue 22: 20 % faster than through a Python file object);
    the bar follows the offset of its descriptor, and ends at the file's size."""
    import io

    from graph.stores.oxigraph import _read_position, build_oxigraph

    src = ROOT / "tests" / "fixtures" / "esco-cut.nt"
    out = io.StringIO()
    store = build_oxigraph([src], tmp_path / "store", progress=out)
    assert len(store) > 100
    shown = out.getvalue()
    assert "building store: esco-cut.nt" in shown and "100%" in shown
    with src.open("rb", buffering=0) as f:
        f.read(1000)
        assert _read_position(src) == 1000  # this process's descriptor on the file, read 1,000 bytes in
    assert _read_position(tmp_path / "nothing-open.nt") is None
