"""The Curriculum tab's saved curricula: save, open, delete, list versions and restore (designers write)."""

from __future__ import annotations

from dash import Input, Output, State, callback, html, no_update

from graph import curricula as K
from graph.errors import GraphError
from graph.ui import api, auth
from graph.ui.callbacks.curriculum_views import outcomes_text, proposals_view
from graph.ui.context import app_context
from graph.ui.controls import role_picker
from graph.ui.layout.common import choices
from graph.ui.options import role_options


def curricula_store() -> K.CurriculumStore:
    """This app's store of saved curricula, opened on first use (where: set by create_app)."""
    return api.store()


SIGN_IN_TO_WRITE = (
    f"Saving and deleting need a designer's sign-in: open {auth.SIGNIN} (this page's address + {auth.SIGNIN}), "
    "sign in, and come back. Without it you can still explore, propose matches and export."
)


address_owner = auth.address_owner  # who the quotas count (a designer, or an address)


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
    Output(role_picker("cur-roles"), "options", allow_duplicate=True),  # its roles listed, ticked
    Input("cur-open", "n_clicks"),
    State("cur-saved", "value"),
    prevent_initial_call=True,
)
def open_saved(_n, cid):
    """Open a saved curriculum: its outcomes (back in the editor), decisions, target roles (listed
    and ticked in the picker) and version."""
    if not cid:
        return (
            no_update,
            no_update,
            "Choose a saved curriculum first.",
            no_update,
            no_update,
            no_update,
            no_update,
        )
    try:
        c = curricula_store().load(cid)
    except GraphError as exc:
        return no_update, no_update, str(exc), no_update, no_update, no_update, no_update
    msg = f"Opened “{c.title}”, version {c.version} (saved {c.modified})."
    roles = list(c.roles)
    return (
        K.to_json(c),
        proposals_view(c),
        msg,
        c.title,
        roles,
        outcomes_text(c),
        choices(role_options(app_context().ws, None, roles)),
    )
