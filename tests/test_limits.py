"""One set of curriculum limits on every path (upload, paste, save, import, API), finite numbers, quotas, safe CSV."""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import json

import pytest
from dash import no_update

from graph import cells, limits
from graph.curricula import (
    AKG,
    Curriculum,
    CurriculumStore,
    Decision,
    Outcome,
    QuotaError,
    export,
    from_json,
    import_file,
    to_json,
)
from graph.errors import GraphError
from graph.terms import AKGR
from graph.ui.callbacks import curriculum_saved as S
from graph.ui.callbacks import curriculum_tab as T
from graph.ui.callbacks import curriculum_views as V
from graph.ui.context import app_context

MA = str(AKGR["medical-aesthetician"])
LHR = str(AKGR["laser-hair-removal"])


def one(text: str, score: float = 0.5) -> Curriculum:
    return Curriculum("c1", "Course", (MA,), (Outcome(text, "M", (Decision(LHR, "laser", score),)),))


def csv_of(outcomes: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([("module", "outcome"), *(("M", o) for o in outcomes)])
    return buf.getvalue()


@pytest.fixture()
def ws(ui_app):
    with ui_app.server.test_request_context():  # callbacks read the session (who may save)
        yield app_context().ws


# every over-limit input, as the file (or pasted text) it arrives in, and the words of its refusal
OVER = {
    "outcome length": (csv_of(["x" * (limits.MAX_OUTCOME_CHARS + 1)]), "1,001 characters (at most 1,000)"),
    "outcome count": (csv_of([f"outcome {i}" for i in range(limits.MAX_OUTCOMES + 1)]), "(at most 2,000)"),
    "file size": ("x\n" * (limits.MAX_FILE_BYTES // 2 + 1), "(at most 1,000,000)"),
    "module length": (csv_of(["fine"]).replace("M,", "M" * 201 + ",", 1), "(at most 200)"),
}


@pytest.mark.parametrize("case", sorted(OVER))
def test_every_limit_is_refused_in_one_line_on_upload_paste_and_import(ws, tmp_path, case):
    text, words = OVER[case]
    contents = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
    upload = T.upload(contents, "plan.csv", [MA])
    paste = T.propose_matches(1, text, "t", [MA], None)
    with pytest.raises(GraphError) as imported:
        import_file(text.encode(), "plan.csv")
    for message in (upload[2], paste[2], str(imported.value)):
        assert words in message and "\n" not in message, (case, message)
    assert upload[0] is no_update and paste[0] is no_update  # nothing taken in


@pytest.mark.parametrize(
    ("c", "words"),
    [
        (one("x" * 1_001), "outcome 1 is 1,001 characters (at most 1,000)"),
        (one("ok", float("nan")), "not a finite number"),
        (one("ok", float("inf")), "not a finite number"),
        (Curriculum("c1", "t", (), tuple(Outcome(f"o{i}") for i in range(2_001))), "2,001 outcomes"),
        (Curriculum("c1", "T" * 201, ()), "the title is 201 characters (at most 200)"),
    ],
)
def test_every_limit_is_refused_on_save_and_by_the_api_check_and_nothing_is_saved(tmp_path, c, words):
    store = CurriculumStore(tmp_path / "c")
    for attempt in (lambda: store.save(c), lambda: limits.check_curriculum(c)):
        with pytest.raises(GraphError) as refused:
            attempt()
        assert words in str(refused.value) and "\n" not in str(refused.value)
    assert store.saved() == []


def test_ten_saves_of_two_megabyte_outcomes_are_refused_through_the_save_callback(ws):
    doc = to_json(one("x" * 1_900_000))
    for _ in range(10):
        _, message, _ = S.save(1, doc, "Big", [MA])
        assert "outcome 1 is 1,900,000 characters (at most 1,000)" in message
    assert not any(r["title"] == "Big" for r in S.curricula_store().saved())


def test_what_an_upload_accepts_a_save_accepts(ws):
    outcomes = [f"{i:04d} " + "perform laser hair removal safely " * 14 for i in range(limits.MAX_OUTCOMES)]
    data = csv_of(outcomes).encode()
    assert limits.MAX_FILE_BYTES - 50_000 < len(data) <= limits.MAX_FILE_BYTES  # a maximal upload
    contents = "data:text/csv;base64," + base64.b64encode(data).decode()
    doc, _view, message, _title = T.upload(contents, "max.csv", [MA])
    if doc is no_update:  # refused: then at upload, in one line, never later at save
        assert "(at most" in message and "\n" not in message
        return
    assert len(json.dumps(doc, ensure_ascii=False).encode()) <= limits.MAX_CURRICULUM_BYTES
    saved, message, _ = S.save(1, doc, "max", [MA])
    assert saved["version"] == 1, message


def test_a_two_hundred_thousand_character_cell_gets_its_one_line(tmp_path):
    text = 'module,outcome\nM,"' + "x" * 200_000 + '"\n'
    with pytest.raises(GraphError) as exc:
        import_file(text.encode(), "huge.csv")
    message = str(exc.value)
    assert message.startswith("huge.csv: line 2: a cell is over 131,072 characters") and "\n" not in message


def test_nan_and_infinity_are_refused_from_the_browser_and_in_imports():
    for bad in ("NaN", "Infinity", "-Infinity"):
        doc = to_json(one("ok"))
        doc["outcomes"][0]["matches"][0]["score"] = float(bad)
        with pytest.raises(GraphError, match="not a finite number"):
            from_json(json.loads(json.dumps(doc)))
    for score in ("inf", "nan"):
        exported = export(one("ok"), "csv").replace("0.5", score)
        with pytest.raises(GraphError) as exc:
            import_file(exported.encode(), "c.csv")
        assert (
            str(exc.value)
            == f"c.csv:2: score '{score}' is not a finite number (NaN and Infinity are refused)"
        )
    trig = export(one("ok"), "trig").replace('"0.5"', '"NaN"')
    assert '"NaN"^^' in trig
    with pytest.raises(GraphError) as exc:
        import_file(trig.encode(), "c.trig")
    assert "is not a finite number" in str(exc.value) and str(exc.value).startswith("c.trig: ")


def test_a_stored_curriculum_with_legacy_nan_scores_can_always_be_opened(tmp_path):
    store = CurriculumStore(tmp_path / "c")
    store.save(one("ok"))
    # what older versions stored: a NaN score, written straight into the store
    store.store.update(
        f'DELETE {{ GRAPH ?g {{ ?m <{AKG}score> ?s }} }} INSERT {{ GRAPH ?g {{ ?m <{AKG}score> "NaN"^^'
        f"<http://www.w3.org/2001/XMLSchema#double> }} }} WHERE {{ GRAPH ?g {{ ?m <{AKG}score> ?s }} }}"
    )
    c = store.load("c1")
    assert c.outcomes[0].matches[0].score == 0.0
    json.dumps(to_json(c), allow_nan=False)  # the page can be sent: no NaN in it
    assert store.save(c).version == 2  # and saved again


def test_quota_of_curricula_per_owner_and_of_saves_a_minute(tmp_path):
    store = CurriculumStore(tmp_path / "c", saves_per_minute=10_000)
    for n in range(limits.MAX_CURRICULA_PER_OWNER):
        store.save(Curriculum(f"q{n}", "t"), owner="address:a")
    with pytest.raises(QuotaError) as exc:
        store.save(Curriculum("one-more", "t"), owner="address:a")
    assert str(exc.value) == (
        "you have 100 saved curricula, the most one designer may keep (MAX_CURRICULA_PER_OWNER 100); "
        "delete one or save over one"
    )
    assert (
        store.save(Curriculum("q0", "t", version=1), owner="address:a").version == 2
    )  # saving over one is fine
    assert store.save(Curriculum("theirs", "t"), owner="address:b").version == 1  # another owner is not held
    store.delete("q1", 1)
    assert store.save(Curriculum("one-more", "t"), owner="address:a").version == 1  # room again
    rated = CurriculumStore(tmp_path / "r")
    c = rated.save(Curriculum("fast", "t"), owner="address:a")
    for _ in range(limits.SAVES_PER_MINUTE - 1):
        c = rated.save(c, owner="address:a")
    with pytest.raises(QuotaError, match=r"^20 saves a minute is the most one designer may make"):
        rated.save(c, owner="address:a")
    assert rated.load("fast").version == limits.SAVES_PER_MINUTE


def test_the_owner_is_never_exported(tmp_path):
    store = CurriculumStore(tmp_path / "c")
    saved = store.save(one("ok"), owner="address:secret")
    assert all("secret" not in export(saved, fmt) for fmt in ("trig", "jsonld", "csv"))
    assert [r["id"] for r in store.saved()] == ["c1"]


HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1",
    "-2+3",
    "\tx",
    "\r=1",
    "'quoted",
    "plain",
]


def test_csv_exports_open_as_text_and_read_back_losslessly():
    c = Curriculum(
        "c1",
        "Course",
        (MA,),
        tuple(
            Outcome(text, "=module" if n == 0 else "", (Decision(LHR, "=label", 0.5),))
            for n, text in enumerate(HOSTILE)
        ),
    )
    text = export(c, "csv")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    for row in rows:
        for cell in row:
            assert not cell.startswith(cells.FORMULA_LEADS), row  # a spreadsheet sees text
    assert [r[1] for r in rows][:3] == ["'" + h for h in HOSTILE[:3]] and rows[-1][1] == "plain"
    back = import_file(text.encode(), "c.csv")
    assert [o.text for o in back.outcomes] == [h.strip() for h in HOSTILE]
    assert back.outcomes[0].module == "=module" and back.outcomes[0].matches[0].label == "=label"
    for fmt, name in (("trig", "c.trig"), ("jsonld", "c.jsonld")):
        assert import_file(export(c, fmt).encode(), name).outcomes == c.outcomes


def test_the_plan_csv_neutralises_formula_labels_too(ws):
    from graph import curriculum as P

    plan, labels = ws.curriculum([MA])
    first = plan.items[0]
    evil = {**labels, first.item: "=HYPERLINK(1)"}
    hostile = P.Plan(plan.roles, (dataclasses.replace(first, label="=HYPERLINK(1)"),), ())
    for row in csv.reader(io.StringIO(P.to_csv(hostile, evil))):
        assert not any(cell.startswith(cells.FORMULA_LEADS) for cell in row), row


def test_heavy_work_is_admitted_per_client_and_in_all():
    gate = limits.Gate(per_client=1, total=2)
    with gate.admitted("a"):
        with pytest.raises(limits.LimitError, match=r"HEAVY_PER_CLIENT 1"), gate.admitted("a"):
            pass
        with gate.admitted("b"), pytest.raises(limits.LimitError, match=r"HEAVY_TOTAL 2"), gate.admitted("c"):
            pass
    with gate.admitted("a"), gate.admitted("c"):  # all released: admitted again
        pass


def test_proposals_are_sent_a_page_at_a_time(ws):
    text = "\n".join(f"laser hair removal {i}" for i in range(120))
    doc, view, _ = T.propose_matches(1, text, "t", [MA], None)
    assert len(doc["outcomes"]) == 120 and view[0].children == "Proposals for 120 outcomes (outcomes 1–50)"
    assert len([b for b in view if getattr(b, "className", "") == "outcome"]) == V.PAGE
    third = T.turn_page([3], doc)
    assert third[0].children == "Proposals for 120 outcomes (outcomes 101–120)"
    ids = [b.children[1].id["outcome"] for b in third if getattr(b, "className", "") == "outcome"]
    assert ids == list(range(100, 120))  # ticks name the outcome in the whole curriculum


def test_saving_over_a_stored_version_writes_each_triple_once(tmp_path):
    # one DELETE/INSERT whose WHERE held the old triples wrote the INSERT template once per old triple:
    # a 100-outcome curriculum's second save grew past 3.5 GB; now each save is a delete, then an insert
    store = CurriculumStore(tmp_path / "c", saves_per_minute=1_000)
    c = Curriculum(
        "big",
        "t",
        (),
        tuple(Outcome(f"outcome {i}", "m", (Decision(LHR, "laser", 0.5),)) for i in range(200)),
    )
    for _ in range(3):
        c = store.save(c)
    assert store.load("big") == c and c.version == 3
    assert len(store.store) < 4 * 3 * 2_500  # the current graph and three versions, ~2,400 quads each


def test_the_docs_list_every_limit_with_its_figure():
    from graph.paths import ROOT

    text = (ROOT / "docs" / "curricula.md").read_text(encoding="utf-8")
    for name, figure, what in limits.LIMITS:
        assert f"| `{name}` | {figure:,} | {what} |" in text, name


def test_a_curriculum_keeps_its_last_max_versions(tmp_path):
    store = CurriculumStore(tmp_path / "c", saves_per_minute=1_000)
    c = Curriculum("many", "t")
    for _ in range(limits.MAX_VERSIONS + 3):
        c = store.save(c)
    kept = [int(v["version"]) for v in store.versions("many")]
    assert kept == list(range(limits.MAX_VERSIONS + 3, 3, -1))  # the newest 50, newest first
