"""Sign-in for designers: a session cookie from the sign-in page, or HTTP Basic for API clients.

Everyone explores, queries and reads; once a designer exists (graph.users), writing curricula needs one
signed in. The session cookie is HttpOnly, SameSite=Lax and Secure whenever the request came over HTTPS
(behind a proxy: AKG_PROXY=1 trusts its X-Forwarded-Proto and -For). The sign-in form carries a
per-session CSRF token and refuses a post whose Origin is another site. Wrong passwords are throttled
per address and per name (429 and Retry-After), and every refusal says the same whatever the name.
The session key comes from AKG_SECRET, or a file beside the designers' file made once (0600), so all
processes on one machine share sessions; give every machine the same AKG_SECRET.
"""

from __future__ import annotations

import hashlib
import html
import os
import secrets
import urllib.parse
from pathlib import Path

import flask
from flask.sessions import SecureCookieSessionInterface

from graph.users import Throttle, Users

SIGNIN, SIGNOUT = "/signin", "/signout"
REALM = 'Basic realm="aesthetics-kg designers", charset="UTF-8"'
REFUSED = "wrong name or password"


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or flask.request.is_secure


def install(server: flask.Flask, users: Users, *, throttle: Throttle | None = None) -> None:
    """Give a Flask server sessions, the sign-in and sign-out routes, and the designers' file."""
    server.secret_key = _secret(users.path)
    server.session_interface = _Sessions()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_NAME="akg_session"
    )
    server.extensions["akg-users"] = users
    server.extensions["akg-throttle"] = throttle or Throttle()
    server.add_url_rule(SIGNIN, "signin", _signin, methods=["GET", "POST"])
    server.add_url_rule(SIGNOUT, "signout", _signout, methods=["POST"])


def _secret(users_file: Path) -> str:
    """The key that signs session cookies: AKG_SECRET, else one made once beside the designers' file."""
    if os.environ.get("AKG_SECRET"):
        return os.environ["AKG_SECRET"]
    path = users_file.with_name(users_file.name + ".secret")
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32))
        return path.read_text(encoding="ascii").strip()


def _users() -> Users:
    return flask.current_app.extensions["akg-users"]


def _throttle() -> Throttle:
    return flask.current_app.extensions["akg-throttle"]


def signed_in() -> str | None:
    """The name of the designer making this request (session or HTTP Basic), or None.

    A session of a designer since removed counts as nobody. HTTP Basic credentials are checked (and
    throttled) on every request that carries them: an API client signs in per request.
    """
    name = flask.session.get("designer")
    if name and name in _users().names():
        return name
    auth = flask.request.authorization
    if auth is not None and auth.type == "basic" and auth.username:
        ok, _wait = check(auth.username, auth.password or "")
        return auth.username if ok else None
    return None


def writes_open() -> bool:
    """True while no designer exists: then anyone may save, as before sign-in existed."""
    return not _users().exists()


def check(name: str, password: str) -> tuple[bool, float]:
    """A name and password checked under the throttle: (right, seconds to wait before the next try)."""
    address = flask.request.remote_addr or "unknown"
    wait = _throttle().wait(address, name)
    if wait > 0:
        return False, wait
    if _users().check(name, password):
        _throttle().succeeded(address, name)
        return True, 0.0
    return False, _throttle().failed(address, name)


def same_origin() -> bool:
    """True unless the request names another site as its origin (Origin, else Referer)."""
    origin = flask.request.headers.get("Origin") or flask.request.headers.get("Referer")
    if not origin:
        return True  # not a browser's cross-site post (browsers send Origin on every cross-site POST)
    if origin == "null":
        return False
    parts = urllib.parse.urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" == f"{flask.request.scheme}://{flask.request.host}"


def csrf_token() -> str:
    """This session's token for forms (made on first use)."""
    if "csrf" not in flask.session:
        flask.session["csrf"] = secrets.token_urlsafe(24)
    return flask.session["csrf"]


def _signin() -> flask.Response:
    """The sign-in page (GET) and its form (POST): a session on success, the same refusal for any wrong pair."""
    request = flask.request
    if request.method == "GET":
        return _page(message="", status=200)
    if not same_origin() or not secrets.compare_digest(
        str(request.form.get("csrf", "")), str(flask.session.get("csrf", "-"))
    ):
        return _page(
            message="This form was sent from another page or has expired: sign in again here.", status=403
        )
    name, password = str(request.form.get("name", ""))[:200], str(request.form.get("password", ""))
    ok, wait = check(name, password)
    if not ok:  # the same words for an unknown name and a wrong password
        retry = int(wait + 0.999)
        response = _page(
            message=REFUSED + (f"; try again in {retry} s" if retry else ""), status=429 if retry else 200
        )
        if retry:
            response.headers["Retry-After"] = str(retry)
        return response
    flask.session.clear()  # a new session on sign-in: nothing from before carries over
    flask.session["designer"] = name
    flask.session["csrf"] = secrets.token_urlsafe(24)
    return flask.redirect(_next(request.form.get("next", "")), code=303)


def _next(target: str) -> str:
    """Where to go after signing in: a path on this site only, never another host."""
    parts = urllib.parse.urlsplit(target or "/")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    return urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))


def _signout() -> flask.Response:
    """Sign out (a POST from this site only)."""
    if not same_origin():
        return flask.Response("refused: sign out from this site's page\n", status=403, mimetype="text/plain")
    flask.session.clear()
    return flask.redirect("/", code=303)


def _page(*, message: str, status: int) -> flask.Response:
    """The sign-in form (plain HTML, no script), with who is signed in and a message."""
    who = flask.session.get("designer")
    nxt = html.escape(_next(flask.request.values.get("next", "/")), quote=True)
    token = html.escape(csrf_token(), quote=True)
    state = (
        f'<p>Signed in as <strong>{html.escape(who)}</strong>.</p><form method="post" action="{SIGNOUT}">'
        '<button type="submit">Sign out</button></form>'
        if who
        else ""
    )
    note = f'<p role="alert" id="signin-message">{html.escape(message)}</p>' if message else ""
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in – curricula designers</title>
<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}
label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.4rem;font-size:1rem}}
button{{margin-top:1rem;padding:.4rem 1rem;font-size:1rem}}#signin-message{{color:#a00}}</style></head>
<body><main><h1>Sign in</h1>
<p>Designers sign in to save and delete curricula. Everyone can explore, query and read without signing in.</p>
{note}{state}
<form method="post" action="{SIGNIN}" id="signin-form">
<input type="hidden" name="csrf" value="{token}"><input type="hidden" name="next" value="{nxt}">
<label for="signin-name">Name</label><input id="signin-name" name="name" autocomplete="username" required>
<label for="signin-password">Password</label>
<input id="signin-password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="signin-submit">Sign in</button></form>
<p><a href="/">Back to the explorer</a></p></main></body></html>"""
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    )
    return response


def designer() -> str | None:
    """The signed-in designer's name for this request (session or HTTP Basic), or None: who decided, who saved.

    The one function other modules call to attribute a change (history, decision provenance).
    """
    return signed_in()


def session_designer() -> str | None:
    """The designer signed in by this browser's session cookie (not Basic), or None."""
    name = flask.session.get("designer")
    return name if name and name in _users().names() else None


def may_save_in_app() -> tuple[bool, str | None]:
    """For the app's own callbacks: (allowed, who). Allowed while no designer exists, else for a signed-in one."""
    who = session_designer()
    return (who is not None or writes_open()), who


class Refusal(Exception):
    """A write refused: an HTTP status, a one-line message and headers (WWW-Authenticate, Retry-After)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def authorize_write() -> str | None:
    """The designer allowed to write by this API request (None while no designer exists), else a Refusal.

    HTTP Basic is checked under the throttle (401, or 429 with Retry-After); a session counts only for a
    request from this site (a cross-site one is 403). No answer differs by whether a name exists.
    """
    auth = flask.request.authorization
    if auth is not None and auth.type == "basic":
        ok, wait = check(auth.username or "", auth.password or "")
        if ok:
            return auth.username
        if wait > 0:
            retry = str(int(wait + 0.999))
            raise Refusal(429, f"{REFUSED}; too many tries: wait {retry} s", {"Retry-After": retry})
        raise Refusal(401, REFUSED, {"WWW-Authenticate": REALM})
    who = session_designer()
    if who is not None:
        if not same_origin():
            raise Refusal(403, "refused: a signed-in session writes only from this site's own pages")
        return who
    if writes_open():
        return None
    raise Refusal(
        401,
        f"sign in to write curricula: HTTP Basic with a designer's name and password, or the page {SIGNIN}",
        {"WWW-Authenticate": REALM},
    )


def client() -> str:
    """The client the quotas and the heavy-work gate count: the request's address ("local" outside one)."""
    return (flask.request.remote_addr or "unknown") if flask.has_request_context() else "local"


def address_owner() -> str:
    """Who an anonymous save counts against: the address, hashed (the store never holds an address)."""
    return "address:" + hashlib.sha256(client().encode()).hexdigest()[:16]
