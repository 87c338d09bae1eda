"""The URL holds the whole view state: controls follow it on load and Back/Forward, it follows them."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from graph.ui import layout
from graph.ui import state as S
from graph.ui.context import app_context
from graph.ui.controls import SEARCHED, from_controls, to_controls
from graph.ui.controls import controls as dependencies
from graph.ui.layout.common import choices
from graph.ui.options import restored_options
from graph.ui.tabs import TAB_NAMES, TABS


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
        "options": {k: Output(i, "options", allow_duplicate=True) for k, i in SEARCHED.items()},
    },
    inputs={"search": Input("url", "search"), "controls": dependencies(Input)},
    prevent_initial_call="initial_duplicate",
)
def sync_url(search: str | None, controls: dict) -> dict:
    """The URL follows the controls; on load and on back/forward the controls follow the URL
    (and the searched pickers get options for the values they are given, so they keep them).

    A link's values that name no IRI are dropped (the view draws without them) and said in a note.
    """
    unchanged = {k: no_update for k in SEARCHED}
    if ctx.triggered_id is None or "url.search" in ctx.triggered_prop_ids:
        st = S.decode(search)
        found = restored_options(app_context().ws, list(st.seeds.get("role", ())), st.path_from, st.path_to)
        return {
            "search": no_update,
            "controls": _changed(to_controls(st), controls),
            "note": S.ignored_note(st.ignored),
            "options": {k: no_update if v is None else choices(v) for k, v in found.items()},
        }
    new = S.encode(from_controls(controls))
    return {
        "search": new if new != (search or "") else no_update,
        "controls": _unchanged(controls),
        "note": no_update,
        "options": unchanged,
    }


@callback(
    output={
        "panels": {name: Output(f"panel-{name}", "style") for name in TAB_NAMES},
        "tabs": {name: Output({"type": "tab", "name": name}, "className") for name in TAB_NAMES},
        "selected": {name: Output({"type": "tab", "name": name}, "aria-selected") for name in TAB_NAMES},
    },
    inputs={"tab": Input("tabs", "data")},
    prevent_initial_call=True,  # the layout shows the first tab; a URL's tab arrives as a change
)
def show_tab(tab: str) -> dict:
    """Show one tab's panel (the others stay in the page, hidden) and mark its tab selected."""
    return {
        "panels": {
            name: (
                {"display": "flex" if name == "graph" else "block"} if tab == name else {"display": "none"}
            )
            for name in TAB_NAMES
        },
        "tabs": {name: "tab tab--selected" if tab == name else "tab" for name in TAB_NAMES},
        "selected": {name: "true" if tab == name else "false" for name in TAB_NAMES},
    }


@callback(
    Output("tabs", "data", allow_duplicate=True),
    Input({"type": "tab", "name": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def choose_tab(clicks: list):
    """A tab pressed (click, Enter or Space) shows its panel."""
    if not isinstance(ctx.triggered_id, dict) or not any(clicks):
        return no_update
    return ctx.triggered_id["name"]


def _render(name: str):
    """The callback that builds a lazy tab's panel the first time it is shown."""

    def render(tab: str, children: list | None):
        if tab != name or children:
            return no_update
        return layout.panel(name, app_context())

    render.__name__ = f"render_{name}"
    render.__doc__ = f"Build the {name} tab when first opened."
    return callback(
        Output(f"panel-{name}", "children"),
        Input("tabs", "data"),
        State(f"panel-{name}", "children"),
        prevent_initial_call=True,
    )(render)


RENDERERS = [_render(t.name) for t in TABS if t.lazy]
