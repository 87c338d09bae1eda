"""The export subcommand: the graph as RDF, its entity network as GraphML or CSV nodes and edges."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path
from typing import TextIO

from graph.commands_common import open_workspace, write_out
from graph.errors import GraphError
from graph.terms import curie


def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The whole graph as Turtle or JSON-LD; its entity network as GraphML or CSV nodes and edges."""
    target = _csv_directory(args.out) if args.format == "csv" else None  # a mistaken --out costs no work
    ws = open_workspace(args)
    if args.format in ("turtle", "jsonld"):
        from graph.results import write_graph  # Oxigraph's writer keeps "52710"^^xsd:decimal as it is

        triples = ws.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").triples
        media = "text/turtle" if args.format == "turtle" else "application/ld+json"
        return write_out(write_graph(triples, media).decode("utf-8"), args.out, out)
    G = ws.entity_graph.copy()
    for n in G.nodes:
        G.nodes[n]["label"] = ws.label(n)
        G.nodes[n]["kind"] = curie(ws.index.kind(n) or "")
    for _u, _v, _k, d in G.edges(keys=True, data=True):
        d["essential"] = "" if d["essential"] is None else str(d["essential"]).lower()
    if args.format == "graphml":
        from graph.output import graphml

        text, altered = graphml(G)
        if altered:
            err.write(
                f"note: {altered} label(s) held characters XML cannot carry (control characters); "
                "the GraphML has U+FFFD in their place (Turtle, JSON-LD and CSV keep them)\n"
            )
        return write_out(text, args.out, out)
    nodes = [("id", "label", "kind"), *((n, d["label"], d["kind"]) for n, d in G.nodes(data=True))]
    edges = [
        ("source", "predicate", "label", "target", "essential"),
        *((u, k, d["label"], v, d["essential"]) for u, v, k, d in G.edges(keys=True, data=True)),
    ]
    texts = {name: _csv_text(rows) for name, rows in (("nodes.csv", nodes), ("edges.csv", edges))}
    if target is None:
        out.write("".join(texts.values()))
        return 0
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraphError(f"--out {target}: cannot create the directory: {exc.strerror or exc}") from None
    for name, text in texts.items():
        write_out(text, str(target / name), out)
    return 0


def _csv_text(rows: list[tuple[object, ...]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _csv_directory(path: str | None) -> Path | None:
    """Where CSV export writes nodes.csv and edges.csv: a directory, never a name that looks like a file."""
    if path is None:
        return None
    target = Path(path)
    if target.suffix.lower() in (".csv", ".tsv", ".txt") or target.is_file():
        raise GraphError(
            f"--out {path}: CSV export writes nodes.csv and edges.csv into a directory; name a directory"
        )
    return target
