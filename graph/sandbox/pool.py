"""The sandbox: user SPARQL checked, admitted for its client, then run in a free worker process."""

from __future__ import annotations

import collections
import contextlib
import hashlib
import os
import queue
import threading
import time
from collections.abc import Callable

from graph.errors import ClientOverLimit, SandboxBusy
from graph.sandbox.admission import CLIENT, INTERNAL, POLICY, Admission, Policy
from graph.sandbox.check import LIMITS, Limits, check
from graph.sandbox.local import Writers, Written
from graph.sandbox.workers import START_TIMEOUT_S, Worker, copy_ready, sharing
from graph.stores import QueryDataset, Result, StoreSpec

CHECKED_KEPT = 4096  # texts known to pass the check (their digests), so no other worker parses them again
GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY STR(?g)"


def default_workers(policy: Policy = POLICY) -> int:
    """One worker per core, at least two, plus the reserved ones: sized to the machine."""
    return max(2, os.cpu_count() or 2) + policy.reserve


class Sandbox:
    """Runs user SPARQL in killable worker processes that hold their own copy of the store (or, for big
    files, share one in memory: graph.sandbox.shared).

    Workers come from multiprocessing's forkserver, which imports the main module of the
    program: a script that makes a Sandbox needs the usual `if __name__ == "__main__":` guard.
    """

    def __init__(
        self,
        spec: StoreSpec,
        limits: Limits = LIMITS,
        *,
        workers: int | None = None,
        policy: Policy = POLICY,
        shared: bool = True,
    ):
        workers = default_workers(policy) if workers is None else workers
        if workers < 1:
            raise ValueError("a sandbox needs at least one worker")
        self.spec, self.limits, self.workers, self.policy = spec, limits, workers, policy
        self.shared = shared  # big files: the workers share one copy in memory (graph.sandbox.shared)
        self._idle: queue.Queue[Worker | None] = queue.Queue()
        self._spare: queue.Queue[Worker] = queue.Queue(maxsize=1)  # started by warm()
        for _ in range(workers):
            self._idle.put(None)  # a free slot whose worker starts on first use
        self._live: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._starting: set[threading.Thread] = set()  # background worker starts, joined by close()
        self._admission = Admission(workers, policy, limits.timeout_s)
        self._graphs: list[tuple[str, int]] | None = None
        self._checked: collections.OrderedDict[bytes, None] = collections.OrderedDict()

    def run(self, text: str, *, client: str | None = None, dataset: QueryDataset | None = None) -> Result:
        """Check the query, then run it in a free worker within the time and row limits.

        `client` (default: CLIENT, which the app sets to the remote address) is who pays for it: its
        queries beyond what it may run at once wait their turn (SandboxBusy past the wait bound), and a
        client over its time budget or queue length gets ClientOverLimit at once; `dataset` replaces FROM.
        """
        return self._admitted(text, dataset, client, None)  # type: ignore[return-value]

    def run_written(
        self,
        text: str,
        writers: Writers,
        *,
        client: str | None = None,
        dataset: QueryDataset | None = None,
    ) -> Written:
        """run(), with the answer written by the worker in the client's format (what /sparql sends):
        no rdflib term is made for its values, nor pickled back through the pipe."""
        return self._admitted(text, dataset, client, writers)  # type: ignore[return-value]

    def _admitted(
        self, text: str, dataset: QueryDataset | None, client: str | None, writers: Writers | None
    ) -> Result | Written:
        if self._closed:
            raise SandboxBusy("the query sandbox is closed")
        if len(text) > self.limits.max_query_chars:
            check(text, self.limits)  # refuses before shipping megabytes to a worker
        who = client if client is not None else CLIENT.get()
        ticket = self._admission.enter(who)
        started = time.monotonic()
        try:
            return self._ask(text, dataset, ticket, writers)
        finally:
            self._admission.leave(ticket, time.monotonic() - started)

    def warm(self) -> None:
        """Start, in the background, every worker not running yet and a spare: no first query waits for one."""
        self._background(self._warm, "sandbox-warm")

    def wait_warm(self, timeout: float = START_TIMEOUT_S) -> None:
        """Wait until the workers warm() starts in the background are up and, on big files, the forkserver
        holds their shared copy (a benchmark times the endpoint its clients meet, not one still forking
        its workers or loading); a worker still on disk moves to the copy the next time it is taken."""
        with self._lock:
            starting = list(self._starting)
        for thread in starting:
            thread.join(timeout)
        deadline = time.monotonic() + timeout
        while (
            self.shared and sharing(self.spec) and not copy_ready(self.spec) and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        if self.shared and copy_ready(self.spec):
            self._refresh_idle()

    def _warm(self) -> None:
        if self._refresh_idle() and self._spare.empty():
            self._restock()

    def _refresh_idle(self) -> bool:
        """Each idle slot's worker started, alive, and on the shared copy once there is one (_take_from);
        False if a slot was busy (the idle queue is FIFO: each slot is looked at once)."""
        for _ in range(self.workers):
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return False
            try:
                worker = self._take_from(worker)
            except Exception:  # the query that needs it starts it again and reports why it fails
                worker = None
            self._idle.put(worker)
        return True

    def graphs(self) -> list[tuple[str, int]]:
        """The named graphs held and their triple counts (asked once: the store is read-only)."""
        if self._graphs is None:
            rows = self.run(GRAPHS_QUERY, client=INTERNAL).rows
            self._graphs = [(str(g), int(n)) for g, n in rows if g is not None]
        return self._graphs

    def _ask(
        self, text: str, dataset: QueryDataset | None, ticket: int, writers: Writers | None = None
    ) -> Result | Written:
        worker = self._take()
        self._admission.attach(ticket, worker)
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            checked = digest in self._checked
        try:
            outcome = worker.ask(text, dataset, self.limits.timeout_s, checked=checked, writers=writers)
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
        self._remember_checked(digest)
        return outcome

    def _remember_checked(self, digest: bytes) -> None:
        """A text that ran passed the check: the next worker given it skips rdflib's parse."""
        with self._lock:
            self._checked[digest] = None
            self._checked.move_to_end(digest)
            while len(self._checked) > CHECKED_KEPT:
                self._checked.popitem(last=False)

    def close(self) -> None:
        """Stop every worker; queries after this fail."""
        with self._lock:
            self._closed = True
            starting = list(self._starting)
        for thread in starting:
            thread.join(START_TIMEOUT_S)  # a start finishing after close kills its own worker
        with self._lock:
            live, self._live = list(self._live), set()
        for worker in live:
            worker.kill()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _take(self) -> Worker:
        wait = START_TIMEOUT_S  # admission already holds a slot: this only waits for a restarting worker
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise SandboxBusy(f"every query worker stayed busy for {wait:.0f} s; try again shortly") from None
        try:
            return self._take_from(worker)
        except BaseException:
            self._idle.put(None)
            raise

    def _take_from(self, worker: Worker | None) -> Worker:
        """A slot's worker, alive and on the shared copy once the forkserver holds it (else started now)."""
        if worker is not None and worker.alive():
            if worker.shared or not (self.shared and copy_ready(self.spec)):
                return worker
            worker.kill()  # on the on-disk store, started before the forkserver held the copy: move to it
            with self._lock:
                self._live.discard(worker)
        return self._start()

    def _start(self) -> Worker:
        worker = Worker.start(self.spec, self.limits, shared=self.shared)
        with self._lock:
            if self._closed:
                worker.kill()
                raise SandboxBusy("the query sandbox is closed")
            self._live.add(worker)
        return worker

    def _discard(self, worker: Worker) -> None:
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
