"""``GET /healthz``: the database (reachable, counts, schema revision) and the search index's state.

The public answer names what is wrong in words ("database unreachable"); the driver's message,
which can carry the database's address, goes to the log for the operator.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from directory.database import get_database
from directory.index_repair import IndexHealth
from directory.migrate import current_revision, head_revision
from directory.models import Article, Center, ListingStatus
from directory.search import get_search_service

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

DATABASE_UNREACHABLE = "database unreachable"
SCHEMA_MISSING = "database schema missing; run 'flask db upgrade'"
SCHEMA_BEHIND = "database schema behind; run 'flask db upgrade'"


class DatabaseProblem(Exception):
    """The database cannot serve the site; ``reason`` says why in words a visitor may read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Report the database (503 with a reason in words when it cannot serve) and the index's state."""
    try:
        database = database_report(get_database().engine)
    except DatabaseProblem as problem:
        return jsonify(status="unavailable", database="error", reason=problem.reason), 503
    body: dict[str, Any] = {"status": "ok" if "reason" not in database else "degraded", **database}
    index = get_search_service().health()
    body["index"] = index.value
    if index is not IndexHealth.OK:
        body["status"] = "degraded"
    return jsonify(body), 200


def database_report(engine: Engine) -> dict[str, Any]:
    """Return the database's revision and counts; raise :class:`DatabaseProblem` when it cannot serve."""
    head = head_revision()
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as error:
        raise _logged(DATABASE_UNREACHABLE, error) from error
    if revision is None:
        raise _logged(SCHEMA_MISSING, None)
    try:
        with engine.connect() as connection:
            centers = connection.scalar(
                select(func.count()).select_from(Center).where(Center.status == ListingStatus.PUBLISHED)
            )
            articles = connection.scalar(
                select(func.count()).select_from(Article).where(Article.published_on.is_not(None))
            )
    except SQLAlchemyError as error:
        raise _logged(SCHEMA_BEHIND if revision != head else DATABASE_UNREACHABLE, error) from error
    report: dict[str, Any] = {
        "database": "ok",
        "schema_revision": revision,
        "schema_head": head,
        "published_centers": centers,
        "published_articles": articles,
    }
    if revision != head:
        report["reason"] = SCHEMA_BEHIND
    return report


def _logged(reason: str, error: SQLAlchemyError | None) -> DatabaseProblem:
    """Log ``reason`` with the driver's first line (for the operator) and return the public problem."""
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0] if error else ""
    log.warning("health check: %s%s", reason, f" ({detail})" if detail else "")
    return DatabaseProblem(reason)
