"""The API's reads: a center by id or slug, the articles, one article and the taxonomy."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from directory.api.article_documents import article_document, article_summary, articles_changed_at
from directory.api.auth import api_viewer
from directory.api.center_documents import center_document, find_api_center
from directory.api.content_schemas import (
    ArticleDetailSchema,
    ArticleListSchema,
    CenterDetailSchema,
    TaxonomySchema,
)
from directory.api.errors import api_error_response
from directory.api.http_cache import centers_changed_at, set_last_modified
from directory.api.responses import RATE_LIMIT_HEADERS, documented_errors
from directory.api.taxonomy_documents import taxonomy_document
from directory.database import get_session
from directory.public.center_presenter import present_center
from directory.public.related import published_article, published_articles
from directory.search import get_search_service
from directory.site_address import absolute_url_for

blp = Blueprint("api_centers", __name__, url_prefix="/api/v1", description="A center's listing, in full.")
articles_blp = Blueprint(
    "api_articles", __name__, url_prefix="/api/v1", description="The resource library's articles."
)
taxonomy_blp = Blueprint(
    "api_taxonomy", __name__, url_prefix="/api/v1", description="The vocabulary the filters use."
)

_SLUG_PARAMETER = {
    "in": "path",
    "name": "slug",
    "required": True,
    "description": "The article's slug (lowercase words joined by hyphens).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 120},
    "example": "esketamine-spravato-explained",
}
_CENTER_PARAMETER = {
    "in": "path",
    "name": "id_or_slug",
    "required": True,
    "description": "The center's id (a UUID) or its slug.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 120},
    "example": "eskerlane-mood-clinic",
}


@blp.route("/centers/<id_or_slug>", methods=["GET"], parameters=[_CENTER_PARAMETER])
@blp.response(200, CenterDetailSchema, headers=RATE_LIMIT_HEADERS)
@documented_errors(blp, 404)
def center(id_or_slug: str) -> Any:
    """Show a published or closed center: everything its public page shows."""
    api_viewer()
    session = get_session()
    found = find_api_center(session, id_or_slug)
    if found is None:
        return api_error_response(404, "No published or closed center has that id or slug.")
    vocabulary = get_search_service().index.vocabulary
    page = present_center(session, found, vocabulary, absolute_url_for("public.center", slug=found.slug))
    set_last_modified(found.updated_at)
    return center_document(page)


@articles_blp.route("/articles", methods=["GET"])
@articles_blp.response(200, ArticleListSchema, headers=RATE_LIMIT_HEADERS)
@documented_errors(articles_blp)
def articles() -> Any:
    """List the published articles, most recently updated first."""
    api_viewer()
    found = published_articles(get_session())
    set_last_modified(articles_changed_at(found))
    return {"total": len(found), "articles": [article_summary(article) for article in found]}


@articles_blp.route("/articles/<slug>", methods=["GET"], parameters=[_SLUG_PARAMETER])
@articles_blp.response(200, ArticleDetailSchema, headers=RATE_LIMIT_HEADERS)
@documented_errors(articles_blp, 404)
def article(slug: str) -> Any:
    """Show a published article with its "find centers" searches as API links."""
    api_viewer()
    found = published_article(get_session(), slug)
    if found is None:
        return api_error_response(404, "No published article has that slug.")
    set_last_modified(articles_changed_at([found]))
    return article_document(found)


@taxonomy_blp.route("/taxonomy", methods=["GET"])
@taxonomy_blp.response(200, TaxonomySchema, headers=RATE_LIMIT_HEADERS)
@documented_errors(taxonomy_blp)
def taxonomy() -> Any:
    """List the taxonomy schemes and their terms: each scheme is a search parameter."""
    api_viewer()
    set_last_modified(centers_changed_at(get_session()))
    return taxonomy_document(get_search_service().index.vocabulary)
