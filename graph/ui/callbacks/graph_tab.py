"""The Graph tab: every view change redraws through compose(); node actions edit the view state."""

from __future__ import annotations

from dash import Input, Output, State, callback, clientside_callback, ctx, no_update

from graph.ui.context import app_context
from graph.ui.controls import controls, from_controls
from graph.ui.view.compose import compose

# The graph tab's own callbacks live beside this one (details, tools); importing registers them.
from graph.ui.callbacks import graph_details, graph_tools  # noqa: F401  isort: skip


@callback(
    output={
        "elements": Output("cy", "elements"),
        "layout": Output("cy", "layout"),
        "note": Output("view-note", "children"),
        "count": Output("view-count", "children"),
        "sparql": Output("view-sparql", "children"),
        "data": Output("view-data", "data"),
    },
    inputs={
        "view": controls(
            Input, only=("seeds", "kinds", "essential", "layout", "focus", "depth", "expand", "hide", "add")
        ),
        "path": Input("path", "data"),
    },
    state={"node": State("selected", "data")},
)
def draw(view: dict, path: dict | None, node: str | None) -> dict:
    """Every filter or view change runs construct_subgraph (or neighbours) and redraws."""
    st = from_controls({**view, "node": node})
    if not (isinstance(path, dict) and isinstance(path.get("steps", []), list)):
        path = None  # the path store holds what the path finder wrote; anything else is ignored
    drawn, sparql = compose(app_context(), st, path)
    count = f"{len(drawn.drawn.nodes)} nodes, {len(drawn.drawn.edges)} links"
    return {
        "elements": drawn.elements,
        "layout": drawn.layout,
        "note": drawn.note,
        "count": count,
        "sparql": sparql,
        "data": drawn.drawn.to_json(),
    }


@callback(
    Output("selected", "data", allow_duplicate=True), Input("cy", "tapNodeData"), prevent_initial_call=True
)
def tap(data: dict | None):
    """Clicking a node selects it."""
    return data["id"] if data else no_update


def _with(items: list | None, iri: str) -> list:
    return list(dict.fromkeys([*(items or []), iri]))


@callback(
    output={
        "expand": Output("expanded", "data", allow_duplicate=True),
        "focus": Output("focus", "data", allow_duplicate=True),
        "hide": Output("hidden", "data", allow_duplicate=True),
        "node": Output("selected", "data", allow_duplicate=True),
    },
    inputs={
        "clicks": {
            "expand": Input("act-expand", "n_clicks"),
            "focus": Input("act-focus", "n_clicks"),
            "hide": Input("act-hide", "n_clicks"),
        },
        "view": controls(State, only=("node", "expand", "hide")),
    },
    prevent_initial_call=True,
)
def act(clicks: dict, view: dict) -> dict:
    """Expand (add neighbours), focus (only its neighbourhood) or hide the selected node."""
    out = {"expand": no_update, "focus": no_update, "hide": no_update, "node": no_update}
    iri = view["node"]
    if not iri:
        return out
    if ctx.triggered_id == "act-expand":
        return {**out, "expand": _with(view["expand"], iri)}
    if ctx.triggered_id == "act-focus":
        return {**out, "focus": iri}
    return {**out, "hide": _with(view["hide"], iri), "node": None}


@callback(
    output={
        "expand": Output("expanded", "data", allow_duplicate=True),
        "focus": Output("focus", "data", allow_duplicate=True),
        "hide": Output("hidden", "data", allow_duplicate=True),
        "add": Output("added", "data", allow_duplicate=True),
    },
    inputs={"n": Input("reset-view", "n_clicks")},
    prevent_initial_call=True,
)
def reset(n: int | None) -> dict:
    """Undo expand, focus, hide and added nodes; the filters stay."""
    return {"expand": [], "focus": None, "hide": [], "add": []}


clientside_callback(
    """
    function(selected, elements) {
        const el = document.getElementById('cy');
        const cy = el && el._cyreg && el._cyreg.cy;
        if (!cy) { return window.dash_clientside.no_update; }
        if (!cy._akgHover) {
            cy._akgHover = true;
            cy.on('mouseover', 'edge', e => e.target.addClass('hover'));
            cy.on('mouseout', 'edge', e => e.target.removeClass('hover'));
        }
        if (selected) {
            const node = cy.getElementById(selected);
            if (node && node.length) {
                cy.nodes(':selected').unselect();
                node.select();
                setTimeout(() => {  // centre only a node that is out of sight, after the layout ran
                    const p = node.renderedPosition();
                    if (p.x < 20 || p.y < 20 || p.x > cy.width() - 20 || p.y > cy.height() - 20) {
                        cy.animate({center: {eles: node}, duration: 250});
                    }
                }, 300);
            }
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output("cy", "className"),
    Input("selected", "data"),
    Input("cy", "elements"),
)
