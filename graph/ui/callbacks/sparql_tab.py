"""The SPARQL tab: the catalogue and its parameters into the editor (YASGUI), and a result drawn as a graph."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html, no_update

from graph import queries
from graph.errors import GraphError, QueryError
from graph.sparql_text import with_known_prefixes
from graph.ui.context import app_context
from graph.ui.view.tables import result_table, table_elements


def param_inputs(name: str) -> list:
    """One input per declared parameter, with pattern-matching ids."""
    out = []
    for p in queries.get(name).params:
        hint = (
            p.doc
            + (" (comma-separated)" if p.many else "")
            + (f" — default {p.default}" if p.default else "")
        )
        out.append(
            html.Div(
                [
                    html.Label(
                        [
                            html.Span(
                                f"{p.name} ({p.type}{'*' if p.many else ''}{', required' if p.required else ''})",
                                className="field-label",
                            ),
                            dcc.Input(
                                id={"type": "param", "name": p.name},
                                type="text",
                                placeholder=hint,
                                debounce=True,
                                className="param-input",
                            ),
                        ]
                    )
                ]
            )
        )
    return out


@callback(
    Output("q-load", "data", allow_duplicate=True),
    Output("q-params", "children"),
    Output("q-summary", "children"),
    Output("q-error", "children", allow_duplicate=True),
    Input("q-catalogue", "value"),
    prevent_initial_call=True,
)
def load_query(name):
    """Loading a named query puts its text in the editor, its parameters below the picker, no stale error."""
    if not name:
        return no_update, [], "", no_update
    q = queries.get(name)
    return q.text, param_inputs(name), q.summary, ""


def with_params(name: str, values: list, ids: list, resolve) -> str:
    """A catalogue query with the values given so far bound (written in, as render() does)."""
    params = {}
    for pid, value in zip(ids, values, strict=True):
        if value not in (None, ""):
            p = queries.get(name).param(pid["name"])
            params[p.name] = [v.strip() for v in str(value).split(",") if v.strip()] if p.many else value
    return queries.render(name, params, resolve)


@callback(
    Output("q-load", "data", allow_duplicate=True),
    Output("q-error", "children", allow_duplicate=True),
    Input({"type": "param", "name": ALL}, "value"),
    State({"type": "param", "name": ALL}, "id"),
    State("q-catalogue", "value"),
    prevent_initial_call=True,
)
def fill_params(values, ids, name):
    """A parameter typed in: the editor gets the catalogue query with the values bound."""
    if not name or not any(v not in (None, "") for v in values):
        return no_update, no_update
    try:
        return with_params(name, values, ids, app_context().ws.resolve), ""
    except GraphError as exc:
        return no_update, f"{type(exc).__name__}: {exc}"


def run_text(sandbox, text: str) -> tuple[dict | None, str]:
    """Run user SPARQL through the sandbox only; errors become one message with line and column."""
    try:
        return result_table(sandbox.run(with_known_prefixes(text))), ""
    except QueryError as exc:
        where = f" (line {exc.line}, column {exc.column})" if exc.line is not None else ""
        return None, f"{type(exc).__name__}: {exc.message}{where}"
    except GraphError as exc:
        return None, f"{type(exc).__name__}: {exc}"


@callback(
    Output("q-result", "data"),
    Output("q-error", "children"),
    Output("q-status", "children"),
    Output("q-cy", "elements"),
    Output("q-cy", "style"),
    Input("q-draw", "n_clicks"),
    State("q-editor", "data"),
    State("q-cy", "style"),
    prevent_initial_call=True,
)
def run_query(_n, editor, style):
    """Draw the editor's query as a graph: CONSTRUCT/DESCRIBE triples, or a SELECT's IRIs, run in the sandbox."""
    if not _n or not (editor or "").strip():
        return no_update, no_update, no_update, no_update, no_update
    table, error = run_text(app_context().sandbox, editor)
    if table is None:
        return None, error, "", no_update, no_update
    status = f"{table['form']}: {len(table['rows'])} rows"
    if table["truncated"]:
        status = f"truncated: showing first {len(table['rows'])} rows"
    view = table_elements(table, app_context().labels())
    return table, "", status, view.elements, {**(style or {}), "display": "block"}


# The editor is YASGUI (assets/sparql.js): a query for it goes through window.akgSparql.load.
clientside_callback(
    "function (text) { if (window.akgSparql) { window.akgSparql.load(text); } return null; }",
    Output("q-loaded", "data"),
    Input("q-load", "data"),
    prevent_initial_call=True,
)

# The drawing fitted once it is shown (a fit while hidden put most nodes off the canvas).
clientside_callback(
    """function (elements) {
        const host = document.getElementById("q-cy");
        const cy = host && host._cyreg && host._cyreg.cy;
        if (cy) { setTimeout(function () { cy.resize(); cy.fit(undefined, 30); }, 60); }
        return window.dash_clientside.no_update;
    }""",
    Output("q-cy", "zoom"),
    Input("q-cy", "elements"),
    prevent_initial_call=True,
)


@callback(
    Output("q-load", "data", allow_duplicate=True),
    Output("q-catalogue", "value", allow_duplicate=True),
    Input("q-pending", "data"),
    prevent_initial_call="initial_duplicate",
)
def take_pending(text: str | None):
    """A query sent from the Graph tab, into the editor once it exists."""
    return (text, None) if text else (no_update, no_update)
