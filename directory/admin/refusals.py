"""How the admin blueprint answers a stale form (CSRF) or a record that does not exist (404)."""

from __future__ import annotations

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound

from directory.admin import bp


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> tuple[str, int]:
    """Answer a missing or stale CSRF token with a page that says what to do; nothing was changed."""
    page = render_template(
        "public/form_error.html",
        title="Your form expired, please try again",
        message="For your security, admin forms work for a limited time and only from the page that "
        "showed them. Nothing was changed. Open the page again and send the form once more.",
        retry_url=request.path if request.method == "POST" else None,
    )
    return page, 400


@bp.errorhandler(NotFound)
def not_found(_error: NotFound) -> tuple[str, int]:
    """Say that the listing, submission or report does not exist."""
    return render_template("admin/not_found.html"), 404
