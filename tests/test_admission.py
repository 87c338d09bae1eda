"""Admission to the sandbox's workers: a burst queues in its client's own queue, clients are served in turn."""

from __future__ import annotations

import threading
import time

import pytest

from graph.errors import ClientOverLimit, SandboxBusy
from graph.sandbox.admission import Admission, Policy


def _queue(admission: Admission, client: str, served: list[str], *, hold: threading.Event | None = None):
    """Start a thread that waits its turn, records it, holds the slot until `hold` (if any) and leaves."""

    def run() -> None:
        ticket = admission.enter(client)
        served.append(client)
        if hold is not None:
            hold.wait(10)
        admission.leave(ticket, 0.01)

    def progress() -> int:  # queued or served: the thread has taken its place in line
        return len(admission.waiting.get(client, ())) + served.count(client)

    before = progress()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while progress() <= before and time.monotonic() < deadline:
        time.sleep(0.005)
    return thread


def test_a_burst_of_eight_from_one_client_all_run_two_at_a_time():
    admission = Admission(3, Policy(), timeout_s=10)
    most, lock, done = [0], threading.Lock(), []

    def query() -> None:
        ticket = admission.enter("10.0.0.1")
        with lock:
            most[0] = max(most[0], admission.running["10.0.0.1"])
        time.sleep(0.05)
        admission.leave(ticket, 0.05)
        done.append(ticket)

    threads = [threading.Thread(target=query) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(done) == 8 and most[0] == 2  # all eight answered, never more than the client's two at once


def test_waiting_clients_are_served_in_turn():
    admission = Admission(1, Policy(reserve=0, per_client=1), timeout_s=10)
    first = admission.enter("a")  # holds the only worker
    served: list[str] = []
    threads = [_queue(admission, client, served) for client in ("a", "a", "a", "b", "b", "b")]
    admission.leave(first, 0.01)
    for thread in threads:
        thread.join(10)
    assert served == ["a", "b", "a", "b", "a", "b"]


def test_a_client_with_nothing_running_takes_the_reserved_worker_past_a_queued_burst():
    admission = Admission(3, Policy(), timeout_s=10)
    release = threading.Event()
    served: list[str] = []
    burst = [_queue(admission, "burst", served, hold=release) for _ in range(6)]
    assert admission.running["burst"] == 2 and len(admission.waiting["burst"]) == 4
    started = time.monotonic()
    ticket = admission.enter("other")
    assert time.monotonic() - started < 0.5  # no wait behind the burst's queue
    admission.leave(ticket, 0.01)
    release.set()
    for thread in burst:
        thread.join(10)
    assert served.count("burst") == 6


def test_more_than_sixteen_waiting_is_429_and_the_wait_bound_is_503():
    admission = Admission(1, Policy(reserve=0, per_client=1, wait_s=1.0), timeout_s=10)
    held = admission.enter("a")
    errors: list[BaseException] = []

    def wait() -> None:
        try:
            admission.leave(admission.enter("a"), 0.01)
        except (SandboxBusy, ClientOverLimit) as exc:
            errors.append(exc)

    threads = [threading.Thread(target=wait) for _ in range(16)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while len(admission.waiting.get("a", ())) < 16 and time.monotonic() < deadline:
        time.sleep(0.005)
    with pytest.raises(ClientOverLimit, match="16 queries waiting"):
        admission.enter("a")
    for thread in threads:
        thread.join(10)
    admission.leave(held, 0.01)
    assert len(errors) == 16 and all(isinstance(e, SandboxBusy) and e.retry_after >= 1 for e in errors)
    assert "waited 1 s" in str(errors[0]) and not admission.waiting  # nothing left queued
