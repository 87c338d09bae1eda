"""Callbacks called directly, inside the app's context, over the curated graph plus hostile labels."""

from __future__ import annotations

import json

import pytest
from dash import html, no_update

from graph import queries
from graph.terms import AKGR
from graph.ui import options as O
from graph.ui import state as S
from graph.ui.callbacks import graph_details, graph_tab, graph_tools, overlap_tab, pickers, sparql_tab, url
from graph.ui.context import app_context
from graph.ui.controls import from_controls, to_controls
from graph.ui.view import select as Sel
from graph.ui.view.kinds import FILTERS, KINDS, LAYOUTS
from graph.ui.view.subgraph import EXPAND_CAP, Subgraph
from graph.ui.view.tables import subgraph_rdf
from tests.conftest import EVIL_IMG, EVIL_SCRIPT

DERM, ESTH = str(AKGR.dermatologist), str(AKGR.esthetician)
EVIL = str(AKGR["evil-procedure"])
NO_SEEDS: dict = {}


@pytest.fixture()
def ws(ui_app):
    with ui_app.server.app_context():
        yield app_context().ws


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
    path=(None, None),
    path_only=False,
    node=None,
    everything=False,
):
    view = {
        "seeds": {k: list(seeds.get(k, [])) for k in FILTERS},
        "kinds": kinds or list(KINDS),
        "essential": list(essential),
        "everything": ["on"] if everything else [],
        "layout": layout,
        "focus": focus,
        "depth": depth,
        "expand": list(expand),
        "hide": list(hide),
        "add": list(add),
        "path_from": path[0],
        "path_to": path[1],
        "path_only": ["on"] if path_only else [],
    }
    out = graph_tab.draw(view, node)
    return [out[k] for k in ("elements", "layout", "note", "count", "sparql", "data", "legend")]


def ids(elements):
    return {e["data"]["id"] for e in elements if "source" not in e["data"]}


def test_first_screen_starts_from_the_seed_documents_roles(ws):
    first = ids(draw()[0])
    assert set(Sel.START_ROLES) <= first and len(first) < len(ids(draw(everything=True)[0]))


def test_everything_then_one_role_seed(ws):
    everything = draw(everything=True)
    seeded = draw(seeds={"role": [DERM]})
    assert len(ids(seeded[0])) < len(ids(everything[0]))
    assert {DERM, str(AKGR["chemical-peel"]), EVIL} <= ids(seeded[0])
    assert str(AKGR["medical-equipment-repairer"]) not in ids(seeded[0])
    assert "VALUES ?seed" in seeded[4] and DERM in seeded[4]


def test_kinds_restrict_both_ends_and_essential_only(ws):
    roles_procs = draw(seeds={"role": [DERM]}, kinds=["Role", "Procedure"])
    kinds = {e["data"]["kind"] for e in roles_procs[0] if "kind" in e["data"]}
    assert kinds == {"Role", "Procedure"}
    essential = draw(seeds={"role": [DERM]}, essential=["on"])
    assert not [e for e in essential[0] if "optional" in e.get("classes", "")]


def test_expand_focus_hide_add(ws):
    base = ids(draw(seeds={"role": [DERM]}, kinds=["Role"])[0])
    assert base <= {DERM} | {e for e in base}
    expanded = ids(draw(seeds={"role": [DERM]}, kinds=["Role"], expand=[DERM])[0])
    assert len(expanded) > len(base)
    focus1 = ids(draw(focus=DERM, depth=1)[0])
    focus2 = ids(draw(focus=DERM, depth=2)[0])
    assert DERM in focus1 and focus1 < focus2
    assert DERM not in ids(draw(everything=True, hide=[DERM])[0])
    added = ids(draw(seeds={"role": [ESTH]}, kinds=["Role"], add=[DERM])[0])
    assert DERM in added


def test_details_show_hostile_labels_as_text(ws):
    panel = graph_details.show_details(EVIL)
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
    panel = graph_details.show_details(DERM)
    texts = [c.children for c in _walk(panel) if isinstance(getattr(c, "children", None), str)]
    assert "dermatologist" in texts and any(t.startswith("Neighbours (") for t in texts)
    assert any(t.startswith("assisted by · Role (") for t in texts)  # the inverse's own label
    assert not any("(from)" in t for t in texts if t.startswith("assist"))
    assert {"essential", "optional"} & set(texts)  # each neighbour's link says which


def test_clicking_a_link_shows_relation_need_and_source(ws):
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    edge = next(e for e in draw(seeds={"role": [DERM]})[0] if e["data"].get("src"))
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": "cy.tapEdgeData", "value": edge["data"]}]))
    text = json.dumps(
        html.Div(graph_details.show_details(DERM, edge["data"])).to_plotly_json(),
        default=lambda o: o.to_plotly_json(),
    )
    assert edge["data"]["label"] in text and ("essential" in text or "optional" in text)
    assert ws.label(edge["data"]["src"]) in text


def test_search_suggests_by_synonym(ws):
    options = O.search_options(ws, "skin peel")
    assert options[0]["value"] == str(AKGR["chemical-peel"])
    assert graph_tools.choose(DERM, []) == {"node": DERM, "add": [DERM], "zoom": DERM}
    assert pickers.suggest_entities("", None, []) is no_update
    found = pickers.suggest_entities("skin peel", None, [])
    assert found[0]["value"] == str(AKGR["chemical-peel"]) and "skin peel" in found[0]["label"]
    kept = pickers.suggest_entities("dermatologist", EVIL, [{"label": "x", "value": EVIL}])
    assert kept[0]["value"] == EVIL and [o["value"] for o in kept].count(EVIL) == 1


def test_role_picker_lists_the_chosen_roles_then_the_matches(ws):
    every = pickers.suggest_roles("", [])
    assert {o["value"] for o in every} == set(ws.role_names)
    found = pickers.suggest_roles("dermat", [ESTH])
    assert [o["value"] for o in found][:2] == [ESTH, DERM]


def test_path_finder(ws):
    assert isinstance(graph_tools.find_path(DERM, ESTH), html.Ol)
    assert graph_tools.find_path(None, ESTH) == ""
    assert "the same entity" in graph_tools.find_path(ESTH, ESTH).children  # not "no connection"
    drawn = draw(seeds={"role": [DERM]}, kinds=["Role"], path=(DERM, ESTH))
    path = [e for e in drawn[0] if "path" in e.get("classes", "")]
    assert path and {DERM, ESTH} <= {e["data"]["id"] for e in path}
    assert all("dim" in e["classes"] for e in drawn[0] if e not in path)


def test_url_sync_both_ways(ui_app, ws):
    with ui_app.server.test_request_context():
        values = to_controls(S.State())
        st = S.State(tab="overlap", seeds={**S.State().seeds, "role": (DERM,)}, layout="grouped")
        new_values = to_controls(st)
        assert from_controls(new_values) == st
        from dash._callback_context import context_value
        from dash._utils import AttributeDict

        role = '{"name":"f-role","type":"role-picker"}.value'
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": role, "value": [DERM]}]))
        out = url.sync_url("", new_values)
        assert out["search"] == S.encode(st)
        back, found, note = url.restored(out["search"], values)
        assert back["tab"] == "overlap" and back["seeds"]["role"] == [DERM]
        assert back["seeds"]["device"] is no_update and note == ""
        assert found["role"] is None, "a small store's role picker lists every role already"
        assert url.restored(out["search"], new_values)[0]["layout"] is no_update, "held already: unchanged"


def test_layouts_and_exports(ws):
    for layout in LAYOUTS:
        assert draw(layout=layout)[1]["name"] in ("cose", "preset", "concentric")
    data = draw(seeds={"role": [DERM]})[5]
    sub = Subgraph.from_json(data)
    assert "@prefix" in subgraph_rdf(sub).serialize(format="turtle")
    assert json.loads(subgraph_rdf(sub).serialize(format="json-ld"))


def test_sparql_select_error_refusal(ui_app, ws):
    sandbox = app_context().sandbox
    table, error = sparql_tab.run_text(
        sandbox, "SELECT ?s WHERE { ?s a <https://w3id.org/aesthetics-kg/ontology#Role> }"
    )
    assert error == "" and len(table["rows"]) >= 8
    _, error = sparql_tab.run_text(sandbox, "SELECT ?s WHERE {\n  ?s ?p \n")
    assert "line" in error and "column" in error
    _, error = sparql_tab.run_text(sandbox, "DELETE WHERE { ?s ?p ?o }")
    assert error.startswith("RefusedQuery")


def test_catalogue_query_loads_into_the_editor_and_its_parameters_are_bound(ws):
    editor, params, summary, error = sparql_tab.load_query("neighbours")
    assert params and summary and error == "" and editor == queries.get("neighbours").text
    text = sparql_tab.with_params(
        "neighbours", ["dermatologist"], [{"type": "param", "name": "node"}], ws.resolve
    )
    assert DERM in text and "VALUES ?node" in text


def test_known_prefixes_need_no_prefix_line_in_the_tab(ui_app, ws):
    table, error = sparql_tab.run_text(
        app_context().sandbox, "SELECT ?l WHERE { ?r a akg:Role ; skos:prefLabel ?l } ORDER BY ?l"
    )
    assert error == "" and "dermatologist" in [row["l"] for row in table["rows"]]


def test_overlap_gap_in_plain_words(ws):
    fig = overlap_tab.heatmap(None, "all", [])
    assert len(fig.data[0].z) == len(ws.curated_roles())
    a, b = fig.data[0].customdata[0][1].split("|")
    pair = overlap_tab.pair({"points": [{"customdata": f"{a}|{b}"}]})
    head = pair[0].children.children[0].children
    assert " share" in head and " of " in head and "%" in head and "Jaccard" not in str(pair)
    rows, summary = overlap_tab.gap(ESTH, DERM)
    assert rows and "items to add" in summary
    assert overlap_tab.gap(ESTH, ESTH) == ([], "That is one role twice: choose two different roles.")
    from graph.ui.callbacks import transitions_tab  # ?start=X&target=X: no "0 items to add" for X to X

    assert (
        "Click a bar" in str(transitions_tab.gap(ESTH, ESTH, [])[1])
        and transitions_tab.gap(ESTH, DERM, [])[0]
    )


def test_transitions_before_a_role_is_chosen_say_what_to_do_not_empty_axes(ws):
    """The chart drew axes from -1 to 6 and 0 to 4, with nothing on them, under its title."""
    from graph.ui.callbacks import transitions_tab

    fig, summary = transitions_tab.show(None, "all", [])
    assert summary == "Choose a role." and not fig.data
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert [a.text for a in fig.layout.annotations] == ["Choose a role above to see where it can go"]


def test_the_gap_lists_each_credential_once_with_who_issues_it(ws):
    """A credential to earn was a step and then a row of its own again ("credential to earn")."""
    from graph.terms import AKGR

    rows, summary = overlap_tab.gap(
        str(AKGR["medical-aesthetician"]), str(AKGR["aesthetic-medical-laser-technician"])
    )
    what = [r["what"] for r in rows]
    assert len(what) == len(set(what)) and [r["order"] for r in rows] == list(range(1, len(rows) + 1))
    creds = [r for r in rows if r["kind"] == "credentials"]
    assert creds and all(r["details"].startswith("issued by ") for r in creds), creds
    assert f"{len(rows)} items to add ({len(creds)} credentials among them)" in summary
    clo = next(r for r in creds if r["what"] == "Certified Laser Operator")
    assert "National Council on Laser Excellence" in clo["details"] and "exam" in clo["details"]
    assert "# " in overlap_tab.gap_markdown(rows, summary)


def test_the_heatmaps_colours_span_what_pairs_share_and_the_diagonal_is_grey(ws):
    """A role with itself is always 100 %: in the colour range it left every pair pale. The diagonal
    is a grey trace of its own with the role's item count; the darkest blue is the closest pair."""
    pairs, own = overlap_tab.heatmap(None, "all", []).data
    n = len(pairs.z)
    off = [v for i, row in enumerate(pairs.z) for j, v in enumerate(row) if i != j]
    assert all(pairs.z[i][i] is None for i in range(n)) and None not in off
    assert pairs.zmin == 0 and pairs.zmax == max(off) < 1
    assert all(own.z[i][j] == (1 if i == j else None) for i in range(n) for j in range(n))
    assert all(own.text[i][i].isdigit() and int(own.text[i][i]) > 0 for i in range(n))
    assert own.showscale is False and "needs" in own.hovertemplate
    a = own.customdata[0][0].split("|")[0]
    said = overlap_tab.pair({"points": [{"customdata": f"{a}|{a}"}]})
    assert "off the grey diagonal" in said.children


def test_heatmap_escapes_labels(ws):
    assert overlap_tab._esc(EVIL_SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def positions(elements) -> dict:
    return {e["data"]["id"]: (e["position"]["x"], e["position"]["y"]) for e in elements if "position" in e}


def assert_kept(before: dict, after: dict, what: str) -> None:
    common = before.keys() & after.keys()
    assert common, what
    moved = {n: (before[n], after[n]) for n in common if before[n] != after[n]}
    assert not moved, f"{what}: nodes on screen moved: {moved}"


def test_nodes_on_screen_keep_their_positions_when_the_view_grows_or_shrinks(ws):
    role = {"role": [DERM, ESTH]}
    base = positions(draw(seeds=role)[0])
    peel = str(AKGR["chemical-peel"])
    grown = positions(draw(seeds=role, expand=[peel])[0])
    assert set(grown) > set(base)
    assert_kept(base, grown, "expand")
    hidden = positions(draw(seeds=role, expand=[peel], hide=[ESTH])[0])
    assert ESTH not in hidden
    assert_kept(grown, hidden, "hide")
    assert_kept(grown, positions(draw(seeds=role, expand=[peel], kinds=["Role", "Procedure"])[0]), "kinds")
    assert_kept(grown, positions(draw(seeds=role, expand=[peel], essential=["on"])[0]), "essential")
    focused = positions(draw(seeds=role, expand=[peel], focus=peel)[0])
    assert_kept(grown, focused, "focus")
    assert_kept(focused, positions(draw(seeds=role, expand=[peel], focus=peel, depth=2)[0]), "depth 2")
    assert positions(draw(seeds=role, expand=[peel], focus=peel)[0]) == focused, (
        "the same URL, the same picture"
    )


def test_first_screen_shows_what_the_three_roles_share_and_counts_the_rest(ws):
    elements, _, note, count, *_ = draw()
    nodes = {e["data"]["id"]: e["data"]["label"] for e in elements if "source" not in e["data"]}
    assert set(Sel.START_ROLES) <= set(nodes) and len(nodes) < 30, count
    assert "(+" in nodes[Sel.START_ROLES[2]] and "share" in note
    links = [e["data"] for e in elements if "source" in e["data"]]
    for n in set(nodes) - set(Sel.START_ROLES):
        linked = {d["source"] for d in links if d["target"] == n} | {
            d["target"] for d in links if d["source"] == n
        }
        assert len(linked & set(Sel.START_ROLES)) >= 2, f"{n} is not shared by two of the three roles"
    expanded = draw(expand=[Sel.START_ROLES[2]], node=Sel.START_ROLES[2])[0]
    label = next(e["data"]["label"] for e in expanded if e["data"]["id"] == Sel.START_ROLES[2])
    left = int(nodes[Sel.START_ROLES[2]].rsplit("(+", 1)[1].split()[0])
    added = min(left, EXPAND_CAP)
    assert len(ids(expanded)) == len(nodes) + added, "Expand brings the rest of the role, capped"
    assert label.endswith(f"(+{left - added} more)") if left > added else "(+" not in label


def test_focus_and_path_keep_the_role_views_positions(ws):
    role = {"role": [DERM]}
    base = positions(draw(seeds=role)[0])
    assert_kept(base, positions(draw(seeds=role, focus=DERM, depth=2)[0]), "focus on a seed at depth 2")
    ncle = str(AKGR.ncle)
    assert_kept(base, positions(draw(seeds=role, path=(DERM, ncle))[0]), "path")


def test_regression_dash_dropdowns_and_checklists_failed_axe(ws):
    """Dash 4's dcc.Dropdown/Checklist/RadioItems markup broke axe rules; every choice is a native, named control."""
    from dash import dcc

    from graph.ui import layout

    page = list(layout.page(app_context(), everything=True)._traverse())
    assert not [c for c in page if isinstance(c, dcc.Dropdown | dcc.Checklist | dcc.RadioItems)]
    pickers_ = [c for c in page if isinstance(c, html.Fieldset) and c.className == "picker"]
    assert len(pickers_) >= 13  # 7 filters, search, path ends, overlap roles, gap ends, target roles
    for p in pickers_:
        legend, label = p.children[0], p.children[1]
        assert isinstance(legend, html.Legend) and legend.children
        assert isinstance(label, html.Label) and label.children[0].children.startswith("Search ")
    selects = [c for c in page if type(c).__name__ == "Select"]
    labels = {c.htmlFor for c in page if isinstance(c, html.Label) and getattr(c, "htmlFor", None)}
    assert {s.id for s in selects} == {
        "ov-category",
        "q-catalogue",
        "cur-saved",
        "cur-versions",
        "tr-within",
    } and {s.id for s in selects} <= labels


PLASTIC, SPA = str(AKGR["plastic-surgeon"]), str(AKGR["medical-spa"])


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_adding_a_seed_or_removing_the_last_one_moves_no_node(ws, layout):
    """Changing the seed filters laid the whole view out afresh: nodes on screen jumped."""
    steps = [
        {"role": [DERM]},
        {"role": [DERM, ESTH]},
        {"role": [DERM, ESTH, PLASTIC]},
        {"role": [DERM, ESTH]},
        {"role": [DERM, ESTH], "workplace": [SPA]},
        {"role": [DERM, ESTH], "workplace": []},
    ]
    before = positions(draw(seeds=steps[0], layout=layout)[0])
    for seeds in steps[1:]:
        after = positions(draw(seeds=seeds, layout=layout)[0])
        assert_kept(before, after, f"{layout}: {seeds}")
        assert after == positions(draw(seeds=seeds, layout=layout)[0]), "the same URL, the same picture"
        before = after


def test_removing_a_middle_seed_keeps_the_earlier_seeds_nodes(ws):
    """Positions are a function of the URL: without the middle role, what the first role placed stays."""
    first = positions(draw(seeds={"role": [DERM]})[0])
    three = positions(draw(seeds={"role": [DERM, ESTH, PLASTIC]})[0])
    without = positions(draw(seeds={"role": [DERM, PLASTIC]})[0])
    assert_kept(first, without, "the first role's nodes")
    assert set(without) < set(three)


def test_every_layout_is_computed_here(ws):
    for layout in LAYOUTS:
        elements, spec, *_ = draw(seeds={"role": [DERM, ESTH]}, layout=layout)
        assert spec["name"] == "preset", layout
        assert all("position" in e for e in elements if "source" not in e["data"]), layout


def test_path_only_draws_the_path_alone_where_the_full_view_put_it(ws):
    ncle = str(AKGR.ncle)
    full = draw(seeds={"role": [DERM]}, path=(DERM, ncle))
    alone = draw(seeds={"role": [DERM]}, path=(DERM, ncle), path_only=True)
    marked = {e["data"]["id"] for e in full[0] if "path" in e["classes"].split()}
    assert {e["data"]["id"] for e in alone[0]} == marked and ncle in marked
    assert all("dim" not in e["classes"].split() for e in alone[0])
    assert_kept(positions(full[0]), positions(alone[0]), "path only")
    assert ids(draw(seeds={"role": [DERM]}, path_only=True)[0]) == ids(draw(seeds={"role": [DERM]})[0]), (
        "no path: path only changes nothing"
    )


def test_badges_follow_every_change_and_the_menu_adds_what_a_kind_counted(ws):
    """Each drawn node counts its neighbours in the entity graph that are not drawn (nor hidden)."""
    graph = ws.entity_graph

    def truth(elements, hidden=()):
        drawn = ids(elements)
        out = {}
        for n in drawn:
            near = (
                (set(graph.succ[n]) | set(graph.pred[n])) - drawn - set(hidden) - {n} if n in graph else set()
            )
            near = {m for m in near if m in ws.index.entries}
            if near:
                out[n] = len(near)
        return out

    def badges(elements):
        return {e["data"]["id"]: e["data"]["left"] for e in elements if e["data"].get("left")}

    role = {"role": [DERM]}
    for kw in (
        {},
        {"seeds": role},
        {"seeds": role, "expand": [DERM]},
        {"seeds": role, "focus": DERM, "depth": 2},
        {"seeds": role, "kinds": ["Role", "Procedure"]},
        {"seeds": role, "essential": ["on"]},
    ):
        elements = draw(**kw)[0]
        assert badges(elements) == truth(elements), kw
    elements = draw(seeds=role, hide=[ESTH])[0]
    assert badges(elements) == truth(elements, [ESTH]) and ESTH not in ids(elements)
    elements, *_, data, _ = draw(seeds=role, kinds=["Role", "Procedure"])
    lk = next(e["data"]["lk"] for e in elements if e["data"]["id"] == DERM)
    kind = next(k for k in lk if k not in ("Role", "Procedure"))
    out = graph_tab.menu(
        {"elementId": DERM, "menuItemId": f"kind:{kind}"}, {"expand": [], "hide": [], "add": []}, data
    )
    assert len(out["add"]) == lk[kind]
    grown = draw(seeds=role, kinds=["Role", "Procedure"], add=out["add"])[0]
    assert ids(grown) >= set(out["add"])
    assert kind not in next(e["data"].get("lk", {}) for e in grown if e["data"]["id"] == DERM)


def _component(tree, cid: str) -> dict | None:
    """A component's props in a served layout (JSON), by id."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == cid:
            return tree["props"]
        tree = tree.get("props", {}).get("children")
    for child in tree if isinstance(tree, list) else [tree] if isinstance(tree, dict) else []:
        found = _component(child, cid)
        if found is not None:
            return found
    return None


def test_the_page_is_served_with_its_first_graph_when_it_is_drawn_already(ui_app, ws):
    """The first screen (drawn at start) and any view drawn before come in the page itself: its
    first graph waits for no callback round trip; a view not drawn yet never makes the page wait."""
    client = ui_app.server.test_client()

    def served(url: str) -> dict:
        layout = client.get("/_dash-layout", headers={"Referer": url}).get_json()
        return {cid: _component(layout, cid) for cid in ("cy", "view-count")}

    first = served("http://localhost/")
    assert first["cy"]["elements"] == json.loads(json.dumps(draw()[0])) and first["view-count"]["children"]
    fresh = "http://localhost/?role=akgr:plastic-surgeon&layout=grouped&essential=1&kind=Role&kind=Duty"
    assert served(fresh)["cy"]["elements"] == []  # not drawn yet: the page does not wait for it
    elements = draw(
        seeds={"role": [str(AKGR["plastic-surgeon"])]},
        layout="grouped",
        essential=["on"],
        kinds=["Role", "Duty"],
    )[0]
    assert served(fresh)["cy"]["elements"] == json.loads(json.dumps(elements))
    other_site = served(fresh.replace("localhost", "elsewhere.example"))
    assert other_site["cy"]["elements"] == first["cy"]["elements"], "another site's URL is not read"


def test_a_few_seeds_subgraph_is_the_union_of_each_seeds_own(ws):
    """Context.triples asks for each seed's links on its own (and keeps them), so a tick asks only for the
    new role's: the union is construct_subgraph's answer for all the seeds at once, and so is the view."""
    from graph.ui.view.subgraph import subgraph_from_triples

    c = app_context()
    for seeds in ([DERM, ESTH], [DERM, ESTH, str(AKGR["medical-aesthetician"])]):
        params = {"seed": seeds, "kind": [], "essential_only": False}
        at_once = ws.run("construct_subgraph", params).triples
        assert set(c.triples(params)) == set(at_once) and len(c.triples(params)) == len(set(at_once))
        ours, theirs = c.subgraph(params), subgraph_from_triples(at_once)
        assert ours.nodes == theirs.nodes and ours.edges == theirs.edges


def _ids_of(callback: dict) -> list[str]:
    """Every component id a callback names: its outputs' ("..a.p...b.q.." or "a.p@hash"), inputs' and states'."""
    outputs = (
        callback["output"].strip(".").split("...")
        if callback["output"].startswith("..")
        else [callback["output"]]
    )
    named = [o.split("@")[0].rsplit(".", 1)[0] for o in outputs]
    return named + [d["id"] for d in callback["inputs"] + callback["state"]]


def _matches(wanted: dict, have: object) -> bool:
    wild = ({"MATCH"}, {"ALL"}, {"ALLSMALLER"})
    return (
        isinstance(have, dict)
        and set(have) == set(wanted)
        and all((isinstance(v, list) and set(v) in wild) or have[k] == v for k, v in wanted.items())
    )


def test_every_callback_names_ids_of_the_validation_layout(ui_app):
    """The renderer's id check, here: the page suppresses it (no 92 KB validation layout in every page)."""
    assert ui_app.config.suppress_callback_exceptions  # what this test stands in for
    ids = [c.id for c in ui_app.validation_layout._traverse() if getattr(c, "id", None) is not None]
    plain = {i for i in ids if isinstance(i, str)}
    patterns = [i for i in ids if isinstance(i, dict)]
    missing = set()
    for callback in ui_app._callback_list:
        for name in _ids_of(callback):
            if name.startswith("{"):  # ALL may match none (the buttons of a panel not shown yet)
                wanted = json.loads(name)
                if ["ALL"] in wanted.values():
                    continue
                if not any(_matches(wanted, have) for have in patterns):
                    missing.add(name)
            elif name not in plain:
                missing.add(name)
    assert len(ui_app._callback_list) > 40 and len(plain) > 100
    assert not missing, f"callbacks name ids no component of the page has: {sorted(missing)}"
