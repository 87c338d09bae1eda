"""The command line end to end: every subcommand, global options anywhere, exit codes, one-line errors."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import subprocess
import sys

import pytest
from rdflib import Graph

from graph.cli import main
from graph.paths import ONTOLOGY, ROOT


def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        code = main(list(argv), out, err)
    finally:
        if stdin is not None:
            sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def test_validate_the_shipped_graph_prints_class_counts():
    code, out, err = run("validate")
    assert code == 0, err
    assert out.startswith("conforms:") and "akg:Duty" in out


def test_validate_reports_each_violation_on_one_line(tmp_path):
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    role = URIRef("https://w3id.org/aesthetics-kg/resource/medical-aesthetician")
    broken = tmp_path / "roles.ttl"
    g = Graph().parse(ONTOLOGY)
    g.remove((role, SKOS.definition, None))  # the shapes require every role to be defined
    g.serialize(broken, format="turtle")
    code, _, err = run("validate", str(broken))
    assert code == 1
    lines = [ln for ln in err.splitlines() if "medical-aesthetician" in ln]
    assert len(lines) == 1 and "skos:definition" in lines[0] and lines[0].startswith("medical aesthetician (")
    assert err.splitlines()[-1].startswith("1 SHACL violation(s)")


USER_PREFIXES = """@prefix akg: <https://w3id.org/aesthetics-kg/ontology#> .
@prefix akgr: <https://w3id.org/aesthetics-kg/resource/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ex: <http://example.org/> .
"""
STATEMENT = "[] a rdf:Statement ; rdf:subject ex:nurse ; rdf:predicate akg:{p} ; rdf:object {o} ; akg:essential true ; dcterms:source ex:src .\n"
USER_ROLE = (
    USER_PREFIXES
    + """ex:src a akg:Source ; dcterms:title "Clinic staffing guide" ; skos:prefLabel "staffing guide"@en .
ex:nurse a akg:Role ; skos:prefLabel "nurse injector"@en ; skos:definition "Gives injectables."@en ;
  dcterms:source ex:src ; akg:alignmentNote "no ESCO occupation yet"@en ;
  akg:performsDuty ex:inject ; akg:worksIn akgr:medical-spa ; akg:earnsCredential akgr:general-esthetics-license .
ex:inject a akg:Duty ; skos:prefLabel "give injectables"@en ; dcterms:source ex:src ; akg:alignmentNote "none"@en .
"""
    + "".join(
        STATEMENT.format(p=p, o=o)
        for p, o in (
            ("performsDuty", "ex:inject"),
            ("worksIn", "akgr:medical-spa"),
            ("earnsCredential", "akgr:general-esthetics-license"),
        )
    )
)


def test_validate_reads_a_users_file_beside_the_ontology(tmp_path):
    """A file of one's own is checked as the app loads it: beside roles.ttl. Alone, its role was no
    akg:Entity and its links had no category, so a missing source or statement passed unseen."""
    good = tmp_path / "nurse.ttl"
    good.write_text(USER_ROLE, encoding="utf-8")
    code, out, err = run("validate", str(good))
    assert (code, err) == (0, "") and out.startswith(f"conforms: {good} (33 triples), read with the ontology")
    assert "akg:Role    1" in out and "akg:Credential" not in out  # its own classes, not the ontology's
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        USER_PREFIXES
        + """ex:nurse a akg:Role ; skos:prefLabel "nurse injector"@en ;
  akg:performsProcedure akgr:botox-injection , "dermal fillers" ; akg:performProcedure akgr:chemical-peel .
ex:typo a akg:Rol ; skos:prefLabel "typo"@en .
""",
        encoding="utf-8",
    )
    code, _, err = run("validate", str(bad))
    lines = err.splitlines()
    assert (
        code == 1
        and lines[-1]
        == f"{len(lines) - 1} SHACL violation(s) in {bad}, read with the ontology (ontology/roles.ttl)"
    )
    expected = [
        "nurse injector (http://example.org/nurse) dcterms:source: The entity has no provenance",
        'akg:performsProcedure "dermal fillers": the value is text; a role link names an entity by its IRI.',
        "akg:performsProcedure akgr:botox-injection is not annotated",
        "nothing here describes akgr:botox-injection (it has no skos:prefLabel), so the explorer cannot draw it.",
        "nurse injector (http://example.org/nurse): akg:performProcedure is not a class or property of the "
        "ontology (it declares none of that name). Did you mean akg:performsProcedure?",
        "typo (http://example.org/typo): akg:Rol is not a class or property of the ontology (it declares none "
        "of that name). Did you mean akg:Role?",
    ]
    for text in expected:
        assert any(text in line for line in lines), (text, err)


def test_validate_malformed_turtle_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "open .\n', encoding="utf-8")
    code, _, err = run("validate", str(bad))
    assert code == 1 and err.startswith(f"error: {bad}:2:") and err.count("\n") == 1


def test_stats_and_queries():
    code, out, _ = run("stats", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows[0]["what"] == "store" and rows[0]["count"] > 2000
    assert any(r["what"] == "role links" and r["name"] == "procedures" for r in rows)
    code, out, _ = run("queries")
    assert code == 0 and "construct_subgraph" in out and "seed (iri*, optional)" in out


def test_query_with_labels_and_options_before_or_after_the_subcommand():
    after = run("query", "roles_by_item", "--param", "item=laser hair removal", "--format", "csv")
    before = run(
        "--format", "csv", "--store", "oxigraph", "query", "roles_by_item", "-p", "item=Laser Hair Removal"
    )
    assert after[0] == before[0] == 0 and after[1] == before[1]
    roles = {r["roleLabel"] for r in csv.DictReader(io.StringIO(after[1]))}
    assert roles == {"aesthetic medical laser technician", "medical aesthetician", "medical laser technician"}


def test_data_files_before_the_subcommand_are_not_taken_for_it(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix akg: <https://w3id.org/aesthetics-kg/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<http://example.org/nurse> a akg:Role ; skos:prefLabel "aesthetic nurse"@en .\n',
        encoding="utf-8",
    )
    code, out, err = run(
        "--data", str(extra), "query", "filter_options", "-p", "class=akg:Role", "--format", "tsv"
    )
    assert code == 0, err and "aesthetic nurse" in out
    _, out2, _ = run(
        "query", "filter_options", "-p", "class=akg:Role", "--format", "tsv", "--data", str(extra)
    )
    assert out2 == out


def test_unknown_names_exit_1_with_the_closest_matches():
    code, out, err = run("gap", "medical aesthetican", "dermatologist")
    assert code == 1 and out == ""
    assert err.startswith("error: no entity named 'medical aesthetican'; closest: medical aesthetician")
    assert err.count("\n") == 1


def test_usage_errors_exit_2():
    assert run("bogus")[0] == 2
    assert run("gap", "only-one")[0] == 2
    assert run("--format", "yaml", "stats")[0] == 2
    assert run("--data")[0] == 2


def test_overlap_of_two_roles_and_of_many():
    code, out, _ = run(
        "overlap", "--roles", "medical aesthetician", "aesthetic medical laser technician", "--format", "json"
    )
    rows = {r["category"]: r for r in json.loads(out)}
    assert code == 0 and rows["procedures"]["shared"] == 1 and rows["all"]["shared"] == 4
    code, out, _ = run("overlap", "--top", "2", "--weighted", "--format", "csv")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 2


def test_gap_curriculum_and_path(tmp_path):
    code, out, _ = run("gap", "medical aesthetician", "aesthetic medical laser technician")
    assert code == 0 and "Certified Laser Operator" in out and "National Council on Laser Excellence" in out
    code, out, _ = run(
        "curriculum", "medical aesthetician", "aesthetic medical laser technician", "--format", "json"
    )
    rows = json.loads(out)
    assert code == 0 and rows[0]["module"] == "common core"
    steps = {r["item"]: r["step"] for r in rows}
    # the general esthetics licence before the medical aesthetics education, which comes before its certificates
    assert steps["general esthetics license"] < steps["specialized medical aesthetics education"]
    assert steps["specialized medical aesthetics education"] < steps["microneedling techniques certification"]
    assert "medical spa" not in steps  # workplaces are not taught
    brief = tmp_path / "brief.md"
    code, _, _ = run(
        "curriculum",
        "medical aesthetician",
        "aesthetic medical laser technician",
        "--brief",
        "md",
        "-o",
        str(brief),
    )
    text = brief.read_text(encoding="utf-8")
    assert code == 0 and "## Common core" in text and "issued by National Council on Laser Excellence" in text
    code, out, _ = run("path", "medical aesthetician", "NCLE")
    assert code == 0 and out.startswith("1. (") and "issued by National Council on Laser Excellence" in out
    code, out, err = run("gap", "esthetician", "akgr:esthetician")
    assert (code, out) == (1, "") and "FROM_ROLE and TO_ROLE are the same role (esthetician)" in err
    code, out, err = run("path", "esthetician", "akgr:esthetician")
    assert (code, out) == (1, "") and "FROM and TO are the same entity (esthetician)" in err


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (("overlap", "--top", "0"), "--top"),
        (("overlap", "--top", "-3"), "--top"),
        (("path", "esthetician", "dermatologist", "--limit", "0"), "--limit"),
        (("sparql", "-", "--max-rows", "0"), "--max-rows"),
        (("sparql", "-", "--timeout", "0"), "--timeout"),
        (("sparql", "-", "--timeout", "nan"), "--timeout"),
    ],
)
def test_a_count_or_time_limit_of_nothing_is_refused_by_name(argv, option, capsys):
    code, out, _ = run(*argv, stdin="ASK {}")  # they listed nothing, said "no path", or stopped every query
    assert (code, out) == (2, "") and f"argument {option}: '{argv[-1]}' is not a" in capsys.readouterr().err


def test_overlap_takes_its_roles_as_gap_does_or_by_option():
    by_option = run("overlap", "--roles", "esthetician", "dermatologist", "--format", "json")
    assert by_option[0] == 0 and json.loads(by_option[1])
    assert (
        run("overlap", "esthetician", "dermatologist", "--format", "json") == by_option
    )  # was: unrecognized
    assert run("overlap", "esthetician", "--roles", "dermatologist", "--format", "json") == by_option
    code, _, err = run("overlap", "esthetician")
    assert code == 1 and "at least two roles" in err


def test_sparql_from_stdin_is_sandboxed():
    code, out, err = run(
        "sparql", "-", "--format", "json", stdin="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert code == 0, err and json.loads(out)[0]["n"] > 2000
    code, out, err = run("sparql", "-", stdin="INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }")
    assert code == 1 and "read-only" in err


def test_a_query_file_saved_by_a_windows_editor_runs(tmp_path):
    """A UTF-8 byte-order mark (Notepad) was a syntax error at line 1, column 1; UTF-16 (PowerShell's
    `>`) "cannot read query: 'utf-8' codec can't decode byte 0xff"."""
    text = "SELECT ?label WHERE { ?r a akg:Role ; skos:prefLabel ?label }\r\nORDER BY ?label LIMIT 1\r\n"
    for name, data in (("bom.rq", b"\xef\xbb\xbf" + text.encode()), ("utf16.rq", text.encode("utf-16"))):
        (tmp_path / name).write_bytes(data)
        code, out, err = run("sparql", str(tmp_path / name), "--format", "json")
        assert code == 0, err
        assert json.loads(out) == [{"label": "aesthetic medical laser technician"}]
    code, out, err = run("sparql", "-", "--format", "json", stdin="\ufeff" + text)
    assert code == 0 and json.loads(out) == [{"label": "aesthetic medical laser technician"}], err
    (tmp_path / "latin1.rq").write_bytes("ASK { ?s ?p 'café' }".encode("latin-1"))
    code, _, err = run("sparql", str(tmp_path / "latin1.rq"))
    assert (
        code == 1
        and err
        == f"error: {tmp_path / 'latin1.rq'}: not UTF-8 text (byte 0xe9 at offset 16); save it as UTF-8\n"
    )


def test_sparql_accepts_the_known_prefixes_undeclared():
    text = "SELECT ?label WHERE { ?r a akg:Role ; skos:prefLabel ?label } ORDER BY ?label LIMIT 2"
    code, out, err = run("sparql", "-", "--format", "json", stdin=text)
    assert code == 0, err
    assert [row["label"] for row in json.loads(out)] == [
        "aesthetic medical laser technician",
        "dermatologist",
    ]
    code, _, err = run("sparql", "-", stdin="SELECT ?s WHERE { ?s nope:p ?o }")  # unknown: still an error
    assert code == 1 and "nope" in err


@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "graphml", "csv"])
def test_export_formats(tmp_path, fmt):
    target = tmp_path / ("out" if fmt == "csv" else f"graph.{fmt}")
    code, _, err = run("export", "--format", fmt, "--out", str(target))
    assert code == 0, err
    if fmt == "turtle":
        assert len(Graph().parse(target, format="turtle")) > 2000
    elif fmt == "jsonld":
        assert len(Graph().parse(target, format="json-ld")) > 2000
    elif fmt == "graphml":
        import networkx as nx

        G = nx.read_graphml(target)
        assert (
            G.nodes["https://w3id.org/aesthetics-kg/resource/ncle"]["label"]
            == "National Council on Laser Excellence"
        )
    else:
        nodes = list(csv.DictReader((target / "nodes.csv").open()))
        edges = list(csv.DictReader((target / "edges.csv").open()))
        assert {"id", "label", "kind"} <= set(nodes[0]) and any(e["label"] == "issued by" for e in edges)


def test_graphml_export_carries_a_label_with_a_control_character(tmp_path):
    import networkx as nx

    data = tmp_path / "ctrl.ttl"
    data.write_text(
        USER_PREFIXES + 'ex:r a akg:Role ; skos:prefLabel "bad \\u0001 label & <x>"@en ;\n'
        "  akg:performsProcedure akgr:chemical-peel .\n",
        encoding="utf-8",
    )
    target = tmp_path / "g.graphml"
    code, _, err = run("--data", str(data), "export", "--format", "graphml", "--out", str(target))
    assert code == 0 and "1 label(s) held characters XML cannot carry" in err  # was a traceback
    assert nx.read_graphml(target).nodes["http://example.org/r"]["label"] == "bad \ufffd label & <x>"


def test_import_reports_a_missing_directory_in_one_line(tmp_path):
    code, _, err = run("import", "esco", str(tmp_path / "nope"), "--out", str(tmp_path / "x.nt"))
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1


def test_the_real_entry_point_never_prints_a_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "graph", "query", "credential_path", "-p", "role=nobody"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and proc.stderr.startswith("error: ")
    # files are found from the package, not from the working directory
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "graph", "--store", "memory", "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("conforms:"), proc.stderr
    # a terminal whose encoding cannot show a label gets it escaped, not a traceback halfway through
    proc = subprocess.run(
        [sys.executable, "-m", "graph", "match", "-", "--top", "1"],
        cwd=ROOT,
        input=b"Perform laser hair removal safely\n",
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr
    assert b"shares \\u201claser\\u201d" in proc.stdout, proc.stdout


def test_several_data_files_after_one_data_option_leave_the_subcommand_alone(tmp_path):
    one, two = tmp_path / "one.ttl", tmp_path / "two.nt"
    one.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<http://example.org/a> skos:prefLabel "thing a"@en .\n',
        encoding="utf-8",
    )
    two.write_text('<http://example.org/b> <http://www.w3.org/2004/02/skos/core#prefLabel> "thing b" .\n')
    base = run("stats", "--format", "json")[1]
    before = run("--data", str(one), str(two), "stats", "--format", "json")
    after = run("stats", "--format", "json", "--data", str(one), str(two))
    split = run("--data", str(one), "stats", "--data", str(two), "--format", "json")
    assert before[0] == after[0] == split[0] == 0, before[2]
    assert json.loads(before[1])[0]["count"] == json.loads(base)[0]["count"] + 2
    assert before[1] == after[1] == split[1]


def _subcommands() -> list[str]:
    from graph.cli import parser

    return sorted(next(a for a in parser()._actions if a.dest == "command").choices)


@pytest.mark.parametrize("command", _subcommands())
def test_every_subcommand_help_names_the_global_options_and_its_arguments(command, capsys):
    code, _, _ = run(command, "--help")
    text = capsys.readouterr().out
    assert code == 0 and "global options (before or after the subcommand)" in text
    assert all(opt in text for opt in ("--data FILE…", "--store", "--format"))
    from graph.cli import parser

    sub = next(a for a in parser()._actions if a.dest == "command").choices[command]
    explained = [a for a in sub._actions if not a.option_strings]
    assert all(a.help and a.help.split("(")[0].strip() in " ".join(text.split()) for a in explained)


def test_the_cli_lists_the_output_formats_it_prints():
    from graph import cli, output

    assert cli.FORMATS == output.FORMATS


# ---------------------------------------------------------------- validate says what it checked

CUT = ROOT / "tests" / "fixtures"


def test_validate_imported_files_runs_structural_checks_and_says_so():
    code, out, err = run("validate", str(CUT / "esco-cut.nt"), str(CUT / "onet-cut.nt"))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("structural checks of imported ESCO data: ") and "passed" in lines[0]
    assert lines[1].startswith("structural checks of imported O*NET data: ") and "passed" in lines[1]
    assert "SHACL shapes describe curated data and are not applied" in lines[0]
    assert "akg:OnetTask" in out  # class counts of what was checked, not silence


def test_validate_curated_and_imported_together_applies_each_its_own_checks():
    code, out, err = run("validate", str(ONTOLOGY), str(CUT / "onet-cut.nt"))
    assert code == 0, err
    assert out.startswith("SHACL shapes (shapes.ttl): ") and "conforms" in out.splitlines()[0]
    assert "structural checks of imported O*NET data" in out.splitlines()[1]


def test_validate_reports_a_broken_import_structurally(tmp_path):
    broken = tmp_path / "onet.nt"
    lines = (CUT / "onet-cut.nt").read_text(encoding="utf-8").splitlines()
    task = "<https://w3id.org/aesthetics-kg/onet/task/8069>"
    kept = [x for x in lines if not (x.startswith(task) and "core#prefLabel" in x)]
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    code, _out, err = run("validate", str(broken))
    assert code == 1
    assert "onettask:8069 has no skos:prefLabel" in err
    assert "links by https://w3id.org/aesthetics-kg/ontology#performsCoreTask to " in err
    assert err.splitlines()[-1].startswith("2 problem(s) in ")


def test_prune_removes_stores_whose_sources_changed_and_keeps_the_current_one(tmp_path, monkeypatch):
    monkeypatch.setenv("AKG_VAR", str(tmp_path / "var"))
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
    assert run("--data", str(extra), "stats")[0] == 0
    stores = tmp_path / "var" / "stores"
    (old,) = [p.name for p in stores.iterdir() if p.is_dir() and "." not in p.name]
    code, out, _ = run("prune")
    assert code == 0 and out.startswith("0 store(s) removed")
    extra.write_text("<urn:x:a> <urn:x:b> <urn:x:d> .\n", encoding="utf-8")
    gc.collect()  # the command's workspace (a reference cycle) lets go of its store, as its process would
    code, out, _ = run("prune")
    assert code == 0 and out.startswith(f"removed {old} (sources changed): ")
    assert "1 store(s) removed" in out and not (stores / old).exists()
    assert run("--data", str(extra), "stats")[0] == 0
    gc.collect()
    code, out, _ = run("prune", "--all")
    assert code == 0 and "1 store(s) removed" in out


def test_outside_the_virtual_environment_it_says_how_to_run_it(tmp_path):
    """A Python without the project's packages (a bare venv, as Debian's python3 is) gets one line, no traceback."""
    subprocess.run(["python3", "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.run(
        [
            str(tmp_path / "bare" / "bin" / "python"),
            "-m",
            "graph",
            "gap",
            "medical aesthetician",
            "esthetician",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == "", proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith("error: ") and "is not installed for " in line, line
    assert line.endswith(
        "the command needs the project's virtual environment; "
        "run .venv/bin/python -m graph gap 'medical aesthetician' esthetician (or `. .venv/bin/activate` first)"
    ), line


def test_a_first_store_build_from_the_command_line_leaves_no_warning(tmp_path):
    """Regression: the query worker that built the store held tqdm's multiprocessing lock when it was
    stopped, and Python printed "resource_tracker: There appear to be 1 leaked semaphore objects"."""
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:x:a> <urn:x:b> 1 .\n", encoding="utf-8")
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?o WHERE { <urn:x:a> ?p ?o }", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "graph", "--data", str(extra), "sparql", str(query)],
        cwd=ROOT,
        env={**os.environ, "AKG_VAR": str(tmp_path / "var")},  # a store of its own: built by this run
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["o", "-", "1"]
    assert "resource_tracker" not in done.stderr and "leaked" not in done.stderr, done.stderr
