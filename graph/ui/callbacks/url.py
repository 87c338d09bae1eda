"""The URL holds the whole view state: controls follow it on load and Back/Forward, it follows them."""

from __future__ import annotations

from dash import Input, Output, callback, ctx, no_update

from graph.ui import state as S
from graph.ui.controls import controls as dependencies
from graph.ui.controls import from_controls, to_controls
from graph.ui.tabs import TAB_NAMES


def _changed(wanted: dict, values: dict) -> dict:
    """Each wanted value, or no_update where the control already holds it (nested like the controls)."""
    return {
        k: _changed(w, values.get(k) or {})
        if isinstance(w, dict)
        else (w if w != values.get(k) else no_update)
        for k, w in wanted.items()
    }


def _unchanged(values: dict) -> dict:
    return {k: _unchanged(v) if isinstance(v, dict) else no_update for k, v in values.items()}


@callback(
    output={
        "search": Output("url", "search"),
        "controls": dependencies(Output),
        "note": Output("page-note", "children"),
    },
    inputs={"search": Input("url", "search"), "controls": dependencies(Input)},
)
def sync_url(search: str | None, controls: dict) -> dict:
    """The URL follows the controls; on load and on back/forward the controls follow the URL.

    A link's values that name no IRI are dropped (the view draws without them) and said in a note.
    """
    if ctx.triggered_id is None or "url.search" in ctx.triggered_prop_ids:
        st = S.decode(search)
        return {
            "search": no_update,
            "controls": _changed(to_controls(st), controls),
            "note": S.ignored_note(st.ignored),
        }
    new = S.encode(from_controls(controls))
    return {
        "search": new if new != (search or "") else no_update,
        "controls": _unchanged(controls),
        "note": no_update,
    }


@callback(
    output={name: Output(f"panel-{name}", "style") for name in TAB_NAMES},
    inputs={"tab": Input("tabs", "value")},
)
def show_tab(tab: str) -> dict:
    """Show one tab's panel; the others stay in the page, hidden."""
    return {
        name: ({"display": "flex" if name == "graph" else "block"} if tab == name else {"display": "none"})
        for name in TAB_NAMES
    }
