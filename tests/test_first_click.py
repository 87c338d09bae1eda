"""No click builds a projection: after the warm-up every callback reads what is built; before it, a big
store's path and matching say they are being prepared instead of building on the click."""

from __future__ import annotations

from graph import match, workspace
from graph.stores import StoreSpec
from graph.terms import AKGR
from graph.ui.callbacks import curriculum_tab, graph_details, graph_tab, graph_tools, overlap_tab
from graph.ui.context import app_context
from graph.ui.view import select as Sel
from graph.ui.view.kinds import FILTERS, KINDS
from graph.workspace import WARM, Workspace

DERM, ESTH = str(AKGR.dermatologist), str(AKGR.esthetician)
BUILDERS = {  # every projection's builder, as the workspace calls it
    "entity_graph": (workspace, "entity_graph"),
    "role_items": (workspace, "role_items"),
    "index": (workspace, "build_index"),
    "match_index": (match, "build_index"),
}


def instrument(monkeypatch) -> list[str]:
    """Every projection builder replaced by one that records its call and fails the click."""
    calls: list[str] = []
    for name, (module, attr) in BUILDERS.items():

        def builder(*_a, _name=name, **_k):
            calls.append(_name)
            raise AssertionError(f"a click built the {_name} projection")

        monkeypatch.setattr(module, attr, builder)
    return calls


def _view(**changes) -> dict:
    view = {
        "seeds": {k: [] for k in FILTERS},
        "kinds": list(KINDS),
        "essential": [],
        "everything": [],
        "layout": "force",
        "focus": None,
        "depth": 1,
        "expand": [],
        "hide": [],
        "add": [],
        "path_from": None,
        "path_to": None,
        "path_only": [],
    }
    return {**view, **changes}


def test_after_the_warm_up_no_callback_builds_a_projection(ui_app, monkeypatch):
    built = instrument(monkeypatch)
    with ui_app.server.app_context():
        ws = app_context().ws
        assert all(ws.ready(name) for name in WARM)  # the app warmed a small store before serving
        assert graph_tools.find_path(ESTH, DERM).children  # the path's sentences
        for view in (
            _view(path_from=ESTH, path_to=DERM),
            _view(focus=DERM, depth=2),
            _view(seeds={**_view()["seeds"], "role": [DERM]}, expand=[DERM]),
        ):
            assert graph_tab.draw(view, None)["elements"]
        assert graph_details.show_details(DERM)
        assert overlap_tab.pair_view(ws, ESTH, DERM)
        _doc, proposals, message = curriculum_tab.propose_matches(
            1, "perform chemical peels", "t", [DERM], None
        )
        assert "outcomes read" in message and proposals
    assert built == []


def test_before_the_warm_up_a_path_says_it_is_being_prepared(tmp_path, monkeypatch):
    extra = tmp_path / "extra.ttl"
    extra.write_text(f'<{DERM}> <http://www.w3.org/2004/02/skos/core#altLabel> "skin doctor" .\n')
    ws = Workspace.open(StoreSpec("oxigraph", (extra,), root=tmp_path / "stores"))  # persisted: warm() builds
    built = instrument(monkeypatch)
    assert not ws.available("index") and not ws.available("entity_graph") and not ws.available("match_index")
    found = Sel.path_steps(ws, ESTH, DERM)
    assert found.steps == [] and found.waiting == Sel.WAITING_FOR_PATHS
    assert built == []
