"""The benchmarks run end to end on tiny settings and report what they promise (smoke tests, not timings)."""

from __future__ import annotations

import argparse
import io
import json
import re

from benchmarks import startup
from benchmarks import stores as bench
from graph import queries
from graph.paths import ROOT


def _run(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    bench.configure(parser)
    out = io.StringIO()
    code = bench.run(parser.parse_args(list(argv)), out)
    return code, out.getvalue()


def test_bench_json_has_every_row_with_positive_figures():
    code, text = _run("--json", "--repeat", "2", "--stores", "oxigraph")
    assert code == 0
    report = json.loads(text)
    assert {"cores", "ram_gib", "python", "pyoxigraph", "rdflib"} <= set(report["machine"])
    assert report["machine"]["cores"] > 0 and report["machine"]["ram_gib"] > 0
    (run,) = report["runs"]
    assert (run["graph"], run["store"]) == ("curated", "oxigraph")
    assert run["triples"] > 1000 and run["rss_after_load_mib"] > 0 and run["peak_rss_mib"] > 0
    rows = run["rows"]
    loads = {r["name"]: r["seconds"] for r in rows if r["kind"] == "load"}
    assert set(loads) == {"first build (bulk load to disk)", "warm re-open (read-only)"}
    assert all(s > 0 for s in loads.values()) and loads["warm re-open (read-only)"] < 1
    timed = [r for r in rows if r["kind"] in ("query", "filter")]
    assert {r["name"] for r in timed if r["kind"] == "query"} == set(queries.catalogue())
    assert len([r for r in timed if r["kind"] == "filter"]) >= 3
    for r in timed:
        if r["status"] == "ok":
            assert r["n"] == 2 and 0 < r["p50_ms"] <= r["p95_ms"], r
    (overlap,) = [r for r in rows if r["kind"] == "overlap"]
    assert overlap["status"] == "ok" and overlap["roles"] >= 8 and overlap["pairs"] > 0
    assert overlap["projection_s"] > 0 and overlap["matrix_s"] >= 0


def test_bench_table_names_machine_and_rows():
    code, text = _run("--repeat", "1", "--stores", "oxigraph")
    assert code == 0
    assert "cores" in text and "pyoxigraph" in text and "all-pairs overlap" in text
    assert "query role_items" in text


def test_unknown_store_is_refused():
    code, text = _run("--stores", "fuseki")
    assert code == 2 and text == ""


def test_startup_reports_each_command_and_its_heavy_imports():
    row = startup.measure(("path", "--help"), repeat=1)
    assert row["command"] == "path --help" and 0 < row["min_ms"] <= row["median_ms"]
    assert row["heavy_imports"] == []  # help needs neither NumPy, SciPy, NetworkX nor rdflib's SPARQL


def test_the_library_never_imports_the_benchmarks():
    import ast

    for path in (ROOT / "graph").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "benchmarks" for n in names), path


def test_scale_benchmark_reports_both_phases_on_a_cut_of_the_combined_graph():
    from benchmarks import scale

    parser = argparse.ArgumentParser()
    scale.configure(parser)
    sample = str(ROOT / "tests" / "fixtures" / "combined-sample.nt")
    out = io.StringIO()
    assert scale.run(parser.parse_args(["--data", sample, "--repeat", "1", "--json"]), out) == 0
    figures = json.loads(out.getvalue())
    cold, warm = figures["cold"], figures["warm"]
    assert cold["triples"] > 2000 and cold["scan"]["cpu_s"] > 0 and cold["projection_over_scan_cpu"] > 0
    assert set(cold["aggregates_by_query"]) == set(warm["aggregates"])
    assert all(a["first_ms"] >= 0 for a in warm["aggregates"].values())
    assert set(warm["first_searches_ms"]) == set(scale.SEARCHES)
    assert "role-item projection" in scale.render(figures)
    from graph.workspace import WARM

    assert set(cold["projections"]) == set(WARM) and "goal <= 10 s" in scale.render(figures)


def test_endpoint_benchmark_times_both_endpoints_and_the_http_cache():
    """Run against two real endpoints (here both ours, on the curated graph): rows compared, 304s timed."""
    from benchmarks import endpoint
    from graph.sandbox import Sandbox
    from graph.stores import StoreSpec
    from tests.endpoint_server import make_app, serving

    parser = argparse.ArgumentParser()
    endpoint.configure(parser)
    with Sandbox(StoreSpec(), workers=1) as box, serving(make_app(box, rate_per_minute=1_000_000)) as url:
        args = [
            "--ours",
            url,
            "--virtuoso",
            url,
            "--repeat",
            "2",
            "--only",
            "kinds_present",
            "role_items",
            "--json",
        ]
        out = io.StringIO()
        assert endpoint.run(parser.parse_args(args), out) == 0
    report = json.loads(out.getvalue())
    assert {c["query"] for c in report["cases"]} == {"kinds_present", "role_items"}
    assert all(
        c["same_rows"] and c["ours_p50_ms"] > 0 and c["revalidated_status"] == 304 for c in report["cases"]
    )
    assert report["summary"]["cases"] == len(report["cases"]) and "geometric mean" in endpoint.render(report)
    # untimed rounds: one per worker of our sandbox (each holds its own caches), on both endpoints
    assert report["warmup_rounds"] == endpoint.default_workers(endpoint.BENCH_POLICY) >= 2


def test_firstuse_benchmark_times_serving_projections_and_each_first_click(tmp_path):
    from benchmarks import firstuse
    from graph.workspace import WARM

    parser = argparse.ArgumentParser()
    firstuse.configure(parser)
    sample = str(ROOT / "tests" / "fixtures" / "combined-sample.nt")
    out = io.StringIO()
    args = ["--data", sample, "--cold", "--repeat", "2", "--json"]
    assert firstuse.run(parser.parse_args(args), out) == 0
    figures = json.loads(out.getvalue())
    assert figures["graph"] == "ESCO + O*NET" and 0 < figures["serving_s"] <= figures["all_ready_s"]
    assert set(figures["projections_s"]) == set(WARM)
    assert set(figures["actions"]) == set(firstuse.GOALS_MS)
    for name, action in figures["actions"].items():  # each action drew the aesthetician's neighbourhood
        assert action["nodes"] > 1 and 0 < action["p50_ms"] <= action["max_ms"], name
        assert action["first_cpu_ms"] > 0 and action["p50_cpu_ms"] > 0, name
    assert 0 < figures["serving_cpu_s"] <= figures["all_ready_cpu_s"]
    table = firstuse.render(figures)
    assert "| focus depth 2 |" in table and "<= 300" in table and "load average" in table


def test_browser_benchmark_prints_the_first_graph_beside_its_floor_and_a_filter_change():
    from benchmarks.__main__ import main

    out = io.StringIO()  # a real app and a real headless Chromium, on the curated graph
    assert main(["browser", "--runs", "1"], out) == 0
    text = out.getvalue()
    assert "first graph drawn after navigation (goal <= 1 s)" in text and "goal <= 1.5x" in text, text
    for way in (
        "cold open, a new tab each load",
        "reload, the page before at rest",
        "back to back in one tab",
    ):
        line = re.search(
            rf"  {way}[^:]*: (\d+) ms \(runs [\d, ]+\); floor (\d+) ms \(runs [\d, ]+\); ([\d.]+)x", text
        )
        assert line and int(line[1]) > 0 and int(line[2]) > 0, (way, text)
        assert abs(float(line[3]) - int(line[1]) / int(line[2])) < 0.02, text  # the ratio of the two
    assert re.search(r"filter change to the new view drawn: \d+ ms", text), text
