"""Persisted stores on disk: named by their sources' content, held while open, removed once stale.

A store lives in `root/<fingerprint>/` with `<fingerprint>.json` (the sources it was built from),
`<fingerprint>.lock` (every process that opens the store holds a shared lock on it for as long as
the store is open) and `<fingerprint>.projections/` (what the workspace derived from it).
The fingerprint hashes the bytes of each source with its graph name, so re-importing identical data
reuses the store; file hashes are remembered by size, mtime and inode in `content-hashes.json`, so
opening costs a `stat` per file, and only a changed file is read again (~0.2 s for 140 MB).

A store is stale when its manifest is missing (built by an older naming scheme) or a source it was
built from is gone or now has other content: nobody can open it again. `prune` removes stale stores
that no process holds (an exclusive lock that cannot be had means someone is using it), and never
touches `.tmp-*` entries (a store being built, or the leftovers another sweep owns).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

HASHES = "content-hashes.json"
_NAME_LENGTH = 16
_memo: dict[str, list] = {}  # path -> [size, mtime_ns, inode, sha256], shared by every root
_memo_roots: set[Path] = set()  # roots whose content-hashes.json has been read
_memo_lock = threading.Lock()


def content_hash(path: Path, root: Path | None = None) -> str:
    """The SHA-256 of a file's bytes, read again only when its size, mtime or inode changed."""
    st = path.stat()
    key, stamp = str(path.resolve()), [st.st_size, st.st_mtime_ns, st.st_ino]
    with _memo_lock:
        if root is not None and root not in _memo_roots:
            _memo.update({k: v for k, v in _read_json(root / HASHES).items() if k not in _memo})
            _memo_roots.add(root)
        hit = _memo.get(key)
    if hit and hit[:3] == stamp:
        return hit[3]
    with path.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    with _memo_lock:
        _memo[key] = [*stamp, digest]
    return digest


def remember_hashes(root: Path) -> None:
    """Save the file hashes known to this process beside the stores, for the next process to reuse."""
    with _memo_lock:
        known = dict(_memo)
    if _read_json(root / HASHES) != known:
        _write_json(root / HASHES, known)


def fingerprint(sources: Sequence[tuple[Path, str]], layout: str, root: Path | None = None) -> str:
    """The name of the store built from these (file, graph name) pairs: content, not path or time."""
    h = hashlib.sha256(f"{layout}\n".encode())
    for path, graph in sources:
        h.update(f"{graph}|{content_hash(Path(path), root)}\n".encode())
    return h.hexdigest()[:_NAME_LENGTH]


class Hold:
    """A shared lock on a store's lock file, released when closed or garbage-collected."""

    def __init__(self, lock_file: Path):
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_SH)  # waits while a prune removes this very store

    def close(self) -> None:
        """Let go of the store (closing the descriptor drops the lock)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.close()


def write_manifest(root: Path, name: str, sources: Sequence[tuple[Path, str]], layout: str) -> None:
    """Record what a store was built from, so a later prune can tell whether it is stale."""
    _write_json(
        root / f"{name}.json",
        {"layout": layout, "sources": [{"path": str(Path(p).resolve()), "graph": g} for p, g in sources]},
    )


@dataclass(frozen=True)
class Removed:
    """One store a prune removed, and the bytes it freed."""

    name: str
    bytes: int
    why: str


def prune(root: Path, layout: str, *, everything: bool = False, keep: Iterable[str] = ()) -> list[Removed]:
    """Remove the stores under `root` that are stale (or all of them with `everything`) and not in use."""
    if not root.is_dir():
        return []
    kept = set(keep)
    removed = []
    for entry in sorted(root.glob("*.projections")):  # what was derived from a store that is gone
        name = entry.name.removesuffix(".projections")
        if entry.is_dir() and not (root / name).exists() and name not in kept:
            size = _size(entry)
            shutil.rmtree(entry, ignore_errors=True)
            log.info("removed projections of %s (its store is gone, %.1f MB)", name, size / 1e6)
            removed.append(Removed(entry.name, size, "its store is gone"))
    for entry in sorted(root.iterdir()):
        name = entry.name
        if not entry.is_dir() or name.startswith(".") or len(name) != _NAME_LENGTH or name in kept:
            continue
        why = "pruned" if everything else stale(root, name, layout)
        if why is None:
            continue
        size = _removed_if_unused(root, name)
        if size is not None:
            log.info("removed store %s (%s, %.1f MB)", name, why, size / 1e6)
            removed.append(Removed(name, size, why))
    return removed


def stale(root: Path, name: str, layout: str) -> str | None:
    """Why nobody can open this store again (no manifest, a source gone or changed), or None."""
    manifest = _read_json(root / f"{name}.json")
    if manifest.get("layout") != layout or not manifest.get("sources"):
        return "built by an older version"
    sources = [(Path(s["path"]), s["graph"]) for s in manifest["sources"]]
    gone = [str(p) for p, _ in sources if not p.is_file()]
    if gone:
        return f"source gone: {gone[0]}"
    if fingerprint(sources, layout, root) != name:
        return "sources changed"
    return None


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (this process counts: its own build may be running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _removed_if_unused(root: Path, name: str) -> int | None:
    """Delete one store and what belongs to it if no process holds it; the bytes freed, or None."""
    lock_file = root / f"{name}.lock"
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # open in some process (perhaps this one)
        parts = [root / name, root / f"{name}.projections"]
        size = sum(_size(p) for p in parts)
        for p in parts:
            shutil.rmtree(p, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            (root / f"{name}.json").unlink()
        with contextlib.suppress(FileNotFoundError):
            lock_file.unlink()
        return size
    finally:
        os.close(fd)


def _size(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.part")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
