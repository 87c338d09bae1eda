"""Start-up cost of the command line: wall time of whole `python -m graph …` processes, and what each imports.

A command on the curated graph should answer in 250 ms or less; the heavy libraries (NumPy, SciPy,
NetworkX, rdflib's SPARQL engine) load only for the commands that need them, which this shows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from graph.paths import ROOT

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("gap", "--help"),
    ("queries",),
    ("stats",),
    ("query", "roles_by_item", "-p", "item=laser hair removal"),
    ("overlap", "--roles", "medical aesthetician", "esthetician"),
    ("gap", "medical aesthetician", "aesthetic medical laser technician"),
    ("curriculum", "medical aesthetician", "esthetician"),
    ("overlap", "--top", "5"),
    ("path", "medical aesthetician", "NCLE", "--limit", "1"),
)
HEAVY = ("numpy", "scipy", "networkx", "rdflib.plugins.sparql", "pyshacl")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the start-up benchmark's options."""
    parser.add_argument("--repeat", type=int, default=7, help="runs per command line (default 7)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="CHECKOUT",
        help="also time another checkout of the project (e.g. an older commit), interleaved, for a fair comparison",
    )


def _once(argv: tuple[str, ...], root: Path, *, check: bool = True) -> float | None:
    """Seconds for one whole process; None when another checkout lacks the command."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "graph", *argv], cwd=root, capture_output=True, check=check)
    return time.perf_counter() - start if done.returncode == 0 else None


def _heavy(argv: tuple[str, ...], root: Path) -> list[str]:
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "graph", *argv], cwd=root, capture_output=True, text=True
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in probe.stderr.splitlines() if "|" in line}
    return [m for m in HEAVY if m in imported]


def measure(argv: tuple[str, ...], repeat: int, other: Path | None = None) -> dict[str, Any]:
    """Wall times of `python -m graph ARGV` in fresh processes, which heavy modules it imported, and
    the same for another checkout when given (runs interleaved, so both see the same machine load)."""
    times: list[float] = []
    theirs: list[float | None] = []
    for _ in range(repeat):
        times.append(_once(argv, ROOT) or 0.0)
        if other is not None:
            theirs.append(_once(argv, other, check=False))
    row = {
        "command": " ".join(argv),
        "min_ms": round(min(times) * 1000, 1),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "heavy_imports": _heavy(argv, ROOT),
    }
    if other is not None:
        ok = [t for t in theirs if t is not None]
        row["other_median_ms"] = round(statistics.median(ok) * 1000, 1) if ok else None
        row["other_heavy_imports"] = _heavy(argv, other)
    return row


def baseline(repeat: int) -> float:
    """Milliseconds for the interpreter alone (`python -c pass`), for scale."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Time every command line and print a table (or JSON)."""
    rows = [measure(c, args.repeat, args.compare) for c in COMMANDS]
    report = {"python_alone_ms": baseline(args.repeat), "repeat": args.repeat, "commands": rows}
    if args.compare:
        report["other"] = str(args.compare)
    if args.json:
        json.dump(report, out, indent=2)
        out.write("\n")
        return 0
    out.write(f"start-up, {args.repeat} runs each (python alone: {report['python_alone_ms']} ms median)\n")
    other = f" {'other median':>12}" if args.compare else ""
    out.write(f"{'command':<66} {'min ms':>8} {'median ms':>10}{other}  heavy imports\n")
    for r in rows:
        heavy = ", ".join(r["heavy_imports"]) or "-"
        theirs = f" {r['other_median_ms'] or 'n/a':>12}" if args.compare else ""
        line = (
            f"{'python -m graph ' + r['command']:<66} {r['min_ms']:>8} {r['median_ms']:>10}{theirs}  {heavy}"
        )
        if args.compare:
            line += f"  (other: {', '.join(r['other_heavy_imports']) or '-'})"
        out.write(line + "\n")
    if args.compare:
        out.write(f"other: {args.compare}\n")
    return 0
