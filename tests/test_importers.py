"""ESCO and O*NET importers: fixtures built from rows of the real reference files."""

from __future__ import annotations

import csv
import io
import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from graph.importers import ImportFailed, ImportSummary, RowError, import_esco, import_onet
from graph.importers import esco as esco_module
from graph.importers.terms import unique_slugs
from tests.reference import REFERENCE

ESCO_DIR = REFERENCE / "esco-1.1.1"
ONET_DIR = REFERENCE / "onet-29.3"


pytestmark = pytest.mark.reference("esco-1.1.1", "onet-29.3")  # tested on the real files


ESCO_NS = "http://data.europa.eu/esco/model#"
AKG = "https://w3id.org/aesthetics-kg/ontology#"
DCT_SOURCE = URIRef("http://purl.org/dc/terms/source")
OCC = "http://data.europa.eu/esco/occupation/"
SKILL = "http://data.europa.eu/esco/skill/"
HAIR_REMOVAL = URIRef(OCC + "72413d91-f212-4ad6-bf95-8b78a37c041a")
AESTHETICIAN = URIRef(OCC + "a1e1a788-2352-4172-8fcf-1f985a6968b0")
HAIR_LASERS = URIRef(SKILL + "890e0046-184f-4b1d-a00c-41f6eb34481f")  # optional for HAIR_REMOVAL
WORK_ERGONOMICALLY = URIRef(SKILL + "156f8c5b-894a-4ccc-a70e-37a2726f3f00")  # essential
HAIR_TECHNIQUES = URIRef(SKILL + "a4d11250-9fd2-4dc6-b998-0fcf529aeb86")
IPL = URIRef(SKILL + "3c7d6a12-f8e6-47f2-9250-f5489e91517d")
ESSENTIAL = URIRef(ESCO_NS + "relatedEssentialSkill")
OPTIONAL = URIRef(ESCO_NS + "relatedOptionalSkill")
ESCO_SOURCE = URIRef("https://w3id.org/aesthetics-kg/resource/source-esco-1.1.1")
ONET_SOURCE = URIRef("https://w3id.org/aesthetics-kg/resource/source-onet-29.3")

ONET = "https://www.onetonline.org/link/summary/"
SKINCARE = URIRef(ONET + "39-5094.00")
LEGISLATORS = URIRef(ONET + "11-1031.00")  # its tasks have no Task Type
ONET_CODES = {"39-5094.00", "29-1213.00", "11-1031.00"}
TASK = "https://w3id.org/aesthetics-kg/onet/task/"


# ---------------------------------------------------------------- fixture builders
def _copy_csv(name: str, dest: Path, keep) -> None:
    """Header plus the records of a real ESCO CSV for which keep(record) is true."""
    with open(ESCO_DIR / name, encoding="utf-8", newline="") as src:
        reader = csv.reader(src)
        header = next(reader)
        rows = [row for row in reader if keep(dict(zip(header, row, strict=True)))]
    with open(dest / name, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _copy_tsv(name: str, dest: Path, codes: set[str]) -> None:
    """Header plus the lines of a real O*NET file whose first column is one of `codes`."""
    with open(ONET_DIR / name, encoding="utf-8") as src:
        lines = src.read().splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line.split("\t", 1)[0] in codes]
    (dest / name).write_text("\n".join(kept) + "\n", encoding="utf-8")


SKILLS = {str(s) for s in (HAIR_LASERS, WORK_ERGONOMICALLY, HAIR_TECHNIQUES, IPL)}
OCCUPATIONS = {str(HAIR_REMOVAL), str(AESTHETICIAN)}


@pytest.fixture(scope="module")
def esco_src(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("esco")
    _copy_csv("occupations_en.csv", dest, lambda r: r["conceptUri"] in OCCUPATIONS)
    _copy_csv("skills_en.csv", dest, lambda r: r["conceptUri"] in SKILLS)
    _copy_csv("ISCOGroups_en.csv", dest, lambda r: r["code"] in {"5", "51", "514", "5142"})
    _copy_csv("skillGroups_en.csv", dest, lambda r: r["code"] in {"S1", "S1.1"})
    _copy_csv(
        "broaderRelationsOccPillar.csv",
        dest,
        lambda r: r["conceptUri"] in OCCUPATIONS or r["conceptUri"].endswith("/C5142"),
    )
    _copy_csv("broaderRelationsSkillPillar.csv", dest, lambda r: r["conceptUri"] in SKILLS)
    _copy_csv("occupationSkillRelations.csv", dest, lambda r: r["occupationUri"] in OCCUPATIONS)
    _copy_csv("skillSkillRelations.csv", dest, lambda r: r["originalSkillUri"] in SKILLS)
    return dest


@pytest.fixture(scope="module")
def onet_src(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("onet")
    for name in (
        "Occupation Data.txt",
        "Task Statements.txt",
        "Tools Used.txt",
        "Technology Skills.txt",
        "Job Zones.txt",
        "Related Occupations.txt",
        "Alternate Titles.txt",
        "Skills.txt",
        "Knowledge.txt",
    ):
        _copy_tsv(name, dest, ONET_CODES)
    # a duplicate alternate title, once verbatim and once in another case
    with open(dest / "Alternate Titles.txt", "a", encoding="utf-8") as out:
        out.write("39-5094.00\tSkincare Specialists\tAesthetician\t\t02\n")
        out.write("39-5094.00\tSkincare Specialists\tAESTHETICIAN\t\t02\n")
    return dest


def _graph(path: Path) -> Graph:
    return Graph().parse(path, format="nt")


def _copy(src: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(src, tmp_path / src.name))


# ---------------------------------------------------------------- ESCO
def test_esco_triples_and_counts(esco_src, tmp_path):
    out = tmp_path / "esco.nt"
    summary = import_esco(esco_src, out, progress=None)
    g = _graph(out)
    assert summary.errors == []
    assert summary.triples == len(g)
    assert summary.counts["occupations"] == 2
    assert summary.counts["skills"] == 4
    with open(esco_src / "occupationSkillRelations.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert summary.counts["essential_links"] == sum(r["relationType"] == "essential" for r in rows)
    assert summary.counts["optional_links"] == sum(r["relationType"] == "optional" for r in rows)

    assert (HAIR_REMOVAL, RDF.type, URIRef(ESCO_NS + "Occupation")) in g
    assert (HAIR_REMOVAL, SKOS.prefLabel, Literal("hair removal technician", lang="en")) in g
    assert (HAIR_REMOVAL, SKOS.altLabel, Literal("laser hair removal technician", lang="en")) in g
    assert (HAIR_REMOVAL, SKOS.notation, Literal("5142.3")) in g
    assert (HAIR_REMOVAL, SKOS.broader, URIRef("http://data.europa.eu/esco/isco/C5142")) in g
    assert (HAIR_REMOVAL, DCT_SOURCE, ESCO_SOURCE) in g
    definition = g.value(HAIR_REMOVAL, SKOS.definition)
    assert definition.language == "en" and definition.startswith("Hair removal technicians")
    # "use hair removal lasers" is OPTIONAL for the hair removal technician in ESCO 1.1.1
    assert (HAIR_REMOVAL, OPTIONAL, HAIR_LASERS) in g
    assert (HAIR_REMOVAL, ESSENTIAL, HAIR_LASERS) not in g
    assert (HAIR_REMOVAL, ESSENTIAL, WORK_ERGONOMICALLY) in g
    assert (HAIR_REMOVAL, OPTIONAL, WORK_ERGONOMICALLY) not in g
    assert (HAIR_LASERS, SKOS.prefLabel, Literal("use hair removal lasers", lang="en")) in g
    assert (HAIR_LASERS, RDF.type, URIRef(ESCO_NS + "Skill")) in g
    assert (
        HAIR_LASERS,
        URIRef(ESCO_NS + "skillType"),
        URIRef("http://data.europa.eu/esco/skill-type/skill"),
    ) in g
    assert (
        HAIR_TECHNIQUES,
        URIRef(ESCO_NS + "skillType"),
        URIRef("http://data.europa.eu/esco/skill-type/knowledge"),
    ) in g
    # skill-skill relation from skillSkillRelations.csv
    assert (HAIR_LASERS, OPTIONAL, HAIR_TECHNIQUES) in g
    assert (ESCO_SOURCE, RDF.type, URIRef(AKG + "Source")) in g
    assert (URIRef("http://data.europa.eu/esco/isco/C5142"), DCT_SOURCE, ESCO_SOURCE) in g


def test_esco_output_parses_with_pyoxigraph_as_nt_and_ttl(esco_src, tmp_path):
    for name, fmt in (("esco.nt", ox.RdfFormat.N_TRIPLES), ("esco.ttl", ox.RdfFormat.TURTLE)):
        out = tmp_path / name
        summary = import_esco(esco_src, out, progress=None)
        assert len(list(ox.parse(path=out, format=fmt))) == summary.triples


def test_esco_malformed_rows_reported_with_physical_line(esco_src, tmp_path):
    src = _copy(esco_src, tmp_path)
    occupations = src / "occupations_en.csv"
    text = occupations.read_text(encoding="utf-8")
    header, first, second = list(csv.reader(io.StringIO(text)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerow(first)  # spans several physical lines (altLabels)
    before = buffer.getvalue()
    blank_uri = list(first)
    blank_uri[1] = ""
    writer.writerow(blank_uri)
    after_blank = buffer.getvalue()
    writer.writerow(["Occupation", "http://x/short-row"])
    writer.writerow(second)
    occupations.write_text(buffer.getvalue(), encoding="utf-8")
    relations = src / "occupationSkillRelations.csv"
    with open(relations, "a", encoding="utf-8") as out:
        out.write("http://data.europa.eu/esco/occupation/bad uri,essential,knowledge,http://x/y\n")
    relation_lines = relations.read_text(encoding="utf-8").count("\n")

    summary = import_esco(src, tmp_path / "out.nt", progress=None)
    blank_line = before.count("\n") + 1
    assert blank_line > 3  # the first record really spans lines
    assert summary.errors == [
        RowError("occupations_en.csv", blank_line, "missing conceptUri"),
        RowError("occupations_en.csv", after_blank.count("\n") + 1, "expected 14 columns, found 2"),
        RowError(
            "occupationSkillRelations.csv",
            relation_lines,
            "occupationUri: invalid IRI 'http://data.europa.eu/esco/occupation/bad uri'",
        ),
    ]
    assert summary.counts["occupations"] == 2  # the good rows on both sides still imported
    assert f"occupations_en.csv:{blank_line}: missing conceptUri" in summary.format()


def test_existing_output_untouched_when_a_required_file_is_missing(esco_src, tmp_path):
    src = _copy(esco_src, tmp_path)
    (src / "skills_en.csv").unlink()
    out = tmp_path / "esco.nt"
    out.write_text("previous\n")
    with pytest.raises(ImportFailed, match=r"skills_en\.csv"):
        import_esco(src, out, progress=None)
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([src.name, "esco.nt"])


def test_a_folder_of_the_other_framework_or_holding_the_folder_is_named(esco_src, tmp_path):
    """ESCO's folder given to `import onet`, or the folder an unzipped download sits in, listed every
    file as missing and nothing more."""
    out = tmp_path / "out.nt"
    with pytest.raises(ImportFailed) as info:
        import_onet(esco_src, out)
    assert str(info.value).endswith(
        f"(this folder holds ESCO's files: python -m graph import esco {esco_src})"
    )
    holder = tmp_path / "downloads"
    shutil.copytree(esco_src, holder / "ESCO dataset - v1.1.1")
    with pytest.raises(ImportFailed) as info:
        import_esco(holder, out)
    assert str(info.value).endswith(f"(they are in {holder / 'ESCO dataset - v1.1.1'}: import that folder)")
    assert not out.exists()


def test_failure_while_writing_removes_temp_file_and_keeps_output(esco_src, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(esco_module, "_relations", boom)
    out = tmp_path / "esco.nt"
    out.write_text("previous\n")
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_esco(esco_src, out, progress=None)
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["esco.nt"]


def test_missing_column_and_missing_directory_are_fatal(esco_src, tmp_path):
    src = _copy(esco_src, tmp_path)
    path = src / "occupationSkillRelations.csv"
    path.write_text(path.read_text().replace("relationType", "kind", 1))
    with pytest.raises(ImportFailed, match=r"occupationSkillRelations\.csv.*'relationType'"):
        import_esco(src, tmp_path / "out.nt", progress=None)
    with pytest.raises(ImportFailed, match="not found"):
        import_esco(tmp_path / "nowhere", tmp_path / "out.nt", progress=None)


def test_unsupported_extension_rejected(esco_src, tmp_path):
    with pytest.raises(ImportFailed, match=r"\.nt, \.ttl"):
        import_esco(esco_src, tmp_path / "esco.rdf", progress=None)
    with pytest.raises(ImportFailed, match=r"\.nt, \.ttl"):
        import_onet(esco_src, tmp_path / "onet.jsonld", progress=None)
    assert list(tmp_path.iterdir()) == []


def test_progress_bar_only_when_asked(esco_src, tmp_path, capsys):
    stream = io.StringIO()
    import_esco(esco_src, tmp_path / "a.nt", progress=stream)
    assert "\rESCO occupation-skill relations: " in stream.getvalue()
    assert "100%|" in stream.getvalue()
    import_esco(esco_src, tmp_path / "b.nt", progress=None)
    assert capsys.readouterr().err == ""


def test_import_into_a_missing_directory_creates_it(esco_src, tmp_path):
    out = tmp_path / "var" / "sub" / "esco.nt"
    summary = import_esco(esco_src, out, progress=None)
    assert out.is_file() and summary.triples > 0


def test_import_refuses_an_output_under_a_file_and_writes_nothing(esco_src, tmp_path):
    (tmp_path / "var").write_text("not a directory")
    with pytest.raises(ImportFailed, match="var is a file"):
        import_esco(esco_src, tmp_path / "var" / "esco.nt", progress=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["var"]


# ---------------------------------------------------------------- O*NET
def test_onet_triples_and_counts(onet_src, tmp_path):
    out = tmp_path / "onet.nt"
    summary = import_onet(onet_src, out, progress=None)
    g = _graph(out)
    assert summary.errors == []
    assert summary.triples == len(g)
    assert summary.counts["occupations"] == 3

    assert (SKINCARE, RDF.type, URIRef(AKG + "OnetOccupation")) in g
    assert (SKINCARE, SKOS.prefLabel, Literal("Skincare Specialists", lang="en")) in g
    assert (SKINCARE, URIRef(AKG + "socCode"), Literal("39-5094.00")) in g
    assert (SKINCARE, DCT_SOURCE, ONET_SOURCE) in g
    # core vs supplemental
    core, supplemental = URIRef(AKG + "performsCoreTask"), URIRef(AKG + "performsSupplementalTask")
    assert (SKINCARE, core, URIRef(TASK + "8069")) in g
    assert (SKINCARE, supplemental, URIRef(TASK + "8069")) not in g
    assert (SKINCARE, supplemental, URIRef(TASK + "8083")) in g
    assert (URIRef(TASK + "8083"), SKOS.prefLabel, Literal("Sell makeup to clients.", lang="en")) in g
    assert (URIRef(TASK + "8083"), RDF.type, URIRef(AKG + "OnetTask")) in g
    # tasks without a Task Type are linked as supplemental and counted
    assert (LEGISLATORS, supplemental, URIRef(TASK + "15267")) in g
    assert summary.counts["tasks_without_type"] == len(list(g.objects(LEGISLATORS, supplemental)))
    assert summary.counts["tasks_without_type"] > 0
    # job zone typed integer
    zone = g.value(SKINCARE, URIRef(AKG + "jobZone"))
    assert zone == Literal(3, datatype=XSD.integer) and zone.datatype == XSD.integer
    # alternate titles deduplicated (the fixture appends two copies of "Aesthetician")
    alts = [str(o) for o in g.objects(SKINCARE, SKOS.altLabel)]
    assert "Medical Esthetician" in alts
    assert sorted(a.casefold() for a in alts).count("aesthetician") == 1
    assert summary.counts["alternate_title_duplicates"] >= 2
    # tools, technologies and their UNSPSC commodities
    tools = list(g.objects(SKINCARE, URIRef(AKG + "usesTool")))
    technologies = list(g.objects(SKINCARE, URIRef(AKG + "usesTechnology")))
    assert tools and technologies
    assert summary.counts["tool_links"] == len(set(g.subject_objects(URIRef(AKG + "usesTool"))))
    for tool in tools:
        assert str(tool).startswith("https://w3id.org/aesthetics-kg/onet/tool/")
        assert (tool, RDF.type, URIRef(AKG + "Tool")) in g
        commodity = g.value(tool, SKOS.broader)
        assert str(commodity).startswith("https://w3id.org/aesthetics-kg/unspsc/")
        assert g.value(commodity, SKOS.prefLabel) is not None
    for tech in technologies:
        assert g.value(tech, URIRef(AKG + "hotTechnology")).datatype == XSD.boolean
    assert (ONET_SOURCE, RDF.type, URIRef(AKG + "Source")) in g
    assert len(list(ox.parse(path=out, format=ox.RdfFormat.N_TRIPLES))) == summary.triples


def test_onet_skills_and_knowledge_ratings_are_typed_and_sourced(onet_src, tmp_path):
    out = tmp_path / "onet.nt"
    summary = import_onet(onet_src, out, progress=None)
    g = _graph(out)
    assert (summary.counts["skills"], summary.counts["knowledge"]) == (35, 33)
    rated = {str(o) for o in g.subjects(URIRef(AKG + "hasRating"))}
    assert summary.counts["skills_ratings"] + summary.counts["knowledge_ratings"] == len(
        list(g.subject_objects(URIRef(AKG + "hasRating")))
    )
    # Skincare Specialists' Active Listening (2.A.1.b), as Skills.txt rates it
    rating = URIRef("https://w3id.org/aesthetics-kg/onet/rating/39-5094.00/2.A.1.b")
    descriptor = URIRef("https://w3id.org/aesthetics-kg/onet/descriptor/2.A.1.b")
    assert str(SKINCARE) in rated and (SKINCARE, URIRef(AKG + "hasRating"), rating) in g
    assert (rating, RDF.type, URIRef(AKG + "OnetRating")) in g
    assert (rating, URIRef(AKG + "ratedDescriptor"), descriptor) in g
    assert (rating, DCT_SOURCE, ONET_SOURCE) in g
    assert (descriptor, RDF.type, URIRef(AKG + "OnetSkill")) in g
    assert (descriptor, SKOS.prefLabel, Literal("Active Listening", lang="en")) in g
    with open(ONET_DIR / "Skills.txt", encoding="utf-8") as src:
        want = {
            cells[4]: cells[6]
            for cells in (line.rstrip("\n").split("\t") for line in src)
            if cells[0] == "39-5094.00" and cells[2] == "2.A.1.b"
        }
    for scale, predicate in (("IM", "importance"), ("LV", "level")):
        value = g.value(rating, URIRef(AKG + predicate))
        assert value.datatype == XSD.decimal and value == Literal(want[scale], datatype=XSD.decimal)
    knowledge = URIRef("https://w3id.org/aesthetics-kg/onet/descriptor/2.C.1.a")
    assert (knowledge, RDF.type, URIRef(AKG + "OnetKnowledge")) in g


def test_onet_rating_out_of_its_scale_is_reported(onet_src, tmp_path):
    src = _copy(onet_src, tmp_path)
    skills = src / "Skills.txt"
    lines = skills.read_text().splitlines()
    cells = lines[1].split("\t")
    cells[6] = "9.5" if cells[4] == "IM" else "12"
    lines[1] = "\t".join(cells)
    skills.write_text("\n".join(lines) + "\n")
    summary = import_onet(src, tmp_path / "onet.nt", progress=None)
    assert [e.file for e in summary.errors] == ["Skills.txt"] and summary.errors[0].line == 2
    assert "is not a number from" in summary.errors[0].message


def test_onet_malformed_row_reported_and_rest_imported(onet_src, tmp_path):
    src = _copy(onet_src, tmp_path)
    zones = src / "Job Zones.txt"
    lines = zones.read_text().splitlines()
    lines.insert(2, "39-509X.00\tBroken\t3\t07/2012\tAnalyst")
    lines.insert(3, "39-5094.00\tToo few columns")
    zones.write_text("\n".join(lines) + "\n")
    summary = import_onet(src, tmp_path / "onet.ttl", progress=None)
    assert summary.errors == [
        RowError("Job Zones.txt", 3, "bad O*NET-SOC code '39-509X.00' (expected NN-NNNN.NN)"),
        RowError("Job Zones.txt", 4, "expected 5 columns, found 2"),
    ]
    assert summary.counts["job_zones"] == len(lines) - 3
    Graph().parse(tmp_path / "onet.ttl", format="turtle")


def test_unique_slugs_never_collide():
    slugs = unique_slugs(["C", "C++", "C#", "Adobe Acrobat", "C"])
    assert slugs["Adobe Acrobat"] == "adobe-acrobat"
    assert len({slugs["C"], slugs["C++"], slugs["C#"]}) == 3
    assert all(slugs[t].startswith("c-") for t in ("C", "C++", "C#"))
    assert unique_slugs(["C#", "C", "C++"]) == {t: slugs[t] for t in ("C#", "C", "C++")}


def test_summary_format_lists_errors_then_truncates():
    errors = [RowError("f.csv", n, "bad") for n in range(2, 27)]
    text = ImportSummary("X", {"occupations": 3}, 10, errors).format()
    assert "occupations: 3" in text and "10 triples" in text
    assert "f.csv:2: bad" in text and "f.csv:21: bad" in text and "f.csv:22: bad" not in text
    assert "… and 5 more" in text


# ---------------------------------------------------------------- the real data sets
@pytest.mark.parametrize(
    ("importer", "src", "expected"),
    [
        (
            import_esco,
            ESCO_DIR,
            {"occupations": 3007, "skills": 13896, "essential_links": 64946, "optional_links": 58909},
        ),
        (import_onet, ONET_DIR, {"occupations": 1016, "tasks": 18796, "job_zones": 923}),
    ],
)
def test_full_import_of_real_data(importer, src, expected, tmp_path):
    out = tmp_path / "full.nt"
    start = time.monotonic()
    summary = importer(src, out, progress=None)
    assert time.monotonic() - start < 30
    assert {key: summary.counts[key] for key in expected} == expected
    assert summary.errors == []
    store = ox.Store()
    store.bulk_load(path=out, format=ox.RdfFormat.N_TRIPLES)
    assert len(store) == summary.triples


def test_literals_round_trip_through_rdflib_and_pyoxigraph(tmp_path):
    from graph.importers.terms import iri, literal
    from graph.importers.writer import NTriplesWriter

    tricky = 'a "quoted" \\ back\nslash\r\ttab \x01 é ☃'
    out = tmp_path / "t.nt"
    with NTriplesWriter(out) as writer:
        writer.add(iri("http://x/s"), iri("http://x/p"), literal(tricky, lang="en"))
    assert Graph().parse(out, format="nt").value(URIRef("http://x/s"), URIRef("http://x/p")) == Literal(
        tricky, lang="en"
    )
    (quad,) = ox.parse(path=out, format=ox.RdfFormat.N_TRIPLES)
    assert quad.object.value == tricky
    for bad in ("http://x/a b", "http://x/<a>", "no-scheme", "http://x/{a}", ""):
        with pytest.raises(ValueError):
            iri(bad)
