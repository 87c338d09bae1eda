"""The Graph tab's tools: search, path finder, exports, and the view's query in the SPARQL tab."""

from __future__ import annotations

from dash import Input, Output, State, callback, ctx, html, no_update

from graph.results import write_graph
from graph.ui.context import app_context
from graph.ui.controls import entity_picker
from graph.ui.view.elements import link_id
from graph.ui.view.select import path_steps
from graph.ui.view.subgraph import Subgraph, Triple
from graph.ui.view.tables import subgraph_csv, subgraph_rdf


@callback(
    output={
        "node": Output("selected", "data", allow_duplicate=True),
        "add": Output("added", "data", allow_duplicate=True),
        "zoom": Output("zoom-to", "data"),
    },
    inputs={"iri": Input(entity_picker("search"), "value")},
    state={"added": State("added", "data")},
    prevent_initial_call=True,
)
def choose(iri: str | None, added: list | None) -> dict:
    """A chosen search result is selected, added to the view if missing, and zoomed to with its neighbours."""
    if not iri:
        return {"node": no_update, "add": no_update, "zoom": no_update}
    return {"node": iri, "add": list(dict.fromkeys([*(added or []), iri])), "zoom": iri}


@callback(
    Output("path-text", "children"),
    Input(entity_picker("path-a"), "value"),
    Input(entity_picker("path-b"), "value"),
    prevent_initial_call=True,
)
def find_path(a: str | None, b: str | None):
    """Tell the shortest paths between two entities as sentences (the view draws them)."""
    if not a or not b:
        return ""
    if a == b:
        return html.P("From and To are the same entity: pick two different ones.", className="hint empty")
    found = path_steps(app_context().ws, a, b)
    if found.waiting:
        return html.P(found.waiting, className="hint", role="status")
    if not found.steps:
        return html.P(
            "No connection between these two in this graph: try an end closer to a role, or import ESCO "
            "or O*NET to link more.",
            className="hint empty",
        )
    return path_list(found)


def path_list(found) -> html.Ol:
    """Each shortest path on its own line; choosing one highlights it on the canvas and fits it
    (assets/graph.js reads the nodes and links it names)."""
    items = []
    for k, (sentence, steps) in enumerate(zip(found.sentences, found.each, strict=True)):
        nodes = list(dict.fromkeys(n for s, _, _, o in steps for n in (s, o)))
        links = [link_id(Triple(s, p, o)) for s, p, _, o in steps]
        items.append(
            html.Li(
                html.Button(
                    [html.Strong(f"Path {k + 1}: "), sentence],
                    className="path-choice",
                    **{"data-nodes": " ".join(nodes), "data-links": " ".join(links), "aria-pressed": "false"},
                )
            )
        )
    return html.Ol(items, className="path-list")


@callback(
    Output("download-view", "data"),
    Input("export-ttl", "n_clicks"),
    Input("export-jsonld", "n_clicks"),
    Input("export-csv", "n_clicks"),
    State("view-data", "data"),
    prevent_initial_call=True,
)
def export_view(_ttl: int | None, _jsonld: int | None, _csv: int | None, data: dict | None) -> dict:
    """The drawn subgraph as Turtle, JSON-LD or CSV (nodes and edges, each link's flag and source)."""
    sub = Subgraph.from_json(data)
    if ctx.triggered_id == "export-csv":
        return {"content": subgraph_csv(sub), "filename": "akg-view.csv", "type": "text/csv"}
    media, ext = (
        ("application/ld+json", "jsonld") if ctx.triggered_id == "export-jsonld" else ("text/turtle", "ttl")
    )
    return {"content": write_graph(subgraph_rdf(sub), media).decode("utf-8"), "filename": f"akg-view.{ext}"}


@callback(
    output={
        "pending": Output("q-pending", "data"),
        "tab": Output("tabs", "data", allow_duplicate=True),
    },
    inputs={"n": Input("open-in-sparql", "n_clicks")},
    state={"text": State("view-sparql", "children")},
    prevent_initial_call=True,
)
def open_in_sparql(n: int | None, text: str | None) -> dict:
    """Put the view's query in the editor (its tab may not be built yet) and switch to the SPARQL tab."""
    return {"pending": text, "tab": "sparql"}
