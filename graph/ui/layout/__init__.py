"""The page: a header with the tabs, then one panel per tab (graph.ui.layout.<name>_tab.panel).

A lazy tab's panel is built when first opened (callbacks/url.py), so the code of its components
(plotly, AG Grid) loads then, not before the first graph; once built it stays in the page, hidden
when not shown, and keeps its state. `validation_layout` holds every panel, for the callbacks' id checks
(tests/test_ui_callbacks.py; the renderer's under --debug).
"""

from __future__ import annotations

import importlib

from dash import dcc, html

from graph.ui.tabs import TABS

TITLE = "Aesthetics workforce knowledge graph"

STORES = (  # view state and results the callbacks share, with their defaults
    ("selected", None),
    ("expanded", []),
    ("hidden", []),
    ("added", []),
    ("focus", None),
    ("view-data", None),
    ("zoom-to", None),
    ("q-pending", None),  # a query for the SPARQL editor, kept until its tab is built
    ("q-result", None),
    ("url-ready", False),  # the URL's state is in the controls: the graph may draw
    (
        "transition-start",
        None,
    ),  # the transitions tab's state, here so the URL holds it before the tab is built
    ("transition-within", "all"),
    ("transition-learn", []),
    ("transition-target", None),
)


def tab_buttons(current: str) -> list:
    """The tabs as buttons (keyboard-operable, role=tab); which one is shown lives in the `tabs` store."""
    return [
        html.Button(
            t.label,
            id={"type": "tab", "name": t.name},
            role="tab",
            className="tab tab--selected" if t.name == current else "tab",
            **{"aria-selected": "true" if t.name == current else "false", "aria-controls": f"panel-{t.name}"},
        )
        for t in TABS
    ]


def panel(name: str, c) -> list:
    """One tab's panel content, from its layout module."""
    return importlib.import_module(f"graph.ui.layout.{name}_tab").panel(c)


def page(c, *, everything: bool = False) -> html.Div:
    """The whole page for an app's Context (with every lazy panel built too: the validation layout)."""
    panels = [
        html.Div(
            [] if t.lazy and not everything else panel(t.name, c),
            id=f"panel-{t.name}",
            className=f"panel {t.name}-panel",
            style={} if t.name == TABS[0].name else {"display": "none"},
            role="tabpanel",
            **{"aria-label": t.label},
        )
        for t in TABS
    ]
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            *[dcc.Store(id=name, data=default) for name, default in STORES],
            html.Header(
                [
                    html.H1(TITLE),
                    dcc.Store(id="tabs", data=TABS[0].name),
                    html.Nav(
                        tab_buttons(TABS[0].name), role="tablist", className="tabs", **{"aria-label": "views"}
                    ),
                    html.Div(id="page-note", className="note", role="status"),  # bad links, failed inputs
                ],
                className="header",
            ),
            html.Main(panels, id="main"),
        ],
        className="page",
    )
