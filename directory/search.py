"""``search_centers``: the one search entry point for the public site, the API, staff and the CLI."""

from __future__ import annotations

import dataclasses
import enum
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

from directory.contact import address_of, card_phone
from directory.database import get_session
from directory.index_repair import IndexHealth, IndexRepair
from directory.indexing import IndexSync, install_after_commit_sync
from directory.models import Center, ListingStatus, Taxonomy, VerificationStatus
from directory.schemas.geography import US_STATES
from search_index import (
    IndexBusy,
    IndexCorrupt,
    LocationError,
    SearchError,
    SearchIndex,
    SearchRequest,
    SearchResult,
    VocabTerm,
    Vocabulary,
    groups_from_json,
    resolve_place,
    storage,
)
from search_index.analysis import analyzer
from search_index.echo import shown_list
from search_index.geo import haversine_miles
from search_index.searching import DEFAULT_RADIUS_MILES

DEFAULT_SYNONYMS_FILE = Path(__file__).resolve().parents[1] / "data" / "synonyms.json"
PUBLIC_STATUSES = (ListingStatus.PUBLISHED.value,)


class SearchUnavailable(RuntimeError):
    """The index is damaged and no earlier generation can answer; a rebuild is under way."""


class Viewer(enum.Enum):
    """Who is searching: the public sees published listings only; staff may filter on anything."""

    PUBLIC = "public"
    STAFF = "staff"


@dataclass(frozen=True)
class CenterQuery:
    """A search as the site, the API and the CLI ask it (already parsed from their inputs)."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    near: str | None = None
    radius_miles: float | None = None
    verified_only: bool = False
    accepting_only: bool = False
    include_closed: bool = False
    #: Staff only.
    statuses: tuple[str, ...] = ()
    verification: tuple[str, ...] = ()
    advertiser: bool | None = None
    #: Staff only: listings whose re-verification date has passed (decided today, at query time).
    overdue: bool = False
    sort: str | None = None
    page: int = 1
    per_page: int = 20


@dataclass
class SearchResponse:
    """A page of hydrated results, in the API's shape (``as_json``)."""

    total: int
    page: int
    per_page: int
    sort: str
    hits: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]]
    suggestion: str | None
    location: dict[str, Any] | None
    #: Taxonomy terms the text names ({"scheme", "code", "label"}), in the order typed.
    named_terms: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Return the API document."""
        return {
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "sort": self.sort,
            "hits": self.hits,
            "facets": self.facets,
            "suggestion": self.suggestion,
            "location": self.location,
            "named_terms": self.named_terms,
        }


def search_centers(query: CenterQuery, viewer: Viewer) -> SearchResponse:
    """Search the directory as ``viewer``; raise :class:`SearchError` with a message for bad input.

    Raise :class:`SearchUnavailable` while a damaged index is rebuilt with no earlier one to use.
    """
    service = get_search_service()
    request, place = _to_request(query, viewer)
    service.ensure_ready()
    service.sync.catch_up_if_due()
    result = service.search(request)
    session = get_session()
    centers = _hydrate(session, [hit.id for hit in result.hits])
    hits = [
        summarize_center(centers[hit.id], hit.distance_miles, result.highlight_terms)
        for hit in result.hits
        if hit.id in centers
    ]
    facets = _facet_counts(result)
    location = None
    if place is not None:
        location = {
            "label": place.label,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "radius_miles": request.radius_miles,
        }
    return SearchResponse(
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        sort=result.sort,
        hits=hits,
        facets=facets,
        suggestion=result.suggestion,
        location=location,
        named_terms=_named_terms(service.index.vocabulary, result.named_terms),
    )


def count_centers(query: CenterQuery, viewer: Viewer) -> int:
    """Return how many centers ``query`` finds, without loading any of them from the database.

    The cheap count behind offers such as "12 centers within 100 miles": one result asked for,
    sorted by name (no scoring order needed), and nothing hydrated.
    """
    return _count_only(query, viewer).total


def count_facets(query: CenterQuery, viewer: Viewer) -> dict[str, list[dict[str, Any]]]:
    """Return the facet counts of ``query`` (as ``SearchResponse.facets``), loading no center.

    For pages that need the counts alone, such as the home page's links to every listed therapy.
    """
    return _facet_counts(_count_only(query, viewer))


def _count_only(query: CenterQuery, viewer: Viewer) -> SearchResult:
    """Run ``query`` for its counts: one result asked for, sorted by name (no scoring), none hydrated."""
    service = get_search_service()
    request, _place = _to_request(dataclasses.replace(query, page=1, per_page=1, sort="name"), viewer)
    service.ensure_ready()
    return service.search(request)


def _facet_counts(result: SearchResult) -> dict[str, list[dict[str, Any]]]:
    """Return the engine's facet counts as the response carries them (states named in full)."""
    return {
        scheme: [
            {
                "code": f.code,
                "label": US_STATES.get(f.code, f.label) if scheme == "state" else f.label,
                "count": f.count,
            }
            for f in counts
        ]
        for scheme, counts in result.facets.items()
    }


def _named_terms(vocabulary: Vocabulary, named: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    """Return the terms the text names, with their labels (terms no longer in the vocabulary left out)."""
    return [
        {"scheme": term.scheme, "code": term.code, "label": term.label}
        for scheme, code in named
        if (term := vocabulary.term(scheme, code)) is not None
    ]


def _to_request(query: CenterQuery, viewer: Viewer) -> tuple[SearchRequest, Any]:
    """Turn a query into an index request, applying what ``viewer`` may see."""
    if viewer is Viewer.PUBLIC:
        staff_only = [
            name
            for name, value in (
                ("status", query.statuses),
                ("verification", query.verification),
                ("advertiser", query.advertiser is not None),
                ("overdue", query.overdue),
            )
            if value
        ]
        if staff_only:
            raise SearchError(f"The {', '.join(staff_only)} filter is for staff only.")
        statuses = PUBLIC_STATUSES + ((ListingStatus.CLOSED.value,) if query.include_closed else ())
    else:
        statuses = query.statuses or tuple(s.value for s in ListingStatus)
        _check_choices("status", statuses, [s.value for s in ListingStatus])
        _check_choices("verification", query.verification, [v.value for v in VerificationStatus])
    place = None
    near = None
    radius = query.radius_miles
    if query.near:
        place = resolve_place(query.near)
        near = (place.latitude, place.longitude)
        radius = radius if radius is not None else DEFAULT_RADIUS_MILES
    elif radius is not None:
        raise SearchError("A distance needs a location: give a ZIP code or 'City, ST' as well.")
    request = SearchRequest(
        text=query.text,
        filters={key: tuple(values) for key, values in query.filters.items() if values},
        statuses=statuses,
        verification=query.verification,
        advertiser=query.advertiser,
        verified_only=query.verified_only,
        accepting_only=query.accepting_only,
        overdue_on=date.today() if query.overdue and viewer is Viewer.STAFF else None,
        near=near,
        radius_miles=radius,
        sort=query.sort,  # type: ignore[arg-type]
        page=query.page,
        per_page=query.per_page,
    )
    return request, place


def _check_choices(name: str, values: tuple[str, ...], allowed: list[str]) -> None:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise SearchError(
            f"Unknown {name} value(s): {shown_list(unknown, quote=False)}. Choose from: {', '.join(allowed)}."
        )


def _hydrate(session: Session, ids: list[str]) -> dict[str, Center]:
    """Load the page's centers from the database (the index holds ids, not records)."""
    if not ids:
        return {}
    query = (
        select(Center)
        .where(Center.id.in_([uuid.UUID(i) for i in ids]))
        .options(selectinload(Center.locations), selectinload(Center.phones), selectinload(Center.terms))
    )
    return {str(center.id): center for center in session.scalars(query)}


# -- the public verification state of a listing ---------------------------------------------

VERIFIED = "verified"
NOT_VERIFIED = "not-verified"
EXPIRED = "expired"
WITHDRAWN = "withdrawn"

#: The public state of each verification status (pending, needs_info and rejected: "Not yet verified").
PUBLIC_STATE: dict[VerificationStatus, str] = {
    VerificationStatus.VERIFIED: VERIFIED,
    VerificationStatus.EXPIRED: EXPIRED,
    VerificationStatus.REVOKED: WITHDRAWN,
    VerificationStatus.UNVERIFIED: NOT_VERIFIED,
    VerificationStatus.PENDING: NOT_VERIFIED,
    VerificationStatus.NEEDS_INFO: NOT_VERIFIED,
    VerificationStatus.REJECTED: NOT_VERIFIED,
}


def verification_state(status: VerificationStatus | str) -> str:
    """Return the public state ('verified', 'not-verified', 'expired', 'withdrawn') of a status."""
    return PUBLIC_STATE[VerificationStatus(status)]


def verification_date(
    status: VerificationStatus | str,
    verified_at: datetime | None,
    reverify_due_on: date | None,
    revoked_on: date | None,
) -> date | None:
    """Return the date the public state carries: of the check, the lapse or the withdrawal."""
    state = verification_state(status)
    if state == VERIFIED:
        return verified_at.date() if verified_at else None
    if state == EXPIRED:
        return reverify_due_on
    if state == WITHDRAWN:
        return revoked_on
    return None


def summarize_center(
    center: Center, distance: float | None = None, terms: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Return a center as a search hit (the API's hit and every page's card use this shape)."""
    location = center.primary_location
    on = verification_date(
        center.verification_status,
        center.verified_at,
        center.reverify_due_on,
        center.verification_revoked_on,
    )
    return {
        "id": str(center.id),
        "slug": center.slug,
        "name": center.name,
        "city": location.city if location else None,
        "state": location.state if location else None,
        "zip": location.postal_code if location else None,
        # How to reach the center: the card's phone ({"text", "tel"}) and street address (or None).
        "phone": card_phone(center.phones),
        "address": address_of(location),
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        "distance_miles": distance,
        "verified": center.verification_status == VerificationStatus.VERIFIED,
        "verified_at": center.verified_at.isoformat() if center.verified_at else None,
        # The public verification state and its date (directory.public.trust_marks shows both).
        "verification": verification_state(center.verification_status),
        "verification_on": on.isoformat() if on else None,
        "advertiser": bool(center.is_advertiser),
        # A bulk UPDATE leaves the plain string in loaded objects; normalise either form.
        "status": ListingStatus(center.status).value,
        "terms": center.term_codes(),
        "highlight": highlight_text(center.description or "", terms),
    }


_FORMATTER = HtmlFormatter(tagname="mark", between=" … ")
_FRAGMENTER = ContextFragmenter(maxchars=200, surround=60)


def highlight_text(text: str, terms: frozenset[str]) -> str | None:
    """Return an HTML-safe snippet of ``text`` with the matched words in ``<mark>``, or None."""
    if not terms or not text:
        return None
    # Whoosh's HtmlFormatter escapes the text itself (matched and unmatched parts alike).
    snippet = highlight(text, terms, analyzer(), _FRAGMENTER, _FORMATTER, top=2)
    return str(Markup(snippet)) if snippet else None


def distances_from(
    near: str, points: list[tuple[float | None, float | None]]
) -> tuple[str, list[float | None]]:
    """Resolve ``near`` as a search does; return its label and the miles to each (lat, lon) point.

    A point without coordinates gets None. Raise :class:`LocationError` for a place not found.
    """
    place = resolve_place(near)
    miles = [
        haversine_miles(place.latitude, place.longitude, lat, lon)
        if lat is not None and lon is not None
        else None
        for lat, lon in points
    ]
    return place.label, miles


# -- the per-app search service --------------------------------------------------------------


class SearchService:
    """The app's index and its sync, created on first use (the taxonomy comes from the database)."""

    def __init__(self, index: SearchIndex, sync: IndexSync) -> None:
        self.index = index
        self.sync = sync
        self.repair = IndexRepair(index, self.rebuild)

    def ensure_ready(self) -> None:
        """Build the index if this node has none, or one of an older schema version.

        Raise :class:`SearchUnavailable` while another process or thread is building it.
        """
        if self.index.rebuild_reason():
            self._reload_vocabulary()
            try:
                self.sync.rebuild_if_needed()
            except IndexBusy as error:
                raise SearchUnavailable(
                    "The search index is being built; please try again shortly."
                ) from error

    def rebuild(self, progress: Any = None) -> int:
        """Reload the vocabulary, then rebuild the index from the database.

        Raise :class:`search_index.IndexBusy` if another process is rebuilding this index folder.
        """
        self._reload_vocabulary()
        return self.sync.rebuild(progress)

    def search(self, request: SearchRequest) -> SearchResult:
        """Search the index; repair it in the background when it is found damaged.

        Raise :class:`SearchUnavailable` when no generation of the index can answer meanwhile.
        """
        try:
            result = self.index.search(request)
        except IndexCorrupt as error:
            self.repair.start(error.fault)
            raise SearchUnavailable("Search is being rebuilt; please try again in a minute.") from error
        fault = self.index.fault
        if fault is not None:  # answered from an earlier generation
            self.repair.start(fault)
        return result

    def health(self) -> IndexHealth:
        """Say how this node's index is (see :meth:`IndexRepair.health`)."""
        return self.repair.health()

    def _reload_vocabulary(self) -> None:
        with self.sync.sessions() as session:
            self.index.vocabulary = load_vocabulary(session)


def load_vocabulary(session: Session) -> Vocabulary:
    """Read the taxonomy from the database as the index's plain vocabulary."""
    taxonomies = session.scalars(select(Taxonomy).order_by(Taxonomy.position)).all()
    schemes = {}
    for taxonomy in taxonomies:
        parents = {term.id: term.code for term in taxonomy.terms}
        schemes[taxonomy.code] = tuple(
            VocabTerm(
                scheme=term.scheme,
                code=term.code,
                label=term.label,
                parent=parents.get(term.parent_id) if term.parent_id else None,
                aliases=tuple(term.aliases or ()),
            )
            for term in taxonomy.terms
        )
    return Vocabulary(schemes=schemes, scheme_labels={t.code: t.label for t in taxonomies})


def get_search_service(app: Flask | None = None) -> SearchService:
    """Return the app's search service, creating it on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    service = app.extensions.get("search")
    if service is None:
        database = app.extensions["database"]
        with database.sessions() as session:
            vocabulary = load_vocabulary(session)
        synonyms_file = Path(app.config.get("SYNONYMS_FILE", DEFAULT_SYNONYMS_FILE))
        groups = groups_from_json(json.loads(synonyms_file.read_text(encoding="utf-8")))
        index = SearchIndex(
            app.config["SEARCH_INDEX_DIR"],
            vocabulary,
            groups,
            writer_timeout=float(app.config.get("SEARCH_WRITER_TIMEOUT", 2.0)),
        )
        sync = IndexSync(
            index, database.sessions, check_interval=float(app.config.get("SEARCH_SYNC_INTERVAL", 2.0))
        )
        service = app.extensions["search"] = SearchService(index, sync)
    return service


def init_app(app: Flask) -> None:
    """Apply logged changes to this node's index right after each commit that recorded some."""
    install_after_commit_sync(app.extensions["database"].sessions, lambda: _sync_after_commit(app))


def _sync_after_commit(app: Flask) -> None:
    """Sync the app's index, if it has one; failures leave the changes in the log."""
    if storage.current_generation(Path(app.config["SEARCH_INDEX_DIR"])) is None:
        return
    get_search_service(app).sync.sync_quietly()


__all__ = [
    "CenterQuery",
    "LocationError",
    "SearchError",
    "SearchResponse",
    "SearchUnavailable",
    "Viewer",
    "count_centers",
    "count_facets",
    "search_centers",
]
