"""The Overlap & gap tab's layout: heatmap and gap between two roles (a plan for many: the Curriculum tab)."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from graph.ui import options
from graph.ui.controls import role_picker
from graph.ui.layout.common import checklist, picker, select

CHART_HEIGHT = "520px"  # the chart's, and its slot's while Plotly loads


def panel(c) -> list:
    """The overlap heatmap and the gap between two roles."""
    roles, default_roles, categories = options.role_options(c.ws), c.ws.curated_roles(), c.ws.categories
    return [
        html.Div(
            [
                html.H3("Role overlap"),
                html.Div(
                    [
                        picker(role_picker("ov-roles"), "Roles", roles, value=list(default_roles)),
                        select(
                            "ov-category",
                            "Category",
                            [{"label": "all categories", "value": "all"}]
                            + [{"label": c, "value": c} for c in categories],
                            value="all",
                        ),
                        checklist(
                            "ov-weighted",
                            None,
                            [{"label": "weight essential links double", "value": "on"}],
                            [],
                            className="switch",
                        ),
                    ],
                    className="controls",
                ),
                html.Div(
                    dcc.Graph(id="ov-heatmap", config={"displaylogo": False}, style={"height": CHART_HEIGHT}),
                    className="wide-figure figure-slot",
                    # its place kept while Plotly loads (figure-slot in style.css)
                    style={"minHeight": CHART_HEIGHT},
                ),
                html.Div(html.P("Click a cell to compare two roles.", className="hint"), id="ov-pair"),
            ],
            className="card",
        ),
        html.Div(
            [
                html.H3("Gap: from one role to another"),
                html.Div(
                    [
                        picker(role_picker("gap-a"), "From role", roles, multi=False, clearable=True),
                        picker(role_picker("gap-b"), "To role", roles, multi=False, clearable=True),
                    ],
                    className="controls",
                ),
                html.Div(id="gap-summary", className="hint"),
                dag.AgGrid(
                    id="gap-grid",
                    columnDefs=[
                        {"field": "order", "maxWidth": 90},
                        {"field": "kind"},
                        {"field": "what", "flex": 3},
                        {"field": "essential", "maxWidth": 120},
                        {"field": "details", "flex": 2},
                    ],
                    rowData=[],
                    defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1},
                    style={"height": "320px"},
                    className="ag-theme-alpine",
                ),
                html.Div(
                    [
                        html.Button("Download CSV", id="gap-csv", className="small"),
                        html.Button("Download brief (Markdown)", id="gap-md", className="small"),
                    ],
                    className="button-row",
                ),
                dcc.Download(id="gap-download"),
            ],
            className="card",
        ),
    ]
