"""Designers: who may write curricula. Names with salted scrypt hashes in var/users (or the file AKG_USERS names).

One line per designer, `name:scrypt$N$r$p$salt$hash` (base64), written whole and atomically (mode 0600),
read again whenever the file changed, so every app process on the machine sees an added or removed
designer at once. scrypt (hashlib, the standard library) is slow and memory-hard on purpose: a stolen
file costs an attacker ~50 ms and 16 MiB per guess. A check of an unknown name costs the same as a
wrong password, so timing does not tell which names exist. Wrong passwords are throttled by Throttle.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from graph.errors import GraphError
from graph.paths import VAR

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024


class UserError(GraphError):
    """A designer that cannot be added or removed as asked (bad name, short password, unknown name)."""


def users_path() -> Path:
    """The designers' file: $AKG_USERS, or var/users."""
    return Path(os.environ.get("AKG_USERS") or VAR / "users")


def check_name(name: str) -> str:
    """A designer's name as given, or a UserError: letters, digits, . _ @ -, at most 64."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise UserError(f"{name!r} is not a designer name (letters, digits, '.', '_', '@', '-'; at most 64)")
    return name


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A salted scrypt hash of a password, with its parameters, as one string."""
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def verify_password(stored: str, password: str) -> bool:
    """True when password hashes to stored (constant-time comparison); False for a malformed entry."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(want, got)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    secret = password.encode("utf-8")[:MAX_PASSWORD]
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=128 * n * r * 2, dklen=32)


_DUMMY = None  # a hash to check unknown names against, so they take as long as known ones


class Users:
    """The designers' file: add, remove, list, and check a name and password."""

    def __init__(self, path: Path | None = None):
        self.path = path or users_path()
        self._lock = threading.Lock()
        self._seen: tuple[float, int] | None = None
        self._entries: dict[str, str] = {}

    def _read(self) -> dict[str, str]:
        """The entries, read again when the file's time or size changed (another process wrote it)."""
        with self._lock:
            try:
                st = self.path.stat()
            except FileNotFoundError:
                self._seen, self._entries = None, {}
                return {}
            key = (st.st_mtime, st.st_size)
            if key != self._seen:
                entries = {}
                for line in self.path.read_text(encoding="utf-8").splitlines():
                    name, sep, stored = line.strip().partition(":")
                    if sep and _NAME.match(name):
                        entries[name] = stored
                self._seen, self._entries = key, entries
            return dict(self._entries)

    def names(self) -> list[str]:
        """The designers' names, sorted."""
        return sorted(self._read())

    def exists(self) -> bool:
        """True once any designer exists (then writing curricula needs a sign-in)."""
        return bool(self._read())

    def add(self, name: str, password: str) -> bool:
        """Add a designer or set a designer's new password; True when the name is new."""
        check_name(name)
        if len(password) < MIN_PASSWORD:
            raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
        if len(password.encode("utf-8")) > MAX_PASSWORD:
            raise UserError(f"a password has at most {MAX_PASSWORD} bytes")
        entries = self._read()
        new = name not in entries
        entries[name] = hash_password(password)
        self._write(entries)
        return new

    def remove(self, name: str) -> None:
        """Remove a designer (their sessions end with it); a UserError when there is none by that name."""
        entries = self._read()
        if name not in entries:
            raise UserError(f"no designer {name!r}")
        del entries[name]
        self._write(entries)

    def check(self, name: str, password: str) -> bool:
        """True for a designer's right password; an unknown name costs the same time as a wrong password."""
        global _DUMMY
        stored = self._read().get(name) if isinstance(name, str) else None
        if stored is None:
            if _DUMMY is None:
                _DUMMY = hash_password(secrets.token_hex(8))
            verify_password(_DUMMY, password)
            return False
        return verify_password(stored, password)

    def _write(self, entries: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(f"{n}:{h}\n" for n, h in sorted(entries.items()))
        os.replace(tmp, self.path)


# ---------------------------------------------------------------- throttling wrong passwords


@dataclass
class _Record:
    failures: int = 0
    until: float = 0.0  # no attempt is checked before this time
    last: float = 0.0


class Throttle:
    """Wrong passwords slow down per client address and per name: after `free` failures each waits twice as long.

    While a key waits, every attempt on it is refused unchecked (429 and Retry-After), the right password
    too, so guessing never gets a verdict. Names that do not exist are throttled the same way.
    """

    def __init__(
        self, *, free: int = 5, first_wait: float = 2.0, longest: float = 900.0, forget: float = 3600.0
    ):
        self.free, self.first_wait, self.longest, self.forget = free, first_wait, longest, forget
        self._lock = threading.Lock()
        self._records: dict[tuple[str, str], _Record] = {}

    def wait(self, address: str, name: str, now: float | None = None) -> float:
        """Seconds before an attempt from address for name may be checked (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return max(0.0, *(r.until - now for r in self._keys(address, name, now)))

    def failed(self, address: str, name: str, now: float | None = None) -> float:
        """Count a wrong password; the seconds the next attempt must wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            waits = []
            for r in self._keys(address, name, now):
                r.failures += 1
                r.last = now
                if r.failures >= self.free:
                    r.until = now + min(self.longest, self.first_wait * 2 ** (r.failures - self.free))
                waits.append(max(0.0, r.until - now))
            return max(waits)

    def succeeded(self, address: str, name: str) -> None:
        """A right password: the name's count starts again (the address keeps its record)."""
        with self._lock:
            self._records.pop(("name", name), None)

    def _keys(self, address: str, name: str, now: float) -> list[_Record]:
        if len(self._records) > 100_000:  # forget old records before they fill memory
            for k in [k for k, r in self._records.items() if now - r.last > self.forget and r.until < now]:
                del self._records[k]
        return [
            self._records.setdefault(("address", address), _Record()),
            self._records.setdefault(("name", name[:64]), _Record()),
        ]
