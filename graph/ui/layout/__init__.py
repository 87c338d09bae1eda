"""The page: a header with the tabs, then one panel per tab (graph.ui.layout.<name>_tab.panel).

Every tab's panel stays in the page (hidden when not shown) so each id always exists and the
graph keeps its state while people look at another tab.
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
    ("path", None),
    ("view-data", None),
    ("q-result", None),
)


def panel(name: str, c) -> html.Div:
    """One tab's panel, from its layout module."""
    return importlib.import_module(f"graph.ui.layout.{name}_tab").panel(c)


def page(c) -> html.Div:
    """The whole page for an app's Context."""
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            *[dcc.Store(id=name, data=default) for name, default in STORES],
            html.Header(
                [
                    html.H1(TITLE),
                    dcc.Tabs(
                        id="tabs",
                        value="graph",
                        children=[dcc.Tab(label=t.label, value=t.name) for t in TABS],
                        className="tabs",
                    ),
                    html.Div(id="page-note", className="note", role="status"),  # bad links, failed inputs
                ],
                className="header",
            ),
            *[panel(t.name, c) for t in TABS],
        ],
        className="page",
    )
