"""Benchmark stores on the curated and combined graphs: load, memory, query latency, filters, all-pairs overlap.

Each graph x store runs in its own worker process (`python -m graph.bench --worker`), so its memory
is measured alone (VmRSS and VmHWM from /proc, which see Oxigraph's Rust allocations too) and a
run that hangs is killed instead of hanging the bench. Inside a worker, one timed call that passes
`--timeout` seconds is interrupted (SIGALRM reaches rdflib's pure-Python loops) and reported as
"timed out".
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from graph.paths import ONTOLOGY, ROOT, VAR

CACHE = VAR / "bench"
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/72413d91-f212-4ad6-bf95-8b78a37c041a"
ESCO_SKILL = "http://data.europa.eu/esco/skill/7d9d73a8-08df-4624-a5df-95cb220c0736"
ONET_OCCUPATION = "https://www.onetonline.org/link/summary/39-5094.00"
R = "https://w3id.org/aesthetics-kg/resource/"
AKG = "https://w3id.org/aesthetics-kg/ontology#"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the bench's options to its subparser."""
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query (default 20)")
    parser.add_argument(
        "--combined",
        action="store_true",
        help="also bench curated + ESCO + O*NET (imported once into var/bench)",
    )
    parser.add_argument(
        "--reference",
        type=Path,
        default=ROOT.parent / "shared" / "reference",
        help="directory holding esco-1.1.1/ and onet-29.3/ (for --combined)",
    )
    parser.add_argument("--virtuoso", metavar="URL", help="also bench this running SPARQL endpoint")
    parser.add_argument(
        "--stores", default="memory,oxigraph", help="embedded stores to bench: memory,oxigraph (default both)"
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="cut off any single timed call after this many seconds"
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run every graph x store in a worker, then print a table (or JSON with --json)."""
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = sorted(set(stores) - {"memory", "oxigraph"})
    if unknown:
        sys.stderr.write(f"bench: unknown store {unknown[0]!r}; expected memory, oxigraph\n")
        return 2
    graphs: dict[str, list[str]] = {"curated": [str(ONTOLOGY)]}
    if args.combined:
        graphs["combined"] = [str(ONTOLOGY), *map(str, combined_sources(Path(args.reference)))]
    jobs = [{"graph": g, "store": s, "files": files} for g, files in graphs.items() for s in stores]
    if args.virtuoso:
        jobs.append({"graph": "endpoint", "store": "remote", "url": args.virtuoso})
    report = {
        "machine": machine(),
        "settings": {"repeat": args.repeat, "timeout_s": args.timeout},
        "runs": [],
    }
    for job in jobs:
        job.update(repeat=args.repeat, timeout=args.timeout)
        sys.stderr.write(f"bench: {job['graph']} on {job['store']} ...\n")
        report["runs"].append(run_worker(job))
        if args.json:  # people watching a long run see each block as it ends
            sys.stderr.write(render({**report, "runs": report["runs"][-1:]}))
    if args.json:
        json.dump(report, out, indent=2)
        out.write("\n")
    else:
        out.write(render(report))
    return 0


def combined_sources(reference: Path) -> list[Path]:
    """ESCO and O*NET as N-Triples in var/bench, imported from the reference data unless already there."""
    from graph.importers import import_esco, import_onet

    CACHE.mkdir(parents=True, exist_ok=True)
    out = []
    for name, importer, src in (
        ("esco", import_esco, reference / "esco-1.1.1"),
        ("onet", import_onet, reference / "onet-29.3"),
    ):
        target = CACHE / f"{name}.nt"
        if not target.is_file():
            sys.stderr.write(f"bench: importing {src} into {target}\n")
            importer(src, target, progress=None)
        out.append(target)
    return out


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import pyoxigraph
    import rdflib

    mem = _proc_kib("/proc/meminfo", "MemTotal")
    return {
        "cores": os.cpu_count(),
        "ram_gib": round(mem / 2**20, 1) if mem else None,
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "platform": platform.platform(),
    }


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _proc_kib(path: str, key: str) -> int | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


# ---------------------------------------------------------------- the parent: run a worker, collect rows


def run_worker(job: dict[str, Any]) -> dict[str, Any]:
    """Run one graph x store in a worker process; a worker that stops answering is killed."""
    result: dict[str, Any] = {"graph": job["graph"], "store": job["store"], "rows": []}
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph.bench", "--worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdin and proc.stdout
    proc.stdin.write(json.dumps(job))
    proc.stdin.close()
    # loading is not interruptible (rdflib parses 800k triples in about a minute): allow it longer
    patience = max(600.0, job["timeout"] * 4)
    try:
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], patience)
            if not ready:
                result["rows"].append(
                    {"kind": "error", "status": f"worker silent for {patience:.0f} s: killed"}
                )
                break
            line = proc.stdout.readline()
            if not line:
                break
            row = json.loads(line)
            if row["kind"] == "info":
                result.update(row["info"])
            else:
                result["rows"].append(row)
            patience = max(job["timeout"] * 4, 120.0)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    if proc.returncode not in (0, -signal.SIGKILL):
        result["rows"].append({"kind": "error", "status": f"worker exited with {proc.returncode}"})
    return result


# ---------------------------------------------------------------- the worker: open, measure, print JSON lines


class TimedOut(BaseException):
    """A timed call ran past --timeout (a BaseException, so the stores' `except Exception` let it through)."""


def _alarm(signum: int, frame: object) -> None:
    raise TimedOut


def timed(fn: Callable[[], Any], timeout: float) -> tuple[float, Any]:
    """Seconds one call takes and its value; TimedOut past the timeout."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        start = time.perf_counter()
        value = fn()
        return time.perf_counter() - start, value
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy's default."""
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def latency(fn: Callable[[], Any], *, repeat: int, timeout: float) -> dict[str, Any]:
    """p50/p95 over up to `repeat` calls after one warm-up; slow calls get fewer repeats (about 2 x timeout at most)."""
    try:
        first, value = timed(fn, timeout)
        times: list[float] = []
        budget = timeout
        n = repeat if first * repeat <= budget else max(1, int(budget / max(first, 1e-9)))
        for _ in range(n):
            t, value = timed(fn, timeout)
            times.append(t)
    except TimedOut:
        return {"status": "timed out", "timeout_s": timeout}
    except Exception as exc:
        return {"status": f"error: {type(exc).__name__}: {str(exc)[:200]}"}
    return {
        "status": "ok",
        "n": len(times),
        "size": _size(value),
        "p50_ms": round(percentile(times, 50) * 1000, 3),
        "p95_ms": round(percentile(times, 95) * 1000, 3),
    }


def _size(value: Any) -> int | None:
    if isinstance(value, tuple) and value and hasattr(value[0], "drawn"):  # compose(): (view, sparql)
        return len(value[0].drawn.nodes)
    rows = getattr(value, "rows", None)
    if getattr(value, "form", None) in ("CONSTRUCT", "DESCRIBE"):
        return len(set(value.triples))
    return len(rows) if rows is not None else None


def rss_mib() -> float:
    """This process's resident memory now."""
    return round((_proc_kib("/proc/self/status", "VmRSS") or 0) / 1024, 1)


def peak_mib() -> float:
    """This process's peak resident memory so far."""
    return round((_proc_kib("/proc/self/status", "VmHWM") or 0) / 1024, 1)


def catalogue_params(kind: str) -> dict[str, dict[str, object]]:
    """Representative parameters for every catalogue query, with IRIs that exist in that graph."""
    if kind == "combined":
        role, other, item, text = ESCO_OCCUPATION, ONET_OCCUPATION, ESCO_SKILL, "hair removal"
    else:
        role, other, item, text = (
            R + "medical-aesthetician",
            R + "esthetician",
            R + "laser-hair-removal",
            "laser",
        )
    return {
        "class_hierarchy": {},
        "construct_subgraph": {"seed": [role]},
        "count_entities": {},
        "counts_by_class": {},
        "credential_path": {"role": R + "medical-aesthetician"},
        "entity_edges": {},
        "entity_index": {},
        "filter_options": {"class": AKG + "Role"},
        "gap_items": {"from": other, "to": role},
        "item_mappings": {},
        "kinds_present": {},
        "link_categories": {},
        "labour_statistics": {"role": R + "esthetician"},
        "neighbours": {"node": [role, R + "medical-aesthetician"]},
        "node_properties": {"node": role},
        "role_items": {"role": [role, other]},
        "roles_by_item": {"item": item},
        "search_labels": {"text": text},
        "shared_items": {"a": role, "b": other},
    }


def filter_states(kind: str) -> dict[str, dict[str, object]]:
    """Filter states of the graph view: chosen roles (seeds), kinds kept at both ends, essential only."""
    role = ESCO_OCCUPATION if kind == "combined" else R + "medical-aesthetician"
    other = ONET_OCCUPATION if kind == "combined" else R + "medical-laser-technician"
    return {
        "one role": {"roles": [role]},
        "one role, essential only": {"roles": [role], "essential": True},
        "two roles, Role+Procedure+Device kinds": {
            "roles": [role, other],
            "kinds": ["Role", "Procedure", "Device"],
        },
        "nothing chosen (whole graph)": {},
    }


def filter_call(ws: Any, state: Mapping[str, Any]) -> tuple[str, Callable[[], Any]]:
    """What redrawing the graph for a filter state costs: the app's own callback code when it exists
    (graph.ui.view.compose.compose: the queries, layout and elements draw() returns), else the query."""
    try:
        from graph.ui import state as S
        from graph.ui.context import Context
        from graph.ui.view.compose import compose
    except ImportError:
        return filter_call_query(ws, state)
    if next(iter(inspect.signature(compose).parameters)) != "c":
        return filter_call_query(ws, state)  # not the interface this bench knows: time the query
    st = S.State().with_(
        seeds={**S.State().seeds, "role": tuple(state.get("roles", ()))},
        kinds=tuple(state.get("kinds", ())),
        essential=bool(state.get("essential", False)),
    )
    # a new Context per call: the app caches views per filter state, and a first visit is what counts
    return "graph.ui.view.compose (uncached)", lambda: compose(Context(ws, None), st)


def filter_call_query(ws: Any, state: Mapping[str, Any]) -> tuple[str, Callable[[], Any]]:
    """The query behind a filter state, when the app's callbacks are not there to time."""
    params = {
        "seed": state.get("roles", []),
        "kind": [AKG + k for k in state.get("kinds", [])],
        "essential_only": state.get("essential", False),
    }
    return "ws.run('construct_subgraph')", lambda: ws.run("construct_subgraph", params)


def open_store(job: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Open the job's store, yielding load rows; the store is left in job['_store']."""
    from graph.load import load_rdflib
    from graph.stores.memory import MemoryStore
    from graph.stores.oxigraph import OxigraphStore, build_oxigraph
    from graph.stores.remote import RemoteStore

    if job["store"] == "memory":
        seconds, kg = timed(lambda: load_rdflib(job["files"]), 10**6)
        job["_store"] = MemoryStore(kg)
        yield {"kind": "load", "name": "parse into rdflib memory", "seconds": round(seconds, 3)}
    elif job["store"] == "oxigraph":
        import pyoxigraph as ox

        directory = CACHE / f"store-{job['graph']}-{os.getpid()}"
        shutil.rmtree(directory, ignore_errors=True)
        job["_dir"] = directory
        seconds, store = timed(lambda: build_oxigraph(job["files"], directory), 10**6)
        del store  # release the store's lock before re-opening it
        yield {"kind": "load", "name": "first build (bulk load to disk)", "seconds": round(seconds, 3)}
        seconds, store = timed(lambda: OxigraphStore(ox.Store.read_only(str(directory))), 10**6)
        job["_store"] = store
        yield {"kind": "load", "name": "warm re-open (read-only)", "seconds": round(seconds, 4)}
    else:
        job["_store"] = RemoteStore(job["url"])
        seconds, _ = timed(lambda: job["_store"].query("ASK { ?s ?p ?o }"), job["timeout"])
        yield {"kind": "load", "name": "first round trip", "seconds": round(seconds, 4)}


def worker(job: dict[str, Any], emit: Callable[[dict[str, Any]], None]) -> None:
    """Measure one graph x store and emit each row as soon as it is known."""
    from graph import analysis
    from graph.workspace import Workspace

    base = rss_mib()
    try:
        for row in open_store(job):
            emit(row)
        store = job["_store"]
        emit(
            {
                "kind": "info",
                "info": {
                    "triples": store.triple_count(),
                    "rss_before_mib": base,
                    "rss_after_load_mib": rss_mib(),
                    "load_delta_mib": round(rss_mib() - base, 1),
                },
            }
        )
        kind = job["graph"]
        if kind == "endpoint":
            asked = store.query(f"ASK {{ <{ESCO_OCCUPATION}> ?p ?o }}")
            kind = "combined" if asked.boolean else "curated"
        ws = Workspace(store)
        repeat, timeout = job["repeat"], job["timeout"]
        for name, params in catalogue_params(kind).items():
            stats = latency(lambda n=name, p=params: ws.run(n, p), repeat=repeat, timeout=timeout)
            emit({"kind": "query", "name": name, **stats})
        for label, state in filter_states(kind).items():
            method, call = filter_call(ws, state)
            stats = latency(call, repeat=repeat, timeout=timeout)
            emit({"kind": "filter", "name": label, "method": method, **stats})
        # building the projections is a one-off at start-up, not a click: embedded engines get longer
        emit(overlap_row(ws, analysis, timeout if job["store"] == "memory" else max(10 * timeout, 300)))
    finally:
        emit(
            {
                "kind": "info",
                "info": {"peak_rss_mib": peak_mib(), "peak_delta_mib": round(peak_mib() - base, 1)},
            }
        )
        if "_dir" in job:
            job.pop("_store", None)
            shutil.rmtree(job["_dir"], ignore_errors=True)


def overlap_row(ws: Any, analysis: Any, timeout: float) -> dict[str, Any]:
    """All-pairs overlap over every role: the projection (two queries) and the sparse product, in seconds."""
    try:
        built, ri = timed(lambda: ws.role_items, timeout)
        seconds, matrix = timed(lambda: analysis.overlap_matrix(ri), timeout)
    except TimedOut:
        return {"kind": "overlap", "name": "all-pairs overlap", "status": "timed out", "timeout_s": timeout}
    except Exception as exc:
        return {
            "kind": "overlap",
            "name": "all-pairs overlap",
            "status": f"error: {type(exc).__name__}: {exc}",
        }
    n = len(matrix.roles)
    return {
        "kind": "overlap",
        "name": "all-pairs overlap",
        "status": "ok",
        "roles": n,
        "pairs": n * (n - 1) // 2,
        "projection_s": round(built, 3),
        "matrix_s": round(seconds, 3),
    }


def _worker_main() -> int:
    job = json.load(sys.stdin)

    def emit(row: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(row) + "\n")
        sys.stdout.flush()

    worker(job, emit)
    return 0


# ---------------------------------------------------------------- the table for people


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


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        sys.exit(_worker_main())
    sys.exit("usage: python -m graph bench [options]  (python -m graph.bench --worker is internal)")
