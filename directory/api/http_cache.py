"""Conditional GETs for the API: ETag and Last-Modified on every answer, 304 when the client has it.

Public answers are ``Cache-Control: public`` (the directory's public listing), except that a URL carrying
search terms stays ``private, no-store`` as on the whole site (directory.response_policy); answers
to staff are ``private, no-store`` and never conditional on a shared cache. An answer to a request
with a token varies on ``Authorization``, so a shared cache never answers one token holder (or an
anonymous reader) with another's copy.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.api.errors import is_api_request
from directory.models import SearchChange
from directory.response_policy import PRIVATE
from directory.search import Viewer


def set_last_modified(when: datetime | None) -> None:
    """Say when the data behind this answer last changed (sent as Last-Modified)."""
    if when is not None:
        g.api_last_modified = when


def centers_changed_at(session: Session) -> datetime | None:
    """Return when any center's search document last changed (the newest change-log entry)."""
    return session.scalar(select(SearchChange.changed_at).order_by(SearchChange.id.desc()).limit(1))


def conditional_get(response: Response) -> Response:
    """Add ETag, Last-Modified and Cache-Control to a successful API GET; answer 304 if it matches."""
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or not is_api_request()
        or response.direct_passthrough  # files (the docs page's assets) carry their own
    ):
        return response
    if g.get("api_viewer") is Viewer.STAFF:
        response.headers["Cache-Control"] = PRIVATE
        response.vary.add("Cookie")
    else:
        max_age = int(current_app.config["API_CACHE_MAX_AGE"])
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
    if "Authorization" in request.headers:
        # Each token's use is counted and limited: a shared cache keeps its answers apart.
        response.vary.add("Authorization")
    if "ETag" not in response.headers:
        response.add_etag()
    if (changed := g.get("api_last_modified")) is not None:
        response.last_modified = changed
    return response.make_conditional(request)
