"""The Transitions tab's layout: a role, its transitions as bars of the score's parts, the gap and "what if"."""

from __future__ import annotations

from dash import dcc, html

from graph.ui import options
from graph.ui.controls import role_picker
from graph.ui.layout.common import checklist, picker, select

WITHIN_OPTIONS = [
    {"label": "all roles", "value": "all"},
    {"label": "curated roles", "value": "curated"},
    {"label": "ESCO occupations", "value": "esco"},
    {"label": "O*NET occupations", "value": "onet"},
]


CHART_HEIGHT = "600px"  # the chart's, and its slot's while Plotly loads


def panel(c) -> list:
    """The role picker and scope, the ranked bars, and the chosen transition's gap with its ticks."""
    roles = options.role_options(c.ws)
    return [
        html.Div(
            [
                html.H3("Career transitions: where a role can go"),
                html.Div(
                    [
                        picker(role_picker("tr-role"), "From role", roles, multi=False, clearable=True),
                        select("tr-within", "Among", WITHIN_OPTIONS, value="all"),
                    ],
                    className="controls",
                ),
                html.P("Choose a role.", id="tr-summary", className="hint", role="status"),
                html.Div(
                    dcc.Graph(id="tr-bars", config={"displaylogo": False}, style={"height": CHART_HEIGHT}),
                    className="wide-figure figure-slot",
                    # its place kept while Plotly loads (figure-slot in style.css)
                    style={"minHeight": CHART_HEIGHT},
                ),
            ],
            className="card",
        ),
        html.Div(
            [
                html.H3("The gap, and what if"),
                html.P(
                    "Click a bar to see what that role needs. Tick items to rank again as if they were learned.",
                    id="tr-gap-title",
                    className="hint",
                ),
                html.Div(id="tr-gap"),
                checklist("tr-learn", "What if they learned", [], [], className="tr-learn"),
            ],
            className="card",
        ),
    ]
