"""A private Virtuoso for tests and benchmarks: its own directory, config and free loopback ports.

Never touches the packaged service (port 1111/8890): the database, logs and config live in a
temporary directory that is removed on stop. Use it as a context manager::

    with Virtuoso(max_rows=100_000) as v:
        v.load([Path("data.nt")], "urn:akg:test")
        url = v.endpoint("urn:akg:test")
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
BINARIES = ("virtuoso-t", "isql-vt", "inifile")


class VirtuosoError(RuntimeError):
    """Virtuoso is missing, did not start, or refused a load; the message says what to do."""


def missing() -> str | None:
    """Why a private Virtuoso cannot run here (a message naming the fix), or None if it can."""
    absent = [b for b in BINARIES if shutil.which(b) is None]
    if absent or not PACKAGED_INI.is_file():
        what = ", ".join(absent) if absent else str(PACKAGED_INI)
        return (
            f"Virtuoso is not installed ({what} missing): run scripts/test.sh, which installs "
            "virtuoso-opensource non-interactively, then run the tests again"
        )
    return None


def free_port() -> int:
    """A TCP port nobody listens on now on loopback (the kernel picks it, so parallel runs differ)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Virtuoso:
    """One private Virtuoso server on loopback; `start`, `load`, `endpoint`, `stop` (or `with`)."""

    def __init__(
        self,
        *,
        max_rows: int = 1_000_000,
        buffers: int = 20_000,
        directory: Path | None = None,
        start_timeout: float = 30.0,
    ):
        self.max_rows = max_rows
        self.buffers = buffers
        self.start_timeout = start_timeout
        self._own_dir = directory is None
        self.dir = Path(directory or tempfile.mkdtemp(prefix="akg-virtuoso-"))
        self.password = "pw" + secrets.token_hex(8)
        self.sql_port = 0
        self.http_port = 0
        self.proc: subprocess.Popen | None = None

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> Virtuoso:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> Virtuoso:
        """Write the config, start the server, wait for SPARQL and set a new DBA password."""
        why = missing()
        if why:
            raise VirtuosoError(why)
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "data").mkdir(exist_ok=True)
        for _attempt in range(3):  # a port taken between free_port() and bind: try other ports
            self.sql_port, self.http_port = free_port(), free_port()
            while self.http_port == self.sql_port:
                self.http_port = free_port()
            ini = self._write_ini()
            log = open(self.dir / "stdout.log", "wb")  # noqa: SIM115 - kept open for the child's life
            self.proc = subprocess.Popen(
                ["virtuoso-t", "+foreground", "+configfile", str(ini)],
                cwd=self.dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log.close()
            if self._wait_ready():
                break
            self._kill()
        else:
            raise VirtuosoError(f"Virtuoso did not answer on {self.sparql_url}: {self._log_tail()}")
        self.isql(f"SET PASSWORD dba {self.password};", password="dba")
        return self

    def stop(self) -> None:
        """Shut down cleanly (checkpoint and exit), kill if it hangs, and remove the directory."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.isql(None, extra=["-K"], timeout=15)
                self.proc.wait(timeout=15)
            except (VirtuosoError, subprocess.TimeoutExpired):
                self._kill()
        self.proc = None
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _kill(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only this server and its children
        self.proc.wait(timeout=10)

    def _write_ini(self) -> Path:
        ini = self.dir / "virtuoso.ini"
        shutil.copyfile(PACKAGED_INI, ini)
        d = self.dir
        settings = [
            ("Database", "DatabaseFile", d / "virtuoso.db"),
            ("Database", "ErrorLogFile", d / "virtuoso.log"),
            ("Database", "LockFile", d / "virtuoso.lck"),
            ("Database", "TransactionFile", d / "virtuoso.trx"),
            ("Database", "xa_persistent_file", d / "virtuoso.pxa"),
            ("TempDatabase", "DatabaseFile", d / "virtuoso-temp.db"),
            ("TempDatabase", "TransactionFile", d / "virtuoso-temp.trx"),
            ("Parameters", "ServerPort", f"127.0.0.1:{self.sql_port}"),
            ("Parameters", "DirsAllowed", f"., {d / 'data'}, /usr/share/virtuoso-opensource-7/vad"),
            ("Parameters", "NumberOfBuffers", self.buffers),
            ("Parameters", "MaxDirtyBuffers", self.buffers * 3 // 4),
            ("Parameters", "CheckpointInterval", 0),
            ("HTTPServer", "ServerPort", f"127.0.0.1:{self.http_port}"),
            ("URIQA", "DefaultHost", f"127.0.0.1:{self.http_port}"),
            ("SPARQL", "ResultSetMaxRows", self.max_rows),
        ]
        for section, key, value in settings:
            subprocess.run(
                ["inifile", "+inifile", str(ini), "+section", section, "+key", key, "+value", str(value)],
                check=True,
                capture_output=True,
            )
        return ini

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.start_timeout
        probe = self.sparql_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(probe, timeout=2) as resp:
                    if resp.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        return False

    def _log_tail(self) -> str:
        for name in ("virtuoso.log", "stdout.log"):
            p = self.dir / name
            if p.is_file():
                return p.read_text(errors="replace")[-1500:]
        return "(no log)"

    # ------------------------------------------------------------ SQL and loading

    def isql(
        self,
        sql: str | None,
        *,
        password: str | None = None,
        extra: Sequence[str] = (),
        timeout: float = 120,
    ) -> str:
        """Run SQL through isql-vt; any `*** Error` in its output raises with the message."""
        cmd = ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", password or self.password, *extra]
        if sql is not None:
            cmd.append(f"exec={sql}")
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            raise VirtuosoError(f"isql-vt timed out after {timeout} s on: {sql}") from None
        out = done.stdout + done.stderr
        if "*** Error" in out or (done.returncode != 0 and sql is not None):
            raise VirtuosoError(f"isql-vt failed on {sql!r}: {out.strip()[-1000:]}")
        return out

    def load(self, files: Sequence[Path], graph: str) -> None:
        """Bulk-load N-Triples/Turtle files into a named graph; any file the loader rejected raises."""
        data = self.dir / "data"
        names = []
        first = len(list(data.iterdir()))  # numbered on across calls: one name per file and graph
        for i, f in enumerate(files, first):
            name = f"{i:03d}-{Path(f).name}"
            target = data / name
            try:
                os.link(f, target)  # same file system: no copy of half a gigabyte
            except OSError:
                shutil.copyfile(f, target)
            names.append(name)
        for name in names:
            self.isql(f"ld_dir('{data}', '{name}', '{graph}');")
        self.isql("rdf_loader_run(); checkpoint;", timeout=600)
        out = self.isql(
            "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL OR ll_state <> 2;"
        )
        if "0 Rows." not in out:
            raise VirtuosoError(f"Virtuoso's bulk loader reported errors in DB.DBA.load_list: {out.strip()}")

    # ------------------------------------------------------------ where to ask

    @property
    def sparql_url(self) -> str:
        """The bare SPARQL endpoint."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def endpoint(self, graph: str | None = None) -> str:
        """The SPARQL endpoint URL, with `default-graph-uri` set when a graph is named."""
        if graph is None:
            return self.sparql_url
        return self.sparql_url + "?" + urllib.parse.urlencode({"default-graph-uri": graph})
