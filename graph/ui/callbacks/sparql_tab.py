"""The SPARQL tab: the catalogue with its parameters, the editor, the sandboxed run, table, downloads, drawing."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from graph import queries
from graph.errors import GraphError, QueryError
from graph.ui.context import app_context
from graph.ui.view.tables import result_table, table_csv, table_elements, table_json


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
    Output("q-editor", "value", allow_duplicate=True),
    Output("q-params", "children"),
    Output("q-summary", "children"),
    Input("q-catalogue", "value"),
    prevent_initial_call=True,
)
def load_query(name):
    """Loading a named query puts its text in the editor and its parameters below the picker."""
    if not name:
        return no_update, [], ""
    q = queries.get(name)
    return q.text, param_inputs(name), q.summary


def query_text(editor: str, name: str | None, values: list, ids: list, resolve) -> str:
    """The text to run: a catalogue query still unedited gets its parameters written in by render()."""
    if not name or editor.strip() != queries.get(name).text.strip():
        return editor
    params = {}
    for pid, value in zip(ids, values, strict=True):
        if value not in (None, ""):
            p = queries.get(name).param(pid["name"])
            params[p.name] = [v.strip() for v in str(value).split(",") if v.strip()] if p.many else value
    return queries.render(name, params, resolve)


def run_text(sandbox, text: str) -> tuple[dict | None, str]:
    """Run user SPARQL through the sandbox only; errors become one message with line and column."""
    try:
        return result_table(sandbox.run(text)), ""
    except QueryError as exc:
        where = f" (line {exc.line}, column {exc.column})" if exc.line is not None else ""
        return None, f"{type(exc).__name__}: {exc.message}{where}"
    except GraphError as exc:
        return None, f"{type(exc).__name__}: {exc}"


@callback(
    Output("q-result", "data"),
    Output("q-grid", "columnDefs"),
    Output("q-grid", "rowData"),
    Output("q-error", "children"),
    Output("q-status", "children"),
    Input("q-run", "n_clicks"),
    State("q-editor", "value"),
    State("q-catalogue", "value"),
    State({"type": "param", "name": ALL}, "value"),
    State({"type": "param", "name": ALL}, "id"),
    prevent_initial_call=True,
)
def run_query(_n, editor, name, values, ids):
    """Run the editor's query (catalogue parameters written in) and fill the table."""
    c = app_context()
    try:
        text = query_text(editor or "", name, values, ids, c.ws.resolve)
    except GraphError as exc:
        return None, [], [], f"{type(exc).__name__}: {exc}", ""
    table, error = run_text(c.sandbox, text)
    if table is None:
        return None, [], [], error, ""
    status = f"{table['form']}: {len(table['rows'])} rows"
    if table["truncated"]:
        status = f"truncated: showing first {len(table['rows'])} rows"
    return table, [{"field": col} for col in table["columns"]], table["rows"], "", status


@callback(
    Output("q-download", "data"),
    Input("q-csv", "n_clicks"),
    Input("q-json", "n_clicks"),
    State("q-result", "data"),
    prevent_initial_call=True,
)
def download_result(_csv, _json, table):
    """The result table as CSV or JSON."""
    if not table:
        return no_update
    if ctx.triggered_id == "q-json":
        return {"content": table_json(table), "filename": "results.json", "type": "application/json"}
    return {"content": table_csv(table), "filename": "results.csv", "type": "text/csv"}


@callback(
    Output("q-cy", "elements"),
    Output("q-cy", "layout"),
    Output("q-cy", "style"),
    Input("q-draw", "n_clicks"),
    State("q-result", "data"),
    State("q-cy", "style"),
    prevent_initial_call=True,
)
def draw_result(_n, table, style):
    """Draw a CONSTRUCT/DESCRIBE result, or the IRIs of a SELECT, as a graph below the table."""
    if not table:
        return no_update, no_update, no_update
    view = table_elements(table, app_context().labels())
    return view.elements, view.layout, {**(style or {}), "display": "block"}


@callback(
    Output("q-editor", "value", allow_duplicate=True),
    Output("q-catalogue", "value", allow_duplicate=True),
    Input("q-pending", "data"),
    prevent_initial_call="initial_duplicate",
)
def take_pending(text: str | None):
    """A query sent from the Graph tab, into the editor once it exists."""
    return (text, None) if text else (no_update, no_update)
