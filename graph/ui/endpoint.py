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
import html
import logging
import math
import os
import threading
import time
import urllib.parse
from collections.abc import Sequence

import flask
import pyoxigraph as ox
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from graph import results
from graph.errors import ClientOverLimit, QueryError, QueryTimeout, RefusedQuery, SandboxBusy, StoreError
from graph.output import NOT_XML_UTF8
from graph.sandbox import CLIENT, READ_ONLY, Sandbox, Writers
from graph.stores import BASE_IRI, QueryDataset, Triple
from graph.ui import http_cache

log = logging.getLogger(__name__)

ROUTE = "/sparql"
ALLOW = "GET, POST, OPTIONS"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")


class _Refusal(Exception):
    """An HTTP answer decided while reading the request: status, message, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# (media type written by graph.results, aliases a client may ask for, that media type again)
TABLE_FORMATS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("application/sparql-results+json", ("application/json",), "application/sparql-results+json"),
    ("application/sparql-results+xml", ("application/xml",), "application/sparql-results+xml"),
    ("text/csv", (), "text/csv"),
    ("text/tab-separated-values", (), "text/tab-separated-values"),
)
GRAPH_FORMATS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("text/turtle", ("application/x-turtle",), "text/turtle"),
    ("application/n-triples", ("text/plain",), "application/n-triples"),
    ("application/ld+json", ("application/json",), "application/ld+json"),
    ("application/rdf+xml", ("application/xml",), "application/rdf+xml"),
)
_FORMAT_PARAM = {  # ?format= (and SPARQLWrapper's output=/results=) names -> (table type, graph type)
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "n3": (None, "text/turtle"),
    "ntriples": (None, "application/n-triples"),
    "nt": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"),
    "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"),
    "rdf+xml": (None, "application/rdf+xml"),
    "rdfxml": (None, "application/rdf+xml"),
}
_SD_FORMATS = {
    "SPARQL_Results_JSON": "application/sparql-results+json",
    "SPARQL_Results_XML": "application/sparql-results+xml",
    "SPARQL_Results_CSV": "text/csv",
    "SPARQL_Results_TSV": "text/tab-separated-values",
    "Turtle": "text/turtle",
    "N-Triples": "application/n-triples",
    "JSON-LD": "application/ld+json",
    "RDF_XML": "application/rdf+xml",
}


def negotiate(
    request: flask.Request, formats: Sequence[tuple[str, tuple[str, ...], str]]
) -> tuple[str, str] | None:
    """(type to answer with, writer's type): what Accept prefers (q-values, wildcards), first listed on a tie."""
    offered: list[str] = []
    for media, aliases, _ in formats:
        offered.extend((media, *aliases))
    accept = request.accept_mimetypes
    best = accept.best_match(offered) if accept else offered[0]
    for media, aliases, writer in formats:
        if best == media or best in aliases:
            return best, writer  # the type the client accepts, even when it is an alias
    return None


def _by_param(value: str, graph: bool) -> tuple[str, str] | None:
    pair = _FORMAT_PARAM.get(value.strip().lower())
    media = pair and pair[1 if graph else 0]
    for m, _, writer in GRAPH_FORMATS if graph else TABLE_FORMATS:
        if m == media:
            return m, writer
    return None


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
        (_by_param(fmt, False), _by_param(fmt, True))
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


LOOPBACK = ("localhost", "127.0.0.1", "::1")


def _endpoint_iri(request: flask.Request) -> str:
    """The endpoint's IRI: AKG_PUBLIC_URL's when set, else the URL asked for only if its host is ours.

    A Host header is the client's word: one naming a loopback address or the server's own name is
    used (the W3C tests compare sd:endpoint with the URL they asked), any other is ignored in favour
    of the address the server listens on, so `Host: evil.example` never names the endpoint.
    """
    public = os.environ.get("AKG_PUBLIC_URL", "").strip().rstrip("/")
    if public:
        url = public + ROUTE
    else:
        server = request.environ.get("SERVER_NAME", "localhost")
        url = request.base_url if request.host.rsplit(":", 1)[0].strip("[]") in (*LOOPBACK, server) else ""
        url = url or f"{request.scheme}://{server}:{request.environ.get('SERVER_PORT', '80')}{ROUTE}"
    bad = set('<>"{}|^`\\ \t\r\n')
    return "urn:akg:sparql" if any(c in bad for c in url) else url


def service_description(endpoint: str, graphs: Sequence[tuple[str, int]]) -> list[Triple]:
    """An sd:Service: the endpoint, the query language, every result format, and the dataset's graphs.

    The default graph is the union of the named graphs (sd:UnionDefaultGraph); each named graph has
    its name and triple count (void:triples).
    """
    node, data, default = URIRef(endpoint), BNode("dataset"), BNode("default")
    out: list[Triple] = [
        (node, RDF.type, SD.Service),
        (node, SD.endpoint, node),
        (node, SD.supportedLanguage, SD.SPARQL11Query),
        (node, SD.feature, SD.UnionDefaultGraph),
        *((node, SD.resultFormat, FORMATS_NS[name]) for name in _SD_FORMATS),
        (node, SD.defaultDataset, data),
        (data, RDF.type, SD.Dataset),
        (data, SD.defaultGraph, default),
        (default, RDF.type, SD.Graph),
        (default, VOID.triples, Literal(str(sum(n for _, n in graphs)), datatype=XSD.integer)),
    ]
    for i, (name, count) in enumerate(graphs):
        ng, g = BNode(f"ng{i}"), BNode(f"g{i}")
        out += [
            (data, SD.namedGraph, ng),
            (ng, RDF.type, SD.NamedGraph),
            (ng, SD.name, URIRef(name)),
            (ng, SD.graph, g),
            (g, RDF.type, SD.Graph),
            (g, VOID.triples, Literal(str(count), datatype=XSD.integer)),
        ]
    return out


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
    endpoint = _endpoint_iri(request)
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


def service_page(endpoint: str, sandbox: Sandbox, graphs: Sequence[tuple[str, int]] = ()) -> str:
    """A short page for people: how to query with curl, the graphs, the formats and the limits."""
    e = html.escape
    limits, policy = sandbox.limits, sandbox.policy
    editor = urllib.parse.urljoin(endpoint, "./?tab=sparql")
    named = "".join(f"<li><code>{e(name)}</code> ({count:,} triples)</li>" for name, count in graphs)
    example = f"curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE {{ ?s ?p ?o }} LIMIT 5' {endpoint}"
    rows = "".join(
        f"<li><code>{e(m)}</code></li>"
        for m, _, _ in (*TABLE_FORMATS, *GRAPH_FORMATS)
        if m != "application/json"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPARQL endpoint</title></head>
<body>
<h1>SPARQL 1.1 endpoint</h1>
<p>To write and run queries in the browser (highlighting, completion, results as a table), open the
explorer's <a href="{e(editor)}">SPARQL tab</a>; a <code>?query=</code> link opened in a browser goes there.</p>
<p>This is a read-only SPARQL 1.1 Protocol endpoint at <code>{e(endpoint)}</code>.
Send a query by GET <code>?query=</code>, by POST <code>application/x-www-form-urlencoded</code>
(<code>query=</code>) or by POST <code>application/sparql-query</code>.</p>
<pre>{e(example)}</pre>
<h2>Graphs</h2>
<p>The default graph is the union of these named graphs; <code>FROM</code>, <code>FROM NAMED</code>,
<code>default-graph-uri</code> and <code>named-graph-uri</code> choose among them (a graph not held
here is empty: nothing is fetched). Relative IRIs resolve against <code>{e(BASE_IRI)}</code>.</p>
<ul>{named}</ul>
<h2>Result formats (Accept header, or <code>?format=json|xml|csv|tsv|turtle|ntriples|jsonld</code>)</h2>
<ul>{rows}</ul>
<h2>Limits</h2>
<ul>
<li>A query runs at most {limits.timeout_s:g} s.</li>
<li>At most {limits.max_rows:,} rows or triples, and at most {limits.max_result_bytes:,} bytes of values,
are returned; when more matched, the response says <code>X-Result-Truncated: true</code>.</li>
<li>A query may be at most {limits.max_query_chars:,} characters long.</li>
<li>Each client may run {policy.per_client} queries at once; more wait their turn in its own queue
(clients are served in turn), at most {policy.max_waiting} waiting and for at most {policy.wait_s:g} s
(then 503 with <code>Retry-After</code>).</li>
<li>Each client may use {policy.budget_s:g} s of query time per {policy.window_s:g} s, and have at most
{policy.max_waiting} queries waiting; beyond that it gets 429 with <code>Retry-After</code>.</li>
<li>Updates and <code>SERVICE</code> are refused.</li>
</ul>
</body></html>
"""
