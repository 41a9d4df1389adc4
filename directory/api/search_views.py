"""``GET /api/v1/search``: the directory's faceted, geo-aware search as JSON."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_smorest import Blueprint

from directory.api.auth import api_viewer
from directory.api.errors import api_error_response
from directory.api.http_cache import centers_changed_at, set_last_modified
from directory.api.responses import RATE_LIMIT_HEADERS, documented_errors
from directory.api.search_args import ApiArgsError, page_links, parse_api_search
from directory.api.search_schemas import SearchQuerySchema, SearchResultSchema
from directory.database import get_session
from directory.errors import RETRY_AFTER_SECONDS
from directory.public.search_presenter import public_query
from directory.search import SearchError, SearchUnavailable, get_search_service, search_centers

blp = Blueprint(
    "api_search",
    __name__,
    url_prefix="/api/v1",
    description="Search treatment centers: text, taxonomy filters, place and distance, with facets.",
)


@blp.get("/search")
@blp.arguments(SearchQuerySchema, location="query", as_kwargs=True)
@blp.response(200, SearchResultSchema, headers=RATE_LIMIT_HEADERS)
@documented_errors(blp, 400, 403, 422)
def search(**_checked: Any) -> Any:
    """Search the directory.

    The parameters are the public search page's: repeat a parameter for any of several values
    (OR); different parameters all apply (AND). With `near` and no `sort`, nearest first.
    """
    viewer = api_viewer()
    vocabulary = get_search_service().index.vocabulary
    try:
        args = parse_api_search(request, vocabulary, viewer)
        response = search_centers(public_query(args), viewer)
    except ApiArgsError as error:
        return api_error_response(error.status, error.message, error.errors)
    except SearchError as error:
        return api_error_response(400, str(error), {"_": [str(error)]})
    except SearchUnavailable:
        return api_error_response(503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    set_last_modified(centers_changed_at(get_session()))
    last, links = page_links("api_search.search", args, response.total)
    document: dict[str, Any] = response.as_json()
    document.update(pages=last, links=links)
    # Already in the documented shape (Schemathesis checks it): skip a second pass through the schema.
    return jsonify(document)
