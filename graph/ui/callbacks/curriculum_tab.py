"""The Curriculum tab: the plan for target roles, and a designer's curriculum matched, decided, saved, covered.

Callbacks are glue: the plan is graph.curriculum, matching graph.match, saving graph.curricula; views
of those live in the small functions below. Every number a person sees opens to the items behind it.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import json
import threading

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from flask import current_app, has_request_context

from graph import curricula as K
from graph import curriculum as P
from graph import limits, sssom
from graph.errors import GraphError
from graph.hybrid import several
from graph.ui import api, auth
from graph.ui.context import app_context
from graph.ui.controls import role_picker
from graph.ui.view.labels import counted
from graph.uploads import MAX_BYTES, Line, decode
from graph.uploads import parse as parse_outcomes
from graph.workspace import kind_name

PROPOSALS = 5  # matches proposed per outcome (and the best of each part of one that names several)
#: outcomes matched by meaning too; a longer list is matched by words (BM25, ~1 ms a line): by meaning a
#: 2,000-outcome upload held a request thread for minutes (~14 ms of CPU a line and part, on 2 cores)
MEANING_UP_TO = 200
#: shown while an upload is read or matches are proposed (a 2,000-outcome file takes seconds)
WORKING = "Reading the outcomes and proposing matches…"
PAGE = 50  # outcomes shown (and sent) at once; the rest are a page away
_open_lock = threading.Lock()


def too_big(error):
    """A callback body over the app's limit is a pasted or uploaded curriculum: say so where people look.

    Flask refuses such a body (413) before any callback runs, and the page would show nothing; the
    renderer applies this answer as an update of the tab's message, and nothing else changes.
    """
    from flask import jsonify, request

    if not request.path.endswith("/_dash-update-component"):
        return error
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    text = (
        f"What you sent is over {limit:,} bytes: a curriculum is at most {MAX_BYTES:,} bytes of text; "
        "split it into parts"
    )
    return jsonify({"multi": True, "response": {"cur-message": {"children": text}}})


def curricula_store() -> K.CurriculumStore:
    """This app's store of saved curricula, opened on first use (where: set by create_app)."""
    return api.store()


SIGN_IN_TO_WRITE = (
    f"Saving and deleting need a designer's sign-in: open {auth.SIGNIN} (this page's address + {auth.SIGNIN}), "
    "sign in, and come back. Without it you can still explore, propose matches and export."
)


def heavy_gate() -> limits.Gate:
    """This app's gate for heavy work (uploads, proposals): per client address and in all."""
    ext = current_app.extensions
    with _open_lock:
        if "akg-heavy" not in ext:
            ext["akg-heavy"] = limits.Gate()
    return ext["akg-heavy"]


client, address_owner = auth.client, auth.address_owner  # who the quotas and the gate count


def items_list(iris, labels: dict[str, str], *, ordered: bool = False) -> html.Ol | html.Ul:
    """Labels of some items as a list (numbered when the order means something)."""
    kind = html.Ol if ordered else html.Ul
    return kind([html.Li(labels.get(i, i)) for i in iris] or [html.Li("none")])


def count(summary: str, iris, labels: dict[str, str], *, ordered: bool = False) -> html.Details:
    """A number people can open to see the items behind it."""
    return html.Details([html.Summary(summary), items_list(iris, labels, ordered=ordered)], className="count")


# ---------------------------------------------------------------- the plan


def plan_rows(ws, roles: list[str]) -> tuple[list[dict], list, list]:
    """The plan for some roles as grid rows, credential lines and a summary whose numbers open to items."""
    plan, labels = ws.curriculum(roles)
    rows = [dict(zip(P.COLUMNS, r, strict=True)) for r in P.rows(plan, labels)]
    creds = [
        html.Li(
            f"{c.label}: issued by {', '.join(labels.get(x, x) for x in c.bodies) or 'no body recorded'}"
            f"; for {', '.join(labels.get(r, r) for r in c.roles)}"
        )
        for c in plan.credentials
    ]
    groups = {g: [i.item for i in plan.group(g)] for g in (P.CORE, P.SHARED, P.ROLE)}
    names = {i.item: i.label for i in plan.items}
    summary = [
        html.Span(f"{len(plan.items)} items, in learning order: "),
        count(f"{len(groups[P.CORE])} every role needs", groups[P.CORE], names, ordered=True),
        count(f"{len(groups[P.SHARED])} shared by some roles", groups[P.SHARED], names, ordered=True),
        count(f"{len(groups[P.ROLE])} in role modules", groups[P.ROLE], names, ordered=True),
        html.Span(f"It prepares for {len(plan.credentials)} credentials."),
    ]
    return rows, ([html.H4("Credentials it prepares for"), html.Ul(creds)] if creds else []), summary


@callback(
    Output("cur-plan-grid", "rowData"),
    Output("cur-credentials", "children"),
    Output("cur-plan-summary", "children"),
    Input(role_picker("cur-roles"), "value"),
)
def plan(roles):
    """The plan for the chosen target roles."""
    if not roles:
        return [], [], "Choose the roles you train people for."
    return plan_rows(app_context().ws, roles)


@callback(
    Output("cur-plan-download", "data"),
    Input("cur-plan-md", "n_clicks"),
    Input("cur-plan-csv", "n_clicks"),
    Input("cur-plan-case", "n_clicks"),
    State(role_picker("cur-roles"), "value"),
    prevent_initial_call=True,
)
def plan_download(_md, _csv, _case, roles):
    """The plan as a Markdown brief, CSV or a CASE 1.0 package."""
    if not roles:
        return no_update
    if ctx.triggered_id == "cur-plan-case":
        from graph import case

        text = case.dumps(case.plan_package(app_context().ws, roles))
        return {"content": text, "filename": "curriculum-case.json", "type": "application/json"}
    plan, labels = app_context().ws.curriculum(roles)
    if ctx.triggered_id == "cur-plan-md":
        return {"content": P.to_markdown(plan, labels), "filename": "curriculum.md", "type": "text/markdown"}
    return {"content": P.to_csv(plan, labels), "filename": "curriculum.csv", "type": "text/csv"}


# ---------------------------------------------------------------- a designer's curriculum


WAITING_FOR_MATCHING = (
    "Matching is being prepared (once, in the first minute after a start); try again shortly."
)


def propose(ws, lines, title: str, roles, base: dict | None) -> K.Curriculum:
    """A curriculum of these outcomes with proposals for each; keeps the id and version it replaces."""
    matcher = ws.matcher
    top = PROPOSALS
    if len(lines) > MEANING_UP_TO:  # by words, the three best each (five kept 2,000 outcomes over 3.5 MB)
        matcher, top = dataclasses.replace(matcher, mode="lexical"), 3
    before = {  # decisions already taken on an outcome that is still there stay taken
        (o.text, m.item): m for o in (K.from_json(base).outcomes if base else ()) for m in o.matches
    }
    outcomes = tuple(
        K.Outcome(
            x.outcome,
            x.module,
            tuple(
                before.get(
                    (x.outcome, m.iri),
                    K.Decision(m.iri, m.label, m.score, "proposed", m.kind, m.framework, m.method, m.why),
                )
                for m in several(matcher, x.outcome, top=top)
            ),
        )
        for x in lines
    )
    cid, version = (base["id"], base["version"]) if base else (K.new_id(), 0)
    return K.Curriculum(cid, title or "my curriculum", tuple(roles or ()), outcomes, version)


def proposal_label(m: K.Decision) -> html.Span:
    """One proposal as a designer judges it: label, kind and framework, the score, why, and the decision."""
    what = ", ".join(x for x in (kind_name(m.kind) if m.kind else "", m.framework) if x)
    return html.Span(
        [
            html.Span(f"{round(m.score * 100)} %", className="proposal-score"),
            html.Strong(m.label, className="proposal-label"),
            html.Span(f" {what}" if what else "", className="proposal-kind"),
            html.Span(f" — {m.why}" if m.why else "", className="proposal-why"),
            html.Span(m.decision, className=f"proposal-decision {m.decision}"),
        ]
    )


def proposals_view(c: K.Curriculum, page: int = 1) -> list:
    """One page of outcomes with their proposals as ticks, best score first (ticked: accepted; unticked: rejected).

    Only the page shown is sent: a 2,000-outcome curriculum is 40 pages, not 2,000 checklists at once.
    """
    pages = max(1, -(-len(c.outcomes) // PAGE))
    page = min(max(1, int(page or 1)), pages)
    first = (page - 1) * PAGE
    blocks = []
    for n, o in enumerate(c.outcomes[first : first + PAGE], first):
        options = proposal_options(o)
        head = f"{o.module}: {o.text}" if o.module else o.text
        blocks.append(
            html.Fieldset(
                [
                    html.Legend(head, className="outcome-text"),
                    dbc.Checklist(
                        id={"type": "cur-accept", "outcome": n},
                        options=options,
                        value=list(o.accepted()),
                        className="proposals",
                    )
                    if options
                    else html.Div("no proposal: no known word or similar meaning", className="hint"),
                ],
                className="outcome",
            )
        )
    if not blocks:
        return []
    shown = f" (outcomes {first + 1}–{first + len(blocks)})" if pages > 1 else ""
    pager = (
        [dbc.Pagination(id={"type": "cur-page", "of": "proposals"}, max_value=pages, active_page=page)]
        if pages > 1
        else []
    )
    hint = html.P(
        "Tick every item an outcome teaches (several are fine); once you tick, the outcome's unticked "
        "proposals count as rejected. The score is what orders them: shared words and, when the model "
        "is installed, similar meaning.",
        className="hint",
    )
    return [html.H4(f"Proposals for {len(c.outcomes)} outcomes{shown}"), hint, *pager, *blocks]


@callback(
    Output("cur-proposals", "children", allow_duplicate=True),
    Input({"type": "cur-page", "of": ALL}, "active_page"),
    State("cur-doc", "data"),
    prevent_initial_call=True,
)
def turn_page(pages, doc):
    """Another page of proposals, from the curriculum the page holds."""
    if not doc or not pages or not pages[0]:
        return no_update
    return proposals_view(K.from_json(doc), pages[0])


def proposal_options(o: K.Outcome) -> list[dict]:
    """An outcome's proposals as checklist options, best score first."""
    ranked = sorted(o.matches, key=lambda m: (-m.score, m.label, m.item))
    return [{"label": proposal_label(m), "value": m.item} for m in ranked]


@callback(
    Output({"type": "cur-accept", "outcome": ALL}, "options"),
    Input("cur-doc", "data"),
    prevent_initial_call=True,
)
def decision_labels(doc):
    """A tick changed a decision: each proposal's label says what it now is (accepted, rejected)."""
    c = K.from_json(doc) if doc else None
    return [
        proposal_options(c.outcomes[o["id"]["outcome"]])
        if c is not None and 0 <= o["id"]["outcome"] < len(c.outcomes)
        else no_update
        for o in ctx.outputs_list
    ]


def decide(c: K.Curriculum, outcome: int, accepted: list[str], who: str = K.ANONYMOUS) -> K.Curriculum:
    """One outcome reviewed by `who`: its ticked proposals accepted, the others rejected, each stamped."""
    outcomes = list(c.outcomes)
    o = outcomes[outcome]
    when = K.now()
    matches = tuple(K.decide(m, m.item in accepted, who, when) for m in o.matches)
    outcomes[outcome] = K.Outcome(o.text, o.module, matches)
    return K.Curriculum(c.id, c.title, c.roles, tuple(outcomes), c.version, c.modified)


def designer() -> str:
    """Who is deciding: the signed-in designer's name, else anonymous."""
    return (auth.signed_in() if has_request_context() else None) or K.ANONYMOUS


@callback(
    Output("cur-doc", "data"),
    Output("cur-proposals", "children"),
    Output("cur-message", "children"),
    Input("cur-propose", "n_clicks"),
    State("cur-text", "value"),
    State("cur-title", "value"),
    State(role_picker("cur-roles"), "value"),
    State("cur-doc", "data"),
    prevent_initial_call=True,
    running=[
        (Output("cur-propose", "disabled"), True, False),
        (Output("cur-working", "children"), WORKING, ""),
    ],
)
def propose_matches(_n, text, title, roles, doc):
    """Pasted outcomes -> proposals per outcome (the curriculum keeps its id, so a save updates it).

    Within graph.limits (one line when not), admitted by the heavy-work gate.
    """
    if not app_context().ws.available("match_index"):  # never built on a click: the warm-up builds it
        return no_update, no_update, WAITING_FOR_MATCHING
    try:
        with heavy_gate().admitted(client()):
            lines = parse_outcomes(decode((text or "").encode("utf-8"), "pasted text"), "pasted text")
            c = limits.check_curriculum(
                propose(app_context().ws, lines, title, roles, doc), where="pasted text"
            )
    except GraphError as exc:
        return no_update, no_update, str(exc)
    return K.to_json(c), proposals_view(c), f"{len(c.outcomes)} outcomes read; tick what each teaches."


@callback(
    Output("cur-doc", "data", allow_duplicate=True),
    Output("cur-proposals", "children", allow_duplicate=True),
    Output("cur-message", "children", allow_duplicate=True),
    Output("cur-title", "value"),
    Input("cur-upload", "contents"),
    State("cur-upload", "filename"),
    State(role_picker("cur-roles"), "value"),
    prevent_initial_call=True,
    running=[
        (Output("cur-upload", "disabled"), True, False),
        (Output("cur-working", "children"), WORKING, ""),
    ],
)
def upload(contents, filename, roles):
    """An uploaded file -> a new curriculum (exports come back with their decisions); bad files: one line."""
    name = " ".join(str(filename or "upload").split())[:255] or "upload"  # it starts every message
    try:
        with heavy_gate().admitted(client()):
            data = base64.b64decode((contents or "").partition(",")[2], validate=False)
            c = K.import_file(data, name)
            if not any(o.matches for o in c.outcomes):  # plain outcomes: propose matches for them
                if not app_context().ws.available("match_index"):
                    return no_update, no_update, WAITING_FOR_MATCHING, no_update
                lines = [Line(o.module, o.text) for o in c.outcomes]
                c = propose(app_context().ws, lines, c.title, roles, None)
            c = K.Curriculum(c.id, c.title, c.roles or tuple(roles or ()), c.outcomes, 0)
            limits.check_curriculum(c, where=name)
    except (GraphError, ValueError) as exc:
        return no_update, no_update, str(exc), no_update
    return K.to_json(c), proposals_view(c), f"{name}: {len(c.outcomes)} outcomes read.", c.title


@callback(
    Output("cur-doc", "data", allow_duplicate=True),
    Input({"type": "cur-accept", "outcome": ALL}, "value"),
    State("cur-doc", "data"),
    prevent_initial_call=True,
)
def decisions(_values, doc):
    """A tick changed: that outcome's proposals are now accepted or rejected."""
    trigger = ctx.triggered_id
    if not doc or not isinstance(trigger, dict) or not ctx.triggered:
        return no_update
    n = int(trigger["outcome"])
    accepted = next(
        (t["value"] for t in ctx.inputs_list[0] if t["id"].get("outcome") == n), []
    )  # the values of the outcome that changed
    c = K.from_json(doc)
    if not 0 <= n < len(c.outcomes):
        return no_update
    return K.to_json(decide(c, n, list(accepted or []), designer()))


@callback(
    Output("cur-doc", "data", allow_duplicate=True),
    Output("cur-message", "children", allow_duplicate=True),
    Output("cur-saved", "options"),
    Input("cur-save", "n_clicks"),
    State("cur-doc", "data"),
    State("cur-title", "value"),
    State(role_picker("cur-roles"), "value"),
    prevent_initial_call=True,
)
def save(_n, doc, title, roles):
    """Save the curriculum as a new version; someone else's newer save is a clear conflict, not lost."""
    if not doc:
        return no_update, "Nothing to save yet: paste outcomes and propose matches first.", no_update
    allowed, who = auth.may_save_in_app()
    if not allowed:
        return no_update, SIGN_IN_TO_WRITE, no_update
    store = curricula_store()
    try:
        c = K.from_json(doc)
        c = K.Curriculum(c.id, title or c.title, tuple(roles or c.roles), c.outcomes, c.version)
        saved = store.save(c, who=who, owner=who or address_owner())  # quotas: per designer, or address
    except GraphError as exc:
        return no_update, str(exc), saved_options(store)
    return K.to_json(saved), f"Saved “{saved.title}”, version {saved.version}.", saved_options(store)


def saved_options(store: K.CurriculumStore) -> list[dict]:
    """The saved curricula as dropdown options."""
    return [
        {"label": f"{r['title']} (version {r['version']}, {r['outcomes']} outcomes)", "value": r["id"]}
        for r in store.saved()
    ]


@callback(
    Output("cur-saved", "options", allow_duplicate=True),
    Output("cur-auth", "children"),
    Input("tabs", "data"),
    prevent_initial_call="initial_duplicate",
)
def list_saved(tab):
    """The saved curricula, listed when the tab opens, and who may save them."""
    if tab != "curriculum":
        return no_update, no_update
    return saved_options(curricula_store()), auth_note()


def auth_note() -> list:
    """Who is signed in, or how to sign in to save (once designers exist)."""
    allowed, who = auth.may_save_in_app()
    if who:
        return [
            f"Signed in as {who}: your saves are kept in the history under your name. ",
            html.A("Sign-in page", href=auth.SIGNIN),
        ]
    if allowed:
        return ["Anyone may save: no designer has been added (python -m graph users add NAME)."]
    return [
        "Only designers save and delete curricula. ",
        html.A("Sign in", href=auth.SIGNIN, id="cur-signin-link"),
        " to save; everyone can explore, propose and export.",
    ]


@callback(
    Output("cur-saved", "options", allow_duplicate=True),
    Output("cur-message", "children", allow_duplicate=True),
    Input("cur-delete", "n_clicks"),
    State("cur-saved", "value"),
    prevent_initial_call=True,
)
def delete_saved(_n, cid):
    """Delete the chosen saved curriculum (a designer only), at the version stored now."""
    if not cid:
        return no_update, "Choose a saved curriculum to delete first."
    if not auth.may_save_in_app()[0]:
        return no_update, SIGN_IN_TO_WRITE
    store = curricula_store()
    try:
        store.delete(cid, store.current_version(cid))
    except GraphError as exc:
        return saved_options(store), str(exc)
    return saved_options(store), f"Deleted curriculum {cid} and its history."


@callback(
    Output("cur-versions", "options"),
    Input("cur-doc", "data"),
)
def list_versions(doc):
    """The open curriculum's saved versions, newest first, with who saved each and when."""
    if not doc or not doc.get("version"):
        return []
    rows = curricula_store().versions(str(doc["id"]))
    return [
        {
            "label": f"version {r['version']}, {r['saved']}"
            + (f" by {r['who']}" if r["who"] else "")
            + (f" (restored version {r['restored']})" if r["restored"] else ""),
            "value": r["version"],
        }
        for r in rows
    ]


@callback(
    Output("cur-doc", "data", allow_duplicate=True),
    Output("cur-proposals", "children", allow_duplicate=True),
    Output("cur-message", "children", allow_duplicate=True),
    Output("cur-saved", "options", allow_duplicate=True),
    Input("cur-restore", "n_clicks"),
    State("cur-versions", "value"),
    State("cur-doc", "data"),
    prevent_initial_call=True,
)
def restore(_n, version, doc):
    """Bring an earlier version back as a new version (a designer only); the history keeps the rest."""
    if not doc or not version:
        return (
            no_update,
            no_update,
            "Open a saved curriculum and choose one of its versions first.",
            no_update,
        )
    allowed, who = auth.may_save_in_app()
    if not allowed:
        return no_update, no_update, SIGN_IN_TO_WRITE, no_update
    store = curricula_store()
    try:
        saved = store.restore(str(doc["id"]), int(version), current=int(doc["version"]), who=who)
    except (GraphError, ValueError) as exc:
        return no_update, no_update, str(exc), no_update
    msg = f"Restored version {version} of “{saved.title}” as version {saved.version}."
    return K.to_json(saved), proposals_view(saved), msg, saved_options(store)


@callback(
    Output("cur-doc", "data", allow_duplicate=True),
    Output("cur-proposals", "children", allow_duplicate=True),
    Output("cur-message", "children", allow_duplicate=True),
    Output("cur-title", "value", allow_duplicate=True),
    Output(role_picker("cur-roles"), "value"),
    Output("cur-text", "value"),
    Input("cur-open", "n_clicks"),
    State("cur-saved", "value"),
    prevent_initial_call=True,
)
def open_saved(_n, cid):
    """Open a saved curriculum: its outcomes (back in the editor), decisions, target roles and version."""
    if not cid:
        return no_update, no_update, "Choose a saved curriculum first.", no_update, no_update, no_update
    try:
        c = curricula_store().load(cid)
    except GraphError as exc:
        return no_update, no_update, str(exc), no_update, no_update, no_update
    msg = f"Opened “{c.title}”, version {c.version} (saved {c.modified})."
    return K.to_json(c), proposals_view(c), msg, c.title, list(c.roles), outcomes_text(c)


def outcomes_text(c: K.Curriculum) -> str:
    """The outcomes as the editor shows them: plain lines, or a module,outcome CSV when modules are named."""
    if not any(o.module for o in c.outcomes):
        return "\n".join(o.text for o in c.outcomes)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("module", "outcome"))
    w.writerows((o.module, o.text) for o in c.outcomes)
    return buf.getvalue()


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


# ---------------------------------------------------------------- coverage


def coverage_view(ws, roles: list[str], taught: tuple[str, ...]) -> list:
    """Per target role: share of essential items covered, what is missing in learning order; then extras."""
    per_role, extra, labels = ws.coverage(roles, taught)
    out = []
    for cov in per_role:
        n, total = len(cov.covered), len(cov.essential)
        pct = f" ({round(100 * n / total)} %)" if total else ""
        out.append(
            html.Div(
                [
                    html.Strong(labels.get(cov.role, cov.role)),
                    count(f"covers {n} of {total} essential items{pct}", cov.covered, labels),
                    count(
                        f"missing {len(cov.missing)}, in learning order", cov.missing, labels, ordered=True
                    ),
                    count(
                        f"also covers {counted(len(cov.optional_covered), 'optional item')}",
                        cov.optional_covered,
                        labels,
                    ),
                ],
                className="role-coverage",
            )
        )
    out.append(count(f"taught but no target role needs it: {len(extra)} items", extra, labels))
    return out


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
