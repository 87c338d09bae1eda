"""The SPARQL 1.1 Protocol at /sparql on the app's own Flask server, every query through the sandbox.

GET ?query=, POST form (query=) and POST application/sparql-query; results negotiated once by Accept
(or ?format=) and written by graph.results; default-graph-uri and named-graph-uri choose among the
graphs held; updates and SERVICE refused; body size, rate, time and row limits, and the sandbox's
per-client queue (a burst waits its turn; 429 over the time budget or 16 waiting, 503 past the wait
bound, both with Retry-After); CORS open to
every origin; a service description (Turtle unless the client prefers HTML) at GET /sparql.
Answers carry an ETag keyed by the store's fingerprint (graph.ui.http_cache): If-None-Match -> 304,
and a repeated query is answered from memory unless the request says Cache-Control: no-cache.
A query stopped by the time limit answers 400 (the request as sent will never succeed here, and
clients do not retry a 400 as they may a 408 or a 5xx). The client is the remote address: behind a
reverse proxy, let werkzeug's ProxyFix set it from X-Forwarded-For (see the README).
"""

from __future__ import annotations

import collections
import logging
import math
import threading
import time
import urllib.parse

import flask
import pyoxigraph as ox

from graph import results
from graph.errors import ClientOverLimit, QueryError, QueryTimeout, RefusedQuery, SandboxBusy, StoreError
from graph.output import NOT_XML_UTF8
from graph.sandbox import CLIENT, READ_ONLY, Sandbox, Writers
from graph.stores import QueryDataset
from graph.ui import http_cache
from graph.ui.endpoint_service import ROUTE, endpoint_iri, service_description, service_page
from graph.ui.negotiation import GRAPH_FORMATS, TABLE_FORMATS, by_param, negotiate

log = logging.getLogger(__name__)

ALLOW = "GET, POST, OPTIONS"


class _Refusal(Exception):
    """An HTTP answer decided while reading the request: status, message, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# ---------------------------------------------------------------- rate limit


class RateLimiter:
    """A token bucket per client address; at most `max_clients` buckets kept, oldest dropped first."""

    def __init__(self, per_minute: int, *, max_clients: int = 10_000):
        self.capacity, self.rate = float(per_minute), per_minute / 60.0
        self.max_clients = max_clients
        self._buckets: collections.OrderedDict[str, tuple[float, float]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """Spend one token: 0 if allowed, else the seconds until the next token."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return 0.0 if allowed else (1.0 - tokens) / self.rate


# ---------------------------------------------------------------- the route


def register(
    server: flask.Flask,
    sandbox: Sandbox,
    *,
    rate_per_minute: int = 120,
    max_body_bytes: int = 100_000,
    warm: bool = True,
) -> None:
    """Serve /sparql on this Flask server; every request (the SPARQL tab's too) names its client for the sandbox.

    `warm`: start every worker now, before the first clients arrive (else the caller does it later).
    """
    limiter = RateLimiter(rate_per_minute)
    cache = http_cache.ResponseCache(sandbox.spec.fingerprint(), repr(sandbox.limits))
    server.before_request(_name_client)
    if warm:
        sandbox.warm()

    def sparql() -> flask.Response:
        try:
            response = _answer(flask.request, sandbox, limiter, max_body_bytes, cache)
        except _Refusal as exc:
            response = _text(exc.message, exc.status, exc.headers)
        except Exception:
            log.exception("unexpected error answering a SPARQL request")
            response = _text("internal error: the server could not answer this request", 500)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = (
            "X-Result-Truncated, X-Result-Row-Limit, X-Result-Byte-Limit, Retry-After, ETag"
        )
        response.headers["Vary"] = "Accept"
        return response

    # methods=None: every method reaches the view, so 405 and OPTIONS are answered here, with CORS headers.
    rule = server.url_rule_class(ROUTE, endpoint="akg_sparql", methods=None)
    server.url_map.add(rule)
    server.view_functions["akg_sparql"] = sparql


def _name_client() -> None:
    """The sandbox charges each query to the remote address (ProxyFix makes it the real client's)."""
    CLIENT.set(flask.request.remote_addr or "unknown")


def _text(message: str, status: int, headers: dict[str, str] | None = None) -> flask.Response:
    return flask.Response(message.rstrip("\n") + "\n", status, headers, mimetype="text/plain")


def _answer(
    request: flask.Request,
    sandbox: Sandbox,
    limiter: RateLimiter,
    max_body: int,
    cache: http_cache.ResponseCache,
) -> flask.Response:
    method = request.method
    if method == "OPTIONS":
        return flask.Response(
            "",
            204,
            {
                "Allow": ALLOW,
                "Access-Control-Allow-Methods": ALLOW,
                "Access-Control-Allow-Headers": "Content-Type, Accept",
                "Access-Control-Max-Age": "86400",
            },
        )
    if method not in ("GET", "HEAD", "POST"):
        raise _Refusal(405, f"method {method} not allowed: use GET or POST", {"Allow": ALLOW})
    wait = limiter.take(request.remote_addr or "unknown")
    if wait:
        raise _Refusal(
            429, "too many requests: slow down and try again shortly", {"Retry-After": str(math.ceil(wait))}
        )
    params, body_query = _read(request, max_body)
    dataset = _dataset(params)
    queries = params.get("query", [])
    if body_query is not None:
        queries = [*queries, body_query]
    if not queries:
        return _service_description(request, sandbox)
    if len(queries) > 1:
        raise _Refusal(400, "give exactly one query")
    if method == "GET" and body_query is None and dataset is None and _wants_a_page(request, params):
        return flask.redirect(_editor_link(request, queries[0]), 303)
    return _run(request, sandbox, queries[0], params, dataset, cache)


def _wants_a_page(request: flask.Request, params: dict[str, list[str]]) -> bool:
    """A browser following a /sparql?query= link: a page load (Sec-Fetch-Mode: navigate, or, over plain
    HTTP where browsers send no Sec-Fetch headers, Upgrade-Insecure-Requests: 1) whose Accept names
    text/html above every results format. A client's script gets the results, whatever its Accept."""
    navigating = (
        request.headers.get("Sec-Fetch-Mode") == "navigate"
        or request.headers.get("Upgrade-Insecure-Requests") == "1"
    )
    if not navigating or params.get("format") or params.get("output"):
        return False
    accept = request.accept_mimetypes
    if not any(media == "text/html" for media, _ in accept):
        return False
    offered = [m for media, aliases, _ in (*TABLE_FORMATS, *GRAPH_FORMATS) for m in (media, *aliases)]
    return accept.quality("text/html") > max(accept.quality(m) for m in offered)


def _editor_link(request: flask.Request, text: str) -> str:
    """The app's SPARQL tab holding the query, which runs it and shows the answer as a table."""
    return f"{request.script_root}/?{urllib.parse.urlencode({'tab': 'sparql', 'query': text})}"


def _read(request: flask.Request, max_body: int) -> tuple[dict[str, list[str]], str | None]:
    """The request's parameters (URL and form) and the query body of application/sparql-query."""
    params: dict[str, list[str]] = {}
    for key, value in request.args.items(multi=True):
        params.setdefault(key, []).append(value)
    if request.method != "POST":
        return params, None
    ctype = (request.mimetype or "").lower()
    if ctype == "application/sparql-update":
        raise _Refusal(400, READ_ONLY)
    if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise _Refusal(
            415,
            f"unsupported Content-Type {ctype or '(none)'!r}: POST application/x-www-form-urlencoded "
            "(query=...) or application/sparql-query",
        )
    if request.content_length is not None and request.content_length > max_body:
        raise _Refusal(413, f"request body too large: the limit is {max_body:,} bytes")
    try:
        raw = request.stream.read(max_body + 1)
    except (OSError, ValueError) as exc:  # a malformed chunked body, under servers that pass it through
        raise _Refusal(400, f"malformed request body: {exc}") from None
    if len(raw) > max_body:
        raise _Refusal(413, f"request body too large: the limit is {max_body:,} bytes")
    charset = request.mimetype_params.get("charset", "utf-8")
    try:
        text = raw.decode(charset if charset.lower() in ("utf-8", "utf8", "us-ascii", "ascii") else "utf-8")
    except UnicodeDecodeError as exc:
        raise _Refusal(400, f"request body is not valid UTF-8 (byte {exc.start})") from None
    text = text.removeprefix("\ufeff")  # a byte-order mark (a file sent as it was saved) is no query text
    if ctype == "application/sparql-query":
        return params, text
    try:
        form = urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=1000)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Refusal(400, f"malformed form body: {exc}") from None
    for key, value in form:
        params.setdefault(key, []).append(value)
    return params, None


def _dataset(params: dict[str, list[str]]) -> QueryDataset | None:
    """The protocol's dataset (default-graph-uri, named-graph-uri), each an absolute IRI; None if not given."""
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise _Refusal(400, READ_ONLY)
    default, named = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    if not default and not named:
        return None
    for iri in (*default, *named):
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise _Refusal(
                400, f"not an absolute IRI in default-graph-uri or named-graph-uri: {iri[:200]!r}"
            ) from None
    return QueryDataset(tuple(default), tuple(named))


def _run(
    request: flask.Request,
    sandbox: Sandbox,
    text: str,
    params: dict[str, list[str]],
    dataset: QueryDataset | None,
    cache: http_cache.ResponseCache,
) -> flask.Response:
    fmt = next(iter(params.get("format", []) + params.get("output", [])), None)
    table, graph = (
        (by_param(fmt, False), by_param(fmt, True))
        if fmt is not None
        else (negotiate(request, TABLE_FORMATS), negotiate(request, GRAPH_FORMATS))
    )
    if fmt is None and table is None and graph is None:
        raise _not_acceptable()
    etag = cache.etag(request, text, params)  # the data is read-only: a known answer is not run again
    if etag is not None:
        if http_cache.revalidated(request, etag):
            return http_cache.not_modified(etag)
        hit = None if http_cache.fresh(request) else cache.get(etag)
        if hit is not None:
            return http_cache.replay(hit, etag)
    try:
        writers = Writers(table and table[1], graph and graph[1])  # the worker writes the answer itself
        answer = sandbox.run_written(text, writers, client=request.remote_addr or "unknown", dataset=dataset)
    except QueryTimeout as exc:
        raise _Refusal(400, str(exc)) from None
    except RefusedQuery as exc:
        raise _Refusal(400, f"refused: {exc}") from None
    except QueryError as exc:
        raise _Refusal(400, str(exc)) from None
    except ClientOverLimit as exc:
        raise _Refusal(429, str(exc), {"Retry-After": str(math.ceil(exc.retry_after))}) from None
    except SandboxBusy as exc:
        raise _Refusal(503, str(exc), {"Retry-After": str(math.ceil(exc.retry_after))}) from None
    except StoreError as exc:
        raise _Refusal(502, str(exc)) from None
    is_graph = answer.form in ("CONSTRUCT", "DESCRIBE")
    chosen = graph if is_graph else table
    if chosen is None or answer.media is None:
        raise _not_acceptable(is_graph)
    media = chosen[0]
    if chosen[1].endswith("xml") and (bad := NOT_XML_UTF8.search(answer.body)):  # Oxigraph writes them raw
        raise _Refusal(406, _not_xml(bad.group(0), is_graph))
    headers = {}
    if answer.truncated:
        headers = {
            "X-Result-Truncated": "true",
            "X-Result-Row-Limit": str(sandbox.limits.max_rows),
            "X-Result-Byte-Limit": str(sandbox.limits.max_result_bytes),
        }
    response = flask.Response(answer.body, 200, headers, content_type=f"{media}; charset=utf-8")
    if etag is not None:
        cache.put(etag, response)
        http_cache.mark(response, etag)
    return response


def _not_xml(found: bytes, graph: bool) -> str:
    """Why an XML answer is refused, and which formats carry it."""
    char = found.decode("utf-8")
    others = "Turtle, N-Triples or JSON-LD" if graph else "JSON, CSV or TSV"
    return (
        f"the answer holds the character U+{ord(char):04X}, which XML cannot carry (a control character "
        f"in a value); ask for {others}"
    )


def _not_acceptable(graph: bool | None = None) -> _Refusal:
    tables = ", ".join(m for m, _, _ in TABLE_FORMATS)
    graphs = ", ".join(m for m, _, _ in GRAPH_FORMATS)
    if graph is None:
        text = f"SELECT and ASK results: {tables}; CONSTRUCT and DESCRIBE results: {graphs}"
    else:
        text = graphs if graph else tables
    return _Refusal(406, f"cannot answer in the format asked for (Accept); this endpoint serves {text}")


# ---------------------------------------------------------------- service description


# Turtle first: no Accept, or */*, gets RDF (W3C service-description tests); a browser asks for HTML.
_SD_OFFER = (
    ("text/turtle", (), "text/turtle"),
    ("text/html", (), "text/html"),
    ("application/n-triples", (), "application/n-triples"),
    ("application/ld+json", (), "application/ld+json"),
    ("application/rdf+xml", (), "application/rdf+xml"),
)


def _service_description(request: flask.Request, sandbox: Sandbox) -> flask.Response:
    chosen = negotiate(request, _SD_OFFER)
    if chosen is None:
        raise _Refusal(406, "the service description is served as " + ", ".join(m for m, _, _ in _SD_OFFER))
    media, written = chosen
    endpoint = endpoint_iri(request)
    try:
        graphs = sandbox.graphs()
    except SandboxBusy as exc:
        raise _Refusal(503, str(exc), {"Retry-After": str(math.ceil(exc.retry_after))}) from None
    except QueryError as exc:
        raise _Refusal(502, f"cannot list the graphs: {exc}") from None
    if written == "text/html":
        body: str | bytes = service_page(endpoint, sandbox, graphs)
    else:
        body = results.write_graph(service_description(endpoint, graphs), written)
    return flask.Response(body, 200, content_type=f"{media}; charset=utf-8")
