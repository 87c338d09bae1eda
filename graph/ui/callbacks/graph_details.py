"""The Graph tab's detail panel: the selected node's properties, sources and neighbours."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, html, no_update

from graph.ui.context import app_context
from graph.ui.layout.details import details_view, link_view


@callback(
    Output("detail", "children"),
    Input("selected", "data"),
    Input("cy", "tapEdgeData"),
    prevent_initial_call=True,  # the layout holds the hint; a URL's node arrives as a change
)
def show_details(iri: str | None, link: dict | None = None):
    """The selected node's properties, sources and neighbours; or the clicked link's."""
    if link and ctx.triggered_id == "cy":
        return link_view(app_context().ws, link)
    if not iri:
        return html.P("Click a node or a link to see its details.", className="hint")
    return details_view(app_context().ws, iri)


@callback(
    output={
        "node": Output("selected", "data", allow_duplicate=True),
        "add": Output("added", "data", allow_duplicate=True),
    },
    inputs={"clicks": Input({"type": "goto", "iri": ALL}, "n_clicks")},
    state={"added": State("added", "data")},
    prevent_initial_call=True,
)
def goto(clicks: list, added: list | None) -> dict:
    """A neighbour's name in the panel selects it, adding it to the view when missing."""
    if not any(clicks) or not isinstance(ctx.triggered_id, dict):
        return {"node": no_update, "add": no_update}
    iri = ctx.triggered_id["iri"]
    return {"node": iri, "add": list(dict.fromkeys([*(added or []), iri]))}


@callback(
    output={
        "node": Output("selected", "data", allow_duplicate=True),
        "add": Output("added", "data", allow_duplicate=True),
    },
    inputs={"clicks": Input({"type": "draw-group", "iris": ALL}, "n_clicks")},
    state={"added": State("added", "data"), "node": State("selected", "data")},
    prevent_initial_call=True,
)
def draw_group(clicks: list, added: list | None, node: str | None) -> dict:
    """A neighbour group's "draw" adds its members to the view: expand by relation and kind."""
    if not any(clicks) or not isinstance(ctx.triggered_id, dict):
        return {"node": no_update, "add": no_update}
    members = ctx.triggered_id["iris"].split()
    return {"node": node or no_update, "add": list(dict.fromkeys([*(added or []), *members]))}
