"""The Curriculum tab's layout: the plan for target roles, and a designer's curriculum checked against them."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from graph.ui import options
from graph.ui.controls import role_picker
from graph.ui.layout.common import picker, select

PLAN_COLUMNS = ("step", "module", "category", "item", "need", "comes_after", "source")
EXAMPLE = "Module,Outcome\nLasers,Perform laser hair removal safely\nSkin,Apply chemical peels\n"


def panel(c) -> list:
    """Two cards: "what must I teach for these roles?" and "what does my curriculum cover?"."""
    roles = options.role_options(c.ws)
    return [
        html.Div(
            [
                html.H3("Curriculum for target roles"),
                html.P(
                    "Choose the roles you train people for: the plan lists what every role needs (common "
                    "core), what some share, and each role's own module, essential items first and what "
                    "must come first before what needs it.",
                    className="hint",
                ),
                picker(role_picker("cur-roles"), "Target roles", roles),
                html.Div(id="cur-plan-summary", className="hint"),
                dag.AgGrid(
                    id="cur-plan-grid",
                    columnDefs=[
                        {"field": "step", "maxWidth": 80},
                        {"field": "module", "rowGroup": False},
                        {"field": "category", "maxWidth": 130},
                        {"field": "item", "flex": 3},
                        {"field": "need", "flex": 2},
                        {"field": "comes_after", "headerName": "comes after", "flex": 2},
                        {"field": "source", "flex": 2},
                    ],
                    rowData=[],
                    defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1},
                    style={"height": "360px"},
                    className="ag-theme-alpine",
                ),
                html.Div(id="cur-credentials"),
                html.Div(
                    [
                        html.Button("Download brief (Markdown)", id="cur-plan-md", className="small"),
                        html.Button("Download CSV", id="cur-plan-csv", className="small"),
                        html.Button("Download CASE", id="cur-plan-case", className="small"),
                    ],
                    className="button-row",
                ),
                dcc.Download(id="cur-plan-download"),
            ],
            className="card",
        ),
        html.Div(
            [
                html.H3("My curriculum: what does it cover?"),
                html.P(
                    "Paste your learning outcomes (one a line, or a CSV / Markdown table with module and "
                    "outcome columns) or upload a file. Each outcome gets proposals: tick the ones it "
                    "really teaches. Save to keep it; coverage of the target roles above updates as you go.",
                    className="hint",
                ),
                html.Div(
                    [
                        html.Div(
                            [
                                html.Label("Title", htmlFor="cur-title", className="field-label"),
                                dcc.Input(id="cur-title", placeholder="curriculum title", debounce=True),
                            ]
                        ),
                        select("cur-saved", "Saved curricula", [], placeholder="open a saved curriculum…"),
                        html.Div(
                            [
                                html.Button("Open", id="cur-open", className="small"),
                                html.Button("Delete", id="cur-delete", className="small"),
                            ],
                            className="button-row",
                            style={"marginTop": "20px"},
                        ),
                    ],
                    className="controls",
                ),
                html.Div(
                    [
                        select(
                            "cur-versions", "Earlier versions", [], placeholder="history of this curriculum…"
                        ),
                        html.Button("Restore", id="cur-restore", className="small"),
                        html.Div(id="cur-auth", className="hint"),
                    ],
                    className="controls",
                ),
                html.Label("Learning outcomes", htmlFor="cur-text", className="field-label"),
                dcc.Textarea(id="cur-text", placeholder=EXAMPLE, style={"width": "100%", "height": "120px"}),
                html.Div(
                    [
                        html.Button("Propose matches", id="cur-propose"),
                        html.Label(  # names dcc.Upload's file input, which takes no label of its own
                            dcc.Upload(
                                html.Span("Upload a file…", className="upload-button"),
                                id="cur-upload",
                                max_size=-1,  # checked server-side, so a too big file gets a clear message
                            ),
                            className="upload",
                        ),
                        html.Button("Save", id="cur-save"),
                        html.Button("Export TriG", id="cur-export-trig", className="small"),
                        html.Button("Export JSON-LD", id="cur-export-jsonld", className="small"),
                        html.Button("Export CSV", id="cur-export-csv", className="small"),
                        html.Button("Export CASE", id="cur-export-case", className="small"),
                        html.Button("Export JSON", id="cur-export-json", className="small"),
                        html.Button("Export mappings (SSSOM)", id="cur-export-sssom", className="small"),
                    ],
                    className="button-row",
                ),
                dcc.Download(id="cur-download"),
                html.Div(id="cur-working", className="hint", role="status"),  # while proposing
                html.Div(id="cur-message", className="note"),
                dcc.Store(id="cur-doc", data=None),
                html.Div(
                    [
                        html.Div(id="cur-proposals", className="proposals-column"),
                        html.Aside(  # sticky: coverage stays in view while ticking down a long list
                            [
                                html.H4("Coverage of the target roles"),
                                html.Div(id="cur-coverage"),
                                html.Div(
                                    [
                                        html.Button("Coverage CSV", id="cur-coverage-csv", className="small"),
                                        html.Button(
                                            "Coverage brief (Markdown)",
                                            id="cur-coverage-md",
                                            className="small",
                                        ),
                                    ],
                                    className="button-row",
                                ),
                            ],
                            className="coverage",
                        ),
                    ],
                    className="review",
                ),
            ],
            className="card",
        ),
    ]
