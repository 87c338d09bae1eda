"""Child processes that die with their parent, even when it is killed with SIGKILL mid-start.

The first start of a persisted store forks a builder and spawns a projection builder; killed
parents left them running as orphans (one at 337 MB beside the restarted app's own builder).
"""

from __future__ import annotations

import contextlib
import os
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Call first thing in a child: SIGKILL when `parent` goes (Linux prctl); exit now if it already went."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent went before prctl took effect (we were re-parented)
        os._exit(1)


def watch_parent(parent: int, every_s: float = 0.5) -> None:
    """Like die_with_parent, by a daemon thread that polls (no signal: a child stopped at exit stays quick)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
