"""The HSDS 3.0 read API's queries: plain dicts in HSDS's shapes, ready for a thin web layer.

One mapping, two outputs: every object here comes from :func:`directory.hsds.mapping.center_rows`
(lists: its part :func:`~directory.hsds.mapping.listing_rows`) and
:func:`~directory.hsds.mapping.vocabulary_rows`, nested by
:class:`~directory.hsds.nesting.ServiceNester`, as the file export's are. Which listings a query
selects is :mod:`directory.hsds.api_selection`'s job; where they are, :mod:`directory.hsds.api_places`.

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
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.hsds import ids
from directory.hsds.api_filters import parse_id, parse_postcode, parse_proximity
from directory.hsds.api_places import Place, centroid, places_of
from directory.hsds.api_selection import PUBLISHED, Catalog, ServiceFilters, listings, matching_centers
from directory.hsds.errors import HsdsQueryError
from directory.hsds.export import iter_center_rows, rows_of_centers
from directory.hsds.mapping import Row, Rows
from directory.hsds.nesting import in_layout
from directory.hsds.paging import PageRequest, page_envelope
from directory.hsds.publisher import Publisher
from directory.models import Center

HSDS_VERSION = "3.0"
#: This API follows HSDS 3.0 itself, with no profile: the profile link names the specification.
PROFILE_URL = "https://github.com/openreferral/specification/tree/3.0"
#: Where the web layer serves the OpenAPI document (issue 12).
OPENAPI_PATH = "/api/openapi.json"

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
    centre = centroid(zip5) if miles is not None else None
    catalog = Catalog(session, publisher)
    center_ids = matching_centers(session, catalog, filters)
    places = places_of(session, center_ids, zip5, centre, miles)
    if centre is not None and not filters.search:
        order = {center_id: index for index, center_id in enumerate(center_ids)}
        places.sort(key=lambda place: (place.miles, order[place.center_id], place.ordinal))
    shown = list(request.slice(places))
    loaded = listings(session, list(dict.fromkeys(place.center_id for place in shown)), publisher)
    by_center = {uuid.UUID(rows["organization"][0]["id"]): rows for rows in loaded}
    contents = [_service_at_location(catalog, by_center[place.center_id], place) for place in shown]
    return page_envelope(contents, len(places), request)


def _service_at_location(catalog: Catalog, rows: Rows, place: Place) -> dict[str, Any]:
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
