"""The curricula over HTTP: /api/curricula (read by anyone, written by designers) and CASE 1.0's read-only REST binding.

    GET    /api/curricula                      the saved curricula (JSON)
    GET    /api/curricula/ID                   one: JSON (default), TriG, JSON-LD, CSV or CASE by Accept or ?format=
    PUT    /api/curricula/ID                   save (JSON as GET writes it, TriG, JSON-LD or a CASE package)
    DELETE /api/curricula/ID                   remove it and its history
    GET    /api/curricula/ID/versions          its history: version, saved, who, title, restored
    GET    /api/curricula/ID/versions/N        version N (formats as above)
    POST   /api/curricula/ID/versions/N/restore   bring version N back as a new version
    GET    /ims/case/v1p0/CFDocuments          saved curricula and each role's plan as CASE documents
    GET    /ims/case/v1p0/CFDocuments/UUID     one of them
    GET    /ims/case/v1p0/CFPackages/UUID      one of them whole (CFDocument, CFItems, CFAssociations)

Every GET and PUT answers an ETag for the version; If-Match with another gets 412 and changes nothing;
If-None-Match: * creates only. Writes need a designer (graph.ui.auth); every refusal is one line.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import flask
from werkzeug.exceptions import HTTPException

from graph import case, limits
from graph import curricula as K
from graph.errors import GraphError
from graph.ui import auth
from graph.uploads import UploadError

CASE_ROOT = "/ims/case/v1p0"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
FORMATS = {  # ?format= name -> (media type, writer)
    "json": "application/json",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "csv": "text/csv",
    "case": "application/vnd.case+json",
}
_open_lock = threading.Lock()


class _Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def store() -> K.CurriculumStore:
    """This app's store of saved curricula, opened on first use (where: set by create_app)."""
    ext = flask.current_app.extensions
    with _open_lock:
        if "akg-curricula" not in ext:
            ext["akg-curricula"] = K.CurriculumStore(ext.get("akg-curricula-path", K.DEFAULT_PATH))
    return ext["akg-curricula"]


def curricula_location(given: Path | str | None) -> Path | str:
    """Where saved curricula live: the given path or URL, else AKG_CURRICULA, else var/curricula."""
    if given is not None:
        return given
    env = os.environ.get("AKG_CURRICULA")
    if env:
        return env if env.startswith(("http://", "https://")) else Path(env)
    return K.DEFAULT_PATH


def register(server: flask.Flask) -> None:
    """Add the API and CASE routes to the app's Flask server."""
    routes = [
        ("/api/curricula", "list", _list, ["GET"]),
        ("/api/curricula/<cid>", "one", _one, ["GET", "PUT", "DELETE"]),
        ("/api/curricula/<cid>/versions", "versions", _versions, ["GET"]),
        ("/api/curricula/<cid>/versions/<int:n>", "version", _version, ["GET"]),
        ("/api/curricula/<cid>/versions/<int:n>/restore", "restore", _restore, ["POST"]),
        (f"{CASE_ROOT}/CFDocuments", "case_documents", _case_documents, ["GET"]),
        (f"{CASE_ROOT}/CFDocuments/<ident>", "case_document", _case_document, ["GET"]),
        (f"{CASE_ROOT}/CFPackages/<ident>", "case_package", _case_package, ["GET"]),
    ]
    for rule, name, view, methods in routes:
        server.add_url_rule(rule, f"api_{name}", _guarded(view), methods=methods)
    for prefix in ("/api", CASE_ROOT):
        known = "; ".join(
            f"{'|'.join(m)} {rule}" for rule, _n, _v, m in routes if rule.startswith(prefix + "/")
        )
        name = f"api_unknown_{prefix.strip('/').replace('/', '_')}"
        server.add_url_rule(f"{prefix}/<path:rest>", name, _unknown(known), methods=ALL_METHODS)


def _unknown(known: str) -> Callable[[str], flask.Response]:
    """A mistyped API URL is a 404 that lists the routes (CASE's as its status JSON): not the app's
    page with 200, which a script reads as success. A known route asked with another method is a 405."""

    def unknown(rest: str) -> flask.Response:
        path = flask.request.path
        allowed = _allowed(path)
        if allowed:
            message = f"{flask.request.method} is not allowed on {path}; use {', '.join(allowed)}"
            return _text(405, message, {"Allow": ", ".join(allowed)})
        message = f"no API route {path}; the routes are: {known}"
        return _case_error(404, message) if path.startswith(CASE_ROOT + "/") else _text(404, message)

    return unknown


def _allowed(path: str) -> list[str]:
    """The methods a route of the API (not the catch-all for unknown ones) takes at this path."""
    adapter = flask.current_app.url_map.bind("localhost")
    allowed = []
    for method in ALL_METHODS:
        try:
            endpoint, _args = adapter.match(path, method=method)
        except HTTPException:
            continue
        if not endpoint.startswith("api_unknown_"):
            allowed.append(method)
    return allowed


def _guarded(view):
    """A view whose refusals (and the store's errors) are one-line text answers."""

    def run(**kw):
        try:
            return view(**kw)
        except auth.Refusal as r:
            return _text(r.status, r.message, r.headers)
        except _Refused as r:
            return _text(r.status, r.message, r.headers)
        except K.ConflictError as exc:
            return _text(412, str(exc))
        except K.QuotaError as exc:
            return _text(429, str(exc), {"Retry-After": "60"})
        except limits.LimitError as exc:
            return _text(400, str(exc))
        except (K.CurriculumError, UploadError, case.CaseError) as exc:
            return _text(404 if str(exc).startswith("no saved") else 400, str(exc))
        except GraphError as exc:
            return _text(503, str(exc))

    run.__name__ = view.__name__
    run.__doc__ = view.__doc__
    return run


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> flask.Response:
    line = " ".join(str(message).split())
    return flask.Response(line + "\n", status=status, headers=headers or {}, mimetype="text/plain")


def _etag(version: int) -> str:
    return f'"v{version}"'


def _tags(header: str) -> list[str]:
    """The entity tags of an If-Match / If-None-Match header, without the `:br`/`:gzip` a compressed answer added."""
    return [
        re.sub(r':(br|gzip|deflate|zstd)"$', '"', t.strip().removeprefix("W/")) for t in header.split(",")
    ]


def _json(data: object, status: int = 200, headers: dict[str, str] | None = None) -> flask.Response:
    body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return flask.Response(body, status=status, headers=headers or {}, mimetype="application/json")


# ---------------------------------------------------------------- /api/curricula


def _list() -> flask.Response:
    """The saved curricula, newest first, each with where to read it."""
    rows = store().saved()
    return _json({"curricula": [{**r, "href": f"/api/curricula/{r['id']}"} for r in rows]})


def _one(cid: str) -> flask.Response:
    """One curriculum: read (anyone), replace or remove (a designer)."""
    K.check_id(cid)
    if flask.request.method == "GET":
        return _represent(store().load(cid))
    who = auth.authorize_write()
    current = store().current_version(cid)
    if flask.request.method == "DELETE":
        if current == 0:
            raise _Refused(404, f"no saved curriculum {cid!r}")
        store().delete(cid, _expected(current))
        return flask.Response(status=204)
    base = _expected(current)
    c = _body(cid)
    saved = store().save(replace(c, id=cid, version=base), who=who, owner=who or auth.address_owner())
    headers = {"ETag": _etag(saved.version), "Location": f"/api/curricula/{cid}"}
    return _json(K.to_json(saved), 201 if current == 0 else 200, headers)


def _expected(current: int) -> int:
    """The version a write is based on: If-Match's, else the stored one (If-None-Match: * creates only)."""
    request = flask.request
    if request.headers.get("If-None-Match", "").strip() == "*" and current:
        raise _Refused(
            412,
            f"curriculum exists (version {current}); If-None-Match: * only creates",
            {"ETag": _etag(current)},
        )
    given = request.headers.get("If-Match")
    if given is None or given.strip() == "*":
        if given is not None and current == 0:
            raise _Refused(412, "If-Match: * but no saved curriculum by this id")
        return current
    if _etag(current) not in _tags(given):
        raise _Refused(
            412,
            f"If-Match {given.strip()} is not the stored version ({_etag(current) if current else 'none'}); "
            "GET it again, merge, and send its ETag",
            {"ETag": _etag(current)} if current else {},
        )
    return current


def _body(cid: str) -> K.Curriculum:
    """The curriculum a PUT sends: JSON (as GET writes it, or a CASE package), TriG or JSON-LD by Content-Type."""
    request = flask.request
    kind = (request.mimetype or "").lower()
    own_json = kind == "application/json"
    most = limits.MAX_CURRICULUM_BYTES if own_json else limits.MAX_FILE_BYTES
    name = "MAX_CURRICULUM_BYTES" if own_json else "MAX_FILE_BYTES"
    size = request.content_length
    if size is not None and size > most:
        raise _Refused(413, f"body of {size:,} bytes: a curriculum is at most {most:,} ({name})")
    data = request.get_data(cache=False)
    if len(data) > most:
        raise _Refused(413, f"body over {most:,} bytes: a curriculum is at most {most:,} ({name})")
    if kind in ("application/trig", "application/ld+json"):
        suffix = ".trig" if kind == "application/trig" else ".jsonld"
        return K.import_file(data, f"body{suffix}")
    if kind not in ("application/json", "application/vnd.case+json"):
        raise _Refused(
            415,
            f"Content-Type {kind or 'missing'}: send application/json, application/trig or application/ld+json",
        )
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Refused(400, f"body is not JSON: {exc}") from None
    if case.looks_like_case(doc):
        return K.from_case(data.decode("utf-8"), "body")
    if not isinstance(doc, dict):
        raise _Refused(400, "body is not a curriculum: a JSON object with title, roles and outcomes")
    problems = K.json_problems({**doc, "id": cid})
    if problems:
        raise _Refused(400, f"body is not a curriculum: {'; '.join(problems)}")
    return K.from_json({**doc, "id": cid, "outcomes": [_outcome(o) for o in doc.get("outcomes") or ()]})


def _outcome(o: object) -> object:
    """An outcome as sent: matches with decisions, or `accepted` as a list of item IRIs (a shorthand)."""
    if not isinstance(o, dict) or "accepted" not in o:
        return o
    accepted = o["accepted"] if isinstance(o["accepted"], list) else []
    made = [{"item": str(i), "label": str(i), "score": 1.0, "decision": "accepted"} for i in accepted]
    return {**o, "matches": [*(o.get("matches") or ()), *made]}


def _represent(c: K.Curriculum, *, etag: bool = True) -> flask.Response:
    """A curriculum in the format asked for (?format= first, then Accept; JSON by default)."""
    request = flask.request
    fmt = request.args.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise _Refused(400, f"format {fmt!r}: choose {', '.join(FORMATS)}")
    if fmt is None:
        best = (
            request.accept_mimetypes.best_match(list(FORMATS.values()))
            if request.headers.get("Accept")
            else "application/json"
        )
        if best is None:
            raise _Refused(
                406, f"cannot answer {request.headers.get('Accept')}: ask for {', '.join(FORMATS.values())}"
            )
        fmt = next(k for k, v in FORMATS.items() if v == best)
    headers = {"Vary": "Accept"}
    if etag:
        headers["ETag"] = _etag(c.version)
        if _etag(c.version) in _tags(request.headers.get("If-None-Match", "")):
            return flask.Response(status=304, headers=headers)
    if fmt == "json":
        return _json(K.to_json(c), headers=headers)
    text = K.export(c, fmt)
    return flask.Response(
        text, headers=headers, mimetype=FORMATS[fmt] if fmt != "case" else "application/json"
    )


def _versions(cid: str) -> flask.Response:
    """A curriculum's history, newest first."""
    rows = store().versions(cid)
    if not rows:
        raise _Refused(404, f"no saved curriculum {cid!r}")
    return _json(
        {
            "id": cid,
            "versions": [{**r, "href": f"/api/curricula/{cid}/versions/{r['version']}"} for r in rows],
        }
    )


def _version(cid: str, n: int) -> flask.Response:
    """One earlier version, as it was saved."""
    return _represent(store().load(cid, n), etag=False)


def _restore(cid: str, n: int) -> flask.Response:
    """Version n back as a new version (If-Match checks the current one)."""
    who = auth.authorize_write()
    current = store().current_version(cid)
    if current == 0:
        raise _Refused(404, f"no saved curriculum {cid!r}")
    saved = store().restore(cid, n, current=_expected(current), who=who)
    return _json(K.to_json(saved), 200, {"ETag": _etag(saved.version), "Location": f"/api/curricula/{cid}"})


# ---------------------------------------------------------------- CASE 1.0 REST binding (read-only)


def _case_error(status: int, message: str) -> flask.Response:
    body = {"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": message}
    body["imsx_CodeMinor"] = {
        "imsx_codeMinorField": [
            {
                "imsx_codeMinorFieldName": "TargetEndSystem",
                "imsx_codeMinorFieldValue": "unknownobject" if status == 404 else "invaliddata",
            }
        ]
    }
    return _json(body, status)


def _frameworks() -> dict[str, tuple[str, str]]:
    """identifier -> ("curriculum", id) or ("role", IRI), for every saved curriculum and every role."""
    from graph.ui.context import app_context

    found: dict[str, tuple[str, str]] = {}
    for r in store().saved():
        found[case.uid(K.BASE + r["id"])] = ("curriculum", r["id"])
    for role in app_context().ws.role_names:
        found[case.uid(case.plan_iri([role]))] = ("role", role)
    return found


def _package(kind: str, key: str) -> dict:
    from graph.ui.context import app_context

    if kind == "curriculum":
        return case.curriculum_package(store().load(key))
    return case.plan_package(app_context().ws, [key])


def _case_documents() -> flask.Response:
    """Every framework served: saved curricula (newest first), then each role's plan (by title)."""
    from graph.ui.context import app_context

    ws = app_context().ws
    docs = [case.curriculum_package(store().load(r["id"]))["CFDocument"] for r in store().saved()]
    changed = case.data_changed(ws.spec)
    roles = sorted(ws.role_names.items(), key=lambda kv: (kv[1].casefold(), kv[0]))
    for role, label in roles:
        iri = case.plan_iri([role])
        ident = case.uid(iri)
        docs.append(
            {
                "identifier": ident,
                "uri": case.CASE_BASE + ident,
                "creator": case.CREATOR,
                "title": f"Curriculum for {label}",
                "lastChangeDateTime": changed,
                "officialSourceURL": iri,
                "CFPackageURI": {
                    "title": f"Curriculum for {label}",
                    "identifier": ident,
                    "uri": case.CASE_BASE + ident,
                },
            }
        )
    return _json({"CFDocuments": docs})


def _case_document(ident: str) -> flask.Response:
    """One framework's CFDocument."""
    found = _frameworks().get(ident.lower())
    if found is None:
        return _case_error(404, f"no CFDocument {ident}")
    return _json(_package(*found)["CFDocument"])


def _case_package(ident: str) -> flask.Response:
    """One framework whole: CFDocument, CFItems and CFAssociations."""
    found = _frameworks().get(ident.lower())
    if found is None:
        return _case_error(404, f"no CFPackage {ident}")
    return _json(_package(*found))
