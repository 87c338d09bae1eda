"""The big graph against the small one: store build, scan floor, role-item projection, aggregates, first search.

Two fresh processes over one new store directory: `cold` builds the store and precomputes (what
the first start after an import pays), `warm` opens it again as the app does on every later start.
CPU seconds are printed beside wall seconds: on a shared machine they are the steadier figure.

    python -m benchmarks scale --data var/esco.nt var/onet.nt
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from graph.paths import ROOT

AGGREGATES: tuple[tuple[str, dict[str, str]], ...] = (
    ("counts_by_class", {}),
    ("kinds_present", {}),
    ("filter_options", {"class": "akg:Role"}),
    ("filter_options", {"class": "akg:Procedure"}),
    ("link_categories", {}),
    ("count_entities", {}),
)
SEARCHES = ("laser", "hair removal", "aesthetician", "IPL")
GOAL_SERVING_S, GOAL_PROJECTIONS_S = (
    10.0,
    20.0,
)  # issue 22: serving, and every projection ready, after an import


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the scale benchmark's options."""
    parser.add_argument(
        "--data", nargs="+", required=True, help="the imported files (var/esco.nt var/onet.nt)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per aggregate (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run the cold and the warm phase in their own processes; print a table (or JSON)."""
    with tempfile.TemporaryDirectory(prefix="akg-scale-") as root:
        figures = {phase: _phase(phase, args, root) for phase in ("cold", "warm")}
    if args.json:
        out.write(json.dumps(figures, indent=2) + "\n")
    else:
        out.write(render(figures))
    return 0


def _phase(phase: str, args: argparse.Namespace, root: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.scale", phase, root, str(args.repeat), *args.data]
    done = subprocess.run(
        cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    if done.returncode != 0:
        raise RuntimeError(f"scale benchmark {phase} phase failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _timed(fn: Callable[[], object]) -> tuple[object, dict[str, float]]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, {
        "wall_s": round(time.perf_counter() - wall, 4),
        "cpu_s": round(time.process_time() - cpu, 4),
    }


def cold(root: Path, files: list[str]) -> dict[str, Any]:
    """Build the store, measure the scan floor and the role-item projection, then precompute."""
    from graph import queries
    from graph.network import role_items
    from graph.stores import StoreSpec, open_store
    from graph.workspace import WARM, Workspace

    spec = StoreSpec.parse("oxigraph", files)
    spec = StoreSpec(spec.kind, spec.data, root=root)
    store, build = _timed(lambda: open_store(spec))
    n, scan = _timed(lambda: sum(1 for _ in store.store.quads_for_pattern(None, None, None)))
    _, projection = _timed(
        lambda: role_items(queries.run(store, "role_items"), queries.run(store, "item_mappings"))
    )
    direct = {
        f"{name} {params}".strip(" {}"): _timed(lambda n=name, p=params: queries.run(store, n, p))[1]
        for name, params in AGGREGATES
    }
    store.close()
    ws, precompute = _timed(lambda: Workspace.open(spec))
    projections = {name: _timed(lambda n=name: getattr(ws, n))[1] for name in WARM}  # what the warm-up builds
    return {
        "triples": n,
        "build": build,
        "scan": scan,
        "role_items_projection": projection,
        "projection_over_scan_cpu": round(projection["cpu_s"] / scan["cpu_s"], 2),
        "aggregates_by_query": direct,
        "open_with_precompute": precompute,
        "projections": projections,
        "load_average": os.getloadavg(),
    }


def warm(root: Path, files: list[str], repeat: int) -> dict[str, Any]:
    """Open the built store as a later start does: aggregates, name index read back, first searches."""
    from graph.stores import StoreSpec
    from graph.workspace import Workspace

    spec = StoreSpec.parse("oxigraph", files)
    spec = StoreSpec(spec.kind, spec.data, root=root)
    ws, opened = _timed(lambda: Workspace.open(spec))
    _, loaded = _timed(ws.load_answers)  # what the app does before serving
    aggregates = {}
    for name, params in AGGREGATES:
        first = _timed(lambda n=name, p=params: ws.run(n, p))[1]
        again = [_timed(lambda n=name, p=params: ws.run(n, p))[1]["wall_s"] for _ in range(repeat)]
        aggregates[f"{name} {params}".strip(" {}")] = {
            "first_ms": first["wall_s"] * 1000,
            "p50_ms": statistics.median(again) * 1000,
        }
    _, index = _timed(ws.prepare_search)  # what the app does before serving
    searches = {text: _timed(lambda t=text: ws.search(t))[1]["wall_s"] * 1000 for text in SEARCHES}
    return {
        "open": opened,
        "answers_read_back": loaded,
        "aggregates": aggregates,
        "index_read_back": index,
        "first_searches_ms": searches,
    }


def render(f: dict[str, Any]) -> str:
    """The figures as a few plain lines."""
    c, w = f["cold"], f["warm"]
    lines = [
        f"combined graph: {c['triples']:,} triples",
        f"cold: store build {c['build']['wall_s']:.1f} s; scan floor {c['scan']['cpu_s']:.2f} s CPU "
        f"({c['scan']['wall_s']:.2f} s wall); role-item projection {c['role_items_projection']['cpu_s']:.2f} s CPU "
        f"= {c['projection_over_scan_cpu']}x the scan; open with precompute {c['open_with_precompute']['wall_s']:.1f} s",
        f"cold start before serving (store build + precompute): "
        f"{c['build']['wall_s'] + c['open_with_precompute']['wall_s']:.1f} s (goal <= {GOAL_SERVING_S:g} s); "
        f"then the warm-up's projections {sum(p['wall_s'] for p in c['projections'].values()):.1f} s "
        f"(goal: all ready <= {GOAL_PROJECTIONS_S:g} s): "
        + ", ".join(f"{k} {p['wall_s']:.1f} s" for k, p in c["projections"].items()),
        f"load average during the cold phase: {', '.join(f'{x:.1f}' for x in c['load_average'])}",
        "aggregates (ms): by query on the store | warm, after the app's read-back: first call, p50",
    ]
    for key, t in c["aggregates_by_query"].items():
        a = w["aggregates"][key]
        lines.append(f"  {key:<40} {t['wall_s'] * 1000:8.1f} | {a['first_ms']:6.1f} {a['p50_ms']:6.2f}")
    lines.append(
        f"warm: open {w['open']['wall_s']:.2f} s; answers read back {w['answers_read_back']['wall_s']:.2f} s; "
        f"name index read back {w['index_read_back']['wall_s']:.2f} s; "
        "first searches (ms): " + ", ".join(f"{k!r} {v:.0f}" for k, v in w["first_searches_ms"].items())
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    phase, root_dir, repeat, *data = sys.argv[1:]
    result = cold(Path(root_dir), data) if phase == "cold" else warm(Path(root_dir), data, int(repeat))
    sys.stdout.write(json.dumps(result))
