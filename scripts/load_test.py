"""Load test (a benchmark, not a test): 16 concurrent clients for N seconds against /sparql and the app's callbacks.

    .venv/bin/python scripts/load_test.py [--seconds 60] [--clients 16] [--own] [--no-callbacks]
    .venv/bin/python scripts/load_test.py --attack [--seconds 30] [--victims 4]

Starts the real app exactly as scripts/run.sh does (`python app.py --port N`: waitress, one
process, its default threads; --gunicorn: the same factory under gunicorn's gthread worker, for
comparison) on a free loopback port, with the per-client rate limit raised (AKG_RATE_LIMIT) so that
one benchmarking machine measures the server rather than the limiter; --own serves a bare Flask app
with only the endpoint, on the same server. Phase 1 drives /sparql with catalogue and ad-hoc queries; phase 2 drives
Dash's /_dash-update-component with the payloads the browser sends (built as
scripts/bench_callbacks.py builds them). Prints throughput, p50/p95/p99 latency and the error count.
Every client connects from its own loopback address (127.0.0.10, .11, …), as distinct clients do.

--attack measures fairness: victims (each its own address) send simple /sparql queries, then page loads
(/, layout, dependencies), graph draws (a role picked) and simple SPARQL-tab queries, first alone and then while one client on 127.0.0.2 sends
runaway queries from 4 threads (to /sparql, then through the SPARQL tab), waiting 0.1 s after a 429.
Prints the victims' p50/p95/max with and without the attack and what the attacker got.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

R = "https://w3id.org/aesthetics-kg/resource/"
CATALOGUE = [
    ("role_items", {"role": [R + "esthetician"]}),
    ("search_labels", {"text": "laser"}),
    ("gap_items", {"from": R + "esthetician", "to": R + "dermatologist"}),
    ("shared_items", {"a": R + "esthetician", "b": R + "medical-aesthetician"}),
    ("credential_path", {"role": R + "dermatologist"}),
    ("node_properties", {"node": R + "dermatologist"}),
    ("construct_subgraph", {"seed": [R + "dermatologist"]}),
]
AD_HOC = [
    "ASK { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 20",
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) LIMIT 10",
    "CONSTRUCT WHERE { ?s a <https://w3id.org/aesthetics-kg/ontology#Role> }",
]


def create_server():
    """A bare Flask server with only the endpoint, no rate limit (the --own gunicorn factory)."""
    import flask

    from graph.sandbox import Sandbox
    from graph.stores import StoreSpec
    from graph.ui.endpoint import register

    server = flask.Flask("load_test")
    register(server, Sandbox(StoreSpec()), rate_per_minute=10**9)
    return server


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def client_address(n: int) -> str:
    """The loopback address of load-test client n (the attacker is 127.0.0.2)."""
    return f"127.0.0.{10 + n % 240}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    own: bool, port: int, threads: int | None = None, gunicorn: bool = False
) -> tuple[subprocess.Popen, str]:
    """The app as scripts/run.sh starts it (or the bare endpoint on the same server, or under gunicorn)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AKG_RATE_LIMIT": str(10**9)}
    if gunicorn:  # for comparison: what app.py served with before (one gthread worker)
        target = "load_test:create_server()" if own else "app:create_server()"
        cmd = [str(Path(sys.executable).parent / "gunicorn"), "--pythonpath", f"{ROOT},{ROOT / 'scripts'}"]
        cmd += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", str(threads or 4)]
        cmd += ["--worker-class", "gthread", "--timeout", "120", "--log-level", "warning", target]
        label = f"gunicorn, one gthread worker, {threads or 4} threads"
    elif own:
        cmd, label = [sys.executable, __file__, "--serve-own", str(port)], "a bare endpoint server"
    else:
        cmd = [
            sys.executable,
            "app.py",
            "--port",
            str(port),
            *(["--threads", str(threads)] if threads else []),
        ]
        label = "the app as scripts/run.sh starts it (python app.py" + (
            f" --threads {threads})" if threads else ")"
        )
    return subprocess.Popen(cmd, cwd=ROOT, env=env), label


def wait_ready(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=30).status_code in (200, 429):
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("server did not answer in time")


def drive(send, jobs: list, seconds: float, clients: int) -> dict:
    """Each client, from its own address, sends random jobs through `send(session, job) -> status` until time is up."""
    import requests

    from tests.endpoint_server import session_from

    latencies: list[float] = []
    codes: collections.Counter[int | str] = collections.Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        session = session_from(client_address(seed))
        mine, counted = [], collections.Counter()
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                status = send(session, rng.choice(jobs))
                counted[status] += 1
                if status in (200, 204):
                    mine.append(time.perf_counter() - t0)
            except requests.RequestException as exc:
                counted[type(exc).__name__] += 1
        with lock:
            latencies.extend(mine)
            codes.update(counted)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"elapsed": time.monotonic() - t0, "latencies": latencies, "codes": codes}


def callback_jobs(base: str) -> list[dict]:
    """Every callback change the explorer's benchmark replays, as request bodies."""
    import requests

    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_callbacks as bc

    deps = requests.get(base + "/_dash-dependencies", timeout=60).json()
    values = bc.initial_values(requests.get(base + "/_dash-layout", timeout=60).json())
    values[("url-ready", "data")] = True  # as after the page's URL sync: the graph draws
    jobs = []
    for name, changes in bc.scenarios().items():
        dep = bc.find(deps, name)
        for change in changes:
            changed = [f"{i}.{p}" for i, p in change] or [
                f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"
            ]
            jobs.append(bc.payload(dep, {**values, **change}, changed))
    return jobs


def report(label: str, run: dict) -> None:
    lat = sorted(run["latencies"])
    codes = run["codes"]
    ok, limited = codes.get(200, 0) + codes.get(204, 0), codes.get(429, 0)
    errors = sum(n for c, n in codes.items() if c not in (200, 204, 429))
    print(f"server: {label}")
    print(f"requests: {sum(codes.values())} in {run['elapsed']:.1f} s; status counts: {dict(codes)}")
    print(f"throughput: {ok / run['elapsed']:.1f} answered requests/s (+{limited} rate-limited 429s)")
    if len(lat) >= 2:
        q = statistics.quantiles(lat, n=100, method="inclusive")
        print(
            f"latency of answered queries: p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, "
            f"p99 {q[98] * 1000:.1f} ms, max {lat[-1] * 1000:.0f} ms"
        )
    print(f"errors (not 200/204/429): {errors}\n")


def attacker(send, seconds: float, threads: int = 4) -> tuple[threading.Event, list[threading.Thread], dict]:
    """One client (127.0.0.2) sending runaway queries from several threads, pausing 0.1 s after a 429."""
    import requests

    from tests.endpoint_server import session_from

    stop = threading.Event()
    codes: collections.Counter[int | str] = collections.Counter()

    def run() -> None:
        session = session_from("127.0.0.2")
        while not stop.is_set():
            try:
                status, refused = send(session)
            except requests.RequestException as exc:
                codes[type(exc).__name__] += 1
                continue
            codes[status] += 1
            if refused:
                time.sleep(0.1)

    workers = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
    for t in workers:
        t.start()
    return stop, workers, {"codes": codes}


def fairness(base: str, seconds: float, victims: int) -> None:
    """Victims' latency alone and beside a runaway client, on /sparql and in the app."""
    from graph import queries
    from tests.endpoint_server import graph_draw_payload, sparql_tab_payload

    simple = ["ASK { ?s ?p ?o }", *AD_HOC[2:4], queries.render(*CATALOGUE[0]), queries.render(*CATALOGUE[2])]

    def sparql(session, text: str) -> int:
        return session.post(base + "/sparql", data={"query": text}, timeout=60).status_code

    def runaway_sparql(session) -> tuple[int, bool]:
        status = session.post(base + "/sparql", data={"query": RUNAWAY}, timeout=60).status_code
        return status, status in (429, 503)

    tab = base + "/_dash-update-component"
    roles = ("dermatologist", "esthetician", "medical-aesthetician", "plastic-surgeon")
    bodies = [("page", "/"), ("page", "/_dash-layout"), ("page", "/_dash-dependencies")]
    bodies += [("dash", graph_draw_payload(base, R + role)) for role in roles]
    bodies += [("dash", sparql_tab_payload(base, t)) for t in simple[:3]]
    runaway_tab = sparql_tab_payload(base, RUNAWAY)

    def app(session, job) -> int:
        kind, body = job
        if kind == "page":
            return session.get(base + body, timeout=60).status_code
        return session.post(tab, json=body, timeout=60).status_code

    def runaway_app(session) -> tuple[int, bool]:
        response = session.post(tab, json=runaway_tab, timeout=60)
        return response.status_code, "ClientOverLimit" in response.text or "SandboxBusy" in response.text

    for label, send, jobs, attack in [
        ("/sparql", sparql, simple, runaway_sparql),
        ("the app (page loads, graph draws, SPARQL tab)", app, bodies, runaway_app),
    ]:
        report(f"{label}: {victims} victims alone", drive(send, jobs, seconds, victims))
        stop, threads, hit = attacker(attack, seconds)
        time.sleep(1.0)  # the runaways hold their workers first
        run = drive(send, jobs, seconds, victims)
        stop.set()
        report(f"{label}: {victims} victims beside a runaway client", run)
        print(f"the runaway client (127.0.0.2, 4 threads): status counts {dict(hit['codes'])}\n")
        for t in threads:
            t.join(30)
        time.sleep(11)  # let its last runaways stop before the next phase


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--own", action="store_true", help="a bare endpoint server without rate limit")
    p.add_argument("--no-callbacks", action="store_true", help="drive /sparql only")
    p.add_argument("--attack", action="store_true", help="fairness: victims' latency beside a runaway client")
    p.add_argument("--victims", type=int, default=4)
    p.add_argument("--threads", type=int, help="server threads (default: as scripts/run.sh serves)")
    p.add_argument("--gunicorn", action="store_true", help="for comparison: the app under gunicorn gthread")
    p.add_argument("--serve-own", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve_own:
        from graph.serving import serve

        serve(create_server, "127.0.0.1", args.serve_own)
        return 0
    from graph import queries

    texts = [queries.render(n, params) for n, params in CATALOGUE] + AD_HOC
    port = free_port()
    proc, label = start(args.own, port, args.threads, args.gunicorn)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/sparql", proc)
        if args.attack:
            fairness(base, args.seconds, args.victims)
            return 0

        def sparql(session, text: str) -> int:
            return session.post(base + "/sparql", data={"query": text}, timeout=60).status_code

        report(f"{label}: /sparql", drive(sparql, texts, args.seconds, args.clients))
        if not args.own and not args.no_callbacks:

            def dash(session, body: dict) -> int:
                return session.post(base + "/_dash-update-component", json=body, timeout=60).status_code

            report(f"{label}: Dash callbacks", drive(dash, callback_jobs(base), args.seconds, args.clients))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
