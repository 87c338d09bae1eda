"""Several app processes sharing one curricula store (Virtuoso over SPARQL 1.1 Update): one save wins, none is lost."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.test_api import ALICE, add_designer, body, etag
from tests.test_serving import free_port, start_app, stop, wait_ready
from tests.virtuoso import Virtuoso, missing

ROUNDS = 10


class SerializableVirtuoso(Virtuoso):
    """Virtuoso running each request serializable (DefaultIsolation = 8), as a shared curricula store must.

    At its default (read committed) two updates whose WHERE matched the same version both apply: each
    save checks a version, so a store must isolate one update from another (the README's deployment notes).
    """

    def _write_ini(self) -> Path:
        ini = super()._write_ini()
        subprocess.run(
            [
                "inifile",
                "+inifile",
                str(ini),
                "+section",
                "Parameters",
                "+key",
                "DefaultIsolation",
                "+value",
                "8",
            ],
            check=True,
            capture_output=True,
        )
        return ini


@pytest.fixture(scope="module")
def shared_store() -> Iterator[str]:
    if missing():
        pytest.fail(missing())
    with SerializableVirtuoso(max_rows=100_000) as v:
        v.isql('GRANT SPARQL_UPDATE TO "SPARQL";')  # its anonymous SPARQL user may update
        yield v.sparql_url


@pytest.fixture(scope="module")
def two_apps(shared_store, tmp_path_factory) -> Iterator[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("shared")
    add_designer(tmp / "users", *ALICE)
    env = {"AKG_USERS": str(tmp / "users"), "AKG_VAR": str(tmp / "var")}
    procs, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            procs.append(start_app(port, "--curricula", shared_store, env=env))
            urls.append(f"http://127.0.0.1:{port}")
        for proc, url in zip(procs, urls, strict=True):
            wait_ready(int(url.rsplit(":", 1)[1]), proc)
        yield urls[0], urls[1]
    finally:
        for proc in procs:
            stop(proc)


def _at_once(calls) -> list[requests.Response]:
    """Send the requests from threads released together, so they reach the store at the same moment."""
    barrier = threading.Barrier(len(calls))
    answers: list[requests.Response | None] = [None] * len(calls)

    def run(n: int) -> None:
        barrier.wait()
        answers[n] = calls[n]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers  # type: ignore[return-value]


def test_two_processes_saving_the_same_curriculum_at_once_never_lose_an_update(two_apps):
    a, b = two_apps
    first = requests.put(a + "/api/curricula/shared", json=body("start"), auth=ALICE, timeout=60)
    assert first.status_code == 201, first.text
    seen = requests.get(b + "/api/curricula/shared", timeout=60)  # the other process reads the same store
    assert seen.json()["title"] == "start" and etag(seen) == '"v1"'
    winners = []
    for n in range(ROUNDS):
        tag = f'"v{n + 1}"'
        answers = _at_once(
            [
                lambda app=app, who=who, n=n, tag=tag: requests.put(
                    f"{app}/api/curricula/shared",
                    json=body(f"round {n} by {who}"),
                    auth=ALICE,
                    headers={"If-Match": tag},
                    timeout=60,
                )
                for app, who in ((a, "a"), (b, "b"))
            ]
        )
        statuses = sorted(x.status_code for x in answers)
        assert statuses == [200, 412], [x.text for x in answers]
        winner = next(x for x in answers if x.status_code == 200)
        assert etag(winner) == f'"v{n + 2}"'
        winners.append(winner.json()["title"])
    now = requests.get(a + "/api/curricula/shared", timeout=60).json()
    assert now["version"] == ROUNDS + 1 and now["title"] == winners[-1]
    history = requests.get(b + "/api/curricula/shared/versions", timeout=60).json()["versions"]
    # every save that was answered 200 is a version, in order; the refused ones left no trace
    assert [v["title"] for v in history] == [*reversed(winners), "start"]
    assert [v["version"] for v in history] == [str(n) for n in range(ROUNDS + 1, 0, -1)]
    assert {v["who"] for v in history} == {"alice"}


def test_two_processes_creating_the_same_curriculum_at_once_one_wins(two_apps):
    a, b = two_apps
    answers = _at_once(
        [
            lambda app=app: requests.put(
                f"{app}/api/curricula/born-twice",
                json=body(f"made by {app}"),
                auth=ALICE,
                headers={"If-None-Match": "*"},
                timeout=60,
            )
            for app in (a, b)
        ]
    )
    assert sorted(x.status_code for x in answers) == [201, 412], [x.text for x in answers]
    winner = next(x for x in answers if x.status_code == 201)
    stored = requests.get(b + "/api/curricula/born-twice", timeout=60).json()
    assert (stored["title"], stored["version"]) == (winner.json()["title"], 1)
    assert len(requests.get(a + "/api/curricula/born-twice/versions", timeout=60).json()["versions"]) == 1
