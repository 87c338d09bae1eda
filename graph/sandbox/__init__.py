"""Free-form SPARQL from users: a read-only check, then killable worker processes with time and row limits.

Fair under abuse (after the Wikidata Query Service's policy): each client (the caller's address) may
run a few queries at once, the rest of a burst waiting in its own queue (clients served in turn), and
use a budget of query time per minute; one worker is kept for clients
with nothing running, so one client's runaway queries never make another's simple query wait; when
several clients fill every worker, a waiting client with nothing running pre-empts the oldest long
query of a client holding two or more; long queries drop to the lowest CPU priority.

Modules, each using only those before it: check (what may run, the limits), local (run in this
process), workers (the processes), admission (who may use a worker now), pool (the Sandbox).
"""

from graph.sandbox.admission import CLIENT, Policy
from graph.sandbox.check import READ_ONLY, Limits, check
from graph.sandbox.local import Writers, Written, cap_bytes, execute
from graph.sandbox.pool import GRAPHS_QUERY, Sandbox, default_workers

__all__ = [
    "CLIENT",
    "GRAPHS_QUERY",
    "READ_ONLY",
    "Limits",
    "Policy",
    "Sandbox",
    "Writers",
    "Written",
    "cap_bytes",
    "check",
    "default_workers",
    "execute",
]
