"""What the subcommands in several modules share: the workspace they open, the notes they print, atomic writes."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from graph.errors import GraphError
from graph.stores import StoreSpec
from graph.workspace import Workspace


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The workspace the global --store and --data options name, opened once per command."""
    return Workspace.open(StoreSpec.parse(args.store, args.data))


def print_notes(ws: Workspace, err: TextIO) -> None:
    """Tell the user which namesake a name was taken for, when a tie went to the curated entity."""
    for note in ws.notes:
        err.write(f"note: {note}\n")
    ws.notes.clear()


def write_out(text: str, path: str | None, out: TextIO) -> int:
    """Write to stdout, or to a file atomically (a temporary file beside it, renamed when complete)."""
    if not path:
        out.write(text)
        return 0
    target = Path(path)
    if target.is_dir():
        raise GraphError(f"--out {path} is a directory; name a file")
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GraphError(f"--out {path}: cannot write: {exc.strerror or exc}") from None
    return 0
