"""The Curriculum tab: the plan for target roles, and a designer's curriculum matched, decided, saved, covered.

Callbacks are glue: the plan is graph.curriculum, matching graph.match, saving graph.curricula; views
of those live in curriculum_views; saving in curriculum_saved, downloads and coverage in
curriculum_export. Every number a person sees opens to the items behind it.
"""

from __future__ import annotations

import base64
import dataclasses
import threading

from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from flask import current_app, has_request_context

from graph import curricula as K
from graph import curriculum as P
from graph import limits
from graph.errors import GraphError
from graph.hybrid import lines_and_parts, several
from graph.match import MAX_LINE
from graph.ui import auth
from graph.ui.callbacks.curriculum_views import count, proposal_options, proposals_view
from graph.ui.context import app_context
from graph.ui.controls import role_picker
from graph.uploads import MAX_BYTES, Line, decode
from graph.uploads import parse as parse_outcomes

# The tab's other callbacks live beside this one (saved curricula, downloads); importing registers them.
from graph.ui.callbacks import curriculum_export, curriculum_saved  # noqa: F401  isort: skip

PROPOSALS = 5  # matches proposed per outcome (and the best of each part of one that names several)
#: a longer list gets three proposals an outcome (five kept 2,000 outcomes over 3.5 MB)
FIVE_UP_TO = 200
#: characters of outcome text (lines and their parts) matched by meaning too, embedded in batches; a
#: list with more is matched by words (BM25, ~1 ms a line): the model costs ~1 ms of CPU per 3-4
#: characters, so a maximal upload (2,000 outcomes of 400 characters) would take minutes
MEANING_CHARS = 40_000
#: shown while an upload is read or matches are proposed (a 2,000-outcome file takes seconds)
WORKING = "Reading the outcomes and proposing matches…"
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


def heavy_gate() -> limits.Gate:
    """This app's gate for heavy work (uploads, proposals): per client address and in all."""
    ext = current_app.extensions
    with _open_lock:
        if "akg-heavy" not in ext:
            ext["akg-heavy"] = limits.Gate()
    return ext["akg-heavy"]


client = auth.client  # who the gate counts


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
    top = PROPOSALS if len(lines) <= FIVE_UP_TO else 3
    texts = lines_and_parts([x.outcome for x in lines])
    if sum(len(t[:MAX_LINE]) for t in texts) > MEANING_CHARS:
        matcher = dataclasses.replace(matcher, mode="lexical")
    queries = matcher.queries(texts)  # every line and part embedded at once, in batches
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
                for m in several(matcher, x.outcome, top=top, queries=queries)
            ),
        )
        for x in lines
    )
    cid, version = (base["id"], base["version"]) if base else (K.new_id(), 0)
    return K.Curriculum(cid, title or "my curriculum", tuple(roles or ()), outcomes, version)


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
