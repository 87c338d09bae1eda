"""Who may use a worker now: per-client concurrency and time budget, a reserved fast lane, pre-emption."""

from __future__ import annotations

import collections
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
    """How the workers are shared between clients (defaults after the Wikidata Query Service's limits)."""

    per_client: int = 2  # queries a client may have running or waiting at once; more -> 429
    budget_s: float = 60.0  # seconds of query time a client may use per window; more -> 429 until it recovers
    window_s: float = 60.0
    wait_s: float = 5.0  # longest wait for a free worker; then 503 with Retry-After
    reserve: int = 1  # workers only a client with nothing running may take (the fast lane)


POLICY = Policy()  # the defaults


# Who is asking: the endpoint and the app set it per request (the remote address); the CLI is "local".
CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("akg_sparql_client", default="local")
INTERNAL = "\0internal"  # the sandbox's own queries (the service description's graph list): no budget


class Admission:
    """Who may use a worker now: per-client concurrency, per-client time budget, a reserved fast lane."""

    def __init__(self, workers: int, policy: Policy, timeout_s: float):
        self.policy, self.timeout_s = policy, timeout_s
        self.free = workers
        self.reserve = min(policy.reserve, workers - 1)
        self.admitted: collections.Counter[str] = collections.Counter()  # running or waiting
        self.running: collections.Counter[str] = collections.Counter()
        self.spent: dict[str, collections.deque[tuple[float, float]]] = {}  # (finished at, seconds)
        self.holding: dict[int, tuple[str, float, Worker | None]] = {}  # ticket -> client, since, worker
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
            if client != INTERNAL:
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
            self._drop(self.admitted, client)
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
