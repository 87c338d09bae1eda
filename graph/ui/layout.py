"""The page: components and their ids, built from options the app factory reads from the store.

Every tab's panel stays in the page (hidden when not shown) so each id always exists and the
graph keeps its state while people look at another tab.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_ag_grid as dag
import dash_cytoscape as cyto
from dash import dcc, html

from graph.ui import elements as E

TITLE = "Aesthetics workforce knowledge graph"


def _dropdown(id_: str, options: Sequence[dict], placeholder: str, **kw) -> dcc.Dropdown:
    return dcc.Dropdown(id=id_, options=list(options), placeholder=placeholder, multi=True, **kw)


def _section(title: str, *children) -> html.Div:
    return html.Div([html.H4(title, className="section-title"), *children], className="section")


def legend_block(kinds: Sequence[str] | None = None) -> list:
    """Swatches in the graph's shapes and colours, then the two link styles."""
    items = [
        html.Span(
            [
                html.Span(className="swatch", style={"background": e["colour"], "clipPath": e["clip"]}),
                e["label"],
            ],
            className="legend-item",
        )
        for e in E.legend(kinds)
    ]
    items += [
        html.Span([html.Span(className="line essential"), "essential link"], className="legend-item"),
        html.Span([html.Span(className="line optional"), "optional link"], className="legend-item"),
        html.Span([html.Span(className="line plain"), "other relation"], className="legend-item"),
    ]
    return items


def graph_panel(filter_options: Mapping[str, list[dict]], kinds: Sequence[str]) -> html.Div:
    """The graph view: filters and tools on the left, the drawing in the middle, details on the right."""
    filters = [
        html.Div(
            [
                html.Label(label, className="field-label"),
                _dropdown(f"f-{key}", filter_options.get(key, []), f"any {label.lower()}"),
            ]
        )
        for key, (label, _) in E.FILTERS.items()
    ]
    left = html.Div(
        [
            _section(
                "Find",
                dcc.Dropdown(
                    id="search", placeholder="search labels and synonyms…", options=[], clearable=True
                ),
            ),
            _section(
                "Filters",
                html.P(
                    "Each chosen entity is a seed: the view draws its links. None chosen: everything.",
                    className="hint",
                ),
                *filters,
                html.Label("Kinds at both ends of a link", className="field-label"),
                dcc.Checklist(
                    id="f-kinds",
                    options=[{"label": E.KINDS[k][0], "value": k} for k in kinds],
                    value=list(E.KINDS),
                    className="kinds",
                    inputClassName="check",
                ),
                dcc.Checklist(
                    id="f-essential",
                    options=[{"label": " essential links only", "value": "on"}],
                    value=[],
                    className="switch",
                ),
            ),
            _section(
                "Layout",
                dcc.RadioItems(
                    id="layout-choice",
                    options=[{"label": v, "value": k} for k, v in E.LAYOUTS.items()],
                    value="force",
                    className="radios",
                ),
            ),
            _section(
                "Path finder",
                dcc.Dropdown(id={"type": "picker", "name": "path-a"}, placeholder="from…", options=[]),
                dcc.Dropdown(id={"type": "picker", "name": "path-b"}, placeholder="to…", options=[]),
                html.Div(id="path-text", className="path-text"),
            ),
            _section(
                "Export",
                html.Div(
                    [
                        html.Button("PNG", id="export-png", className="small"),
                        html.Button("SVG", id="export-svg", className="small"),
                        html.Button("Turtle", id="export-ttl", className="small"),
                        html.Button("JSON-LD", id="export-jsonld", className="small"),
                        html.Button("CSV", id="export-csv", className="small"),
                    ],
                    className="button-row",
                ),
                dcc.Download(id="download-view"),
            ),
        ],
        className="sidebar",
    )
    middle = html.Div(
        [
            html.Div(
                [
                    html.Span(id="view-count", className="count"),
                    html.Span(id="view-note", className="note"),
                    html.Button("Reset view", id="reset-view", className="small"),
                ],
                className="toolbar",
            ),
            cyto.Cytoscape(
                id="cy",
                elements=[],
                stylesheet=E.stylesheet(),
                layout={"name": "preset"},
                style={"width": "100%", "height": "620px"},
                minZoom=0.05,
                maxZoom=1.8,
                boxSelectionEnabled=False,
            ),
            html.Div(legend_block(kinds), id="legend", className="legend"),
            html.Details(
                [
                    html.Summary("Show SPARQL — the query behind this view"),
                    html.Div(
                        [
                            dcc.Clipboard(target_id="view-sparql", title="copy", className="clip"),
                            html.Button("Open in SPARQL tab", id="open-in-sparql", className="small"),
                        ],
                        className="button-row",
                    ),
                    html.Pre(id="view-sparql", className="code"),
                ],
                className="sparql-details",
            ),
        ],
        className="canvas",
    )
    right = html.Div(
        [
            html.Div(
                [
                    html.Button("Expand", id="act-expand", className="small", title="add its neighbours"),
                    html.Button("Focus", id="act-focus", className="small", title="only its neighbourhood"),
                    html.Span("depth", className="hint"),
                    dcc.RadioItems(
                        id="focus-depth",
                        options=[{"label": str(d), "value": d} for d in (1, 2, 3)],
                        value=1,
                        className="depth",
                    ),
                    html.Button("Hide", id="act-hide", className="small"),
                ],
                className="button-row actions",
            ),
            html.Div(html.P("Click a node to see its details.", className="hint"), id="detail"),
        ],
        className="details-panel",
    )
    return html.Div([left, middle, right], id="panel-graph", className="panel graph-panel")


def sparql_panel(catalogue: Sequence[dict]) -> html.Div:
    """The SPARQL tab: catalogue, parameters, editor, results and drawing."""
    return html.Div(
        [
            html.Div(
                [
                    dcc.Dropdown(
                        id="q-catalogue", options=list(catalogue), placeholder="load a named query…"
                    ),
                    html.Div(id="q-summary", className="hint"),
                    html.Div(id="q-params", className="params"),
                ],
                className="catalogue",
            ),
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
                stylesheet=E.stylesheet(),
                layout={"name": "preset"},
                style={"width": "100%", "height": "480px", "display": "none"},
            ),
            dcc.Download(id="q-download"),
        ],
        id="panel-sparql",
        className="panel sparql-panel",
        style={"display": "none"},
    )


def overlap_panel(roles: Sequence[dict], default_roles: Sequence[str], categories: Sequence[str]) -> html.Div:
    """The curricula tab: overlap heatmap, gap between two roles, cover of target roles."""
    return html.Div(
        [
            html.Div(
                [
                    html.H3("Role overlap"),
                    html.Div(
                        [
                            _dropdown("ov-roles", roles, "roles…", value=list(default_roles)),
                            dcc.Dropdown(
                                id="ov-category",
                                options=[{"label": "all categories", "value": "all"}]
                                + [{"label": c, "value": c} for c in categories],
                                value="all",
                                clearable=False,
                            ),
                            dcc.Checklist(
                                id="ov-weighted",
                                options=[{"label": " weight essential links double", "value": "on"}],
                                value=[],
                            ),
                        ],
                        className="controls",
                    ),
                    dcc.Graph(id="ov-heatmap", config={"displaylogo": False}, style={"height": "520px"}),
                    html.Div(html.P("Click a cell to compare two roles.", className="hint"), id="ov-pair"),
                ],
                className="card",
            ),
            html.Div(
                [
                    html.H3("Gap: from one role to another"),
                    html.Div(
                        [
                            dcc.Dropdown(id="gap-a", options=list(roles), placeholder="from role…"),
                            dcc.Dropdown(id="gap-b", options=list(roles), placeholder="to role…"),
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
            html.Div(
                [
                    html.H3("Cover: the fewest training topics and credentials for several roles"),
                    _dropdown("cover-roles", roles, "target roles…"),
                    html.Div(id="cover-result"),
                ],
                className="card",
            ),
        ],
        id="panel-overlap",
        className="panel overlap-panel",
        style={"display": "none"},
    )


def page(
    *,
    filter_options: Mapping[str, list[dict]],
    kinds: Sequence[str],
    catalogue: Sequence[dict],
    roles: Sequence[dict],
    default_roles: Sequence[str],
    categories: Sequence[str],
) -> html.Div:
    """The whole page."""
    stores = [
        dcc.Store(id=name, data=default)
        for name, default in (
            ("selected", None),
            ("expanded", []),
            ("hidden", []),
            ("added", []),
            ("focus", None),
            ("path", None),
            ("view-data", None),
            ("q-result", None),
        )
    ]
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            *stores,
            html.Header(
                [
                    html.H1(TITLE),
                    dcc.Tabs(
                        id="tabs",
                        value="graph",
                        children=[
                            dcc.Tab(label="Graph", value="graph"),
                            dcc.Tab(label="SPARQL", value="sparql"),
                            dcc.Tab(label="Overlap & gap", value="overlap"),
                        ],
                        className="tabs",
                    ),
                ],
                className="header",
            ),
            graph_panel(filter_options, kinds),
            sparql_panel(catalogue),
            overlap_panel(roles, default_roles, categories),
        ],
        className="page",
    )
