"""Benchmark stores on the curated and combined graphs: load, memory, query latency, filters, all-pairs overlap.

Each graph x store runs in its own worker process (`python -m benchmarks.stores --worker`), so its
memory is measured alone (VmRSS and VmHWM from /proc, which see Oxigraph's Rust allocations too) and
a run that hangs is killed instead of hanging the bench. Inside a worker, one timed call that passes
`--timeout` seconds is interrupted (SIGALRM reaches rdflib's pure-Python loops) and reported as
"timed out". A progress bar per graph x store runs on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from benchmarks.cases import ESCO_OCCUPATION, catalogue_params, filter_call, filter_states, overlap_row
from benchmarks.measure import latency, machine, peak_mib, rss_mib, timed
from benchmarks.render import render
from graph.paths import ONTOLOGY, ROOT, VAR

CACHE = VAR / "bench"


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


def expected_rows(job: Mapping[str, Any]) -> int:
    """How many rows a worker reports, for its progress bar."""
    kind = "curated" if job["graph"] == "endpoint" else job["graph"]
    loads = {"memory": 1, "oxigraph": 2}.get(job["store"], 1)
    return loads + len(catalogue_params(kind)) + len(filter_states(kind)) + 1


def run_worker(job: dict[str, Any]) -> dict[str, Any]:
    """Run one graph x store in a worker process; a worker that stops answering is killed."""
    from tqdm import tqdm

    result: dict[str, Any] = {"graph": job["graph"], "store": job["store"], "rows": []}
    bar = tqdm(total=expected_rows(job), desc=f"bench: {job['graph']} on {job['store']}", unit="row")
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.stores", "--worker"],
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
                bar.set_postfix_str(row.get("name", ""), refresh=False)
                bar.update()
            patience = max(job["timeout"] * 4, 120.0)
    finally:
        bar.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    if proc.returncode not in (0, -signal.SIGKILL):
        result["rows"].append({"kind": "error", "status": f"worker exited with {proc.returncode}"})
    return result


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


def _worker_main() -> int:
    job = json.load(sys.stdin)

    def emit(row: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(row) + "\n")
        sys.stdout.flush()

    worker(job, emit)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        sys.exit(_worker_main())
