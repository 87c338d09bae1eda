"""The one set of curriculum limits, checked on every path: upload, paste, save, import and the HTTP API.

Every figure lives here and nowhere else, so what an upload accepts a save accepts too. Each refusal is
one LimitError line that names the limit and its figure; checks only read, so nothing is half-saved.
Call `check_curriculum(c)` (or `check_json(doc)` before building one) wherever a curriculum comes in.
"""

from __future__ import annotations

import collections
import contextlib
import json
import math
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from graph.errors import GraphError

if TYPE_CHECKING:
    from graph.curricula import Curriculum

MAX_OUTCOMES = 2_000  # outcomes in one curriculum
MAX_OUTCOME_CHARS = 1_000  # characters in one outcome
MAX_MODULE_CHARS = 200  # characters in a module name
MAX_TITLE_CHARS = 200  # characters in a curriculum's title
MAX_LABEL_CHARS = 500  # characters in a matched item's label
MAX_IRI_CHARS = 2_000  # characters in a role's or matched item's IRI
MAX_ROLES = 50  # target roles of one curriculum
MAX_MATCHES = 20  # proposals kept for one outcome
MAX_FILE_BYTES = 1_000_000  # an uploaded or pasted file, as bytes
MAX_CURRICULUM_BYTES = 3_500_000  # a whole curriculum as JSON (what the page sends back on save)
MAX_REQUEST_BYTES = 4_000_000  # a request to the app (a save carries the curriculum, title and roles)
MAX_CURRICULA_PER_OWNER = 100  # saved curricula one designer (or one address) may hold
MAX_CURRICULA = 10_000  # saved curricula in the whole store
SAVES_PER_MINUTE = 20  # saves one designer (or address) may make in a minute
MAX_VERSIONS = 50  # versions kept of one curriculum (older ones give way)
HEAVY_PER_CLIENT = 1  # uploads and match proposals one address may have running at once
HEAVY_TOTAL = 2  # ... and all addresses together (the web server has 8 threads)

#: (name, figure, what it bounds) for the docs and the service page
LIMITS: tuple[tuple[str, int, str], ...] = (
    ("MAX_OUTCOMES", MAX_OUTCOMES, "outcomes in one curriculum"),
    ("MAX_OUTCOME_CHARS", MAX_OUTCOME_CHARS, "characters in one outcome"),
    ("MAX_MODULE_CHARS", MAX_MODULE_CHARS, "characters in a module name"),
    ("MAX_TITLE_CHARS", MAX_TITLE_CHARS, "characters in a title"),
    ("MAX_LABEL_CHARS", MAX_LABEL_CHARS, "characters in a matched item's label"),
    ("MAX_IRI_CHARS", MAX_IRI_CHARS, "characters in a role or item IRI"),
    ("MAX_ROLES", MAX_ROLES, "target roles of one curriculum"),
    ("MAX_MATCHES", MAX_MATCHES, "proposals kept for one outcome"),
    ("MAX_FILE_BYTES", MAX_FILE_BYTES, "bytes in an uploaded or pasted file"),
    ("MAX_CURRICULUM_BYTES", MAX_CURRICULUM_BYTES, "bytes of a whole curriculum as JSON"),
    ("MAX_REQUEST_BYTES", MAX_REQUEST_BYTES, "bytes of one request to the app (not /sparql)"),
    ("MAX_CURRICULA_PER_OWNER", MAX_CURRICULA_PER_OWNER, "saved curricula per designer or address"),
    ("MAX_CURRICULA", MAX_CURRICULA, "saved curricula in the store"),
    ("SAVES_PER_MINUTE", SAVES_PER_MINUTE, "saves per designer or address in a minute"),
    ("MAX_VERSIONS", MAX_VERSIONS, "versions kept of one curriculum"),
    ("HEAVY_PER_CLIENT", HEAVY_PER_CLIENT, "uploads or proposals running at once per address"),
    ("HEAVY_TOTAL", HEAVY_TOTAL, "uploads or proposals running at once in all"),
)


class LimitError(GraphError):
    """Input over one of the limits above, or a number that is not finite: one line naming the limit."""


def check_count(n: int, limit: int, what: str, *, where: str = "") -> None:
    """n things of a kind, at most `limit` (e.g. outcomes in a curriculum)."""
    if n > limit:
        raise LimitError(f"{_at(where)}{n:,} {what} is too many (at most {limit:,}); split it")


def check_text(value: str, limit: int, what: str, *, where: str = "") -> str:
    """A text of at most `limit` characters, returned as given."""
    if len(value) > limit:
        raise LimitError(f"{_at(where)}{what} is {len(value):,} characters (at most {limit:,})")
    return value


def check_bytes(n: int, limit: int, what: str, *, where: str = "") -> None:
    """A body of n bytes, at most `limit`."""
    if n > limit:
        raise LimitError(f"{_at(where)}{what} is {n:,} bytes (at most {limit:,}); split it")


def finite(value: object, what: str = "score", *, where: str = "") -> float:
    """A finite float from a number or numeric text; NaN, Infinity and non-numbers are refused."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise LimitError(f"{_at(where)}{what} {short(value)} is not a number") from None
    if not math.isfinite(x):
        raise LimitError(
            f"{_at(where)}{what} {short(value)} is not a finite number (NaN and Infinity are refused)"
        )
    return x


def tolerant(value: object, default: float = 0.0) -> float:
    """A stored number read back: non-finite or unreadable legacy values become `default`, never an error."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return x if math.isfinite(x) else default


def check_curriculum(c: Curriculum, *, where: str = "") -> Curriculum:
    """A curriculum within every limit (counts, lengths, finite scores, size as JSON), returned as given."""
    check_text(c.title, MAX_TITLE_CHARS, "the title", where=where)
    check_count(len(c.roles), MAX_ROLES, "target roles", where=where)
    for r in c.roles:
        check_text(r, MAX_IRI_CHARS, "a role IRI", where=where)
    check_count(len(c.outcomes), MAX_OUTCOMES, "outcomes", where=where)
    for n, o in enumerate(c.outcomes, 1):
        check_text(o.text, MAX_OUTCOME_CHARS, f"outcome {n}", where=where)
        check_text(o.module, MAX_MODULE_CHARS, f"the module of outcome {n}", where=where)
        check_count(len(o.matches), MAX_MATCHES, f"proposals for outcome {n}", where=where)
        for m in o.matches:
            check_text(m.item, MAX_IRI_CHARS, f"an item IRI of outcome {n}", where=where)
            check_text(m.label, MAX_LABEL_CHARS, f"an item label of outcome {n}", where=where)
            finite(m.score, f"the score of {short(m.label)} for outcome {n}", where=where)
    check_bytes(curriculum_bytes(c), MAX_CURRICULUM_BYTES, "the curriculum as JSON", where=where)
    return c


def curriculum_bytes(c: Curriculum) -> int:
    """A curriculum's size as the UTF-8 JSON a browser sends back with a save."""
    from graph.curricula import to_json

    return len(json.dumps(to_json(c), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _at(where: str) -> str:
    return f"{where}: " if where else ""


def short(value: object, n: int = 40) -> str:
    """A value as it goes into a message: its repr, cut to n characters (a hostile value is not echoed whole)."""
    text = repr(value)
    return text if len(text) <= n else text[: n - 1] + "…"


class Window:
    """At most `n` events per `seconds` per key (a sliding window); at most `max_keys` keys kept."""

    def __init__(self, n: int, seconds: float, *, max_keys: int = 10_000):
        self.n, self.seconds, self.max_keys = n, seconds, max_keys
        self._events: collections.OrderedDict[str, list[float]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Count one event for `key`: 0 if allowed, else the seconds until one is."""
        now = time.monotonic()
        with self._lock:
            events = [t for t in self._events.pop(key, []) if now - t < self.seconds]
            allowed = len(events) < self.n
            if allowed:
                events.append(now)
            self._events[key] = events
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
        return 0.0 if allowed else max(0.1, self.seconds - (now - events[0]))


class Gate:
    """Heavy work (parsing an upload, proposing matches) admitted per client and in all, never queued.

    Over either bound the caller gets a LimitError line at once, so a client that uploads as fast as it
    can holds at most HEAVY_PER_CLIENT of the web server's threads and everyone together HEAVY_TOTAL.
    """

    def __init__(self, per_client: int = HEAVY_PER_CLIENT, total: int = HEAVY_TOTAL):
        self.per_client, self.total = per_client, total
        self._running: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def enter(self, client: str) -> None:
        """Admit one piece of work for `client`, or a LimitError; call leave(client) when it ends."""
        with self._lock:
            if self._running[client] >= self.per_client:
                raise LimitError(
                    f"your previous upload or proposal is still being worked on (HEAVY_PER_CLIENT "
                    f"{self.per_client}); try again when it has finished"
                )
            if sum(self._running.values()) >= self.total:
                raise LimitError(
                    f"{self.total} uploads or proposals are being worked on already (HEAVY_TOTAL "
                    f"{self.total}); try again in a few seconds"
                )
            self._running[client] += 1

    def leave(self, client: str) -> None:
        """The work admitted for `client` has ended."""
        with self._lock:
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]

    @contextlib.contextmanager
    def admitted(self, client: str) -> Iterator[None]:
        """`with gate.admitted(client):` around heavy work (refused at once when over a bound)."""
        self.enter(client)
        try:
            yield
        finally:
            self.leave(client)
