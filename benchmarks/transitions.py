"""Transitions: an honest evaluation against O*NET's Related Occupations, and the speed of one role against all.

Evaluation: O*NET 29.3 is imported with its Related Occupations.txt emptied (header only), so no
occupation-to-occupation link is an input; the reference is that file's Primary-Short tier (10 per
occupation). Occupations with a reference list are split by a hash of their code into a development
half (weights tuned there, by coordinate ascent on recall@10) and an evaluation half (reported).
Recall@10 and MRR count ranks among O*NET occupations (--within onet). Ablations: each part alone
and the whole score without it, on the evaluation half.

Speed: with ESCO + O*NET loaded (--data), one role against every role, warm (model built), p50/p95.

    python -m benchmarks transitions [--reference DIR] [--data var/esco.nt var/onet.nt] [--repeat 20]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from graph.paths import ONTOLOGY, ROOT
from graph.transitions.score import PARTS, SIMILARITY, WEIGHTS, contributions, learned_rows, raw_parts, total

ONET = "https://www.onetonline.org/link/summary/"
RELATED = "Related Occupations.txt"
TIER = "Primary-Short"
#: the values coordinate ascent tries for each weight
GRID = {
    **{k: (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0) for k in SIMILARITY},
    "credentials": (0.0, 0.05, 0.1, 0.2),
    "step_up": (0.0, 0.02, 0.05, 0.1, 0.2),
    "step_down": (0.0, 0.02, 0.05, 0.1, 0.2),
}


def configure(p: argparse.ArgumentParser) -> None:
    """The options of `python -m benchmarks transitions`."""
    p.add_argument("--reference", type=Path, default=_reference(), help="directory holding onet-29.3/")
    p.add_argument("--data", nargs="*", default=[], help="RDF files for the speed run (e.g. ESCO + O*NET)")
    p.add_argument("--repeat", type=int, default=20, help="timed rankings for the speed run (default 20)")
    p.add_argument("--role", default="medical aesthetician", help="the role the speed run ranks from")
    p.add_argument("--skip-eval", action="store_true", help="only the speed run")


def _reference() -> Path:
    for root in (ROOT.parent, ROOT.parent.parent):
        if (root / "shared" / "reference").is_dir():
            return root / "shared" / "reference"
    return ROOT.parent / "shared" / "reference"


def reference_links(path: Path) -> dict[str, tuple[str, ...]]:
    """Occupation IRI -> its Primary-Short related occupations, in O*NET's index order."""
    found: dict[str, list[tuple[int, str]]] = {}
    with path.open(encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {c: i for i, c in enumerate(header)}
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if len(cells) == len(header) and cells[col["Relatedness Tier"]] == TIER:
                found.setdefault(ONET + cells[col["O*NET-SOC Code"]], []).append(
                    (int(cells[col["Index"]]), ONET + cells[col["Related O*NET-SOC Code"]])
                )
    return {k: tuple(o for _n, o in sorted(v)) for k, v in sorted(found.items())}


def split(occupation: str) -> str:
    """'dev' or 'eval', by a hash of the code: stable, and no occupation is in both."""
    return "dev" if hashlib.sha256(occupation.encode()).digest()[0] % 2 == 0 else "eval"


def evaluation_workspace(onet_dir: Path, work: Path):
    """A workspace over the ontology and O*NET imported without Related Occupations (header only)."""
    from graph.importers import import_onet
    from graph.stores.oxigraph import memory_oxigraph
    from graph.workspace import Workspace

    src = work / "onet-without-related"
    shutil.copytree(onet_dir, src)
    header = (src / RELATED).read_text(encoding="utf-8").splitlines()[0]
    (src / RELATED).write_text(header + "\n", encoding="utf-8")
    out = work / "onet-without-related.nt"
    summary = import_onet(src, out, progress=None)
    assert summary.counts["related_links"] == 0
    store = memory_oxigraph([ONTOLOGY, out])
    related = store.query("ASK { ?a <https://w3id.org/aesthetics-kg/ontology#relatedOccupation> ?b }")
    assert not related.boolean, "related-occupation links must not be an input"
    return Workspace(store)


class Evaluation:
    """Every part for every evaluated occupation against every O*NET occupation, computed once."""

    def __init__(self, model, reference: Mapping[str, tuple[str, ...]]):
        import numpy as np

        self.model = model
        self.sources = [o for o in reference if o in model.position]
        idx = [model.position[o] for o in self.sources]
        self.values, self.avail = raw_parts(model, idx, learned_rows(model, idx))
        allowed = model.within("onet")
        self.allowed = np.broadcast_to(allowed, (len(idx), len(model.roles))).copy()
        self.allowed[np.arange(len(idx)), idx] = False  # never the occupation itself
        self.relevant = np.zeros_like(self.allowed)
        for n, o in enumerate(self.sources):
            for r in reference[o]:
                if r in model.position:
                    self.relevant[n, model.position[r]] = True

    def scores(self, weights: Mapping[str, float], rows: Sequence[int]) -> tuple[float, float]:
        """Recall@10 and MRR over the rows (sources) for these weights."""
        import numpy as np

        rows = np.asarray(rows)
        vals = {k: v[rows] for k, v in self.values.items()}
        avail = {k: v[rows] for k, v in self.avail.items()}
        score = total(contributions(vals, avail, weights))
        score = np.where(self.allowed[rows], np.round(score, 12), -np.inf)
        ranked = np.argsort(-score, axis=1, kind="stable")  # ties by IRI (the model's role order)
        rel = np.take_along_axis(self.relevant[rows], ranked, axis=1)
        recall = rel[:, :10].sum(axis=1) / np.maximum(self.relevant[rows].sum(axis=1), 1)
        first = np.argmax(rel, axis=1)
        rr = np.where(rel.any(axis=1), 1.0 / (first + 1), 0.0)
        return float(recall.mean()), float(rr.mean())


def tune(
    ev: Evaluation, rows: Sequence[int], start: Mapping[str, float], rounds: int = 3
) -> dict[str, float]:
    """Coordinate ascent on recall@10 (MRR breaks ties) over GRID, from `start`."""
    best = dict(start)
    best_score = ev.scores(best, rows)
    for _ in range(rounds):
        improved = False
        for key, values in GRID.items():
            for v in values:
                trial = {**best, key: v}
                s = ev.scores(trial, rows)
                if s > best_score:
                    best, best_score, improved = trial, s, True
        if not improved:
            break
    return best


def _evaluate(args: argparse.Namespace, out: TextIO) -> None:
    onet_dir = args.reference / "onet-29.3"
    reference = reference_links(onet_dir / RELATED)
    with tempfile.TemporaryDirectory(prefix="akg-transitions-") as tmp:
        started = time.perf_counter()
        ws = evaluation_workspace(onet_dir, Path(tmp))
        model = ws.transition_model
        built = time.perf_counter() - started
    ev = Evaluation(model, reference)
    dev = [n for n, o in enumerate(ev.sources) if split(o) == "dev"]
    test = [n for n, o in enumerate(ev.sources) if split(o) == "eval"]
    out.write(
        f"O*NET 29.3 without Related Occupations as input: {len(model.roles)} roles, import + store + model "
        f"{built:.1f} s; reference: {TIER}, {len(ev.sources)} occupations ({len(dev)} dev, {len(test)} eval)\n"
    )
    tuned = tune(ev, dev, WEIGHTS)
    for name, weights in (
        ("shipped weights (graph.transitions.score.WEIGHTS)", WEIGHTS),
        ("tuned on dev", tuned),
    ):
        (r_dev, m_dev), (r_ev, m_ev) = ev.scores(weights, dev), ev.scores(weights, test)
        out.write(f"{name}: eval recall@10 {r_ev:.3f}, MRR {m_ev:.3f} (dev {r_dev:.3f}, {m_dev:.3f})\n")
    out.write("tuned weights: " + ", ".join(f"{k}={v:g}" for k, v in tuned.items()) + "\n")
    out.write("what carried it (eval split, shipped weights):\n")
    out.write(
        f"  {'part':<12} {'alone r@10':>10} {'alone MRR':>9} {'without r@10':>12} {'without MRR':>11}\n"
    )
    for part in PARTS:
        keys = ("step_up", "step_down") if part == "step" else (part,)
        if part in SIMILARITY:
            alone = {k: (WEIGHTS[k] if k == part else 0.0) for k in WEIGHTS}
            a_r, a_m = ev.scores(alone, test)
            a = f"{a_r:>10.3f} {a_m:>9.3f}"
        else:
            a = f"{'-':>10} {'-':>9}"
        w_r, w_m = ev.scores({**WEIGHTS, **dict.fromkeys(keys, 0.0)}, test)
        out.write(f"  {part:<12} {a} {w_r:>12.3f} {w_m:>11.3f}\n")


def _speed(args: argparse.Namespace, out: TextIO) -> None:
    from graph.stores import StoreSpec
    from graph.transitions import rank
    from graph.workspace import Workspace

    ws = Workspace.open(StoreSpec.parse("oxigraph", [Path(d) for d in args.data]))
    started = time.perf_counter()
    ws.transition_model  # noqa: B018 - the warm-up being measured
    warm = time.perf_counter() - started
    role = str(ws.resolve_role(args.role))
    times = []
    for _ in range(max(args.repeat, 1)):
        t = time.perf_counter()
        rank(ws, role, top=10)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    out.write(
        f"speed: {ws.label(role)} against {len(ws.transition_model.roles)} roles "
        f"({', '.join(map(str, args.data)) or 'curated graph'}): model ready in {warm:.1f} s; "
        f"one ranking (top 10 with gaps) p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms "
        f"over {len(times)} runs\n"
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Evaluate against Related Occupations (unless --skip-eval), then time one ranking."""
    if not args.skip_eval:
        _evaluate(args, out)
    _speed(args, out)
    return 0
