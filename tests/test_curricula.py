"""Saved curricula: save, restart, conflicts, a crash mid-save, export/import, and bad uploads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from graph.curricula import (
    BASE,
    ConflictError,
    Curriculum,
    CurriculumError,
    CurriculumStore,
    Decision,
    Outcome,
    export,
    import_file,
)
from graph.paths import ROOT
from graph.uploads import MAX_BYTES, UploadError, decode, parse

R = "https://w3id.org/aesthetics-kg/resource/"
LHR = Decision(R + "laser-hair-removal", "laser hair removal", 0.44, "accepted")
PEEL = Decision(R + "chemical-peel", "chemical peel", 1.0, "rejected")


def sample(cid: str = "course-1") -> Curriculum:
    return Curriculum(
        cid,
        "Laser course",
        (R + "medical-aesthetician",),
        (Outcome("Perform laser hair removal", "Lasers", (LHR, PEEL)), Outcome("Explain skin types", "Skin")),
    )


def test_saved_curriculum_survives_a_restart(tmp_path):
    store = CurriculumStore(tmp_path / "curricula")
    saved = store.save(sample())
    assert saved.version == 1 and saved.modified
    store.close()
    again = CurriculumStore(tmp_path / "curricula")
    assert again.load("course-1") == saved
    assert again.load("course-1").outcomes[0].accepted() == (R + "laser-hair-removal",)
    (row,) = again.saved()
    assert (row["id"], row["title"], row["version"], row["outcomes"], row["accepted"]) == (
        "course-1",
        "Laser course",
        "1",
        "2",
        "1",
    )


def test_two_editors_of_one_version_the_second_gets_a_conflict_and_nothing_is_lost(tmp_path):
    store = CurriculumStore(tmp_path / "c")
    v1 = store.save(sample())
    alice = Curriculum(v1.id, "Alice's title", v1.roles, v1.outcomes, v1.version)
    bob = Curriculum(v1.id, "Bob's title", v1.roles, v1.outcomes[:1], v1.version)
    assert store.save(alice).version == 2
    with pytest.raises(
        ConflictError, match=r"saved by someone else \(version 2\) after you opened version 1"
    ):
        store.save(bob)
    kept = store.load(v1.id)
    assert kept.title == "Alice's title" and len(kept.outcomes) == 2


def test_each_curriculum_is_its_own_named_graph_queryable_with_sparql(tmp_path):
    store = CurriculumStore(tmp_path / "c")
    store.save(sample("a"))
    store.save(sample("b"))
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    # each curriculum's graph, and beside it the graph keeping version 1 (its history)
    assert [r["g"][len(BASE) :] for r in rows] == ["a", "a/version/1", "b", "b/version/1"]
    assert rows[0]["n"] == rows[2]["n"]
    store.delete("a", 1)
    assert [r["id"] for r in store.saved()] == ["b"]
    with pytest.raises(CurriculumError, match="no saved curriculum 'a'"):
        store.load("a")


def test_bad_ids_and_iris_are_refused(tmp_path):
    store = CurriculumStore(tmp_path / "c")
    with pytest.raises(CurriculumError, match="not a curriculum id"):
        store.load("../etc")
    bad = Curriculum("x", "t", ("not an iri",))
    with pytest.raises(CurriculumError, match="role 'not an iri'"):
        store.save(bad)
    assert store.saved() == []


CRASHER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from graph.curricula import Curriculum, CurriculumStore, Decision, Outcome
    store = CurriculumStore(Path(sys.argv[1]))
    c = store.load("big") if store.saved() else None
    version = c.version if c else 0
    print("ready", flush=True)
    while True:  # every version has as many outcomes as its number x 50: a torn save would show
        n = (version + 1) * 50
        outcomes = tuple(Outcome(f"outcome {i}", "m", (Decision("http://x/i" + str(i), "i", 0.5),)) for i in range(n))
        version = store.save(Curriculum("big", f"v{version + 1}", (), outcomes, version)).version
    """
)


def test_a_crash_in_the_middle_of_saves_leaves_a_whole_version(tmp_path):
    path = tmp_path / "c"
    for delay in (0.6, 1.1):
        child = subprocess.Popen(
            [sys.executable, "-c", CRASHER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert child.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        store = CurriculumStore(path)
        c = store.load("big")
        assert c.version >= 1 and c.title == f"v{c.version}"
        assert len(c.outcomes) == c.version * 50
        store.close()


def test_export_and_import_round_trip_as_trig_jsonld_and_csv(tmp_path):
    saved = CurriculumStore(tmp_path / "c").save(sample())
    for fmt, name in (("trig", "c.trig"), ("jsonld", "c.jsonld"), ("csv", "c.csv")):
        back = import_file(export(saved, fmt).encode("utf-8"), name)
        assert back.outcomes == saved.outcomes, fmt
        assert back.id != saved.id and back.version == 0  # an import is a new curriculum
    assert import_file(export(saved, "trig").encode(), "c.trig").roles == saved.roles
    assert export(saved, "csv").splitlines()[1] == (
        "Lasers,Perform laser hair removal,accepted,https://w3id.org/aesthetics-kg/resource/laser-hair-removal,"
        "laser hair removal,0.44,,,lexical,,,"
    )


def test_plain_text_csv_and_markdown_uploads():
    assert [
        (x.module, x.outcome) for x in parse("- Perform laser hair removal\n\n  explain skin types \n")
    ] == [
        ("", "Perform laser hair removal"),
        ("", "explain skin types"),
    ]
    csv_text = 'Module,Learning outcome\nLasers,"Operate lasers, safely"\nSkin,Explain skin types\n'
    assert [(x.module, x.outcome) for x in parse(csv_text)] == [
        ("Lasers", "Operate lasers, safely"),
        ("Skin", "Explain skin types"),
    ]
    md = "| Module | Outcome |\n| --- | --- |\n| Lasers | Operate lasers |\n| Skin | Explain skin types |\n"
    assert [(x.module, x.outcome) for x in parse(md)] == [
        ("Lasers", "Operate lasers"),
        ("Skin", "Explain skin types"),
    ]
    c = import_file(md.encode("utf-8-sig"), "plan.md")
    assert c.title == "plan" and [o.module for o in c.outcomes] == ["Lasers", "Skin"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (
            "\ufeffModule;Learning Objective\nLasers;Operate lasers, safely\nSkin;Explain skin types\n",
            "x.csv",
        ),
        ("Unit Title\tCompetency\nLasers\tOperate lasers, safely\nSkin\tExplain skin types\n", "x.tsv"),
        ('Module Name,Objectives\nLasers,"Operate lasers, safely"\nSkin,Explain skin types\n', "pasted"),
    ],
)
def test_a_spreadsheets_table_reads_with_its_separator_and_usual_column_names(data, name):
    """Excel in most of Europe writes ';', a sheet copied or saved as .tsv gives tabs; headers vary."""
    assert [(x.module, x.outcome) for x in parse(data.lstrip("\ufeff"), name)] == [
        ("Lasers", "Operate lasers, safely"),
        ("Skin", "Explain skin types"),
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ("Modul,Ergebnis\nA,b\n".encode("latin-1"), "x.csv", "no outcome column"),
        ("caf\xe9 outcome\n".encode("latin-1"), "x.txt", "not UTF-8 text (byte 0xe9 at offset 3)"),
        (b"Module,Topic\nLasers,lasers\n", "x.csv", "no outcome column"),
        (b"| Module | Topic |\n| --- | --- |\n| a | b |\n", "x.md", "no outcome column"),
        (b"x" * (10 * 1024 * 1024), "big.txt", "too big for a curriculum"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "binary file"),
        (b"", "empty.txt", "no outcomes"),
        (b"a" * 5000 + b"\n", "long.txt", "outcome 1 is 5,000 characters"),
        (b"{not json", "c.jsonld", "not JSON-LD"),
        (b'{"title": "t", "roles": "abc", "outcomes": []}', "c.json", "roles: 'abc' is not of type 'array'"),
        (b"<http://x> <http://y> <http://z> .", "c.trig", "expected one akg:Curriculum"),
    ],
)
def test_bad_uploads_get_one_clear_line_and_change_nothing(tmp_path, data, name, message):
    store = CurriculumStore(tmp_path / "c")
    store.save(sample())
    with pytest.raises(UploadError) as exc:
        import_file(data, name)
    assert message in str(exc.value) and "\n" not in str(exc.value) and str(exc.value).startswith(name)
    assert [r["id"] for r in store.saved()] == ["course-1"] and store.load("course-1").version == 1


def test_excels_unicode_text_is_read_as_the_table_it_is():
    """Excel's "Unicode Text (*.txt)" is UTF-16 with a byte-order mark and tabs: it was refused as "a
    binary file, not text" for its zero bytes."""
    sheet = "Module\tLearning objective\r\nLasers\tPerform laser hair removal safely\r\nPeels\tApply a chemical peel\r\n"
    for data in (sheet.encode("utf-16"), sheet.encode("utf-16-be"), b"\xef\xbb\xbf" + sheet.encode()):
        if data[:2] not in (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb"):
            data = b"\xfe\xff" + data  # UTF-16-BE with its mark, as a big-endian writer puts it
        lines = parse(decode(data, "sheet.txt"), "sheet.txt")
        assert [(line.module, line.outcome) for line in lines] == [
            ("Lasers", "Perform laser hair removal safely"),
            ("Peels", "Apply a chemical peel"),
        ]
    with pytest.raises(UploadError, match="binary file"):
        decode(b"\xff\xfe\x00\x00\x00\x00\x00\xd8", "odd.txt")  # a mark, then no UTF-16 text


def test_upload_limits_are_what_decode_says():
    assert decode(b"\xef\xbb\xbfoutcome") == "outcome"  # a BOM is not part of the text
    with pytest.raises(UploadError):
        decode(b"x" * (MAX_BYTES + 1))


def test_history_keeps_every_version_with_who_and_when_and_a_restore_is_a_new_version(tmp_path):
    from dataclasses import replace

    store = CurriculumStore(tmp_path / "c")
    v1 = store.save(sample(), who="alice")
    v2 = store.save(replace(v1, title="Laser course, revised", outcomes=v1.outcomes[:1]), who="bob")
    assert [(r["version"], r["who"], r["title"]) for r in store.versions("course-1")] == [
        ("2", "bob", "Laser course, revised"),
        ("1", "alice", "Laser course"),
    ]
    assert store.load("course-1", 1).outcomes == v1.outcomes and store.load("course-1").version == 2
    v3 = store.restore("course-1", 1, current=2, who="carol")
    assert (v3.version, v3.title, v3.outcomes) == (3, "Laser course", v1.outcomes)
    rows = store.versions("course-1")
    assert [(r["version"], r["who"], r["restored"]) for r in rows] == [
        ("3", "carol", "1"),
        ("2", "bob", ""),
        ("1", "alice", ""),
    ]
    assert all(r["saved"].endswith("Z") for r in rows)
    with pytest.raises(ConflictError):  # a restore is a save: based on a stale version it is refused
        store.restore("course-1", 1, current=2, who="dave")
    assert store.current_version("course-1") == 3 and v2.version == 2
    # PROV-O in the store: version 3 derives from version 1 and revises version 2
    prov = store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?from ?before WHERE { GRAPH ?g "
        "{ ?g prov:wasDerivedFrom ?from ; prov:wasRevisionOf ?before } }"
    )
    assert prov == [{"from": BASE + "course-1/version/1", "before": BASE + "course-1/version/2"}]
    store.delete("course-1", 3)
    assert store.versions("course-1") == [] and store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }") == []


def test_decisions_keep_their_provenance_through_save_reopen_and_sssom(tmp_path):
    from graph import sssom
    from graph.curricula import decide

    proposed = Decision(
        R + "microdermabrasion",
        "microdermabrasion",
        0.532,
        "proposed",
        "Procedure",
        "curated",
        "semantic",
        "similar meaning; shares “microdermabrasion”",
    )
    accepted = decide(proposed, True, "Dana Designer", "2026-12-06T21:00:00Z")
    again = decide(accepted, True, "someone else", "2026-12-07T09:00:00Z")
    assert again == accepted  # an unchanged decision keeps who and when
    rejected = decide(Decision(R + "chemical-peel", "chemical peel", 0.2), False, "", "2026-12-06T21:01:00Z")
    assert (rejected.decided_by, rejected.method) == ("anonymous", "lexical")
    waiting = Decision(
        R + "led-therapy", "LED therapy", 0.3, "proposed", "Procedure", "curated", "lexical", "shares “light”"
    )
    c = Curriculum(
        "prov-1",
        "Peels",
        (),
        (Outcome("Apply chemical peels and microdermabrasion", "", (accepted, rejected, waiting)),),
    )
    store = CurriculumStore(tmp_path / "c")
    saved = store.save(c)
    store.close()
    back = CurriculumStore(tmp_path / "c").load("prov-1")
    assert back == saved and back.outcomes[0].matches == (accepted, rejected, waiting)
    # the provenance is in the saved graph itself, where SPARQL sees it
    trig = export(back, "trig")
    assert "decidedBy" in trig and "Dana Designer" in trig and '"2026-12-06T21:00:00Z"^^' in trig
    assert import_file(trig.encode(), "x.trig").outcomes == back.outcomes
    assert import_file(export(back, "csv").encode(), "x.csv").outcomes == back.outcomes

    curies, rows = sssom.read(sssom.export(back))
    assert (
        curies["semapv"] == "https://w3id.org/semapv/vocab/"
        and curies["akgc"] == "https://w3id.org/aesthetics-kg/curriculum/"
    )
    assert [r["object_id"] for r in rows] == [
        "akgr:microdermabrasion",
        "akgr:chemical-peel",
        "akgr:led-therapy",
    ]
    first, second, third = rows
    assert first["subject_id"] == "akgc:prov-1/outcome/1" and first["predicate_id"] == "skos:relatedMatch"
    assert (
        first["mapping_justification"],
        first["confidence"],
        first["author_id"],
        first["mapping_date"],
    ) == (
        "semapv:ManualMappingCuration",
        "0.532",
        "akgu:dana-designer",
        "2026-12-06",
    )
    assert (
        first["author_label"] == "Dana Designer" and "SemanticSimilarityThresholdMatching" in first["comment"]
    )
    assert (second["predicate_modifier"], second["author_id"]) == ("Not", "akgu:anonymous")
    assert (third["mapping_justification"], third["author_id"], third["mapping_date"]) == (
        "semapv:LexicalMatching",
        "",
        "",
    )


def test_bad_provenance_is_refused(tmp_path):
    store = CurriculumStore(tmp_path / "c")
    for bad, message in (
        (Decision(R + "x", "x", 0.1, "accepted", method="guess"), "method 'guess'"),
        (Decision(R + "x", "x", 0.1, "accepted", decided_at="yesterday"), "decided at 'yesterday'"),
    ):
        with pytest.raises(CurriculumError, match=message):
            store.save(Curriculum("bad-1", "Bad", (), (Outcome("x", "", (bad,)),)))
