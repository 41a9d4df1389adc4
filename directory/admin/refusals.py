"""How the admin blueprint answers a stale form (CSRF) or a record that does not exist (404)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound

from directory.admin import bp

#: Each admin form's page to go back to, by the endpoint the form posts to (default: the form's own page).
FORM_PAGES: dict[str, str] = {
    "admin.create_user": "admin.users",
    "admin.change_user_role": "admin.users",
    "admin.deactivate_user": "admin.users",
    "admin.activate_user": "admin.users",
    "admin.invite_user": "admin.users",
}


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> tuple[str, int]:
    """Answer a missing or stale CSRF token with a page that says what to do."""
    page = render_template(
        "public/form_error.html",
        title="Your form expired, please try again",
        message="For your security, staff forms work for a limited time and only from the page that "
        "showed them. Open the page again and send the form once more.",
        retry_url=_page_of_the_form(),
    )
    return page, 400


@bp.errorhandler(NotFound)
def not_found(_error: NotFound) -> tuple[str, int]:
    """Say that the record does not exist, and where to look for it."""
    return render_template("admin/not_found.html"), 404


def _page_of_the_form() -> str:
    """Return the page an admin form came from."""
    endpoint = request.endpoint or ""
    if endpoint in FORM_PAGES:
        return url_for(FORM_PAGES[endpoint])
    if endpoint == "admin.edit_article" and request.view_args:
        return url_for(endpoint, **request.view_args)
    return url_for("admin.articles") if "article" in endpoint else url_for("admin.users")
