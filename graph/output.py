"""Print rows for people (aligned tables) or programs (JSON, CSV, TSV): one place for every command."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import TextIO

from rdflib import Literal, URIRef

from graph.terms import curie

FORMATS = ("table", "json", "csv", "tsv")


def cell(value: object, *, people: bool) -> object:
    """A value as shown: CURIEs and plain text for people; full IRIs and native values for programs."""
    if value is None:
        return "" if people else None
    if isinstance(value, URIRef):
        return curie(str(value)) if people else str(value)
    if isinstance(value, Literal):
        native = value.toPython()
        if people or not isinstance(native, bool | int | float | str):
            return str(value)
        return native
    if isinstance(value, float):
        return f"{value:.3f}" if people else value
    return value


def emit(rows: Sequence[Sequence[object]], columns: Sequence[str], fmt: str, out: TextIO) -> None:
    """Write rows in the chosen format."""
    if fmt == "json":
        data = [{c: cell(v, people=False) for c, v in zip(columns, row, strict=True)} for row in rows]
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt in ("csv", "tsv"):
        w = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            w.writerow(["" if (v := cell(x, people=False)) is None else v for x in row])
    else:
        table(rows, columns, out)


def table(rows: Sequence[Sequence[object]], columns: Sequence[str], out: TextIO, *, width: int = 60) -> None:
    """An aligned plain-text table, long cells shortened with an ellipsis."""
    text = [[_short(str(cell(v, people=True)), width) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in text]) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in text:
        out.write("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() + "\n")
    if not rows:
        out.write("(no rows)\n")


def _short(s: str, width: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


#: characters XML 1.0 cannot hold; the same in UTF-8 bytes, to check a written answer without decoding it
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
NOT_XML_UTF8 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def graphml(G) -> tuple[str, int]:
    """A network as GraphML text with every string value one XML 1.0 can hold (a label with a control
    character stopped the export with lxml's traceback: U+FFFD takes its place), and how many values
    were altered."""
    import networkx as nx

    H = G.copy()
    altered = 0

    def clean(value: object) -> object:
        nonlocal altered
        if isinstance(value, str) and _NOT_XML.search(value):
            altered += 1
            return _NOT_XML.sub("\ufffd", value)
        return value

    for _n, d in H.nodes(data=True):
        d.update({k: clean(v) for k, v in d.items()})
    for _u, _v, d in H.edges(data=True):
        d.update({k: clean(v) for k, v in d.items()})
    buf = io.BytesIO()
    nx.write_graphml(H, buf)
    return buf.getvalue().decode("utf-8"), altered
