"""The Curriculum tab's downloads and coverage: the curriculum in every format, its coverage as CSV or brief."""

from __future__ import annotations

import csv
import io
import json

from dash import Input, Output, State, callback, ctx, html, no_update

from graph import curricula as K
from graph import sssom
from graph.ui.callbacks.curriculum_views import coverage_view
from graph.ui.context import app_context
from graph.ui.controls import role_picker


@callback(
    Output("cur-download", "data"),
    Input("cur-export-trig", "n_clicks"),
    Input("cur-export-jsonld", "n_clicks"),
    Input("cur-export-csv", "n_clicks"),
    Input("cur-export-case", "n_clicks"),
    Input("cur-export-json", "n_clicks"),
    Input("cur-export-sssom", "n_clicks"),
    Input("cur-coverage-csv", "n_clicks"),
    Input("cur-coverage-md", "n_clicks"),
    State("cur-doc", "data"),
    State(role_picker("cur-roles"), "value"),
    prevent_initial_call=True,
)
def export(_t, _j, _c, _case, _json, _s, _cc, _cm, doc, roles):
    """The curriculum as TriG, JSON-LD, CSV, CASE 1.0, the API's JSON or SSSOM mappings; or its coverage."""
    if not doc:
        return no_update
    c = K.from_json(doc)
    trigger = ctx.triggered_id
    if trigger == "cur-export-sssom":
        return {"content": sssom.export(c), "filename": f"curriculum-{c.id}.sssom.tsv"}
    if trigger in ("cur-coverage-csv", "cur-coverage-md"):
        per_role, extra, labels = app_context().ws.coverage(list(roles or c.roles), c.taught())
        if trigger == "cur-coverage-csv":
            return {"content": coverage_csv(per_role, extra, labels), "filename": f"coverage-{c.id}.csv"}
        brief = coverage_markdown(c, per_role, extra, labels)
        return {"content": brief, "filename": f"coverage-{c.id}.md", "type": "text/markdown"}
    fmt = {
        "cur-export-trig": "trig",
        "cur-export-jsonld": "jsonld",
        "cur-export-case": "case",
        "cur-export-json": "json",
    }.get(trigger, "csv")
    name = {"trig": ".trig", "jsonld": ".jsonld", "csv": ".csv", "case": "-case.json", "json": ".json"}[fmt]
    text = (
        json.dumps(K.to_json(c), ensure_ascii=False, indent=2) + "\n" if fmt == "json" else K.export(c, fmt)
    )
    return {"content": text, "filename": f"curriculum-{c.id}{name}"}


def coverage_csv(per_role, extra, labels: dict[str, str]) -> str:
    """Coverage as rows: role, status (covered, missing, optional covered, not needed), item, label."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("role", "role_label", "status", "item", "label"))
    for cov in per_role:
        for status, items in (
            ("covered", cov.covered),
            ("missing", cov.missing),
            ("optional covered", cov.optional_covered),
        ):
            w.writerows(
                (cov.role, labels.get(cov.role, cov.role), status, i, labels.get(i, i)) for i in items
            )
    w.writerows(("", "", "taught, no target role needs it", i, labels.get(i, i)) for i in extra)
    return buf.getvalue()


def coverage_markdown(c: K.Curriculum, per_role, extra, labels: dict[str, str]) -> str:
    """Coverage as a brief: per target role, the share of essential items covered and what is missing."""
    out = [f"# {c.title}: coverage of the target roles", ""]
    for cov in per_role:
        n, total = len(cov.covered), len(cov.essential)
        pct = f" ({round(100 * n / total)} %)" if total else ""
        out += [
            f"## {labels.get(cov.role, cov.role)}",
            "",
            f"Covers {n} of {total} essential items{pct}.",
            "",
        ]
        for title, items in (
            ("Covered", cov.covered),
            ("Missing, in learning order", cov.missing),
            ("Optional items also covered", cov.optional_covered),
        ):
            out += [
                f"**{title}:**",
                "",
                *(f"- {labels.get(i, i)}" for i in items),
                *(["- none"] if not items else []),
                "",
            ]
    out += ["## Taught, but no target role needs it", "", *(f"- {labels.get(i, i)}" for i in extra)]
    out += ["- none"] if not extra else []
    return "\n".join(out) + "\n"


@callback(
    Output("cur-coverage", "children"),
    Input("cur-doc", "data"),
    Input(role_picker("cur-roles"), "value"),
)
def coverage(doc, roles):
    """Coverage of the target roles by the accepted matches."""
    if not roles:
        return html.P("Choose target roles above to see what your curriculum covers.", className="hint")
    if not doc:
        return html.P("Paste or upload your curriculum to see what it covers.", className="hint")
    c = K.from_json(doc)
    return coverage_view(app_context().ws, roles, c.taught())
