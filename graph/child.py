"""Run a piece of the library in a child Python process that dies with its parent (even after kill -9)."""

from __future__ import annotations

import atexit
import functools
import os
import pickle
import subprocess
import sys

from graph.paths import ROOT


def run_in_child(code: str, payload: object) -> bool:
    """Run `python -c code` with payload pickled on its stdin; True if it exited cleanly.

    A plain subprocess, not multiprocessing: nothing re-imports the server's main module, and an
    exit handler terminates the child if the app stops first.
    """
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))),
    }
    # first thing in the child: watch this process and exit when it goes (kill -9 leaves no orphan); a
    # polling thread, not PR_SET_PDEATHSIG, with which the app took 6 s to stop mid warm-up (test_app_stop)
    guard = f"from graph.lifeline import watch_parent; watch_parent({os.getpid()})\n"
    proc = subprocess.Popen([sys.executable, "-c", guard + code], stdin=subprocess.PIPE, env=env)
    stop = functools.partial(_stop, proc)
    atexit.register(stop)
    assert proc.stdin is not None
    with proc.stdin:
        pickle.dump(payload, proc.stdin)
    status = proc.wait()
    atexit.unregister(stop)
    return status == 0


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the child at exit (it only reads the store and writes files atomically)."""
    proc.terminate()
    proc.wait(timeout=5)
