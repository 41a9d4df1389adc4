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
    "admin.issue_api_token": "admin.api_tokens",
    "admin.revoke_api_token": "admin.api_tokens",
}


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> tuple[str, int]:
    """Answer a missing or stale CSRF token with a page that says what to do; nothing was changed."""
    page = render_template(
        "public/form_error.html",
        title="Your form expired, please try again",
        message="For your security, admin forms work for a limited time and only from the page that "
        "showed them. Nothing was changed. Open the page again and send the form once more.",
        retry_url=_page_of_the_form(),
    )
    return page, 400


@bp.errorhandler(NotFound)
def not_found(_error: NotFound) -> tuple[str, int]:
    """Say that the record (listing, submission, report, article, account) does not exist."""
    return render_template("admin/not_found.html"), 404


def _page_of_the_form() -> str:
    """Return the page an admin form came from: a listing's hub, the accounts, an edit form, or itself."""
    endpoint = request.endpoint or ""
    view_args = request.view_args or {}
    if endpoint in FORM_PAGES:
        return url_for(FORM_PAGES[endpoint])
    if endpoint in ("admin.edit_article", "admin.edit_center"):
        return url_for(endpoint, **view_args)
    if "article" in endpoint:
        return url_for("admin.articles")
    if "slug" in view_args:
        return url_for("admin.center", slug=view_args["slug"])
    return request.path
