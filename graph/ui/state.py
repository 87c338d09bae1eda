"""The explorer's state as a URL query string, so a copied link opens the same view (pure functions).

IRIs are written as CURIEs where a known prefix fits; defaults are left out, so the plain page
URL is the default view.

>>> s = decode("?tab=graph&role=akgr:dermatologist&essential=1&layout=grouped")
>>> s.seeds["role"], s.essential, s.layout
(('https://w3id.org/aesthetics-kg/resource/dermatologist',), True, 'grouped')
>>> encode(s)
'?role=akgr%3Adermatologist&essential=1&layout=grouped'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

from graph.terms import curie, expand
from graph.ui.tabs import TAB_NAMES as TABS
from graph.ui.view.kinds import FILTERS, KINDS, LAYOUTS

_LISTS = ("expand", "hide", "add", "learn")
WITHIN = ("all", "curated", "esco", "onet")  # graph.transitions.WITHIN (a test keeps them equal)
_FLAGS = {"essential": "essential", "all": "everything", "pathonly": "path_only"}  # URL key -> field
# An absolute IRI: a scheme, then no space, control character or character IRIs forbid; bounded length.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20\x7f<>\"{}|\\^`]+")
_MAX_IRI = 2_000


@dataclass(frozen=True)
class State:
    """Everything a link must restore: tab, filters, layout, selection and view edits."""

    tab: str = "graph"
    seeds: dict[str, tuple[str, ...]] = field(default_factory=lambda: {k: () for k in FILTERS})
    kinds: tuple[str, ...] = ()  # kind local names; empty means every kind
    essential: bool = False
    everything: bool = False  # no seeds: draw every entity, not the first screen's three roles
    layout: str = "force"
    node: str | None = None
    focus: str | None = None
    depth: int = 1
    expand: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()  # link parameters that named no IRI (`focus=x`), said in a note
    path_from: str | None = None  # the path finder's two ends
    path_to: str | None = None
    path_only: bool = False  # draw only the path's nodes and links
    start: str | None = None  # the transitions tab: the role a person holds now
    within: str = "all"  # which roles it ranks
    learn: tuple[str, ...] = ()  # items ticked as if learned ("what if")
    target: str | None = None  # the transition whose gap is shown

    def with_(self, **changes) -> State:
        """A copy with some fields changed."""
        return replace(self, **changes)


def _iri(text: str) -> str:
    """A link's entity as an IRI: a CURIE expanded, an IRI written as SPARQL writes it (`<…>`) unwrapped."""
    if len(text) > 2 and text[0] == "<" and text[-1] == ">":
        return text[1:-1]
    return expand(text) or text


def valid_iri(text: object) -> bool:
    """Whether a value from a link or a callback is an absolute IRI that may be bound into a query."""
    return (
        isinstance(text, str)
        and len(text) <= _MAX_IRI
        and not text.startswith("_:")
        and _IRI.fullmatch(text) is not None
    )


def _why(key: str) -> str:
    """Why a link parameter was ignored: what its key takes."""
    choices = {"kind": KINDS, "tab": TABS, "layout": LAYOUTS, "within": WITHIN, "depth": ("1", "2", "3")}
    if key in choices:  # the 18 kinds in full filled the header: the first three say what a kind is
        values = list(choices[key])
        return f"{key} is one of {', '.join(values if len(values) <= 5 else [*values[:3], '…'])}"
    if key in (*FILTERS, *_LISTS, "node", "focus", "from", "to", "start", "target"):
        return "not a known name or IRI"
    return "not a parameter a link takes"


def ignored_note(ignored: tuple[str, ...]) -> str:
    """One line saying which parts of a link were ignored and why (shortened, shown as text)."""
    if not ignored:
        return ""
    printable = ["".join(c if c.isprintable() else "\ufffd" for c in v) for v in ignored[:5]]
    shown = "; ".join(
        f"{v if len(v) <= 60 else v[:59] + '…'} ({_why(v.partition('=')[0])})" for v in printable
    )
    more = f" and {len(ignored) - 5} more" if len(ignored) > 5 else ""
    return f"Ignored in the link: {shown}{more}."


def _short(iri: str) -> str:
    return curie(iri)


def decode(search: str | None) -> State:
    """Read a query string (with or without '?'); unknown keys and bad values fall back to defaults."""
    pairs = parse_qsl((search or "").lstrip("?"), keep_blank_values=False)
    seeds: dict[str, list[str]] = {k: [] for k in FILTERS}
    lists: dict[str, list[str]] = {k: [] for k in _LISTS}
    kinds: list[str] = []
    ignored: list[str] = []
    out: dict = {}
    for key, value in pairs:
        if key in (*seeds, *lists, "node", "focus", "from", "to", "start", "target") and not valid_iri(
            _iri(value)
        ):
            ignored.append(f"{key}={value}")
        elif key in seeds:
            seeds[key].append(_iri(value))
        elif key in lists:
            lists[key].append(_iri(value))
        elif key == "kind" and value in KINDS:
            kinds.append(value)
        elif key == "tab" and value in TABS:
            out["tab"] = value
        elif key == "layout" and value in LAYOUTS:
            out["layout"] = value
        elif key in _FLAGS:
            out[_FLAGS[key]] = value.lower() in ("1", "true", "yes", "on")
        elif key in ("node", "focus", "start", "target"):
            out[key] = _iri(value)
        elif key == "within" and value in WITHIN:
            out["within"] = value
        elif key in ("from", "to"):
            out[f"path_{key}"] = _iri(value)
        elif key == "depth" and value.isdigit():
            out["depth"] = max(1, min(3, int(value)))
        elif key == "query":
            pass  # the SPARQL tab's shared query, read by assets/sparql.js in the page
        else:  # a known key with a value it does not take, or a key no link has (a typo: rol=…)
            ignored.append(f"{key}={value}")
    return State(
        seeds={k: tuple(dict.fromkeys(v)) for k, v in seeds.items()},
        kinds=tuple(dict.fromkeys(kinds)),
        **{k: tuple(dict.fromkeys(v)) for k, v in lists.items()},
        ignored=tuple(ignored),
        **out,
    )


def encode(state: State) -> str:
    """The query string for a state ('' for the default view)."""
    default = State()
    pairs: list[tuple[str, str]] = []
    if state.tab != default.tab:
        pairs.append(("tab", state.tab))
    for key in FILTERS:
        pairs += [(key, _short(v)) for v in state.seeds.get(key, ())]
    if set(state.kinds) != set(KINDS):
        pairs += [("kind", k) for k in state.kinds]
    if state.essential:
        pairs.append(("essential", "1"))
    if state.everything:
        pairs.append(("all", "1"))
    if state.layout != default.layout:
        pairs.append(("layout", state.layout))
    if state.node:
        pairs.append(("node", _short(state.node)))
    if state.focus:
        pairs.append(("focus", _short(state.focus)))
        if state.depth != 1:
            pairs.append(("depth", str(state.depth)))
    for key in _LISTS:
        pairs += [(key, _short(v)) for v in getattr(state, key)]
    for key in ("from", "to"):
        if getattr(state, f"path_{key}"):
            pairs.append((key, _short(getattr(state, f"path_{key}"))))
    if state.path_only:
        pairs.append(("pathonly", "1"))
    if state.start:
        pairs.append(("start", _short(state.start)))
    if state.within != default.within:
        pairs.append(("within", state.within))
    if state.target:
        pairs.append(("target", _short(state.target)))
    return "?" + urlencode(pairs) if pairs else ""
