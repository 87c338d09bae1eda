"""The detail panel's components: labels always as text (never HTML), external links http(s) only."""

from __future__ import annotations

from dash import html

from graph.terms import curie
from graph.ui.view.details import Details, NeighbourGroup, Value, details, safe_href
from graph.ui.view.kinds import kind_label, kind_name


def node_details(ws, iri: str) -> Details:
    """A node's properties, sources and neighbour groups, read by node_properties."""
    entry = ws.index.entries.get(iri)
    label, kind = (entry.label, kind_name(entry.kind)) if entry else (curie(iri), "")
    return details(iri, label, kind, ws.run("node_properties", {"node": iri}).dicts(), ws.index.entries)


def neighbours_of(ws, iri: str) -> list[NeighbourGroup]:
    """A node's neighbours grouped by relation and kind (what the panel lists and the menu expands)."""
    return node_details(ws, iri).neighbours


def details_view(ws, iri: str) -> list:
    """The detail panel of a node, every label as text (never HTML)."""
    d = node_details(ws, iri)

    def value(v: Value):
        if v.entity:
            return html.Button(v.text, id={"type": "goto", "iri": v.entity}, className="link-button")
        return html.A(v.text, href=v.href, target="_blank", rel="noopener noreferrer") if v.href else v.text

    def block(title: str, groups):
        items = [html.Div([html.Dt(name), *[html.Dd(value(v)) for v in vals]]) for name, vals in groups]
        return [html.H4(title, className="section-title"), html.Dl(items)] if groups else []

    href = safe_href(iri)
    return [
        html.H3(d.label, className="detail-title"),
        html.Div(
            [
                html.Span(kind_label(d.kind), className="kind-badge"),
                html.A(curie(iri), href=href, target="_blank", rel="noopener noreferrer")
                if href
                else curie(iri),
            ],
            className="detail-iri",
        ),
        *block("Properties", d.properties),
        *block("Sources", [("", d.sources)] if d.sources else []),
        *neighbour_groups(d.neighbours),
    ]


def _flag(v: Value) -> list:
    """A neighbour's link: essential or optional, and who states it."""
    out = []
    if v.essential is not None:
        out.append(
            html.Span(
                "essential" if v.essential else "optional",
                className=f"flag {'ess' if v.essential else 'opt'}",
            )
        )
    if v.source:
        out.append(html.Span(v.source, className="link-source"))
    return out


def neighbour_groups(groups: list[NeighbourGroup]) -> list:
    """Neighbours grouped by relation and kind with counts; one group open at a time (assets/graph.js)."""
    if not groups:
        return []
    return [
        html.H4(f"Neighbours ({sum(len(g.values) for g in groups)})", className="section-title"),
        *[
            html.Details(
                [
                    html.Summary(f"{g.relation} · {g.kind or 'other'} ({len(g.values)})"),
                    html.Button(  # expand by relation and kind
                        f"Draw these {len(g.values)}",
                        id={"type": "draw-group", "iris": " ".join(v.entity for v in g.values)},
                        className="small draw-group",
                    ),
                    html.Ul(
                        [
                            html.Li(
                                [
                                    html.Button(
                                        v.text, id={"type": "goto", "iri": v.entity}, className="link-button"
                                    ),
                                    *_flag(v),
                                ]
                            )
                            for v in g.values
                        ]
                    ),
                ],
                open=i == 0,
                className="nb-group",
            )
            for i, g in enumerate(groups)
        ],
    ]


def _end(ws, name: str, iri: str) -> html.Div:
    """One end of a link, a button that selects it."""
    button = html.Button(ws.label(iri), id={"type": "goto", "iri": iri}, className="link-button")
    return html.Div([html.Dt(name), html.Dd(button)])


def link_view(ws, data: dict) -> list:
    """The detail panel of a clicked link: relation, its two ends, essential or optional, its source."""
    ess = data.get("essential")
    src = data.get("src")
    return [
        html.H3(data.get("label") or curie(data.get("p", "")), className="detail-title"),
        html.Div(
            [html.Span("Link", className="kind-badge"), curie(data.get("p", ""))], className="detail-iri"
        ),
        html.Dl(
            [
                _end(ws, "from", data["source"]),
                _end(ws, "to", data["target"]),
                html.Div(
                    [
                        html.Dt("need"),
                        html.Dd("essential" if ess else "optional" if ess is False else "not stated"),
                    ]
                ),
                html.Div([html.Dt("source"), html.Dd(_source(ws, src))]),
            ]
        ),
    ]


def _source(ws, src: str | None):
    if not src:
        return "not recorded for this link"
    href = safe_href(src)
    text = ws.label(src)
    return html.A(text, href=href, target="_blank", rel="noopener noreferrer") if href else text
