"""The SPARQL tab's layout: catalogue and parameters, the YASGUI editor and results, permalink, downloads, drawing."""

from __future__ import annotations

import json

import dash_cytoscape as cyto
from dash import dcc, html

from graph.ui import options
from graph.ui.layout.common import select
from graph.ui.view.style import stylesheet
from graph.ui.yasgui import editor_config


def panel(c) -> list:
    """The SPARQL tab: the catalogue loads into the editor (YASGUI, started by assets/sparql.js)."""
    return [
        html.Div(
            [
                select(
                    "q-catalogue",
                    "Named queries",
                    options.catalogue_options(),
                    placeholder="load a named query…",
                ),
                html.Div(id="q-summary", className="hint"),
                html.Div(id="q-params", className="params"),
            ],
            className="catalogue",
        ),
        html.H2("SPARQL query", className="field-label"),
        html.P(
            "Ctrl+Enter runs. Known prefixes (akg:, akgr:, skos:, esco:, …) need no PREFIX line: "
            "it is added when the query runs. Ctrl+Space completes classes and properties of this graph; "
            "an IRI in the results opens it in the Graph tab.",
            className="hint",
        ),
        html.Div(id="q-yasgui", className="yasgui-host", **{"data-config": json.dumps(editor_config())}),
        html.Div(
            [
                html.Label("Permalink", htmlFor="q-permalink", className="field-label"),
                dcc.Input(id="q-permalink", type="text", readOnly=True, className="permalink"),
            ],
            className="permalink-row",
        ),
        html.Div(
            [
                html.Button("Download CSV", id="q-csv", className="small", **{"data-download": "csv"}),
                html.Button("Download TSV", id="q-tsv", className="small", **{"data-download": "tsv"}),
                html.Button("Download JSON", id="q-json", className="small", **{"data-download": "json"}),
                html.Button("Draw as a graph", id="q-draw", className="small"),
                html.Span(id="q-status", className="status", role="status"),
            ],
            className="button-row",
        ),
        html.Div(id="q-error", className="error"),
        cyto.Cytoscape(
            id="q-cy",
            elements=[],
            stylesheet=stylesheet(),
            layout={"name": "preset", "fit": True, "padding": 30},
            style={"width": "100%", "height": "480px", "display": "none"},
        ),
        dcc.Store(id="q-editor"),  # the editor's query (set by sparql.js), what Draw runs
        dcc.Store(id="q-load"),  # a query for the editor (catalogue, parameters, Graph tab)
        dcc.Store(id="q-loaded"),
    ]
