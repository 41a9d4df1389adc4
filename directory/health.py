"""``GET /healthz``: the database (reachable, counts, schema revision) and the search index's state."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from directory.database import get_database
from directory.index_repair import IndexHealth
from directory.migrate import current_revision, head_revision
from directory.models import Article, Center, ListingStatus
from directory.search import get_search_service

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Report database reachability and counts; 503 with a reason when the database is down."""
    engine = get_database().engine
    try:
        with engine.connect() as connection:
            centers = connection.scalar(
                select(func.count()).select_from(Center).where(Center.status == ListingStatus.PUBLISHED)
            )
            articles = connection.scalar(
                select(func.count()).select_from(Article).where(Article.published_on.is_not(None))
            )
        revision = current_revision(engine)
    except SQLAlchemyError as error:
        reason = str(error.orig if getattr(error, "orig", None) else error).splitlines()[0]
        return jsonify(status="unavailable", database="error", reason=reason), 503
    head = head_revision()
    body = {
        "status": "ok" if revision == head else "degraded",
        "database": "ok",
        "schema_revision": revision,
        "schema_head": head,
        "published_centers": centers,
        "published_articles": articles,
    }
    if revision != head:
        body["reason"] = "the database schema is not at the newest revision; run 'flask db upgrade'"
    index = get_search_service().health()
    body["index"] = index.value
    if index is not IndexHealth.OK:
        body["status"] = "degraded"
    return jsonify(body), 200
