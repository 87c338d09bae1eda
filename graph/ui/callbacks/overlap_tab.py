"""The Overlap & gap tab: role x role heatmap, what two roles share, the gap between two (plans: curriculum tab)."""

from __future__ import annotations

import csv
import html as html_text
import io

import plotly.graph_objects as go
from dash import Input, Output, State, callback, clientside_callback, ctx, html, no_update

from graph import analysis
from graph.terms import curie
from graph.ui.context import app_context
from graph.ui.controls import role_picker
from graph.ui.view.labels import counted, shorten


def _esc(text: str) -> str:
    """Plotly reads a few HTML tags in its strings: escape labels so they stay text."""
    return html_text.escape(str(text))


def heatmap_figure(ws, roles: list[str], category: str | None, weighted: bool) -> go.Figure:
    """Role x role Jaccard heatmap with shared counts; each cell carries its two roles for clicks. The
    diagonal (a role with itself, always 100 %) is grey with the role's own count, so the colours
    span what pairs of roles share."""
    m = analysis.overlap_matrix(ws.role_items_for(roles), roles, category=category, weighted=weighted)
    names = [_esc(shorten(ws.label(r))) for r in m.roles]
    n = len(m.roles)
    pairs = [[None if i == j else round(float(m.jaccard[i][j]), 3) for j in range(n)] for i in range(n)]
    top = max((v for row in pairs for v in row if v is not None), default=0.0) or 1.0
    customdata = [[f"{m.roles[i]}|{m.roles[j]}" for j in range(n)] for i in range(n)]
    fig = go.Figure(
        go.Heatmap(
            z=pairs,
            x=names,
            y=names,
            text=[["" if i == j else str(int(m.shared[i][j])) for j in range(n)] for i in range(n)],
            texttemplate="%{text}",
            customdata=customdata,
            hovertext=[[counted(int(m.shared[i][j]), "item") for j in range(n)] for i in range(n)],
            hovertemplate="%{y} and %{x} share %{hovertext}<br>(%{z:.0%} of the items either needs)<extra></extra>",
            colorscale="Blues",
            zmin=0,
            zmax=top,
            hoverongaps=False,
            colorbar={"title": {"text": "share in common"}, "tickformat": ".0%"},
        )
    )
    fig.add_trace(
        go.Heatmap(
            z=[[1 if i == j else None for j in range(n)] for i in range(n)],
            x=names,
            y=names,
            text=[[str(int(m.shared[i][i])) if i == j else "" for j in range(n)] for i in range(n)],
            texttemplate="%{text}",
            customdata=customdata,
            hovertext=[[counted(int(m.shared[i][i]), "item") for j in range(n)] for i in range(n)],
            hovertemplate="%{y} needs %{hovertext}<extra></extra>",
            colorscale=[[0, "#e3e7eb"], [1, "#e3e7eb"]],
            showscale=False,
            hoverongaps=False,
        )
    )
    title = (
        f"What roles have in common ({category or 'all categories'}{', essential weighs double' if weighted else ''})"
        "<br>numbers = items shared, click one to see them; grey: each role's own items"
    )
    fig.update_layout(
        title=title, margin={"l": 220, "b": 160, "t": 70, "r": 20}, yaxis={"autorange": "reversed"}
    )
    return fig


@callback(
    Output("ov-heatmap", "figure"),
    Input(role_picker("ov-roles"), "value"),
    Input("ov-category", "value"),
    Input("ov-weighted", "value"),
)
def heatmap(roles, category, weighted):
    """The overlap heatmap for the chosen roles, category and weighting."""
    ws = app_context().ws
    roles = roles or ws.curated_roles()
    roles = [r for r in roles if r in ws.role_items_for(roles).links] or ws.curated_roles()
    return heatmap_figure(ws, roles, None if category in (None, "all") else category, bool(weighted))


def shares(n: int, total: int, verb: str = "shares") -> str:
    """A share as people say it: "shares 20 of 52 items (38 %)".

    >>> shares(20, 52), shares(0, 1)
    ('shares 20 of 52 items (38 %)', 'shares 0 of 1 item (0 %)')
    """
    return f"{verb} {n} of {counted(total, 'item')}" + (f" ({round(100 * n / total)} %)" if total else "")


def _count(summary: str, items: list[str]) -> html.Details:
    """A number that opens to the items behind it."""
    return html.Details([html.Summary(summary), html.Ul([html.Li(i) for i in items] or [html.Li("none")])])


def pair_view(ws, a: str, b: str) -> list:
    """What two roles share and what each has alone, per category, each number opening to its items."""
    ri = ws.role_items_for([a, b])
    p = analysis.overlap_pair(ri, a, b)
    lab = ri.label.get

    def names(xs):
        return sorted(lab(i, curie(i)) for i in xs)

    la, lb = ws.label(a), ws.label(b)
    rows = [
        html.Tr([html.Th("category"), html.Th("in common"), html.Th(f"only {la}"), html.Th(f"only {lb}")])
    ]
    for c in p.categories:
        total = len(c.shared) + len(c.only_a) + len(c.only_b)
        rows.append(
            html.Tr(
                [
                    html.Td(c.category),
                    html.Td(_count(shares(len(c.shared), total), names(c.shared))),
                    html.Td(_count(counted(len(c.only_a), "item"), names(c.only_a))),
                    html.Td(_count(counted(len(c.only_b), "item"), names(c.only_b))),
                ]
            )
        )
    t = p.total
    total = len(t.shared) + len(t.only_a) + len(t.only_b)
    head = (
        f"{la} and {lb} {shares(len(t.shared), total, 'share')}; {len(t.shared_essential)} essential to both"
    )
    return [
        html.H4(_count(head, names(t.shared)), className="pair-title"),
        html.Table(rows, className="pair-table"),
    ]


@callback(Output("ov-pair", "children"), Input("ov-heatmap", "clickData"), prevent_initial_call=True)
def pair(click):
    """Clicking a cell lists what the two roles share and what each has alone."""
    if not click or not click.get("points"):
        return no_update
    a, b = click["points"][0]["customdata"].split("|")
    if a == b:  # the diagonal: a role with itself
        return html.P(
            "That is one role with itself: click a cell off the grey diagonal to compare two roles.",
            className="hint",
        )
    return pair_view(app_context().ws, a, b)


# A clicked cell's answer, under the heatmap, brought into sight (it opened below the window's foot).
clientside_callback(
    """function (children) {
        const el = document.getElementById("ov-pair");
        if (el) { requestAnimationFrame(function () { el.scrollIntoView({block: "nearest", behavior: "smooth"}); }); }
        return window.dash_clientside.no_update;
    }""",
    Output("ov-pair", "title"),
    Input("ov-pair", "children"),
    prevent_initial_call=True,
)


def gap_rows(ws, a: str, b: str) -> tuple[list[dict], str]:
    """The gap from role a to role b as table rows, in order; a credential's row says who issues it
    and what it needs first (each credential once: it was listed again after the items)."""
    g = ws.gap(a, b)
    creds = {c.credential: c for c in g.credentials}

    def details(item: str) -> str:
        c = creds.get(item)
        if c is None:
            return ""
        bodies = ", ".join(ws.label(x) for x in c.bodies)
        pre = "; ".join(ws.label(x) for x in (*c.prerequisites, *c.requirements))
        return "; ".join(
            x for x in (f"issued by {bodies}" if bodies else "", f"needs {pre}" if pre else "") if x
        )

    rows = [
        {
            "order": s.order,
            "kind": s.category,
            "what": s.label,
            "essential": "essential" if s.essential else "optional",
            "details": details(s.item),
        }
        for s in g.steps
    ]
    of_them = f" ({counted(len(g.credentials), 'credential')} among them)" if g.credentials else ""
    summary = f"{ws.label(a)} → {ws.label(b)}: {counted(len(g.steps), 'item')} to add{of_them}; already shared: {len(g.already)}"
    return rows, summary


@callback(
    Output("gap-grid", "rowData"),
    Output("gap-summary", "children"),
    Input(role_picker("gap-a"), "value"),
    Input(role_picker("gap-b"), "value"),
)
def gap(a, b):
    """What to learn and which credentials to earn to move from role A to role B."""
    if not a or not b:
        return [], "Choose two roles."
    if a == b:  # "0 items to add; already shared: 8" read as if the gap had been worked out
        return [], "That is one role twice: choose two different roles."
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
    State(role_picker("gap-a"), "value"),
    State(role_picker("gap-b"), "value"),
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
