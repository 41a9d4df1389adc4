"""The HSDS 3.0 read API's queries: plain dicts in HSDS's shapes, ready for a thin web layer.

One mapping, two outputs: every object here comes from :func:`directory.hsds.mapping.center_rows`
and :func:`~directory.hsds.mapping.vocabulary_rows`, nested by
:class:`~directory.hsds.nesting.ServiceNester`, as the file export's are.

What is served: **published listings only**. Drafts, submissions awaiting review, suspended and
closed listings are never served here (the public site hides them too), so every service has the
HSDS ``status`` ``active``. (The file export, :mod:`directory.hsds.export`, still lists every
listing with its HSDS status, unchanged.)

Filters (see the HSDS API's ``openapi.json``): ``search`` is the directory's full-text search
(:func:`directory.search.search_centers`, as the public sees it; results in relevance order; it
needs the app context), the others are SQL: ``organization_id`` (a center's id),
``taxonomy_term_id`` (services with that term; the "advertiser" mark's term gives advertisers),
``taxonomy_id`` (services with any term of that taxonomy), ``modified_after`` (services whose
``last_modified`` is on or after it). Different filters combine with AND. Without ``search``,
results are in the export's order (by slug). An id of no taxonomy or term is refused (a typo
would otherwise look like "no results"); an organization id of no published center gives an empty
page. ``postcode`` and ``proximity`` (meters, from the postcode's centroid, the one point the
HSDS API defines) select service-at-locations by where they are (see
:func:`list_service_at_locations`).

Bad parameters raise :class:`~directory.hsds.errors.HsdsQueryError`; an unknown id given to a
``get_`` function gives None.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
from typing import Any

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session, selectinload

from directory.hsds import ids, marks
from directory.hsds.api_filters import parse_id, parse_moment, parse_postcode, parse_proximity
from directory.hsds.errors import HsdsQueryError
from directory.hsds.export import iter_center_rows, load_vocabulary, rows_of_centers
from directory.hsds.layout import Layout, load_layout
from directory.hsds.mapping import Row, Rows, TermSortKey, listing_rows, term_sort_key, vocabulary_rows
from directory.hsds.nesting import ServiceNester, in_layout
from directory.hsds.paging import PageRequest, page_envelope
from directory.hsds.publisher import Publisher
from directory.hsds.samhsa_codes import samhsa_codes
from directory.models import Center, ListingStatus, Location, Taxonomy, TaxonomyTerm, center_terms
from directory.search import CenterQuery, Viewer, search_centers
from search_index import SearchError
from search_index.geo import haversine_miles, zip_centroid
from search_index.searching import MAX_PER_PAGE as SEARCH_PER_PAGE

HSDS_VERSION = "3.0"
#: This API follows HSDS 3.0 itself, with no profile: the profile link names the specification.
PROFILE_URL = "https://github.com/openreferral/specification/tree/3.0"
#: Where the web layer serves the OpenAPI document (issue 12).
OPENAPI_PATH = "/api/openapi.json"
PUBLISHED = ListingStatus.PUBLISHED

__all__ = [
    "api_root",
    "get_organization",
    "get_service",
    "iter_services_ndjson",
    "list_organizations",
    "list_service_at_locations",
    "list_services",
    "list_taxonomies",
    "list_taxonomy_terms",
]


@cache
def _layout() -> Layout:
    return load_layout()


class Catalog:
    """The published vocabulary for one query, read from the database only when first needed."""

    def __init__(self, session: Session, publisher: Publisher) -> None:
        self.session = session
        self.publisher = publisher
        self.layout = _layout()

    @cached_property
    def schemes(self) -> Sequence[Taxonomy]:
        """Return the vocabulary's schemes with their terms."""
        return load_vocabulary(self.session)

    @cached_property
    def term_key(self) -> TermSortKey:
        """Return the vocabulary's term order."""
        return term_sort_key(self.schemes)

    @cached_property
    def rows(self) -> Rows:
        """Return the taxonomy and taxonomy_term rows (with the directory marks)."""
        return vocabulary_rows(self.schemes, self.publisher, samhsa_codes())

    @cached_property
    def nester(self) -> ServiceNester:
        """Return the nester of full services, with this vocabulary."""
        return ServiceNester(self.layout, self.rows)

    @cached_property
    def term_ids(self) -> dict[uuid.UUID, int]:
        """Return each term's database id by its HSDS id."""
        return {
            ids.term_id(term.scheme, term.code): term.id for scheme in self.schemes for term in scheme.terms
        }

    @cached_property
    def scheme_codes(self) -> dict[uuid.UUID, str]:
        """Return each scheme's code by its HSDS taxonomy id."""
        return {ids.taxonomy_id(scheme.code): scheme.code for scheme in self.schemes}

    def term_condition(self, term: uuid.UUID) -> ColumnElement[bool]:
        """Return the SQL condition "the center's service has the term ``term``"."""
        if term in self.term_ids:
            linked = select(center_terms.c.center_id).where(center_terms.c.term_id == self.term_ids[term])
            return Center.id.in_(linked)
        if term == marks.BY_CODE[marks.ADVERTISER].term_id:
            return Center.is_advertiser.is_(True)
        if str(term) in marks.BY_TERM_ID:  # the other marks are on phones and terms, never services
            return false()
        raise HsdsQueryError("taxonomy_term_id", f"No taxonomy term has the id {term}; see /taxonomy_terms.")

    def taxonomy_condition(self, taxonomy: uuid.UUID) -> ColumnElement[bool]:
        """Return the SQL condition "the center's service has a term of the taxonomy ``taxonomy``"."""
        if taxonomy in self.scheme_codes:
            linked = (
                select(center_terms.c.center_id)
                .join(TaxonomyTerm, TaxonomyTerm.id == center_terms.c.term_id)
                .where(TaxonomyTerm.scheme == self.scheme_codes[taxonomy])
            )
            return Center.id.in_(linked)
        if taxonomy == marks.TAXONOMY_ID:  # the only mark a service carries is "advertiser"
            return Center.is_advertiser.is_(True)
        raise HsdsQueryError("taxonomy_id", f"No taxonomy has the id {taxonomy}; see /taxonomies.")

    def service_summary(self, rows: Rows) -> dict[str, Any]:
        """Return a center's service with its one-to-one fields and its organization (``service_list``)."""
        service = in_layout(self.layout, "service", rows["service"][0], {"organization_id", "program_id"})
        service["organization"] = in_layout(self.layout, "organization", rows["organization"][0])
        return service


@dataclass(frozen=True)
class ServiceFilters:
    """The service filters of the HSDS API, parsed."""

    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime | None = None

    @classmethod
    def parse(
        cls,
        search: str | None = None,
        taxonomy_term_id: str | None = None,
        taxonomy_id: str | None = None,
        organization_id: str | None = None,
        modified_after: str | datetime | None = None,
    ) -> ServiceFilters:
        """Return the filters; raise :class:`HsdsQueryError` naming the first malformed one."""
        return cls(
            search=(search or "").strip(),
            taxonomy_term_id=parse_id("taxonomy_term_id", taxonomy_term_id),
            taxonomy_id=parse_id("taxonomy_id", taxonomy_id),
            organization_id=parse_id("organization_id", organization_id),
            modified_after=parse_moment("modified_after", modified_after),
        )

    def conditions(self, catalog: Catalog) -> list[ColumnElement[bool]]:
        """Return the SQL conditions on ``Center`` (published, and every filter but ``search``)."""
        conditions: list[ColumnElement[bool]] = [Center.status == PUBLISHED]
        if self.organization_id is not None:
            conditions.append(Center.id == self.organization_id)
        if self.taxonomy_term_id is not None:
            conditions.append(catalog.term_condition(self.taxonomy_term_id))
        if self.taxonomy_id is not None:
            conditions.append(catalog.taxonomy_condition(self.taxonomy_id))
        if self.modified_after is not None:
            conditions.append(Center.updated_at >= self.modified_after)
        return conditions


# --- the API's root ---------------------------------------------------------------------------


def api_root(publisher: Publisher) -> dict[str, str]:
    """Return what ``GET /api/hsds/`` says about the API: HSDS version, profile and OpenAPI address."""
    return {
        "version": HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": f"{publisher.base_url}{OPENAPI_PATH}",
    }


# --- services --------------------------------------------------------------------------------


def list_services(
    session: Session,
    publisher: Publisher,
    *,
    search: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: str | datetime | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> dict[str, Any]:
    """Return a page of published services (``service_list`` shape) in the HSDS page envelope."""
    request = PageRequest.of(page, per_page)
    filters = ServiceFilters.parse(search, taxonomy_term_id, taxonomy_id, organization_id, modified_after)
    catalog = Catalog(session, publisher)
    center_ids = matching_centers(session, catalog, filters)
    rows = listings(session, request.slice(center_ids), publisher)
    return page_envelope([catalog.service_summary(one) for one in rows], len(center_ids), request)


def get_service(session: Session, publisher: Publisher, service_id: str) -> dict[str, Any] | None:
    """Return the published service ``service_id`` fully nested (as ``service_full.json``), else None."""
    wanted = ids.parse_uuid(service_id)
    if wanted is None:
        return None
    # A service id is derived from its center's (uuid5), so it is found among the published ids.
    published = session.scalars(select(Center.id).where(Center.status == PUBLISHED))
    center_id = next((one for one in published if ids.service_id(one) == wanted), None)
    if center_id is None:
        return None
    catalog = Catalog(session, publisher)
    rows = rows_of_centers(session, [center_id], catalog.term_key, publisher)
    return catalog.nester.nest(rows[0])


def iter_services_ndjson(session: Session, publisher: Publisher) -> Iterator[str]:
    """Yield every published service once, fully nested, as one JSON line each (``\\n``-terminated).

    Centers are read in batches (:data:`directory.hsds.export.BATCH`), so memory stays constant.
    """
    catalog = Catalog(session, publisher)
    for rows in iter_center_rows(session, catalog.term_key, publisher, published_only=True):
        yield json.dumps(catalog.nester.nest(rows), ensure_ascii=False) + "\n"


def matching_centers(session: Session, catalog: Catalog, filters: ServiceFilters) -> list[uuid.UUID]:
    """Return the published centers the filters select: by relevance with ``search``, else by slug."""
    statement = select(Center.id).where(*filters.conditions(catalog)).order_by(Center.slug)
    center_ids = list(session.scalars(statement))
    if not filters.search:
        return center_ids
    ranks = search_ranks(filters.search)
    return sorted((one for one in center_ids if one in ranks), key=ranks.__getitem__)


def listings(session: Session, center_ids: Sequence[uuid.UUID], publisher: Publisher) -> list[Rows]:
    """Return the :func:`~directory.hsds.mapping.listing_rows` of ``center_ids``, in order (two queries)."""
    statement = select(Center).where(Center.id.in_(center_ids)).options(selectinload(Center.locations))
    centers = {center.id: center for center in session.scalars(statement)} if center_ids else {}
    return [listing_rows(centers[one], publisher) for one in center_ids if one in centers]


def search_ranks(text: str) -> dict[uuid.UUID, int]:
    """Return the place in relevance order of every published center the full-text search finds."""
    ranks: dict[uuid.UUID, int] = {}
    page = 1
    while True:
        try:
            found = search_centers(CenterQuery(text=text, page=page, per_page=SEARCH_PER_PAGE), Viewer.PUBLIC)
        except SearchError as error:
            raise HsdsQueryError("search", str(error)) from error
        for hit in found.hits:
            ranks.setdefault(uuid.UUID(hit["id"]), len(ranks))
        if not found.hits or page * SEARCH_PER_PAGE >= found.total:
            return ranks
        page += 1


# --- organizations ----------------------------------------------------------------------------


def list_organizations(
    session: Session,
    publisher: Publisher,
    *,
    search: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> dict[str, Any]:
    """Return a page of the organizations of published listings (basic fields) in the page envelope."""
    request = PageRequest.of(page, per_page)
    catalog = Catalog(session, publisher)
    center_ids = matching_centers(session, catalog, ServiceFilters.parse(search))
    rows = listings(session, request.slice(center_ids), publisher)
    contents = [in_layout(catalog.layout, "organization", one["organization"][0]) for one in rows]
    return page_envelope(contents, len(center_ids), request)


def get_organization(
    session: Session, publisher: Publisher, organization_id: str, *, full_service: bool = False
) -> dict[str, Any] | None:
    """Return a published listing's organization with its locations and services, else None.

    Its ``services`` hold each service's one-to-one fields, or, with ``full_service``, the fully
    nested service (without the organization again).
    """
    wanted = ids.parse_uuid(organization_id)
    if wanted is None:
        return None
    found = session.scalar(select(Center.id).where(Center.id == wanted, Center.status == PUBLISHED))
    if found is None:
        return None
    catalog = Catalog(session, publisher)
    rows = rows_of_centers(session, [found], catalog.term_key, publisher)[0]
    service = catalog.nester.nest(rows)
    organization = service.pop("organization")
    organization["locations"] = [place["location"] for place in service["service_at_locations"]]
    if not full_service:
        service = catalog.service_summary(rows)
        del service["organization"]
    organization["services"] = [service]
    return organization


# --- service at locations ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    """One location of a selected center: its place among the center's locations, and distance."""

    center_id: uuid.UUID
    ordinal: int
    miles: float | None


def list_service_at_locations(
    session: Session,
    publisher: Publisher,
    *,
    search: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: str | datetime | None = None,
    postcode: str | None = None,
    proximity: str | float | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> dict[str, Any]:
    """Return a page of the published services at their locations (``service_at_location_list``).

    The service filters are those of :func:`list_services`. ``postcode`` alone keeps the locations
    whose address has that ZIP code; with ``proximity`` (meters) it keeps instead the locations
    within that distance of the ZIP code's centroid, nearest first (unless ``search`` orders them).
    """
    request = PageRequest.of(page, per_page)
    filters = ServiceFilters.parse(search, taxonomy_term_id, taxonomy_id, organization_id, modified_after)
    zip5 = parse_postcode(postcode)
    miles = parse_proximity(proximity)
    centre = _centroid(zip5) if miles is not None else None
    catalog = Catalog(session, publisher)
    center_ids = matching_centers(session, catalog, filters)
    places = _places(session, center_ids, zip5, centre, miles)
    if centre is not None and not filters.search:
        order = {center_id: index for index, center_id in enumerate(center_ids)}
        places.sort(key=lambda place: (place.miles, order[place.center_id], place.ordinal))
    shown = list(request.slice(places))
    loaded = listings(session, list(dict.fromkeys(place.center_id for place in shown)), publisher)
    by_center = {uuid.UUID(rows["organization"][0]["id"]): rows for rows in loaded}
    contents = [_service_at_location(catalog, by_center[place.center_id], place) for place in shown]
    return page_envelope(contents, len(places), request)


def _centroid(zip5: str | None) -> tuple[float, float]:
    if zip5 is None:
        raise HsdsQueryError(
            "proximity", "proximity needs a postcode: the distance is measured from the postcode's centre."
        )
    centre = zip_centroid(zip5)
    if centre is None:
        raise HsdsQueryError(
            "postcode", f"There is no map location for the ZIP code {zip5}; try a nearby one."
        )
    return centre


def _places(
    session: Session,
    center_ids: Sequence[uuid.UUID],
    zip5: str | None,
    centre: tuple[float, float] | None,
    miles: float | None,
) -> list[_Place]:
    """Return the locations of ``center_ids`` passing the postcode and proximity filters, in their order."""
    statement = select(
        Location.center_id, Location.position, Location.postal_code, Location.latitude, Location.longitude
    ).where(Location.center_id.in_(center_ids) if center_ids else false())
    by_center: dict[uuid.UUID, list[Any]] = {}
    for row in session.execute(statement.order_by(Location.center_id, Location.position)):
        by_center.setdefault(row.center_id, []).append(row)
    places = []
    for center_id in center_ids:
        for ordinal, row in enumerate(by_center.get(center_id, [])):
            distance = None
            if centre is not None and miles is not None:
                if row.latitude is None or row.longitude is None:
                    continue
                distance = haversine_miles(centre[0], centre[1], row.latitude, row.longitude)
                if distance > miles:
                    continue
            elif zip5 is not None and (row.postal_code or "")[:5] != zip5:
                continue
            places.append(_Place(center_id, ordinal, distance))
    return places


def _service_at_location(catalog: Catalog, rows: Rows, place: _Place) -> dict[str, Any]:
    """Return one service at one location with the location's and service's one-to-one fields."""
    wanted = str(ids.part_id(place.center_id, "service_at_location", place.ordinal))
    row = next(one for one in rows["service_at_location"] if one["id"] == wanted)
    nested = in_layout(catalog.layout, "service_at_location", row, {"service_id", "location_id"})
    location = next(one for one in rows["location"] if one["id"] == row["location_id"])
    nested["location"] = in_layout(catalog.layout, "location", location, {"organization_id"})
    nested["service"] = catalog.service_summary(rows)
    return nested


# --- vocabulary -------------------------------------------------------------------------------


def list_taxonomies(
    session: Session,
    publisher: Publisher,
    *,
    search: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> dict[str, Any]:
    """Return a page of the taxonomies (the vocabulary's schemes and the directory marks).

    ``search`` keeps those whose name or description holds every word of it (any case).
    """
    request = PageRequest.of(page, per_page)
    catalog = Catalog(session, publisher)
    found = [row for row in catalog.rows["taxonomy"] if _matches(search, row, ("name", "description"))]
    contents = [catalog.nester.object("taxonomy", row) for row in request.slice(found)]
    return page_envelope(contents, len(found), request)


def list_taxonomy_terms(
    session: Session,
    publisher: Publisher,
    *,
    taxonomy_id: str | None = None,
    parent_id: str | None = None,
    top_only: bool = False,
    search: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> dict[str, Any]:
    """Return a page of taxonomy terms, each with its taxonomy as ``taxonomy_detail``.

    ``taxonomy_id`` keeps one taxonomy's terms, ``parent_id`` a term's children, ``top_only`` the
    terms without a parent; ``search`` those whose code, name or description holds every word.
    """
    request = PageRequest.of(page, per_page)
    taxonomy = parse_id("taxonomy_id", taxonomy_id)
    parent = parse_id("parent_id", parent_id)
    catalog = Catalog(session, publisher)
    terms = catalog.rows["taxonomy_term"]
    if taxonomy is not None and str(taxonomy) not in catalog.nester.taxonomies:
        raise HsdsQueryError("taxonomy_id", f"No taxonomy has the id {taxonomy}; see /taxonomies.")
    if parent is not None and str(parent) not in catalog.nester.terms:
        raise HsdsQueryError("parent_id", f"No taxonomy term has the id {parent}.")
    found = [
        row
        for row in terms
        if (taxonomy is None or row["taxonomy_id"] == str(taxonomy))
        and (parent is None or row.get("parent_id") == str(parent))
        and not (top_only and row.get("parent_id"))
        and _matches(search, row, ("code", "name", "description"))
    ]
    contents = [catalog.nester.term(row) for row in request.slice(found)]
    return page_envelope(contents, len(found), request)


def _matches(search: str | None, row: Row, fields: Sequence[str]) -> bool:
    """Return whether every word of ``search`` is in one of the row's ``fields`` (any case)."""
    text = " ".join(str(row.get(name, "")) for name in fields).casefold()
    return all(word in text for word in (search or "").casefold().split())
