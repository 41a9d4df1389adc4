"""Template helpers and the headers every page carries (privacy first: no referrer leaks)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Response, current_app
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from directory.api.errors import api_error_response, is_api_request
from directory.errors import http_error_page
from directory.public import bp
from directory.search import get_search_service

#: No third-party scripts, styles, fonts, frames or images: everything comes from this app.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


@bp.app_template_global()
def term_label(scheme: str, code: str) -> str:
    """Return a taxonomy term's label (the code itself if the vocabulary lacks it)."""
    term = get_search_service(current_app).index.vocabulary.term(scheme, code)
    return term.label if term else code


@bp.app_template_filter("date_text")
def date_text(value: str | date | datetime | None) -> str:
    """Format an ISO date or date-time as 'March 3, 2026'."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{value:%B} {value.day}, {value.year}"


@bp.app_template_filter("miles_away")
def miles_away(miles: float) -> str:
    """Say how far a center is, to a tenth of a mile: 'less than 0.1 mile', '1 mile', '2.5 miles'."""
    tenths = round(miles, 1)
    if tenths < 0.1:
        return "less than 0.1 mile"
    if tenths == 1:
        return "1 mile"
    return f"{tenths:,.1f}".removesuffix(".0") + " miles"


@bp.after_app_request
def privacy_headers(response: Response) -> Response:
    """Keep search terms from leaking to other sites, and load nothing from them."""
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Permissions-Policy", "geolocation=(), camera=(), microphone=(), interest-cohort=()"
    )
    return response


@bp.app_errorhandler(413)
def too_large(_error: Exception) -> ResponseReturnValue:
    """Refuse an oversized body: the site's error page (directory.errors), or the JSON error under /api/."""
    if is_api_request():
        return api_error_response(413, "Requests accept at most 1 MB; this one sent more. Send less.")
    return http_error_page(RequestEntityTooLarge())
