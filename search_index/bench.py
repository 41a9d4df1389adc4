"""Benchmark the search index on synthetic listings: build time, size, memory and query latency.

Usage::

    python -m search_index.bench --listings 50000 --queries 500 [--json] [--seed N] [--dir PATH] [--keep]
        [--tantivy]

One seeded ``random.Random`` makes every listing and query, so two runs with the same seed
search the same index with the same requests. Descriptions draw their words with Zipf-like
frequencies from about 5,000 words, ranked so that broad domain words ("depression",
"therapy", "ketamine"...) each appear in roughly a quarter of the listings. Places are real
cities and ZIP codes from the ``zipcodes`` package.

The ``unknown_words`` queries hold a word the index does not know (a typo of a query word,
invented letters, or a hostile string such as ``title:foo OR *``), so each asks for a
did-you-mean; the report prints their p95 next to that of known-word ``text`` queries.

The query mix runs twice: a cold pass (fresh snapshot, empty match cache) and a timed warm
pass. ``gc.freeze()`` is called once the index is open, as ``WHOOSH-PERFORMANCE.md`` advises.
Peak RSS includes about 140 MB that loading the ``zipcodes`` table costs any process that does it
(``search_index.geo`` loads the same table for place lookups).

``--tantivy`` (needs the ``bench`` extra: ``pip install -e '.[bench]'``) also indexes the same
listings in tantivy and runs the same query mix there (``search_index/bench_tantivy.py`` says how
each request is mapped and where the semantics differ), in a forked process that runs before the
project's build, so that its peak RSS is its own (both peaks include what the parent held at the
fork: the zipcodes table and the generated listings). The report then adds a table of each figure
for both engines and their ratio (project / tantivy).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import multiprocessing
import random
import resource
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import zipcodes

from search_index.index import SearchIndex
from search_index.process_memory import TreeMemory
from search_index.storage import SyncState
from search_index.synonyms import groups_from_json
from search_index.types import SearchRequest, SynonymGroup, Vocabulary

T = TypeVar("T")


def words(text: str) -> tuple[str, ...]:
    """Split a block of whitespace-separated words (for long word lists)."""
    return tuple(text.split())


DATA_DIR = Path(__file__).resolve().parents[1] / "data"
VOCABULARY_SIZE = 5000
CITY_COUNT = 300
NAME_WORD_COUNT = 300
ZIPF_EXPONENT = 1.0
#: A word no generated text contains: the incremental update adds it, the next search looks for it.
UPDATE_WORD = "zephyrquill"

QUERY_TYPES = (
    "text",
    "unknown_words",
    "text_filters_facets",
    "filters_facets",
    "geo_text",
    "sorted_name",
    "deep_page",
)
#: Queries the index cannot know, each costing a did-you-mean: hostile, nonsense and very long text.
FIXED_UNKNOWN_QUERIES = (
    "xyzzyplugh",
    "title:foo OR *",
    "zzqxv ketamine",
    " ".join(["qwertyuiop asdfghjkl"] * 10)[:200],
    "x" * 200,
)
LETTERS = "abcdefghijklmnopqrstuvwxyz"

#: The most frequent words (most are stop words the analyzer drops).
FUNCTION_WORDS = words(
    "the and of to a in for with our is are we at on by as an this that from be can or who"
)
#: Ranked just after the function words, so that each is in roughly a quarter of the descriptions.
BROAD_WORDS = words("depression therapy treatment ketamine anxiety patients care program clinic support")
#: Domain words spread over the next few hundred ranks.
DOMAIN_WORDS = words(
    """infusion esketamine outpatient residential ptsd trauma insurance medication psychiatric recovery
    psychotherapy counseling wellness mood bipolar ocd telehealth integration veterans adolescents adults
    family sessions evaluation intake provider physician nurse licensed certified nasal spray spravato
    psilocybin tms ect dbt cbt emdr medicare medicaid aetna cigna sliding scale inpatient relapse suicidal
    postpartum grief addiction substance detox monitoring anesthesiologist psychiatrist"""
)
COMMON_WORDS = words(
    """health mental team safe personal plan help people experience compassionate evidence based approach
    comfortable private individual group staff years community services offer provide new life work
    every one time many most first daily weekly each need feel well better healing path journey hope
    calm space setting office located near city area local home clients client families caring trained
    experienced specialists doctors medical clinical research results lasting relief symptoms options
    conditions whole person goals progress schedule appointment call today visit free consultation
    accept most plans payment affordable cost flexible hours evening weekend available same week
    modern comfortable quiet room chair music guided preparation follow up ongoing long term short
    program structured intensive partial day night stay beds campus nature outdoor yoga mindfulness
    nutrition exercise sleep stress burnout life changes relationships work school young older"""
)
#: What people type: domain terms, synonyms and short phrases.
TYPED_TERMS = (
    "ketamine", "spravato", "shrooms", "esketamine", "ptsd", "ketamine infusion", "depression",
    "anxiety therapy", "iv", "telehealth", "magic mushrooms", "tms", "rehab", "veterans",
    "post-traumatic stress", "ketamine clinic near me", "medicare", "psilocybin", "kap", "teen depression",
)  # fmt: skip
KINDS = (
    "Ketamine Clinic", "Behavioral Health", "Recovery Center", "Wellness Center", "Psychiatry",
    "Infusion Center", "Mental Health Services", "Counseling Group", "TMS Center", "Treatment Center",
    "Psychedelic Therapy", "Institute",
)  # fmt: skip
SYLLABLES = words(
    "ba be bo da de di ka ke ko la le li lo ma me mi mo na ne no ra re ri ro sa se si ta te ti to va ve "
    "vi za zo lin mar ten vor sel dun kim bar tor len ros wen gal fen"
)
#: Terms per listing, per scheme (inclusive range); other schemes get 0-2.
TERMS_PER_SCHEME = {
    "therapy": (1, 4), "route": (0, 2), "condition": (1, 4), "level_of_care": (1, 2), "payment": (1, 3),
    "insurance": (0, 5), "age_group": (1, 3), "language": (1, 2), "program": (0, 2), "credential": (1, 2),
    "accreditation": (0, 1),
}  # fmt: skip
STATUSES = (("published", 85), ("draft", 5), ("pending", 4), ("suspended", 3), ("closed", 3))
VERIFICATIONS = (("verified", 45), ("unverified", 30), ("pending", 12), ("expired", 8), ("revoked", 5))
#: Share of verified listings that advertise (about 4% of all listings).
ADVERTISER_SHARE = 0.09
ACCEPTING: tuple[tuple[bool | None, int], ...] = ((True, 70), (False, 20), (None, 10))
STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana",
    "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri",
    "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip
#: The brief's targets: (label, measured key, limit).
TARGETS = (
    ("whole mix p50 <= 10 ms", ("overall", "p50_ms"), 10.0),
    ("whole mix p95 <= 40 ms", ("overall", "p95_ms"), 40.0),
    ("text+filters+facets p95 <= 40 ms", ("queries", "text_filters_facets", "p95_ms"), 40.0),
    ("filters+facets p95 <= 10 ms", ("queries", "filters_facets", "p95_ms"), 10.0),
    ("unknown-word p95 <= 2x text p95", ("unknown_words_vs_text_p95",), 2.0),
    ("update visible <= 1000 ms", ("update_visible_ms",), 1000.0),
    ("first query after opening <= 200 ms", ("first_query_ms",), 200.0),
)


# -- synthetic data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    """A real city with one of its ZIP codes and that ZIP's centroid."""

    name: str
    state: str
    zip: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Corpus:
    """The words, names and places synthetic listings and queries are drawn from."""

    words: tuple[str, ...]
    cum_weights: tuple[float, ...]
    name_words: tuple[str, ...]
    cities: tuple[City, ...]
    city_weights: tuple[float, ...]
    vocabulary: Vocabulary

    def draw_words(self, rng: random.Random, count: int) -> list[str]:
        """Return ``count`` words drawn with Zipf-like frequencies."""
        return rng.choices(self.words, cum_weights=self.cum_weights, k=count)

    def draw_query_word(self, rng: random.Random) -> str:
        """Return one word drawn like description words, skipping function words."""
        while (word := self.draw_words(rng, 1)[0]) in FUNCTION_WORDS:
            pass
        return word

    def draw_city(self, rng: random.Random) -> City:
        """Return a city, busy ones more often."""
        return rng.choices(self.cities, weights=self.city_weights)[0]


def invent_words(rng: random.Random, count: int, taken: Iterable[str] = ()) -> list[str]:
    """Return ``count`` distinct made-up words of 2-4 syllables, none of them in ``taken``."""
    seen = set(taken)
    found: list[str] = []
    while len(found) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            found.append(word)
    return found


def ranked_words(rng: random.Random) -> list[str]:
    """Return the description vocabulary, most frequent first."""
    placed = {*FUNCTION_WORDS, *BROAD_WORDS, *DOMAIN_WORDS}
    common = [word for word in dict.fromkeys(COMMON_WORDS) if word not in placed]
    known = [*placed, *common]
    fillers = iter([*common, *invent_words(rng, VOCABULARY_SIZE - len(known), known)])
    ranked = list(FUNCTION_WORDS)
    for word in BROAD_WORDS:
        ranked.extend([*(next(fillers) for _ in range(4)), word])
    for word in DOMAIN_WORDS:
        ranked.extend([*(next(fillers) for _ in range(8)), word])
    ranked.extend(fillers)
    return ranked


def real_cities(rng: random.Random, count: int = CITY_COUNT) -> list[City]:
    """Return ``count`` real cities, each with its first standard ZIP code and that ZIP's centroid."""
    first_zip: dict[tuple[str, str], dict[str, Any]] = {}
    for record in zipcodes.list_all():
        usable = record["zip_code_type"] == "STANDARD" and record["active"] and record["state"] in STATE_NAMES
        if usable and (float(record["lat"]) or float(record["long"])):
            first_zip.setdefault((record["city"], record["state"]), record)
    chosen = rng.sample(sorted(first_zip), count)
    return [
        City(name, state, rec["zip_code"], float(rec["lat"]), float(rec["long"]))
        for name, state in chosen
        for rec in (first_zip[(name, state)],)
    ]


def make_corpus(rng: random.Random, vocabulary: Vocabulary) -> Corpus:
    """Return the corpus every listing and query of one run is drawn from."""
    words = ranked_words(rng)
    name_words = [word.capitalize() for word in invent_words(rng, NAME_WORD_COUNT, words)]
    cities = real_cities(rng)
    return Corpus(
        words=tuple(words),
        cum_weights=tuple(accumulate(1.0 / rank**ZIPF_EXPONENT for rank in range(1, len(words) + 1))),
        name_words=tuple(name_words),
        cities=tuple(cities),
        city_weights=tuple(1.0 / rank**0.5 for rank in range(1, len(cities) + 1)),
        vocabulary=vocabulary,
    )


def weighted(rng: random.Random, choices: Sequence[tuple[T, int]]) -> T:
    """Return one value of ``(value, weight)`` pairs."""
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def make_description(rng: random.Random, corpus: Corpus) -> str:
    """Return 60-200 Zipf-drawn words, with a full stop every twelve words."""
    words = corpus.draw_words(rng, rng.randint(60, 200))
    return " ".join(word + "." if i % 12 == 11 else word for i, word in enumerate(words))


def make_terms(rng: random.Random, vocabulary: Vocabulary) -> dict[str, list[str]]:
    """Return valid term codes for every scheme of the taxonomy."""
    terms = {}
    for scheme, scheme_terms in vocabulary.schemes.items():
        low, high = TERMS_PER_SCHEME.get(scheme, (0, 2))
        codes = [term.code for term in scheme_terms]
        terms[scheme] = sorted(rng.sample(codes, min(rng.randint(low, high), len(codes))))
    return terms


def make_document(rng: random.Random, corpus: Corpus) -> dict[str, Any]:
    """Return one listing document in the shape ``SearchIndex`` indexes (see ``schema.py``)."""
    city = corpus.draw_city(rng)
    name = " ".join(rng.sample(corpus.name_words, rng.randint(2, 3)))
    verification = weighted(rng, VERIFICATIONS)
    verified = verification == "verified"
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "name": f"{name} {rng.choice(KINDS)}",
        "description": make_description(rng, corpus),
        "city": city.name,
        "state": city.state,
        "state_name": STATE_NAMES[city.state],
        "zip": city.zip,
        "latitude": round(city.latitude + rng.uniform(-0.03, 0.03), 6),
        "longitude": round(city.longitude + rng.uniform(-0.03, 0.03), 6),
        "status": weighted(rng, STATUSES),
        "verification_status": verification,
        "verified_at": rng.uniform(1.67e9, 1.78e9) if verification in ("verified", "expired") else None,
        "advertiser": verified and rng.random() < ADVERTISER_SHARE,
        "accepting_new_clients": weighted(rng, ACCEPTING),
        "terms": make_terms(rng, corpus.vocabulary),
    }


def make_documents(rng: random.Random, corpus: Corpus, count: int) -> list[dict[str, Any]]:
    """Return ``count`` listing documents."""
    return [make_document(rng, corpus) for _ in range(count)]


# -- the query mix --------------------------------------------------------------------------------


def text_query(rng: random.Random, corpus: Corpus) -> str:
    """Return what a person might type: a domain term, a quoted two-word phrase, or one or two words."""
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(TYPED_TERMS)
    if roll < 0.5:
        return f'"{corpus.draw_query_word(rng)} {corpus.draw_query_word(rng)}"'
    return " ".join(corpus.draw_query_word(rng) for _ in range(rng.randint(1, 2)))


def misspell(rng: random.Random, word: str) -> str:
    """Return ``word`` with one typing mistake: a letter dropped, doubled, swapped or replaced."""
    at = rng.randrange(len(word))
    mistake = rng.choice(("drop", "double", "swap", "replace"))
    if mistake == "drop" and len(word) > 3:
        return word[:at] + word[at + 1 :]
    if mistake == "swap" and at + 1 < len(word):
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if mistake == "replace":
        return word[:at] + rng.choice(LETTERS) + word[at + 1 :]
    return word[:at] + word[at] + word[at:]


def unknown_query(rng: random.Random, corpus: Corpus) -> str:
    """Return text with a word the index does not know: a typo, invented letters or a hostile string."""
    roll = rng.random()
    if roll < 0.4:
        known = text_query(rng, corpus).strip('"').split()
        at = rng.randrange(len(known))
        known[at] = misspell(rng, known[at])
        return " ".join(known)
    if roll < 0.7:
        return "".join(rng.choice(LETTERS) for _ in range(rng.randint(6, 14)))
    return rng.choice(FIXED_UNKNOWN_QUERIES)


def random_filters(rng: random.Random, corpus: Corpus, count: int) -> dict[str, tuple[str, ...]]:
    """Return one value for each of ``count`` different filters (taxonomy schemes or state)."""
    schemes = rng.sample([*corpus.vocabulary.schemes, "state"], count)
    return {
        scheme: (
            corpus.draw_city(rng).state
            if scheme == "state"
            else rng.choice(corpus.vocabulary.schemes[scheme]).code,
        )
        for scheme in schemes
    }


def make_request(kind: str, rng: random.Random, corpus: Corpus) -> SearchRequest:
    """Return one request of the given query type."""
    if kind == "text":
        return SearchRequest(text=text_query(rng, corpus))
    if kind == "unknown_words":
        return SearchRequest(text=unknown_query(rng, corpus))
    if kind == "text_filters_facets":
        return SearchRequest(text=text_query(rng, corpus), filters=random_filters(rng, corpus, 2))
    if kind == "filters_facets":
        return SearchRequest(filters=random_filters(rng, corpus, rng.randint(1, 3)))
    if kind == "geo_text":
        city = corpus.draw_city(rng)
        return SearchRequest(
            text=text_query(rng, corpus),
            near=(city.latitude, city.longitude),
            radius_miles=round(rng.uniform(10, 100), 1),
        )
    if kind == "sorted_name":
        if rng.random() < 0.5:
            return SearchRequest(text=text_query(rng, corpus), sort="name")
        return SearchRequest(filters=random_filters(rng, corpus, 1), sort="name")
    if kind == "deep_page":
        return SearchRequest(text=rng.choice(BROAD_WORDS), page=rng.randint(20, 50), per_page=20)
    raise ValueError(f"unknown query type {kind!r}")


def make_queries(rng: random.Random, corpus: Corpus, count: int) -> list[tuple[str, SearchRequest]]:
    """Return ``count`` requests spread evenly over the query types, in a shuffled order."""
    kinds = [QUERY_TYPES[i % len(QUERY_TYPES)] for i in range(count)]
    rng.shuffle(kinds)
    return [(kind, make_request(kind, rng, corpus)) for kind in kinds]


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class Timing:
    """One timed search."""

    kind: str
    ms: float
    total: int


@dataclass
class Measurements:
    """Everything one run measured."""

    listings: int
    generate_s: float = 0.0
    build_s: float = 0.0
    open_s: float = 0.0
    index_mb: float = 0.0
    cold: list[Timing] = field(default_factory=list)
    warm: list[Timing] = field(default_factory=list)
    warm_wall_s: float = 0.0
    update_apply_ms: float = 0.0
    update_search_ms: float = 0.0
    update_found: bool = False
    rss_after_search_mb: float = 0.0
    #: Peak resident memory of the build: this process and its workers together, and the largest one.
    build_peak_mb: float = 0.0
    build_peak_process_mb: float = 0.0
    #: The tantivy side's raw figures (``bench_tantivy.run``), when it ran.
    tantivy: dict[str, Any] | None = None


def run_pass(index: SearchIndex, queries: Sequence[tuple[str, SearchRequest]]) -> tuple[list[Timing], float]:
    """Run every query once; return each search's time and the wall time of the pass."""
    timings = []
    started = time.perf_counter()
    for kind, request in queries:
        before = time.perf_counter()
        result = index.search(request)
        timings.append(Timing(kind, (time.perf_counter() - before) * 1000.0, result.total))
    return timings, time.perf_counter() - started


def measure_update(index: SearchIndex, doc: dict[str, Any]) -> tuple[float, float, bool]:
    """Change one listing, then search for the change; return apply ms, search ms and whether it was found."""
    changed = {**doc, "description": f"{doc['description']} {UPDATE_WORD}"}
    before = time.perf_counter()
    index.apply([changed], [], SyncState(schema_version=0, applied_through=1))
    applied = time.perf_counter()
    result = index.search(SearchRequest(text=UPDATE_WORD, statuses=(doc["status"],)))
    searched = time.perf_counter()
    found = [hit.id for hit in result.hits] == [doc["id"]]
    return (applied - before) * 1000.0, (searched - applied) * 1000.0, found


def directory_mb(path: Path) -> float:
    """Return the total size of the files under ``path`` in MB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def current_rss_mb() -> float:
    """Return the resident set size now in MB (0.0 where ``/proc`` is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Return the peak resident set size in MB (Linux reports kilobytes; build workers are children)."""
    return resource.getrusage(who).ru_maxrss / 1024.0


def load_taxonomy() -> tuple[Vocabulary, list[SynonymGroup]]:
    """Return the project's taxonomy and synonym groups (``data/taxonomy.json``, ``data/synonyms.json``)."""
    taxonomy = json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    synonyms = json.loads((DATA_DIR / "synonyms.json").read_text(encoding="utf-8"))
    return Vocabulary.from_json(taxonomy), groups_from_json(synonyms)


def load_index(root: Path) -> SearchIndex:
    """Return a search index at ``root`` with the project's taxonomy and synonyms."""
    vocabulary, groups = load_taxonomy()
    return SearchIndex(root, vocabulary, groups)


def run_tantivy_forked(
    root: Path,
    docs: Sequence[dict[str, Any]],
    mix: Sequence[tuple[str, SearchRequest]],
    index: SearchIndex,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Run the tantivy side in a forked process (its own peak RSS); return its figures."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child() -> None:
        from search_index import bench_tantivy

        try:
            sender.send(
                bench_tantivy.run(root, docs, mix, index.vocabulary, index.synonyms, UPDATE_WORD, log)
            )
        except BaseException as error:  # reported in the parent
            sender.send({"error": f"{type(error).__name__}: {error}"})

    process = context.Process(target=child, name="bench-tantivy")
    process.start()
    sender.close()
    try:
        figures = receiver.recv()
    except EOFError:
        figures = {"error": "the tantivy process ended without an answer"}
    process.join()
    if "error" in figures:
        raise RuntimeError(f"the tantivy side failed: {figures['error']}")
    return figures


def benchmark(
    root: Path, listings: int, queries: int, seed: int, log: Callable[[str], None], tantivy: bool = False
) -> Measurements:
    """Generate, (optionally run tantivy,) build, open, search twice and update; return the measurements."""
    rng = random.Random(seed)
    index = load_index(root)
    measured = Measurements(listings=listings)
    started = time.perf_counter()
    corpus = make_corpus(rng, index.vocabulary)
    docs = make_documents(rng, corpus, listings)
    mix = make_queries(rng, corpus, queries)
    measured.generate_s = time.perf_counter() - started
    log(f"generated {listings} listings in {measured.generate_s:.1f} s")
    if tantivy:
        measured.tantivy = run_tantivy_forked(root, docs, mix, index, log)
    log("building")
    started = time.perf_counter()
    # Like the app's IndexSync.rebuild: the count lets large builds use worker processes.
    with TreeMemory() as memory:
        generation = index.rebuild(docs, SyncState(schema_version=0), expected_count=len(docs))
    measured.build_s = time.perf_counter() - started
    measured.build_peak_mb = memory.peak_total_mb
    measured.build_peak_process_mb = memory.peak_process_mb
    measured.index_mb = directory_mb(generation)
    log(f"built in {measured.build_s:.1f} s; opening and searching")
    try:
        started = time.perf_counter()
        index.doc_count()  # opens the searcher and builds the snapshot
        measured.open_s = time.perf_counter() - started
        gc.freeze()
        measured.cold, _ = run_pass(index, mix)
        measured.warm, measured.warm_wall_s = run_pass(index, mix)
        measured.rss_after_search_mb = current_rss_mb()
        published = next(doc for doc in docs if doc["status"] == "published")
        measured.update_apply_ms, measured.update_search_ms, measured.update_found = measure_update(
            index, published
        )
    finally:
        index.close()
        gc.unfreeze()
    return measured


# -- reporting ------------------------------------------------------------------------------------


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """Return p50, p95 and max of ``values`` in ms, rounded."""
    array = np.asarray(values, dtype=float)
    if not array.size:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0}
    p50, p95 = np.percentile(array, [50, 95])
    return {
        "p50_ms": round(float(p50), 2),
        "p95_ms": round(float(p95), 2),
        "max_ms": round(float(array.max()), 2),
    }


def p50_p95(values: Sequence[float]) -> dict[str, float]:
    """Return only p50 and p95 of ``values``, as the JSON report's query entries hold."""
    numbers = percentiles(values)
    return {"p50_ms": numbers["p50_ms"], "p95_ms": numbers["p95_ms"]}


def grouped(timings: Sequence[Timing]) -> dict[str, list[Timing]]:
    """Return the timings of each query type, in ``QUERY_TYPES`` order."""
    return {kind: [t for t in timings if t.kind == kind] for kind in QUERY_TYPES}


def summary(measured: Measurements) -> dict[str, Any]:
    """Return the JSON report (warm pass unless a key says ``cold``)."""
    by_kind = grouped(measured.warm)
    queries = {kind: p50_p95([t.ms for t in timings]) for kind, timings in by_kind.items()}
    return {
        "listings": measured.listings,
        "build_s": round(measured.build_s, 2),
        "index_mb": round(measured.index_mb, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "queries": queries,
        "unknown_words_vs_text_p95": round(
            queries["unknown_words"]["p95_ms"] / max(queries["text"]["p95_ms"], 1e-9), 2
        ),
        "overall": p50_p95([t.ms for t in measured.warm]),
        "cold": p50_p95([t.ms for t in measured.cold]),
        "cold_queries": {kind: p50_p95([t.ms for t in ts]) for kind, ts in grouped(measured.cold).items()},
        "throughput_qps": round(len(measured.warm) / max(measured.warm_wall_s, 1e-9), 1),
        "update_visible_ms": round(measured.update_apply_ms + measured.update_search_ms, 1),
        "update_apply_ms": round(measured.update_apply_ms, 1),
        "update_found": measured.update_found,
        "counts": {kind: len(timings) for kind, timings in by_kind.items()},
        "warm_totals": [t.total for t in measured.warm],
        "max_ms": {kind: percentiles([t.ms for t in timings])["max_ms"] for kind, timings in by_kind.items()},
        "cold_max_ms": {
            kind: percentiles([t.ms for t in timings])["max_ms"]
            for kind, timings in grouped(measured.cold).items()
        },
        "mean_total": {
            kind: round(sum(t.total for t in timings) / len(timings), 1) if timings else 0.0
            for kind, timings in by_kind.items()
        },
        "open_s": round(measured.open_s, 2),
        "first_query_ms": round(
            measured.open_s * 1000.0 + (measured.cold[0].ms if measured.cold else 0.0), 1
        ),
        "generate_s": round(measured.generate_s, 2),
        "peak_rss_children_mb": round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
        "rss_after_search_mb": round(measured.rss_after_search_mb, 1),
        "build_peak_mb": round(measured.build_peak_mb, 1),
        "build_peak_process_mb": round(measured.build_peak_process_mb, 1),
        "gc_frozen": True,
        **(comparison(report_figures(measured), measured.tantivy) if measured.tantivy is not None else {}),
    }


#: The figures compared with tantivy: (key, label, unit).
COMPARED = (
    ("build_s", "build", "s"),
    ("index_mb", "index size", "MB"),
    ("peak_rss_mb", "peak RSS", "MB"),
    ("first_query_ms", "first query after opening", "ms"),
    ("cold_p50_ms", "cold first pass p50", "ms"),
    ("cold_p95_ms", "cold first pass p95", "ms"),
    ("warm_p50_ms", "warm p50", "ms"),
    ("warm_p95_ms", "warm p95", "ms"),
    ("update_visible_ms", "a change searchable after", "ms"),
)


def report_figures(measured: Measurements) -> dict[str, float]:
    """Return the project's compared figures."""
    cold = p50_p95([t.ms for t in measured.cold])
    warm = p50_p95([t.ms for t in measured.warm])
    return {
        "build_s": measured.build_s,
        "index_mb": measured.index_mb,
        "peak_rss_mb": peak_rss_mb(),
        "first_query_ms": measured.open_s * 1000.0 + (measured.cold[0].ms if measured.cold else 0.0),
        "cold_p50_ms": cold["p50_ms"],
        "cold_p95_ms": cold["p95_ms"],
        "warm_p50_ms": warm["p50_ms"],
        "warm_p95_ms": warm["p95_ms"],
        "update_visible_ms": measured.update_apply_ms + measured.update_search_ms,
    }


def tantivy_figures(raw: dict[str, Any]) -> dict[str, float]:
    """Return tantivy's compared figures from ``bench_tantivy.run``'s raw ones."""
    cold = p50_p95([ms for _, ms, _ in raw["cold"]])
    warm = p50_p95([ms for _, ms, _ in raw["warm"]])
    return {
        "build_s": raw["build_s"],
        "index_mb": raw["index_mb"],
        "peak_rss_mb": raw["peak_rss_mb"],
        "first_query_ms": raw["first_query_ms"],
        "cold_p50_ms": cold["p50_ms"],
        "cold_p95_ms": cold["p95_ms"],
        "warm_p50_ms": warm["p50_ms"],
        "warm_p95_ms": warm["p95_ms"],
        "update_visible_ms": raw["update_visible_ms"],
    }


def comparison(project: dict[str, float], raw: dict[str, Any]) -> dict[str, Any]:
    """Return the report's tantivy entries: its figures, the ratios and the queries' totals agreement."""
    theirs = tantivy_figures(raw)
    return {
        "tantivy": {
            **{key: round(value, 4) for key, value in theirs.items()},
            "prepare_s": round(raw["prepare_s"], 2),
            "open_ms": round(raw["open_ms"], 2),
            "update_found": raw["update_found"],
            "rss_at_start_mb": round(raw["rss_at_start_mb"], 1),
            "warm_totals": [total for _, _, total in raw["warm"]],
            "warm_without_facets": p50_p95([ms for _, ms, _ in raw["warm_without_facets"]]),
        },
        "vs_tantivy": {key: round(project[key] / max(theirs[key], 1e-9), 2) for key, _, _ in COMPARED},
    }


def comparison_table(report: dict[str, Any], totals: Sequence[int]) -> list[str]:
    """Return the lines of the project-versus-tantivy table."""
    theirs, ratios = report["tantivy"], report["vs_tantivy"]
    project = {
        "build_s": report["build_s"],
        "index_mb": report["index_mb"],
        "peak_rss_mb": report["peak_rss_mb"],
        "first_query_ms": report["first_query_ms"],
        "cold_p50_ms": report["cold"]["p50_ms"],
        "cold_p95_ms": report["cold"]["p95_ms"],
        "warm_p50_ms": report["overall"]["p50_ms"],
        "warm_p95_ms": report["overall"]["p95_ms"],
        "update_visible_ms": report["update_visible_ms"],
    }
    same = sum(a == b for a, b in zip(totals, theirs["warm_totals"], strict=True))
    lines = [
        "",
        "compared with tantivy (same listings, same query mix, same run; ratio = project / tantivy):",
        f"{'figure':<30}{'project':>12}{'tantivy':>12}{'ratio':>9}",
    ]
    for key, label, unit in COMPARED:
        lines.append(
            f"{label + ' (' + unit + ')':<30}{project[key]:>12g}{theirs[key]:>12g}{ratios[key]:>8g}x"
        )
    bare = theirs["warm_without_facets"]
    lines += [
        f"  tantivy without facet counts (third pass): warm p50 {bare['p50_ms']}, p95 {bare['p95_ms']} ms",
        f"  tantivy: Python analysis of the listings {theirs['prepare_s']} s (not in its build); "
        f"open {theirs['open_ms']} ms; change found: {theirs['update_found']}",
        f"  peak RSS: tantivy's is its forked process's ({theirs['rss_at_start_mb']} MB held at the fork); "
        "the build workers' peak above includes the tantivy process",
        f"  same total on {same} of {len(totals)} queries (different totals come from did-you-mean retries, "
        "which tantivy does not do)",
    ]
    return lines


def lookup(report: dict[str, Any], path: Sequence[str]) -> float:
    """Return the value at a key path of the report."""
    value: Any = report
    for key in path:
        value = value[key]
    return float(value)


def table(report: dict[str, Any], queries: int, seed: int) -> str:
    """Return the report as a readable table."""
    lines = [
        f"search_index benchmark: {report['listings']:,} listings, {queries} queries, seed {seed}",
        f"build {report['build_s']} s | index {report['index_mb']} MB | peak RSS {report['peak_rss_mb']} MB",
        f"  (build workers' peak {report['peak_rss_children_mb']} MB; "
        f"{report['rss_after_search_mb']} MB resident after searching)",
        f"build memory, sampled: peak {report['build_peak_mb']} MB for this process and its workers together "
        f"(PSS; largest RSS of one {report['build_peak_process_mb']} MB)",
        f"generate {report['generate_s']} s | open searcher + build snapshot {report['open_s']} s",
        "gc.freeze() was called after building and opening the index, before any search.",
        "warm = second pass over the same mix (timed); cold = first pass (fresh snapshot, empty match cache)",
        "",
        f"{'type':<22}{'count':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'cold p50':>10}{'cold p95':>10}"
        f"{'cold max':>10}{'mean total':>12}",
    ]
    for kind, numbers in report["queries"].items():
        cold = report["cold_queries"][kind]
        lines.append(
            f"{kind:<22}{report['counts'][kind]:>6}{numbers['p50_ms']:>9.2f}{numbers['p95_ms']:>9.2f}"
            f"{report['max_ms'][kind]:>9.2f}{cold['p50_ms']:>10.2f}{cold['p95_ms']:>10.2f}"
            f"{report['cold_max_ms'][kind]:>10.2f}{report['mean_total'][kind]:>12.1f}"
        )
    warm, cold = report["overall"], report["cold"]
    lines.append(
        f"{'overall':<22}{sum(report['counts'].values()):>6}{warm['p50_ms']:>9.2f}{warm['p95_ms']:>9.2f}"
        f"{max(report['max_ms'].values()):>9.2f}{cold['p50_ms']:>10.2f}{cold['p95_ms']:>10.2f}"
        f"{max(report['cold_max_ms'].values()):>10.2f}"
    )
    unknown, known = report["queries"]["unknown_words"], report["queries"]["text"]
    lines += [
        "",
        f"did-you-mean: unknown-word p95 {unknown['p95_ms']:.2f} ms, known-word text p95 "
        f"{known['p95_ms']:.2f} ms ({report['unknown_words_vs_text_p95']:g}x; warm)",
        f"throughput: {report['throughput_qps']} queries/s (warm pass, one thread)",
        f"incremental update: apply() of 1 changed listing {report['update_apply_ms']} ms; "
        f"change searchable after {report['update_visible_ms']} ms (found: {report['update_found']})",
        f"first query after opening the index: {report['first_query_ms']} ms (open + first cold query)",
    ]
    if "tantivy" in report:
        lines += comparison_table(report, report["warm_totals"])
    lines += ["", "targets:"]
    targets = [*TARGETS, *(tantivy_targets(report["listings"]) if "tantivy" in report else ())]
    if report["listings"] <= 50_000:  # an absolute bound set for the default size only
        targets.append(("build <= 60 s (up to 50,000 listings)", ("build_s",), 60.0))
    for label, path, limit in targets:
        value = lookup(report, path)
        lines.append(f"  {'ok  ' if value <= limit else 'MISS'} {label:<44} measured {value:g}")
    return "\n".join(lines)


def tantivy_targets(listings: int) -> list[tuple[str, tuple[str, ...], float]]:
    """Return the targets set as ratios to tantivy measured in the same run (issue 13)."""
    cold = 2.0 if listings >= 200_000 else 1.5
    return [
        (f"first pass p95 <= {cold:g}x tantivy's", ("vs_tantivy", "cold_p95_ms"), cold),
        ("warm p95 <= 1.2x tantivy's", ("vs_tantivy", "warm_p95_ms"), 1.2),
        ("build <= 20x tantivy's", ("vs_tantivy", "build_s"), 20.0),
    ]


# -- command line ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m search_index.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=50_000, help="synthetic listings to index")
    parser.add_argument("--queries", type=int, default=500, help="queries in the mix (run twice)")
    parser.add_argument("--seed", type=int, default=7, help="seed of every random choice")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--dir", type=Path, help="make the temporary index directory inside this one")
    parser.add_argument("--keep", action="store_true", help="keep the index directory afterwards")
    parser.add_argument(
        "--tantivy", action="store_true", help="also run tantivy on the same data and mix, and compare"
    )
    args = parser.parse_args(argv)
    if args.tantivy and importlib.util.find_spec("tantivy") is None:
        parser.error(
            "--tantivy needs the tantivy package; install the bench extra: pip install -e '.[bench]'"
        )
    if args.listings < 1 or args.queries < len(QUERY_TYPES):
        parser.error(f"need at least 1 listing and {len(QUERY_TYPES)} queries")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its report; return the exit status."""
    args = parse_args(argv)
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="search-bench-", dir=args.dir))

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        measured = benchmark(root, args.listings, args.queries, args.seed, log, tantivy=args.tantivy)
    finally:
        if args.keep:
            log(f"index kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    report = summary(measured)
    print(json.dumps(report) if args.json else table(report, args.queries, args.seed))
    return 0 if measured.update_found else 1


if __name__ == "__main__":
    sys.exit(main())
