"""graph.resolve on hand-built entity_index rows: IRI, CURIE, label and synonym lookup, kinds, errors."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from graph.errors import ResolveError
from graph.resolve import (
    MATCH_NAMES,
    EntityIndex,
    build_index,
    closest,
    match_rank,
    resolve,
    resolve_name,
    search,
)
from graph.terms import AKG, AKGR, framework

PROCEDURE, DEVICE = str(AKG.Procedure), str(AKG.Device)
BOTOX, IPL_DEVICE, IPL_TREATMENT = AKGR.botox, AKGR.ipl_device, AKGR.ipl_treatment


def entity(iri: URIRef, kind: str, label: str, *alt: str) -> list[tuple]:
    """An entity as rows of entity_index.rq (entity, kind, label) and of entity_synonyms.rq (entity, name)."""
    return [(iri, URIRef(kind), Literal(label, lang="en"))] + [(iri, Literal(n, lang="en")) for n in alt]


def index_of(rows: list[tuple]) -> EntityIndex:
    """build_index on the two queries' rows, told apart by their width."""
    return build_index([r for r in rows if len(r) == 3], [r for r in rows if len(r) == 2])


@pytest.fixture
def index():
    rows = (
        entity(BOTOX, PROCEDURE, "Botulinum toxin injection", "Botox", "anti-wrinkle injection")
        + entity(IPL_DEVICE, DEVICE, "IPL device", "IPL")
        + entity(IPL_TREATMENT, PROCEDURE, "IPL treatment", "IPL")
    )
    return index_of(rows)


def test_build_index_entries_and_names(index):
    entry = index.entries[str(BOTOX)]
    assert entry.label == "Botulinum toxin injection" and entry.kind == PROCEDURE
    assert entry.names == {"Botulinum toxin injection", "Botox", "anti-wrinkle injection"}
    assert index.by_name["ipl"] == {str(IPL_DEVICE), str(IPL_TREATMENT)}  # casefolded key
    assert index.label(BOTOX) == "Botulinum toxin injection"
    assert index.label(str(AKGR.unknown)) == "akgr:unknown"  # no entry: its CURIE
    assert index.kind(IPL_DEVICE) == DEVICE and index.kind(AKGR.unknown) is None


@pytest.mark.parametrize(
    "text",
    [
        str(BOTOX),  # full IRI
        f"<{BOTOX}>",  # IRI in angle brackets
        "akgr:botox",  # CURIE
        "Botulinum toxin injection",  # prefLabel
        "botulinum TOXIN injection",  # prefLabel, any case
        "BOTOX",  # altLabel, any case
        "  Anti-Wrinkle Injection ",  # altLabel, surrounding spaces
    ],
)
def test_resolve_by_iri_curie_label_and_synonym(index, text):
    hit = resolve(index, text)
    assert hit == BOTOX and isinstance(hit, URIRef)


def test_ambiguous_synonym_lists_both(index):
    with pytest.raises(ResolveError) as err:
        resolve(index, "ipl")
    assert err.value.candidates == [
        "IPL device (akgr:ipl_device, curated device)",
        "IPL treatment (akgr:ipl_treatment, curated procedure)",
    ]
    assert str(err.value).startswith(
        "'ipl' is ambiguous; closest: IPL device (akgr:ipl_device, curated device)"
    )


def test_kinds_picks_among_namesakes(index):
    assert resolve(index, "IPL", kinds=[DEVICE]) == IPL_DEVICE
    assert resolve(index, "IPL", kinds={PROCEDURE}) == IPL_TREATMENT


def test_name_of_the_wrong_kind_errors(index):
    with pytest.raises(ResolveError, match="no entity named 'Botox'"):
        resolve(index, "Botox", kinds=[DEVICE])
    with pytest.raises(ResolveError, match=r"'akgr:botox' is a akg:Procedure, not a akg:Device"):
        resolve(index, "akgr:botox", kinds=[DEVICE])


def test_unknown_name_lists_the_closest(index):
    with pytest.raises(ResolveError) as err:
        resolve(index, "Botux")
    # difflib: "botux" ~ "botox" ratio 2*4/10 = 0.8 >= 0.5; nothing else is that close
    assert err.value.candidates == ["Botulinum toxin injection (akgr:botox, curated procedure)"]
    assert (
        "no entity named 'Botux'; closest: Botulinum toxin injection (akgr:botox, curated procedure)"
        in str(err.value)
    )


def test_closest_lists_an_entity_once_though_several_of_its_names_match(index):
    # difflib matches "anti-wrinkle injection" and "botulinum toxin injection": both name botox
    assert closest(index, "injection") == ["Botulinum toxin injection (akgr:botox, curated procedure)"]


def test_closest_adds_names_that_contain_it(index):
    # "wrinkle" vs "anti-wrinkle injection": ratio 2*7/29 = 0.48 < 0.5, but the name contains it
    assert closest(index, "wrinkle") == ["Botulinum toxin injection (akgr:botox, curated procedure)"]


def test_empty_name_errors(index):
    for text in ("", "   "):
        with pytest.raises(ResolveError, match="an empty name matches nothing"):
            resolve(index, text)


def test_closest_with_kinds_does_not_suggest_a_namesake_of_another_kind(index):
    # "ipx" ~ "ipl" (ratio 2*2/6 = 0.67); "ipl" names the device and the treatment, a Procedure
    assert closest(index, "ipx", {DEVICE}) == ["IPL device (akgr:ipl_device, curated device)"]
    with pytest.raises(ResolveError) as err:
        resolve(index, "ipx", kinds=[DEVICE])
    assert err.value.candidates == ["IPL device (akgr:ipl_device, curated device)"]


# ---------------------------------------------------------------- ties, frameworks and the one search

ROLE = str(AKG.Role)
ESCO_OCC = "http://data.europa.eu/esco/occupation/"
ONET = "https://www.onetonline.org/link/summary/"


def framework_index():
    rows = (
        entity(AKGR.esthetician, ROLE, "esthetician", "aesthetician", "skincare specialist")
        + entity(URIRef(ESCO_OCC + "aesth"), ROLE, "aesthetician", "esthetician", "beautician")
        + entity(
            URIRef(ONET + "39-5094.00"), ROLE, "Skincare Specialists", "Esthetician", "Medical Aesthetician"
        )
        + entity(AKGR["medical-aesthetician"], ROLE, "medical aesthetician")
        + entity(AKGR.dermatologist, ROLE, "dermatologist")
        + entity(URIRef(ESCO_OCC + "derm"), ROLE, "dermatologist")
        + entity(URIRef(ESCO_OCC + "nurse"), ROLE, "nurse")
        + entity(URIRef(ONET + "29-1141.00"), ROLE, "Nurse")
        + entity(AKGR.ipl, DEVICE, "intense pulsed light device", "IPL")
        + entity(AKGR.diplomat, ROLE, "diplomat")
        + entity(AKGR.ncle, str(AKG.CertifyingBody), "National Council on Laser Excellence", "NCLE")
        + entity(AKGR.weather, PROCEDURE, "work in inclement conditions")
    )
    return index_of(rows)


def test_exact_preferred_label_beats_another_entitys_synonym():
    idx = framework_index()
    assert resolve(idx, "aesthetician") == URIRef(ESCO_OCC + "aesth")  # ESCO's label, our synonym
    assert resolve(idx, "esthetician") == AKGR.esthetician  # our label, ESCO's and O*NET's synonym
    assert resolve(idx, "Medical Aesthetician") == AKGR["medical-aesthetician"]


def test_real_tie_goes_to_the_curated_entity_with_a_note_listing_the_others():
    found = resolve_name(framework_index(), "dermatologist")
    assert found.iri == AKGR.dermatologist
    assert found.note is not None and "escoocc:derm, ESCO role" in found.note


def test_tie_without_a_curated_entity_lists_candidates_with_framework_and_kind():
    with pytest.raises(ResolveError) as err:
        resolve(framework_index(), "nurse")
    assert err.value.candidates == ["nurse (escoocc:nurse, ESCO role)", "Nurse (onet:29-1141.00, O*NET role)"]


def test_match_rank_is_exact_prefix_word_start_substring():
    assert [match_rank(n, "ipl") for n in ("IPL", "IPL device", "an IPL", "diplomat", "laser")] == [
        0,
        1,
        2,
        3,
        None,
    ]
    assert match_rank("pre-IPL care", "ipl") == 2  # a hyphen starts a word


def test_search_ranks_synonym_matches_and_says_which_name_matched():
    idx = framework_index()
    assert [(h.label, h.matched, h.match) for h in search(idx, "IPL")] == [
        ("intense pulsed light device", "IPL", "exact"),
        ("diplomat", "diplomat", "substring"),
    ]
    assert [h.label for h in search(idx, "NCLE")] == [
        "National Council on Laser Excellence",
        "work in inclement conditions",
    ]
    hits = search(idx, "aesthetician")
    assert [(h.label, h.matched, h.framework) for h in hits[:2]] == [
        ("aesthetician", "aesthetician", "ESCO"),
        ("esthetician", "aesthetician", "curated"),
    ]
    assert hits[2].label == "medical aesthetician" and hits[2].match == "word start"


def test_a_synonym_of_something_that_is_no_entity_names_nothing():
    idx = index_of([*entity(BOTOX, PROCEDURE, "Botox injection"), (AKGR.scheme, Literal("Botox"))])
    assert "botox" not in idx.by_name
    assert str(AKGR.scheme) not in idx.entries and idx.by_name["botox injection"] == {str(BOTOX)}


def test_search_over_the_lower_cased_names_finds_what_ranking_every_name_finds():
    """search() filters the index's names, lower-cased once per index, before ranking them (70 -> 20 ms
    a keystroke on ESCO + O*NET): it returns what ranking every (entry, name) with match_rank returns."""
    from graph.resolve import Hit, searchable

    idx = framework_index()
    pairs, lows = searchable(idx)
    assert len(pairs) == len(lows) == sum(len(e.names) for e in idx.entries.values())
    assert searchable(idx)[0] is pairs  # made once per index

    def every(text: str) -> list[Hit]:
        best: dict[str, tuple] = {}
        for e in idx.entries.values():
            for name in e.names:
                rank = match_rank(name, text)
                if rank is not None:
                    key = (rank, 0 if name == e.label else 1, len(e.label), e.label.lower(), e.iri, name)
                    best[e.iri] = min(best.get(e.iri, key), key)
        return [
            Hit(
                k[4],
                idx.entries[k[4]].label,
                k[5],
                MATCH_NAMES[k[0]],
                idx.entries[k[4]].kind,
                framework(k[4]),
            )
            for k in sorted(best.values())
        ]

    for text in ("IPL", "ncle", "Aesthetician", "laser", "la", "e", "İ", "skin peel", "zzz"):
        assert search(idx, text, limit=10_000) == every(text), text
