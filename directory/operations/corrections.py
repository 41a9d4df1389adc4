"""Reports of incorrect information: stored for staff, who accept or reject them.

A report never changes its listing; an admin makes any change through the listing edit form
(``operations.listing_edits``) and closes the report as fixed, not reproducible or spam.
The audit trail records that a report arrived and how it was resolved, but not its text or the
reporter's e-mail, which stay on the ``corrections`` row only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import (
    Center,
    Correction,
    CorrectionKind,
    CorrectionResolution,
    CorrectionSource,
    CorrectionStatus,
    ListingStatus,
    User,
    utcnow,
)
from directory.operations.audit import record_event
from directory.operations.errors import OperationError
from directory.operations.staff_roles import require_admin
from directory.schemas.fields import SLUG_PATTERN, EmailAddress, check_safe_text, text

#: Listings the public can see, and so report: published ones, and closed ones (shown as closed).
REPORTABLE_STATUSES = (ListingStatus.PUBLISHED, ListingStatus.CLOSED)
#: The longest note an admin keeps with a closed report.
MAX_NOTE_LENGTH = 2000


class CorrectionInput(Schema):
    """A report as the public "report incorrect information" form sends it."""

    class Meta:
        unknown = RAISE

    kind = fields.Enum(
        CorrectionKind,
        by_value=True,
        required=True,
        error_messages={
            "required": "Choose what is wrong.",
            "null": "Choose what is wrong.",
            "unknown": "Choose one of the listed kinds of problem.",
        },
    )
    details = text(
        5000,
        required=True,
        error_messages={"required": "Tell us what is wrong.", "null": "Tell us what is wrong."},
    )
    reporter_email = EmailAddress(allow_none=True, load_default=None)


def find_reportable_center(session: Session, slug: str) -> Center | None:
    """Return the publicly visible listing with ``slug``, or None (also for a malformed slug)."""
    if len(slug) > 120 or not SLUG_PATTERN.match(slug):
        return None
    return session.scalar(select(Center).where(Center.slug == slug, Center.status.in_(REPORTABLE_STATUSES)))


def report_correction(
    session: Session, center: Center, data: Mapping[str, Any], *, actor: User | str
) -> Correction:
    """Store a report about ``center`` from ``CorrectionInput().load`` output; audit it. Flushes only."""
    if center.status not in REPORTABLE_STATUSES:
        raise OperationError("Only a listing the public can see can be reported.")
    correction = Correction(
        center_id=center.id,
        kind=data["kind"],
        details=data["details"],
        reporter_email=data.get("reporter_email"),
    )
    session.add(correction)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="correction.reported",
        record_type="correction",
        record_id=correction.id,
        after={"center_id": str(center.id), "kind": correction.kind.value, "status": correction.status.value},
    )
    return correction


def resolve_correction(
    session: Session,
    correction: Correction,
    status: CorrectionStatus,
    *,
    actor: User,
    reason: str | None = None,
    resolution: CorrectionResolution | None = None,
) -> Correction:
    """Accept or reject a new report as the admin ``actor``; audit it. Flushes only.

    ``resolution`` says how it was closed (fixed, not reproducible, spam) and ``reason`` is kept
    with it as the admin's note.
    """
    require_admin(actor, "close a report")
    if status is CorrectionStatus.NEW:
        raise OperationError("A report can only be accepted or rejected.")
    if correction.status is not CorrectionStatus.NEW:
        raise OperationError(f"This report was already {correction.status.value}.")
    if resolution is not None and resolution.status is not status:
        raise OperationError(f"A report closed as {resolution.label.lower()} is {resolution.status.value}.")
    correction.status = status
    correction.resolved_at = utcnow()
    correction.resolved_by = actor.id
    correction.resolution = resolution
    correction.resolution_note = reason or None
    session.flush()
    after = {"status": status.value}
    if resolution is not None:
        after["resolution"] = resolution.value
    record_event(
        session,
        actor=actor,
        action=f"correction.{status.value}",
        record_type="correction",
        record_id=correction.id,
        before={"status": CorrectionStatus.NEW.value},
        after=after,
        reason=reason or None,
    )
    return correction


def close_report(
    session: Session,
    correction: Correction,
    resolution: CorrectionResolution | str,
    *,
    actor: User,
    note: str = "",
) -> Correction:
    """Close a public report as fixed, not reproducible or spam, with the admin's note; audit it.

    Staff flags are closed from the listing's verification form (a verification decision), not here.
    Flushes only.
    """
    require_admin(actor, "close a report")
    try:
        outcome = CorrectionResolution(resolution)
    except ValueError:
        labels = ", ".join(item.label.lower() for item in CorrectionResolution)
        message = f"Choose how the report was closed: {labels}."
        raise OperationError(message, {"resolution": [message]}) from None
    if correction.source is not CorrectionSource.PUBLIC:
        raise OperationError("This is a staff flag: close it from the listing's verification form.")
    text = (note or "").strip()
    try:
        check_safe_text(text)
    except ValidationError as error:
        raise OperationError("The note cannot be stored.", {"note": error.messages}) from error
    if len(text) > MAX_NOTE_LENGTH:
        raise OperationError(
            "The note is too long.",
            {"note": [f"Keep it under {MAX_NOTE_LENGTH:,} characters; it has {len(text):,}."]},
        )
    return resolve_correction(
        session, correction, outcome.status, actor=actor, reason=text or None, resolution=outcome
    )
