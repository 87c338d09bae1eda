"""Which component holds each field of the view State, and the State <-> component values by name.

Callbacks ask for `controls(Input)` (or Output, State) and get a dict keyed by State field (the
seeds a dict per filter), so no callback slices positional lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from graph.ui.state import WITHIN, State, valid_iri
from graph.ui.tabs import TAB_NAMES
from graph.ui.view.kinds import FILTERS, KINDS, LAYOUTS


def role_picker(name: str) -> dict:
    """The id of a role picker: all share a type, so one callback serves their search (MATCH)."""
    return {"type": "role-picker", "name": name}


def entity_picker(name: str) -> dict:
    """The id of a search-driven entity picker (the path finder's ends)."""
    return {"type": "picker", "name": name}


def filter_picker(name: str) -> dict:
    """The id of a picker over a fixed list (a graph filter): the browser filters its list (MATCH)."""
    return {"type": "filter-picker", "name": name}


def seed_id(key: str) -> dict:
    """The id of a graph filter's picker (the role filter is a role picker)."""
    return role_picker("f-role") if key == "role" else filter_picker(f"f-{key}")


# State field -> (component id, property)
FIELDS: dict[str, tuple[str | dict, str]] = {
    "tab": ("tabs", "data"),
    "kinds": ("f-kinds", "value"),
    "essential": ("f-essential", "value"),
    "everything": ("f-everything", "value"),
    "layout": ("layout-choice", "value"),
    "node": ("selected", "data"),
    "focus": ("focus", "data"),
    "depth": ("focus-depth", "value"),
    "expand": ("expanded", "data"),
    "hide": ("hidden", "data"),
    "add": ("added", "data"),
    "path_from": (entity_picker("path-a"), "value"),
    "path_to": (entity_picker("path-b"), "value"),
    "path_only": ("path-only", "value"),
    "start": ("transition-start", "data"),
    "within": ("transition-within", "data"),
    "learn": ("transition-learn", "data"),
    "target": ("transition-target", "data"),
}


# The fields that change what the graph draws (the selection only highlights).
VIEW_FIELDS = (
    "seeds",
    "everything",
    "kinds",
    "essential",
    "layout",
    "focus",
    "depth",
    "expand",
    "hide",
    "add",
    "path_from",
    "path_to",
    "path_only",
)
# Pickers whose options follow a search: a value set from the URL brings its own option, so the
# list shows it chosen.
SEARCHED = {"role": seed_id("role"), "path_from": entity_picker("path-a"), "path_to": entity_picker("path-b")}


def controls(dep: Callable, *, only: Iterable[str] | None = None, **kw) -> dict:
    """Dash dependencies (Input, Output or State) for the State's fields, by name; seeds nested by filter."""
    names = ["seeds", *FIELDS] if only is None else list(only)
    out: dict = {}
    for name in names:
        if name == "seeds":
            out["seeds"] = {k: dep(seed_id(k), "value", **kw) for k in FILTERS}
        else:
            cid, prop = FIELDS[name]
            out[name] = dep(cid, prop, **kw)
    return out


def to_controls(st: State) -> dict:
    """A State as the values of its components."""
    return {
        "tab": st.tab,
        "seeds": {k: list(st.seeds.get(k, ())) for k in FILTERS},
        "kinds": list(st.kinds) if st.kinds else list(KINDS),
        "essential": ["on"] if st.essential else [],
        "everything": ["on"] if st.everything else [],
        "layout": st.layout,
        "node": st.node,
        "focus": st.focus,
        "depth": st.depth,
        "expand": list(st.expand),
        "hide": list(st.hide),
        "add": list(st.add),
        "path_from": st.path_from,
        "path_to": st.path_to,
        "path_only": ["on"] if st.path_only else [],
        "start": st.start,
        "within": st.within,
        "learn": list(st.learn),
        "target": st.target,
    }


def from_controls(values: Mapping) -> State:
    """The State the components' values say (missing or malformed fields: defaults, bad IRIs dropped).

    Callback inputs come from the browser and can be anything; nothing here may raise on them.
    """
    seeds = values.get("seeds") if isinstance(values.get("seeds"), Mapping) else {}
    kinds = values.get("kinds")
    kinds = [k for k in kinds if isinstance(k, str) and k in KINDS] if isinstance(kinds, list) else None
    depth, tab, layout = values.get("depth"), values.get("tab"), values.get("layout")
    return State(
        tab=tab if isinstance(tab, str) and tab in TAB_NAMES else "graph",
        seeds={k: _iris(seeds.get(k)) for k in FILTERS},
        kinds=() if kinds is None or set(kinds) >= set(KINDS) else tuple(kinds),
        essential=bool(values.get("essential")),
        everything=bool(values.get("everything")),
        layout=layout if isinstance(layout, str) and layout in LAYOUTS else "force",
        node=_iri(values.get("node")),
        focus=_iri(values.get("focus")),
        depth=max(1, min(3, depth)) if isinstance(depth, int) and not isinstance(depth, bool) else 1,
        expand=_iris(values.get("expand")),
        hide=_iris(values.get("hide")),
        add=_iris(values.get("add")),
        path_from=_iri(values.get("path_from")),
        path_to=_iri(values.get("path_to")),
        path_only=bool(values.get("path_only")),
        start=_iri(values.get("start")),
        within=within if isinstance(within := values.get("within"), str) and within in WITHIN else "all",
        learn=_iris(values.get("learn")),
        target=_iri(values.get("target")),
    )


def _iri(value: object) -> str | None:
    return value if valid_iri(value) else None


def _iris(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if valid_iri(v)) if isinstance(value, list | tuple) else ()
