"""Search-driven pickers shared by the tabs: role pickers (one MATCH callback for all) and entity pickers."""

from __future__ import annotations

from dash import MATCH, Input, Output, callback, no_update

from graph.ui import options
from graph.ui.context import app_context
from graph.ui.controls import entity_picker, role_picker
from graph.ui.options import role_options, search_options


@callback(
    Output(role_picker(MATCH), "options"),
    Input(role_picker(MATCH), "search_value"),
    Input(role_picker(MATCH), "value"),
    prevent_initial_call=True,  # the layout holds the first options
)
def suggest_roles(text: str | None, value):
    """Role options as people type (only a big store's pickers change: a small one lists every role)."""
    ws = app_context().ws
    if len(ws.role_names) <= options.OPTIONS_CAP:
        return no_update
    chosen = value if isinstance(value, list) else [value] if value else []
    return role_options(ws, text, chosen)


@callback(
    Output(entity_picker(MATCH), "options"),
    Input(entity_picker(MATCH), "search_value"),
    prevent_initial_call=True,
)
def suggest_entities(text: str | None):
    """Suggestions for the path finder's entity pickers."""
    return search_options(app_context().ws, text) if text else no_update
