"""Measuring one call or one process: time with a cut-off, percentiles, resident memory, the machine."""

from __future__ import annotations

import os
import platform
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import pyoxigraph
    import rdflib

    mem = _proc_kib("/proc/meminfo", "MemTotal")
    return {
        "cores": os.cpu_count(),
        "ram_gib": round(mem / 2**20, 1) if mem else None,
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "platform": platform.platform(),
    }


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _proc_kib(path: str, key: str) -> int | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


class TimedOut(BaseException):
    """A timed call ran past --timeout (a BaseException, so the stores' `except Exception` let it through)."""


def _alarm(signum: int, frame: object) -> None:
    raise TimedOut


def timed(fn: Callable[[], Any], timeout: float) -> tuple[float, Any]:
    """Seconds one call takes and its value; TimedOut past the timeout."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        start = time.perf_counter()
        value = fn()
        return time.perf_counter() - start, value
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy's default."""
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def latency(fn: Callable[[], Any], *, repeat: int, timeout: float) -> dict[str, Any]:
    """p50/p95 over up to `repeat` calls after one warm-up; slow calls get fewer repeats (about 2 x timeout at most)."""
    try:
        first, value = timed(fn, timeout)
        times: list[float] = []
        budget = timeout
        n = repeat if first * repeat <= budget else max(1, int(budget / max(first, 1e-9)))
        for _ in range(n):
            t, value = timed(fn, timeout)
            times.append(t)
    except TimedOut:
        return {"status": "timed out", "timeout_s": timeout}
    except Exception as exc:
        return {"status": f"error: {type(exc).__name__}: {str(exc)[:200]}"}
    return {
        "status": "ok",
        "n": len(times),
        "size": _size(value),
        "p50_ms": round(percentile(times, 50) * 1000, 3),
        "p95_ms": round(percentile(times, 95) * 1000, 3),
    }


def _size(value: Any) -> int | None:
    if isinstance(value, tuple) and value and hasattr(value[0], "drawn"):  # compose(): (view, sparql)
        return len(value[0].drawn.nodes)
    rows = getattr(value, "rows", None)
    if getattr(value, "form", None) in ("CONSTRUCT", "DESCRIBE"):
        return len(set(value.triples))
    return len(rows) if rows is not None else None


def rss_mib() -> float:
    """This process's resident memory now."""
    return round((_proc_kib("/proc/self/status", "VmRSS") or 0) / 1024, 1)


def peak_mib() -> float:
    """This process's peak resident memory so far."""
    return round((_proc_kib("/proc/self/status", "VmHWM") or 0) / 1024, 1)
