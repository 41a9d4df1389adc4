"""Answering a search request from a snapshot: filters, text, geo, facets, order and paging."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from search_index import bitsets
from search_index.echo import shown, shown_list
from search_index.geo import distances_miles
from search_index.query import ParsedQuery
from search_index.schema import LABELS_FIELD, TAG_BOOST, TEXT_FIELDS, city_tag
from search_index.snapshot import Snapshot
from search_index.types import (
    PLACE_FILTERS,
    SORT_ORDERS,
    FacetCount,
    Hit,
    SearchError,
    SearchRequest,
    SortOrder,
    Vocabulary,
)

MAX_PER_PAGE = 100
MIN_RADIUS_MILES = 0.5
MAX_RADIUS_MILES = 500.0
DEFAULT_RADIUS_MILES = 25.0


@dataclass
class Outcome:
    """The ordered page and counts of one search (before suggestions)."""

    total: int
    sort: SortOrder
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]


def validate_request(request: SearchRequest, vocabulary: Vocabulary) -> None:
    """Raise :class:`SearchError` naming the first thing wrong with the request."""
    if not isinstance(request.text, str):
        raise SearchError("The search text must be a string.")
    for name in ("page", "per_page"):
        value = getattr(request, name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise SearchError(f"{name.replace('_', ' ').capitalize()} must be a whole number.")
    if request.radius_miles is not None and (
        not isinstance(request.radius_miles, int | float) or request.radius_miles != request.radius_miles
    ):
        raise SearchError("The distance must be a number of miles.")
    if request.overdue_on is not None and not isinstance(request.overdue_on, date):
        raise SearchError("The overdue day must be a date.")
    if request.page < 1:
        raise SearchError("The page number must be 1 or more.")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise SearchError(f"Results per page must be between 1 and {MAX_PER_PAGE}.")
    if request.radius_miles is not None and not (
        MIN_RADIUS_MILES <= request.radius_miles <= MAX_RADIUS_MILES
    ):
        raise SearchError(
            f"The distance must be between {MIN_RADIUS_MILES:g} and {MAX_RADIUS_MILES:g} miles."
        )
    if request.sort is not None and request.sort not in SORT_ORDERS:
        raise SearchError(
            f"There is no sort order {shown(request.sort)}. Choose from: {', '.join(SORT_ORDERS)}."
        )
    if request.sort == "distance" and request.near is None:
        raise SearchError("Sorting by distance needs a location.")
    for scheme, codes in request.filters.items():
        if scheme in PLACE_FILTERS:
            continue
        if scheme not in vocabulary.schemes:
            raise SearchError(f"There is no filter called {shown(scheme)}.")
        unknown = [code for code in codes if vocabulary.term(scheme, code) is None]
        if unknown:
            label = vocabulary.scheme_labels.get(scheme, scheme)
            raise SearchError(f"Unknown {label.lower()} value(s): {shown_list(unknown, quote=False)}.")


def run_search(
    snapshot: Snapshot, vocabulary: Vocabulary, request: SearchRequest, query: ParsedQuery
) -> Outcome:
    """Filter, match, count facets, order and page."""
    base = snapshot.alive & _status_bits(snapshot, request)
    distances = None
    if request.near is not None:
        radius = request.radius_miles or DEFAULT_RADIUS_MILES
        distances = distances_miles(request.near[0], request.near[1], snapshot.latitudes, snapshot.longitudes)
        base &= bitsets.from_flags(np.nan_to_num(distances, nan=np.inf) <= radius)
    scores = None
    if not query.is_empty:
        text_bits, scores = _text_matches(snapshot, vocabulary, query)
        base &= text_bits
    scheme_bits = {
        scheme: _scheme_bits(snapshot, vocabulary, scheme, codes)
        for scheme, codes in request.filters.items()
        if codes
    }
    final = base
    for bits in scheme_bits.values():
        final &= bits
    selected_states = tuple(code.upper() for code in request.filters.get("state", ()))
    facets = _facets(snapshot, vocabulary, base, scheme_bits, selected_states)
    sort = request.sort or _default_sort(request, query)
    docnums = bitsets.to_ids(final, snapshot.size)
    ordered = _order(snapshot, docnums, sort, scores, distances, request.page * request.per_page)
    start = (request.page - 1) * request.per_page
    page = ordered[start : start + request.per_page]
    hits = [
        Hit(
            id=snapshot.listing_ids[n],  # type: ignore[arg-type]
            score=float(scores[n]) if scores is not None else 0.0,
            distance_miles=round(float(distances[n]), 2) if distances is not None else None,
        )
        for n in page
    ]
    return Outcome(total=int(docnums.size), sort=sort, hits=hits, facets=facets)


def _default_sort(request: SearchRequest, query: ParsedQuery) -> SortOrder:
    if request.near is not None and query.is_empty:
        return "distance"
    return "relevance"


def _status_bits(snapshot: Snapshot, request: SearchRequest) -> int:
    """Return the documents allowed by status, verification, advertiser and yes/no filters."""
    bits = _any_tag(snapshot, (f"status:{status}" for status in request.statuses))
    if request.verification:
        bits &= _any_tag(snapshot, (f"verification:{v}" for v in request.verification))
    if request.verified_only:
        bits &= snapshot.tag("verification:verified")
    if request.advertiser is not None:
        bits &= snapshot.tag("advertiser:yes" if request.advertiser else "advertiser:no")
    if request.accepting_only:
        bits &= snapshot.tag("accepting:yes")
    if request.overdue_on is not None:
        bits &= snapshot.overdue_on(request.overdue_on)
    return bits


def _any_tag(snapshot: Snapshot, tags: Iterable[str]) -> int:
    return snapshot.any_tag(tuple(sorted(tags)))


def _scheme_bits(snapshot: Snapshot, vocabulary: Vocabulary, scheme: str, codes: tuple[str, ...]) -> int:
    """Return the documents matching any of ``codes`` (a parent matches its children)."""
    if scheme == "state":
        return _any_tag(snapshot, (f"state:{code.upper()}" for code in codes))
    if scheme == "city":
        return _any_tag(snapshot, (_city_filter_tag(code) for code in codes))
    return _any_tag(
        snapshot, (f"{scheme}:{c}" for code in codes for c in vocabulary.with_descendants(scheme, code))
    )


def _city_filter_tag(value: str) -> str:
    """Turn ``Salt Lake City, UT`` (or an already formed ``ut:salt-lake-city``) into a city tag."""
    if "," in value:
        city, _, state = value.rpartition(",")
        return city_tag(state.strip(), city.strip())
    return f"city:{value.lower()}"


def _text_matches(snapshot: Snapshot, vocabulary: Vocabulary, query: ParsedQuery) -> tuple[int, np.ndarray]:
    """Return the documents matching every required clause, and every document's text score.

    A clause matches its phrases in the text fields, and the listings carrying a term it names
    or a term below one (a parent matches its children, as in filters).
    """
    scores = np.zeros(snapshot.size)
    required_bits: int | None = None
    any_bits = 0
    for clause in query.clauses:
        clause_bits = 0
        for words in clause.phrases:
            for field, boost in TEXT_FIELDS.items():
                if clause.terms and field == LABELS_FIELD and len(words) > 1:
                    # Labels are the listing's term names: its terms already stand for these phrases.
                    continue
                found = snapshot.matches(field, words)
                if found.docnums.size:
                    scores[found.docnums] += found.scores * boost
                    clause_bits |= found.bits
        tags = dict.fromkeys(
            f"{scheme}:{below}"
            for scheme, code in clause.terms
            for below in vocabulary.with_descendants(scheme, code)
        )
        for tag in tags:
            found = snapshot.tag_matches(tag)
            if found.docnums.size:
                scores[found.docnums] += found.scores * TAG_BOOST
                clause_bits |= found.bits
        any_bits |= clause_bits
        if not clause.optional:
            required_bits = clause_bits if required_bits is None else required_bits & clause_bits
    return (any_bits if required_bits is None else required_bits), scores


def _facets(
    snapshot: Snapshot,
    vocabulary: Vocabulary,
    base: int,
    scheme_bits: Mapping[str, int],
    selected_states: tuple[str, ...],
) -> dict[str, list[FacetCount]]:
    """Count each scheme's values over the results filtered by every *other* scheme."""
    facets: dict[str, list[FacetCount]] = {}
    for scheme in (*vocabulary.schemes, "state"):
        within = base
        for other, bits in scheme_bits.items():
            if other != scheme:
                within &= bits
        if scheme == "state":
            counts = _state_counts(snapshot, within, selected_states)
        else:
            counts = [
                FacetCount(
                    term.code,
                    term.label,
                    (within & _scheme_bits(snapshot, vocabulary, scheme, (term.code,))).bit_count(),
                )
                for term in vocabulary.schemes[scheme]
            ]
        facets[scheme] = counts
    return facets


def _state_counts(snapshot: Snapshot, within: int, selected: tuple[str, ...]) -> list[FacetCount]:
    """Count the states with results; a selected state stays listed (with 0) so it can be removed."""
    counts = []
    for code in sorted({*snapshot.states, *selected}):
        count = (within & snapshot.tag(f"state:{code}")).bit_count()
        if count or code in selected:
            counts.append(FacetCount(code, code, count))
    return counts


def _order(
    snapshot: Snapshot,
    docnums: np.ndarray,
    sort: SortOrder,
    scores: np.ndarray | None,
    distances: np.ndarray | None,
    limit: int,
) -> np.ndarray:
    """Return the first ``limit`` of ``docnums`` in result order; ties go to verified, then name."""
    if not docnums.size:
        return docnums
    name_rank = snapshot.name_rank[docnums]
    verified = snapshot.is_verified[docnums]
    verified_first = -verified.astype(np.int64)
    keys: list[np.ndarray]
    if sort == "name":
        keys = [name_rank]
    elif sort == "distance" and distances is not None:
        keys = [name_rank, np.nan_to_num(distances[docnums], nan=np.inf)]
    elif sort == "verified":
        keys = [name_rank, -np.where(verified, snapshot.verified_at[docnums], -np.inf)]
    else:
        keys = [name_rank, verified_first]
        if scores is not None:
            keys.append(-np.round(scores[docnums], 9))
    if docnums.size > 2 * limit:
        # Sort only the candidates for the first ``limit`` places (every tie at the cut included).
        primary = keys[-1]
        cut = np.partition(primary, limit - 1)[limit - 1]
        keep = primary <= cut
        docnums = docnums[keep]
        keys = [key[keep] for key in keys]
    return docnums[np.lexsort(keys)][:limit]
