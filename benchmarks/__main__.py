"""The one runner: `python -m benchmarks stores|scale|endpoint|firstuse|browser|startup|transitions [...]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from benchmarks import browser, endpoint, firstuse, scale, startup, stores, transitions

BENCHMARKS = {
    "stores": (stores, "stores x graphs: load, memory, query and redraw latency, all-pairs overlap"),
    "scale": (
        scale,
        "the combined graph: store build, scan floor, role-item projection, aggregates, first search",
    ),
    "endpoint": (endpoint, "our /sparql beside Virtuoso's for every catalogue query, over HTTP, in one run"),
    "firstuse": (
        firstuse,
        "first use after a start: serving, every projection ready, then a path, a focus, an expand",
    ),
    "browser": (browser, "the first graph in headless Chromium beside its static floor, and a filter change"),
    "startup": (startup, "wall time of command-line calls and which heavy libraries each imports"),
    "transitions": (
        transitions,
        "transitions: recall@10 and MRR against O*NET's Related Occupations (not an input), and speed",
    ),
}


def parser() -> argparse.ArgumentParser:
    """One subcommand per benchmark module, each adding its own options."""
    p = argparse.ArgumentParser(prog="python -m benchmarks", description="Benchmarks (print figures).")
    sub = p.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    for name, (module, summary) in BENCHMARKS.items():
        module.configure(sub.add_parser(name, help=summary, description=summary))
    return p


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one benchmark; return its exit code."""
    args = parser().parse_args(argv)
    module, _ = BENCHMARKS[args.benchmark]
    return module.run(args, out or sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
