"""What the view knows about kinds, filters and layouts: names for people, colours and shapes."""

from __future__ import annotations

from typing import NamedTuple

from graph import terms


class Kind(NamedTuple):
    """How one kind of entity is drawn."""

    label: str
    colour: str
    shape: str


class Filter(NamedTuple):
    """One seed filter of the graph view: its heading and the class whose members are its options."""

    label: str
    cls: str


# kind local name -> how it is drawn
KINDS: dict[str, Kind] = {
    "Role": Kind("Role", "#1f6fb4", "ellipse"),
    "Procedure": Kind("Procedure", "#f28e2b", "round-rectangle"),
    "Device": Kind("Device", "#2ca02c", "diamond"),
    "Condition": Kind("Condition", "#d62728", "triangle"),
    "Credential": Kind("Credential", "#8e5fc1", "star"),
    "CertifyingBody": Kind("Certifying body", "#8c564b", "hexagon"),
    "Regulator": Kind("Regulator", "#e377c2", "octagon"),
    "TrainingTopic": Kind("Training topic", "#b5b51f", "round-triangle"),
    "Workplace": Kind("Workplace", "#17becf", "barrel"),
    "Duty": Kind("Duty", "#7f7f7f", "rectangle"),
    "EthicalStandard": Kind("Ethical standard", "#6b8fd6", "pentagon"),
    "Requirement": Kind("Requirement", "#e0a040", "tag"),
    "EducationProgram": Kind("Education program", "#5fae57", "round-pentagon"),
    "EducationProvider": Kind("Education provider", "#d9777a", "cut-rectangle"),
    "LabourStatistic": Kind("Labour statistic", "#a98bc9", "vee"),
    "Skill": Kind("Skill", "#a5786c", "round-diamond"),
    "Tool": Kind("Tool", "#cf6fa6", "rhomboid"),
    "Technology": Kind("Technology", "#9a9a3a", "heptagon"),
}
OTHER = Kind("Other", "#bbbbbb", "ellipse")

# The node filters of the graph view: URL key -> heading and class.
FILTERS: dict[str, Filter] = {
    "role": Filter("Roles", "Role"),
    "procedure": Filter("Procedures", "Procedure"),
    "device": Filter("Devices", "Device"),
    "credential": Filter("Credentials", "Credential"),
    "body": Filter("Certifying bodies", "CertifyingBody"),
    "workplace": Filter("Workplaces", "Workplace"),
    "topic": Filter("Training topics", "TrainingTopic"),
}

LAYOUTS = {
    "force": "Force-directed",
    "hierarchy": "Hierarchical (by kind)",
    "concentric": "Concentric (by degree)",
    "grouped": "Grouped by kind",
}


def kind_name(kind: str | None) -> str:
    """The local name of a kind IRI (akg:Role -> Role); '' when unknown."""
    if not kind:
        return ""
    return str(kind).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def kind_label(kind: str | None) -> str:
    """A kind as people read it: its name here, else its own local name in words (a class of one's own
    data, ex:MedicalSoftware -> "Medical software", was "Other"), else "Other".

    >>> kind_label("http://example.org/clinic#MedicalSoftware"), kind_label(None)
    ('Medical software', 'Other')
    """
    name = kind_name(kind)
    if name in KINDS or not name:
        return kind_style(name).label
    words = terms.kind_name(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else OTHER.label


def kind_style(kind: str | None) -> Kind:
    """How a kind (IRI or local name) is drawn; OTHER when unknown."""
    return KINDS.get(kind_name(kind), OTHER)
