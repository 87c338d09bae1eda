"""An HTTP cache for /sparql: the data is read-only, so an answer is known by its store and its request.

The ETag hashes the store's fingerprint (the content of every file it was built from), the sandbox's
limits (they decide truncation), the query text, the dataset and what the client asked the answer
to be written as (Accept, ?format=). A client that sends it back in If-None-Match gets 304 without
the query running; a repeated query without it is answered from an in-process LRU of response
bodies, unless the request says `Cache-Control: no-cache` (or `Pragma: no-cache`), which runs it
again. A store whose data may change underneath (a remote endpoint) has no fingerprint: no cache.
"""

from __future__ import annotations

import collections
import hashlib
import threading
from dataclasses import dataclass

import flask

CACHE_CONTROL = "public, max-age=0, must-revalidate"  # keep it, but ask again: a restart may change data
MAX_BYTES = 64 * 1024**2  # response bodies kept in memory, least recently used dropped first


@dataclass(frozen=True)
class Stored:
    """A 200 answer as sent: body, status and the headers that describe it."""

    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...]


class ResponseCache:
    """ETags for one store's answers and an LRU of their bodies (bounded by total bytes)."""

    def __init__(self, fingerprint: str | None, salt: str = "", *, max_bytes: int = MAX_BYTES):
        self.fingerprint, self.salt, self.max_bytes = fingerprint, salt, max_bytes
        self._entries: collections.OrderedDict[str, Stored] = collections.OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """Whether answers may be cached at all (a read-only store with a known fingerprint)."""
        return self.fingerprint is not None

    def etag(self, request: flask.Request, text: str, params: dict[str, list[str]]) -> str | None:
        """The strong ETag of this request's answer (quoted), or None when nothing is cached."""
        if self.fingerprint is None:
            return None
        parts = [
            self.fingerprint,
            self.salt,
            text,
            request.headers.get("Accept", ""),
            *(
                f"{k}={v}"
                for k in ("format", "output", "default-graph-uri", "named-graph-uri")
                for v in params.get(k, [])
            ),
        ]
        digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
        return f'"{digest[:40]}"'

    def get(self, etag: str) -> Stored | None:
        """A kept answer, now the most recently used."""
        with self._lock:
            hit = self._entries.get(etag)
            if hit is not None:
                self._entries.move_to_end(etag)
            return hit

    def put(self, etag: str, response: flask.Response) -> None:
        """Keep a 200 answer's body (one larger than the whole cache is not kept)."""
        body = response.get_data()
        if len(body) > self.max_bytes:
            return
        kept = tuple((k, v) for k, v in response.headers.items() if k.startswith("X-Result-"))
        with self._lock:
            old = self._entries.pop(etag, None)
            self._size -= len(old.body) if old else 0
            self._entries[etag] = Stored(body, response.content_type or "", kept)
            self._size += len(body)
            while self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)


def revalidated(request: flask.Request, etag: str) -> bool:
    """Whether the client already holds this answer (If-None-Match names its ETag, or *).

    flask-compress sends a compressed answer's ETag as "<tag>:br" (or :gzip): that names it too.
    """
    tags = request.if_none_match
    digest = etag.strip('"')
    return tags.star_tag or any(t.split(":", 1)[0] == digest for t in tags.as_set(include_weak=True))


def fresh(request: flask.Request) -> bool:
    """Whether the client asked for the query to run again rather than for a kept answer."""
    cc = request.headers.get("Cache-Control", "").lower()
    return "no-cache" in cc or "no-store" in cc or "no-cache" in request.headers.get("Pragma", "").lower()


def not_modified(etag: str) -> flask.Response:
    """304: the client's copy is this answer."""
    return flask.Response(status=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})


def replay(stored: Stored, etag: str) -> flask.Response:
    """A kept answer sent again, with its ETag."""
    headers = {**dict(stored.headers), "ETag": etag, "Cache-Control": CACHE_CONTROL, "X-Cache": "hit"}
    return flask.Response(stored.body, 200, headers, content_type=stored.content_type)


def mark(response: flask.Response, etag: str) -> flask.Response:
    """Give a fresh answer its ETag and caching rules."""
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["X-Cache"] = "miss"
    return response


# ---------------------------------------------------------------- the page's scripts, compressed once

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")  # URLs that carry their version
MAX_COMPRESSED_BYTES = 32 * 1024**2


def static_key(request: flask.Request) -> str:
    """flask-compress's cache key: a versioned static file's URL (Dash's fingerprint in the path, or
    ?m=mtime), or "" for any other response (compressed anew each time)."""
    return request.full_path if request.path.startswith(STATIC_PREFIXES) else ""


class Compressed:
    """flask-compress's cache of compressed static files (keys "<encoding>;<static_key>"): each script
    is compressed once per encoding, not on every page load (dash-cytoscape's 1.4 MB took ~45 ms of
    brotli per request, 15 scripts ~150 ms, beside the browser on the same cores). Bounded by bytes:
    once full, further files are compressed per request as before."""

    def __init__(self, max_bytes: int = MAX_COMPRESSED_BYTES):
        self.max_bytes = max_bytes
        self._entries: dict[str, bytes] = {}
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._entries.get(key) if key.partition(";")[2] else None

    def set(self, key: str, value: bytes) -> None:
        if not key.partition(";")[2] or key in self._entries:
            return
        with self._lock:
            if self._size + len(value) <= self.max_bytes:
                self._entries[key] = value
                self._size += len(value)
