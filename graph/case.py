"""CASE 1.0 (1EdTech Competencies and Academic Standards Exchange) packages out of plans and curricula, and back in.

Curriculum tools (OpenSALT, the CASE Network, many LMSs) exchange competency frameworks as CFPackages:
a CFDocument, its CFItems and the CFAssociations between them. A plan or a saved curriculum goes out as
one: modules and items are CFItems, `isChildOf` links items to their module and modules to the document,
`precedes` gives the learning order, and `exactMatchOf`/`isRelatedTo` point at the graph's own IRIs and
the ESCO and O*NET concepts an item is aligned to. Identifiers are UUIDv5 of IRIs, so an export of the
same plan is the same file. A framework read in becomes outcomes (one per CFItem with a fullStatement)
grouped in modules (their isChildOf parent). Pure: no store, no I/O; jsonschema checks against
1EdTech's schema as OpenSALT keeps it (a copy in graph/schemas/).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graph.errors import GraphError
from graph.terms import framework

SCHEMA = Path(__file__).resolve().parent / "schemas" / "case-v1p0-cfpackage-schema.json"
CASE_BASE = "https://w3id.org/aesthetics-kg/case/"  # CFItem and CFAssociation URIs: CASE_BASE + identifier
MODULE_TYPE = "Module"
OUTCOME_TYPE = "Learning outcome"
LINK_TYPES = ("exactMatchOf", "isRelatedTo")
CREATOR = "aesthetics-kg"


class CaseError(GraphError):
    """A CASE package that cannot be read (not JSON, not a CFPackage, no outcome), in one line."""


@dataclass(frozen=True)
class Link:
    """An outside concept a CASE item is aligned to: its IRI, its title and how (exactMatchOf or isRelatedTo)."""

    iri: str
    title: str
    kind: str


@dataclass(frozen=True)
class Entry:
    """One CFItem to write: its statement, type, module, notes, and the concepts it is aligned to."""

    key: str  # an IRI-like key, unique in the document (its identifier derives from it)
    statement: str
    item_type: str
    module: str
    links: tuple[Link, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class ReadOutcome:
    """An outcome read from a CASE framework: text, module, and the graph's items it was aligned to."""

    text: str
    module: str
    links: tuple[Link, ...] = ()


def uid(key: str) -> str:
    """A stable UUID for an IRI (UUIDv5 in the URL namespace): the same IRI gives the same identifier."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


def plan_iri(roles: Sequence[str]) -> str:
    """The IRI of the plan for these target roles, in their order (it names the CASE document)."""
    return CASE_BASE + "plan/" + uid("\n".join(roles))


def package(
    *,
    document_iri: str,
    title: str,
    changed: str,
    entries: Sequence[Entry],
    description: str = "",
    version: str = "",
) -> dict:
    """A CFPackage: the document, one CFItem per module and entry, isChildOf, precedes and alignment links."""
    doc_id = uid(document_iri)
    doc_uri = CASE_BASE + doc_id
    doc = {
        "identifier": doc_id,
        "uri": doc_uri,
        "creator": CREATOR,
        "title": title,
        "lastChangeDateTime": changed,
        "language": "en",
        "adoptionStatus": "Draft",
        "officialSourceURL": document_iri,
        "CFPackageURI": {"title": title, "identifier": doc_id, "uri": doc_uri},
    }
    if description:
        doc["description"] = description
    if version:
        doc["version"] = version
    items: list[dict] = []
    links: list[dict] = []
    link_of = {"title": title, "identifier": doc_id, "uri": doc_uri}

    def item(key: str, statement: str, item_type: str, notes: str = "") -> dict:
        ident = uid(document_iri + "#" + key)
        found = {
            "identifier": ident,
            "uri": CASE_BASE + ident,
            "fullStatement": statement,
            "CFItemType": item_type,
            "language": "en",
            "lastChangeDateTime": changed,
            "CFDocumentURI": link_of,
        }
        if notes:
            found["notes"] = notes
        items.append(found)
        return found

    def associate(origin: dict, kind: str, target: dict, seq: int | None = None) -> None:
        ident = uid(f"{origin['uri']} {kind} {target['uri']}")
        a = {
            "identifier": ident,
            "associationType": kind,
            "uri": CASE_BASE + ident,
            "originNodeURI": _node(origin),
            "destinationNodeURI": _node(target),
            "lastChangeDateTime": changed,
            "CFDocumentURI": link_of,
        }
        if seq is not None:
            a["sequenceNumber"] = seq
        links.append(a)

    document_node = {"fullStatement": title, "identifier": doc_id, "uri": doc_uri}
    modules: dict[str, dict] = {}
    in_module: dict[str, int] = {}
    previous: dict | None = None
    for e in entries:
        parent = document_node
        if e.module:
            if e.module not in modules:
                modules[e.module] = item("module/" + e.module, e.module, MODULE_TYPE)
                associate(modules[e.module], "isChildOf", document_node, len(modules))
            parent = modules[e.module]
        it = item(e.key, e.statement, e.item_type, e.notes)
        in_module[e.module] = in_module.get(e.module, 0) + 1
        associate(it, "isChildOf", parent, in_module[e.module])
        if previous is not None:
            associate(previous, "precedes", it)
        previous = it
        for link in e.links:
            associate(
                it, link.kind, {"fullStatement": link.title, "identifier": uid(link.iri), "uri": link.iri}
            )
    return {"CFDocument": doc, "CFItems": items, "CFAssociations": links}


def _node(x: dict) -> dict:
    return {"title": x["fullStatement"][:200], "identifier": x["identifier"], "uri": x["uri"]}


def plan_entries(
    plan, labels: Mapping[str, str], alignments: Iterable[tuple[str, str, str]] = ()
) -> list[Entry]:
    """A plan's items (graph.curriculum.Plan) as entries: statement, category, module, own IRI and alignments.

    alignments: (item, relation, concept) rows, the relation a SKOS match IRI; exact and close matches
    (the same item, as the graph merges them) are exactMatchOf, broader, narrower and related ESCO or
    O*NET concepts isRelatedTo.
    """
    aligned: dict[str, list[Link]] = {}
    for item, relation, concept in alignments:
        same = relation.endswith(("#exactMatch", "#closeMatch"))  # the same item, as the graph merges them
        if same or framework(concept) in ("ESCO", "O*NET"):
            kind = "exactMatchOf" if same else "isRelatedTo"
            aligned.setdefault(item, []).append(Link(concept, labels.get(concept, concept), kind))
    entries = []
    for i in plan.items:
        own = Link(i.item, i.label, "exactMatchOf")
        extra = sorted(
            {(x.iri, x.kind): x for x in aligned.get(i.item, ()) if x.iri != i.item}.values(),
            key=lambda x: (LINK_TYPES.index(x.kind), x.iri),
        )
        who = ", ".join(labels.get(r, r) for r in i.needed_by)
        notes = f"{'essential' if i.essential_for else 'optional'}; needed by {who}"
        if i.note:
            notes += f"; {i.note}"
        entries.append(Entry(i.item, i.label, i.category, i.module, (own, *extra), notes))
    return entries


def curriculum_entries(c, labels: Mapping[str, str] | None = None) -> list[Entry]:
    """A saved curriculum's outcomes (graph.curricula.Curriculum) as entries; accepted items are isRelatedTo."""
    labels = labels or {}
    entries = []
    for n, o in enumerate(c.outcomes, 1):
        links = tuple(
            Link(m.item, labels.get(m.item, m.label), "isRelatedTo")
            for m in o.matches
            if m.decision == "accepted"
        )
        entries.append(Entry(f"{c.iri}/outcome/{n}", o.text, OUTCOME_TYPE, o.module, links))
    return entries


# ---------------------------------------------------------------- checking


@cache
def _schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def problems(doc: object, *, formats: bool = True) -> list[str]:
    """What makes doc no valid CFPackage (empty: valid), each `path: message`; formats: check date-time, uri, …."""
    from jsonschema import Draft7Validator, FormatChecker

    validator = Draft7Validator(_schema(), format_checker=FormatChecker() if formats else None)
    found = sorted(validator.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found]


# ---------------------------------------------------------------- reading


def looks_like_case(data: object) -> bool:
    """True for a JSON object shaped like a CFPackage (a CFDocument beside CFItems)."""
    return isinstance(data, dict) and "CFDocument" in data and "CFItems" in data


def load_json(text: str, name: str) -> object:
    """JSON text, or a CaseError naming the file, line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseError(f"{name}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None


def read(data: object, name: str = "upload") -> tuple[str, list[ReadOutcome]]:
    """A CASE framework's title and outcomes: one per CFItem with a fullStatement, its module its parent's name.

    What is read is checked against the schema's structure, as frameworks in the wild are written:
    date-time formats are not checked (OpenSALT's sample writes times without a zone), a sequenceNumber
    may be a numeral in a string, and CFDefinitions and CFRubrics (not read) are not checked. Outcomes come in tree order: each parent's children
    by sequenceNumber, then file order. Items typed as modules that have children are modules, not outcomes.
    """
    if not looks_like_case(data):
        raise CaseError(f"{name}: not a CASE 1.0 CFPackage: no CFDocument and CFItems")
    found = problems(_as_read(data), formats=False)
    if found:
        raise CaseError(f"{name}: not a CASE 1.0 CFPackage: {found[0]} ({len(found)} problems)")
    data = _as_read(data)
    items = {i["identifier"]: i for i in data.get("CFItems", ()) if i.get("fullStatement", "").strip()}
    if not items:
        raise CaseError(f"{name}: this CASE framework has no CFItem with a fullStatement")
    order = {ident: n for n, ident in enumerate(items)}
    parent: dict[str, str] = {}
    children: dict[str, list[tuple[int, int, str]]] = {}
    links: dict[str, list[Link]] = {}
    for a in data.get("CFAssociations", ()):
        origin = a["originNodeURI"]["identifier"]
        kind = a["associationType"]
        dest = a["destinationNodeURI"]
        if kind == "isChildOf" and origin in items and origin not in parent:
            parent[origin] = dest["identifier"]
            seq = a.get("sequenceNumber")
            children.setdefault(dest["identifier"], []).append(
                (seq if isinstance(seq, int) else 1 << 31, order[origin], origin)
            )
        elif kind in LINK_TYPES and origin in items and framework(dest["uri"]) != "other":
            links.setdefault(origin, []).append(Link(dest["uri"], dest.get("title", ""), kind))
    modules = {
        i
        for i in items
        if items[i].get("CFItemType", "").casefold() == MODULE_TYPE.casefold() and i in children
    }
    walked: list[str] = []
    seen: set[str] = set()

    def walk(node: str) -> None:
        for _s, _o, child in sorted(children.get(node, ())):
            if child not in seen:
                seen.add(child)
                walked.append(child)
                walk(child)

    for ident in items:  # roots: items whose parent is no item (the document, or something outside)
        if parent.get(ident) not in items and ident not in seen:
            seen.add(ident)
            walked.append(ident)
            walk(ident)
    walked += [i for i in items if i not in seen]  # cycles: keep them, in file order
    outcomes = [
        ReadOutcome(
            _text(items[i]["fullStatement"]),
            _module_name(items.get(parent.get(i, ""))),
            tuple(links.get(i, ())),
        )
        for i in walked
        if i not in modules
    ]
    title = str(data["CFDocument"].get("title") or Path(name).stem)
    return title, outcomes


def _as_read(data: dict) -> dict:
    """The parts of a package that are read, with numeral sequenceNumbers as integers (OpenSALT writes "1")."""
    kept = {k: v for k, v in data.items() if k not in ("CFDefinitions", "CFRubrics")}
    associations = kept.get("CFAssociations")
    if isinstance(associations, list):
        kept["CFAssociations"] = [
            {**a, "sequenceNumber": int(a["sequenceNumber"])}
            if isinstance(a, dict)
            and isinstance(a.get("sequenceNumber"), str)
            and a["sequenceNumber"].isdigit()
            else a
            for a in associations
        ]
    return kept


def _text(s: str) -> str:
    return " ".join(s.split())


def _module_name(item: dict | None) -> str:
    """A module's name: its abbreviated statement, coding scheme, or statement (shortened)."""
    if not item:
        return ""
    for key in ("abbreviatedStatement", "humanCodingScheme"):
        if str(item.get(key) or "").strip():
            return _text(str(item[key]))
    text = _text(item["fullStatement"])
    return text if len(text) <= 80 else text[:79] + "…"


# ---------------------------------------------------------------- from a workspace and a saved curriculum


def data_changed(spec) -> str:
    """When the data a plan derives from last changed: the newest source file's time (a remote store: now)."""
    from datetime import UTC, datetime

    paths = spec.sources() if spec is not None and spec.kind != "remote" else []
    stamps = [p.stat().st_mtime for p in paths if p.is_file()]
    when = datetime.fromtimestamp(max(stamps), UTC) if stamps else datetime.now(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_package(ws, roles: Sequence[str]) -> dict:
    """The plan for these roles (graph.workspace.Workspace.curriculum) as a CFPackage."""
    roles = list(dict.fromkeys(roles))
    p, labels = ws.curriculum(roles)
    wanted = {i.item for i in p.items}
    rows = []
    for entity, match, relation in ws.item_mappings.rows:
        entity, match, relation = str(entity), str(match), str(relation)
        if entity in wanted:
            rows.append((entity, relation, match))
        if (
            match in wanted
        ):  # the reverse of a SKOS match aligns just as well (broad <-> narrow both "related")
            rows.append((match, relation, entity))
    for _item, _rel, concept in rows:
        if concept not in labels:
            labels[concept] = ws.label(concept)
    names = ", ".join(labels.get(r, r) for r in roles)
    return package(
        document_iri=plan_iri(roles),
        title=f"Curriculum for {names}",
        changed=data_changed(ws.spec),
        entries=plan_entries(p, labels, rows),
        description=f"The plan for training people for {names}: common core, shared and role modules, "
        "in learning order (python -m graph curriculum).",
    )


def curriculum_package(c) -> dict:
    """A saved curriculum (graph.curricula.Curriculum) as a CFPackage, its version in the document."""
    return package(
        document_iri=c.iri,
        title=c.title,
        changed=c.modified or "1970-01-01T00:00:00Z",
        entries=curriculum_entries(c),
        version=str(c.version) if c.version else "",
    )


def dumps(doc: dict) -> str:
    """A package as JSON text (UTF-8, indented, keys in the schema's order)."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
