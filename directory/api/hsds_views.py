"""The HSDS 3.0 read API under ``/api/hsds/``: thin views over :mod:`directory.hsds.api_queries`.

Published listings only, in HSDS's shapes (the file export's mapping). A bad parameter answers 400
(its meaning) or 422 (its type or range) naming it; an unknown id 404; every answer is conditional
(ETag, Last-Modified) and public unless its URL carries a query string (search terms are private).
``/services?format=ndjson`` streams every published service, one JSON object a line, from a
session of its own that the stream closes when it ends or the client goes away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import Response, jsonify, stream_with_context
from flask_smorest import Blueprint

from directory.api.auth import api_viewer
from directory.api.errors import api_error_response
from directory.api.hsds_schemas import (
    NDJSON,
    ORGANIZATION,
    ROOT,
    SERVICE,
    SERVICE_AT_LOCATION,
    TAXONOMY,
    TAXONOMY_TERM,
    OrganizationQuery,
    OrganizationsQuery,
    ServiceAtLocationsQuery,
    ServicesQuery,
    TaxonomiesQuery,
    TaxonomyTermsQuery,
    page_of,
    path_id,
)
from directory.api.http_cache import centers_changed_at, set_last_modified
from directory.api.responses import RATE_LIMIT_HEADERS, documented_errors
from directory.database import get_database, get_session
from directory.errors import RETRY_AFTER_SECONDS
from directory.hsds import api_queries
from directory.hsds.errors import HsdsQueryError
from directory.hsds.publisher import Publisher, current_publisher
from directory.search import SearchUnavailable

blp = Blueprint(
    "api_hsds",
    __name__,
    url_prefix="/api/hsds",
    description="Open Referral HSDS 3.0 read API: the published listings as HSDS services and organizations.",
)


def _answer(query: Callable[..., dict[str, Any] | None], *args: Any, **kwargs: Any) -> Response:
    """Run an HSDS query with the session and publisher; answer it as JSON, 400, 404 or 503."""
    api_viewer()
    session = get_session()
    try:
        found = query(session, current_publisher(), *args, **kwargs)
    except HsdsQueryError as error:
        return api_error_response(400, error.message, {error.field: [error.message]})
    except SearchUnavailable:
        return api_error_response(503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    if found is None:
        return api_error_response(404, "No published record has that id.")
    set_last_modified(centers_changed_at(session))
    return jsonify(found)


@blp.route("/", methods=["GET"])
@blp.response(200, ROOT, headers=RATE_LIMIT_HEADERS)
@documented_errors(blp)
def root() -> Any:
    """Tell the HSDS version, profile and OpenAPI document of this API."""
    api_viewer()
    return jsonify(api_queries.api_root(current_publisher()))


@blp.route("/services", methods=["GET"])
@blp.arguments(ServicesQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(SERVICE), headers=RATE_LIMIT_HEADERS)
@blp.doc(
    responses={
        200: {
            "content": {
                NDJSON: {"schema": {"type": "string", "description": "One fully nested service a line."}}
            }
        }
    }
)
@documented_errors(blp, 400, 422)
def services(format: str = "json", **filters: Any) -> Any:
    """List published services (one-to-one fields, with the organization), or stream them all as ndjson."""
    if format == "ndjson":
        return _stream_services(filters)
    return _answer(api_queries.list_services, **filters)


def _stream_services(filters: dict[str, Any]) -> Response:
    """Answer every published service as ndjson, streamed; refuse filters, which it cannot apply."""
    api_viewer()
    given = sorted(name for name, value in filters.items() if value and name not in ("page", "per_page"))
    if given:
        message = "format=ndjson streams every published service: drop the filters, or use format=json."
        return api_error_response(400, message, {name: [message] for name in given})
    response = Response(stream_with_context(_ndjson(current_publisher())), mimetype=NDJSON)
    response.direct_passthrough = True  # streamed: no ETag computed from a body read in full
    response.last_modified = centers_changed_at(get_session())
    return response


def _ndjson(publisher: Publisher) -> Iterator[bytes]:
    """Yield every published service as a UTF-8 JSON line, from a session closed when the stream ends."""
    session = get_database().sessions()
    try:
        for line in api_queries.iter_services_ndjson(session, publisher):
            yield line.encode()
    finally:
        session.close()


@blp.route("/services/<id>", methods=["GET"], parameters=[path_id("service")])
@blp.response(200, SERVICE, headers=RATE_LIMIT_HEADERS)
@documented_errors(blp, 404)
def service(id: str) -> Any:
    """Show a published service fully nested, with its organization, locations and terms."""
    return _answer(api_queries.get_service, id)


@blp.route("/organizations", methods=["GET"])
@blp.arguments(OrganizationsQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(ORGANIZATION), headers=RATE_LIMIT_HEADERS)
@documented_errors(blp, 400, 422)
def organizations(**arguments: Any) -> Any:
    """List the organizations of published listings (their one-to-one fields)."""
    return _answer(api_queries.list_organizations, **arguments)


@blp.route("/organizations/<id>", methods=["GET"], parameters=[path_id("organization")])
@blp.arguments(OrganizationQuery, location="query", as_kwargs=True)
@blp.response(200, ORGANIZATION, headers=RATE_LIMIT_HEADERS)
@documented_errors(blp, 404, 422)
def organization(id: str, full_service: bool = False) -> Any:
    """Show a published listing's organization with its locations and services."""
    return _answer(api_queries.get_organization, id, full_service=full_service)


@blp.route("/service_at_locations", methods=["GET"])
@blp.arguments(ServiceAtLocationsQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(SERVICE_AT_LOCATION), headers=RATE_LIMIT_HEADERS)
@documented_errors(blp, 400, 422)
def service_at_locations(**arguments: Any) -> Any:
    """List published services at each of their locations; by ZIP code, or within meters of one."""
    return _answer(api_queries.list_service_at_locations, **arguments)


@blp.route("/taxonomies", methods=["GET"])
@blp.arguments(TaxonomiesQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(TAXONOMY), headers=RATE_LIMIT_HEADERS)
@documented_errors(blp, 422)
def taxonomies(**arguments: Any) -> Any:
    """List the taxonomies: the vocabulary's schemes and the directory's marks."""
    return _answer(api_queries.list_taxonomies, **arguments)


@blp.route("/taxonomy_terms", methods=["GET"])
@blp.arguments(TaxonomyTermsQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(TAXONOMY_TERM), headers=RATE_LIMIT_HEADERS)
@documented_errors(blp, 400, 422)
def taxonomy_terms(**arguments: Any) -> Any:
    """List taxonomy terms, each with its taxonomy; by taxonomy, parent or search words."""
    return _answer(api_queries.list_taxonomy_terms, **arguments)
