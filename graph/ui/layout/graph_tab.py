"""The Graph tab's layout: filters and tools, the canvas with its legend, the detail panel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_cytoscape as cyto
from dash import dcc, html

from graph.ui import options
from graph.ui.controls import entity_picker, seed_id
from graph.ui.layout.common import checklist, picker, radios, section
from graph.ui.view.kinds import FILTERS, KINDS, LAYOUTS
from graph.ui.view.select import kinds_present
from graph.ui.view.style import legend, stylesheet

INTRO = (
    "Who does what in medical aesthetics: roles (blue circles) linked to the duties, procedures, devices, "
    "credentials, training and workplaces they involve, each link from a named source. Solid links are "
    "essential to a role, dashed ones optional. Click a node or a link for details; pick roles under Filters."
)


def legend_block(
    kinds: Sequence[str] | None = None,
    counts: Mapping[str, int] | None = None,
    shown: Sequence[str] | None = None,
) -> list:
    """The legend is a control: each kind a toggle button (shape, colour, count drawn), then the link styles."""
    on = set(shown) if shown is not None else None
    items = [
        html.Button(
            [
                html.Span(className="swatch", style={"background": e.colour, "clipPath": e.clip}),
                e.label,
                html.Span(f" {counts.get(e.kind, 0)}", className="legend-count")
                if counts is not None
                else None,
            ],
            id={"type": "legend", "kind": e.kind},
            className="legend-item" + ("" if on is None or e.kind in on else " off"),
            title=f"show or hide {e.label.lower()} nodes",
            **{"aria-pressed": "true" if on is None or e.kind in on else "false"},
        )
        for e in legend(kinds)
    ]
    items += [
        html.Span([html.Span(className="line essential"), "essential link"], className="legend-item"),
        html.Span([html.Span(className="line optional"), "optional link"], className="legend-item"),
        html.Span([html.Span(className="line plain"), "other relation"], className="legend-item"),
    ]
    return items


def panel(c) -> list:
    """The graph view: filters and tools on the left, the drawing in the middle, details on the right."""
    filter_options, kinds = options.filter_options(c.ws), kinds_present(c.ws)
    filters = [
        picker(
            seed_id(key),
            label,
            filter_options.get(key, []),
            search=f"filter {label.lower()}…",
            full=None if key == "role" else filter_options.get(key, []),
            debounce=0.25 if key == "role" else False,
        )
        for key, (label, _) in FILTERS.items()
    ]
    left = html.Div(
        [
            section(
                "Find",
                picker(
                    entity_picker("search"),
                    "Search labels and synonyms",
                    [],
                    multi=False,
                    search="search labels and synonyms…",
                ),
            ),
            section(
                "Filters",
                html.P(
                    "Each chosen entity is a seed: the view draws its links. None chosen: the three "
                    "roles of the seed documents, or everything below.",
                    className="hint",
                ),
                *filters,
                checklist(
                    "f-kinds",
                    "Kinds at both ends of a link",
                    [{"label": KINDS[k].label, "value": k} for k in kinds],
                    list(KINDS),
                    className="kinds",
                ),
                checklist(
                    "f-essential",
                    None,
                    [{"label": "essential links only", "value": "on"}],
                    [],
                    className="switch",
                ),
                checklist(
                    "f-everything",
                    None,
                    [{"label": "no seeds: show everything", "value": "on"}],
                    [],
                    className="switch",
                ),
            ),
            section(
                "Layout",
                radios(
                    "layout-choice",
                    "Layout",
                    [{"label": v, "value": k} for k, v in LAYOUTS.items()],
                    "force",
                    hidden_label=True,
                    className="radios",
                ),
            ),
            section(
                "Path finder",
                picker(entity_picker("path-a"), "From", [], multi=False, search="search…", clearable=True),
                picker(entity_picker("path-b"), "To", [], multi=False, search="search…", clearable=True),
                checklist(
                    "path-only",
                    None,
                    [{"label": "path only (hide everything else)", "value": "on"}],
                    [],
                    className="switch",
                ),
                html.Div(id="path-text", className="path-text"),
            ),
            section(
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
        id="filters-panel",
    )
    middle = html.Div(
        [
            html.Div(
                [
                    _toggle("Filters", "filters-panel"),
                    html.Span(id="view-count", className="count"),
                    html.Span(id="view-note", className="note", role="status"),
                    html.Div(
                        [
                            html.Button("Fit", id="fit-view", className="small", title="show the whole view"),
                            html.Button(
                                "Zoom to selection",
                                id="zoom-selection",
                                className="small",
                                title="the selected node and its neighbours",
                                disabled=True,
                            ),
                            html.Button("Reset view", id="reset-view", className="small"),
                            _toggle("Details", "details-panel"),
                        ],
                        className="tools",
                    ),
                ],
                className="toolbar",
            ),
            html.Div(
                [
                    html.P(INTRO),
                    html.Button(
                        "×", id="intro-close", title="dismiss", **{"aria-label": "dismiss the introduction"}
                    ),
                ],
                className="intro",
            ),
            html.Div(
                [
                    cyto.Cytoscape(
                        id="cy",
                        elements=[],
                        stylesheet=stylesheet(),
                        layout={"name": "preset"},
                        style={"width": "100%", "height": "100%"},
                        minZoom=0.02,
                        maxZoom=1.6,
                        boxSelectionEnabled=False,
                        autoRefreshLayout=False,
                        contextMenu=node_menu(kinds),
                    ),
                    # the busy sign: the draw callback's `running` turns it on; CSS shows it after 300 ms
                    html.Div("Drawing…", id="cy-busy", className="busy-idle", role="status"),
                ],
                className="cy-wrap",
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
                    html.Button(
                        "Expand",
                        id="act-expand",
                        className="small",
                        title="add its neighbours",
                        disabled=True,
                    ),
                    html.Button(
                        "Focus",
                        id="act-focus",
                        className="small",
                        title="only its neighbourhood",
                        disabled=True,
                    ),
                    radios(
                        "focus-depth",
                        "depth",
                        [{"label": str(d), "value": d} for d in (1, 2, 3)],
                        1,
                        className="depth",
                    ),
                    html.Button("Hide", id="act-hide", className="small", disabled=True),
                ],
                className="button-row actions",
            ),
            html.Div(html.P("Click a node to see its details.", className="hint"), id="detail"),
        ],
        className="details-panel",
        id="details-panel",
    )
    return [left, middle, right]


def node_menu(kinds: Sequence[str]) -> list[dict]:
    """A node's context menu (right click): expand all, or by the kind of neighbour; focus; hide."""
    on = ["node"]
    return [
        {"id": "expand", "label": "Expand all neighbours", "availableOn": on},
        *[
            {"id": f"kind:{k}", "label": f"Expand: {KINDS[k].label.lower()} only", "availableOn": on}
            for k in kinds
        ],
        {"id": "focus", "label": "Focus here", "availableOn": on},
        {"id": "hide", "label": "Hide", "availableOn": on},
    ]


def _toggle(label: str, panel: str) -> html.Button:
    """A button that folds a side panel away (assets/graph.js), so the canvas takes the room."""
    return html.Button(
        label,
        className="small panel-toggle",
        title=f"show or hide the {label.lower()} panel",
        **{"aria-controls": panel, "aria-expanded": "true"},
    )
