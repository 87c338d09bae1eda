"""Facts of the curated graph (ontology/roles.ttl) and its SHACL shapes (ontology/shapes.ttl)."""

from decimal import Decimal
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS, XSD
from rdflib.plugins.sparql import prepareQuery

from tests import reference

ROOT = Path(__file__).resolve().parents[1]
ROLES = ROOT / "ontology" / "roles.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"

AKG = Namespace("https://w3id.org/aesthetics-kg/ontology#")
AKGR = Namespace("https://w3id.org/aesthetics-kg/resource/")
SH = Namespace("http://www.w3.org/ns/shacl#")
NS = {"akg": AKG, "akgr": AKGR, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "dcterms": DCTERMS, "xsd": XSD}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(ROLES, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def validate(data: Graph, shapes: Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    return conforms, text


def copy_of(graph: Graph) -> Graph:
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    return broken


def select(graph: Graph, query: str, **bindings) -> set[tuple]:
    prepared = prepareQuery(query, initNs=NS)
    return {tuple(row) for row in graph.query(prepared, initBindings=bindings)}


# ---------------------------------------------------------------- credentials


CREDENTIALS_AND_ISSUERS = """
SELECT ?credential ?issuer WHERE {
    ?role akg:earnsCredential ?credential .
    ?credential akg:issuedBy ?issuer .
}
"""


def test_repair_technician_earns_clrt_issued_by_ncle(graph):
    rows = select(graph, CREDENTIALS_AND_ISSUERS, role=AKGR["medical-laser-repair-technician"])
    assert (AKGR["certified-laser-repair-technician"], AKGR["ncle"]) in rows
    assert graph.value(AKGR["certified-laser-repair-technician"], SKOS.prefLabel) == Literal(
        "Certified Laser Repair Technician", lang="en"
    )
    assert graph.value(AKGR["ncle"], SKOS.prefLabel) == Literal(
        "National Council on Laser Excellence", lang="en"
    )
    assert (AKGR["ncle"], RDF.type, AKG.CertifyingBody) in graph


def test_aesthetic_technician_earns_certified_laser_operator(graph):
    rows = select(graph, CREDENTIALS_AND_ISSUERS, role=AKGR["aesthetic-medical-laser-technician"])
    assert (AKGR["certified-laser-operator"], AKGR["ncle"]) in rows


REQUIREMENTS = """
SELECT ?requirement WHERE {
    ?credential akg:issuedBy ?body ; akg:hasRequirement ?requirement .
    ?requirement a akg:Requirement .
}
"""


@pytest.mark.parametrize("credential", ["certified-laser-operator", "certified-laser-repair-technician"])
def test_ncle_certifications_require_clinical_experience_and_exam(graph, credential):
    rows = select(graph, REQUIREMENTS, credential=AKGR[credential], body=AKGR["ncle"])
    requirements = {row[0] for row in rows}
    assert {AKGR["hands-on-clinical-experience"], AKGR["passing-an-exam"]} <= requirements


def test_general_esthetics_license_is_a_prerequisite(graph):
    query = """
    SELECT ?credential WHERE {
        ?role akg:earnsCredential ?credential .
        ?credential akg:hasPrerequisite ?prerequisite .
    }
    """
    rows = select(
        graph,
        query,
        role=AKGR["medical-aesthetician"],
        prerequisite=AKGR["general-esthetics-license"],
    )
    assert {row[0] for row in rows} == {
        AKGR["laser-hair-removal-and-resurfacing-certification"],
        AKGR["microneedling-techniques-certification"],
        AKGR["skin-resurfacing-technologies-certification"],
        AKGR["cosmetic-dermatology-protocols-certification"],
        AKGR["patient-confidentiality-and-ethics-certification"],
    }
    assert (AKGR["general-esthetics-license"], RDF.type, AKG.License) in graph
    # continuing education keeps the licence
    assert (AKGR["general-esthetics-license"], AKG.hasRequirement, AKGR["continuing-education"]) in graph


# ---------------------------------------------------------------- procedures and conditions


def test_conditions_treated_by_medical_aesthetician_procedures(graph):
    query = """
    SELECT DISTINCT ?condition WHERE {
        ?role akg:performsProcedure ?procedure .
        ?procedure akg:treatsCondition ?condition .
    }
    """
    rows = select(graph, query, role=AKGR["medical-aesthetician"])
    conditions = {row[0] for row in rows}
    expected = {
        AKGR[name]
        for name in [
            "acne",
            "hyperpigmentation",
            "photoaging",
            "skin-texture",
            "skin-tone",
            "skin-elasticity",
            "unwanted-hair",
            "age-spots",
            "fine-lines",
            "skin-side-effects-of-medical-therapy",
        ]
    }
    assert conditions == expected


def test_laser_based_treatment_targets_acne_hyperpigmentation_photoaging(graph):
    query = "SELECT ?condition WHERE { ?procedure akg:treatsCondition ?condition . }"
    rows = select(graph, query, procedure=AKGR["laser-skin-treatment"])
    assert {row[0] for row in rows} == {AKGR["acne"], AKGR["hyperpigmentation"], AKGR["photoaging"]}


def test_devices_are_typed_by_technology_and_used_by_procedures(graph):
    query = "SELECT ?device WHERE { ?procedure akg:usesDevice ?device . ?device a ?technology . }"
    cases = {
        "laser-hair-removal": ("medical-laser-system", AKG.LaserSystem),
        "fractional-laser-treatment": ("fractional-laser", AKG.FractionalLaser),
        "ultrasound-skin-tightening": ("ultrasound-skin-tightening-system", AKG.UltrasoundDevice),
        "radiofrequency-skin-treatment": ("radiofrequency-tool", AKG.RadiofrequencyDevice),
        "led-therapy": ("led-therapy-device", AKG.LEDDevice),
        "microneedling": ("microneedling-pen", AKG.MicroneedlingPen),
        "microdermabrasion": ("microdermabrasion-device", AKG.MicrodermabrasionDevice),
    }
    for procedure, (device, technology) in cases.items():
        rows = select(graph, query, procedure=AKGR[procedure], technology=technology)
        assert {row[0] for row in rows} == {AKGR[device]}, procedure


def test_medical_laser_procedures(graph):
    for name in ["lasik", "endoscopic-laser-surgery"]:
        assert (AKGR[name], RDF.type, AKG.MedicalLaserProcedure) in graph


def test_medical_aesthetician_assists_dermatologist_and_plastic_surgeon(graph):
    rows = select(
        graph, "SELECT ?other WHERE { ?role akg:assists ?other }", role=AKGR["medical-aesthetician"]
    )
    assert {row[0] for row in rows} == {AKGR["dermatologist"], AKGR["plastic-surgeon"]}


# ---------------------------------------------------------------- labour statistics

STATISTICS = """
SELECT ?role ?value ?unit ?year ?start ?end ?description WHERE {
    ?stat a akg:LabourStatistic ; akg:measure ?measure ; akg:value ?value ; akg:unit ?unit ;
        akg:statisticFor ?role ; dcterms:source ?source .
    OPTIONAL { ?stat akg:year ?year }
    OPTIONAL { ?stat akg:periodStart ?start ; akg:periodEnd ?end }
    OPTIONAL { ?stat akg:statedGrowthDescription ?description }
}
"""


def test_salary_figures(graph):
    rows = select(
        graph,
        STATISTICS,
        measure=Literal("average annual salary"),
        source=AKGR["source-bls"],
    )
    salaries = {(row[0], row[1], str(row[2]), row[3]) for row in rows}
    year = Literal("2018", datatype=XSD.gYear)
    assert salaries == {
        (AKGR["esthetician"], Literal("36350", datatype=XSD.decimal), "USD per year", year),
        (AKGR["medical-equipment-repairer"], Literal("52710", datatype=XSD.decimal), "USD per year", year),
    }
    for row in rows:
        assert row[1].datatype == XSD.decimal and row[3].datatype == XSD.gYear
    assert {row[1].toPython() for row in rows} == {Decimal(36350), Decimal(52710)}


def test_growth_figures(graph):
    rows = select(
        graph,
        STATISTICS,
        measure=Literal("projected employment growth"),
        source=AKGR["source-bls"],
    )
    start, end = Literal("2018", datatype=XSD.gYear), Literal("2028", datatype=XSD.gYear)
    growth = {(row[0], row[1], str(row[2]), row[4], row[5], str(row[6])) for row in rows}
    assert growth == {
        (
            AKGR["esthetician"],
            Literal("11", datatype=XSD.decimal),
            "percent",
            start,
            end,
            "much faster than average",
        ),
        (
            AKGR["medical-equipment-repairer"],
            Literal("4", datatype=XSD.decimal),
            "percent",
            start,
            end,
            "about as fast as average",
        ),
    }


# ---------------------------------------------------------------- roles, provenance, reification


def test_required_roles_exist(graph):
    roles = set(graph.subjects(RDF.type, AKG.Role))
    for name in [
        "medical-laser-technician",
        "aesthetic-medical-laser-technician",
        "medical-laser-repair-technician",
        "medical-aesthetician",
        "esthetician",
        "dermatologist",
        "plastic-surgeon",
        "medical-equipment-repairer",
    ]:
        assert AKGR[name] in roles, name
    assert (
        AKGR["aesthetic-medical-laser-technician"],
        AKG.specialisationOf,
        AKGR["medical-laser-technician"],
    ) in graph
    assert (
        AKGR["medical-laser-repair-technician"],
        AKG.specialisationOf,
        AKGR["medical-laser-technician"],
    ) in graph
    assert (AKGR["medical-aesthetician"], AKG.specialisationOf, AKGR["esthetician"]) in graph


def test_every_role_link_has_exactly_one_reification(graph):
    query = """
    SELECT ?s ?p ?o (COUNT(DISTINCT ?statement) AS ?n) WHERE {
        ?s ?p ?o .
        ?p akg:linkCategory ?category .
        OPTIONAL {
            ?statement rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; akg:essential ?essential .
            FILTER (datatype(?essential) = xsd:boolean)
        }
    }
    GROUP BY ?s ?p ?o
    """
    rows = select(graph, query)
    assert len(rows) > 100
    bad = [row for row in rows if row[3].toPython() != 1]
    assert bad == []


def test_every_entity_has_a_source(graph):
    query = """
    SELECT ?entity WHERE {
        ?entity a ?class .
        ?class rdfs:subClassOf* akg:Entity .
        FILTER NOT EXISTS { ?entity dcterms:source ?source }
    }
    """
    assert select(graph, query) == set()
    sourced = """
    SELECT (COUNT(DISTINCT ?entity) AS ?n) WHERE {
        ?entity a ?class ; dcterms:source ?source .
        ?class rdfs:subClassOf* akg:Entity .
    }
    """
    [(count,)] = select(graph, sourced)
    assert count.toPython() > 100


def test_sources_are_described(graph):
    job = AKGR["source-medical-laser-technician-job-description"]
    assert graph.value(job, DCTERMS.date) == Literal("2019-09-26", datatype=XSD.date)
    assert graph.value(job, DCTERMS.title) == Literal(
        "Job Description of a Medical Laser Technician", lang="en"
    )
    aesthetician = AKGR["source-medical-aesthetician-role"]
    assert graph.value(aesthetician, DCTERMS.date) is None
    for source in graph.subjects(RDF.type, AKG.Source):
        assert graph.value(source, DCTERMS.title) is not None, source
        assert graph.value(source, SKOS.prefLabel) is not None, source


# ---------------------------------------------------------------- SHACL


def test_shipped_graph_conforms(graph, shapes):
    conforms, text = validate(graph, shapes)
    assert conforms, text


# One broken copy of the real graph carries every defect below; it is validated once for the module.
WRONG_ROLE_TARGETS = [
    URIRef("http://data.europa.eu/esco/skill/890e0046-184f-4b1d-a00c-41f6eb34481f"),
    URIRef("https://en.wikipedia.org/wiki/Esthetician"),
]
DUPLICATE_STATEMENT = BNode()


@pytest.fixture(scope="module")
def broken_report(graph, shapes) -> tuple[bool, Graph, str]:
    broken = copy_of(graph)
    broken.remove((AKGR["dermatologist"], SKOS.definition, None))
    broken.remove((AKGR["certified-laser-repair-technician"], AKG.issuedBy, None))
    broken.add((AKGR["medical-aesthetician"], AKG.worksIn, AKGR["spa"]))
    for p, o in [
        (RDF.type, RDF.Statement),
        (RDF.subject, AKGR["dermatologist"]),
        (RDF.predicate, AKG.performsDuty),
        (RDF.object, AKGR["diagnose-and-treat-skin-diseases"]),
        (AKG.essential, Literal(False)),
        (DCTERMS.source, AKGR["source-medical-aesthetician-role"]),
    ]:
        broken.add((DUPLICATE_STATEMENT, p, o))
    broken.remove((AKGR["optics"], DCTERMS.source, None))
    for target in WRONG_ROLE_TARGETS:
        broken.add((AKGR["medical-aesthetician"], SKOS.closeMatch, target))
    broken.add((AKGR["optics"], SKOS.exactMatch, URIRef("https://example.org/optics")))
    broken.remove((AKGR["stat-skincare-specialists-salary-2018"], AKG.year, None))
    broken.remove((AKGR["led-therapy"], AKG.alignmentNote, None))
    return pyshacl.validate(broken, shacl_graph=shapes, inference="none")


def messages_for(report: Graph, focus: URIRef) -> list[str]:
    """The result messages of the validation report whose focus node is `focus`."""
    return [str(report.value(result, SH.resultMessage)) for result in report.subjects(SH.focusNode, focus)]


def test_broken_copy_fails(broken_report):
    conforms, _, text = broken_report
    assert not conforms
    assert "Focus Node: <https://w3id.org/aesthetics-kg/resource/dermatologist>" in text


def test_missing_definition_fails(broken_report):
    _, report, _ = broken_report
    assert "The role has no skos:definition." in messages_for(report, AKGR["dermatologist"])


def test_missing_issuer_fails(broken_report):
    _, report, _ = broken_report
    messages = messages_for(report, AKGR["certified-laser-repair-technician"])
    assert any("The credential has no issuer" in m for m in messages)


def test_unannotated_role_link_fails(broken_report):
    _, report, _ = broken_report
    messages = messages_for(report, AKGR["medical-aesthetician"])
    assert any("is not annotated" in m and str(AKGR["spa"]) in m for m in messages)
    # the other, annotated links of the role are not reported
    assert sum("is not annotated" in m for m in messages) == 1


def test_duplicate_reification_fails(broken_report):
    _, report, _ = broken_report
    messages = messages_for(report, AKGR["dermatologist"])
    assert any("annotated by 2 rdf:Statement nodes" in m for m in messages)


def test_missing_source_fails(broken_report):
    _, report, _ = broken_report
    messages = messages_for(report, AKGR["optics"])
    assert any("no provenance" in m for m in messages)


@pytest.mark.parametrize("target", WRONG_ROLE_TARGETS)
def test_role_mapping_to_wrong_kind_of_iri_fails(broken_report, target):
    _, report, _ = broken_report
    results = set(report.subjects(SH.focusNode, AKGR["medical-aesthetician"])) & set(
        report.subjects(SH.value, target)
    )
    messages = [str(report.value(result, SH.resultMessage)) for result in results]
    assert any("skos:closeMatch must be an ESCO occupation IRI" in m for m in messages)


def test_entity_mapping_to_non_framework_iri_fails(broken_report):
    _, report, _ = broken_report
    messages = messages_for(report, AKGR["optics"])
    assert any("skos:exactMatch must be an ESCO skill or occupation IRI" in m for m in messages)


def test_statistic_without_time_fails(broken_report):
    _, report, _ = broken_report
    messages = messages_for(report, AKGR["stat-skincare-specialists-salary-2018"])
    assert any("needs a reference time" in m for m in messages)


def test_item_without_alignment_or_note_fails(broken_report):
    _, report, _ = broken_report
    messages = messages_for(report, AKGR["led-therapy"])
    assert any("neither a SKOS match" in m and "akg:alignmentNote" in m for m in messages)


def test_only_the_planted_defects_are_reported(broken_report):
    _, report, _ = broken_report
    focus_nodes = set(report.objects(None, SH.focusNode))
    assert focus_nodes == {
        AKGR["dermatologist"],
        AKGR["certified-laser-repair-technician"],
        AKGR["medical-aesthetician"],
        AKGR["optics"],
        AKGR["stat-skincare-specialists-salary-2018"],
        AKGR["led-therapy"],
    }


# ---------------------------------------------------------------- alignment: every IRI exists in the frameworks

FIXTURES = ROOT / "tests" / "fixtures"
REFERENCE = reference.REFERENCE
FRAMEWORK_BASES = (
    "http://data.europa.eu/esco/occupation/",
    "http://data.europa.eu/esco/skill/",
    "https://www.onetonline.org/link/summary/",
    "https://w3id.org/aesthetics-kg/onet/task/",
)
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def framework_iris(graph: Graph) -> set[URIRef]:
    """The ESCO and O*NET IRIs the curated graph maps to or cites."""
    return {
        o
        for p in (*MATCHES, DCTERMS.source)
        for o in graph.objects(None, p)
        if isinstance(o, URIRef) and str(o).startswith(FRAMEWORK_BASES)
    }


def test_every_mapped_framework_iri_exists_in_the_imported_cut(graph):
    """The cut is made by scripts/make_alignment_fixture.py from the real files, which refuses a missing IRI."""
    cut = Graph()
    cut.parse(FIXTURES / "esco-cut.nt", format="nt")
    cut.parse(FIXTURES / "onet-cut.nt", format="nt")
    used = framework_iris(graph)
    assert len(used) > 60
    missing = sorted(str(i) for i in used if cut.value(i, SKOS.prefLabel) is None)
    assert missing == []


def test_every_mapped_framework_iri_exists_in_the_reference_files(graph):
    """Checked against ../shared/reference itself where it is checked out, else against the cut of it."""
    used = {str(i) for i in framework_iris(graph)}
    if (REFERENCE / "esco-1.1.1").is_dir():
        import csv

        known: set[str] = set()
        for name in ("skills_en.csv", "occupations_en.csv"):
            with (REFERENCE / "esco-1.1.1" / name).open(encoding="utf-8", newline="") as f:
                known |= {r["conceptUri"] for r in csv.DictReader(f)}
        onet = REFERENCE / "onet-29.3"
        for line in (onet / "Occupation Data.txt").read_text(encoding="utf-8").splitlines()[1:]:
            known.add(FRAMEWORK_BASES[2] + line.split("\t", 1)[0])
        tasks = (onet / "Task Statements.txt").read_text(encoding="utf-8").splitlines()
        column = tasks[0].split("\t").index("Task ID")
        known |= {FRAMEWORK_BASES[3] + line.split("\t")[column] for line in tasks[1:]}
    else:
        known = {
            str(s) for f in ("esco-cut.nt", "onet-cut.nt") for s in Graph().parse(FIXTURES / f).subjects()
        }
    assert sorted(used - known) == []


def test_every_curated_item_is_aligned_or_says_why_not(graph):
    kinds = ("Role", "Duty", "Procedure", "Device", "TrainingTopic", "Credential")
    rows = select(
        graph,
        """SELECT ?item WHERE {
            ?item a/rdfs:subClassOf* ?kind .
            FILTER(STRSTARTS(STR(?item), STR(akgr:)))
            FILTER NOT EXISTS { ?item skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch|skos:relatedMatch ?m }
            FILTER NOT EXISTS { ?item akg:alignmentNote ?note }
            VALUES ?kind { akg:Role akg:Duty akg:Procedure akg:Device akg:TrainingTopic akg:Credential }
        }""",
    )
    assert rows == set(), kinds
