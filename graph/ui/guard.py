"""Malformed requests answer a one-line 4xx, never a 500: Dash's callback route checked before Dash reads it.

Dash indexes the callback body without checking it (`POST {}` raised KeyError: a 500 with a traceback
in the log). A callback's own failures are already caught by the app's on_error; what escapes Dash's
dispatch is about the request itself, so it is the client's error (400), said in one line.
"""

from __future__ import annotations

import json
import logging

import dash
import flask
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)
CALLBACK_ROUTE = "_dash-update-component"


def register(app: dash.Dash) -> None:
    """Check callback requests before Dash reads them; every HTTP error in one line of text."""
    route = app.config.routes_pathname_prefix + CALLBACK_ROUTE

    def check() -> flask.Response | None:
        request = flask.request
        if request.path != route or request.method != "POST":
            return None
        problem = callback_problem(request.get_data(cache=True), request.mimetype, app.callback_map)
        return _line(f"malformed callback request: {problem}", 400) if problem else None

    def failed(exc: Exception) -> flask.Response:
        if isinstance(exc, HTTPException):
            return _line(f"{exc.code} {exc.name}: {exc.description}", exc.code or 400)
        if flask.request.path == route:  # escaped Dash's dispatch, before or after the callback: the request
            log.warning("callback request could not be dispatched: %r", exc)
            return _line("malformed callback request: it does not match the app's callbacks", 400)
        raise exc

    app.server.before_request(check)
    app.server.register_error_handler(Exception, failed)


def callback_problem(body: bytes, mimetype: str, callbacks: dict) -> str | None:
    """What is wrong with a callback request body (None when Dash can dispatch it)."""
    if mimetype != "application/json":
        return f"the body must be application/json, not {mimetype or '(none)'}"
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"the body is not JSON ({str(exc).splitlines()[0][:80]})"
    if not isinstance(data, dict):
        return "the body must be a JSON object"
    output = data.get("output")
    if not isinstance(output, str) or output not in callbacks:
        return "'output' names no callback of this app"
    if not isinstance(data.get("outputs"), dict | list):
        return "'outputs' must be an object or a list"
    for key in ("inputs", "state", "changedPropIds"):
        if not isinstance(data.get(key, []), list):
            return f"{key!r} must be a list"
    for item in (*data.get("inputs", []), *data.get("state", [])):
        for dep in item if isinstance(item, list) else [item]:
            if not isinstance(dep, dict) or "id" not in dep or not isinstance(dep.get("property"), str):
                return "each input and state must be an object with an id and a property"
    return None


def _line(message: str, status: int) -> flask.Response:
    text = " ".join(message.split())[:300]
    return flask.Response(text + "\n", status, mimetype="text/plain")
