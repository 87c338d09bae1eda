"""The explorer on a big store: a bounded default view, search-driven role pickers, projections cached on disk.

A small synthetic --data file and lowered thresholds stand in for the million-triple ESCO + O*NET import.
"""

from __future__ import annotations

import json

import pytest

from graph.stores import StoreSpec
from graph.terms import AKGR
from graph.ui import options as O
from graph.ui import state as S
from graph.ui.context import app_context
from graph.ui.view import compose as C
from graph.ui.view import select as Sel

EX = "http://example.org/scale/"
N_ROLES = 30


@pytest.fixture(scope="module")
def big_app(tmp_path_factory):
    from graph.ui.app import create_app

    tmp = tmp_path_factory.mktemp("scale")
    lines = [
        "@prefix akg: <https://w3id.org/aesthetics-kg/ontology#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
    ]
    for i in range(N_ROLES):
        lines.append(f'<{EX}role{i}> a akg:Role ; skos:prefLabel "imported nurse {i}" .')
    for i in range(600):  # skills named like a role, all ranked above it by a plain search
        lines.append(f'<{EX}skill{i}> a akg:Skill ; skos:prefLabel "gardener {i:03}" .')
    lines.append(f'<{EX}gardening-role> a akg:Role ; skos:prefLabel "the gardener" .')
    extra = tmp / "extra.ttl"
    extra.write_text("\n".join(lines) + "\n")
    app = create_app(StoreSpec("oxigraph", (extra,), root=tmp / "stores"), workers=1, default_seed_above=10)
    with app.server.app_context():
        yield app


def test_no_seed_on_a_big_store_draws_the_curated_roles(big_app, monkeypatch):
    c = app_context()
    view, sparql = C.compose(c, S.State())
    curated = set(c.ws.curated_roles())
    assert curated and all(r.startswith(str(AKGR)) for r in curated)
    drawn = {e["data"]["id"] for e in view.elements if "source" not in e["data"]}
    assert drawn & set(Sel.START_ROLES) and not any(d.startswith(EX) for d in drawn)
    assert "VALUES ?seed" in sparql
    everything, _ = C.compose(c, S.State(everything=True))
    assert "curated roles" in everything.note
    seeded, _ = C.compose(c, S.State(everything=True, seeds={**S.State().seeds, "role": (f"{EX}role1",)}))
    assert "curated roles" not in seeded.note  # a chosen seed wins
    monkeypatch.setattr(c, "default_seed_above", 10**9)
    assert Sel.default_seeds(c, S.State(everything=True)) == ([], "")


def test_kind_filter_on_the_default_view(big_app):
    view, _ = C.compose(app_context(), S.State(kinds=("Role", "Procedure")))
    kinds = {e["data"]["kind"] for e in view.elements if "source" not in e["data"]}
    assert kinds and kinds <= {"Role", "Procedure"}


def test_role_pickers_are_search_driven_beyond_the_cap(big_app, monkeypatch):
    ws = app_context().ws
    assert len(O.role_options(ws)) == len(ws.role_names)  # under the cap: every role
    monkeypatch.setattr(O, "OPTIONS_CAP", 10)
    start = {o["value"] for o in O.role_options(ws)}
    assert start == set(ws.curated_roles())
    found = {o["value"] for o in O.role_options(ws, "nurse 2", [f"{EX}role5"])}
    assert f"{EX}role2" in found and f"{EX}role5" in found and f"{EX}role7" not in found


def test_a_role_picker_lists_roles_another_callback_chose(big_app, monkeypatch):
    """A saved curriculum's imported roles, set by open_saved, come with options that show them ticked;
    a tick asks the server nothing (no callback has the picker's value as input)."""
    from graph.ui.callbacks import pickers

    monkeypatch.setattr(O, "OPTIONS_CAP", 10)
    listed = [o["value"] for o in pickers.choices(O.role_options(app_context().ws, None, [f"{EX}role5"]))]
    assert f"{EX}role5" in listed and set(app_context().ws.curated_roles()) <= set(listed)
    suggest = big_app.callback_map['{"name":["MATCH"],"type":"role-picker"}.options']
    asked = [(json.loads(i["id"])["type"], i["property"]) for i in suggest["inputs"]]
    assert asked == [("role-picker-search", "value")], asked
    ticked = pickers.choices(O.role_choices(app_context().ws, "nurse 2", []))
    again = pickers.choices(O.role_choices(app_context().ws, "nurse 2", [ticked[1]["value"]]))
    assert again == ticked  # a ticked match keeps its place


def test_role_search_finds_a_role_that_600_other_entities_outrank(big_app, monkeypatch):
    """Regression: pickers kept the roles among the first 500 search hits, so "gardener" found no role."""
    ws = app_context().ws
    assert all(
        h["kind"] != "https://w3id.org/aesthetics-kg/ontology#Role" for h in ws.search("gardener", limit=500)
    )
    assert ws.search_roles("gardener") == [f"{EX}gardening-role"]
    monkeypatch.setattr(O, "OPTIONS_CAP", 10)
    assert f"{EX}gardening-role" in {o["value"] for o in O.role_options(ws, "gardener")}


def test_projections_are_cached_beside_the_store(big_app):
    import gc

    ws = app_context().ws
    ws.warm().join(timeout=60)
    from graph.projection_cache import CACHE_VERSION
    from graph.workspace import Workspace

    assert ws.cache_dir is not None and (ws.cache_dir / f"index.v{CACHE_VERSION}.pickle").is_file()
    assert (
        gc.get_freeze_count() > 0 and gc.isenabled()
    )  # read back, the projections are kept off the collector

    again = Workspace.open(ws.spec)
    assert again.cache.get("index", lambda: pytest.fail("rebuilt")).entries.keys() == ws.index.entries.keys()
    assert [h["entity"] for h in ws.search("nurse 1")][:1] == [f"{EX}role1"]
