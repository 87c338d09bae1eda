"""Matching evaluation and cost: hit@5 and MRR of BM25 vs a token-overlap baseline on ESCO, build time, latency.

Two evaluation sets from real data nobody tuned on:
- held-out synonyms: for a sample of ESCO skills with two or more alternative labels, one alternative
  label is taken out of the index and used as the query; the answer is its skill;
- O*NET tasks: task statements of O*NET occupations that the ESCO-O*NET crosswalk maps to ESCO
  occupations; a hit is any essential skill of those ESCO occupations.

    python -m benchmarks.matching [--data var/esco.nt] [--sample 1000] [--reference DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from graph import queries
from graph.match import ALT, MatchIndex, build_index
from graph.paths import ROOT, VAR
from graph.stores import StoreSpec
from graph.workspace import Workspace

ESCO = "http://data.europa.eu/esco/"


def _reference() -> Path:
    for root in (ROOT.parent, ROOT.parent.parent):
        if (root / "shared" / "reference").is_dir():
            return root / "shared" / "reference"
    return ROOT.parent / "shared" / "reference"


def _key(*parts: str) -> str:
    """A stable pseudo-random order: the same sample on every machine and run."""
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def held_out_synonyms(rows: Sequence[Sequence[str]], n: int) -> list[tuple[str, str]]:
    """(synonym, skill) pairs: one alternative label of n ESCO skills that have two or more."""
    alts: dict[str, list[str]] = {}
    for entity, _k, _f, _l, field, value in rows:
        if field == ALT and entity.startswith(ESCO):
            alts.setdefault(entity, []).append(value)
    skills = sorted((e for e, v in alts.items() if len(set(v)) >= 2), key=_key)[:n]
    return [(min(set(alts[e]), key=lambda v, e=e: _key(e, v)), e) for e in skills]


def onet_tasks(reference: Path, n: int) -> list[tuple[str, frozenset[str]]]:
    """(task statement, essential skills of the crosswalked ESCO occupations) for n O*NET tasks."""
    occupations: dict[str, set[str]] = {}
    with (reference / "esco-onet-crosswalk" / "esco_onet_crosswalk_Nov2020.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            occupations.setdefault(row["onet_code"], set()).add(row["concept_uri"])
    skills: dict[str, set[str]] = {}
    with (reference / "esco-1.1.1" / "occupationSkillRelations.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["relationType"] == "essential":
                skills.setdefault(row["occupationUri"], set()).add(row["skillUri"])
    tasks = []
    with (reference / "onet-29.3" / "Task Statements.txt").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            gold = set().union(*(skills.get(o, set()) for o in occupations.get(row["O*NET-SOC Code"], ())))
            if gold:
                tasks.append((row["Task"], frozenset(gold)))
    return sorted(tasks, key=lambda t: _key(t[0]))[:n]


def evaluate(index: MatchIndex, cases: Sequence[tuple[str, frozenset[str]]], k: int = 5) -> dict[str, float]:
    """hit@k, MRR (over the top 100) and per-line latency (top 5, as `match` answers) on (query, answers) cases."""
    hits, rr, times = 0, 0.0, []
    for text, gold in cases:
        t = time.perf_counter()
        index.match(text, top=5)
        times.append(time.perf_counter() - t)
        ranked = index.match(text, top=100)
        rank = next((n for n, m in enumerate(ranked, 1) if m.iri in gold), None)
        hits += rank is not None and rank <= k
        rr += 1 / rank if rank else 0.0
    ms = sorted(x * 1000 for x in times)
    return {
        "hit@5": hits / len(cases),
        "mrr": rr / len(cases),
        "p50_ms": statistics.median(ms),
        "p95_ms": ms[int(0.95 * (len(ms) - 1))],
    }


def _catalogue(data: Sequence[Path]) -> tuple[list[tuple[str, ...]], float]:
    ws = Workspace.open(StoreSpec.parse("oxigraph", list(data)))
    t = time.perf_counter()
    rows = queries.run(ws.store, "match_catalogue").rows
    elapsed = time.perf_counter() - t
    return [tuple(str(x) for x in r) for r in rows], elapsed


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the evaluation table and the costs."""
    data = [Path(d) for d in args.data]
    if not all(p.is_file() for p in data):
        out.write(f"missing {', '.join(map(str, data))}: python -m graph import esco … --out var/esco.nt\n")
        return 1
    rows, query_s = _catalogue(data)
    synonyms = held_out_synonyms(rows, args.sample)
    exclude = frozenset((e, s) for s, e in synonyms)
    sets = {
        "held-out ESCO synonyms": [(s, frozenset([e])) for s, e in synonyms],
        "O*NET tasks -> ESCO skills": onet_tasks(Path(args.reference), args.sample),
    }
    out.write(
        f"catalogue: {len(rows):,} rows (match_catalogue.rq, {query_s:.1f} s on {', '.join(map(str, data))})\n"
    )
    out.write(
        f"{'set':28} {'method':22} {'cases':>6} {'hit@5':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7} {'build s':>8}\n"
    )
    for method, baseline in (("token overlap (Jaccard)", True), ("BM25 + synonyms + defs", False)):
        t = time.perf_counter()
        index = build_index(rows, baseline=baseline, exclude=exclude)
        build_s = time.perf_counter() - t
        for name, cases in sets.items():
            r = evaluate(index, cases)
            out.write(
                f"{name:28} {method:22} {len(cases):6d} {r['hit@5']:6.3f} {r['mrr']:6.3f} "
                f"{r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {build_s:8.1f}\n"
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write(f"peak memory: {rss:.0f} MB; install size: 0 MB beyond numpy and scipy (already required)\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options and run."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.matching", description=__doc__.splitlines()[0])
    p.add_argument("--data", nargs="+", default=[str(VAR / "esco.nt")], help="RDF files holding ESCO")
    p.add_argument("--sample", type=int, default=1000, help="cases per evaluation set (default 1000)")
    p.add_argument("--reference", default=str(_reference()), help="the shared/reference directory")
    return run(p.parse_args(argv), sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
