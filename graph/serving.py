"""The production web server: waitress, whose event loop reads each whole request before a thread runs it.

A thread-per-connection server (gunicorn's sync and gthread workers) gives every stalled socket a
thread, so four clients that send half a request block everyone. Waitress reads requests in one
poll()-driven loop and hands only complete ones to its thread pool; on top of its idle timeout this
module closes connections whose headers or body take too long to arrive (slowloris), and the server
is one process, so `kill -9` frees the port at once.
"""

from __future__ import annotations

import errno
import logging
import resource
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from graph.errors import ServeError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerLimits:
    """How long a client may take, how much it may send, how many may be connected at once."""

    threads: int = 48  # run complete requests; a client's queue (2 running + 16 waiting) holds 18 at most; I/O takes none
    header_timeout_s: float = 20.0  # from a request's first byte to the end of its headers
    body_timeout_s: float = 60.0  # from a request's first byte to the end of its body
    idle_timeout_s: int = 30  # a kept-alive connection with no request in flight
    connection_limit: int = 4000  # open connections; beyond it new ones wait in the listen backlog
    max_header_bytes: int = 262_144  # a 20,000-character GET query percent-encoded fits
    max_body_bytes: int = 16_000_000  # hard cap; Flask's 2 MB limit answers first, with the app's own message


MAX_LOG_CHARS = 300  # a logged value (a request body, a query, an exception's message) is cut to this
MAX_LOG_LINES = 40  # lines of one record's traceback kept (the last ones: where it failed)
LOG_FILE_BYTES = 5_000_000  # AKG_LOG_FILE rotates at this size ...
LOG_FILE_BACKUPS = 3  # ... keeping this many old files: at most 20 MB of log on disk


class Shorten(logging.Filter):
    """Cut every record to a few hundred characters a line, so a hostile body never reaches the log whole."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = _cut(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            lines = record.exc_text.splitlines()[-MAX_LOG_LINES:]
            record.exc_text = "\n".join(_cut(line) for line in lines)
        record.exc_info = None  # the formatter would format the whole exception again
        record.stack_info = _cut(record.stack_info) if record.stack_info else None
        return True


def _cut(text: str) -> str:
    """A logged line of at most MAX_LOG_CHARS, saying how much was left out."""
    text = str(text)
    if len(text) <= MAX_LOG_CHARS:
        return text
    return f"{text[:MAX_LOG_CHARS]}… ({len(text) - MAX_LOG_CHARS:,} more characters not logged)"


def configure_logging(level: int = logging.INFO) -> logging.Handler:
    """The server's log: stderr, or AKG_LOG_FILE rotating at LOG_FILE_BYTES; every record cut by Shorten."""
    import os
    from logging.handlers import RotatingFileHandler

    path = os.environ.get("AKG_LOG_FILE")
    handler: logging.Handler = (
        RotatingFileHandler(path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8")
        if path
        else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    handler.addFilter(Shorten())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    return handler


def make_server(app: Callable, host: str, port: int, limits: ServerLimits = ServerLimits()):
    """A waitress server bound to host:port (port 0: any free one), not yet serving: call .run().

    Its `application` may be replaced before run(): bind first, build the app after, so a taken port
    fails at once; connections made meanwhile wait in the listen backlog.
    """
    from waitress.adjustments import Adjustments
    from waitress.channel import HTTPChannel
    from waitress.server import TcpWSGIServer
    from waitress.task import ThreadedTaskDispatcher

    class Channel(HTTPChannel):
        """A connection that remembers when the request it is reading began."""

        started: float | None = None

        def received(self, data: bytes) -> bool:
            if self.request is None and data:
                self.started = time.monotonic()
            return super().received(data)

    class Server(TcpWSGIServer):
        """Waitress's server with header and body timeouts added to its idle-connection sweep."""

        channel_class = Channel

        def maintenance(self, now: float) -> None:
            super().maintenance(now)
            clock = time.monotonic()
            for channel in list(self.active_channels.values()):
                request, started = channel.request, getattr(channel, "started", None)
                if request is None or channel.requests or started is None or request.completed:
                    continue
                allowed = limits.body_timeout_s if request.headers_finished else limits.header_timeout_s
                if clock - started > allowed:
                    channel.will_close = True  # the loop closes it; no thread was ever spent on it

    _raise_open_files(limits.connection_limit + 256)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is N" on every burst
    adj = Adjustments(
        host=host,
        port=port,
        threads=limits.threads,
        channel_timeout=limits.idle_timeout_s,
        cleanup_interval=1,
        connection_limit=limits.connection_limit,
        max_request_header_size=limits.max_header_bytes,
        max_request_body_size=limits.max_body_bytes,
        asyncore_use_poll=True,  # select() cannot watch more than 1,024 sockets
        backlog=2048,
        ident="akg",
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    try:
        return Server(app, map={}, dispatcher=dispatcher, adj=adj)
    except OSError as exc:
        dispatcher.shutdown()
        raise ServeError(_cannot_listen(host, port, exc)) from None


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    taken = exc.errno == errno.EADDRINUSE
    hint = "; another program holds it: choose a free port with --port N" if taken else ""
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}"


def check_port(host: str, port: int) -> None:
    """serve()'s one-line error before Dash's development server (--debug) says it in three, without --port."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ServeError(_cannot_listen(host, port, exc)) from None


def _interrupt(signum: int, frame: object) -> None:
    """Turn SIGTERM into the KeyboardInterrupt serve() stops on: sockets closed, exit handlers run."""
    raise KeyboardInterrupt


def _starting(environ, start_response):
    """Never reached: nothing is accepted before the real application is in place."""
    start_response("503 Service Unavailable", [("Content-Type", "text/plain"), ("Retry-After", "5")])
    return [b"starting\n"]


def _raise_open_files(wanted: int) -> None:
    """Allow enough file descriptors for the connection limit (the soft limit is often 1,024)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            log.warning("could not raise the open-file limit from %d to %d", soft, target)


def serve(
    factory: Callable[[], Callable], host: str, port: int, limits: ServerLimits = ServerLimits()
) -> None:
    """Listen on host:port, then build the WSGI app (factory()) and serve it until interrupted."""
    server = make_server(_starting, host, port, limits)
    server.application = factory()
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop ends the loop as Ctrl-C does
    print(f"serving on http://{server.effective_host}:{server.effective_port}", file=sys.stderr, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
