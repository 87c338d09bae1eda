"""Small component builders every tab uses."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html


def dropdown(id_: str | dict, options: Sequence[dict], placeholder: str, **kw) -> dcc.Dropdown:
    """A multi-select dropdown."""
    return dcc.Dropdown(id=id_, options=list(options), placeholder=placeholder, multi=True, **kw)


def section(title: str, *children) -> html.Div:
    """A titled box of the sidebar."""
    return html.Div([html.H4(title, className="section-title"), *children], className="section")
