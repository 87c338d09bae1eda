"""The Graph tab: every view change redraws through compose(); node actions edit the view state."""

from __future__ import annotations

from collections import Counter

from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, no_update

from graph.ui import state as S
from graph.ui.context import app_context
from graph.ui.controls import VIEW_FIELDS, controls, from_controls, to_controls
from graph.ui.layout.details import neighbours_of
from graph.ui.layout.graph_tab import legend_block
from graph.ui.view.badges import undrawn_of_kind
from graph.ui.view.compose import badges_ready, compose
from graph.ui.view.kinds import KINDS
from graph.ui.view.select import kinds_present

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
        "legend": Output("legend", "children"),
    },
    inputs={
        "view": controls(Input, only=VIEW_FIELDS),
    },
    state={"node": State("selected", "data"), "ready": State("url-ready", "data")},
    prevent_initial_call=True,  # the URL's sync sets the view controls on load, which draws the first view
    # the canvas's busy sign while it runs (shown after 300 ms by CSS): a dcc.Loading round the canvas
    # re-rendered Cytoscape (a diff of every element) twice per draw
    running=[(Output("cy-busy", "className"), "busy", "busy-idle")],
)
def draw(view: dict, node: str | None, ready: bool = True) -> dict:
    """Every filter or view change runs construct_subgraph (or neighbours) and redraws.

    Not before the URL's state is in the controls: a store's first value on load would draw the
    default view first, and the URL's view after it without fitting the canvas.
    """
    if not ready:
        return {k: no_update for k in ("elements", "layout", "note", "count", "sparql", "data", "legend")}
    st = from_controls({**view, "node": node})
    c = app_context()
    return outputs(c, st, *c.view(view_key(c, st), lambda: compose(c, st)))


def view_key(c, st) -> tuple:
    """A drawn view's key in the view cache: its state, and whether paths and badges could be drawn
    (drawn again once the warm-up built the entity graph)."""
    return repr(st), badges_ready(c.ws)


def first_view(c, search: str | None) -> dict | None:
    """The outputs of draw() for the view a page's URL asks for, when it is drawn already (the view
    cache): the page is served with it, so its first graph waits for no callback round trip (the
    URL's sync draws the same elements again, which changes nothing). None when not cached: a page
    never waits for a query."""
    decoded = S.decode(search)
    view = {k: v for k, v in to_controls(decoded).items() if k in VIEW_FIELDS}
    st = from_controls({**view, "node": decoded.node})
    hit = c.peek_view(view_key(c, st))
    return outputs(c, st, *hit) if hit else None


def warm_first_view(c) -> None:
    """Draw the view of a page without a query string (the first screen) into the view cache."""
    decoded = S.decode("")
    st = from_controls({k: v for k, v in to_controls(decoded).items() if k in VIEW_FIELDS})
    c.view(view_key(c, st), lambda: compose(c, st))


# the components a drawn view fills, by the draw's output names
FIRST_VIEW = {
    "elements": ("cy", "elements"),
    "layout": ("cy", "layout"),
    "note": ("view-note", "children"),
    "count": ("view-count", "children"),
    "sparql": ("view-sparql", "children"),
    "data": ("view-data", "data"),
    "legend": ("legend", "children"),
}


def with_first_view(page, c, search: str | None):
    """A freshly built page with the URL's view drawn in, when it is cached (else as it is)."""
    view = first_view(c, search)
    for name, (cid, prop) in FIRST_VIEW.items() if view else ():
        setattr(page[cid], prop, view[name])
    return page


def has_first_view(page) -> bool:
    """Whether a page was served with its graph drawn in."""
    return bool(page["cy"].elements)


def outputs(c, st, drawn, sparql: str) -> dict:
    """What the canvas, its note, counter, legend and stores show for a drawn view."""
    count = f"{len(drawn.drawn.nodes)} nodes, {len(drawn.drawn.edges)} links"
    return {
        "elements": drawn.elements,
        "layout": drawn.layout,
        "note": drawn.note,
        "count": count,
        "sparql": sparql,
        "data": drawn.drawn.to_json(),
        "legend": legend_of(kinds_present(c.ws), drawn.drawn, list(st.kinds or KINDS)),
    }


def legend_of(present: list[str], drawn, shown: list[str]) -> list:
    """The legend of a view: the kinds drawn, and the kinds switched off (to switch back on)."""
    counts = Counter(n.kind for n in drawn.nodes.values())
    kinds = [k for k in present if counts.get(k) or k not in shown]
    return legend_block(kinds, counts, shown)  # in the draw's response: no second round trip


@callback(
    Output("selected", "data", allow_duplicate=True), Input("cy", "tapNodeData"), prevent_initial_call=True
)
def tap(data: dict | None):
    """Clicking a node selects it."""
    return data["id"] if data else no_update


def _with(items: list | None, iri: str) -> list:
    return list(dict.fromkeys([*(items or []), iri]))


def _node_action(action: str, iri: str, view: dict) -> dict:
    """What expand, focus or hide does to the view state (the buttons and the context menu share it)."""
    if action == "expand":
        return {"expand": _with(view["expand"], iri)}
    if action == "focus":
        return {"focus": iri}
    return {"hide": _with(view["hide"], iri), "node": None}


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
    action = {"act-expand": "expand", "act-focus": "focus"}.get(ctx.triggered_id, "hide")
    return {**out, **_node_action(action, iri, view)}


@callback(
    output={
        "expand": Output("expanded", "data", allow_duplicate=True),
        "focus": Output("focus", "data", allow_duplicate=True),
        "hide": Output("hidden", "data", allow_duplicate=True),
        "add": Output("added", "data", allow_duplicate=True),
        "node": Output("selected", "data", allow_duplicate=True),
    },
    inputs={"menu": Input("cy", "contextMenuData")},
    state={"view": controls(State, only=("expand", "hide", "add")), "data": State("view-data", "data")},
    prevent_initial_call=True,
)
def menu(menu: dict | None, view: dict, data: dict | None = None) -> dict:
    """A node's context menu: expand all its neighbours, or those of one kind; focus on it; hide it.

    By kind, it adds the neighbours its badge counted (the entity graph's, not drawn); before the
    warm-up built that graph, the detail panel's neighbours of the kind.
    """
    out = {k: no_update for k in ("expand", "focus", "hide", "add", "node")}
    iri, item = (menu or {}).get("elementId"), (menu or {}).get("menuItemId", "")
    if not iri:
        return out
    if item in ("expand", "focus", "hide"):  # the node stays selected, unless hidden
        return {**out, "node": iri, **_node_action(item, iri, view)}
    kind = KINDS.get(item.removeprefix("kind:"))
    if not kind:
        return out
    c = app_context()
    if badges_ready(c.ws):
        drawn = [n[0] for n in (data or {}).get("nodes", [])]
        members = undrawn_of_kind(
            c.ws.entity_graph, c.labels(), iri, item.removeprefix("kind:"), drawn, view["hide"] or []
        )
    else:
        members = [v.entity for g in neighbours_of(c.ws, iri) if g.kind == kind.label for v in g.values]
    return {**out, "add": list(dict.fromkeys([*(view["add"] or []), *members])), "node": iri}


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
    ClientsideFunction("akg", "select"),  # assets/graph.js
    Output("cy", "className"),
    Input("selected", "data"),
    Input("zoom-to", "data"),
)


clientside_callback(  # in the browser: actions that need a selected node are off until there is one
    ClientsideFunction("akg", "needsSelection"),  # assets/graph.js
    Output("act-expand", "disabled"),
    Output("act-focus", "disabled"),
    Output("act-hide", "disabled"),
    Output("zoom-selection", "disabled"),
    Input("selected", "data"),
)
