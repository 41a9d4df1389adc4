"""Admin: listings sent through "List your center for free" (``/admin/submissions``), and deciding on one.

The app-wide CSRF check guards every form. A submission's page posts one form per decision
(``action``: publish, merge, request_info, reject); the view calls the one operation, commits once
and redirects. A refusal shows the page again with the message next to its form (400); a role
refusal is a 403. Access is said in directory.access.
"""

from __future__ import annotations

import uuid

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from directory.admin import bp
from directory.admin.actors import signed_in_admin
from directory.admin.submission_page import present_submission
from directory.database import get_session
from directory.models import Center, ListingSubmission
from directory.operations.centers import find_center
from directory.operations.duplicates import find_duplicate_candidates
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.submission_review import (
    MERGE_FIELDS,
    RejectionGrounds,
    merge_submission,
    publish_submission,
    reject_submission,
    request_submission_info,
    waiting_submissions,
)
from directory.public.forms import UNREADABLE_TEXT, unreadable
from directory.schemas.fields import SLUG_PATTERN

#: The text fields each decision's form sends.
TYPED_FIELDS = ("question", "reason", "grounds", "target", *(f"pick_{name}" for name in MERGE_FIELDS))


@bp.get("/submissions")
def submissions() -> str:
    """List the submitted listings waiting for review, oldest first."""
    session = get_session()
    waiting = waiting_submissions(session)
    duplicates = {
        item.id: len(find_duplicate_candidates(session, item.center)) for item in waiting if item.center
    }
    return render_template("admin/submissions.html", waiting=waiting, duplicates=duplicates)


@bp.route("/submissions/<uuid:submission_id>", methods=["GET", "POST"])
def submission(submission_id: uuid.UUID) -> Response | tuple[str, int]:
    """Show a submission with its duplicates (and a merge comparison), or make a decision on it."""
    session = get_session()
    found = session.get(ListingSubmission, submission_id)
    if found is None:
        abort(404)
    if request.method == "GET":
        target, problem = _merge_target(request.args.get("merge"))
        errors = {"merge": problem} if problem else {}
        return _page(
            found, target, {"target": request.args.get("merge", "")}, errors, 400 if problem else 200
        )
    action = request.form.get("action", "")
    typed = {name: request.form.get(name, "") for name in TYPED_FIELDS}
    unreadable_fields = [name for name, value in typed.items() if unreadable(value)]
    if unreadable_fields:
        return _page(found, None, typed, {f"{action}:{unreadable_fields[0]}": UNREADABLE_TEXT}, 400)
    name = found.center.name if found.center else "this submission"
    try:
        message = _decide(session, found, action, typed)
    except PermissionDenied:
        abort(403)
    except OperationError as error:
        session.rollback()
        errors = {f"{action}:{field}": " ".join(map(str, msgs)) for field, msgs in error.field_errors.items()}
        errors[action] = error.message
        target = _merge_target(typed["target"])[0] if action == "merge" else None
        return _page(session.get(ListingSubmission, submission_id) or found, target, typed, errors, 400)
    session.commit()
    flash(message.format(name=name), "info")
    if action == "request_info":
        return redirect(url_for("admin.submission", submission_id=submission_id), 303)
    return redirect(url_for("admin.submissions"), 303)


def _decide(session: Session, found: ListingSubmission, action: str, typed: dict[str, str]) -> str:
    """Run the decision ``action`` names; return the message to flash (``{name}`` filled in later)."""
    actor = signed_in_admin()
    if action == "publish":
        publish_submission(session, found, actor=actor)
        return "Published {name}: it reaches public search within a few seconds."
    if action == "request_info":
        request_submission_info(session, found, typed["question"], actor=actor)
        return "Recorded your question about {name}. Send it to the submitter from your mail."
    if action == "reject":
        reject_submission(session, found, typed["grounds"], typed["reason"], actor=actor)
        return "Rejected {name}; the listing and the submitter's details are deleted."
    if action == "merge":
        target, problem = _merge_target(typed["target"])
        if target is None:
            raise OperationError(
                problem or "Choose the listing to merge into.", {"target": [problem or "Required."]}
            )
        picks = {name: typed[f"pick_{name}"] for name in MERGE_FIELDS if typed[f"pick_{name}"]}
        merge_submission(session, found, target, picks, actor=actor)
        return "Merged {name} into " + target.name + "; the submitted listing is retired."
    raise OperationError("Choose a decision: publish, merge, ask for information or reject.")


def _merge_target(slug: str | None) -> tuple[Center | None, str | None]:
    """Return the listing a merge goes into, or why there is none."""
    if not slug:
        return None, None
    slug = slug.strip()
    center = find_center(get_session(), slug) if len(slug) <= 120 and SLUG_PATTERN.match(slug) else None
    if center is None:
        return None, "No listing has this address (slug). Copy it from the listing's staff page."
    return center, None


def _page(
    found: ListingSubmission,
    target: Center | None,
    typed: dict[str, str],
    errors: dict[str, str],
    status: int,
) -> tuple[str, int]:
    page = present_submission(get_session(), found, target, typed)
    page.errors = errors
    return render_template(
        "admin/submission.html", page=page, grounds=list(RejectionGrounds), form=FlaskForm()
    ), status
