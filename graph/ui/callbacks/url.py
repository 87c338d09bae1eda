"""The URL holds the whole view state: controls follow it on load and Back/Forward, it follows them."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update, set_props

from graph.ui import layout
from graph.ui import state as S
from graph.ui.context import app_context
from graph.ui.controls import FIELDS, SEARCHED, VIEW_FIELDS, from_controls, seed_id, to_controls
from graph.ui.controls import controls as dependencies
from graph.ui.layout.common import choices
from graph.ui.options import restored_options
from graph.ui.tabs import TAB_NAMES, TABS
from graph.ui.view.kinds import FILTERS


def _changed(wanted: dict, values: dict) -> dict:
    """Each wanted value, or no_update where the control already holds it (nested like the controls)."""
    return {
        k: _changed(w, values.get(k) or {})
        if isinstance(w, dict)
        else (w if w != values.get(k) else no_update)
        for k, w in wanted.items()
    }


def restored(search: str | None, controls: dict) -> tuple[dict, dict, str]:
    """What a URL restores: the controls' new values (no_update where a control holds it already),
    the searched pickers' options for the values they are given (so they keep them), and the note."""
    st = S.decode(search)
    found = restored_options(app_context().ws, list(st.seeds.get("role", ())), st.path_from, st.path_to)
    return _changed(to_controls(st), controls), found, S.ignored_note(st.ignored)


def _apply(values: dict, found: dict) -> None:
    """Set the controls by set_props, not as declared outputs, so that the graph's draw never waits
    for this callback's round trip after a change; a searched picker gets its options with its value."""
    targets = [(seed_id(k), "value", values["seeds"][k], k) for k in FILTERS]
    targets += [(cid, prop, values[name], name) for name, (cid, prop) in FIELDS.items()]
    for cid, prop, value, key in targets:
        props = {} if value is no_update else {prop: value}
        if key in SEARCHED and found.get(key) is not None:
            props["options"] = choices(found[key])
        if props:
            set_props(cid, props)


@callback(
    output={"search": Output("url", "search"), "note": Output("page-note", "children")},
    inputs={"search": Input("url", "search"), "controls": dependencies(Input)},
    state={"ready": State("url-ready", "data")},
)
def sync_url(search: str | None, controls: dict, ready: bool = True) -> dict:
    """The URL follows the controls; on load and on back/forward the controls follow the URL
    (and the searched pickers get options for the values they are given, so they keep them).

    A link's values that name no IRI are dropped (the view draws without them) and said in a note.
    On load at least one view control is set, which draws the first view (draw has no initial call).
    """
    first = not ready or ctx.triggered_id is None
    if first or "url.search" in ctx.triggered_prop_ids:
        values, found, note = restored(search, controls)
        if first:  # the graph draws from now on; the first view when a view control is set
            set_props("url-ready", {"data": True})
            values = _every(values, controls)
        _apply(values, found)
        return {"search": no_update, "note": note}
    new = S.encode(from_controls(controls))
    return {"search": new if new != (search or "") else no_update, "note": no_update}


def _every(values: dict, controls: dict) -> dict:
    """The restored values, with the layout choice set again when no view control changed, so that
    the first view is drawn (one control: setting the role pickers would also run their search)."""
    view = [*values["seeds"].values(), *(values[n] for n in VIEW_FIELDS if n != "seeds")]
    if all(v is no_update for v in view):
        return {**values, "layout": controls.get("layout") or "force"}
    return values


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
