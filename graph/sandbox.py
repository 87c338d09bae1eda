"""Free-form SPARQL from users: a read-only check, then killable worker processes with time and row limits.

rdflib's evaluator (and a catastrophic REGEX inside it) can hold the GIL for minutes, so no thread
timer can stop a runaway query. Each query therefore runs in a worker process that holds its own
copy of the store; a query past its time limit has its worker killed and replaced, and only that
worker is lost while the other workers keep answering.

Fair under abuse (after the Wikidata Query Service's policy): each client (the caller's address) may
have a few queries at once and a budget of query time per minute; one worker is kept for clients
with nothing running, so one client's runaway queries never make another's simple query wait; when
several clients fill every worker, a waiting client with nothing running pre-empts the oldest long
query of a client holding two or more; long queries drop to the lowest CPU priority; and no caller
waits for a worker longer than a few seconds (the web server's threads stay free).
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import contextvars
import itertools
import math
import multiprocessing
import os
import queue
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from graph.errors import (
    ClientOverLimit,
    GraphError,
    QueryError,
    QueryTimeout,
    RefusedQuery,
    SandboxBusy,
    StoreError,
)
from graph.stores import QueryDataset, Result, Store, StoreSpec, open_store
from graph.stores.memory import PARSE_LOCK, prepare

READ_ONLY = "updates are not allowed: this endpoint is read-only"
WORKER_MEMORY_BYTES = 3 * 1024**3  # address space per worker: a runaway result dies, the server does not
OUT_OF_MEMORY = f"the query needed more memory than the limit of {WORKER_MEMORY_BYTES / 1024**3:g} GiB"
# How a worker dies when an allocation fails: Rust aborts (SIGABRT), the kernel's OOM killer sends SIGKILL.
_OOM_EXITS = (-signal.SIGABRT, -signal.SIGKILL)
_START_TIMEOUT_S = 120.0  # opening a store from big --data files can take a while, once per worker
LONG_QUERY_S = 1.0  # a query running longer is long: its worker drops to the lowest CPU priority
PREEMPT_AFTER_S = 0.2  # a client with nothing running waits this long before a long query is stopped for it
_WORKER_NICE, _LONG_NICE = 5, 19
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
    max_result_bytes: int = 16 * 1024**2  # UTF-8 size of the values returned; more -> truncated=True


@dataclass(frozen=True)
class Policy:
    """How the workers are shared between clients (defaults after the Wikidata Query Service's limits)."""

    per_client: int = 2  # queries a client may have running or waiting at once; more -> 429
    budget_s: float = 60.0  # seconds of query time a client may use per window; more -> 429 until it recovers
    window_s: float = 60.0
    wait_s: float = 5.0  # longest wait for a free worker; then 503 with Retry-After
    reserve: int = 1  # workers only a client with nothing running may take (the fast lane)


def default_workers(policy: Policy = Policy()) -> int:
    """One worker per core, at least two, plus the reserved ones: sized to the machine."""
    return max(2, os.cpu_count() or 2) + policy.reserve


# Who is asking: the endpoint and the app set it per request (the remote address); the CLI is "local".
CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("akg_sparql_client", default="local")
_INTERNAL = "\0internal"  # the sandbox's own queries (the service description's graph list): no budget
GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY STR(?g)"


def check(text: str, limits: Limits = Limits()) -> str:
    """Refuse what must never run; return the query form (SELECT/ASK/CONSTRUCT/DESCRIBE).

    Decided on rdflib's parse tree, not on the text, so keywords inside strings, comments and
    IRIs are harmless. Refused: updates, SERVICE (a request to any URL) and text longer than the
    limit. FROM and FROM NAMED choose among the graphs held here (one that is not held is empty).

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

    def __init__(
        self,
        spec: StoreSpec,
        limits: Limits = Limits(),
        *,
        workers: int | None = None,
        policy: Policy = Policy(),
    ):
        workers = default_workers(policy) if workers is None else workers
        if workers < 1:
            raise ValueError("a sandbox needs at least one worker")
        self.spec, self.limits, self.workers, self.policy = spec, limits, workers, policy
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._spare: queue.Queue[_Worker] = queue.Queue(maxsize=1)  # started by warm()
        for _ in range(workers):
            self._idle.put(None)  # a free slot whose worker starts on first use
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._starting: set[threading.Thread] = set()  # background worker starts, joined by close()
        self._admission = _Admission(workers, policy, limits.timeout_s)
        self._graphs: list[tuple[str, int]] | None = None

    def run(self, text: str, *, client: str | None = None, dataset: QueryDataset | None = None) -> Result:
        """Check the query, then run it in a free worker within the time and row limits.

        `client` (default: CLIENT, which the app sets to the remote address) is who pays for it: a client
        over its share gets ClientOverLimit at once, never a wait; `dataset` replaces the query's FROM.
        """
        if self._closed:
            raise SandboxBusy("the query sandbox is closed")
        if len(text) > self.limits.max_query_chars:
            check(text, self.limits)  # refuses before shipping megabytes to a worker
        who = client if client is not None else CLIENT.get()
        ticket = self._admission.enter(who)
        started = time.monotonic()
        try:
            return self._ask(text, dataset, ticket)
        finally:
            self._admission.leave(ticket, time.monotonic() - started)

    def warm(self) -> None:
        """Start, in the background, every worker not running yet and a spare: no first query waits for one."""
        self._background(self._warm, "sandbox-warm")

    def _warm(self) -> None:
        for _ in range(self.workers):  # the idle queue is FIFO: each slot is looked at once
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            if worker is None or not worker.alive():
                try:
                    worker = self._start()
                except Exception:  # the query that needs it starts it again and reports why it fails
                    worker = None
            self._idle.put(worker)
        if self._spare.empty():
            self._restock()

    def graphs(self) -> list[tuple[str, int]]:
        """The named graphs held and their triple counts (asked once: the store is read-only)."""
        if self._graphs is None:
            rows = self.run(GRAPHS_QUERY, client=_INTERNAL).rows
            self._graphs = [(str(g), int(n)) for g, n in rows if g is not None]
        return self._graphs

    def _ask(self, text: str, dataset: QueryDataset | None, ticket: int) -> Result:
        worker = self._take()
        self._admission.attach(ticket, worker)
        try:
            outcome = worker.ask(text, dataset, self.limits.timeout_s)
        except BaseException:  # timed out, died or pre-empted: that worker is gone
            self._discard(worker)
            if worker.preempted:
                raise ClientOverLimit(
                    "this query was stopped to give a waiting client a worker: this client had more than "
                    "one query running; try again in a few seconds",
                    retry_after=5.0,
                ) from None
            raise
        if worker.restore():
            self._idle.put(worker)  # a refused or malformed query leaves its worker healthy
        else:
            self._discard(worker)  # still at low priority: replaced by a fresh worker
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def close(self) -> None:
        """Stop every worker; queries after this fail."""
        with self._lock:
            self._closed = True
            starting = list(self._starting)
        for thread in starting:
            thread.join(_START_TIMEOUT_S)  # a start finishing after close kills its own worker
        with self._lock:
            live, self._live = list(self._live), set()
        for worker in live:
            worker.kill()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _take(self) -> _Worker:
        wait = _START_TIMEOUT_S  # admission already holds a slot: this only waits for a restarting worker
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
        """Kill a worker that ran away or broke; the spare takes its place at once, else one starts in the background."""
        worker.kill()
        with self._lock:
            self._live.discard(worker)
        try:
            spare = self._spare.get_nowait()
        except queue.Empty:
            spare = None
        if spare is not None and spare.alive():
            self._idle.put(spare)  # ready before this query's slot is given back
            self._background(self._restock, "sandbox-spare")
        else:
            self._background(self._replace, "sandbox-replace")

    def _background(self, work: Callable[[], None], name: str) -> None:
        """Start workers off the request path; close() waits for them, so none is forked as we exit.

        A worker forked while its parent exits finds its pipe closed, and its traceback would reach the
        user's terminal before the worker could silence its stderr.
        """

        def run() -> None:
            try:
                work()
            finally:
                with self._lock:
                    self._starting.discard(thread)

        thread = threading.Thread(target=run, name=name, daemon=True)
        with self._lock:
            if self._closed:
                return
            self._starting.add(thread)
        thread.start()

    def _replace(self) -> None:
        try:
            self._idle.put(self._start())
        except Exception:  # the next query starts it again and reports why it fails
            self._idle.put(None)

    def _restock(self) -> None:
        """Start a spare worker: a time-out or pre-emption then costs the next query no start-up."""
        with contextlib.suppress(Exception):
            self._spare.put_nowait(self._start())


class _Admission:
    """Who may use a worker now: per-client concurrency, per-client time budget, a reserved fast lane."""

    def __init__(self, workers: int, policy: Policy, timeout_s: float):
        self.policy, self.timeout_s = policy, timeout_s
        self.free = workers
        self.reserve = min(policy.reserve, workers - 1)
        self.admitted: collections.Counter[str] = collections.Counter()  # running or waiting
        self.running: collections.Counter[str] = collections.Counter()
        self.spent: dict[str, collections.deque[tuple[float, float]]] = {}  # (finished at, seconds)
        self.holding: dict[int, tuple[str, float, _Worker | None]] = {}  # ticket -> client, since, worker
        self.tickets = itertools.count()
        self.cond = threading.Condition()

    def enter(self, client: str) -> int:
        """Take a worker slot for this client (its ticket), or raise why not (ClientOverLimit: 429, SandboxBusy: 503).

        A client with nothing running that has waited PREEMPT_AFTER_S stops the oldest long query of a
        client holding two or more workers: one client's runaways never keep another client waiting.
        """
        p = self.policy
        with self.cond:
            now = time.monotonic()
            if client != _INTERNAL:
                if self.admitted[client] >= p.per_client:
                    raise ClientOverLimit(
                        f"this client already has {self.admitted[client]} queries running or waiting, "
                        f"the limit is {p.per_client}; wait for one to finish",
                        retry_after=min(self.timeout_s, 5.0),
                    )
                spent, recovers = self._spent(client, now)
                if spent >= p.budget_s:
                    raise ClientOverLimit(
                        f"this client used {spent:.0f} s of query time in the last {p.window_s:g} s, "
                        f"the budget is {p.budget_s:g} s; try again in {math.ceil(recovers)} s",
                        retry_after=recovers,
                    )
            self.admitted[client] += 1
            deadline = now + p.wait_s
            while not (self.free > self.reserve or (self.free > 0 and self.running[client] == 0)):
                left = deadline - time.monotonic()
                if left <= 0:
                    self._drop(self.admitted, client)
                    raise SandboxBusy(
                        f"every query worker stayed busy for {p.wait_s:g} s; try again shortly",
                        retry_after=min(self.timeout_s, 5.0),
                    )
                if self.running[client] == 0 and time.monotonic() - now >= PREEMPT_AFTER_S:
                    self._preempt_for(client)
                self.cond.wait(min(left, PREEMPT_AFTER_S))
            self.free -= 1
            self.running[client] += 1
            ticket = next(self.tickets)
            self.holding[ticket] = (client, time.monotonic(), None)
            return ticket

    def attach(self, ticket: int, worker: _Worker) -> None:
        """Note which worker runs a ticket's query (so that it can be pre-empted)."""
        with self.cond:
            client, since, _ = self.holding[ticket]
            self.holding[ticket] = (client, since, worker)

    def _preempt_for(self, client: str) -> None:
        """Stop the oldest long query of a client holding two or more workers, if there is one."""
        now = time.monotonic()
        candidates = [
            (since, worker)
            for holder, since, worker in self.holding.values()
            if holder not in (client, _INTERNAL)
            and self.running[holder] >= 2
            and worker is not None
            and not worker.preempted
            and now - since >= LONG_QUERY_S
        ]
        if candidates:
            min(candidates, key=lambda c: c[0])[1].preempt()

    def leave(self, ticket: int, seconds: float) -> None:
        """Give the slot back and charge the client for the time its query took."""
        with self.cond:
            client, _, _ = self.holding.pop(ticket)
            self.free += 1
            self._drop(self.running, client)
            self._drop(self.admitted, client)
            if client != _INTERNAL:
                self.spent.setdefault(client, collections.deque()).append((time.monotonic(), seconds))
            if len(self.spent) > 10_000:  # forget clients whose spending has left the window
                now = time.monotonic()
                for idle in [c for c in self.spent if self._spent(c, now)[0] == 0]:
                    del self.spent[idle]
            self.cond.notify_all()

    def _spent(self, client: str, now: float) -> tuple[float, float]:
        """Seconds this client used in the window, and how long until it is back under budget."""
        charges = self.spent.get(client)
        if not charges:
            return 0.0, 0.0
        window = self.policy.window_s
        while charges and charges[0][0] <= now - window:
            charges.popleft()
        total = sum(s for _, s in charges)
        left, recovers = total, 0.0
        for at, s in charges:
            if left < self.policy.budget_s:
                break
            left -= s
            recovers = at + window - now
        return total, max(1.0, recovers)

    @staticmethod
    def _drop(counter: collections.Counter[str], client: str) -> None:
        counter[client] -= 1
        if counter[client] <= 0:
            del counter[client]


# ---------------------------------------------------------------- the worker processes

_CONTEXT: multiprocessing.context.BaseContext | None = None
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


def _context() -> multiprocessing.context.BaseContext:
    """The forkserver context, its server preloaded with rdflib and the store, made on first use."""
    global _CONTEXT
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["graph.sandbox"])
            atexit.register(_stop_forking)
            _CONTEXT = ctx
        return _CONTEXT


class _Worker:
    """One worker process and the parent's end of its pipe."""

    _ids = itertools.count()

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection):
        self.process, self.conn = process, conn
        self.demoted = self.preempted = False

    @classmethod
    def start(cls, spec: StoreSpec, limits: Limits) -> _Worker:
        """Start a process, wait until it has opened its store, or raise why it could not."""
        ctx = _context()
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=_serve, args=(child, spec, limits), name=f"sandbox-{next(cls._ids)}", daemon=True
        )
        with _FORK_LOCK:
            if _EXITING.is_set():
                raise SandboxBusy("the app is stopping")
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

    def ask(self, text: str, dataset: QueryDataset | None, timeout_s: float) -> Result | Exception:
        """Send one query and wait at most timeout_s for its result or the error it reported."""
        started = time.monotonic()
        try:
            self.conn.send((text, dataset))
            ready = self.conn.poll(min(timeout_s, LONG_QUERY_S))
            if not ready and timeout_s > LONG_QUERY_S:
                self._renice(_LONG_NICE)  # a long query yields the CPU to everyone's short ones
                ready = self.conn.poll(timeout_s - LONG_QUERY_S)
        except (EOFError, OSError):
            raise QueryError("the query worker stopped unexpectedly; please try again") from None
        if not ready:
            elapsed = time.monotonic() - started
            raise QueryTimeout(f"query stopped after the {timeout_s:g} s time limit (ran {elapsed:.1f} s)")
        try:
            answer = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(2)  # the pipe closes a moment before the exit status is known
            if self.process.exitcode in _OOM_EXITS:
                raise QueryError(OUT_OF_MEMORY) from None
            raise QueryError("the query worker stopped unexpectedly; please try again") from None
        return answer if isinstance(answer, Result) else _error(answer)

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
    _die_with_parent()
    _quiet_stderr()
    _limit_memory(WORKER_MEMORY_BYTES)
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, 0, _WORKER_NICE)  # the web server's own callbacks come first
    try:
        store = open_store(spec)
    except GraphError as exc:
        conn.send(_report(exc))
        return
    conn.send("ready")
    while True:
        try:
            text, dataset = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: object = execute(store, text, limits, dataset=dataset)
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


def _quiet_stderr() -> None:
    """Send the worker's stderr (Rust's out-of-memory backtrace) to /dev/null, not the user's terminal."""
    with contextlib.suppress(OSError):
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 2)
        os.close(fd)


def _limit_memory(size: int) -> None:
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > size:
            resource.setrlimit(resource.RLIMIT_AS, (size, hard))
    except (ImportError, ValueError, OSError):  # not on this platform: the time limit still applies
        pass


def execute(
    store: Store, text: str, limits: Limits = Limits(), *, dataset: QueryDataset | None = None
) -> Result:
    """Check a query and run it on a store in this process, taking at most max_rows + 1 results.

    No time limit here: that is the worker's job. Exposed for tests and for trusted callers.
    """
    check(text, limits)
    return cap_bytes(store.query(text, limit=limits.max_rows, dataset=dataset), limits.max_result_bytes)


def cap_bytes(result: Result, limit: int) -> Result:
    """The leading rows or triples whose values fit in `limit` UTF-8 bytes, marked truncated if cut."""
    items = result.rows if result.form == "SELECT" else result.triples
    total = 0
    for i, item in enumerate(items):
        total += sum(_term_bytes(t) for t in item)
        if total > limit:
            field = "rows" if result.form == "SELECT" else "triples"
            return replace(result, **{field: items[:i]}, truncated=True)
    return result


def _term_bytes(term: object) -> int:
    """A value's size as written: its text, plus its datatype or language tag."""
    if term is None:
        return 0
    text = str(term)
    extra = getattr(term, "datatype", None) or getattr(term, "language", None) or ""
    return (len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))) + len(extra)
