"""The page every public URL answers while the search index is rebuilt and cannot answer (503)."""

from __future__ import annotations

from flask import Response, make_response, render_template

from directory.public import bp
from directory.search import SearchUnavailable

#: Seconds a visitor (or a crawler) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 60


@bp.app_errorhandler(SearchUnavailable)
def search_unavailable(_error: SearchUnavailable) -> Response:
    """Say that search is being rebuilt, with the crisis line, and when to come back."""
    response = make_response(render_template("public/search_unavailable.html"), 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
