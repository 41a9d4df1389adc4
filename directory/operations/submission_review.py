"""The research team's decisions on listings sent through "List your center for free".

A submission waits as a pending listing with its contact (``ListingSubmission``). An admin then
publishes it as a new listing (through the listing state machine), merges it into the listing it
duplicates (field by field; the pending listing is retired and the submission records where it
went), asks the submitter for more information, or rejects it as spam or out of scope (the pending
listing is deleted, and with it the submitter's name and e-mail). Every decision is audited in the
same transaction; the submitter's private fields never enter the audit trail. Nothing commits.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from directory.models import AuditEvent, Center, ListingStatus, ListingSubmission, User, utcnow
from directory.operations.audit import record_event
from directory.operations.centers import center_as_input
from directory.operations.errors import OperationError
from directory.operations.listing_edits import edit_listing
from directory.operations.listing_state import change_listing_status
from directory.operations.staff_roles import require_admin
from directory.operations.submissions import TERM_FIELDS
from directory.schemas.fields import check_safe_text

#: The longest question or reason an admin writes here.
MAX_TEXT_LENGTH = 2000


class RejectionGrounds(enum.StrEnum):
    """Why a submission is turned down."""

    SPAM = "spam"
    OUT_OF_SCOPE = "out-of-scope"

    @property
    def label(self) -> str:
        """Return the wording admin screens show."""
        return {"spam": "Spam", "out-of-scope": "Out of scope"}[self.value]


class Pick(enum.StrEnum):
    """Which value wins for one field when a submission is merged into a listing."""

    EXISTING = "existing"
    SUBMITTED = "submitted"
    BOTH = "both"


#: The fields a submission carries, with the picks each offers (lists can keep both sides).
MERGE_FIELDS: dict[str, tuple[Pick, ...]] = {
    "name": (Pick.EXISTING, Pick.SUBMITTED),
    "description": (Pick.EXISTING, Pick.SUBMITTED),
    "website": (Pick.EXISTING, Pick.SUBMITTED),
    "email": (Pick.EXISTING, Pick.SUBMITTED),
    "phones": (Pick.EXISTING, Pick.SUBMITTED, Pick.BOTH),
    "locations": (Pick.EXISTING, Pick.SUBMITTED, Pick.BOTH),
    "accepting_new_clients": (Pick.EXISTING, Pick.SUBMITTED),
    "terms": (Pick.EXISTING, Pick.SUBMITTED, Pick.BOTH),
}
#: The vocabulary schemes the public form collects (only these are taken from a submission).
SUBMITTED_SCHEMES = tuple(TERM_FIELDS.values())


def waiting_submissions(session: Session) -> list[ListingSubmission]:
    """Return the submissions whose listing still waits for review, oldest first."""
    return list(
        session.scalars(
            select(ListingSubmission)
            .join(Center, Center.id == ListingSubmission.center_id)
            .options(joinedload(ListingSubmission.center).selectinload(Center.locations))
            .where(Center.status == ListingStatus.PENDING)
            .order_by(ListingSubmission.created_at, ListingSubmission.id)
        )
    )


def publish_submission(
    session: Session, submission: ListingSubmission, *, actor: User, reason: str | None = None
) -> AuditEvent:
    """Publish the submitted listing as a new listing (the state machine's ``publish``)."""
    require_admin(actor, "publish a submitted listing")
    center = _waiting_center(submission)
    return change_listing_status(
        session,
        center,
        ListingStatus.PUBLISHED,
        actor=actor,
        reason=_text(reason, "reason", required=False) or "Published from a free listing submission.",
    )


def request_submission_info(
    session: Session, submission: ListingSubmission, question: str, *, actor: User
) -> AuditEvent:
    """Record what the submitter is asked (sent from the admin's own mail); the listing keeps waiting."""
    require_admin(actor, "ask a submitter for information")
    center = _waiting_center(submission)
    asked = _text(question, "question", required=True)
    submission.info_requested = asked
    submission.info_requested_at = utcnow()
    session.flush()
    return record_event(
        session,
        actor=actor,
        action="submission.info_requested",
        record_type="center",
        record_id=center.id,
        after={"question": asked},
    )


def reject_submission(
    session: Session,
    submission: ListingSubmission,
    grounds: RejectionGrounds | str,
    reason: str,
    *,
    actor: User,
) -> AuditEvent:
    """Reject a submission as spam or out of scope: delete its pending listing and the submitter's data."""
    require_admin(actor, "reject a submitted listing")
    center = _waiting_center(submission)
    try:
        why = RejectionGrounds(grounds)
    except ValueError:
        message = "Choose spam or out of scope."
        raise OperationError(message, {"grounds": [message]}) from None
    text = _text(reason, "reason", required=True)
    event = record_event(
        session,
        actor=actor,
        action="submission.rejected",
        record_type="center",
        record_id=center.id,
        before={"name": center.name, "slug": center.slug, "status": center.status.value},
        after={"grounds": why.value},
        reason=text,
    )
    session.delete(submission)
    session.delete(center)
    session.flush()
    return event


def merge_submission(
    session: Session,
    submission: ListingSubmission,
    target: Center,
    picks: Mapping[str, str],
    *,
    actor: User,
) -> AuditEvent:
    """Merge a submission into ``target`` taking the picked values; retire its pending listing.

    ``picks`` maps :data:`MERGE_FIELDS` to a :class:`Pick` (a field left out keeps the existing
    value). ``target`` keeps its id, slug, source and states. The submission records the target.
    """
    require_admin(actor, "merge a submitted listing")
    pending = _waiting_center(submission)
    if target.id == pending.id:
        raise OperationError("Choose another listing to merge this submission into.")
    chosen = _check_picks(picks)
    changes = merged_values(center_as_input(pending), center_as_input(target), chosen)
    edit_listing(
        session, target, changes, actor=actor, reason=f"Merged from the submission of {pending.slug}."
    )
    event = record_event(
        session,
        actor=actor,
        action="submission.merged",
        record_type="center",
        record_id=pending.id,
        before={"name": pending.name, "slug": pending.slug, "status": pending.status.value},
        after={
            "merged_into": str(target.id),
            "slug": target.slug,
            "picks": {k: v.value for k, v in chosen.items()},
        },
    )
    submission.center = None
    submission.merged_into_id = target.id
    submission.merged_at = utcnow()
    session.flush()
    session.delete(pending)
    session.flush()
    return event


def merged_values(
    submitted: Mapping[str, Any], existing: Mapping[str, Any], picks: Mapping[str, Pick]
) -> dict[str, Any]:
    """Return the changes to the existing listing that ``picks`` make (as ``edit_listing`` takes them)."""
    changes: dict[str, Any] = {}
    for name, pick in picks.items():
        if pick is Pick.EXISTING:
            continue
        if name == "terms":
            changes["terms"] = _merged_terms(submitted["terms"], existing["terms"], pick)
        elif pick is Pick.SUBMITTED:
            changes[name] = submitted[name]
        elif name == "phones":
            numbers = {phone["number"] for phone in existing["phones"]}
            changes[name] = [
                *existing["phones"],
                *(p for p in submitted["phones"] if p["number"] not in numbers),
            ]
        else:
            places = {(loc["address_1"].lower(), loc["postal_code"]) for loc in existing["locations"]}
            changes[name] = [
                *existing["locations"],
                *(
                    loc
                    for loc in submitted["locations"]
                    if (loc["address_1"].lower(), loc["postal_code"]) not in places
                ),
            ]
    return changes


def _merged_terms(
    submitted: Mapping[str, list[str]], existing: Mapping[str, list[str]], pick: Pick
) -> dict[str, list[str]]:
    """Replace (or add to) the existing terms of the schemes the public form collects."""
    terms = {scheme: list(codes) for scheme, codes in existing.items()}
    for scheme in SUBMITTED_SCHEMES:
        codes = list(submitted.get(scheme, []))
        if pick is Pick.BOTH:
            codes = list(dict.fromkeys([*terms.get(scheme, []), *codes]))
        terms[scheme] = codes
    return terms


def _check_picks(picks: Mapping[str, str]) -> dict[str, Pick]:
    """Return the picks as :class:`Pick` values; refuse unknown fields and picks a field does not offer."""
    errors: dict[str, list[str]] = {}
    chosen: dict[str, Pick] = {}
    for name, value in picks.items():
        offered = MERGE_FIELDS.get(name)
        if offered is None:
            errors[name] = ["This field is not merged."]
            continue
        if value not in [pick.value for pick in offered]:
            errors[name] = ["Choose " + " or ".join(pick.value for pick in offered) + "."]
            continue
        chosen[name] = Pick(value)
    if errors:
        raise OperationError("Choose which value wins for each field.", errors)
    return chosen


def _waiting_center(submission: ListingSubmission) -> Center:
    """Return the submission's pending listing; refuse one already published, merged or rejected."""
    center = submission.center
    if center is None:
        raise OperationError("This submission was already merged into another listing.")
    if center.status is not ListingStatus.PENDING:
        raise OperationError(f"This submission was already dealt with: its listing is {center.status.value}.")
    return center


def _text(value: str | None, name: str, *, required: bool) -> str:
    """Return the admin's text trimmed; refuse it empty (when required), too long or unstorable."""
    text = (value or "").strip()
    problem = None
    if required and not text:
        problem = "Write it out: the audit trail keeps it."
    elif len(text) > MAX_TEXT_LENGTH:
        problem = f"Keep it under {MAX_TEXT_LENGTH:,} characters; it has {len(text):,}."
    else:
        try:
            check_safe_text(text)
        except ValidationError as error:
            problem = " ".join(error.messages)  # type: ignore[arg-type]
    if problem:
        raise OperationError(problem, {name: [problem]})
    return text
