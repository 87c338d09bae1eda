"""Career transitions: which roles are within reach from a role, why, and what learning would change.

model.py builds the matrices once (from role_items, role_ratings, role_profiles and the role names);
score.py scores one role or many against every role; explain.py ranks and explains. rank() is the
one entry point for the command line and the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from graph.transitions import report
from graph.transitions.explain import Transition, Transitions, transitions
from graph.transitions.model import WITHIN, TransitionModel, build_model
from graph.transitions.score import PARTS, WEIGHTS

if TYPE_CHECKING:
    from graph.workspace import Workspace

__all__ = [
    "PARTS",
    "WEIGHTS",
    "WITHIN",
    "Transition",
    "TransitionModel",
    "Transitions",
    "build_model",
    "rank",
    "report",
    "transitions",
]


def rank(
    ws: Workspace, role: str, *, top: int = 10, within: str = "all", learn: Sequence[str] = ()
) -> Transitions:
    """The top transitions from a role (an IRI) in a workspace; learned items as IRIs, merged as overlap merges them."""
    from graph.network import canonical_items

    canon = canonical_items(ws.item_mappings, set(ws.role_items.roles)) if learn else {}
    learned = [canon.get(str(i), str(i)) for i in learn]
    return transitions(ws.transition_model, ws.role_items, str(role), top=top, within=within, learned=learned)
