"""The tantivy side of ``python -m search_index.bench --tantivy``: the same listings and queries, timed.

Only the benchmark imports this module (tantivy is in the ``bench`` extra, never an app dependency).
It indexes the generated listings in tantivy and answers each :class:`SearchRequest` of the mix
with a tantivy query meant to give the same result set as ``SearchIndex.search``:

- Text: the query is parsed by the project's ``parse_query`` (same synonyms, filler and optional
  words, clauses); every text field holds the project analyzer's tokens (stemmed, stop words
  dropped, accents folded) split on whitespace, so the words match exactly. Each clause is a
  BooleanQuery that must match (should, if optional) over its phrases in name/labels/place/
  description with the project's field boosts, and the tags of the taxonomy terms it names (with
  their descendants) boosted like ``TAG_BOOST``. Scores are tantivy's BM25 per field summed, not
  Whoosh's BM25F, so ties and the order within a page can differ; the sets are the same.
- Filters, statuses: term queries on a raw ``tags`` field holding the project's ``kind:value`` tags
  (a parent code matches its children, as in the project). They score nothing (constant 0).
- Geo: a lat/lon box range query on fast float fields finds the candidates, then the exact
  great-circle distance is computed in Python (numpy) from the fast-field values and the ones
  within the radius are kept by a TermSetQuery on the listing number.
- Facets: one terms aggregation over ``facet_tags`` for the result set, plus one per filtered scheme
  (that scheme's own filter left out), as the project counts. ``facet_tags`` holds each listing's
  tags and their taxonomy ancestors (tantivy's way for hierarchical facets), so a parent counts a
  listing tagged with it or any descendant once, as the project does.
  These aggregations (tantivy-py exposes no facet collector; results come back as Python dicts)
  are most of tantivy's time per query here, so ``run`` also times a third pass without facets.
- Sorting: relevance is tantivy's score (no verified/name tie-breaks); ``name`` orders by a
  precomputed name-rank fast field; ``distance`` is sorted in Python. No did-you-mean is computed.
- The Python analysis of the listings (to get identical tokens) is timed apart as ``prepare_s``
  and left out of ``build_s``: a tantivy deployment would tokenize in Rust. Listings are analysed
  one at a time as they are written, so the analysed copies never add to the peak RSS.
- Peak RSS: ``run`` is meant for a forked process (the bench does that); its peak includes what the
  parent held at the fork (the generated listings, the zipcodes table), as the project's does.
- Cold: the cold pass runs on a freshly opened index and searcher; the OS page cache is not
  dropped (that needs root), as for the project.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tantivy

from search_index.analysis import analyze
from search_index.geo import distances_miles
from search_index.query import Clause, ParsedQuery, parse_query
from search_index.schema import LABELS_FIELD, TAG_BOOST, TEXT_FIELDS, index_fields, listing_tags
from search_index.searching import DEFAULT_RADIUS_MILES, _city_filter_tag
from search_index.synonyms import SynonymTable
from search_index.types import SearchRequest, Vocabulary

WRITER_HEAP_BYTES = 256_000_000
MILES_PER_DEGREE_LATITUDE = 69.0
#: A term aggregation bucket limit above the number of distinct tags.
FACET_BUCKETS = 100_000


@dataclass(frozen=True)
class Answer:
    """What one tantivy search gave: the total, the page of listing ids and the facet counts."""

    total: int
    ids: list[str]
    facets: dict[str, dict[str, int]]


def make_schema() -> tantivy.Schema:
    """Return the tantivy schema mirroring the project's fields."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace")
    builder.add_text_field("tags", tokenizer_name="raw", index_option="freq")
    builder.add_text_field("facet_tags", tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_unsigned_field("num", indexed=True, fast=True)
    builder.add_unsigned_field("name_rank", fast=True)
    builder.add_float_field("lat", indexed=True, fast=True)
    builder.add_float_field("lon", indexed=True, fast=True)
    return builder.build()


def name_ranks(docs: Sequence[Mapping[str, Any]]) -> list[int]:
    """Return each listing's place in name order (the ``name`` sort's key)."""
    ranks = [0] * len(docs)
    for rank, num in enumerate(sorted(range(len(docs)), key=lambda n: docs[n]["name"].lower())):
        ranks[num] = rank
    return ranks


def prepare(docs: Sequence[Mapping[str, Any]], vocabulary: Vocabulary) -> Iterator[dict[str, Any]]:
    """Yield each listing's tantivy fields, its text analysed by the project's analyzer."""
    ranks = name_ranks(docs)
    for num, doc in enumerate(docs):
        yield prepare_one(doc, num, ranks[num], vocabulary)


def prepare_one(doc: Mapping[str, Any], num: int, name_rank: int, vocabulary: Vocabulary) -> dict[str, Any]:
    """Return one listing's tantivy fields."""
    fields = index_fields(doc, vocabulary)
    prepared: dict[str, Any] = {name: " ".join(analyze(fields[name])) for name in TEXT_FIELDS}
    prepared.update(
        id=doc["id"],
        tags=(tags := listing_tags(doc)),
        facet_tags=with_ancestors(tags, vocabulary),
        num=num,
        name_rank=name_rank,
        lat=float(doc["latitude"]),
        lon=float(doc["longitude"]),
    )
    return prepared


def with_ancestors(tags: Sequence[str], vocabulary: Vocabulary) -> list[str]:
    """Return ``tags`` and the tags of every taxonomy ancestor of theirs, once each."""
    found: dict[str, None] = {}
    for tag in tags:
        scheme, _, code = tag.partition(":")
        current: str | None = code
        while current is not None and f"{scheme}:{current}" not in found:
            found[f"{scheme}:{current}"] = None
            term = vocabulary.term(scheme, current)
            current = term.parent if term is not None else None
    return list(found)


def to_document(prepared: Mapping[str, Any]) -> tantivy.Document:
    """Return a tantivy document of prepared fields."""
    document = tantivy.Document()
    document.add_text("id", prepared["id"])
    for name in TEXT_FIELDS:
        document.add_text(name, prepared[name])
    for tag in prepared["tags"]:
        document.add_text("tags", tag)
    for tag in prepared["facet_tags"]:
        document.add_text("facet_tags", tag)
    document.add_unsigned("num", prepared["num"])
    document.add_unsigned("name_rank", prepared["name_rank"])
    document.add_float("lat", prepared["lat"])
    document.add_float("lon", prepared["lon"])
    return document


def build(path: Path, prepared: Iterable[Mapping[str, Any]]) -> float:
    """Write every prepared listing into a new index at ``path`` in one commit.

    Listings are prepared one at a time as they are written (so they are never all held at once);
    return the seconds spent preparing them, which the caller leaves out of the build time.
    """
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(make_schema(), path=str(path))
    writer = index.writer(WRITER_HEAP_BYTES)
    preparing = 0.0
    listings = iter(prepared)
    while True:
        started = time.perf_counter()
        fields = next(listings, None)
        preparing += time.perf_counter() - started
        if fields is None:
            break
        writer.add_document(to_document(fields))
    writer.commit()
    writer.wait_merging_threads()
    return preparing


class TantivyEngine:
    """Answers the benchmark's requests from a tantivy index, as close to ``SearchIndex`` as it can."""

    def __init__(
        self, path: Path, ids: Sequence[str], vocabulary: Vocabulary, synonyms: SynonymTable
    ) -> None:
        self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.ids = list(ids)
        self.vocabulary = vocabulary
        self.synonyms = synonyms

    def reload(self) -> None:
        """See the latest commit."""
        self.index.reload()
        self.searcher = self.index.searcher()

    # -- query building ---------------------------------------------------------------------------

    def _tag(self, tag: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, "tags", tag)

    def _any_tag(self, tags: Sequence[str]) -> tantivy.Query:
        unique = list(dict.fromkeys(tags))
        if len(unique) == 1:
            return self._tag(unique[0])
        return tantivy.Query.term_set_query(self.schema, "tags", unique)

    def _filter(self, query: tantivy.Query) -> tuple[tantivy.Occur, tantivy.Query]:
        return tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0)

    def scheme_tags(self, scheme: str, codes: Sequence[str]) -> list[str]:
        """Return the tags a filter on ``codes`` of ``scheme`` accepts (a parent accepts its children)."""
        if scheme == "state":
            return [f"state:{code.upper()}" for code in codes]
        if scheme == "city":
            return [_city_filter_tag(code) for code in codes]
        return [f"{scheme}:{c}" for code in codes for c in self.vocabulary.with_descendants(scheme, code)]

    def _clause(self, clause: Clause) -> tantivy.Query:
        options: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for words in clause.phrases:
            for field, boost in TEXT_FIELDS.items():
                if clause.terms and field == LABELS_FIELD and len(words) > 1:
                    continue
                if len(words) == 1:
                    query = tantivy.Query.term_query(self.schema, field, words[0])
                else:
                    query = tantivy.Query.phrase_query(self.schema, field, list(words))
                options.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
        tags = dict.fromkeys(
            f"{scheme}:{below}"
            for scheme, code in clause.terms
            for below in self.vocabulary.with_descendants(scheme, code)
        )
        for tag in tags:
            options.append((tantivy.Occur.Should, tantivy.Query.boost_query(self._tag(tag), TAG_BOOST)))
        return tantivy.Query.boolean_query(options)

    def _text(self, parsed: ParsedQuery) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        required = parsed.required
        parts = []
        for clause in parsed.clauses:
            occur = tantivy.Occur.Should if clause.optional and required else tantivy.Occur.Must
            if not required:
                occur = tantivy.Occur.Should
            parts.append((occur, self._clause(clause)))
        if not required:
            return [(tantivy.Occur.Must, tantivy.Query.boolean_query(parts))]
        return parts

    def _base(self, request: SearchRequest, parsed: ParsedQuery) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """Return the statuses and the text, every result's common ground."""
        parts = [self._filter(self._any_tag([f"status:{s}" for s in request.statuses]))]
        if not parsed.is_empty:
            parts.extend(self._text(parsed))
        return parts

    def _geo(
        self, request: SearchRequest, parts: list[tuple[tantivy.Occur, tantivy.Query]]
    ) -> tuple[tantivy.Query, dict[int, float]]:
        """Return a filter keeping the listings within the radius, and their distances by number."""
        assert request.near is not None
        lat, lon = request.near
        radius = request.radius_miles or DEFAULT_RADIUS_MILES
        dlat = radius / MILES_PER_DEGREE_LATITUDE
        dlon = radius / (MILES_PER_DEGREE_LATITUDE * max(math.cos(math.radians(lat)) - dlat / 57.3, 0.01))
        box = [
            *parts,
            self._filter(
                tantivy.Query.range_query(self.schema, "lat", tantivy.FieldType.Float, lat - dlat, lat + dlat)
            ),
            self._filter(
                tantivy.Query.range_query(self.schema, "lon", tantivy.FieldType.Float, lon - dlon, lon + dlon)
            ),
        ]
        found = self.searcher.search(
            tantivy.Query.boolean_query(box), limit=max(self.searcher.num_docs, 1), count=False
        )
        addresses = [address for _, address in found.hits]
        nums = np.asarray(self.searcher.fast_field_values("num", addresses), dtype=np.int64)
        lats = np.asarray(self.searcher.fast_field_values("lat", addresses), dtype=float)
        lons = np.asarray(self.searcher.fast_field_values("lon", addresses), dtype=float)
        miles = distances_miles(lat, lon, lats, lons)
        inside = miles <= radius
        within = {int(n): float(d) for n, d in zip(nums[inside], miles[inside], strict=True)}
        keep = tantivy.Query.term_set_query(self.schema, "num", list(within) or [2**63])
        return keep, within

    # -- answering --------------------------------------------------------------------------------

    def search(self, request: SearchRequest, *, all_ids: bool = False, facets: bool = True) -> Answer:
        """Answer ``request``: total, the page's listing ids (or every id) and facet counts (unless not)."""
        parsed = parse_query(request.text, self.synonyms)
        parts = self._base(request, parsed)
        distances: dict[int, float] | None = None
        if request.near is not None:
            keep, distances = self._geo(request, parts)
            parts.append(self._filter(keep))
        scheme_filters = {
            scheme: self._filter(self._any_tag(self.scheme_tags(scheme, codes)))
            for scheme, codes in request.filters.items()
            if codes
        }
        query = tantivy.Query.boolean_query([*parts, *scheme_filters.values()])
        counts = self._facets(query, parts, scheme_filters) if facets else {}
        sort = request.sort or ("distance" if request.near is not None and parsed.is_empty else "relevance")
        start = (request.page - 1) * request.per_page
        limit = max(self.searcher.num_docs, 1) if all_ids else request.per_page
        if sort == "distance" and distances is not None:
            found = self.searcher.search(query, limit=max(self.searcher.num_docs, 1), count=True)
            nums = self.searcher.fast_field_values("num", [a for _, a in found.hits])
            ordered = sorted(nums, key=lambda n: distances[n])
            page = ordered if all_ids else ordered[start : start + request.per_page]
            return Answer(found.count or 0, [self.ids[n] for n in page], counts)
        if sort == "name":
            found = self.searcher.search(
                query, limit=limit, count=True, order_by_field="name_rank", offset=0 if all_ids else start,
                order=tantivy.Order.Asc,
            )  # fmt: skip
        else:
            found = self.searcher.search(query, limit=limit, count=True, offset=0 if all_ids else start)
        nums = self.searcher.fast_field_values("num", [a for _, a in found.hits])
        return Answer(found.count or 0, [self.ids[n] for n in nums], counts)

    def _facets(
        self,
        query: tantivy.Query,
        parts: list[tuple[tantivy.Occur, tantivy.Query]],
        scheme_filters: Mapping[str, tuple[tantivy.Occur, tantivy.Query]],
    ) -> dict[str, dict[str, int]]:
        """Count every scheme's tags over the results; a filtered scheme over the others' filters only."""
        counts = self._tag_counts(query)
        facets = {scheme: _scheme_counts(counts, scheme) for scheme in (*self.vocabulary.schemes, "state")}
        for scheme in scheme_filters:
            others = [f for other, f in scheme_filters.items() if other != scheme]
            facets[scheme] = _scheme_counts(
                self._tag_counts(tantivy.Query.boolean_query([*parts, *others])), scheme
            )
        return facets

    def _tag_counts(self, query: tantivy.Query) -> dict[str, int]:
        spec = {"tags": {"terms": {"field": "facet_tags", "size": FACET_BUCKETS}}}
        buckets = self.searcher.aggregate(query, spec)["tags"]["buckets"]
        return {bucket["key"]: int(bucket["doc_count"]) for bucket in buckets}


def _scheme_counts(counts: Mapping[str, int], scheme: str) -> dict[str, int]:
    prefix = f"{scheme}:"
    return {tag[len(prefix) :]: count for tag, count in counts.items() if tag.startswith(prefix)}


def directory_mb(path: Path) -> float:
    """Return the total size of the files under ``path`` in MB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def current_rss_mb() -> float:
    """Return this process's resident set size in MB (0.0 where ``/proc`` is missing)."""
    import resource

    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


def run(
    root: Path,
    docs: Sequence[Mapping[str, Any]],
    mix: Sequence[tuple[str, SearchRequest]],
    vocabulary: Vocabulary,
    synonyms: SynonymTable,
    update_word: str,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Build, open, search twice and update with tantivy; return the raw figures (times in ms or s)."""
    import resource

    rss_start = current_rss_mb()
    path = root / "tantivy"
    log("tantivy: building")
    started = time.perf_counter()
    prepare_s = build(path, prepare(docs, vocabulary))
    build_s = time.perf_counter() - started - prepare_s
    log(f"tantivy: built in {build_s:.1f} s (+ {prepare_s:.1f} s of Python analysis); searching")
    ids = [doc["id"] for doc in docs]
    gc.collect()
    started = time.perf_counter()
    engine = TantivyEngine(path, ids, vocabulary, synonyms)
    open_ms = (time.perf_counter() - started) * 1000.0
    cold = timed_pass(engine, mix)
    warm = timed_pass(engine, mix)
    without_facets = timed_pass(engine, mix, facets=False)
    published = next(n for n, doc in enumerate(docs) if doc["status"] == "published")
    apply_ms, visible_ms, found = measure_update(
        engine,
        prepare_one(docs[published], published, name_ranks(docs)[published], vocabulary),
        docs[published],
        update_word,
    )
    return {
        "prepare_s": prepare_s,
        "build_s": build_s,
        "index_mb": directory_mb(path),
        "open_ms": open_ms,
        "first_query_ms": open_ms + cold[0][1],
        "cold": cold,
        "warm": warm,
        "warm_without_facets": without_facets,
        "update_apply_ms": apply_ms,
        "update_visible_ms": visible_ms,
        "update_found": found,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "rss_at_start_mb": rss_start,
    }


def timed_pass(
    engine: TantivyEngine, mix: Sequence[tuple[str, SearchRequest]], *, facets: bool = True
) -> list[tuple[str, float, int]]:
    """Run every request once (counting facets unless told not to); return (kind, ms, total) each."""
    timings = []
    for kind, request in mix:
        before = time.perf_counter()
        answer = engine.search(request, facets=facets)
        timings.append((kind, (time.perf_counter() - before) * 1000.0, answer.total))
    return timings


def measure_update(
    engine: TantivyEngine,
    prepared: Mapping[str, Any],
    doc: Mapping[str, Any],
    update_word: str,
) -> tuple[float, float, bool]:
    """Change one listing (delete + add + commit), then search for it; return apply ms, visible ms, found."""
    started = time.perf_counter()
    changed = {**prepared, "description": f"{prepared['description']} {' '.join(analyze(update_word))}"}
    writer = engine.index.writer(WRITER_HEAP_BYTES // 4)
    writer.delete_documents_by_term("id", doc["id"])
    writer.add_document(to_document(changed))
    writer.commit()
    writer.wait_merging_threads()
    applied = time.perf_counter()
    engine.reload()
    answer = engine.search(SearchRequest(text=update_word, statuses=(doc["status"],)))
    searched = time.perf_counter()
    return (applied - started) * 1000.0, (searched - started) * 1000.0, answer.ids == [doc["id"]]
