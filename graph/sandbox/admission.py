"""Who may use a worker now: a queue per client served in turn, time budgets, a reserved fast lane, pre-emption."""

from __future__ import annotations

import collections
import contextlib
import contextvars
import itertools
import math
import threading
import time
from dataclasses import dataclass

from graph.errors import ClientOverLimit, SandboxBusy
from graph.sandbox.workers import LONG_QUERY_S, Worker

PREEMPT_AFTER_S = 0.2  # a client with nothing running waits this long before a long query is stopped for it


@dataclass(frozen=True)
class Policy:
    """How the workers are shared between clients (after the Wikidata Query Service: time is limited, not bursts)."""

    per_client: int = 2  # queries a client may run at once; more wait in its own queue
    max_waiting: int = 16  # queries a client may have waiting; more -> 429
    budget_s: float = 60.0  # seconds of query time a client may use per window; more -> 429 until it recovers
    window_s: float = 60.0
    wait_s: float = 10.0  # longest wait in the queue; then 503 with Retry-After
    reserve: int = 1  # workers only a client with nothing running may take (the fast lane)


POLICY = Policy()  # the defaults


# Who is asking: the endpoint and the app set it per request (the remote address); the CLI is "local".
CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("akg_sparql_client", default="local")
INTERNAL = "\0internal"  # the sandbox's own queries (the service description's graph list): no budget


class Admission:
    """Who may use a worker now: a queue per client served in turn, time budgets, a reserved fast lane.

    A client's queries beyond what it may run at once wait in its own queue; when a worker frees, the
    clients with nothing running are served first, then the others in turn (round-robin), so a burst
    from one client is queued, never refused, and never delays another client's query.
    """

    def __init__(self, workers: int, policy: Policy, timeout_s: float):
        self.policy, self.timeout_s = policy, timeout_s
        self.free = workers
        self.reserve = min(policy.reserve, workers - 1)
        self.running: collections.Counter[str] = collections.Counter()
        self.waiting: dict[str, collections.deque[int]] = {}  # client -> its waiting places, first first
        self.turns: dict[str, None] = {}  # clients with queries waiting, the longest unserved first
        self.spent: dict[str, collections.deque[tuple[float, float]]] = {}  # (finished at, seconds)
        self.holding: dict[int, tuple[str, float, Worker | None]] = {}  # ticket -> client, since, worker
        self.tickets = itertools.count()
        self.cond = threading.Condition()

    def enter(self, client: str) -> int:
        """Wait in this client's queue for a worker slot (its ticket), or raise why not.

        ClientOverLimit (429): the client is over its time budget or already has max_waiting queries
        waiting. SandboxBusy (503): the wait passed wait_s. A client with nothing running that has
        waited PREEMPT_AFTER_S stops the oldest long query of a client holding two or more workers:
        one client's runaways never keep another client waiting.
        """
        p = self.policy
        with self.cond:
            now = time.monotonic()
            if client != INTERNAL:
                self._refuse_over_limit(client, now)
            place = next(self.tickets)
            self.waiting.setdefault(client, collections.deque()).append(place)
            self.turns.setdefault(client, None)
            deadline = now + p.wait_s
            try:
                while self._next() != place:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise SandboxBusy(
                            f"this query waited {p.wait_s:g} s for a worker (every one stayed busy); "
                            "try again shortly",
                            retry_after=min(self.timeout_s, 5.0),
                        )
                    if self.running[client] == 0 and time.monotonic() - now >= PREEMPT_AFTER_S:
                        self._preempt_for(client)
                    self.cond.wait(min(left, PREEMPT_AFTER_S))
            except BaseException:
                self._unqueue(client, place)
                raise
            self._unqueue(client, place)
            self.turns.pop(client, None)
            if self.waiting.get(client):
                self.turns[client] = None  # served: to the back of the turns
            self.free -= 1
            self.running[client] += 1
            self.holding[place] = (client, time.monotonic(), None)
            return place

    def _refuse_over_limit(self, client: str, now: float) -> None:
        """Raise ClientOverLimit for a client over its time budget or with too many queries waiting."""
        p = self.policy
        waiting = len(self.waiting.get(client, ()))
        if waiting >= p.max_waiting:
            raise ClientOverLimit(
                f"this client already has {waiting} queries waiting (and {self.running[client]} running), "
                f"the limit is {p.max_waiting}; wait for some to finish",
                retry_after=min(self.timeout_s, 5.0),
            )
        spent, recovers = self._spent(client, now)
        if spent >= p.budget_s:
            raise ClientOverLimit(
                f"this client used {spent:.0f} s of query time in the last {p.window_s:g} s, "
                f"the budget is {p.budget_s:g} s; try again in {math.ceil(recovers)} s",
                retry_after=recovers,
            )

    def _next(self) -> int | None:
        """The waiting place to serve now: clients with nothing running first, then the others in turn."""
        if self.free <= 0:
            return None
        idle = [c for c in self.turns if self.running[c] == 0]
        busy = [c for c in self.turns if self.running[c] > 0]
        for client in idle + busy:
            fast_lane = self.running[client] == 0
            if (fast_lane or self.free > self.reserve) and (
                client == INTERNAL or self.running[client] < self.policy.per_client
            ):
                return self.waiting[client][0]
        return None

    def _unqueue(self, client: str, place: int) -> None:
        """Take a place out of its client's queue (served, timed out or interrupted); others may move up."""
        queue = self.waiting.get(client)
        if queue is not None:
            with contextlib.suppress(ValueError):
                queue.remove(place)
            if not queue:
                del self.waiting[client]
                self.turns.pop(client, None)
        self.cond.notify_all()

    def attach(self, ticket: int, worker: Worker) -> None:
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
            if holder not in (client, INTERNAL)
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
            if client != INTERNAL:
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
