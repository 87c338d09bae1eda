"""What the store benchmark times on each graph: catalogue queries, graph-view filter states, all-pairs overlap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from benchmarks.measure import TimedOut, timed

ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/72413d91-f212-4ad6-bf95-8b78a37c041a"
ESCO_SKILL = "http://data.europa.eu/esco/skill/7d9d73a8-08df-4624-a5df-95cb220c0736"
ONET_OCCUPATION = "https://www.onetonline.org/link/summary/39-5094.00"
R = "https://w3id.org/aesthetics-kg/resource/"
AKG = "https://w3id.org/aesthetics-kg/ontology#"


def catalogue_params(kind: str) -> dict[str, dict[str, object]]:
    """Representative parameters for every catalogue query, with IRIs that exist in that graph."""
    if kind == "combined":
        role, other, item, text = ESCO_OCCUPATION, ONET_OCCUPATION, ESCO_SKILL, "hair removal"
    else:
        role, other, item, text = (
            R + "medical-aesthetician",
            R + "esthetician",
            R + "laser-hair-removal",
            "laser",
        )
    return {
        "class_hierarchy": {},
        "construct_subgraph": {"seed": [role]},
        "count_entities": {},
        "counts_by_class": {},
        "credential_path": {"role": R + "medical-aesthetician"},
        "curriculum_prerequisites": {"item": [item, R + "certified-laser-operator"]},
        "curriculum_sources": {"role": [role, other]},
        "entity_edges": {},
        "entity_index": {},
        "entity_synonyms": {},
        "filter_options": {"class": AKG + "Role"},
        "gap_items": {"from": other, "to": role},
        "import_violations": {},
        "item_alignments": {},
        "item_mappings": {},
        "kinds_present": {},
        "link_categories": {},
        "match_catalogue": {},
        "labour_statistics": {"role": R + "esthetician"},
        "neighbours": {"node": [role, R + "medical-aesthetician"]},
        "node_properties": {"node": role},
        "role_items": {"role": [role, other]},
        "role_items_all": {},
        "role_profiles": {"role": [role, other]},
        "role_ratings": {"role": [role, other]},
        "roles_by_item": {"item": item},
        "search_labels": {"text": text},
        "shared_items": {"a": role, "b": other},
        "vocabulary_terms": {},
    }


def filter_states(kind: str) -> dict[str, dict[str, object]]:
    """Filter states of the graph view: chosen roles (seeds), kinds kept at both ends, essential only."""
    role = ESCO_OCCUPATION if kind == "combined" else R + "medical-aesthetician"
    other = ONET_OCCUPATION if kind == "combined" else R + "medical-laser-technician"
    return {
        "one role": {"roles": [role]},
        "one role, essential only": {"roles": [role], "essential": True},
        "two roles, Role+Procedure+Device kinds": {
            "roles": [role, other],
            "kinds": ["Role", "Procedure", "Device"],
        },
        "nothing chosen (whole graph)": {},
    }


def filter_call(ws: Any, state: Mapping[str, Any]) -> tuple[str, Callable[[], Any]]:
    """What redrawing the graph for a filter state costs: the app's own callback code
    (graph.ui.view.compose.compose: the queries, layout and elements draw() returns)."""
    from graph.ui import state as S
    from graph.ui.context import Context
    from graph.ui.view.compose import compose

    st = S.State().with_(
        seeds={**S.State().seeds, "role": tuple(state.get("roles", ()))},
        kinds=tuple(state.get("kinds", ())),
        essential=bool(state.get("essential", False)),
    )
    # a new Context per call: the app caches views per filter state, and a first visit is what counts
    return "graph.ui.view.compose (uncached)", lambda: compose(Context(ws, None), st)


def overlap_row(ws: Any, analysis: Any, timeout: float) -> dict[str, Any]:
    """All-pairs overlap over every role: the projection (two queries) and the sparse product, in seconds."""
    try:
        built, ri = timed(lambda: ws.role_items, timeout)
        seconds, matrix = timed(lambda: analysis.overlap_matrix(ri), timeout)
    except TimedOut:
        return {"kind": "overlap", "name": "all-pairs overlap", "status": "timed out", "timeout_s": timeout}
    except Exception as exc:
        return {
            "kind": "overlap",
            "name": "all-pairs overlap",
            "status": f"error: {type(exc).__name__}: {exc}",
        }
    n = len(matrix.roles)
    return {
        "kind": "overlap",
        "name": "all-pairs overlap",
        "status": "ok",
        "roles": n,
        "pairs": n * (n - 1) // 2,
        "projection_s": round(built, 3),
        "matrix_s": round(seconds, 3),
    }
