"""Benchmark (not a test): the SPARQL editor's completion route, GET /sparql/terms, over loopback HTTP.

Starts `python app.py` on a free port (with --data FILE… for ESCO + O*NET), waits for the vocabulary
(how long after the first completion asked it was read), then asks each start below `--reps` times on
one keep-alive connection and prints p50/p95/max per start and overall. Goal: every answer <= 100 ms.

    .venv/bin/python scripts/bench_completion.py [--data var/esco.nt var/onet.nt] [--reps 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_callbacks import start_app, wait_ready  # noqa: E402

STARTS = (  # (kind, what the editor sends: the typed start, expanded by known prefix)
    ("class", "akg:Ro"),
    ("class", "akg:"),
    ("class", "esco:"),
    ("property", "skos:pref"),
    ("property", "akg:"),
    ("property", "esco:relatedE"),
    ("entity", "escoocc:"),
    ("entity", "escoskill:0"),
    ("entity", "onettask:"),
    ("any", "http://"),
    ("any", "https://w3id.org/aesthetics-kg/"),
    ("any", "zzz:"),
)


def ask(conn: http.client.HTTPConnection, kind: str, start: str) -> tuple[int, int, float]:
    query = urllib.parse.urlencode({"kind": kind, "prefix": start})
    t = time.perf_counter()
    conn.request("GET", f"/sparql/terms?{query}")
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - t
    return response.status, len(json.loads(body)) if response.status == 200 else 0, elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", nargs="+", default=[])
    ap.add_argument("--store", default="oxigraph")
    ap.add_argument("--reps", type=int, default=20)
    args = ap.parse_args(argv)
    started = time.perf_counter()
    port, server = start_app(args.data, args.store)
    try:
        wait_ready(port, server, timeout=3600)  # the first start builds the combined store
        serving = time.perf_counter() - started
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        asked = time.perf_counter()
        status = ask(conn, "class", "akg:")[0]  # 503 while the vocabulary is still being read
        while status != 200:
            status = ask(conn, "class", "akg:")[0]
        ready = time.perf_counter() - asked
        print(
            f"app serving after {serving:.1f} s; the vocabulary ready {ready:.1f} s after the first completion"
        )
        everything: list[float] = []
        print(f"{'kind':9} {'start':34} {'found':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
        for kind, start in STARTS:
            times, found = [], 0
            for _ in range(args.reps):
                status, found, elapsed = ask(conn, kind, start)
                assert status == 200, status
                times.append(elapsed * 1000)
            everything += times
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(
                f"{kind:9} {start:34} {found:>5} {statistics.median(times):7.1f} {p95:7.1f} {times[-1]:7.1f}"
            )
        everything.sort()
        p95 = everything[min(len(everything) - 1, int(0.95 * len(everything)))]
        print(
            f"all {len(everything)} answers: p50 {statistics.median(everything):.1f} ms, p95 {p95:.1f} ms, "
            f"max {everything[-1]:.1f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
