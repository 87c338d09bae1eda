"""The SPARQL tab's layout: catalogue, parameters, editor, results grid and drawing."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_cytoscape as cyto
from dash import dcc, html

from graph.ui import options
from graph.ui.layout.common import select
from graph.ui.view.style import stylesheet


def panel(c) -> list:
    """The SPARQL tab: catalogue, parameters, editor, results and drawing."""
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
        html.Label("SPARQL query", htmlFor="q-editor", className="field-label"),
        dcc.Textarea(
            id="q-editor",
            value="SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20",
            spellCheck=False,
            className="editor",
        ),
        html.Div(
            [
                html.Button("Run", id="q-run", className="primary"),
                html.Button("Download CSV", id="q-csv", className="small"),
                html.Button("Download JSON", id="q-json", className="small"),
                html.Button("Draw", id="q-draw", className="small"),
                html.Span(id="q-status", className="status"),
            ],
            className="button-row",
        ),
        html.Div(id="q-error", className="error"),
        dcc.Loading(
            dag.AgGrid(
                id="q-grid",
                columnDefs=[],
                rowData=[],
                defaultColDef={
                    "sortable": True,
                    "filter": True,
                    "resizable": True,
                    "flex": 1,
                    "minWidth": 120,
                },
                dashGridOptions={"pagination": True, "paginationPageSize": 50},
                style={"height": "420px"},
                className="ag-theme-alpine",
            ),
            type="dot",
        ),
        cyto.Cytoscape(
            id="q-cy",
            elements=[],
            stylesheet=stylesheet(),
            layout={"name": "preset"},
            style={"width": "100%", "height": "480px", "display": "none"},
        ),
        dcc.Download(id="q-download"),
    ]
