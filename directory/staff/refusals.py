"""How the staff blueprint answers a stale form (CSRF) or something that does not exist (404)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound

from directory.staff import bp


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
    """Say that the listing (or note) does not exist, and where to look for it."""
    return render_template("staff/not_found.html"), 404


#: The center view's forms, whose ``slug`` names the listing to go back to.
CENTER_FORMS = frozenset({"staff.add_note", "staff.delete_note", "staff.flag_center"})


def _page_of_the_form() -> str:
    """Return the page a staff form came from: the center view for its forms, else staff home."""
    slug = (request.view_args or {}).get("slug")
    if request.endpoint in CENTER_FORMS and slug:
        return url_for("staff.center", slug=slug)
    return url_for("staff.home")
