"""Free-form SPARQL from users: a read-only check, then killable worker processes with time and row limits.

rdflib's evaluator (and a catastrophic REGEX inside it) can hold the GIL for minutes, so no thread
timer can stop a runaway query. Each query therefore runs in a worker process that holds its own
copy of the store; a query past its time limit has its worker killed and replaced, and only that
worker is lost while the other workers keep answering.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import queue
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from graph.errors import GraphError, QueryError, QueryTimeout, RefusedQuery, SandboxBusy, StoreError
from graph.stores import Result, Store, StoreSpec, open_store
from graph.stores.memory import PARSE_LOCK, prepare

READ_ONLY = "updates are not allowed: this endpoint is read-only"
WORKER_MEMORY_BYTES = 3 * 1024**3  # address space per worker: a runaway result dies, the server does not
_START_TIMEOUT_S = 120.0  # opening a store from big --data files can take a while, once per worker
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
# Only to name a malformed update as an update; a well-formed one is recognised by rdflib's parser.
_UPDATE_START = re.compile(
    r"^(?:\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.I,
)


@dataclass(frozen=True)
class Limits:
    """How long a query may run, how much it may return, and how long its text may be."""

    timeout_s: float = 10.0
    max_rows: int = 10_000  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) returned; more -> truncated=True
    max_query_chars: int = 20_000


def check(text: str, limits: Limits = Limits()) -> str:
    """Refuse what must never run; return the query form (SELECT/ASK/CONSTRUCT/DESCRIBE).

    Decided on rdflib's parse tree, not on the text, so keywords inside strings, comments and
    IRIs are harmless. Refused: updates, SERVICE (a request to any URL), FROM and FROM NAMED
    (dataset clauses that name graphs to fetch), and text longer than the limit.

    >>> check("SELECT ?s WHERE { ?s ?p 'SERVICE <http://x/> FROM' }  # LOAD <http://x/>")
    'SELECT'
    """
    if len(text) > limits.max_query_chars:
        raise RefusedQuery(
            f"query too long: {len(text):,} characters, the limit is {limits.max_query_chars:,}"
        )
    try:
        query = prepare(text)
    except QueryError:
        if _is_update(text):
            raise RefusedQuery(READ_ONLY) from None
        raise
    for node in _walk(query.algebra):
        if node.name == "ServiceGraphPattern":
            raise RefusedQuery(f"SERVICE is not allowed: this endpoint fetches nothing ({node.get('term')})")
        if node.name == "DatasetClause" or dict.get(node, "datasetClause"):
            raise RefusedQuery(
                "FROM and FROM NAMED are not allowed: queries run on this endpoint's own graph"
            )
    return _FORMS.get(query.algebra.name, "SELECT")


def _is_update(text: str) -> bool:
    """Whether text is a SPARQL Update, well-formed (rdflib parses it) or obviously meant as one."""
    if _UPDATE_START.match(text):
        return True
    with PARSE_LOCK:
        try:
            parseUpdate(text)
        except ParseException:
            return False
        except Exception:  # rdflib raises bare Exceptions for some malformed input
            return False
    return True


def _walk(node: object) -> Iterable[CompValue]:
    """Every CompValue of an algebra tree, including those inside expressions (EXISTS) and subqueries."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(v for k, v in item.items() if k != "_vars")
        elif isinstance(item, list | tuple):
            stack.extend(item)


class Sandbox:
    """Runs user SPARQL in killable worker processes that hold their own copy of the store.

    Workers come from multiprocessing's forkserver, which imports the main module of the
    program: a script that makes a Sandbox needs the usual `if __name__ == "__main__":` guard.
    """

    def __init__(self, spec: StoreSpec, limits: Limits = Limits(), *, workers: int = 2):
        if workers < 1:
            raise ValueError("a sandbox needs at least one worker")
        self.spec, self.limits, self.workers = spec, limits, workers
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(workers):
            self._idle.put(None)  # a free slot whose worker starts on first use
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def run(self, text: str) -> Result:
        """Check the query, then run it in a free worker within the time and row limits."""
        if self._closed:
            raise SandboxBusy("the query sandbox is closed")
        if len(text) > self.limits.max_query_chars:
            check(text, self.limits)  # refuses before shipping megabytes to a worker
        worker = self._take()
        try:
            outcome = worker.ask(text, self.limits.timeout_s)
        except BaseException:  # timed out or died: that worker is gone
            self._discard(worker)
            raise
        self._idle.put(worker)  # a refused or malformed query leaves its worker healthy
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def close(self) -> None:
        """Stop every worker; queries after this fail."""
        self._closed = True
        with self._lock:
            live, self._live = list(self._live), set()
        for worker in live:
            worker.kill()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _take(self) -> _Worker:
        wait = 2 * self.limits.timeout_s + _START_TIMEOUT_S
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise SandboxBusy(f"every query worker stayed busy for {wait:.0f} s; try again shortly") from None
        if worker is not None and worker.alive():
            return worker
        try:
            return self._start()
        except BaseException:
            self._idle.put(None)
            raise

    def _start(self) -> _Worker:
        worker = _Worker.start(self.spec, self.limits)
        with self._lock:
            if self._closed:
                worker.kill()
                raise SandboxBusy("the query sandbox is closed")
            self._live.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker that ran away or broke, and start its replacement in the background."""
        worker.kill()
        with self._lock:
            self._live.discard(worker)
        threading.Thread(target=self._replace, name="sandbox-replace", daemon=True).start()

    def _replace(self) -> None:
        try:
            self._idle.put(self._start())
        except Exception:  # the next query starts it again and reports why it fails
            self._idle.put(None)


# ---------------------------------------------------------------- the worker processes

_CONTEXT: multiprocessing.context.BaseContext | None = None
_CONTEXT_LOCK = threading.Lock()
_ERRORS: dict[str, type[GraphError]] = {
    cls.__name__: cls for cls in (QueryError, RefusedQuery, QueryTimeout, StoreError, GraphError)
}


def _context() -> multiprocessing.context.BaseContext:
    """The forkserver context, its server preloaded with rdflib and the store, made on first use."""
    global _CONTEXT
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["graph.sandbox"])
            _CONTEXT = ctx
        return _CONTEXT


class _Worker:
    """One worker process and the parent's end of its pipe."""

    _ids = itertools.count()

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection):
        self.process, self.conn = process, conn

    @classmethod
    def start(cls, spec: StoreSpec, limits: Limits) -> _Worker:
        """Start a process, wait until it has opened its store, or raise why it could not."""
        ctx = _context()
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=_serve, args=(child, spec, limits), name=f"sandbox-{next(cls._ids)}", daemon=True
        )
        process.start()
        child.close()
        worker = cls(process, parent)
        try:
            if not parent.poll(_START_TIMEOUT_S):
                raise StoreError(f"the query worker did not open the store within {_START_TIMEOUT_S:.0f} s")
            status = parent.recv()
        except (EOFError, OSError):
            worker.kill()
            raise StoreError("the query worker died while opening the store") from None
        except BaseException:
            worker.kill()
            raise
        if status != "ready":
            worker.kill()
            raise _error(status)
        return worker

    def alive(self) -> bool:
        return self.process.is_alive()

    def ask(self, text: str, timeout_s: float) -> Result | Exception:
        """Send one query and wait at most timeout_s for its result or the error it reported."""
        started = time.monotonic()
        try:
            self.conn.send(text)
            ready = self.conn.poll(timeout_s)
        except (EOFError, OSError):
            raise QueryError("the query worker stopped unexpectedly; please try again") from None
        if not ready:
            elapsed = time.monotonic() - started
            raise QueryTimeout(f"query stopped after the {timeout_s:g} s time limit (ran {elapsed:.1f} s)")
        try:
            answer = self.conn.recv()
        except (EOFError, OSError):
            raise QueryError(
                "the query was stopped: it needed more memory than a query may use"
                if self.process.exitcode not in (None, 0)
                else "the query worker stopped unexpectedly; please try again"
            ) from None
        return answer if isinstance(answer, Result) else _error(answer)

    def kill(self) -> None:
        """Terminate, then kill if it lingers; never leaves a zombie."""
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


def _serve(conn: Connection, spec: StoreSpec, limits: Limits) -> None:
    """Worker main loop: open the store once, then check and answer queries until the pipe closes."""
    _limit_memory(WORKER_MEMORY_BYTES)
    try:
        store = open_store(spec)
    except GraphError as exc:
        conn.send(_report(exc))
        return
    conn.send("ready")
    while True:
        try:
            text = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: object = execute(store, text, limits)
        except GraphError as exc:
            answer = _report(exc)
        except MemoryError:
            answer = ("QueryError", "the query needed more memory than a query may use", None, None)
        except Exception as exc:
            answer = repr(exc)
        conn.send(answer)


def _report(exc: GraphError) -> tuple[str, str, int | None, int | None]:
    """An error as plain values that cross the pipe: type name, message, line, column."""
    name = next(c.__name__ for c in type(exc).__mro__ if c.__name__ in _ERRORS)
    if isinstance(exc, QueryError):
        return name, exc.message, exc.line, exc.column
    return name, str(exc), None, None


def _limit_memory(size: int) -> None:
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > size:
            resource.setrlimit(resource.RLIMIT_AS, (size, hard))
    except (ImportError, ValueError, OSError):  # not on this platform: the time limit still applies
        pass


def execute(store: Store, text: str, limits: Limits = Limits()) -> Result:
    """Check a query and run it on a store in this process, taking at most max_rows + 1 results.

    No time limit here: that is the worker's job. Exposed for tests and for trusted callers.
    """
    check(text, limits)
    return store.query(text, limit=limits.max_rows)
