"""Our /sparql beside Virtuoso's, over HTTP, for every catalogue query, interleaved in one run.

    python -m benchmarks endpoint --data var/esco.nt var/onet.nt --virtuoso start
    python -m benchmarks endpoint --ours http://127.0.0.1:8050/sparql --virtuoso 'http://…/sparql?default-graph-uri=…'

`--virtuoso start` starts a private Virtuoso (tests/virtuoso.py) and bulk-loads the same files into
it; without `--ours` the app is started on the same files (a free port, its rate limit raised).
Each case is timed on both endpoints in turn (ours, Virtuoso, ours, …) with `Cache-Control:
no-cache`, so ours runs the query every time, after untimed rounds on both (`--warmup`, by default
one for each of our sandbox's workers: they take turns and each holds its own caches); the answers kept by the HTTP cache (a repeat, and a
revalidation answered 304) are timed apart. Both endpoints cut results at the same row limit
(10,000: our sandbox's default), and the rows each returns are compared. Our endpoint runs with the
app's limits except the time limit (120 s, as Virtuoso has none) and the per-client time budget
(none: one client asks everything); a case either endpoint did not answer is left out of the mean.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TextIO

import requests

from benchmarks.cases import AKG, ESCO_OCCUPATION, ESCO_SKILL, ONET_OCCUPATION, catalogue_params
from benchmarks.measure import machine
from graph.paths import ONTOLOGY, ROOT
from graph.sandbox import Policy, default_workers

GRAPH = "urn:akg:bench"
ROW_LIMIT = 10_000  # our sandbox's default; Virtuoso is set to cut at the same number
BENCH_TIMEOUT_S = 120.0  # our sandbox's time limit here (the app's is 10 s)
BENCH_POLICY = Policy(budget_s=1e9)  # the app's fairness policy but for the time budget: one client asks all
GOAL_GEOMEAN, GOAL_MAX = 1.0, 3.0
EXTRA: tuple[tuple[str, str, dict[str, object]], ...] = (  # (case name, query, params): more than one shape
    ("filter_options (procedures)", "filter_options", {"class": AKG + "Procedure"}),
    ("filter_options (skills)", "filter_options", {"class": "http://data.europa.eu/esco/model#Skill"}),
    ("search_labels 'laser'", "search_labels", {"text": "laser"}),
    ("search_labels 'aesthetician'", "search_labels", {"text": "aesthetician"}),
    ("role_items (one role)", "role_items", {"role": [ONET_OCCUPATION]}),
    ("roles_by_item (essential)", "roles_by_item", {"item": ESCO_SKILL, "essential_only": True}),
    ("neighbours (one role)", "neighbours", {"node": [ESCO_OCCUPATION]}),
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the endpoint benchmark's options."""
    parser.add_argument("--data", nargs="+", default=[], help="the imported files (var/esco.nt var/onet.nt)")
    parser.add_argument("--ours", metavar="URL", help="our running /sparql (default: start app.py on --data)")
    parser.add_argument(
        "--virtuoso", metavar="URL", required=True, help="Virtuoso's /sparql, or 'start' for a private one"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per case and endpoint (default 7)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=None,
        help="rounds per case not timed, on both endpoints (default: our sandbox's workers, each with its own caches)",
    )
    parser.add_argument("--only", nargs="+", default=[], help="only these cases (query names)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Start what is missing, time every case on both endpoints, print the table (or JSON)."""
    files = [Path(d) for d in args.data]
    if (args.ours is None or args.virtuoso == "start") and not files:
        sys.stderr.write("bench endpoint: give --data FILE… to start our app or a private Virtuoso\n")
        return 2
    report: dict[str, Any] = {"machine": machine(), "load_before": os.getloadavg(), "setup": {}}
    with ExitStack() as stack:
        virtuoso = args.virtuoso
        if virtuoso == "start":
            virtuoso, report["setup"]["virtuoso_load_s"] = stack.enter_context(_virtuoso(files))
        ours = args.ours
        if ours is None:
            ours, report["setup"]["ours_serving_s"] = stack.enter_context(_app(files))
        warmup = args.warmup if args.warmup is not None else default_workers(BENCH_POLICY)
        report["warmup_rounds"] = warmup
        report["cases"] = [
            _case(name, q, p, ours, virtuoso, args.repeat, warmup) for name, q, p in cases(args.only)
        ]
    report["load_after"] = os.getloadavg()
    report["summary"] = summary(report["cases"])
    out.write(json.dumps(report, indent=2) + "\n" if args.json else render(report))
    return 0


def cases(only: list[str]) -> list[tuple[str, str, dict[str, object]]]:
    """Every catalogue query with the combined graph's parameters, then a few other shapes."""
    from graph import queries

    chosen = [(n, n, p) for n, p in sorted(catalogue_params("combined").items()) if n in queries.catalogue()]
    chosen += list(EXTRA)
    return [c for c in chosen if not only or c[1] in only or c[0] in only]


def query_text(name: str, params: dict[str, object], *, virtuoso: bool) -> str:
    """The catalogue query with its values written in (a VALUES block at the end for Virtuoso, which
    ignores a leading one; where the app's remote store puts it)."""
    from rdflib.term import Node

    from graph import queries
    from graph.sparql_text import substitute, with_values

    query = queries.get(name)
    bound = queries.bind(query, params)
    scalars = {k: v for k, v in bound.items() if isinstance(v, Node)}
    lists = {k: v for k, v in bound.items() if not isinstance(v, Node)}
    return with_values(substitute(query.text, scalars), lists, at_end=virtuoso)


def _ask(url: str, text: str, headers: dict[str, str]) -> tuple[float, requests.Response]:
    base, _, qs = url.partition("?")
    data = [("query", text), *urllib.parse.parse_qsl(qs)]
    start = time.perf_counter()
    response = requests.post(base, data=data, headers=headers, timeout=120)
    response.content  # noqa: B018 - read it all
    return time.perf_counter() - start, response


def _rows(response: requests.Response) -> int | str:
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:80]!r}"
    if "json" in response.headers.get("Content-Type", ""):
        data = response.json()
        return int(data["boolean"]) if "boolean" in data else len(data["results"]["bindings"])
    return len({line for line in response.text.splitlines() if line.strip()})


def _case(
    name: str, query: str, params: dict[str, object], ours: str, virtuoso: str, repeat: int, warmup: int = 1
) -> dict:
    from graph.sparql_text import query_form

    texts = {
        "ours": query_text(query, params, virtuoso=False),
        "virtuoso": query_text(query, params, virtuoso=True),
    }
    graph = query_form(texts["ours"]) in ("CONSTRUCT", "DESCRIBE")
    accept = "application/n-triples" if graph else "application/sparql-results+json"
    fresh = {"Accept": accept, "Cache-Control": "no-cache"}
    urls = {"ours": ours, "virtuoso": virtuoso}
    times: dict[str, list[float]] = {"ours": [], "virtuoso": []}
    rows: dict[str, object] = {}
    sys.stderr.write(f"  {name} …\n")
    # the first rounds warm both up and are not counted: one for each of our workers, which take turns
    # and each hold their own caches (Virtuoso, one process, gets as many)
    for i in range(warmup + repeat):
        for who in ("ours", "virtuoso"):
            seconds, response = _ask(urls[who], texts[who], fresh)
            rows[who] = _rows(response)
            if i >= warmup:
                times[who].append(seconds)
    hit = [_ask(ours, texts["ours"], {"Accept": accept}) for _ in range(repeat)]
    etag = hit[-1][1].headers.get("ETag", "")
    revalidate = [_ask(ours, texts["ours"], {"Accept": accept, "If-None-Match": etag}) for _ in range(repeat)]
    p50 = {who: statistics.median(t) * 1000 for who, t in times.items()}
    answered = all(isinstance(n, int) for n in rows.values())  # an error or a refusal is not a time
    return {
        "name": name,
        "query": query,
        "rows": rows,
        "same_rows": answered and rows["ours"] == rows["virtuoso"],
        "answered": answered,
        "ours_p50_ms": round(p50["ours"], 1),
        "virtuoso_p50_ms": round(p50["virtuoso"], 1),
        "ratio": round(p50["ours"] / max(p50["virtuoso"], 1e-6), 2),
        "cached_p50_ms": round(statistics.median(s for s, _ in hit) * 1000, 1),
        "cache": hit[-1][1].headers.get("X-Cache"),
        "revalidated_p50_ms": round(statistics.median(s for s, _ in revalidate) * 1000, 1),
        "revalidated_status": revalidate[-1][1].status_code,
    }


def summary(rows: list[dict]) -> dict[str, Any]:
    """Geometric mean and worst of ours / Virtuoso, against the goals."""
    ratios = [r["ratio"] for r in rows if r["answered"] and r["ratio"] > 0]
    geomean = math.exp(sum(math.log(x) for x in ratios) / len(ratios)) if ratios else float("nan")
    timed = [r for r in rows if r["answered"]]
    worst = max(timed, key=lambda r: r["ratio"]) if timed else None
    return {
        "cases": len(timed),
        "unanswered": [r["name"] for r in rows if not r["answered"]],
        "geomean_ratio": round(geomean, 2),
        "goal_geomean": GOAL_GEOMEAN,
        "worst": worst and {"name": worst["name"], "ratio": worst["ratio"]},
        "goal_max": GOAL_MAX,
        "over_goal_max": [r["name"] for r in timed if r["ratio"] > GOAL_MAX],
        "rows_differ": [r["name"] for r in timed if not r["same_rows"]],
    }


def render(report: dict[str, Any]) -> str:
    """A Markdown table and the summary against the goals."""
    load = lambda key: ", ".join(f"{x:.1f}" for x in report[key])  # noqa: E731
    lines = [
        f"load average {load('load_before')} before, {load('load_after')} after; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in report["setup"].items())
        + f"; {report.get('warmup_rounds', 1)} untimed rounds per case on both endpoints",
        "",
        "| case | rows (ours / Virtuoso) | ours p50 ms | Virtuoso p50 ms | ours / Virtuoso | ours, kept answer | ours, 304 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in report["cases"]:
        rows = r["rows"]["ours"] if r["same_rows"] else f"{r['rows']['ours']} / {r['rows']['virtuoso']}"
        lines.append(
            f"| {r['name']} | {rows} | {r['ours_p50_ms']:,} | {r['virtuoso_p50_ms']:,} | {r['ratio']}× | "
            f"{r['cached_p50_ms']} ({r['cache']}) | {r['revalidated_p50_ms']} ({r['revalidated_status']}) |"
        )
    s = report["summary"]
    lines += [
        "",
        f"geometric mean ours / Virtuoso over {s['cases']} cases: {s['geomean_ratio']}× (goal ≤ {s['goal_geomean']}×)",
        f"worst: {s['worst']['name']} {s['worst']['ratio']}× (goal: none over {s['goal_max']}×; over: "
        f"{', '.join(s['over_goal_max']) or 'none'})"
        if s["worst"]
        else "no cases",
        f"rows differ: {', '.join(s['rows_differ']) or 'none'}",
        f"not answered by both (left out of the mean): {', '.join(s['unanswered']) or 'none'}",
    ]
    return "\n".join(lines) + "\n"


@contextmanager
def _virtuoso(files: list[Path]) -> Iterator[tuple[str, float]]:
    """A private Virtuoso holding the curated graph and the files, cutting results at ROW_LIMIT."""
    sys.path.insert(0, str(ROOT))
    from tests.virtuoso import Virtuoso

    with Virtuoso(max_rows=ROW_LIMIT, buffers=170_000) as v:
        start = time.perf_counter()
        v.load([ONTOLOGY, *files], GRAPH)
        seconds = time.perf_counter() - start
        yield v.endpoint(GRAPH), seconds


@contextmanager
def _app(files: list[Path]) -> Iterator[tuple[str, float]]:
    """Our /sparql on the same files in its own process (waitress, the app's sandbox and route, no Dash:
    the app's warm-up would share the CPU with the timings); yields its URL once it answers."""
    sys.path.insert(0, str(ROOT))
    from tests.virtuoso import free_port

    port = free_port()
    env = {**os.environ, "TQDM_DISABLE": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "benchmarks.endpoint", "serve", str(port), *map(str, files)]
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"akg-bench-endpoint-{port}.log", "wb")  # noqa: SIM115
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the endpoint exited ({proc.returncode}); see {log.name}")
            try:
                if requests.post(url, data={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        yield url, time.perf_counter() - start
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def serve(port: int, files: list[str]) -> None:
    """The app's /sparql alone: the store, the sandbox and the route, under waitress."""
    import flask

    from graph.sandbox import Limits, Sandbox
    from graph.serving import serve as run
    from graph.stores import StoreSpec, open_store
    from graph.ui import endpoint

    spec = StoreSpec.parse("oxigraph", files)
    open_store(spec).close()  # built once here (a cold start), then opened by each worker

    def factory() -> flask.Flask:
        server = flask.Flask(__name__)
        # the app's limits but for time: one client asks everything here, and Virtuoso has no time limit
        sandbox = Sandbox(spec, Limits(timeout_s=BENCH_TIMEOUT_S), policy=BENCH_POLICY)
        endpoint.register(server, sandbox, rate_per_minute=1_000_000)
        # timed once its workers are up, as Virtuoso is once loaded: starting them took the CPU from
        # the first cases (class_hierarchy: 24-36 ms against 7-12 ms on a started endpoint)
        sandbox.wait_warm()
        return server

    run(factory, "127.0.0.1", port)


if __name__ == "__main__":  # the sandbox's workers start from a forkserver, which imports this module
    if sys.argv[1:2] == ["serve"]:
        serve(int(sys.argv[2]), sys.argv[3:])
