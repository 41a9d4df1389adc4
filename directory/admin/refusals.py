"""How the admin blueprint answers a stale form (CSRF) or a record that does not exist (404)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound

from directory.admin import bp

#: Forms posted to the page that shows them: the retry link goes back to that page itself.
SELF_POSTING_FORMS = frozenset(
    {"admin.edit_center", "admin.verify_center", "admin.submission", "admin.correction"}
)


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> tuple[str, int]:
    """Answer a missing or stale CSRF token with a page that says what to do; nothing was changed."""
    slug = (request.view_args or {}).get("slug")
    if request.endpoint in SELF_POSTING_FORMS or not slug:
        retry = request.path
    else:  # the listing hub's action forms post to URLs of their own
        retry = url_for("admin.center", slug=slug)
    page = render_template(
        "public/form_error.html",
        title="Your form expired, please try again",
        message="For your security, admin forms work for a limited time and only from the page that "
        "showed them. Nothing was changed. Open the page again and send the form once more.",
        retry_url=retry,
    )
    return page, 400


@bp.errorhandler(NotFound)
def not_found(_error: NotFound) -> tuple[str, int]:
    """Say that the listing, submission or report does not exist, and where to look for it."""
    return render_template("admin/not_found.html"), 404
