"""The first graph in headless Chromium beside its static floor, and a filter change (scripts/bench_browser.py).

python -m benchmarks browser [--runs 5] [--data var/esco.nt var/onet.nt]
"""

from __future__ import annotations

import argparse
import contextlib
from typing import TextIO


def configure(parser: argparse.ArgumentParser) -> None:
    """The browser benchmark's options (those of scripts/bench_browser.py)."""
    parser.add_argument("--runs", type=int, default=5, help="page loads and filter changes timed (median)")
    parser.add_argument("--data", nargs="+", default=[], help="imported files (none: the curated graph)")
    parser.add_argument("--store", default="oxigraph", help="the app's --store")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Start the app, time the first graph, the floor page and filter changes; print them."""
    from scripts import bench_browser

    argv = ["--runs", str(args.runs), "--store", args.store, *(["--data", *args.data] if args.data else [])]
    with contextlib.redirect_stdout(out):
        return bench_browser.main(argv)
