"""The detail panel's components: labels always as text (never HTML), external links http(s) only."""

from __future__ import annotations

from dash import html

from graph.terms import curie
from graph.ui.view.details import Value, details, safe_href
from graph.ui.view.kinds import kind_name, kind_style


def details_view(ws, iri: str) -> list:
    """The detail panel of a node, every label as text (never HTML)."""
    entry = ws.index.entries.get(iri)
    label, kind = (entry.label, kind_name(entry.kind)) if entry else (curie(iri), "")
    d = details(iri, label, kind, ws.run("node_properties", {"node": iri}).dicts(), ws.index.entries)

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
                html.Span(kind_style(kind).label, className="kind-badge"),
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
