"""Callbacks: module-level glue that parses inputs, calls the library and builds the view.

Each app keeps its Workspace and Sandbox in `flask.current_app.extensions["akg"]` (see app.py),
so these functions hold no state of their own; tests call them directly inside an app context.
"""

from __future__ import annotations

import csv
import html as html_text
import io
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import plotly.graph_objects as go
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, ctx, html, no_update
from flask import current_app

from graph import analysis, queries
from graph.errors import GraphError, QueryError
from graph.terms import AKG, curie
from graph.ui import elements as E
from graph.ui import state as S

SEEDS = [f"f-{k}" for k in E.FILTERS]
CACHE_VIEWS, CACHE_TRIPLES = 64, 50_000
DEFAULT_SEED_ABOVE = 20_000  # entities: above this, a view without seeds starts from the curated roles
OPTIONS_CAP = 500  # role pickers list every role up to this many; beyond it, the curated ones and search
MATCHES = 50  # options a role search returns
ROLE_PICKERS = ["f-role", "ov-roles", "gap-a", "gap-b", "cover-roles"]


@dataclass
class Context:
    """What the callbacks of one app share: the open workspace, the query sandbox, a small view cache.

    The store does not change while the app runs, so the subgraph of a filter setting is computed
    once (bounded: CACHE_VIEWS settings, each under CACHE_TRIPLES triples).
    """

    ws: object
    sandbox: object
    default_seed_above: int = DEFAULT_SEED_ABOVE
    _views: OrderedDict = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _labels: dict | None = None

    def labels(self) -> dict[str, tuple[str, str]]:
        """(label, kind name) of every entity, built once from the index (not per click)."""
        if self._labels is None:
            self._labels = {iri: (e.label, E.kind_name(e.kind)) for iri, e in self.ws.index.entries.items()}
        return self._labels

    def big(self) -> bool:
        """Whether the store is too big to draw without seeds."""
        return self.ws.entity_count > self.default_seed_above

    def subgraph(self, params: dict) -> E.Subgraph:
        """construct_subgraph for these parameters, parsed; a copy, so callers may change it."""
        key = json.dumps(params, sort_keys=True)
        with self._lock:
            hit = self._views.get(key)
            if hit is not None:
                self._views.move_to_end(key)
        if hit is None:
            result = self.ws.run("construct_subgraph", params)
            hit = E.subgraph_from_triples(result.triples)
            if len(result.triples) <= CACHE_TRIPLES:
                with self._lock:
                    self._views[key] = hit
                    while len(self._views) > CACHE_VIEWS:
                        self._views.popitem(last=False)
        return E.Subgraph(dict(hit.nodes), dict(hit.edges))


def app_context() -> Context:
    """This app's workspace and sandbox."""
    return current_app.extensions["akg"]


# ---------------------------------------------------------------- URL state


STATE_OUTPUTS = [
    ("tabs", "value"),
    *[(s, "value") for s in SEEDS],
    ("f-kinds", "value"),
    ("f-essential", "value"),
    ("layout-choice", "value"),
    ("selected", "data"),
    ("focus", "data"),
    ("focus-depth", "value"),
    ("expanded", "data"),
    ("hidden", "data"),
    ("added", "data"),
]


def state_values(st: S.State) -> list:
    """A State as the values of STATE_OUTPUTS."""
    return [
        st.tab,
        *[list(st.seeds.get(k, ())) for k in E.FILTERS],
        list(st.kinds) if st.kinds else list(E.KINDS),
        ["on"] if st.essential else [],
        st.layout,
        st.node,
        st.focus,
        st.depth,
        list(st.expand),
        list(st.hide),
        list(st.add),
    ]


def values_state(values: list) -> S.State:
    """The inverse of state_values."""
    tab, *rest = values
    seeds, rest = rest[: len(SEEDS)], rest[len(SEEDS) :]
    kinds, essential, layout, node, focus, depth, expand, hide, add = rest
    return S.State(
        tab=tab or "graph",
        seeds={k: tuple(v or ()) for k, v in zip(E.FILTERS, seeds, strict=True)},
        kinds=() if set(kinds or ()) >= set(E.KINDS) else tuple(kinds),
        essential=bool(essential),
        layout=layout or "force",
        node=node,
        focus=focus,
        depth=int(depth or 1),
        expand=tuple(expand or ()),
        hide=tuple(hide or ()),
        add=tuple(add or ()),
    )


@callback(
    Output("url", "search"),
    *[Output(i, p) for i, p in STATE_OUTPUTS],
    Input("url", "search"),
    *[Input(i, p) for i, p in STATE_OUTPUTS],
)
def sync_url(search, *values):
    """The URL follows the controls; on load and on back/forward the controls follow the URL."""
    if ctx.triggered_id is None or "url.search" in ctx.triggered_prop_ids:
        wanted = state_values(S.decode(search))
        return [no_update, *[w if w != v else no_update for w, v in zip(wanted, values, strict=True)]]
    new = S.encode(values_state(list(values)))
    return [new if new != (search or "") else no_update, *[no_update] * len(values)]


@callback(
    Output("panel-graph", "style"),
    Output("panel-sparql", "style"),
    Output("panel-overlap", "style"),
    Input("tabs", "value"),
)
def show_tab(tab):
    """Show one tab's panel; the others stay in the page, hidden."""
    return [
        {"display": "flex" if name == "graph" else "block"} if tab == name else {"display": "none"}
        for name in ("graph", "sparql", "overlap")
    ]


# ---------------------------------------------------------------- the graph view


def view_params(st: S.State, present: list[str] | None = None) -> dict:
    """construct_subgraph's parameters for a state: every chosen entity a seed, kinds at both ends.

    Choosing every kind the store has is no restriction, so no kind list is sent (a 16 x 16 kind
    VALUES join made the unfiltered view 4x slower).
    """
    seeds = [iri for key in E.FILTERS for iri in st.seeds.get(key, ())]
    every = set(E.KINDS) if present is None else set(present)
    kinds = [] if not st.kinds or set(st.kinds) >= every else [f"akg:{k}" for k in st.kinds]
    return {"seed": seeds, "kind": kinds, "essential_only": st.essential}


def default_seeds(c: Context, st: S.State) -> tuple[list[str], str]:
    """Seeds for a view that names none: none on a small store (draw everything), else the curated roles.

    Drawing "everything" of a million triples would construct 370k triples for 1,500 drawn elements.
    """
    if st.focus or any(st.seeds.get(k) for k in E.FILTERS) or not c.big():
        return [], ""
    roles = c.ws.curated_roles()
    note = (
        f"Large graph ({c.ws.entity_count:,} entities): starting from the {len(roles)} curated roles; "
        "choose filters or search to explore the rest."
    )
    return roles, note


def compose(c: Context, st: S.State, path: dict | None = None) -> tuple[E.View, str]:
    """Run the queries a state asks for and build the view, and the SPARQL behind it."""
    ws, params = c.ws, view_params(st, kinds_present(c.ws))
    seeds, default_note = default_seeds(c, st)
    if seeds:
        params["seed"] = seeds
    needs_labels = st.focus or st.expand or st.add or (path or {}).get("steps")
    labels = c.labels() if needs_labels else {}
    if st.focus:
        sub = E.neighbourhood(
            lambda iris: ws.run("neighbours", {"node": iris}).dicts(), st.focus, st.depth, labels=labels
        )
    else:  # kinds filtered here, as the shown query does: Oxigraph plans 4+ seeds x kinds VALUES badly
        # (> 60 s on the combined graph, 31 ms for 2 seeds); a kind change is then served from the cache
        sub = c.subgraph({**params, "kind": []})
        if params["kind"]:
            sub = sub.of_kinds(k.removeprefix("akg:") for k in params["kind"])
    if st.expand:
        E.add_neighbours(sub, ws.run("neighbours", {"node": list(st.expand)}).dicts(), labels=labels)
    missing = [n for n in st.add if n not in sub.nodes and n in labels]
    for n in missing:
        sub.add_node(n, *labels[n])
    if missing:
        E.add_neighbours(sub, ws.run("neighbours", {"node": missing}).dicts(), only_present=True)
    marked = E.add_path(sub, (path or {}).get("steps", []), labels)
    sub = sub.without(st.hide)
    view = E.to_view(sub, layout=st.layout, selected=st.node, marked=marked, first=[*params["seed"], *st.add])
    if default_note:
        view = E.View(
            view.elements, view.layout, " ".join(x for x in (default_note, view.note) if x), view.drawn
        )
    return view, queries.render("construct_subgraph", params, ws.resolve)


@callback(
    Output("cy", "elements"),
    Output("cy", "layout"),
    Output("view-note", "children"),
    Output("view-count", "children"),
    Output("view-sparql", "children"),
    Output("view-data", "data"),
    *[Input(s, "value") for s in SEEDS],
    Input("f-kinds", "value"),
    Input("f-essential", "value"),
    Input("layout-choice", "value"),
    Input("focus", "data"),
    Input("focus-depth", "value"),
    Input("expanded", "data"),
    Input("hidden", "data"),
    Input("added", "data"),
    Input("path", "data"),
    State("selected", "data"),
)
def draw(*args):
    """Every filter or view change runs construct_subgraph (or neighbours) and redraws."""
    seeds, (kinds, essential, layout, focus, depth, expand, hide, add, path, node) = args[:7], args[7:]
    st = values_state(["graph", *seeds, kinds, essential, layout, node, focus, depth, expand, hide, add])
    view, sparql = compose(app_context(), st, path)
    n_nodes = len(view.drawn.nodes)
    count = f"{n_nodes} nodes, {len(view.drawn.edges)} links"
    return view.elements, view.layout, view.note, count, sparql, view.drawn.to_json()


@callback(
    Output("selected", "data", allow_duplicate=True), Input("cy", "tapNodeData"), prevent_initial_call=True
)
def tap(data):
    """Clicking a node selects it."""
    return data["id"] if data else no_update


def details_view(ws, iri: str) -> list:
    """The detail panel of a node, every label as text (never HTML)."""
    entry = ws.index.entries.get(iri)
    label, kind = (entry.label, E.kind_name(entry.kind)) if entry else (curie(iri), "")
    d = E.details(iri, label, kind, ws.run("node_properties", {"node": iri}).dicts(), ws.index.entries)

    def value(v: E.Value):
        if v.entity:
            return html.Button(v.text, id={"type": "goto", "iri": v.entity}, className="link-button")
        return html.A(v.text, href=v.href, target="_blank", rel="noopener noreferrer") if v.href else v.text

    def block(title: str, groups):
        items = [html.Div([html.Dt(name), *[html.Dd(value(v)) for v in vals]]) for name, vals in groups]
        return [html.H4(title, className="section-title"), html.Dl(items)] if groups else []

    href = E.safe_href(iri)
    return [
        html.H3(d.label, className="detail-title"),
        html.Div(
            [
                html.Span(E.kind_style(kind)[0], className="kind-badge"),
                html.A(curie(iri), href=href, target="_blank", rel="noopener noreferrer")
                if href
                else curie(iri),
            ],
            className="detail-iri",
        ),
        *block("Properties", d.properties),
        *block("Sources", [("", d.sources)] if d.sources else []),
        *block("Neighbours by relation", d.neighbours),
    ]


@callback(Output("detail", "children"), Input("selected", "data"))
def show_details(iri):
    """The selected node's properties, sources and neighbours."""
    if not iri:
        return html.P("Click a node to see its details.", className="hint")
    return details_view(app_context().ws, iri)


@callback(
    Output("selected", "data", allow_duplicate=True),
    Output("added", "data", allow_duplicate=True),
    Input({"type": "goto", "iri": ALL}, "n_clicks"),
    State("added", "data"),
    prevent_initial_call=True,
)
def goto(clicks, added):
    """A neighbour's name in the panel selects it, adding it to the view when missing."""
    if not any(clicks) or not isinstance(ctx.triggered_id, dict):
        return no_update, no_update
    iri = ctx.triggered_id["iri"]
    return iri, list(dict.fromkeys([*(added or []), iri]))


def search_options(ws, text: str | None) -> list[dict]:
    """Dropdown options for a search text: label, the synonym that matched, the kind."""
    if not text or len(text.strip()) < 2:
        return []
    out = []
    for r in ws.search(text.strip()):
        label, matched = r["label"], r["matched"]
        shown = label if matched == label else f"{label} (“{matched}”)"
        out.append(
            {
                "label": f"{shown} · {E.kind_style(str(r['kind']))[0]}",
                "value": str(r["entity"]),
                "search": f"{label} {matched}",
            }
        )
    return out


@callback(Output("search", "options"), Input("search", "search_value"), State("search", "value"))
def suggest(text, current):
    """Suggestions as people type."""
    if not text:
        return no_update
    return search_options(app_context().ws, text)


@callback(
    Output({"type": "picker", "name": MATCH}, "options"),
    Input({"type": "picker", "name": MATCH}, "search_value"),
)
def suggest_picker(text):
    """Suggestions for the path finder's entity pickers."""
    return search_options(app_context().ws, text) if text else no_update


@callback(
    Output("selected", "data", allow_duplicate=True),
    Output("added", "data", allow_duplicate=True),
    Input("search", "value"),
    State("added", "data"),
    prevent_initial_call=True,
)
def choose(iri, added):
    """A chosen search result is selected and centred, and added to the view if missing."""
    if not iri:
        return no_update, no_update
    return iri, list(dict.fromkeys([*(added or []), iri]))


@callback(
    Output("expanded", "data", allow_duplicate=True),
    Output("focus", "data", allow_duplicate=True),
    Output("hidden", "data", allow_duplicate=True),
    Output("selected", "data", allow_duplicate=True),
    Input("act-expand", "n_clicks"),
    Input("act-focus", "n_clicks"),
    Input("act-hide", "n_clicks"),
    State("selected", "data"),
    State("expanded", "data"),
    State("hidden", "data"),
    prevent_initial_call=True,
)
def act(_expand, _focus, _hide, iri, expanded, hidden):
    """Expand (add neighbours), focus (only its neighbourhood) or hide the selected node."""
    if not iri:
        return no_update, no_update, no_update, no_update
    if ctx.triggered_id == "act-expand":
        return list(dict.fromkeys([*(expanded or []), iri])), no_update, no_update, no_update
    if ctx.triggered_id == "act-focus":
        return no_update, iri, no_update, no_update
    return no_update, no_update, list(dict.fromkeys([*(hidden or []), iri])), None


@callback(
    Output("expanded", "data", allow_duplicate=True),
    Output("focus", "data", allow_duplicate=True),
    Output("hidden", "data", allow_duplicate=True),
    Output("added", "data", allow_duplicate=True),
    Input("reset-view", "n_clicks"),
    prevent_initial_call=True,
)
def reset(_n):
    """Undo expand, focus, hide and added nodes; the filters stay."""
    return [], None, [], []


def path_steps(ws, a: str, b: str) -> dict:
    """Shortest paths between two entities as steps to draw and sentences to read."""
    paths = analysis.shortest_paths(ws.entity_graph, a, b)
    labels = {iri: e.label for iri, e in ws.index.entries.items()}
    steps = [[s.subject, s.predicate, s.label, s.object] for p in paths for s in p]
    return {"steps": steps, "sentences": [analysis.sentence(p, labels) for p in paths]}


@callback(
    Output("path", "data"),
    Output("path-text", "children"),
    Input({"type": "picker", "name": "path-a"}, "value"),
    Input({"type": "picker", "name": "path-b"}, "value"),
)
def find_path(a, b):
    """Highlight the shortest paths between two entities and tell them as sentences."""
    if not a or not b:
        return None, ""
    found = path_steps(app_context().ws, a, b)
    if not found["steps"]:
        return None, html.P("No connection between these two.", className="hint")
    return found, html.Ol([html.Li(s) for s in found["sentences"]])


@callback(
    Output("cy", "generateImage"),
    Input("export-png", "n_clicks"),
    Input("export-svg", "n_clicks"),
    prevent_initial_call=True,
)
def export_image(_png, _svg):
    """PNG or SVG of the view, made by Cytoscape in the browser."""
    kind = "svg" if ctx.triggered_id == "export-svg" else "png"
    return {
        "type": kind,
        "action": "download",
        "filename": "akg-view",
        "options": {"full": True, "bg": "#ffffff"},
    }


@callback(
    Output("download-view", "data"),
    Input("export-ttl", "n_clicks"),
    Input("export-jsonld", "n_clicks"),
    Input("export-csv", "n_clicks"),
    State("view-data", "data"),
    prevent_initial_call=True,
)
def export_view(_ttl, _jsonld, _csv, data):
    """The drawn subgraph as Turtle, JSON-LD or CSV (nodes and edges)."""
    sub = E.Subgraph.from_json(data)
    if ctx.triggered_id == "export-csv":
        return {"content": E.subgraph_csv(sub), "filename": "akg-view.csv", "type": "text/csv"}
    fmt, ext = ("json-ld", "jsonld") if ctx.triggered_id == "export-jsonld" else ("turtle", "ttl")
    return {"content": E.subgraph_rdf(sub).serialize(format=fmt), "filename": f"akg-view.{ext}"}


@callback(
    Output("q-editor", "value", allow_duplicate=True),
    Output("tabs", "value", allow_duplicate=True),
    Output("q-catalogue", "value", allow_duplicate=True),
    Input("open-in-sparql", "n_clicks"),
    State("view-sparql", "children"),
    prevent_initial_call=True,
)
def open_in_sparql(_n, text):
    """Put the view's query in the editor and switch to the SPARQL tab."""
    return text, "sparql", None


clientside_callback(
    """
    function(selected, elements) {
        const el = document.getElementById('cy');
        const cy = el && el._cyreg && el._cyreg.cy;
        if (!cy) { return window.dash_clientside.no_update; }
        if (!cy._akgHover) {
            cy._akgHover = true;
            cy.on('mouseover', 'edge', e => e.target.addClass('hover'));
            cy.on('mouseout', 'edge', e => e.target.removeClass('hover'));
        }
        if (selected) {
            const node = cy.getElementById(selected);
            if (node && node.length) {
                cy.nodes(':selected').unselect();
                node.select();
                setTimeout(() => {  // centre only a node that is out of sight, after the layout ran
                    const p = node.renderedPosition();
                    if (p.x < 20 || p.y < 20 || p.x > cy.width() - 20 || p.y > cy.height() - 20) {
                        cy.animate({center: {eles: node}, duration: 250});
                    }
                }, 300);
            }
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output("cy", "className"),
    Input("selected", "data"),
    Input("cy", "elements"),
)


# ---------------------------------------------------------------- the SPARQL tab


def catalogue_options() -> list[dict]:
    """The named queries, each with its summary as the option's title."""
    return [
        {"label": f"{q.name} — {q.summary}", "value": q.name, "title": q.summary}
        for q in queries.catalogue().values()
    ]


def param_inputs(name: str) -> list:
    """One input per declared parameter, with pattern-matching ids."""
    from dash import dcc

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
        return E.result_table(sandbox.run(text)), ""
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
        return {"content": E.table_json(table), "filename": "results.json", "type": "application/json"}
    return {"content": E.table_csv(table), "filename": "results.csv", "type": "text/csv"}


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
    view = E.table_elements(table, app_context().labels())
    return view.elements, view.layout, {**(style or {}), "display": "block"}


# ---------------------------------------------------------------- the overlap tab


def _esc(text: str) -> str:
    """Plotly reads a few HTML tags in its strings: escape labels so they stay text."""
    return html_text.escape(str(text))


def heatmap_figure(ws, roles: list[str], category: str | None, weighted: bool) -> go.Figure:
    """Role × role Jaccard heatmap with shared counts; each cell carries its two roles for clicks."""
    m = analysis.overlap_matrix(ws.role_items_for(roles), roles, category=category, weighted=weighted)
    names = [_esc(ws.label(r)) for r in m.roles]
    n = len(m.roles)
    fig = go.Figure(
        go.Heatmap(
            z=m.jaccard.round(3).tolist(),
            x=names,
            y=names,
            text=[[str(int(m.shared[i][j])) for j in range(n)] for i in range(n)],
            texttemplate="%{text}",
            customdata=[[f"{m.roles[i]}|{m.roles[j]}" for j in range(n)] for i in range(n)],
            hovertemplate="%{y} ↔ %{x}<br>similarity %{z:.2f}<br>shared items %{text}<extra></extra>",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar={"title": {"text": "Jaccard"}},
        )
    )
    title = f"Overlap ({category or 'all categories'}{', essential-weighted' if weighted else ''}); numbers = shared items"
    fig.update_layout(
        title=title, margin={"l": 220, "b": 160, "t": 50, "r": 20}, yaxis={"autorange": "reversed"}
    )
    return fig


@callback(
    Output("ov-heatmap", "figure"),
    Input("ov-roles", "value"),
    Input("ov-category", "value"),
    Input("ov-weighted", "value"),
)
def heatmap(roles, category, weighted):
    """The overlap heatmap for the chosen roles, category and weighting."""
    ws = app_context().ws
    roles = roles or ws.curated_roles()
    roles = [r for r in roles if r in ws.role_items_for(roles).links] or ws.curated_roles()
    return heatmap_figure(ws, roles, None if category in (None, "all") else category, bool(weighted))


def pair_view(ws, a: str, b: str) -> list:
    """What two roles share and what each has alone, per category."""
    ri = ws.role_items_for([a, b])
    p = analysis.overlap_pair(ri, a, b)
    lab = ri.label.get

    def items(xs):
        return ", ".join(sorted(lab(i, curie(i)) for i in xs)) or "—"

    rows = [
        html.Tr(
            [
                html.Th("category"),
                html.Th("shared"),
                html.Th(f"only {ws.label(a)}"),
                html.Th(f"only {ws.label(b)}"),
            ]
        )
    ]
    rows += [
        html.Tr(
            [
                html.Td(c.category),
                html.Td(items(c.shared)),
                html.Td(items(c.only_a)),
                html.Td(items(c.only_b)),
            ]
        )
        for c in p.categories
    ]
    head = f"{ws.label(a)} ↔ {ws.label(b)}: {len(p.total.shared)} shared, similarity {p.total.jaccard:.2f}"
    return [html.H4(head, className="pair-title"), html.Table(rows, className="pair-table")]


@callback(Output("ov-pair", "children"), Input("ov-heatmap", "clickData"), prevent_initial_call=True)
def pair(click):
    """Clicking a cell lists what the two roles share and what each has alone."""
    if not click or not click.get("points"):
        return no_update
    a, b = click["points"][0]["customdata"].split("|")
    return pair_view(app_context().ws, a, b)


def gap_rows(ws, a: str, b: str) -> tuple[list[dict], str]:
    """The gap from role a to role b as table rows (items to learn, then credentials in order)."""
    g = ws.gap(a, b)
    rows = [
        {
            "order": s.order,
            "kind": s.category,
            "what": s.label,
            "essential": "essential" if s.essential else "optional",
            "details": "",
        }
        for s in g.steps
    ]
    for n, c in enumerate(g.credentials, len(rows) + 1):
        bodies = ", ".join(ws.label(x) for x in c.bodies)
        pre = ", ".join(ws.label(x) for x in c.prerequisites)
        rows.append(
            {
                "order": n,
                "kind": "credential to earn",
                "what": c.label,
                "essential": "essential" if c.essential else "optional",
                "details": "; ".join(
                    x for x in (f"issued by {bodies}" if bodies else "", f"needs {pre}" if pre else "") if x
                ),
            }
        )
    summary = f"{ws.label(a)} → {ws.label(b)}: {len(g.steps)} items to add, {len(g.credentials)} credentials; already shared: {len(g.already)}"
    return rows, summary


@callback(
    Output("gap-grid", "rowData"),
    Output("gap-summary", "children"),
    Input("gap-a", "value"),
    Input("gap-b", "value"),
)
def gap(a, b):
    """What to learn and which credentials to earn to move from role A to role B."""
    if not a or not b:
        return [], "Choose two roles."
    return gap_rows(app_context().ws, a, b)


def gap_markdown(rows: list[dict], summary: str) -> str:
    """A short brief of the gap, for people who plan training (a downloaded file, never rendered here)."""
    lines = [f"# {summary}", ""]
    for r in rows:
        extra = f" — {r['details']}" if r["details"] else ""
        lines.append(f"{r['order']}. **{r['what']}** ({r['kind']}, {r['essential']}){extra}")
    return "\n".join(lines) + "\n"


def rows_csv(rows: list[dict]) -> str:
    """Rows of dicts as CSV."""
    out = io.StringIO()
    if rows:
        w = csv.DictWriter(out, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out.getvalue()


@callback(
    Output("gap-download", "data"),
    Input("gap-csv", "n_clicks"),
    Input("gap-md", "n_clicks"),
    State("gap-a", "value"),
    State("gap-b", "value"),
    prevent_initial_call=True,
)
def gap_download(_csv, _md, a, b):
    """The gap as CSV or as a Markdown brief."""
    if not a or not b:
        return no_update
    rows, summary = gap_rows(app_context().ws, a, b)
    if ctx.triggered_id == "gap-md":
        return {"content": gap_markdown(rows, summary), "filename": "gap.md", "type": "text/markdown"}
    return {"content": rows_csv(rows), "filename": "gap.csv", "type": "text/csv"}


def cover_view(ws, roles: list[str]) -> list:
    """The smallest set of training topics and credentials and how each role is covered."""
    ri = ws.role_items_for(roles)
    c = analysis.cover(ri, roles)
    lab = ri.label.get
    verdict = "optimal (exact search)" if c.exact else c.bound
    out = [
        html.P(f"{len(c.chosen)} items cover the roles — {verdict}.", className="cover-verdict"),
        html.Ol([html.Li(f"{lab(i, curie(i))} ({ri.category[i]})") for i in c.chosen]),
        html.Table(
            [html.Tr([html.Th("role"), html.Th("covered by")])]
            + [
                html.Tr([html.Td(ws.label(r)), html.Td(", ".join(lab(i, curie(i)) for i in items) or "—")])
                for r, items in c.covered_by.items()
            ],
            className="pair-table",
        ),
    ]
    if c.uncoverable:
        out.append(
            html.P(
                "No training topic or credential reaches: " + ", ".join(ws.label(r) for r in c.uncoverable),
                className="note",
            )
        )
    return out


@callback(Output("cover-result", "children"), Input("cover-roles", "value"))
def cover(roles):
    """Cover the chosen roles."""
    if not roles:
        return html.P("Choose target roles.", className="hint")
    return cover_view(app_context().ws, roles)


def role_options(ws, text: str | None = None, chosen: list[str] | None = None) -> list[dict]:
    """Role picker options, by label: every role on a small store; on a big one the curated roles,
    the chosen ones and the first MATCHES whose label contains the search text.

    A dropdown with 4,000 static options ships them all in the page and filters them in the browser
    on every key; a search-driven list stays a few dozen long.
    """
    names = ws.role_names
    if len(names) <= OPTIONS_CAP:
        shown = list(names)
    else:
        shown = [*ws.curated_roles(), *(c for c in chosen or () if c in names)]
        if text and len(text.strip()) >= 2:
            needle = text.strip().casefold()
            shown += [r for r, label in names.items() if needle in label.casefold()][:MATCHES]
    shown = list(dict.fromkeys(shown))
    return sorted(({"label": names[r], "value": r} for r in shown), key=lambda o: o["label"].lower())


def _role_picker(picker: str) -> None:
    """Register the search-driven options callback of one role picker (only a big store changes them)."""

    def options(text, value):
        ws = app_context().ws
        if len(ws.role_names) <= OPTIONS_CAP:
            return no_update
        chosen = value if isinstance(value, list) else [value] if value else []
        return role_options(ws, text, chosen)

    options.__name__ = f"role_options_{picker.replace('-', '_')}"
    callback(
        Output(picker, "options"),
        Input(picker, "search_value"),
        Input(picker, "value"),
    )(options)


for _picker in ROLE_PICKERS:
    _role_picker(_picker)


def filter_options(ws) -> dict[str, list[dict]]:
    """The options of each graph filter, from filter_options.rq (roles: see role_options)."""
    out = {"role": role_options(ws)}
    for key, (_, cls) in E.FILTERS.items():
        if key == "role":
            continue
        rows = ws.run("filter_options", {"class": AKG[cls]}).dicts()
        unique = {str(r["entity"]): str(r["label"]) for r in reversed(rows)}
        out[key] = sorted(
            ({"label": v, "value": k} for k, v in unique.items()), key=lambda o: o["label"].lower()
        )
    return out


def kinds_present(ws) -> list[str]:
    """The kinds that have entities, in the palette's order."""
    have = {E.kind_name(k) for k in ws.kinds}
    return [k for k in E.KINDS if k in have]
