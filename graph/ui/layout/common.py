"""Small component builders every tab uses: native, labelled form controls.

Dash 4's dcc.Dropdown, dcc.Checklist and dcc.RadioItems fail axe-core (a focusable `aria-hidden`
focus target, checkboxes nested in `role=option`, unnamed listboxes) and take no prop that fixes it,
so every choice here is a native <input> with its <label> (dash-bootstrap-components' Checklist,
RadioItems and Select, without Bootstrap's CSS), grouped in a <fieldset> named by its <legend>.
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

SHOWN = 100  # options a fixed list shows at most (besides the chosen ones); its search finds the rest


def part(id_: dict, role: str) -> dict:
    """The id of a picker's part (search box, clear button, full option list): its type suffixed."""
    return {**id_, "type": f"{id_['type']}-{role}"}


def choices(options: Sequence[dict]) -> list[dict]:
    """Options as the native lists take them: label and value (a dropdown's `search`/`title` dropped)."""
    return [{"label": o["label"], "value": o["value"]} for o in options]


def picker(
    id_: dict,
    label: str,
    options: Sequence[dict],
    *,
    multi: bool = True,
    value=None,
    search: str = "type to filter…",
    full: Sequence[dict] | None = None,
    clearable: bool = False,
    debounce: float | bool = 0.25,
) -> html.Fieldset:
    """A search box over a list of checkboxes (multi) or radio buttons (one), in a named fieldset.

    The list shows the chosen options and those matching the search (callbacks/pickers.py fills it:
    the server for searched pickers, the browser from `full` for a static list).
    """
    listing = (dbc.Checklist if multi else dbc.RadioItems)(
        id=id_,
        options=choices(list(options)[:SHOWN] if full is not None else options),
        value=(list(value or []) if multi else value),
        className="picker-list",
    )
    parts = [
        html.Legend(label, className="field-label"),
        html.Label(
            [
                html.Span(f"Search {label.lower()}", className="sr-only"),
                dcc.Input(
                    id=part(id_, "search"),
                    type="search",
                    placeholder=search,
                    autoComplete="off",
                    debounce=debounce,
                    className="picker-search",
                ),
            ]
        ),
        html.Div(listing, className="picker-scroll", tabIndex="-1"),  # a click inside keeps the list open
    ]
    if clearable:
        parts.append(
            html.Button(
                "Clear",
                id=part(id_, "clear"),
                className="small picker-clear",
                **{"aria-label": f"Clear {label}"},
            )
        )
    if full is not None:
        parts.append(dcc.Store(id=part(id_, "all"), data=choices(full)))
    return html.Fieldset(parts, className="picker")


def select(
    id_: str, label: str, options: Sequence[dict], *, value=None, placeholder: str | None = None
) -> html.Div:
    """A labelled native <select> for a short single choice."""
    return html.Div(
        [
            html.Label(label, htmlFor=id_, className="field-label"),
            dbc.Select(
                id=id_,
                options=[{"label": o["label"], "value": o["value"]} for o in options],
                value=value,
                placeholder=placeholder,
                className="native-select",
            ),
        ],
        className="select",
    )


def checklist(id_: str | dict, label: str | None, options: Sequence[dict], value: Sequence, **kw):
    """Native checkboxes; with a label, grouped in a fieldset named by it."""
    box = dbc.Checklist(id=id_, options=choices(options), value=list(value), **kw)
    return (
        html.Fieldset([html.Legend(label, className="field-label"), box], className="group") if label else box
    )


def radios(id_: str, label: str, options: Sequence[dict], value, *, hidden_label: bool = False, **kw):
    """Native radio buttons in a fieldset named by its legend."""
    legend = html.Legend(label, className="sr-only" if hidden_label else "field-label")
    return html.Fieldset(
        [legend, dbc.RadioItems(id=id_, options=choices(options), value=value, **kw)], className="group"
    )


def section(title: str, *children) -> html.Div:
    """A titled box of the sidebar."""
    return html.Div([html.H4(title, className="section-title"), *children], className="section")
