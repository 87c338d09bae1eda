"""The curriculum plan on hand-built graphs: grouping, ordering, prerequisites pulled in, credentials, briefs."""

from __future__ import annotations

import csv
import io

from graph.analysis import CredentialStep
from graph.curriculum import CORE, ROLE, SHARED, Prerequisite, plan, to_csv, to_markdown
from graph.network import RoleItems


def make(links: dict[str, dict[str, bool]], category: dict[str, str]) -> RoleItems:
    return RoleItems(tuple(sorted(links)), tuple(sorted(category)), category, {i: i for i in category}, links)


CATS = {
    "safety": "training",
    "laser": "devices",
    "peel": "procedures",
    "tattoo": "procedures",
    "anatomy": "training",
    "cert": "credentials",
    "program": "education",
    "spa": "workplaces",
    "repair": "duties",
}
RI = make(
    {
        "A": {
            "safety": True,
            "laser": False,
            "peel": False,
            "anatomy": False,
            "cert": True,
            "program": False,
            "spa": False,
        },
        "B": {"safety": True, "laser": True, "tattoo": True, "anatomy": True},
        "C": {"safety": False, "repair": True, "anatomy": True},
    },
    CATS,
)


def test_core_shared_and_role_modules_each_item_once():
    p = plan(RI, ["A", "B", "C"], labels={"A": "role a", "B": "role b", "C": "role c"})
    assert [i.item for i in p.group(CORE)] == ["anatomy", "safety"]  # both essential for some role: by label
    assert [(i.item, i.module, i.needed_by) for i in p.group(SHARED)] == [
        ("laser", "shared: role a, role b", ("A", "B"))
    ]
    modules = {i.item: i.module for i in p.group(ROLE)}
    assert modules == {
        "cert": "role a",
        "peel": "role a",
        "program": "role a",
        "tattoo": "role b",
        "repair": "role c",
    }
    assert [i.order for i in p.items] == list(range(1, len(p.items) + 1))


def test_anatomy_needed_by_all_three_is_core_and_workplaces_are_not_taught():
    p = plan(RI, ["A", "B", "C"])
    assert {i.item for i in p.group(CORE)} == {"safety", "anatomy"}
    assert "spa" not in {i.item for i in p.items}


def test_groups_in_order_core_shared_then_modules_in_the_order_roles_were_given():
    p = plan(RI, ["B", "A"])
    groups = [i.group for i in p.items]
    assert groups == sorted(groups, key=[CORE, SHARED, ROLE].index)
    modules = [i.module for i in p.group(ROLE)]
    assert modules.index("B") < modules.index("A")


def test_essential_before_optional_within_a_module():
    p = plan(RI, ["A"])
    need = [i.essential for i in p.items]
    assert need == sorted(need, reverse=True)


def test_prerequisite_comes_first_and_becomes_essential_when_what_needs_it_is():
    pre = [
        Prerequisite("cert", "program", "program", "prepares for it"),
        Prerequisite("program", "peel", "peel", "x"),
    ]
    p = plan(RI, ["A"], prerequisites=pre)
    order = [i.item for i in p.items]
    assert order.index("peel") < order.index("program") < order.index("cert")
    by = {i.item: i for i in p.items}
    assert by["program"].essential and by["peel"].essential  # cert is essential, so what it needs is too
    assert by["cert"].after == ("program",) and by["program"].after == ("peel",)


def test_a_prerequisite_of_a_core_item_joins_the_core():
    # "peel" is A's alone, but B's and A's shared "laser" needs it first
    p = plan(RI, ["A", "B"], prerequisites=[Prerequisite("laser", "peel", "peel", "broader skill")])
    by = {i.item: i for i in p.items}
    assert by["peel"].needed_by == ("A", "B") and by["peel"].group == CORE
    assert by["peel"].note == "needed before laser"
    assert by["peel"].order < by["laser"].order


def test_credential_prerequisite_from_outside_the_roles_is_pulled_in():
    pre = [Prerequisite("cert", "licence", "general licence", "prerequisite")]
    p = plan(RI, ["A"], prerequisites=pre)
    by = {i.item: i for i in p.items}
    assert by["licence"].label == "general licence" and by["licence"].category == "credentials"
    assert by["licence"].essential and by["licence"].order < by["cert"].order
    # a broader skill from outside is not pulled in: the plan stays what the roles need
    p = plan(RI, ["A"], prerequisites=[Prerequisite("peel", "skin care", "skin care", "broader skill")])
    assert "skin care" not in {i.item for i in p.items}


def test_a_cycle_of_prerequisites_does_not_break_the_plan():
    pre = [Prerequisite("peel", "laser", "laser", "x"), Prerequisite("laser", "peel", "peel", "x")]
    p = plan(RI, ["A"], prerequisites=pre)
    assert {"peel", "laser"} <= {i.item for i in p.items}


def test_credentials_with_bodies_and_roles_and_briefs():
    step = CredentialStep("cert", "the cert", True, ("body",), ("licence",), ("exam",), ("program",))
    p = plan(
        RI,
        ["A", "B"],
        credentials=[step, step],
        credential_roles={"cert": ["A"]},
        sources={"safety": ("src",)},
        labels={"A": "role a", "B": "role b", "body": "The Board", "src": "Job description"},
    )
    (c,) = p.credentials
    assert (c.label, c.bodies, c.roles, c.essential_for) == ("the cert", ("body",), ("A",), ("A",))
    labels = {
        "A": "role a",
        "B": "role b",
        "body": "The Board",
        "src": "Job description",
        "licence": "licence",
    }
    md = to_markdown(p, labels)
    assert md.startswith("# Curriculum for role a, role b\n")
    assert "## Common core" in md and "## Module for role a" in md
    assert "**the cert**: issued by The Board; requires licence; exam; for role a; essential for role a" in md
    rows = list(csv.DictReader(io.StringIO(to_csv(p, labels))))
    assert len(rows) == len(p.items)
    safety = next(r for r in rows if r["item"] == "safety")
    assert safety["source"] == "Job description" and safety["module"] == "common core"
