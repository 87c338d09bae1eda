"""The worker processes: each holds its own copy of the store, answers over a pipe, and can be killed.

rdflib's evaluator (and a catastrophic REGEX inside it) can hold the GIL for minutes, so no thread
timer can stop a runaway query: a query past its time limit has its worker killed and replaced.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import multiprocessing
import os
import re
import signal
import tempfile
import threading
import time
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from pathlib import Path

from graph.errors import GraphError, QueryError, QueryTimeout, RefusedQuery, SandboxBusy, StoreError
from graph.sandbox import shared
from graph.sandbox.check import Limits
from graph.sandbox.local import Writers, Written, execute, execute_written
from graph.stores import QueryDataset, Result, StoreSpec, open_store
from graph.stores.disk import process_alive

WORKER_MEMORY_BYTES = 3 * 1024**3  # address space per worker: a runaway result dies, the server does not
OUT_OF_MEMORY = f"the query needed more memory than the limit of {WORKER_MEMORY_BYTES / 1024**3:g} GiB"
# How a worker dies when an allocation fails: Rust aborts (SIGABRT), the kernel's OOM killer sends SIGKILL.
_OOM_EXITS = (-signal.SIGABRT, -signal.SIGKILL)
_PANIC = re.compile(r"panicked at [^\n]*:\n([^\n]+)")  # Rust's panic: where, then its message
START_TIMEOUT_S = 120.0  # opening a store from big --data files can take a while, once per worker
LONG_QUERY_S = 1.0  # a query running longer is long: its worker drops to the lowest CPU priority
_WORKER_NICE, _LONG_NICE = 5, 19

_CONTEXT: multiprocessing.context.BaseContext | None = None
_SHARED: tuple[tuple[str, ...], Path] | None = None  # the files the forkserver loads, and its "loaded" file
_CONTEXT_LOCK = threading.Lock()
# Held while asking the forkserver for a process. At exit no new request starts and the last one
# finishes first: the forkserver printed EOFError's traceback when its parent died mid-request.
_FORK_LOCK = threading.Lock()
_EXITING = threading.Event()


def _stop_forking() -> None:
    """At exit (atexit, before daemon threads stop): refuse new workers, let a request in flight end."""
    _EXITING.set()
    with _FORK_LOCK:
        pass


_ERRORS: dict[str, type[GraphError]] = {
    cls.__name__: cls for cls in (QueryError, RefusedQuery, QueryTimeout, StoreError, GraphError)
}


def _context(spec: StoreSpec | None) -> multiprocessing.context.BaseContext:
    """The forkserver context, made on first use: its server preloaded with rdflib and, when the first
    spec's files are big, loading their copy in memory for every worker to share (graph.sandbox.shared)."""
    global _CONTEXT, _SHARED
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            ctx = multiprocessing.get_context("forkserver")
            _sweep(Path(tempfile.gettempdir()))
            files = shared.wanted(spec) if spec is not None else None
            ctx.set_forkserver_preload(
                ["graph.sandbox.workers", *(["graph.sandbox.shared"] if files else [])]
            )
            if files:  # the forkserver reads the files' names, and where to say it holds them, as it starts
                ready = Path(tempfile.gettempdir()) / f"akg-shared-{os.getpid()}-{os.urandom(4).hex()}.ready"
                os.environ[shared.STORE_ENV], os.environ[shared.READY_ENV] = json.dumps(files), str(ready)
                try:
                    forkserver.ensure_running()
                finally:
                    os.environ.pop(shared.STORE_ENV, None)
                    os.environ.pop(shared.READY_ENV, None)
                _SHARED = (files, ready)
                atexit.register(ready.unlink, missing_ok=True)
            atexit.register(_stop_forking)
            _CONTEXT = ctx
        return _CONTEXT


def _sweep(folder: Path) -> list[Path]:
    """Remove the marker and stderr files an app killed outright (kill -9) left: those whose pid is gone."""
    swept = []
    for path in [*folder.glob("akg-shared-*.ready"), *folder.glob("akg-worker-*.stderr")]:
        pid = path.name.split("-")[2]
        if pid.isdigit() and not process_alive(int(pid)):
            with contextlib.suppress(OSError):
                path.unlink()
                swept.append(path)
    return swept


def sharing(spec: StoreSpec) -> bool:
    """Whether the forkserver loads (or holds) these files' copy in memory for the workers."""
    return _SHARED is not None and _SHARED[0] == shared.sources(spec)


def copy_ready(spec: StoreSpec) -> bool:
    """Whether the forkserver now holds these files' copy in memory: a worker started now shares it."""
    return sharing(spec) and _SHARED is not None and _SHARED[1].exists()


class Worker:
    """One worker process and the parent's end of its pipe."""

    _ids = itertools.count()

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection, stderr: int = -1):
        self.process, self.conn = process, conn
        self.stderr = stderr  # the worker's stderr, a file already unlinked: why it died, if it did
        self.demoted = self.preempted = False
        self.shared = False  # answers from the forkserver's copy in memory (graph.sandbox.shared)

    @classmethod
    def start(cls, spec: StoreSpec, limits: Limits, *, shared: bool = True) -> Worker:
        """Start a process, wait until it has opened its store, or raise why it could not.

        `shared`: a first start of the forkserver may load big files for every worker (one query from
        the command line opens the on-disk store at once instead)."""
        ctx = _context(spec if shared else None)
        parent, child = ctx.Pipe()
        stderr, stderr_path = tempfile.mkstemp(prefix=f"akg-worker-{os.getpid()}-", suffix=".stderr")
        process = ctx.Process(
            target=_serve,
            args=(child, spec, limits, stderr_path),
            name=f"sandbox-{next(cls._ids)}",
            daemon=True,
        )
        try:
            with _FORK_LOCK:
                if _EXITING.is_set():
                    raise SandboxBusy("the app is stopping")
                process.start()
        except BaseException:
            os.close(stderr)
            os.unlink(stderr_path)
            raise
        finally:
            child.close()
        worker = cls(process, parent, stderr)
        try:
            if not parent.poll(START_TIMEOUT_S):
                raise StoreError(f"the query worker did not open the store within {START_TIMEOUT_S:.0f} s")
            status = parent.recv()
        except (EOFError, OSError):
            worker.kill()
            raise StoreError("the query worker died while opening the store") from None
        except BaseException:
            worker.kill()
            raise
        finally:
            with contextlib.suppress(OSError):
                os.unlink(stderr_path)  # the worker holds it open by now, or never will
        if not (isinstance(status, tuple) and status[0] == "ready"):
            worker.kill()
            raise _error(status)
        worker.shared = status[1]
        return worker

    def alive(self) -> bool:
        return self.process.is_alive()

    def ask(
        self,
        text: str,
        dataset: QueryDataset | None,
        timeout_s: float,
        *,
        checked: bool = False,
        writers: Writers | None = None,
    ) -> Result | Written | Exception:
        """Send one query and wait at most timeout_s for its result or the error it reported.

        `checked`: this text already passed the read-only check in some worker; skip it here.
        `writers`: answer with the result already written for the client (Written), not a Result.
        """
        started = time.monotonic()
        try:
            self.conn.send((text, dataset, checked, writers))
            ready = self.conn.poll(min(timeout_s, LONG_QUERY_S))
            if not ready and timeout_s > LONG_QUERY_S:
                self._renice(_LONG_NICE)  # a long query yields the CPU to everyone's short ones
                ready = self.conn.poll(timeout_s - LONG_QUERY_S)
        except (EOFError, OSError):  # it died before the query reached it
            self.process.join(2)
            raise QueryError(self._why_it_died()) from None
        if not ready:
            elapsed = time.monotonic() - started
            raise QueryTimeout(f"query stopped after the {timeout_s:g} s time limit (ran {elapsed:.1f} s)")
        try:
            answer = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(2)  # the pipe closes a moment before the exit status is known
            raise QueryError(self._why_it_died()) from None
        return answer if isinstance(answer, Result | Written) else _error(answer)

    def _why_it_died(self) -> str:
        """What a worker that died mid-query last wrote: an engine's panic is not a lack of memory."""
        said = _tail(self.stderr)
        panic = _PANIC.findall(said)
        if panic and "memory allocation" not in panic[-1]:
            return f"the query engine failed on this query ({panic[-1].strip()}); please report it"
        if self.process.exitcode in _OOM_EXITS:
            return OUT_OF_MEMORY
        return "the query worker stopped unexpectedly; please try again"

    def preempt(self) -> None:
        """Stop the query now (the thread waiting for it sees the worker die and reports why)."""
        self.preempted = True
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()

    def restore(self) -> bool:
        """Back to the workers' usual priority after a long query; False if the system does not allow it."""
        return not self.demoted or self._renice(_WORKER_NICE)

    def _renice(self, value: int) -> bool:
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, value)
        except (OSError, AttributeError):  # lowering the value needs privileges
            return False
        self.demoted = value != _WORKER_NICE
        return True

    def kill(self) -> None:
        """Terminate, then kill if it lingers; never leaves a zombie (nor its stderr file open)."""
        if self.stderr >= 0:
            with contextlib.suppress(OSError):
                os.close(self.stderr)
            self.stderr = -1
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(0.5)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(2)


def _error(message: object) -> Exception:
    """Rebuild an error the worker reported as (type name, message, line, column)."""
    if isinstance(message, tuple) and len(message) == 4 and message[0] in _ERRORS:
        name, text, line, column = message
        cls = _ERRORS[name]
        return cls(text, line, column) if issubclass(cls, QueryError) else cls(text)
    return RuntimeError(f"query worker failed: {message!r}")


def _serve(conn: Connection, spec: StoreSpec, limits: Limits, stderr_path: str) -> None:
    """Worker main loop: open the store once, then check and answer queries until the pipe closes."""
    _die_with_parent()
    _stderr_to(stderr_path)
    _limit_memory(WORKER_MEMORY_BYTES)
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, 0, _WORKER_NICE)  # the web server's own callbacks come first
    try:
        store = shared.store_for(spec)
        on_copy = store is not None
        store = store or open_store(spec)
    except GraphError as exc:
        conn.send(_report(exc))
        return
    conn.send(("ready", on_copy))
    while True:
        try:
            text, dataset, checked, writers = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if writers is None:
                answer: object = execute(store, text, limits, dataset=dataset, checked=checked)
            else:
                answer = execute_written(store, text, writers, limits, dataset=dataset, checked=checked)
        except GraphError as exc:
            answer = _report(exc)
        except MemoryError:
            answer = ("QueryError", OUT_OF_MEMORY, None, None)
        except Exception as exc:
            answer = repr(exc)
        conn.send(answer)


def _report(exc: GraphError) -> tuple[str, str, int | None, int | None]:
    """An error as plain values that cross the pipe: type name, message, line, column."""
    name = next(c.__name__ for c in type(exc).__mro__ if c.__name__ in _ERRORS)
    if isinstance(exc, QueryError):
        return name, exc.message, exc.line, exc.column
    return name, str(exc), None, None


def _die_with_parent() -> None:
    """Linux: be killed when the forkserver (which exits with the app) goes, even mid-query after kill -9."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent went before prctl took effect
        os._exit(0)


def _stderr_to(path: str) -> None:
    """Send the worker's stderr (Rust's panic or out-of-memory backtrace) to the file its parent reads
    when the worker dies, never to the user's terminal."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        os.dup2(fd, 2)
        os.close(fd)


def _tail(fd: int, size: int = 1 << 16) -> str:
    """The last `size` bytes of an open file, as text."""
    try:
        end = os.fstat(fd).st_size
        return os.pread(fd, size, max(0, end - size)).decode("utf-8", "replace")
    except OSError:
        return ""


def _limit_memory(size: int) -> None:
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > size:
            resource.setrlimit(resource.RLIMIT_AS, (size, hard))
    except (ImportError, ValueError, OSError):  # not on this platform: the time limit still applies
        pass
