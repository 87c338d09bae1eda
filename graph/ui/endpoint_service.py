"""What /sparql says about itself: its service description (sd:Service) and the page for people."""

from __future__ import annotations

import html
import os
import urllib.parse
from collections.abc import Sequence

import flask
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from graph.sandbox import Sandbox
from graph.stores import BASE_IRI, Triple
from graph.ui.negotiation import GRAPH_FORMATS, SD_FORMATS, TABLE_FORMATS

ROUTE = "/sparql"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")


LOOPBACK = ("localhost", "127.0.0.1", "::1")


def endpoint_iri(request: flask.Request) -> str:
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
        *((node, SD.resultFormat, FORMATS_NS[name]) for name in SD_FORMATS),
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
