"""The Curriculum tab's callbacks called directly in the app's context: plan, proposals, decisions, save, coverage."""

from __future__ import annotations

import base64

import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

from graph import curricula as K
from graph.terms import AKGR
from graph.ui.callbacks import curriculum_export as E
from graph.ui.callbacks import curriculum_saved as S
from graph.ui.callbacks import curriculum_tab as T
from graph.ui.callbacks import curriculum_views as V
from graph.ui.context import app_context

MA, AMLT = str(AKGR["medical-aesthetician"]), str(AKGR["aesthetic-medical-laser-technician"])
LHR = str(AKGR["laser-hair-removal"])


@pytest.fixture()
def ws(ui_app):
    with ui_app.server.test_request_context():  # callbacks read the session (who may save)
        yield app_context().ws


def triggered(prop_id: str, value=None, inputs_list=None):
    """Run a callback as Dash would after `prop_id` changed (ctx.triggered_id and inputs_list)."""
    context_value.set(
        AttributeDict(
            triggered_inputs=[{"prop_id": prop_id, "value": value}],
            inputs_list=inputs_list or [],
            states_list=[],
            outputs_list=[],
        )
    )


def test_plan_table_and_briefs(ws):
    rows, creds, summary = T.plan([MA, AMLT])
    assert rows[0]["module"] == "common core" and "3 every role needs" in str(summary)
    core = summary[1]
    assert [li.children for li in core.children[1].children] == [r["item"] for r in rows[:3]]
    assert any("National Council on Laser Excellence" in str(li.children) for li in creds[1].children)
    triggered("cur-plan-md.n_clicks", 1)
    brief = T.plan_download(1, None, None, [MA, AMLT])
    assert brief["filename"] == "curriculum.md" and "## Common core" in brief["content"]


def test_paste_decide_save_reload_and_coverage(ws, tmp_path):
    doc, view, msg = T.propose_matches(
        1, "Lasers,Perform laser hair removal\n", "Laser course", [MA, AMLT], None
    )
    assert msg.startswith("1 outcomes read")
    assert doc["outcomes"][0]["matches"][0]["item"].endswith("laser-hair-removal")
    checklist = view[2].children[1]
    assert checklist.id == {"type": "cur-accept", "outcome": 0} and checklist.value == []
    ident = {"type": "cur-accept", "outcome": 0}
    triggered(
        '{"outcome":0,"type":"cur-accept"}.value',
        [LHR],
        [[{"id": ident, "property": "value", "value": [LHR]}]],
    )
    doc = T.decisions([[LHR]], doc)
    decisions = [m["decision"] for m in doc["outcomes"][0]["matches"]]
    assert decisions[0] == "accepted" and set(decisions[1:]) == {"rejected"}
    stamped = doc["outcomes"][0]["matches"][0]
    assert stamped["decided_by"] == "anonymous" and stamped["decided_at"].endswith("Z")
    saved, message, options = S.save(1, doc, "Laser course", [MA, AMLT])
    assert saved["version"] == 1 and "version 1" in message
    assert any(o["value"] == saved["id"] for o in options)
    # a second browser still on version 0 gets a conflict, and the saved version stays
    _, clash, _ = S.save(1, doc, "Other title", [MA])
    assert "saved by someone else" in clash
    back, _view, opened, title, roles, text, listed = S.open_saved(1, saved["id"])
    assert {MA, AMLT} <= {o["value"] for o in listed}  # the picker lists the roles it ticks
    assert text == "Lasers,Perform laser hair removal"  # no header: one plain outcome, no module
    # proposing again from the editor keeps the decisions already taken
    again, _v, _m = T.propose_matches(2, text, "Laser course", [MA, AMLT], back)
    assert again["outcomes"] == back["outcomes"] and again["version"] == 1
    assert back["version"] == 1 and title == "Laser course" and roles == [MA, AMLT] and "version 1" in opened
    cov = E.coverage(back, [MA, AMLT])
    text = str(cov)
    # laser hair removal is optional for both roles: no essential item covered, one optional one
    assert "covers 0 of 5 essential items (0 %)" in text and "covers 0 of 7 essential items (0 %)" in text
    assert "missing 7, in learning order" in text and "also covers 1 optional item" in text


def test_bad_upload_is_one_line_and_changes_nothing(ws):
    contents = "data:application/octet-stream;base64," + base64.b64encode(b"\x00\x01PK\x03\x04").decode()
    doc, view, msg, title = T.upload(contents, "slides.pptx", [MA])
    assert doc is no_update and view is no_update and title is no_update
    assert msg == "slides.pptx: this is a binary file, not text; upload .txt, .csv or .md"


def test_uploaded_export_comes_back_with_its_decisions(ws):
    c = K.Curriculum(
        "x1",
        "Imported",
        (MA,),
        (K.Outcome("laser hair removal", "", (K.Decision(LHR, "laser hair removal", 1.0, "accepted"),)),),
    )
    contents = "data:text/csv;base64," + base64.b64encode(K.export(c, "csv").encode()).decode()
    doc, _view, msg, title = T.upload(contents, "mine.csv", [MA])
    assert msg == "mine.csv: 1 outcomes read."
    assert doc["outcomes"][0]["matches"][0]["decision"] == "accepted" and title == "mine"
    assert doc["version"] == 0 and doc["id"] != "x1"


def test_ten_megabytes_pasted_or_uploaded_get_a_message_not_a_silent_413(ui_app):
    body = (
        b'{"output": "x", "inputs": [{"id": "cur-text", "property": "value", "value": "'
        + b"x" * (10 << 20)
        + b'"}]}'
    )
    client = ui_app.server.test_client()
    r = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert r.status_code == 200
    message = r.get_json()["response"]["cur-message"]["children"]
    assert message.startswith("What you sent is over 4,000,000 bytes") and "split it" in message
    big = client.post("/sparql", data=b"x" * (3 << 20), content_type="application/sparql-query")
    assert big.status_code == 413  # other routes keep their own answer


def test_pasting_over_a_megabyte_is_refused_in_one_line(ws):
    doc, view, msg = T.propose_matches(1, "laser hair removal\n" * 60_000, "t", [MA], None)
    assert doc is no_update and view is no_update and "too big for a curriculum" in msg


def test_editor_text_of_a_curriculum_with_modules_reads_back_the_same():
    from graph.uploads import parse

    c = K.Curriculum("x", "t", (), (K.Outcome("Operate lasers, safely", "Lasers"), K.Outcome("Peel", "Skin")))
    text = V.outcomes_text(c)
    assert [(x.module, x.outcome) for x in parse(text)] == [
        ("Lasers", "Operate lasers, safely"),
        ("Skin", "Peel"),
    ]


def test_once_a_designer_exists_the_tab_saves_and_deletes_only_when_signed_in(ui_app, tmp_path):
    from flask import session

    from graph.ui import auth
    from graph.users import Users

    users = Users(tmp_path / "users")
    users.add("alice", "correct horse battery")
    ext = ui_app.server.extensions
    before = ext["akg-users"]
    ext["akg-users"] = users
    try:
        doc = K.to_json(K.Curriculum("signed-out", "Signed out", (), (K.Outcome("Keep records"),)))
        with ui_app.server.test_request_context():
            assert S.save(1, doc, "Signed out", []) == (no_update, S.SIGN_IN_TO_WRITE, no_update)
            assert S.delete_saved(1, "signed-out") == (no_update, S.SIGN_IN_TO_WRITE)
            assert "Sign in" in str(S.auth_note())
            session["designer"] = "alice"  # as the sign-in page leaves it
            saved, msg, _options = S.save(1, doc, "Signed in", [])
            assert saved["version"] == 1 and msg.startswith("Saved")
            assert auth.designer() == "alice"
            assert [r["who"] for r in S.curricula_store().versions("signed-out")] == ["alice"]
            assert S.list_versions(saved)[0]["label"].endswith("by alice")
            assert S.delete_saved(1, "signed-out")[1] == "Deleted curriculum signed-out and its history."
    finally:
        ext["akg-users"] = before


def test_plan_and_curriculum_download_as_case_and_json_and_a_restore_from_the_tab(ws):
    import json

    from graph import case

    triggered("cur-plan-case.n_clicks", 1)
    brief = T.plan_download(None, None, 1, [MA, AMLT])
    assert brief["filename"] == "curriculum-case.json" and case.problems(json.loads(brief["content"])) == []
    c = K.Curriculum(
        "tab-export",
        "Tab export",
        (MA,),
        (
            K.Outcome(
                "Perform laser hair removal",
                "Lasers",
                (K.Decision(LHR, "laser hair removal", 0.9, "accepted"),),
            ),
        ),
    )
    triggered("cur-export-case.n_clicks", 1)
    assert (
        case.problems(
            json.loads(E.export(None, None, None, 1, None, None, None, None, K.to_json(c), [])["content"])
        )
        == []
    )
    triggered("cur-export-json.n_clicks", 1)
    exported = E.export(None, None, None, None, 1, None, None, None, K.to_json(c), [])
    back = K.import_file(exported["content"].encode(), exported["filename"])  # the upload reads it back
    assert (back.title, back.outcomes, back.version) == (c.title, c.outcomes, 0) and back.id != c.id
    # history in the tab: save twice, restore the first as a third version
    v1 = S.save(1, K.to_json(c), "Tab export", [MA])[0]
    v2 = S.save(1, {**v1, "outcomes": []}, "Tab export, emptied", [MA])[0]
    assert [o["value"] for o in S.list_versions(v2)] == ["2", "1"]
    doc, _view, msg, _options = S.restore(1, "1", v2)
    assert (doc["version"], doc["title"], len(doc["outcomes"])) == (3, "Tab export", 1)
    assert msg == "Restored version 1 of “Tab export” as version 3."
    assert S.restore(1, "1", v2)[2].startswith("'Tab export' was saved by someone else (version 3)")


def test_an_outcome_teaching_two_things_accepts_both_and_coverage_counts_each(ws):
    peel, mdab = str(AKGR["chemical-peel"]), str(AKGR["microdermabrasion"])
    doc, view, _msg = T.propose_matches(1, "Apply chemical peels and microdermabrasion", "Peels", [MA], None)
    items = [m["item"] for m in doc["outcomes"][0]["matches"]]
    assert peel in items and mdab in items
    scores = [m["score"] for m in doc["outcomes"][0]["matches"]]
    assert scores == sorted(scores, reverse=True)  # ordered by the one score shown
    first = view[2].children[1].options[0]["label"]
    shown = " ".join(str(c.children) for c in first.children)
    assert f"{round(scores[0] * 100)} %" in shown and "procedure, curated" in shown and "proposed" in shown
    ident = {"type": "cur-accept", "outcome": 0}
    triggered(
        '{"outcome":0,"type":"cur-accept"}.value',
        [peel, mdab],
        [[{"id": ident, "property": "value", "value": [peel, mdab]}]],
    )
    doc = T.decisions([[peel, mdab]], doc)
    c = K.from_json(doc)
    assert set(c.outcomes[0].accepted()) == {peel, mdab} and set(c.taught()) == {peel, mdab}
    view = V.proposals_view(c)
    labels = [" ".join(str(x.children) for x in o["label"].children) for o in view[2].children[1].options]
    assert sum("accepted" in x for x in labels) == 2
    per_role, _extra, _labels = ws.coverage([MA], c.taught())
    # each accepted item counts (the peel as the O*NET task it is merged with by an exact match)
    assert len(per_role[0].optional_covered) == 2 and mdab in per_role[0].optional_covered

    triggered("cur-coverage-csv.n_clicks", 1)
    csv_file = E.export(None, None, None, None, None, None, 1, None, doc, [MA])
    assert csv_file["content"].splitlines()[0] == "role,role_label,status,item,label"
    assert f"{mdab},microdermabrasion" in csv_file["content"]
    triggered("cur-coverage-md.n_clicks", 1)
    brief = E.export(None, None, None, None, None, None, None, 1, doc, [MA])
    assert brief["filename"].endswith(".md") and "## medical aesthetician" in brief["content"]
    assert "- microdermabrasion" in brief["content"]
    triggered("cur-export-sssom.n_clicks", 1)
    tsv = E.export(None, None, None, None, None, 1, None, None, doc, [MA])
    assert tsv["filename"].endswith(".sssom.tsv") and "semapv:ManualMappingCuration" in tsv["content"]


def test_a_list_of_hundreds_of_outcomes_is_matched_by_meaning_in_batches_and_a_huge_one_by_words(
    ws, monkeypatch
):
    encoder, asked = ws.matcher.encoder, []
    real = encoder.queries
    monkeypatch.setattr(encoder, "queries", lambda texts: asked.append(list(texts)) or real(texts))
    text = "\n".join(f"depilation with a light beam {i}" for i in range(T.FIVE_UP_TO + 1))
    doc, _view, msg = T.propose_matches(1, text, "Big", [MA], None)
    assert msg.startswith(f"{T.FIVE_UP_TO + 1} outcomes read") and len(asked) == 1  # one batched call
    assert sorted(asked[0]) == sorted(text.splitlines())
    by_meaning = doc["outcomes"][0]["matches"]
    assert len(by_meaning) == 3 and LHR in [m["item"] for m in by_meaning]
    monkeypatch.setattr(T, "MEANING_CHARS", len(text) // 2)  # over the budget: by words, nothing embedded
    doc, _view, _msg = T.propose_matches(1, text, "Big", [MA], None)
    by_words = doc["outcomes"][0]["matches"]
    assert len(asked) == 1 and [m["score"] for m in by_words] != [m["score"] for m in by_meaning]
