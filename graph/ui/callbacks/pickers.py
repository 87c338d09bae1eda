"""Search-driven pickers shared by the tabs (layout/common.py's `picker`): one MATCH callback per kind.

Role and entity pickers ask the server as people type; a graph filter's fixed list is filtered in
the browser. Each list keeps its chosen options, so a tick stays visible while the search changes.
"""

from __future__ import annotations

from dash import MATCH, Input, Output, State, callback, clientside_callback, no_update

from graph.ui.context import app_context
from graph.ui.controls import entity_picker, filter_picker, role_picker
from graph.ui.layout.common import SHOWN, choices, part
from graph.ui.options import role_choices, search_options


def _chosen(value) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else [value] if value else []


@callback(
    Output(role_picker(MATCH), "options"),
    Input(part(role_picker(MATCH), "search"), "value"),
    State(role_picker(MATCH), "value"),
    prevent_initial_call=True,  # the layout holds the first options
)
def suggest_roles(text: str | None, value):
    """The chosen roles, then those the text finds (every role on a small store when nothing is typed).

    Only the search asks: a tick is already in the list (and a round trip on every tick cost the
    graph's redraw a pass of the renderer); a callback that sets a picker's value sets its options
    with it (options.role_options), as the URL's sync does.
    """
    return choices(role_choices(app_context().ws, text if isinstance(text, str) else None, _chosen(value)))


@callback(
    Output(entity_picker(MATCH), "options"),
    Input(part(entity_picker(MATCH), "search"), "value"),
    State(entity_picker(MATCH), "value"),
    State(entity_picker(MATCH), "options"),
    prevent_initial_call=True,
)
def suggest_entities(text: str | None, value, shown):
    """Search results for an entity picker (the path finder's ends, Find), its chosen one first."""
    if not isinstance(text, str) or len(text.strip()) < 2:
        return no_update
    kept = [o for o in shown or [] if isinstance(o, dict) and o.get("value") == value and value]
    found = [o for o in search_options(app_context().ws, text) if o["value"] != value]
    if not found and not kept:  # an empty list said nothing: say so, and what to try
        return [no_matches(text)]
    return choices([*kept, *found])


def no_matches(text: str) -> dict:
    """The one (disabled) option of a search that found nothing, with what to try instead."""
    return {
        "label": f"no matches for “{text.strip()}”: try fewer letters, a synonym or another spelling",
        "value": "",
        "disabled": True,
    }


clientside_callback(
    f"""function (text, value, all) {{
        const t = (text || '').trim().toLowerCase(), on = new Set(value || []);
        let room = {SHOWN};
        return (all || []).filter(o => on.has(o.value) ||
            ((!t || String(o.label).toLowerCase().includes(t)) && room-- > 0));
    }}""",
    Output(filter_picker(MATCH), "options"),
    Input(part(filter_picker(MATCH), "search"), "value"),
    Input(filter_picker(MATCH), "value"),
    State(part(filter_picker(MATCH), "all"), "data"),
    prevent_initial_call=True,
)

for _picker in (role_picker, entity_picker):  # a single-choice picker's Clear button
    clientside_callback(
        "function (n) { return n ? null : window.dash_clientside.no_update; }",
        Output(_picker(MATCH), "value", allow_duplicate=True),
        Input(part(_picker(MATCH), "clear"), "n_clicks"),
        prevent_initial_call=True,
    )
