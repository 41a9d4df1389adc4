"""The staff view of a center (``/staff/centers/<slug>``), its staff notes and its dead-end flags.

Views parse the form, call one operation, commit once and redirect; a refusal shows the page again
with the message next to the form (400), a role refusal is a 403. Access is said in directory.access.
"""

from __future__ import annotations

import uuid

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from directory.auth.accounts import signed_in_user
from directory.auth.redirects import safe_next
from directory.database import get_session
from directory.models import Center, StaffNote, User
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.staff_flags import flag_listing, reverify_days_setting
from directory.operations.staff_notes import add_staff_note, delete_staff_note
from directory.search import get_search_service
from directory.site_address import absolute_url_for
from directory.staff import bp
from directory.staff.center_record import FLAG_CHOICES, find_staff_center, present_staff_center


@bp.get("/centers/<slug>")
def center(slug: str) -> tuple[str, int]:
    """Show the listing as the public sees it, plus its status, record, flags, notes and history."""
    return _page(_center_or_404(slug))


@bp.post("/centers/<slug>/notes")
def add_note(slug: str) -> Response | tuple[str, int]:
    """Add the signed-in staff member's note to the listing."""
    found = _center_or_404(slug)
    body = request.form.get("body", "")
    try:
        add_staff_note(get_session(), found, body, actor=_actor())
    except PermissionDenied:
        abort(403)
    except OperationError as error:
        return _refused(found, {"note": error.message}, {"body": body})
    get_session().commit()
    flash("Your note is added.", "info")
    return redirect(url_for("staff.center", slug=slug, _anchor="notes-title"), 303)


@bp.post("/centers/<slug>/notes/<uuid:note_id>/delete")
def delete_note(slug: str, note_id: uuid.UUID) -> Response | tuple[str, int]:
    """Delete a note (its author or an admin), saying why."""
    found = _center_or_404(slug)
    session = get_session()
    note = session.get(StaffNote, note_id)
    if note is None or note.center_id != found.id:
        abort(404)
    reason = request.form.get("reason", "")
    try:
        delete_staff_note(session, note, actor=_actor(), reason=reason)
    except PermissionDenied:
        abort(403)
    except OperationError as error:
        return _refused(found, {f"delete:{note_id}": error.message}, {f"reason:{note_id}": reason})
    session.commit()
    flash("The note is deleted.", "info")
    return redirect(url_for("staff.center", slug=slug, _anchor="notes-title"), 303)


@bp.post("/centers/<slug>/flags")
def flag_center(slug: str) -> Response | tuple[str, int]:
    """Report a dead end to the research team, then go back to the page it was sent from."""
    found = _center_or_404(slug)
    reason, note = request.form.get("reason", ""), request.form.get("note", "")
    back = safe_next(request.form.get("next"))
    try:
        flag = flag_listing(
            get_session(),
            found,
            reason,
            actor=_actor(),
            note=note,
            reverify_days=reverify_days_setting(current_app.config),
        )
    except PermissionDenied:
        abort(403)
    except OperationError as error:
        return _refused(found, {"flag": error.message}, {"reason": reason, "note": note, "next": back or ""})
    due = flag.reverify_by
    get_session().commit()
    flash(
        f"Reported to the research team: {found.name}, “{flag.flag_reason.label.lower()}”. "
        f"They will check it by {due:%B} {due.day}, {due.year}.",
        "info",
    )
    return redirect(back or url_for("staff.center", slug=slug), 303)


@bp.app_template_global()
def staff_flag_reasons() -> list[tuple[str, str]]:
    """Return the flag form's choices (value, label), in the order staff screens list them."""
    return FLAG_CHOICES


def _center_or_404(slug: str) -> Center:
    found = find_staff_center(get_session(), slug)
    if found is None:
        abort(404)
    return found


def _actor() -> User:
    user = signed_in_user()
    if user is None:
        abort(403)
    return user


def _refused(found: Center, errors: dict[str, str], values: dict[str, str]) -> tuple[str, int]:
    get_session().rollback()
    return _page(found, errors, values, 400)


def _page(
    found: Center,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    session = get_session()
    vocabulary = get_search_service().index.vocabulary
    page = present_staff_center(
        session, found, vocabulary, absolute_url_for("public.center", slug=found.slug)
    )
    page.errors, page.values = errors or {}, values or {}
    return render_template("staff/center.html", page=page), status
