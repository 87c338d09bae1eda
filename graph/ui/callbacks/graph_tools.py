"""The Graph tab's tools: search, path finder, exports, and the view's query in the SPARQL tab."""

from __future__ import annotations

from dash import Input, Output, State, callback, ctx, html, no_update

from graph import analysis
from graph.results import write_graph
from graph.ui.context import app_context
from graph.ui.options import search_options
from graph.ui.view.subgraph import Subgraph
from graph.ui.view.tables import subgraph_csv, subgraph_rdf


@callback(Output("search", "options"), Input("search", "search_value"), State("search", "value"))
def suggest(text: str | None, current: str | None):
    """Suggestions as people type."""
    if not text:
        return no_update
    return search_options(app_context().ws, text)


@callback(
    output={
        "node": Output("selected", "data", allow_duplicate=True),
        "add": Output("added", "data", allow_duplicate=True),
    },
    inputs={"iri": Input("search", "value")},
    state={"added": State("added", "data")},
    prevent_initial_call=True,
)
def choose(iri: str | None, added: list | None) -> dict:
    """A chosen search result is selected and centred, and added to the view if missing."""
    if not iri:
        return {"node": no_update, "add": no_update}
    return {"node": iri, "add": list(dict.fromkeys([*(added or []), iri]))}


def path_steps(ws, a: str, b: str) -> dict:
    """Shortest paths between two entities as steps to draw and sentences to read."""
    paths = analysis.shortest_paths(ws.entity_graph, a, b)
    labels = {iri: e.label for iri, e in ws.index.entries.items()}
    steps = [[s.subject, s.predicate, s.label, s.object] for p in paths for s in p]
    return {"steps": steps, "sentences": [analysis.sentence(p, labels) for p in paths]}


@callback(
    output={"path": Output("path", "data"), "text": Output("path-text", "children")},
    inputs={
        "a": Input({"type": "picker", "name": "path-a"}, "value"),
        "b": Input({"type": "picker", "name": "path-b"}, "value"),
    },
)
def find_path(a: str | None, b: str | None) -> dict:
    """Highlight the shortest paths between two entities and tell them as sentences."""
    if not a or not b:
        return {"path": None, "text": ""}
    found = path_steps(app_context().ws, a, b)
    if not found["steps"]:
        return {"path": None, "text": html.P("No connection between these two.", className="hint")}
    return {"path": found, "text": html.Ol([html.Li(s) for s in found["sentences"]])}


@callback(
    Output("cy", "generateImage"),
    Input("export-png", "n_clicks"),
    Input("export-svg", "n_clicks"),
    prevent_initial_call=True,
)
def export_image(_png: int | None, _svg: int | None) -> dict:
    """PNG or SVG of the view, made by Cytoscape in the browser."""
    kind = "svg" if ctx.triggered_id == "export-svg" else "png"
    return {
        "type": kind,
        "action": "download",
        "filename": "akg-view",
        "options": {"full": True, "bg": "#ffffff"},
    }


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
        "editor": Output("q-editor", "value", allow_duplicate=True),
        "tab": Output("tabs", "value", allow_duplicate=True),
        "query": Output("q-catalogue", "value", allow_duplicate=True),
    },
    inputs={"n": Input("open-in-sparql", "n_clicks")},
    state={"text": State("view-sparql", "children")},
    prevent_initial_call=True,
)
def open_in_sparql(n: int | None, text: str | None) -> dict:
    """Put the view's query in the editor and switch to the SPARQL tab."""
    return {"editor": text, "tab": "sparql", "query": None}
