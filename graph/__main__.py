"""python -m graph: the command line; run outside the project's virtual environment, it says how to run it."""

import os
import shlex
import sys
from pathlib import Path


def _outside_the_environment(missing: str) -> int:
    """One line instead of a traceback: the package is missing because this is not the project's Python."""
    venv = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "python"
    command = shlex.join([os.path.relpath(venv), "-m", "graph", *sys.argv[1:]])
    how = (
        f"run {command} (or `. {os.path.relpath(venv.parent)}/activate` first)"
        if venv.exists()
        else f"create it with `bash scripts/run.sh` (or scripts/test.sh), then run {command}"
    )
    print(
        f"error: {missing} is not installed for {sys.executable}: the command needs the project's "
        f"virtual environment; {how}",
        file=sys.stderr,
    )
    return 2


# a label a terminal's encoding cannot show is written escaped (\u201c), not a traceback halfway through a table
for _stream in (sys.stdout, sys.stderr):
    if hasattr(_stream, "reconfigure"):
        _stream.reconfigure(errors="backslashreplace")

try:
    from graph.cli import main

    code = main()
except ModuleNotFoundError as exc:
    if not exc.name or exc.name.split(".")[0] in ("graph", "benchmarks"):
        raise
    code = _outside_the_environment(exc.name.split(".")[0])
sys.exit(code)
