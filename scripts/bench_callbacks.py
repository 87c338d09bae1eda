"""Benchmark (not a test): replay filter changes through Dash's own callback route and time each callback.

Starts `python app.py` (waitress) on a free loopback port, reads the callback map from
GET /_dash-dependencies and the initial values from GET /_dash-layout, then POSTs to
/_dash-update-component exactly what the browser sends for each change, and prints p50/p95 of
the round trip per callback (loopback HTTP included), and the slowest first call of a change
(before the app's per-filter view cache holds it). Goal: p95 <= 50 ms on the curated graph.
It also reports the first page (process start until GET /, the layout and every initial callback
have answered) and the largest cytoscape `elements` sent (count and JSON bytes).

    .venv/bin/python scripts/bench_callbacks.py [--reps 15] [--data FILE…] [--store …] [--role IRI…]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dict_id(**parts: str) -> str:
    """A dict component id as Dash writes it in dependencies and prop ids."""
    return json.dumps(parts, sort_keys=True, separators=(",", ":"))


ROLE = dict_id(type="role-picker", name="f-role")
GAP_A, GAP_B = dict_id(type="role-picker", name="gap-a"), dict_id(type="role-picker", name="gap-b")
CUR = dict_id(type="role-picker", name="cur-roles")
SEARCH, SEARCH_BOX = dict_id(type="picker", name="search"), dict_id(type="picker-search", name="search")
ROLES = [
    "https://w3id.org/aesthetics-kg/resource/" + r
    for r in (
        "dermatologist",
        "esthetician",
        "medical-aesthetician",
        "plastic-surgeon",
        "medical-laser-technician",
    )
]


def picker(name: str, kind: str = "role-picker") -> str:
    """A picker's id (or its search box's) as Dash writes a dict id in the dependencies (compact JSON, sorted keys)."""
    return dom_id({"name": name, "type": kind})


def dom_id(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), sort_keys=True)


def matched(dep: dict, name: str) -> dict:
    """A MATCH callback as the browser calls it for one component: the wildcard replaced by its name."""
    return json.loads(json.dumps(dep).replace('[\\"MATCH\\"]', f'\\"{name}\\"'))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data: list[str], store: str) -> tuple[int, subprocess.Popen]:
    """`python app.py` on a free loopback port, as a user starts it (the benchmark scripts share it);
    its log goes to a temporary file (`server.log`) that wait_warm reads."""
    port = free_port()
    cmd = [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--store", store]
    if data:
        cmd += ["--data", *data]
    log = tempfile.NamedTemporaryFile(prefix="akg-bench-", suffix=".log", delete=False)  # noqa: SIM115
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    server.log = Path(log.name)  # type: ignore[attr-defined]
    return port, server


def wait_warm(server: subprocess.Popen, timeout: float = 900) -> None:
    """Wait until a big store's background warm-up has built every projection (its log says so), so a
    warm app's figures are not taken while it builds them; a small store warms before serving."""
    if str(ROOT) not in sys.path:  # run as a script: the library beside it
        sys.path.insert(0, str(ROOT))
    from graph.workspace import WARMED

    deadline = time.time() + timeout
    while time.time() < deadline:
        text = server.log.read_text(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]
        if WARMED in text or "precompute" not in text:  # a small store warms before serving
            return
        if server.poll() is not None:
            raise SystemExit(f"the app exited with {server.returncode}")
        time.sleep(0.5)
    raise SystemExit(f"the warm-up did not end within {timeout:.0f} s")


class Client:
    """One keep-alive connection to the app."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> object:
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        return json.loads(r.read())

    def post(self, path: str, body: dict) -> tuple[int, float]:
        status, ms, _ = self.post_read(path, body)
        return status, ms

    def post_read(self, path: str, body: dict) -> tuple[int, float, bytes]:
        data = json.dumps(body).encode()
        t = time.perf_counter()
        self.conn.request("POST", path, body=data, headers={"Content-Type": "application/json"})
        r = self.conn.getresponse()
        payload = r.read()
        return r.status, (time.perf_counter() - t) * 1000, payload

    def get_text(self, path: str) -> bytes:
        self.conn.request("GET", path)
        return self.conn.getresponse().read()


def elements_sent(payload: bytes) -> tuple[int, int]:
    """(elements, JSON bytes) of the cy.elements in a callback response; (0, 0) without any."""
    try:
        cy = json.loads(payload).get("response", {}).get("cy", {})
    except (ValueError, AttributeError):
        return 0, 0
    els = cy.get("elements") if isinstance(cy, dict) else None
    return (len(els), len(json.dumps(els))) if isinstance(els, list) else (0, 0)


def first_page(client: Client, started: float) -> tuple[float, float, dict, dict, list]:
    """What a browser does on load: GET /, layout, dependencies, then every initial callback.

    Returns (seconds until the server answered, seconds until the last initial callback answered,
    the layout values, the dependencies, the initial callbacks' (output, ms, elements, bytes)).
    """
    client.get_text("/")
    ready = time.perf_counter() - started
    deps = client.get("/_dash-dependencies")
    values = initial_values(client.get("/_dash-layout"))
    calls = []
    for dep in deps:
        if dep.get("prevent_initial_call") or dep.get("clientside_function") or "MATCH" in dep["output"]:
            continue
        if any(wild(d["id"]) for d in dep["inputs"]):
            continue
        changed = [f"{d['id']}.{d['property']}" for d in dep["inputs"]]
        status, ms, body = client.post_read("/_dash-update-component", payload(dep, values, changed))
        if status not in (200, 204):
            raise SystemExit(f"initial {dep['output']}: HTTP {status}")
        calls.append((dep["output"], ms, *elements_sent(body)))
    # the URL's sync has set the controls: the graph draws, as in the page
    values[("url-ready", "data")] = True
    dep = find(deps, "cy.elements")
    changed = [f"{d['id']}.{d['property']}" for d in dep["inputs"]]
    status, ms, body = client.post_read("/_dash-update-component", payload(dep, values, changed))
    calls.append((dep["output"], ms, *elements_sent(body)))
    return ready, time.perf_counter() - started, values, deps, calls


def initial_values(layout: dict) -> dict[tuple[str, str], object]:
    """(id, prop) -> value for every component with a string id in the layout."""
    out: dict[tuple[str, str], object] = {}

    def walk(node: object) -> None:
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict) and "props" in node:
            props = node["props"]
            if isinstance(props.get("id"), str | dict):
                for k, v in props.items():
                    out[(dom_id(props["id"]), k)] = v
            walk(props.get("children"))

    walk(layout)
    return out


def wild(cid: object) -> bool:
    """Whether an id is a pattern (MATCH, ALL, ALLSMALLER), which this replay does not expand."""
    text = cid if isinstance(cid, str) else json.dumps(cid)
    return any(f'"{w}"' in text for w in ("MATCH", "ALL", "ALLSMALLER"))


def wire(cid: str) -> object:
    """An id as the renderer posts it: dict ids as objects."""
    return json.loads(cid) if cid.startswith("{") else cid


def split(prop_id: str) -> tuple[str, str]:
    i, _, p = prop_id.rpartition(".")
    return i, p


def payload(dep: dict, values: dict, changed: list[str]) -> dict:
    """The body the Dash renderer posts for one callback (dict ids as objects, as the browser sends them)."""
    out = dep.get("concrete_output", dep["output"])

    def spec(prop_id: str) -> dict:
        i, p = split(prop_id)
        return {"id": json.loads(i) if i.startswith("{") else i, "property": p}

    outputs = [spec(o) for o in out.strip(".").split("...")] if out.startswith("..") else spec(out)

    def dep_values(items: list[dict]) -> list[dict]:
        return [
            {**spec(f"{d['id']}.{d['property']}"), "value": values.get((d["id"], d["property"]))}
            for d in items
        ]

    return {
        "output": dep["output"],
        "outputs": outputs,
        "inputs": dep_values(dep["inputs"]),
        "state": dep_values(dep["state"]),
        "changedPropIds": changed,
    }


def scenarios(more: list[str] = ()) -> dict[str, list[dict[tuple[str, str], object]]]:
    """Per callback (named by an output it writes), the input changes to replay.

    `more`: further roles (imported ones, say) each drawn, expanded and focused at depth 2.
    """
    filters = [
        {(picker("f-role"), "value"): [ROLES[0]]},
        {(picker("f-role"), "value"): ROLES[:3]},
        {(picker("f-role"), "value"): [], ("f-kinds", "value"): ["Role", "Procedure", "Device"]},
        {("f-essential", "value"): ["on"]},
        {("layout-choice", "value"): "hierarchy"},
        {("layout-choice", "value"): "grouped"},
        {(picker("f-role"), "value"): [ROLES[1]], ("expanded", "data"): [ROLES[1]]},
        {("focus", "data"): ROLES[0], ("focus-depth", "value"): 2},
        {("focus", "data"): ROLES[2], ("focus-depth", "value"): 2},
        {},  # the first screen
        {("f-everything", "value"): ["on"]},  # everything
        *(
            change
            for r in more
            for change in (
                {(picker("f-role"), "value"): [r]},
                {(picker("f-role"), "value"): [r], ("expanded", "data"): [r]},
                {("focus", "data"): r, ("focus-depth", "value"): 2},
            )
        ),
    ]
    return {
        "cy.elements": filters,
        "url.search": filters,
        "detail.children": [{("selected", "data"): r} for r in ROLES],
        SEARCH + ".options": [{(SEARCH_BOX, "value"): t} for t in ("laser", "skin peel", "derm", "inj")],
        picker("f-role") + ".options": [
            {(picker("f-role", "role-picker-search"), "value"): t} for t in ("nurse", "derm", "laser", "te")
        ],
        "ov-heatmap.figure": [
            {("ov-category", "value"): c, ("ov-weighted", "value"): w}
            for c, w in itertools.product(("all", "procedures", "credentials"), ([], ["on"]))
        ],
        "gap-grid.rowData": [
            {(picker("gap-a"), "value"): a, (picker("gap-b"), "value"): b}
            for a, b in itertools.permutations(ROLES[:3], 2)
        ],
        "cur-plan-grid.rowData": [{(picker("cur-roles"), "value"): ROLES[:k]} for k in (2, 3, 5)],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--data", nargs="+", default=[])
    ap.add_argument("--store", default="oxigraph")
    ap.add_argument(
        "--role", nargs="+", default=[], metavar="IRI", help="more roles to draw, expand and focus at depth 2"
    )
    args = ap.parse_args(argv)
    started = time.perf_counter()
    port, server = start_app(args.data, args.store)
    try:
        client = wait_ready(port, server)
        ready, page, values, deps, initial = first_page(client, started)
        print(f"app on port {port}: {len(deps)} callbacks; {args.reps} repetitions per change")
        print(f"serving after {ready:.2f} s; first page (layout + initial callbacks) after {page:.2f} s")
        wait_warm(server)  # the callbacks' figures are a warm app's
        slow = sorted(initial, key=lambda c: -c[1])[:3]
        print("slowest initial callbacks: " + ", ".join(f"{o[:40]} {ms:.0f} ms" for o, ms, *_ in slow))
        most = max(initial, key=lambda c: c[2], default=("", 0, 0, 0))
        print(f"initial graph view: {most[2]} elements, {most[3] / 1000:.0f} kB\n")
        print(
            f"{'callback (output)':34} {'changes':>7} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'1st-call max':>13}"
        )
        biggest = (0, 0)
        for name, changes in scenarios(args.role).items():
            dep = find(deps, name)
            times, firsts = [], []
            for change in changes:
                current = {**values, **change}
                changed = [f"{i}.{p}" for i, p in change] or [
                    f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"
                ]
                body = payload(dep, current, changed)
                status, ms, answer = client.post_read("/_dash-update-component", body)  # nothing cached
                firsts.append(ms)
                biggest = max(biggest, elements_sent(answer))
                for _ in range(args.reps):
                    status, ms = client.post("/_dash-update-component", body)
                    if status not in (200, 204):
                        raise SystemExit(f"{name}: HTTP {status} for {change}")
                    times.append(ms)
            times.sort()
            p50 = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"{name:34} {len(changes):>7} {len(times):>6} {p50:>8.1f} {p95:>8.1f} {times[-1]:>8.1f} {max(firsts):>13.1f}"
            )
        print(f"\nlargest graph view sent: {biggest[0]} elements, {biggest[1] / 1000:.0f} kB")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


def find(deps: list[dict], name: str) -> dict:
    """The callback that writes an output (a MATCH callback made concrete for the component named)."""
    for d in deps:
        if name in d["output"].strip(".").split("...") or d["output"] == name:
            return d
        if name.startswith("{") and '["MATCH"]' in d["output"]:
            concrete = matched(d, json.loads(name.rpartition(".")[0])["name"])
            if concrete["output"] == name:
                return {**concrete, "output": d["output"], "concrete_output": name}
    raise SystemExit(f"no callback writes {name}")


def wait_ready(port: int, server: subprocess.Popen, timeout: float = 120) -> Client:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the app exited with {server.returncode}")
        try:
            client = Client(port)
            client.get("/_dash-dependencies")
            return client
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            time.sleep(0.3)
    raise SystemExit("the app did not start")


if __name__ == "__main__":
    sys.exit(main())
