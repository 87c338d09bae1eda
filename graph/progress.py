"""Progress bars (tqdm) that hold no process-shared lock."""

from __future__ import annotations

import threading
from typing import Any

from tqdm import tqdm


def bar(**options: Any) -> tqdm:
    """A tqdm bar, with tqdm's lock a thread's: its default one is a multiprocessing semaphore, and a
    process killed while it exists (a query worker that built a store) left "resource_tracker: There
    appear to be 1 leaked semaphore objects" on the user's terminal."""
    if "_lock" not in vars(tqdm):
        tqdm.set_lock(threading.RLock())
    return tqdm(**options)
