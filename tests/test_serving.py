"""The production server over real sockets: slow and idle clients, transport oddities, kill -9 and restart."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from graph.paths import ROOT
from graph.serving import ServerLimits, make_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The app exactly as scripts/run.sh starts it (`python app.py …`), its output kept out of the test's."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server; not a pipe, which could fill and stall it
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    proc.log = log
    return proc


def wait_ready(port: int, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            proc.log.seek(0)
            raise AssertionError(f"the app exited: {proc.log.read().decode()[-2000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}, timeout=5).ok:
                return
        time.sleep(0.2)
    raise AssertionError("the app did not answer in time")


def stop(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
    proc.log.close()


@pytest.fixture(scope="module")
def app_port() -> Iterator[int]:
    port = free_port()
    proc = start_app(port)
    try:
        wait_ready(port, proc)
        yield port
    finally:
        stop(proc)


def raw(port: int, data: bytes, wait: float = 10) -> bytes:
    """Send raw bytes, return the status line of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(data)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
    return buf.split(b"\r\n", 1)[0]


def test_a_normal_request_is_answered_within_a_second_while_slow_and_idle_connections_are_open(app_port):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2000 and (hard == resource.RLIM_INFINITY or hard >= 2000):
        resource.setrlimit(resource.RLIMIT_NOFILE, (2000, hard))
    held = []
    try:
        for _ in range(50):  # slowloris: a request line and one header, then nothing
            s = socket.create_connection(("127.0.0.1", app_port))
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            held.append(s)
        for _ in range(1000):  # idle: connected, nothing sent
            held.append(socket.create_connection(("127.0.0.1", app_port)))
        time.sleep(2)  # let the server accept them all: they are open, as an attacker's would be
        for path, params in (("/sparql", {"query": "ASK { ?s ?p ?o }"}), ("/", None)):
            t0 = time.perf_counter()
            r = requests.get(f"http://127.0.0.1:{app_port}{path}", params=params, timeout=10)
            elapsed = time.perf_counter() - t0
            assert r.status_code == 200, path
            assert elapsed < 1.0, f"{path} took {elapsed:.2f} s with 1,050 slow or idle connections open"
    finally:
        for s in held:
            s.close()


def test_malformed_chunked_bodies_on_sparql_are_400(app_port):
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    assert raw(app_port, head + b"ZZ\r\nASK {}\r\n0\r\n\r\n").startswith(b"HTTP/1.1 400")  # not hex
    assert raw(app_port, head + b"3\r\nASK {}\r\n0\r\n\r\n").startswith(b"HTTP/1.1 400")  # wrong size
    assert raw(app_port, head + b"6\r\nASK {}\r\n0\r\n\r\n").startswith(b"HTTP/1.1 200")  # well-formed


@pytest.mark.parametrize(
    "path",
    [
        b"/_dash-component-suites/..%2f..%2f..%2fetc/passwd",
        b"/_dash-component-suites/dash/..%2f..%2fapp.py",
        b"/_dash-component-suites/../../etc/passwd",
        b"/_dash-component-suites/dash/no-such-file.js",
    ],
)
def test_component_suite_path_oddities_are_4xx(app_port, path):
    status = raw(app_port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status.split()[1].startswith(b"4"), status


def test_a_20000_character_get_query_is_answered(app_port):
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 # " + "é" * 20_000
    query = query[:20_000]
    r = requests.get(f"http://127.0.0.1:{app_port}/sparql", params={"query": query}, timeout=30)
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]["bindings"]) == 1


def test_a_result_over_the_byte_limit_is_truncated_with_the_row_limit_flags(app_port):
    binds = ' BIND("a" AS ?a0)' + "".join(f" BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(25))
    query = f"SELECT ?a25 WHERE {{{binds} }}"  # one 32 MiB value; the limit is 16 MiB
    r = requests.post(f"http://127.0.0.1:{app_port}/sparql", data={"query": query}, timeout=60)
    assert r.status_code == 200, r.text
    assert r.headers["X-Result-Truncated"] == "true"
    assert r.headers["X-Result-Byte-Limit"] == str(16 * 1024**2)
    assert r.json()["truncated"] is True
    assert r.json()["results"]["bindings"] == []


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_9_of_the_server_then_an_immediate_restart_serves():
    port = free_port()
    first = start_app(port)
    try:
        wait_ready(port, first)  # its first query has started a sandbox worker
        os.kill(first.pid, signal.SIGKILL)
        first.wait(5)
        second = start_app(port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _group_alive(first.pid):
            time.sleep(0.1)
        assert not _group_alive(first.pid), "the killed server's query workers outlived it"
        try:
            wait_ready(port, second, seconds=60)
            assert second.poll() is None, "the restarted server could not take the port"
        finally:
            stop(second)
    finally:
        stop(first)


# ------------------------------------------------------------ the timeouts, on a tiny app with short limits


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


@pytest.fixture()
def short_server() -> Iterator[int]:
    limits = ServerLimits(threads=1, header_timeout_s=1.0, body_timeout_s=2.0, idle_timeout_s=30)
    server = make_server(_hello, "127.0.0.1", 0, limits)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        server.close()
        thread.join(5)


def _closed_after(sock: socket.socket, trickle: bytes, seconds: float) -> float | None:
    """Trickle a byte every 0.2 s; the time at which the server closed the connection, or None."""
    t0 = time.monotonic()
    sock.settimeout(0.2)
    while time.monotonic() - t0 < seconds:
        try:
            if sock.recv(1024) == b"":
                return time.monotonic() - t0
        except TimeoutError:
            pass
        try:
            sock.sendall(trickle)
        except OSError:
            return time.monotonic() - t0
    return None


def test_headers_that_trickle_in_are_cut_off_at_the_header_timeout(short_server):
    with socket.create_connection(("127.0.0.1", short_server)) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        closed = _closed_after(s, b"X", 8)  # slowloris: always active, never finished
    assert closed is not None and closed < 5, closed
    assert requests.get(f"http://127.0.0.1:{short_server}/", timeout=5).text == "hello"


def test_a_body_that_trickles_in_is_cut_off_at_the_body_timeout(short_server):
    with socket.create_connection(("127.0.0.1", short_server)) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
        closed = _closed_after(s, b"x", 8)
    assert closed is not None and closed < 6, closed


@pytest.mark.parametrize("debug", [[], ["--debug"]], ids=["waitress", "debug"])
def test_a_taken_port_is_one_line_before_anything_is_built(debug):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        t0 = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "app.py", "--port", str(port), *debug],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 1
    assert run.stderr == (
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use; "
        "another program holds it: choose a free port with --port N\n"
    )
    print(f"refused after {time.perf_counter() - t0:.1f} s")


def test_debug_serves_with_the_renderers_id_checks():
    """Regression: --debug refused its own port (its reloader's child checked the port the parent held)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--debug"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline, page = time.time() + 120, None
        while time.time() < deadline and proc.poll() is None and page is None:
            try:
                page = requests.get(f"http://127.0.0.1:{port}/", timeout=5).text
            except requests.ConnectionError:
                time.sleep(0.3)
        assert page is not None, proc.stderr.read() if proc.poll() is not None else "no answer in 120 s"
        assert '"validation_layout"' in page and '"suppress_callback_exceptions":false' in page
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_malformed_chunked_bodies_are_400_under_other_servers_too():
    """Under werkzeug (the tests' server) or gunicorn the endpoint reads the chunks itself: still 400."""
    from graph.sandbox import Sandbox
    from graph.stores import StoreSpec
    from tests.endpoint_server import make_app, serving

    with Sandbox(StoreSpec(), workers=1) as box, serving(make_app(box)) as url:
        port = int(url.split(":")[2].split("/")[0])
        head = (
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        assert raw(port, head + b"ZZ\r\nASK {}\r\n0\r\n\r\n").startswith(b"HTTP/1.1 400")
        assert raw(port, head + b"6\r\nASK {}\r\n0\r\n\r\n").startswith(b"HTTP/1.1 200")
