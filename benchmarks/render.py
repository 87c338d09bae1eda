"""The store benchmark's report as plain-text tables for people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def render(report: Mapping[str, Any]) -> str:
    """The report as plain-text tables: machine, then one block per graph x store."""
    m = report["machine"]
    lines = [
        f"machine: {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['cpu'] or 'unknown CPU'}",
        f"software: Python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']} ({m['platform']})",
        f"settings: up to {report['settings']['repeat']} timed runs per row after one warm-up; "
        f"calls over {report['settings']['timeout_s']:.0f} s are cut off",
        "",
    ]
    for r in report["runs"]:
        head = f"== {r['graph']} graph on {r['store']}"
        if "triples" in r:
            head += f": {r['triples']:,} triples"
        lines.append(head)
        if "rss_after_load_mib" in r:
            lines.append(
                f"   memory: {r['load_delta_mib']} MiB resident added by loading "
                f"({r['rss_after_load_mib']} MiB total); peak {r.get('peak_rss_mib', '?')} MiB "
                f"(+{r.get('peak_delta_mib', '?')} MiB over the worker's start)"
            )
        lines.append(f"   {'row':<48} {'n':>4} {'size':>8} {'p50 ms':>10} {'p95 ms':>10}")
        for row in r["rows"]:
            lines.append("   " + _row_text(row))
        methods = sorted({row["method"] for row in r["rows"] if row.get("method")})
        if methods:
            lines.append(f"   (filter rows time {', '.join(methods)}; their size is nodes drawn)")
        lines.append("")
    return "\n".join(lines) + "\n"


def _row_text(row: Mapping[str, Any]) -> str:
    kind, name = row["kind"], row.get("name", "")
    if kind == "load":
        return f"{'load: ' + name:<48} {row['seconds']:>35.3f} s"
    label = {"query": "query ", "filter": "filter ", "overlap": ""}.get(kind, "") + name
    if row.get("status") != "ok":
        status = row.get("status", "?")
        if status == "timed out":
            status = f"timed out (> {row['timeout_s']:g} s)"
        return f"{label:<48} {status}"
    if kind == "overlap":
        return (
            f"{label:<48} {row['roles']:,} roles, {row['pairs']:,} pairs: projection {row['projection_s']:.2f} s, "
            f"sparse matrix {row['matrix_s']:.2f} s"
        )
    size = "" if row.get("size") is None else f"{row['size']:,}"
    return f"{label:<48} {row['n']:>4} {size:>8} {row['p50_ms']:>10.2f} {row['p95_ms']:>10.2f}"
