"""Options of the explorer's pickers, from the store (no Dash): filters, roles, search, catalogue."""

from __future__ import annotations

from graph import queries
from graph.terms import AKG, best_labels, framework
from graph.ui.view.kinds import FILTERS, kind_style
from graph.ui.view.labels import shorten

OPTIONS_CAP = 500  # role pickers list every role up to this many; beyond it, the curated ones and search
MATCHES = 50  # options a role search returns


def role_options(ws, text: str | None = None, chosen: list[str] | None = None) -> list[dict]:
    """Role picker options, by label: every role on a small store; on a big one the curated roles,
    the chosen ones and the first MATCHES roles the ranked search finds; each option names its framework.

    A dropdown with 4,000 static options ships them all in the page and filters them in the browser
    on every key; a search-driven list stays a few dozen long.
    """
    names = ws.role_names
    matches: list[str] = []
    if len(names) <= OPTIONS_CAP:
        shown = list(names)
    else:
        shown = [*ws.curated_roles(), *(c for c in chosen or () if c in names)]
        if text and len(text.strip()) >= 2:  # the one ranked search, roles only, best match first
            matches = ws.search_roles(text, limit=MATCHES)
    first = sorted(dict.fromkeys(shown), key=lambda r: (names[r].lower(), r))
    order = list(dict.fromkeys([*first, *matches[:MATCHES]]))
    return [{"label": f"{shorten(names[r])} · {framework(r)}", "value": r} for r in order]


def role_choices(ws, text: str | None, chosen: list[str] | None = None) -> list[dict]:
    """What a role picker lists as someone types: the chosen roles, then the ranked matches of the text
    (under two characters: every role on a small store, the curated ones on a big one).
    """
    if not text or len(text.strip()) < 2:
        return role_options(ws, None, chosen)
    names = ws.role_names
    found = ws.search_roles(text.strip(), limit=MATCHES)
    kept = [c for c in chosen or () if c in names and c not in found]  # a match ticked keeps its place
    order = list(dict.fromkeys([*kept, *found]))
    return [{"label": f"{shorten(names[r])} · {framework(r)}", "value": r} for r in order if r in names]


def filter_options(ws) -> dict[str, list[dict]]:
    """The options of each graph filter, from filter_options.rq (roles: see role_options)."""
    out = {"role": role_options(ws)}
    for key, f in FILTERS.items():
        if key == "role":
            continue
        rows = ws.run("filter_options", {"class": AKG[f.cls]}).dicts()
        unique = best_labels((r["entity"], r["label"]) for r in rows)  # a label per language: one
        out[key] = sorted(
            ({"label": shorten(v), "value": k} for k, v in unique.items()),
            key=lambda o: (o["label"].lower(), o["value"]),
        )
    return out


def search_options(ws, text: str | None) -> list[dict]:
    """Dropdown options for a search text: label, the synonym that matched, the kind and the framework."""
    if not text or len(text.strip()) < 2:
        return []
    out = []
    for r in ws.search(text.strip()):
        label, matched = shorten(str(r["label"])), shorten(str(r["matched"]), 40)
        shown = label if matched == label else f"{label} (“{matched}”)"
        out.append(
            {
                "label": f"{shown} · {kind_style(str(r['kind'])).label} · {r['framework']}",
                "value": str(r["entity"]),
                "search": f"{label} {matched}",
            }
        )
    return out


def catalogue_options() -> list[dict]:
    """The named queries, each with its summary as the option's title."""
    return [
        {"label": f"{q.name} — {q.summary}", "value": q.name, "title": q.summary}
        for q in queries.catalogue().values()
    ]


def entity_option(ws, iri: str) -> dict:
    """The option of one entity, as search_options writes it."""
    entry = ws.index.entries.get(iri)
    label = entry.label if entry else iri
    return {
        "label": f"{label} · {kind_style(entry.kind if entry else None).label}",
        "value": iri,
        "search": label,
    }


def restored_options(ws, roles: list[str], path_from: str | None, path_to: str | None) -> dict:
    """Options for the searched pickers that a URL fills: None where the page's own options hold the value."""
    return {
        "role": role_options(ws, None, roles) if roles and len(ws.role_names) > OPTIONS_CAP else None,
        "path_from": [entity_option(ws, path_from)] if path_from else None,
        "path_to": [entity_option(ws, path_to)] if path_to else None,
    }
