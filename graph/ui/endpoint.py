"""The SPARQL 1.1 Protocol at /sparql on the app's own Flask server, every query through the sandbox.

GET ?query=, POST form (query=) and POST application/sparql-query; results negotiated by Accept
(or ?format=); dataset parameters, updates, SERVICE and FROM refused; body size, rate, time and
row limits; CORS open to every origin; a service description at GET /sparql without a query.
A query stopped by the time limit answers 400 (the request as sent will never succeed here, and
clients do not retry a 400 as they may a 408 or a 5xx).
"""

from __future__ import annotations

import collections
import csv
import html
import io
import json
import logging
import math
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence

import flask
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from graph.errors import QueryError, QueryTimeout, RefusedQuery, SandboxBusy, StoreError
from graph.sandbox import READ_ONLY, Sandbox
from graph.stores import Result

log = logging.getLogger(__name__)

ROUTE = "/sparql"
ALLOW = "GET, POST, OPTIONS"
TRUNCATED_IRI = "urn:akg:truncated"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class _Refusal(Exception):
    """An HTTP answer decided while reading the request: status, message, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# ---------------------------------------------------------------- serialisers


def _term_json(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        out["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype is not None and str(term.datatype) != _XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out


def results_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON, with a top-level "truncated": true when the row cap cut it."""
    doc: dict[str, object] = {"head": {"vars": list(result.vars)} if result.form == "SELECT" else {}}
    if result.form == "ASK":
        doc["boolean"] = bool(result.boolean)
    else:
        doc["results"] = {
            "bindings": [
                {name: _term_json(t) for name, t in zip(result.vars, row, strict=True) if t is not None}
                for row in result.rows
            ]
        }
    if result.truncated:
        doc["truncated"] = True
    return json.dumps(doc, ensure_ascii=False)


def _xml_text(value: str) -> str:
    """Escape for XML, replacing the characters XML 1.0 cannot hold at all."""
    clean = "".join(
        c
        if c in "\t\n\r" or "\x20" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" or c > "\uffff"
        else "\ufffd"
        for c in value
    )
    return html.escape(clean, quote=True)


def _term_xml(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    attrs = ""
    if isinstance(term, Literal) and term.language:
        attrs = f' xml:lang="{_xml_text(term.language)}"'
    elif isinstance(term, Literal) and term.datatype is not None and str(term.datatype) != _XSD_STRING:
        attrs = f' datatype="{_xml_text(str(term.datatype))}"'
    return f"<literal{attrs}>{_xml_text(str(term))}</literal>"


def results_xml(result: Result) -> str:
    """SPARQL Query Results XML; truncation is a <link href="urn:akg:truncated"/> in the head."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
    ]
    out.append("<head>")
    out.extend(f'<variable name="{_xml_text(v)}"/>' for v in result.vars if result.form == "SELECT")
    if result.truncated:
        out.append(f'<link href="{TRUNCATED_IRI}"/>')
    out.append("</head>")
    if result.form == "ASK":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            out.extend(
                f'<binding name="{_xml_text(v)}">{_term_xml(t)}</binding>'
                for v, t in zip(result.vars, row, strict=True)
                if t is not None
            )
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def results_csv(result: Result) -> str:
    """SPARQL 1.1 CSV: plain values; an ASK answer as Jena writes it (_askResult). Truncation: header only."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if result.form == "ASK":
        writer.writerows([["_askResult"], ["true" if result.boolean else "false"]])
    else:
        writer.writerow(result.vars)
        writer.writerows([_csv_value(t) for t in row] for row in result.rows)
    return buf.getvalue()


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def nt_term(term: Node | None) -> str:
    """A term in N-Triples syntax on one line (no raw tab or newline), as TSV results need."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = f'"{str(term).translate(_NT_ESCAPES)}"'
    if isinstance(term, Literal) and term.language:
        return f"{text}@{term.language}"
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) != _XSD_STRING:
        return f"{text}^^<{term.datatype}>"
    return text


def results_tsv(result: Result) -> str:
    """SPARQL 1.1 TSV: ?var header, N-Triples terms. Truncation: header only."""
    if result.form == "ASK":
        return f"?_askResult\n{'true' if result.boolean else 'false'}\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines.extend("\t".join(nt_term(t) for t in row) for row in result.rows)
    return "\n".join(lines) + "\n"


def _graph_writer(fmt: str, comment: str) -> Callable[[Result], str]:
    def write(result: Result) -> str:
        text = result.graph().serialize(format=fmt)
        if result.truncated and comment == "#":
            return f"# truncated: more triples matched than this endpoint returns ({TRUNCATED_IRI})\n{text}"
        if result.truncated and comment == "<!--" and text.startswith("<?xml"):
            head, _, rest = text.partition("\n")
            return f"{head}\n<!-- truncated: more triples matched than this endpoint returns -->\n{rest}"
        return text

    return write


# (media type served, aliases a client may ask for, writer)
TABLE_FORMATS: tuple[tuple[str, tuple[str, ...], Callable[[Result], str]], ...] = (
    ("application/sparql-results+json", ("application/json",), results_json),
    ("application/sparql-results+xml", ("application/xml",), results_xml),
    ("text/csv", (), results_csv),
    ("text/tab-separated-values", (), results_tsv),
)
GRAPH_FORMATS: tuple[tuple[str, tuple[str, ...], Callable[[Result], str]], ...] = (
    ("text/turtle", ("application/x-turtle",), _graph_writer("turtle", "#")),
    ("application/n-triples", ("text/plain",), _graph_writer("nt", "#")),
    ("application/ld+json", ("application/json",), _graph_writer("json-ld", "")),
    ("application/rdf+xml", ("application/xml",), _graph_writer("xml", "<!--")),
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
    request: flask.Request, formats: Sequence[tuple[str, tuple[str, ...], object]]
) -> tuple[str, object] | None:
    """The format the Accept header prefers (q-values, wildcards), the first listed on a tie; None if none."""
    offered: list[str] = []
    for media, aliases, _ in formats:
        offered.extend((media, *aliases))
    accept = request.accept_mimetypes
    best = accept.best_match(offered) if accept else offered[0]
    for media, aliases, writer in formats:
        if best == media or best in aliases:
            return best, writer  # the type the client accepts, even when it is an alias
    return None


def _by_param(value: str, graph: bool) -> tuple[str, Callable[[Result], str]] | None:
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
    server: flask.Flask, sandbox: Sandbox, *, rate_per_minute: int = 120, max_body_bytes: int = 100_000
) -> None:
    """Serve /sparql on this Flask server."""
    limiter = RateLimiter(rate_per_minute)

    def sparql() -> flask.Response:
        try:
            response = _answer(flask.request, sandbox, limiter, max_body_bytes)
        except _Refusal as exc:
            response = _text(exc.message, exc.status, exc.headers)
        except Exception:
            log.exception("unexpected error answering a SPARQL request")
            response = _text("internal error: the server could not answer this request", 500)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = (
            "X-Result-Truncated, X-Result-Row-Limit, Retry-After"
        )
        response.headers["Vary"] = "Accept"
        return response

    # methods=None: every method reaches the view, so 405 and OPTIONS are answered here, with CORS headers.
    rule = server.url_rule_class(ROUTE, endpoint="akg_sparql", methods=None)
    server.url_map.add(rule)
    server.view_functions["akg_sparql"] = sparql


def _text(message: str, status: int, headers: dict[str, str] | None = None) -> flask.Response:
    return flask.Response(message.rstrip("\n") + "\n", status, headers, mimetype="text/plain")


def _answer(request: flask.Request, sandbox: Sandbox, limiter: RateLimiter, max_body: int) -> flask.Response:
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
    _refuse_params(params)
    queries = params.get("query", [])
    if body_query is not None:
        queries = [*queries, body_query]
    if not queries:
        return _service_description(request, sandbox)
    if len(queries) > 1:
        raise _Refusal(400, "give exactly one query")
    return _run(request, sandbox, queries[0], params)


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
    raw = request.stream.read(max_body + 1)
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


def _refuse_params(params: dict[str, list[str]]) -> None:
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise _Refusal(400, READ_ONLY)
    if "default-graph-uri" in params or "named-graph-uri" in params:
        raise _Refusal(
            400,
            "default-graph-uri and named-graph-uri are not allowed: queries run on this endpoint's own graph",
        )


def _run(request: flask.Request, sandbox: Sandbox, text: str, params: dict[str, list[str]]) -> flask.Response:
    fmt = next(iter(params.get("format", []) + params.get("output", [])), None)
    if (
        fmt is None
        and negotiate(request, TABLE_FORMATS) is None
        and negotiate(request, GRAPH_FORMATS) is None
    ):
        raise _not_acceptable()
    try:
        result = sandbox.run(text)
    except QueryTimeout as exc:
        raise _Refusal(400, str(exc)) from None
    except RefusedQuery as exc:
        raise _Refusal(400, f"refused: {exc}") from None
    except QueryError as exc:
        raise _Refusal(400, str(exc)) from None
    except SandboxBusy as exc:
        raise _Refusal(503, str(exc), {"Retry-After": "5"}) from None
    except StoreError as exc:
        raise _Refusal(502, str(exc)) from None
    graph = result.form in ("CONSTRUCT", "DESCRIBE")
    chosen = (
        _by_param(fmt, graph)
        if fmt is not None
        else negotiate(request, GRAPH_FORMATS if graph else TABLE_FORMATS)
    )
    if chosen is None:
        raise _not_acceptable(graph)
    media, writer = chosen
    headers = {}
    if result.truncated:
        headers = {"X-Result-Truncated": "true", "X-Result-Row-Limit": str(sandbox.limits.max_rows)}
    return flask.Response(writer(result), 200, headers, content_type=f"{media}; charset=utf-8")


def _not_acceptable(graph: bool | None = None) -> _Refusal:
    tables = ", ".join(m for m, _, _ in TABLE_FORMATS)
    graphs = ", ".join(m for m, _, _ in GRAPH_FORMATS)
    if graph is None:
        text = f"SELECT and ASK results: {tables}; CONSTRUCT and DESCRIBE results: {graphs}"
    else:
        text = graphs if graph else tables
    return _Refusal(406, f"cannot answer in the format asked for (Accept); this endpoint serves {text}")


# ---------------------------------------------------------------- service description


def _endpoint_iri(request: flask.Request) -> str:
    url = request.base_url
    bad = set('<>"{}|^`\\ \t\r\n')
    return "urn:akg:sparql" if any(c in bad for c in url) else url


def service_description(endpoint: str) -> Graph:
    """An sd:Service naming the endpoint, the query language and every result format."""
    kg = Graph()
    kg.bind("sd", SD)
    kg.bind("formats", FORMATS_NS)
    node = URIRef(endpoint)
    kg.add((node, RDF.type, SD.Service))
    kg.add((node, SD.endpoint, node))
    kg.add((node, SD.supportedLanguage, SD.SPARQL11Query))
    for name in _SD_FORMATS:
        kg.add((node, SD.resultFormat, FORMATS_NS[name]))
    return kg


_SD_OFFER = (
    ("text/html", (), "html"),
    ("text/turtle", (), "turtle"),
    ("application/n-triples", (), "nt"),
    ("application/ld+json", (), "json-ld"),
    ("application/rdf+xml", (), "xml"),
)


def _service_description(request: flask.Request, sandbox: Sandbox) -> flask.Response:
    chosen = negotiate(request, _SD_OFFER)
    if chosen is None:
        raise _Refusal(406, "the service description is served as " + ", ".join(m for m, _, _ in _SD_OFFER))
    media, fmt = chosen
    endpoint = _endpoint_iri(request)
    if fmt == "html":
        body = service_page(endpoint, sandbox)
    else:
        body = service_description(endpoint).serialize(format=fmt)
    return flask.Response(body, 200, content_type=f"{media}; charset=utf-8")


def service_page(endpoint: str, sandbox: Sandbox) -> str:
    """A short page for people: how to query with curl, the formats and the limits."""
    e = html.escape
    limits = sandbox.limits
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
<p>This is a read-only SPARQL 1.1 Protocol endpoint at <code>{e(endpoint)}</code>.
Send a query by GET <code>?query=</code>, by POST <code>application/x-www-form-urlencoded</code>
(<code>query=</code>) or by POST <code>application/sparql-query</code>.</p>
<pre>{e(example)}</pre>
<h2>Result formats (Accept header, or <code>?format=json|xml|csv|tsv|turtle|ntriples|jsonld</code>)</h2>
<ul>{rows}</ul>
<h2>Limits</h2>
<ul>
<li>A query runs at most {limits.timeout_s:g} s.</li>
<li>At most {limits.max_rows:,} rows or triples are returned; when more matched, the response says
<code>X-Result-Truncated: true</code>.</li>
<li>A query may be at most {limits.max_query_chars:,} characters long.</li>
<li>Updates, <code>SERVICE</code>, <code>FROM</code> and <code>FROM NAMED</code> are refused.</li>
</ul>
</body></html>
"""
