"""Behaviour of the framework-free search index: filters, facets, text, synonyms, geo, order and upkeep.

Most tests share one index built once from the hand-made documents in ``tests/search_fixture.py``;
expected answers are worked out here in plain Python from those documents, never read back from
the index.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from search_index import (
    SCHEMA_VERSION,
    FacetCount,
    IndexBusy,
    SearchError,
    SearchIndex,
    SearchRequest,
    SearchResult,
    SyncState,
    Vocabulary,
    document_digest,
    groups_from_json,
    storage,
)
from search_index.query import MAX_QUERY_LENGTH
from tests.conftest import DATA_DIR
from tests.search_fixture import listing_documents

TAXONOMY = json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
SYNONYMS = json.loads((DATA_DIR / "synonyms.json").read_text(encoding="utf-8"))
DOCS = listing_documents()
BY_ID = {doc["id"]: doc for doc in DOCS}
ALL_STATUSES = ("published", "closed", "pending", "draft", "suspended")
PUBLISHED = {doc["id"] for doc in DOCS if doc["status"] == "published"}
SCHEMES = [scheme["code"] for scheme in TAXONOMY["schemes"]]
SLC = (40.7608, -111.8910)
DENVER = (39.7392, -104.9903)
PORTLAND = (45.5152, -122.6784)


# --- helpers: the expected answers, worked out by hand -------------------------------------------------


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle miles on a sphere of radius 3958.8 miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 3958.8 * math.asin(math.sqrt(a))


def doc_miles(doc: Mapping[str, Any], near: tuple[float, float]) -> float | None:
    if doc["latitude"] is None or doc["longitude"] is None:
        return None
    return haversine(near[0], near[1], doc["latitude"], doc["longitude"])


def descendants(scheme: str, code: str) -> set[str]:
    """The code and every code below it, read straight from taxonomy.json."""
    terms = next(s["terms"] for s in TAXONOMY["schemes"] if s["code"] == scheme)
    found = {code}
    grew = True
    while grew:
        below = {t["code"] for t in terms if t.get("parent") in found}
        grew = not below <= found
        found |= below
    return found


def matches_scheme(doc: Mapping[str, Any], scheme: str, codes: Iterable[str]) -> bool:
    if scheme == "state":
        return doc["state"] is not None and doc["state"] in {c.upper() for c in codes}
    if scheme == "city":
        wanted = set()
        for value in codes:
            city, _, state = value.rpartition(",")
            wanted.add((city.strip().casefold(), state.strip().upper()))
        return doc["city"] is not None and (doc["city"].casefold(), doc["state"]) in wanted
    wanted = set().union(*(descendants(scheme, code) for code in codes))
    return bool(wanted & set(doc["terms"].get(scheme, ())))


def passes_base(doc: Mapping[str, Any], request: SearchRequest, text_ids: set[str] | None) -> bool:
    """Every criterion except the taxonomy/place filters."""
    if doc["status"] not in request.statuses:
        return False
    if request.verification and doc["verification_status"] not in request.verification:
        return False
    if request.verified_only and doc["verification_status"] != "verified":
        return False
    if request.advertiser is not None and doc["advertiser"] != request.advertiser:
        return False
    if request.accepting_only and not doc["accepting_new_clients"]:
        return False
    if request.near is not None:
        miles = doc_miles(doc, request.near)
        if miles is None or miles > (request.radius_miles or 25.0):
            return False
    return text_ids is None or doc["id"] in text_ids


def text_matches(index: SearchIndex, text: str) -> set[str] | None:
    """The listings a text matches, whatever their status (None for no text)."""
    if not text:
        return None
    result = index.search(SearchRequest(text=text, statuses=ALL_STATUSES, per_page=100))
    assert result.total < 100
    return {hit.id for hit in result.hits}


def expected_ids(request: SearchRequest, text_ids: set[str] | None = None) -> set[str]:
    return {
        doc["id"]
        for doc in DOCS
        if passes_base(doc, request, text_ids)
        and all(matches_scheme(doc, s, codes) for s, codes in request.filters.items() if codes)
    }


def expected_facets(request: SearchRequest, text_ids: set[str] | None) -> dict[str, list[FacetCount]]:
    """For each scheme: per term, documents meeting every criterion but that scheme's own filter."""
    facets: dict[str, list[FacetCount]] = {}
    for scheme in [*SCHEMES, "state"]:
        within = [
            doc
            for doc in DOCS
            if passes_base(doc, request, text_ids)
            and all(
                matches_scheme(doc, other, codes)
                for other, codes in request.filters.items()
                if codes and other != scheme
            )
        ]
        if scheme == "state":
            selected = {code.upper() for code in request.filters.get("state", ())}
            states = sorted({doc["state"] for doc in DOCS if doc["state"]} | selected)
            counts = [FacetCount(s, s, sum(doc["state"] == s for doc in within)) for s in states]
            facets[scheme] = [f for f in counts if f.count or f.code in selected]
        else:
            terms = next(s["terms"] for s in TAXONOMY["schemes"] if s["code"] == scheme)
            facets[scheme] = [
                FacetCount(
                    t["code"], t["label"], sum(matches_scheme(doc, scheme, [t["code"]]) for doc in within)
                )
                for t in terms
            ]
    return facets


def ids(result: SearchResult) -> list[str]:
    return [hit.id for hit in result.hits]


def make_index(root: Path, **options: Any) -> SearchIndex:
    return SearchIndex(
        root,
        Vocabulary.from_json(TAXONOMY),
        groups_from_json(SYNONYMS),
        build_procs=1,
        **options,
    )


def built_index(root: Path, docs: list[dict[str, Any]] | None = None, **options: Any) -> SearchIndex:
    index = make_index(root, **options)
    index.rebuild(listing_documents() if docs is None else docs, SyncState(schema_version=0))
    return index


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterable[SearchIndex]:
    built = built_index(tmp_path_factory.mktemp("search-index"))
    yield built
    built.close()


def search(index: SearchIndex, text: str = "", **fields: Any) -> SearchResult:
    fields.setdefault("per_page", 100)
    return index.search(SearchRequest(text=text, **fields))


# --- the fixture itself ------------------------------------------------------------------------------


def test_fixture_covers_every_scheme_status_and_verification():
    assert {s for doc in DOCS for s in doc["terms"]} == set(SCHEMES)
    assert {doc["status"] for doc in DOCS} == set(ALL_STATUSES)
    assert {doc["verification_status"] for doc in DOCS} == {
        "verified",
        "unverified",
        "pending",
        "expired",
        "revoked",
    }
    assert all(doc["verification_status"] == "verified" for doc in DOCS if doc["advertiser"])
    assert len(DOCS) == len(BY_ID) >= 25


def test_index_holds_every_document(index):
    assert index.doc_count() == len(DOCS)
    assert index.digests() == {doc["id"]: document_digest(doc) for doc in DOCS}


# --- filters -------------------------------------------------------------------------------------------


SINGLE_FILTERS = [
    {"therapy": ("esketamine",)},
    {"therapy": ("ketamine-assisted-therapy",)},
    {"route": ("iv-infusion",)},
    {"condition": ("ptsd",)},
    {"level_of_care": ("residential",)},
    {"payment": ("medicare",)},
    {"insurance": ("blue-cross-blue-shield",)},
    {"age_group": ("adolescents",)},
    {"language": ("spanish",)},
    {"program": ("veterans",)},
    {"credential": ("board-certified-psychiatrist",)},
    {"accreditation": ("carf",)},
    {"state": ("UT",)},
    {"state": ("or",)},
    {"city": ("Salt Lake City, UT",)},
    {"city": ("Boulder, CO",)},
    {"city": ("Park City, UT",)},
]


@pytest.mark.parametrize("filters", SINGLE_FILTERS, ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
def test_each_filter_alone_returns_exactly_the_matching_listings(index, filters):
    request = SearchRequest(filters=filters, per_page=100)
    result = index.search(request)
    expected = expected_ids(request)
    assert expected, "the fixture should have a listing for every filter tested"
    assert set(ids(result)) == expected
    assert result.total == len(expected)


def test_each_filter_picks_the_listings_written_in_the_fixture(index):
    assert set(ids(search(index, filters={"therapy": ("esketamine",)}))) == {"c02", "c18"}
    assert set(ids(search(index, filters={"accreditation": ("carf",)}))) == {"c05", "c30"}
    assert set(ids(search(index, filters={"language": ("spanish",)}))) == {"c01", "c15"}
    assert set(ids(search(index, filters={"state": ("CO",)}))) == {"c10", "c11", "c12", "c13", "c14", "c15"}
    assert set(ids(search(index, filters={"city": ("Salt Lake City, UT",)}))) == {"c01", "c02", "c03"}
    assert set(ids(search(index, filters={"city": ("portland, or",)}))) == {"c18", "c19"}
    closed = search(index, filters={"city": ("St. George, UT",)}, statuses=("closed",))
    assert ids(closed) == ["c08"]


def test_city_filter_needs_the_right_state(index):
    assert ids(search(index, filters={"city": ("Portland, ME",)})) == []
    assert set(ids(search(index, filters={"city": ("Portland, OR", "Vancouver, WA")}))) == {
        "c18",
        "c19",
        "c24",
    }


def test_verified_only_keeps_verified_listings(index):
    result = search(index, verified_only=True)
    assert set(ids(result)) == {
        d["id"] for d in DOCS if d["status"] == "published" and d["verification_status"] == "verified"
    }
    assert "c03" not in ids(result)


def test_accepting_only_drops_listings_not_accepting_or_unknown(index):
    result = search(index, accepting_only=True)
    assert set(ids(result)) == {
        d["id"] for d in DOCS if d["status"] == "published" and d["accepting_new_clients"] is True
    }
    assert not {"c02", "c06", "c12", "c30"} & set(ids(result))


@pytest.mark.parametrize(
    "verification", [("verified",), ("pending",), ("unverified", "pending"), ("expired",)]
)
def test_verification_filter(index, verification):
    request = SearchRequest(statuses=ALL_STATUSES, verification=verification, per_page=100)
    expected = {d["id"] for d in DOCS if d["verification_status"] in verification}
    assert expected
    assert set(ids(index.search(request))) == expected


def test_advertiser_filter_true_and_false(index):
    advertisers = set(ids(search(index, advertiser=True)))
    others = set(ids(search(index, advertiser=False)))
    assert advertisers == {"c01", "c10", "c13", "c18", "c30"}
    assert others == PUBLISHED - advertisers
    assert advertisers | others == set(ids(search(index)))


def test_or_within_a_scheme_and_across_schemes(index):
    either = set(ids(search(index, filters={"therapy": ("esketamine", "tms")})))
    assert either == {"c02", "c18", "c04", "c13", "c24"}
    both = set(ids(search(index, filters={"therapy": ("esketamine", "tms"), "state": ("UT",)})))
    assert both == {"c02", "c04"}
    three = set(
        ids(
            search(
                index,
                filters={
                    "therapy": ("ketamine-assisted-therapy",),
                    "route": ("iv-infusion",),
                    "state": ("CO", "OR"),
                },
            )
        )
    )
    assert three == {"c10", "c18"}


COMBINED_REQUESTS = [
    SearchRequest(filters={"therapy": ("ketamine-assisted-therapy",), "state": ("UT",)}, accepting_only=True),
    SearchRequest(filters={"condition": ("depression",), "level_of_care": ("outpatient", "residential")}),
    SearchRequest(filters={"program": ("veterans", "lgbtq"), "condition": ("ptsd",)}, verified_only=True),
    SearchRequest(filters={"therapy": ("psychedelic-assisted-therapy",), "city": ("Boulder, CO",)}),
    SearchRequest(filters={"insurance": ("cigna",)}, advertiser=True, statuses=ALL_STATUSES),
    SearchRequest(filters={"therapy": ("ketamine-assisted-therapy",)}, statuses=("published", "closed")),
    SearchRequest(
        filters={"therapy": ("ketamine-assisted-therapy",)}, statuses=ALL_STATUSES, verification=("pending",)
    ),
    SearchRequest(filters={"language": ("english",), "route": ("nasal-spray",), "state": ("OR",)}),
]


@pytest.mark.parametrize("request_", COMBINED_REQUESTS)
def test_combined_filters_intersect(index, request_):
    request_ = replace(request_, per_page=100)
    expected = expected_ids(request_)
    result = index.search(request_)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


def test_combined_filters_pick_the_listings_written_in_the_fixture(index):
    assert set(ids(index.search(COMBINED_REQUESTS[0]))) == {"c01"}
    assert set(ids(index.search(COMBINED_REQUESTS[2]))) == {"c10", "c11", "c14"}
    assert set(ids(index.search(COMBINED_REQUESTS[4]))) == {"c13", "c30"}
    assert set(ids(index.search(COMBINED_REQUESTS[6]))) == {"c16"}


def test_parent_term_matches_its_children(index):
    psychedelic = set(ids(search(index, filters={"therapy": ("psychedelic-assisted-therapy",)})))
    assert psychedelic == {"c06", "c10", "c11", "c19"}  # c10 has the parent itself; the rest, children
    assert set(ids(search(index, filters={"therapy": ("mdma-assisted-therapy",)}))) == {"c11"}
    depression = set(ids(search(index, filters={"condition": ("depression",)})))
    assert {"c01", "c06", "c18", "c07"} <= depression  # tagged only with a child term
    resistant = set(ids(search(index, filters={"condition": ("treatment-resistant-depression",)})))
    assert resistant == {"c01", "c06", "c13", "c18"}


def test_unknown_scheme_raises_search_error_naming_it(index):
    with pytest.raises(SearchError, match="flavour"):
        search(index, filters={"flavour": ("vanilla",)})


def test_unknown_code_raises_search_error_naming_it(index):
    with pytest.raises(SearchError, match="laughing-gas"):
        search(index, filters={"therapy": ("ketamine-assisted-therapy", "laughing-gas")})
    with pytest.raises(SearchError, match="depression"):
        search(index, filters={"therapy": ("depression",)})  # a code of another scheme


# --- public status -------------------------------------------------------------------------------------


def test_default_statuses_show_only_published_listings(index):
    result = search(index)
    assert set(ids(result)) == PUBLISHED
    for hidden in ("c08", "c09", "c16", "c17", "c23", "c25"):
        assert hidden not in ids(result)
    assert set(ids(search(index, "ketamine"))) & {"c08", "c09", "c16", "c17"} == set()


def test_including_closed_shows_closed_listings_but_not_drafts(index):
    result = search(index, "ketamine", statuses=("published", "closed"))
    assert "c08" in ids(result)
    assert not {"c09", "c16", "c17"} & set(ids(result))
    everything = search(index, statuses=("published", "closed"))
    assert set(ids(everything)) == PUBLISHED | {"c08", "c25"}


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_each_status_can_be_asked_for(index, status):
    assert set(ids(search(index, statuses=(status,)))) == {d["id"] for d in DOCS if d["status"] == status}


# --- facets --------------------------------------------------------------------------------------------


FACET_REQUESTS = [
    SearchRequest(),
    SearchRequest(text="ketamine"),
    SearchRequest(filters={"therapy": ("ketamine-assisted-therapy", "esketamine")}),
    SearchRequest(filters={"condition": ("depression",), "state": ("UT", "CO")}),
    SearchRequest(
        text="depression",
        filters={"therapy": ("psychedelic-assisted-therapy",), "language": ("english",), "state": ("OR",)},
    ),
    SearchRequest(near=SLC, radius_miles=45, filters={"condition": ("depression",)}),
    SearchRequest(text="therapy", near=DENVER, radius_miles=80, filters={"program": ("veterans", "trauma")}),
    SearchRequest(filters={"city": ("Salt Lake City, UT",), "level_of_care": ("outpatient",)}),
    SearchRequest(statuses=ALL_STATUSES, verified_only=True, filters={"route": ("iv-infusion",)}),
    SearchRequest(accepting_only=True, advertiser=False, filters={"age_group": ("adults",)}),
    SearchRequest(text="mood", filters={"state": ("CO",)}),
]


@pytest.mark.parametrize("request_", FACET_REQUESTS)
def test_disjunctive_facet_counts_equal_brute_force_counts(index, request_):
    text_ids = text_matches(index, request_.text)
    result = index.search(request_)
    assert result.facets == expected_facets(request_, text_ids)
    assert result.total == len(expected_ids(request_, text_ids))


def test_facet_of_a_filtered_scheme_ignores_its_own_filter(index):
    result = search(index, filters={"therapy": ("esketamine",)})
    therapy = {f.code: f.count for f in result.facets["therapy"]}
    assert therapy["esketamine"] == 2
    assert therapy["ketamine-assisted-therapy"] == 5  # c01, c10, c14, c18, c29: not only esketamine ones
    state = {f.code: f.count for f in result.facets["state"]}
    assert state == {"OR": 1, "UT": 1}  # states without results are not listed


def test_state_facet_drops_a_state_whose_listings_were_all_deleted(tmp_path):
    built = built_index(tmp_path / "index")
    try:
        texas = sorted(doc["id"] for doc in DOCS if doc["state"] == "TX")
        assert texas and "TX" in {f.code for f in search(built).facets["state"]}
        built.apply([], texas, SyncState(schema_version=0, applied_through=1))  # no merge: still on disk
        states = {f.code: f.count for f in search(built, statuses=ALL_STATUSES).facets["state"]}
        assert "TX" not in states
        assert all(count > 0 for count in states.values())
    finally:
        built.close()


def test_state_facet_keeps_a_selected_state_without_results_so_it_can_be_removed(index):
    result = search(index, "lakeside", filters={"state": ("WA",)})
    assert result.total == 0
    states = {f.code: f.count for f in result.facets["state"]}
    assert states == {"TX": 3, "WA": 0}  # the lakeside listings are all in Texas


def test_parent_facet_counts_its_children(index):
    therapy = {f.code: f.count for f in search(index).facets["therapy"]}
    assert therapy["psychedelic-assisted-therapy"] == 4
    assert therapy["psilocybin-assisted-therapy"] == 3
    assert therapy["mdma-assisted-therapy"] == 1


# --- synonyms and spelling --------------------------------------------------------------------------


def test_spravato_finds_esketamine_listings_that_never_say_spravato(index):
    assert "spravato" not in BY_ID["c07"]["description"].lower()
    found = ids(search(index, "spravato"))
    assert "c07" in found
    assert {"c02", "c18"} <= set(found)


@pytest.mark.parametrize("text", ["shrooms", "magic mushrooms", "Magic Mushrooms"])
def test_mushroom_words_find_psilocybin(index, text):
    found = set(ids(search(index, text)))
    assert "c12" in found  # its text says only "psilocybin"
    assert {"c06", "c11", "c19"} <= found
    assert "c03" not in found


def test_kap_finds_ketamine_assisted_therapy(index):
    found = set(ids(search(index, "KAP")))
    assert "c15" in found  # text "ketamine assisted therapy", no taxonomy term
    assert {"c01", "c10", "c14", "c18", "c29"} <= found


def test_rehab_finds_rehabilitation_text(index):
    found = set(ids(search(index, "rehab")))
    assert "c05" in found  # text "rehabilitation" only
    assert {"c13", "c30"} <= found
    assert set(ids(search(index, "rehabilitation"))) >= {"c05", "c13", "c30"}


def test_ptsd_and_post_traumatic_stress_find_each_other(index):
    by_acronym = set(ids(search(index, "PTSD")))
    by_words = set(ids(search(index, "post-traumatic stress")))
    assert "c20" in by_acronym  # text says "post-traumatic stress"
    assert "c21" in by_words  # text says "PTSD"
    assert by_acronym == by_words == {"c10", "c11", "c14", "c20", "c21"}


# --- words that name taxonomy terms -----------------------------------------------------------------


def test_every_term_synonyms_json_names_is_in_the_vocabulary():
    vocabulary = Vocabulary.from_json(TAXONOMY)
    named = [term for group in groups_from_json(SYNONYMS) for term in group.terms]
    assert named and all(vocabulary.term(scheme, code) for scheme, code in named), named


def test_a_word_naming_a_parent_term_finds_listings_of_its_children(index):
    found = set(ids(search(index, "psychedelic")))
    assert "psychedelic" not in (BY_ID["c06"]["name"] + BY_ID["c06"]["description"]).lower()
    assert {"c06", "c19"} <= found  # tagged psilocybin only: a child of psychedelic-assisted therapy
    assert {"c10", "c11"} <= found


def test_psychedelic_also_finds_ketamine_assisted_therapy(index):
    result = search(index, "psychedelic")
    found = ids(result)
    ketamine_only = {"c01", "c14", "c18", "c29"}  # published, ketamine and no psychedelic term
    assert ketamine_only <= set(found)
    psychedelic_family = {"c06", "c10", "c11", "c19"}
    assert max(found.index(i) for i in psychedelic_family) < min(found.index(i) for i in ketamine_only)
    assert ("therapy", "ketamine-assisted-therapy") in result.named_terms
    assert set(ids(search(index, "ketamine"))).isdisjoint({"c06", "c11", "c19"})  # never the other way


@pytest.mark.parametrize(
    ("text", "listing"),
    [("vietnamese", "c18"), ("medicare", "c02"), ("outpatient mental health facility", "c02")],
)
def test_a_term_label_finds_listings_with_the_term_in_schemes_that_are_not_text(index, text, listing):
    assert text not in (BY_ID[listing]["name"] + BY_ID[listing]["description"]).lower()
    assert listing in ids(search(index, text))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "psychedelic",
            {("therapy", "psychedelic-assisted-therapy"), ("therapy", "ketamine-assisted-therapy")},
        ),
        ("Psilocybin-assisted therapy", {("therapy", "psilocybin-assisted-therapy")}),
        ("psilocybin-assisted-therapy", {("therapy", "psilocybin-assisted-therapy")}),
        ("depression near Denver", {("condition", "depression")}),
        ("vietnamese", {("language", "vietnamese")}),
        ('"psychedelic"', set()),
        ("lakeside", set()),
    ],
)
def test_the_result_names_the_terms_the_words_name(index, text, named):
    assert set(search(index, text).named_terms) == named


def test_a_quoted_word_is_matched_as_typed_not_as_a_term(index):
    assert set(ids(search(index, '"psychedelic"'))) == {"c10", "c11"}


def test_term_words_score_like_a_fresh_build_after_updates(tmp_path):
    updated = built_index(tmp_path / "updated")
    try:
        moved = dict(BY_ID["c03"], terms={"therapy": ["mdma-assisted-therapy"]})
        updated.apply([moved], ["c24"], SyncState(schema_version=0))
        docs = [moved if doc["id"] == "c03" else doc for doc in DOCS if doc["id"] != "c24"]
        fresh = built_index(tmp_path / "fresh", docs)
        try:
            for text in ("psychedelic", "depression", "vietnamese"):
                assert [(h.id, h.score) for h in search(updated, text).hits] == [
                    (h.id, h.score) for h in search(fresh, text).hits
                ], text
        finally:
            fresh.close()
    finally:
        updated.close()


@pytest.mark.parametrize(
    ("typo", "fixed"), [("depresion", "depression"), ("ketamne", "ketamine"), ("spravto", "spravato")]
)
def test_misspelling_suggests_a_query_that_finds_results(index, typo, fixed):
    result = search(index, typo)
    assert result.total == 0
    assert result.suggestion == fixed
    assert search(index, result.suggestion).total > 0


@pytest.mark.parametrize("text", ["ketamine", "depression", "spravato", "salt lake", "lakeside"])
def test_good_query_has_no_suggestion(index, text):
    result = search(index, text)
    assert result.total > 0
    assert result.suggestion is None


def test_empty_query_has_no_suggestion(index):
    assert search(index, "").suggestion is None


def test_suggestion_respells_words_inside_quotes(index):
    result = search(index, '"ketamne"')
    assert result.total == 0
    assert result.suggestion is not None and "ketamine" in result.suggestion
    assert search(index, result.suggestion).total > 0


def test_suggestion_keeps_a_quoted_phrase_quoted(index):
    assert search(index, '"salt lake" ketamne').suggestion == '"salt lake" ketamine'


def test_suggestion_never_leads_to_listings_without_the_quoted_phrase(index):
    assert search(index, '"salt lake" family').total == 0  # no listing has both
    result = search(index, '"salt lake" famly')
    if result.suggestion is not None:
        suggested = set(ids(search(index, result.suggestion)))
        assert suggested <= set(ids(search(index, '"salt lake"')))


def test_highlight_terms_are_the_analysed_words_and_their_synonyms(index):
    assert {"spravato", "esketamin"} <= search(index, "Spravato").highlight_terms
    assert search(index, '"salt lake"').highlight_terms == frozenset({"salt", "lake"})
    assert search(index, "the of and").highlight_terms == frozenset()


# --- phrases -------------------------------------------------------------------------------------------


def test_quoted_phrase_needs_adjacent_words(index):
    assert set(ids(search(index, '"salt lake"'))) == {"c01", "c02", "c03", "c04"}
    assert set(ids(search(index, "salt lake"))) == {"c01", "c02", "c03", "c04", "c21"}


def test_quoted_phrase_in_another_order_does_not_match(index):
    assert ids(search(index, '"lake salt"')) == []


@pytest.mark.parametrize("text", ['"salt lake', 'salt lake"', '"salt" "lake', '""salt lake"', '"'])
def test_unbalanced_quotes_do_not_raise(index, text):
    result = search(index, text)
    assert isinstance(result, SearchResult)


def test_unbalanced_quote_searches_the_words(index):
    assert set(ids(search(index, '"salt lake'))) == {"c01", "c02", "c03", "c04", "c21"}


# --- distance ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("near", "radius"),
    [(SLC, 10), (SLC, 25), (SLC, 45), (DENVER, 30), (DENVER, 70), (PORTLAND, 9), (PORTLAND, 60), (SLC, 500)],
)
def test_radius_keeps_exactly_the_listings_within_it(index, near, radius):
    miles = {d["id"]: doc_miles(d, near) for d in DOCS if d["status"] == "published"}
    assert all(m is None or abs(m - radius) > 0.05 for m in miles.values()), "keep clear of the edge"
    expected = {i for i, m in miles.items() if m is not None and m <= radius}
    result = search(index, near=near, radius_miles=radius)
    assert set(ids(result)) == expected
    assert result.total == len(expected)
    for hit in result.hits:
        assert hit.distance_miles == pytest.approx(miles[hit.id], abs=0.01)
        assert hit.distance_miles <= radius


def test_near_salt_lake_city_within_45_miles(index):
    result = search(index, near=SLC, radius_miles=45)
    assert ids(result) == ["c01", "c02", "c03", "c07", "c06", "c05", "c30", "c04"]


def test_default_radius_is_25_miles(index):
    assert set(ids(search(index, near=SLC))) == {"c01", "c02", "c03", "c07", "c06"}


def test_default_sort_near_a_place_without_text_is_distance(index):
    result = search(index, near=DENVER, radius_miles=100)
    assert result.sort == "distance"
    distances = [hit.distance_miles for hit in result.hits]
    assert distances == sorted(distances)
    assert ids(result)[0] == "c10"


def test_sort_by_distance_with_text(index):
    result = search(index, "ketamine", near=DENVER, radius_miles=100, sort="distance")
    assert ids(result) == ["c10", "c15", "c14"]
    assert [h.distance_miles for h in result.hits] == sorted(h.distance_miles for h in result.hits)
    relevance = search(index, "ketamine", near=DENVER, radius_miles=100)
    assert relevance.sort == "relevance"


def test_listing_without_coordinates_is_never_near_anything(index):
    assert "c29" not in ids(search(index, "ketamine", near=SLC, radius_miles=500))
    assert "c29" in ids(search(index, "ketamine"))


def test_hits_have_no_distance_without_a_place(index):
    assert all(hit.distance_miles is None for hit in search(index, "ketamine").hits)


@pytest.mark.parametrize("radius", [0, 0.49, 500.01, 1000, -5, float("nan")])
def test_radius_outside_limits_raises(index, radius):
    with pytest.raises(SearchError) as error:
        search(index, near=SLC, radius_miles=radius)
    assert str(error.value)


@pytest.mark.parametrize("radius", [0.5, 500])
def test_radius_limits_are_inclusive(index, radius):
    assert isinstance(search(index, near=SLC, radius_miles=radius), SearchResult)


def test_distance_sort_without_a_place_raises(index):
    with pytest.raises(SearchError, match="location"):
        search(index, "ketamine", sort="distance")


# --- order ---------------------------------------------------------------------------------------------


def test_sort_by_name_ignores_case(index):
    result = search(index, sort="name")
    expected = sorted((BY_ID[i] for i in PUBLISHED), key=lambda d: d["name"].casefold())
    assert ids(result) == [d["id"] for d in expected]
    names = [BY_ID[i]["name"] for i in ids(result)]
    assert names.index("alamo Heights Center") < names.index("Austin Hill Country Wellness")
    assert names.index("lake oswego family therapy") < names.index("Mile High Ketamine")


def test_sort_by_verified_puts_recent_verification_first_and_unverified_last(index):
    result = search(index, sort="verified")
    found = ids(result)
    verified = sorted(
        (BY_ID[i] for i in PUBLISHED if BY_ID[i]["verification_status"] == "verified"),
        key=lambda d: (-d["verified_at"], d["name"].casefold()),
    )
    others = sorted(
        (BY_ID[i] for i in PUBLISHED if BY_ID[i]["verification_status"] != "verified"),
        key=lambda d: d["name"].casefold(),
    )
    assert found == [d["id"] for d in verified + others]
    assert found[0] == "c10"


def test_sort_by_verified_puts_expired_verification_last(index):
    found = ids(search(index, "ketamine", statuses=("published", "closed"), sort="verified"))
    assert found[-1] == "c08"  # verified once, now expired: not verified
    assert found[0] == "c10"


def test_relevance_ties_are_broken_by_verified_first_then_name(index):
    result = search(index, "lakeside")
    assert result.sort == "relevance"
    assert len({hit.score for hit in result.hits}) == 1, "the three listings should score the same"
    assert ids(result) == ["c28", "c26", "c27"]


def test_relevance_puts_better_matches_first(index):
    result = search(index, "psilocybin")
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert ids(result)[-1] == "c12"  # a word in its description, nothing else


def test_no_text_no_place_orders_verified_first_then_name(index):
    result = search(index)
    assert result.sort == "relevance"
    docs = [BY_ID[i] for i in ids(result)]
    keys = [(d["verification_status"] != "verified", d["name"].casefold()) for d in docs]
    assert keys == sorted(keys)


@pytest.mark.parametrize("sort", ["name", "verified", "relevance"])
def test_sort_does_not_change_the_set_of_results(index, sort):
    assert set(ids(search(index, "depression", sort=sort))) == set(ids(search(index, "depression")))


# --- paging --------------------------------------------------------------------------------------------


def test_pages_cover_the_results_in_order(index):
    everything = ids(search(index, sort="name"))
    total = len(everything)
    pages = []
    page = 1
    while True:
        result = search(index, sort="name", page=page, per_page=7)
        assert result.total == total
        assert result.page == page and result.per_page == 7
        if not result.hits:
            break
        pages.extend(ids(result))
        page += 1
    assert pages == everything
    assert page == math.ceil(total / 7) + 1


def test_first_and_last_page(index):
    total = len(PUBLISHED)
    first = search(index, sort="name", page=1, per_page=10)
    assert len(first.hits) == 10
    last = search(index, sort="name", page=3, per_page=10)
    assert len(last.hits) == total - 20
    assert ids(last) == ids(search(index, sort="name"))[20:]


def test_page_beyond_the_end_is_empty_with_the_right_total(index):
    result = search(index, sort="name", page=50, per_page=10)
    assert result.hits == []
    assert result.total == len(PUBLISHED)


def test_one_per_page_and_a_hundred_per_page(index):
    everything = ids(search(index, sort="name", per_page=100))
    assert len(everything) == len(PUBLISHED)
    singles = [ids(search(index, sort="name", page=p, per_page=1)) for p in range(1, len(everything) + 1)]
    assert singles == [[i] for i in everything]


@pytest.mark.parametrize(("page", "per_page"), [(1, 0), (1, 101), (0, 20), (-1, 20), (1, -1)])
def test_bad_paging_raises(index, page, per_page):
    with pytest.raises(SearchError) as error:
        search(index, page=page, per_page=per_page)
    assert str(error.value)


# --- advertiser neutrality -----------------------------------------------------------------------------


NEUTRALITY_QUERIES = [
    "ketamine",
    "depression",
    "spravato",
    "psilocybin therapy",
    "ptsd veterans",
    "salt lake",
    '"salt lake"',
    "rehab",
    "tms",
    "lakeside",
    "clinic",
    "",
]


def flipped_advertisers(seed: int) -> list[dict[str, Any]]:
    docs = listing_documents()
    chooser = random.Random(seed)
    for doc in docs:
        if doc["verification_status"] == "verified":
            doc["advertiser"] = chooser.random() < 0.5
    return docs


def no_advertisers() -> list[dict[str, Any]]:
    docs = listing_documents()
    for doc in docs:
        doc["advertiser"] = False
    return docs


@pytest.mark.parametrize("variant", ["flipped-1", "flipped-2", "none"])
def test_advertising_never_changes_results_order_or_scores(index, tmp_path, variant):
    docs = no_advertisers() if variant == "none" else flipped_advertisers(int(variant[-1]))
    assert [d["advertiser"] for d in docs] != [d["advertiser"] for d in DOCS]
    other = built_index(tmp_path / "other", docs)
    try:
        for text in NEUTRALITY_QUERIES:
            for extra in ({}, {"near": SLC, "radius_miles": 100}, {"statuses": ALL_STATUSES}):
                ours = search(index, text, **extra)
                theirs = search(other, text, **extra)
                assert ids(theirs) == ids(ours), text
                assert [h.score for h in theirs.hits] == pytest.approx(
                    [h.score for h in ours.hits], rel=1e-12
                ), text
                assert theirs.total == ours.total
    finally:
        other.close()


def test_advertiser_change_applied_later_ranks_like_a_fresh_build(tmp_path):
    flipped = listing_documents()
    changed = [doc for doc in flipped if doc["id"] in {"c02", "c19"}]
    for doc in changed:
        doc["advertiser"] = True
    updated = built_index(tmp_path / "updated")
    fresh = built_index(tmp_path / "fresh", flipped)
    try:
        updated.apply(changed, [], SyncState(schema_version=0))
        for text in NEUTRALITY_QUERIES:
            ours, theirs = search(updated, text), search(fresh, text)
            assert ids(ours) == ids(theirs), text
            assert [h.score for h in ours.hits] == pytest.approx([h.score for h in theirs.hits], rel=1e-12)
    finally:
        updated.close()
        fresh.close()


# --- hostile input -------------------------------------------------------------------------------------


HOSTILE_QUERIES = [
    "\x00",
    "ketamine\x00clinic",
    "\ud800",
    "ketamine \udfff depression",
    "x" * 5000,
    "*",
    "?",
    "keta*",
    "name:x",
    "tags:status:draft",
    "AND OR NOT",
    "ketamine AND NOT depression",
    "(((",
    ")))",
    '"ketamine',
    'ketamine"',
    '"""',
    '""',
    '" "',
    "\U0001f344\U0001f344 magic \U0001f344",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\u0639\u0644\u0627\u062c \u0627\u0644\u0627\u0643\u062a\u0626\u0627\u0628",
    "\u202eenimatek\u202c",
    "ke\u0301tamine\u0308\u0323",
    "\u0301\u0301\u0301",
    "'; DROP TABLE centers; --",
    "1 OR 1=1",
    "../../etc/passwd",
    "..\\..\\windows\\system32",
    "the of and",
    "a an the",
    " ".join(["word"] * 40),
    " ".join(f"w{n}" for n in range(200)),
    " ".join("abcdefghijklmnopqrstuvwxyz"[n % 26] for n in range(100)),
    "\\",
    "\\\\\\",
    ".*+?^$[](){}|",
    "[a-z]+",
    "<script>alert(1)</script>",
    "12345",
    "3.14159 1e308 -0",
    "-",
    "--",
    "ketamine\tdepression\nclinic\r\n",
    "ketamine^5",
    "field:[a TO z]",
    "~2",
    "ketamine~2",
    "depression~",
    "'",
    "ketamine's",
    "O'Brien",
    "_",
    "__init__",
    "\ufeff\u200b\u200c",
    "\uffff\U0010ffff",
    "\u00e9" * 200,
    "\u6291\u90c1\u75c7",
    "k" * MAX_QUERY_LENGTH,
    " " * MAX_QUERY_LENGTH,
    "near me",
    "clinic center treatment",
    "%00%2e%2e",
    "${jndi:ldap://x}",
    "{{7*7}}",
]


@pytest.mark.parametrize("text", HOSTILE_QUERIES, ids=lambda t: repr(t)[:40])
def test_hostile_query_gives_a_result_or_a_search_error(index, text):
    try:
        result = search(index, text)
    except SearchError as error:
        assert isinstance(str(error), str)
        assert str(error).strip()
    else:
        assert isinstance(result, SearchResult)
        assert 0 <= len(result.hits) <= result.total
        assert result.suggestion is None or isinstance(result.suggestion, str)


@pytest.mark.parametrize("text", HOSTILE_QUERIES[:12], ids=lambda t: repr(t)[:40])
def test_hostile_query_with_filters_and_place(index, text):
    try:
        search(index, text, near=SLC, radius_miles=100, filters={"condition": ("depression",)}, sort="name")
    except SearchError as error:
        assert str(error).strip()


def test_hostile_query_never_reaches_whoosh_syntax(index):
    assert ids(search(index, "tags:status:draft")) == []
    assert ids(search(index, "keta*")) == []
    assert "c09" not in ids(search(index, "ketamine OR draft"))


@pytest.mark.parametrize("sort", ["shuffle", "RELEVANCE", "nearest", 5, "x" * 64_000])
def test_unknown_sort_raises_a_search_error_listing_the_sorts(index, sort):
    with pytest.raises(SearchError) as error:
        search(index, "ketamine", sort=sort)
    message = str(error.value)
    assert "relevance, distance, name, verified" in message
    assert len(message) < 200  # a 64,000-character value is not echoed back


@pytest.mark.parametrize(
    "filters",
    [
        {"x" * 64_000: ("tms",)},
        {"therapy": ("x" * 64_000,)},
        {"therapy": tuple(f"x{i}" for i in range(5000))},
    ],
    ids=["scheme", "code", "many-codes"],
)
def test_unknown_filter_values_are_echoed_short(index, filters):
    with pytest.raises(SearchError) as error:
        search(index, filters=filters)
    message = str(error.value)
    assert len(message) < 300
    assert "…" in message or "and 4,997 more" in message


@pytest.mark.parametrize("length", [MAX_QUERY_LENGTH + 1, 1000, 5000])
def test_text_longer_than_the_limit_raises_a_search_error(index, length):
    with pytest.raises(SearchError) as error:
        search(index, "ketamine " * (length // 9) + "k" * (length % 9))
    assert str(MAX_QUERY_LENGTH) in str(error.value)


def test_text_at_the_limit_is_accepted(index):
    text = "ketamine".ljust(MAX_QUERY_LENGTH)
    assert len(text) == MAX_QUERY_LENGTH
    assert search(index, text).total > 0


# --- lifecycle -----------------------------------------------------------------------------------------


def test_rebuild_reason_before_and_after_the_first_build(tmp_path):
    fresh = make_index(tmp_path / "index")
    reason = fresh.rebuild_reason()
    assert isinstance(reason, str) and reason
    assert fresh.state() is None
    fresh.rebuild(listing_documents(), SyncState(schema_version=0, applied_through=17))
    try:
        assert fresh.rebuild_reason() is None
        state = fresh.state()
        assert state is not None
        assert state.schema_version == SCHEMA_VERSION
        assert state.applied_through == 17
    finally:
        fresh.close()


def test_other_schema_version_needs_a_rebuild(tmp_path):
    built = built_index(tmp_path / "index")
    try:
        generation = storage.current_generation(built.root)
        assert generation is not None
        (generation / storage.STATE_FILE).write_text(
            SyncState(schema_version=SCHEMA_VERSION + 1).to_json(), encoding="utf-8"
        )
        reason = built.rebuild_reason()
        assert reason and str(SCHEMA_VERSION + 1) in reason
    finally:
        built.close()


def test_apply_upserts_and_deletes_and_the_next_search_sees_it(tmp_path):
    built = built_index(tmp_path / "index")
    try:
        assert search(built, "moab").total == 0
        assert "c03" in ids(search(built, "counseling"))
        before = built.digests()

        new = dict(listing_documents()[0], id="c99", name="Moab Canyon Ketamine", city="Moab", zip="84532")
        new.update(latitude=38.5733, longitude=-109.5498)
        changed = dict(BY_ID["c01"], name="Wasatch Front Ketamine Institute")
        built.apply([new, changed], ["c03"], SyncState(schema_version=0, applied_through=5))

        assert ids(search(built, "moab")) == ["c99"]
        assert "c03" not in ids(search(built, "counseling"))
        assert "c03" not in ids(search(built))
        assert ids(search(built, "institute")) == ["c01"]
        assert search(built).total == len(PUBLISHED)  # one added, one removed
        assert built.doc_count() == len(DOCS)

        after = built.digests()
        assert set(after) == set(before) - {"c03"} | {"c99"}
        assert after["c99"] == document_digest(new)
        assert after["c01"] == document_digest(changed) != before["c01"]
        assert all(after[i] == before[i] for i in after if i not in {"c01", "c99"})
        state = built.state()
        assert state is not None and state.applied_through == 5
        assert built.rebuild_reason() is None
    finally:
        built.close()


def test_apply_is_seen_by_another_reader_of_the_same_root(tmp_path):
    built = built_index(tmp_path / "index")
    reader = make_index(tmp_path / "index")
    try:
        assert "c03" in ids(search(reader, "counseling"))
        built.apply([], ["c03"], SyncState(schema_version=0))
        assert "c03" not in ids(search(reader, "counseling"))
        assert "c03" not in reader.digests()
    finally:
        reader.close()
        built.close()


def test_apply_moves_a_listing_in_filters_and_facets(tmp_path):
    built = built_index(tmp_path / "index")
    try:
        moved = dict(BY_ID["c03"], terms={"therapy": ["esketamine"]})
        built.apply([moved], [], SyncState(schema_version=0))
        result = search(built, filters={"therapy": ("esketamine",)})
        assert set(ids(result)) == {"c02", "c03", "c18"}
        therapy = {f.code: f.count for f in result.facets["therapy"]}
        assert therapy["esketamine"] == 3
        assert therapy["cbt"] == 4  # c05, c12, c15, c21 — c03 no longer
    finally:
        built.close()


def test_apply_raises_index_busy_while_another_writer_holds_the_lock(tmp_path):
    built = built_index(tmp_path / "index", writer_timeout=0.2)
    generation = storage.current_generation(built.root)
    assert generation is not None
    writer = whoosh_index.open_dir(str(generation)).writer()
    try:
        with pytest.raises(IndexBusy):
            built.apply([], ["c03"], SyncState(schema_version=0))
    finally:
        writer.cancel()
    try:
        assert "c03" in ids(search(built, "counseling"))
        built.apply([], ["c03"], SyncState(schema_version=0))
        assert "c03" not in ids(search(built, "counseling"))
    finally:
        built.close()


def test_sync_lock_is_exclusive(tmp_path):
    built = built_index(tmp_path / "index")
    try:
        with built.sync_lock(), pytest.raises(IndexBusy), built.sync_lock(timeout=0.1):
            pass
        with built.sync_lock(timeout=0.1):
            pass
    finally:
        built.close()


def test_sync_state_round_trips_through_json():
    state = SyncState(schema_version=3, applied_through=42, gaps={40: 1.5, 41: 2.0}, built_at=10.0)
    assert SyncState.from_json(state.to_json()) == state


def test_clear_segments_merges_without_losing_listings(tmp_path):
    built = built_index(tmp_path / "index")
    try:
        built.apply(
            [dict(BY_ID["c03"], name="Sugar House Counseling Studio")], [], SyncState(schema_version=0)
        )
        before = search(built, "depression")
        built.clear_segments()
        assert built.doc_count() == len(DOCS)
        after = search(built, "depression")
        assert ids(after) == ids(before)
        assert built.rebuild_reason() is None
    finally:
        built.close()


def test_apply_without_an_index_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        make_index(tmp_path / "nothing").apply([], ["c01"], SyncState(schema_version=0))


def test_second_rebuild_switches_generations_and_searches_keep_working(tmp_path):
    built = built_index(tmp_path / "index")
    other_reader = make_index(tmp_path / "index")
    try:
        first = storage.current_generation(built.root)
        assert "c03" in ids(search(built, "sugar"))
        assert "c03" in ids(search(other_reader, "sugar"))

        docs = [d for d in listing_documents() if d["id"] != "c03"]
        docs.append(dict(BY_ID["c03"], id="c98", name="Sugar House Counseling Annex"))
        second = built.rebuild(docs, SyncState(schema_version=0))

        assert second != first
        assert storage.current_generation(built.root) == second
        for reader in (built, other_reader):
            assert ids(search(reader, "sugar")) == ["c98"]
            assert reader.doc_count() == len(DOCS)

        third = built.rebuild(listing_documents(), SyncState(schema_version=0))
        assert storage.current_generation(built.root) == third
        for reader in (built, other_reader):
            assert ids(search(reader, "sugar")) == ["c03"]
        generations = sorted(p.name for p in built.root.glob("gen-*"))
        assert generations == sorted([second.name, third.name])
    finally:
        other_reader.close()
        built.close()


def test_idle_reader_follows_two_rebuilds_after_its_generation_is_pruned(tmp_path):
    built = built_index(tmp_path / "index")
    idle = make_index(tmp_path / "index")
    try:
        assert "c03" in ids(search(idle, "sugar"))
        first = storage.current_generation(built.root)
        docs = [d for d in listing_documents() if d["id"] != "c03"]
        built.rebuild(docs, SyncState(schema_version=0))
        built.rebuild(docs, SyncState(schema_version=0))
        assert first is not None and not first.exists()
        assert ids(search(idle, "sugar")) == []
        assert idle.doc_count() == len(DOCS) - 1
    finally:
        idle.close()
        built.close()


def test_failed_rebuild_leaves_the_current_generation_in_use(tmp_path):
    built = built_index(tmp_path / "index")
    try:
        current = storage.current_generation(built.root)

        def broken_documents():
            yield from listing_documents()[:3]
            raise RuntimeError("the database went away")

        with pytest.raises(RuntimeError, match="went away"):
            built.rebuild(broken_documents(), SyncState(schema_version=0))
        assert storage.current_generation(built.root) == current
        assert built.rebuild_reason() is None
        assert search(built).total == len(PUBLISHED)
    finally:
        built.close()


def test_a_typo_in_one_half_of_a_hyphenated_word_gets_a_suggestion(index):
    result = search(index, "ketamne-assisted")
    assert result.suggestion == "ketamine-assisted"


@pytest.mark.parametrize(
    "request_options",
    [{"per_page": 2.5}, {"page": "2"}, {"radius_miles": "10", "near": (40.76, -111.89)}, {"page": True}],
)
def test_wrongly_typed_requests_are_search_errors(index, request_options):
    with pytest.raises(SearchError):
        index.search(SearchRequest(text="ketamine", **request_options))
