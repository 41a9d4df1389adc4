"""Public pages: the forms people send us ("list your center", "report incorrect information").

Both use POST-redirect-GET, CSRF tokens and a rate limit on POST per address (``LIST_CENTER_RATE_LIMIT``,
``REPORT_RATE_LIMIT``, read at request time). A filled honeypot gets the ordinary thank-you page and
stores nothing. Invalid input answers 400 with a message per field. Nothing submitted is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import Session

from directory.database import get_session
from directory.extensions import limiter
from directory.models import Center
from directory.operations.corrections import find_reportable_center
from directory.operations.corrections import report_correction as store_report
from directory.operations.errors import OperationError
from directory.operations.submissions import create_pending_listing, term_choices
from directory.public import bp
from directory.public.forms import CorrectionForm, ListingForm, PublicForm

DEFAULT_RATE_LIMIT = "5 per minute;20 per hour"
#: Business days within which staff review a new listing (``LISTING_REVIEW_BUSINESS_DAYS``).
DEFAULT_REVIEW_DAYS = 5
#: The audit trail's actor labels for what the public sends.
LISTING_ACTOR = "public listing form"
REPORT_ACTOR = "public correction form"


def _rate_limit(config_key: str) -> Callable[[], str]:
    """Return a limit read from ``config_key`` on each request (so tests and deployments can set it)."""

    def limit() -> str:
        return str(current_app.config.get(config_key) or DEFAULT_RATE_LIMIT)

    return limit


def _private(response: Response) -> Response:
    """Keep pages holding a CSRF token or submitted values out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_page(template: str, status: int, **context: object) -> Response:
    """Render a form page with ``status`` (400 when the submission was refused)."""
    return _private(make_response(render_template(template, **context), status))


@bp.route("/list-your-center", methods=["GET", "POST"])
@limiter.limit(_rate_limit("LIST_CENTER_RATE_LIMIT"), methods=["POST"])
def list_your_center() -> Response:
    """Show the "list your center for free" form, or create a pending listing from it."""
    session = get_session()
    form = ListingForm()
    form.set_term_choices(term_choices(session, "therapy"), term_choices(session, "level_of_care"))
    if request.method == "POST":
        if form.is_bot or _accepted(
            session, form, lambda data: create_pending_listing(session, data, actor=LISTING_ACTOR)
        ):
            return redirect(url_for("public.list_your_center_thanks"), 303)
        return _form_page("public/list_center.html", 400, form=form, review_days=_review_days())
    return _form_page("public/list_center.html", 200, form=form, review_days=_review_days())


@bp.get("/list-your-center/thanks")
def list_your_center_thanks() -> Response:
    """Say what happens to a listing after it was sent."""
    return _form_page("public/list_center_thanks.html", 200, review_days=_review_days())


@bp.route("/centers/<slug>/report", methods=["GET", "POST"])
@limiter.limit(_rate_limit("REPORT_RATE_LIMIT"), methods=["POST"])
def report_correction(slug: str) -> Response:
    """Show the "report incorrect information" form for a listing, or store the report."""
    session = get_session()
    center = _reportable_or_404(session, slug)
    form = CorrectionForm()
    if request.method == "POST":
        if form.is_bot or _accepted(
            session, form, lambda data: store_report(session, center, data, actor=REPORT_ACTOR)
        ):
            return redirect(url_for("public.report_correction_thanks", slug=center.slug), 303)
        return _form_page("public/report.html", 400, form=form, center=center)
    return _form_page("public/report.html", 200, form=form, center=center)


@bp.get("/centers/<slug>/report/thanks")
def report_correction_thanks(slug: str) -> Response:
    """Say that staff will review the report and that the listing is unchanged until then."""
    center = _reportable_or_404(get_session(), slug)
    return _form_page("public/report_thanks.html", 200, center=center)


def _accepted(session: Session, form: PublicForm, operation: Callable[[dict[str, Any]], object]) -> bool:
    """Validate ``form``, run ``operation`` on its values and commit once; else leave messages on it."""
    if not form.validate():
        return False
    try:
        operation(form.cleaned)
    except OperationError as error:
        session.rollback()
        form.add_errors(error.field_errors or [error.message])
        return False
    session.commit()
    return True


def _reportable_or_404(session: Session, slug: str) -> Center:
    """Return the public listing ``slug`` names, or answer 404."""
    center = find_reportable_center(session, slug)
    if center is None:
        abort(404)
    return center


def _form_url() -> str | None:
    """Return the canonical address of the form the refused request was sent to."""
    if request.endpoint is None:
        return None
    return url_for(request.endpoint, **(request.view_args or {}))


def _review_days() -> int:
    """Return how many business days staff take to review a new listing."""
    return int(current_app.config.get("LISTING_REVIEW_BUSINESS_DAYS", DEFAULT_REVIEW_DAYS))


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> Response:
    """Answer a missing or stale CSRF token with a page that says what to do, not a stack trace."""
    return _form_page(
        "public/form_error.html",
        400,
        title="Your form expired, please try again",
        message="For your security, forms on this site work for a limited time and only from the page "
        "that showed them. Nothing was saved. Open the form again, fill it in and send it.",
        retry_url=_form_url(),
    )


@bp.errorhandler(RateLimitExceeded)
def rate_limited(_error: RateLimitExceeded) -> Response:
    """Answer too many submissions from one address with a friendly page; the limiter adds Retry-After."""
    return _form_page(
        "public/form_error.html",
        429,
        title="Too many attempts",
        message="We received several forms from your network in a short time, so this one was not saved. "
        "Please wait a few minutes and try again.",
        retry_url=_form_url(),
    )
