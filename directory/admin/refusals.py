"""How the admin blueprint answers a stale form (CSRF) or a listing that does not exist (404)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound

from directory.admin import bp


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> tuple[str, int]:
    """Answer a missing or stale CSRF token with a page that says what to do."""
    slug = (request.view_args or {}).get("slug")
    retry = url_for("admin.center", slug=slug) if slug else request.path
    page = render_template(
        "public/form_error.html",
        title="Your form expired, please try again",
        message="For your security, admin forms work for a limited time and only from the page that "
        "showed them. Open the page again and send the form once more.",
        retry_url=retry,
    )
    return page, 400


@bp.errorhandler(NotFound)
def not_found(_error: NotFound) -> tuple[str, int]:
    """Say that the listing does not exist, and where to look for it."""
    return render_template("staff/not_found.html"), 404
