"""Callbacks called directly, inside the app's context, over the curated graph plus hostile labels."""

from __future__ import annotations

import json

import pytest
from dash import html, no_update

from graph.terms import AKGR
from graph.ui import callbacks as C
from graph.ui import elements as E
from graph.ui import state as S
from tests.conftest import EVIL_IMG, EVIL_SCRIPT

DERM, ESTH = str(AKGR.dermatologist), str(AKGR.esthetician)
EVIL = str(AKGR["evil-procedure"])
NO_SEEDS = [[]] * 7


@pytest.fixture()
def ws(ui_app):
    with ui_app.server.app_context():
        yield C.app_context().ws


def draw(
    *,
    seeds=NO_SEEDS,
    kinds=None,
    essential=(),
    layout="force",
    focus=None,
    depth=1,
    expand=(),
    hide=(),
    add=(),
    path=None,
    node=None,
):
    return C.draw(
        *seeds,
        kinds or list(E.KINDS),
        list(essential),
        layout,
        focus,
        depth,
        list(expand),
        list(hide),
        list(add),
        path,
        node,
    )


def ids(elements):
    return {e["data"]["id"] for e in elements if "source" not in e["data"]}


def test_everything_then_one_role_seed(ws):
    everything = draw()
    seeded = draw(seeds=[[DERM], *NO_SEEDS[1:]])
    assert len(ids(seeded[0])) < len(ids(everything[0]))
    assert {DERM, str(AKGR["chemical-peel"]), EVIL} <= ids(seeded[0])
    assert str(AKGR["medical-equipment-repairer"]) not in ids(seeded[0])
    assert "VALUES ?seed" in seeded[4] and DERM in seeded[4]


def test_kinds_restrict_both_ends_and_essential_only(ws):
    roles_procs = draw(seeds=[[DERM], *NO_SEEDS[1:]], kinds=["Role", "Procedure"])
    kinds = {e["data"]["kind"] for e in roles_procs[0] if "kind" in e["data"]}
    assert kinds == {"Role", "Procedure"}
    essential = draw(seeds=[[DERM], *NO_SEEDS[1:]], essential=["on"])
    assert not [e for e in essential[0] if "optional" in e.get("classes", "")]


def test_expand_focus_hide_add(ws):
    base = ids(draw(seeds=[[DERM], *NO_SEEDS[1:]], kinds=["Role"])[0])
    assert base <= {DERM} | {e for e in base}
    expanded = ids(draw(seeds=[[DERM], *NO_SEEDS[1:]], kinds=["Role"], expand=[DERM])[0])
    assert len(expanded) > len(base)
    focus1 = ids(draw(focus=DERM, depth=1)[0])
    focus2 = ids(draw(focus=DERM, depth=2)[0])
    assert DERM in focus1 and focus1 < focus2
    assert DERM not in ids(draw(hide=[DERM])[0])
    added = ids(draw(seeds=[[ESTH], *NO_SEEDS[1:]], kinds=["Role"], add=[DERM])[0])
    assert DERM in added


def test_details_show_hostile_labels_as_text(ws):
    panel = C.show_details(EVIL)
    text = json.dumps(html.Div(panel).to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert EVIL_SCRIPT in text and EVIL_IMG in text
    assert "javascript:" not in json.dumps([getattr(c, "href", None) for c in _walk(panel)])
    assert "dangerously" not in text.lower()


def _walk(children):
    for c in children if isinstance(children, list) else [children]:
        if hasattr(c, "children"):
            yield c
            yield from _walk(c.children)


def test_details_of_a_role_group_neighbours(ws):
    panel = C.show_details(DERM)
    texts = [c.children for c in _walk(panel) if isinstance(getattr(c, "children", None), str)]
    assert "dermatologist" in texts and "Neighbours by relation" in texts


def test_search_suggests_by_synonym(ws):
    options = C.search_options(ws, "skin peel")
    assert options[0]["value"] == str(AKGR["chemical-peel"])
    assert C.choose(DERM, []) == (DERM, [DERM])
    assert C.suggest("", None) is no_update


def test_path_finder(ws):
    found, text = C.find_path(DERM, ESTH)
    assert found["steps"] and isinstance(text, html.Ol)
    assert C.find_path(None, ESTH) == (None, "")
    drawn = draw(seeds=[[DERM], *NO_SEEDS[1:]], kinds=["Role"], path=found)
    assert any("path" in e.get("classes", "") for e in drawn[0])


def test_url_sync_both_ways(ui_app, ws):
    with ui_app.server.test_request_context():
        values = C.state_values(S.State())
        st = S.State(tab="overlap", seeds={**S.State().seeds, "role": (DERM,)}, layout="grouped")
        new_values = C.state_values(st)
        from dash._callback_context import context_value
        from dash._utils import AttributeDict

        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": "f-role.value", "value": [DERM]}]))
        out = C.sync_url("", *new_values)
        assert out[0] == S.encode(st) and all(v is no_update for v in out[1:])
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": "url.search", "value": out[0]}]))
        back = C.sync_url(out[0], *values)
        assert back[1] == "overlap" and back[2] == [DERM]


def test_layouts_and_exports(ws):
    for layout in E.LAYOUTS:
        assert draw(layout=layout)[1]["name"] in ("cose", "preset", "concentric")
    data = draw(seeds=[[DERM], *NO_SEEDS[1:]])[5]
    sub = E.Subgraph.from_json(data)
    assert "@prefix" in E.subgraph_rdf(sub).serialize(format="turtle")
    assert json.loads(E.subgraph_rdf(sub).serialize(format="json-ld"))


def test_sparql_select_error_refusal(ui_app, ws):
    sandbox = C.app_context().sandbox
    table, error = C.run_text(
        sandbox, "SELECT ?s WHERE { ?s a <https://w3id.org/aesthetics-kg/ontology#Role> }"
    )
    assert error == "" and len(table["rows"]) >= 8
    _, error = C.run_text(sandbox, "SELECT ?s WHERE {\n  ?s ?p \n")
    assert "line" in error and "column" in error
    _, error = C.run_text(sandbox, "DELETE WHERE { ?s ?p ?o }")
    assert error.startswith("RefusedQuery")


def test_catalogue_query_rendered_with_params(ws):
    editor, params, summary = C.load_query("neighbours")
    assert params and summary
    text = C.query_text(
        editor, "neighbours", ["dermatologist"], [{"type": "param", "name": "node"}], ws.resolve
    )
    assert DERM in text and "VALUES ?node" in text
    assert C.query_text(
        "SELECT * {}", "neighbours", [None], [{"type": "param", "name": "node"}], ws.resolve
    ) == ("SELECT * {}")


def test_overlap_gap_cover(ws):
    fig = C.heatmap(None, "all", [])
    assert len(fig.data[0].z) == len(ws.curated_roles())
    a, b = fig.data[0].customdata[0][1].split("|")
    pair = C.pair({"points": [{"customdata": f"{a}|{b}"}]})
    assert "shared" in pair[0].children
    rows, summary = C.gap(ESTH, DERM)
    assert rows and "items to add" in summary
    assert "# " in C.gap_markdown(rows, summary)
    verdict = C.cover([DERM, ESTH])[0].children
    assert "optimal" in verdict or "greedy" in verdict


def test_heatmap_escapes_labels(ws):
    assert C._esc(EVIL_SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
