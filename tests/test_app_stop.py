"""Stopping the app (app.py, as run.sh serves it) on a big persisted store: within 5 s, no crash, ten times out of ten.

The fixture holds just over the "big store" threshold of labelled entities, so the app warms its
projections in the background exactly as with ESCO and O*NET loaded; each run deletes the cached
projections first, so the warm-up is still running when the app is told to stop.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from graph.paths import ROOT
from graph.ui.context import DEFAULT_SEED_ABOVE

CRASHES = ("SIGSEGV", "SIGABRT", "SIGKILL", "terminate called", "Traceback", "core dumped")


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> tuple[Path, Path]:
    """A data file with more labelled entities than the big-store threshold, and a var/ for its store."""
    root = tmp_path_factory.mktemp("stop")
    data = root / "many.nt"
    with data.open("w", encoding="utf-8") as f:
        for n in range(DEFAULT_SEED_ABOVE + 500):
            iri = f"<https://example.org/procedure/{n}>"
            f.write(f"{iri} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ")
            f.write("<https://w3id.org/aesthetics-kg/ontology#Procedure> .\n")
            f.write(f'{iri} <http://www.w3.org/2004/02/skos/core#prefLabel> "procedure {n}"@en .\n')
    return data, root / "var"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_then_stop(data: Path, var: Path, log: Path) -> tuple[int, float]:
    """Start app.py (gunicorn), wait for the first page, SIGTERM it; its exit code and seconds to stop."""
    port = free_port()
    env = {**os.environ, "AKG_VAR": str(var), "PYTHONPATH": str(ROOT)}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--data", str(data), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                        assert r.status == 200
                    break
                except OSError:
                    assert proc.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, "the app never served"
                    time.sleep(0.2)
            while "building the index projection" not in log.read_text():  # stop in mid warm-up
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.05)
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
            return code, time.monotonic() - started
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_the_big_app_stops_within_5_s_without_a_crash_ten_times(big_store, tmp_path):
    data, var = big_store
    for attempt in range(10):
        for projections in var.glob("stores/*.projections"):
            shutil.rmtree(projections)  # so the background warm-up is busy when the stop comes
        log = tmp_path / f"app-{attempt}.log"
        code, seconds = serve_then_stop(data, var, log)
        text = log.read_text()
        assert code == 0 and seconds <= 5, (attempt, code, seconds, text)
        assert not any(c in text for c in CRASHES), (attempt, text)
