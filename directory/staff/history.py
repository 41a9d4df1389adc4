"""A listing's history of changes, read from the audit trail: who did what, when, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from directory.models import AuditEvent, Center, Correction

#: How many events the staff view shows (newest first).
HISTORY_LIMIT = 100

#: Each audit action as a person reads it; an action not listed reads as its own name.
ACTION_TEXT: dict[str, str] = {
    "center.created": "Listing created",
    "center.updated": "Listing changed",
    "center.submitted": "Listed through the public form",
    "verification.expired": "Verification lapsed",
    "correction.reported": "Correction reported by the public",
    "correction.flagged": "Flagged by staff",
    "correction.accepted": "Correction or flag accepted",
    "correction.rejected": "Correction or flag rejected",
    "staff_note.added": "Staff note added",
    "staff_note.deleted": "Staff note deleted",
}


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event on the listing, ready to read."""

    occurred_at: datetime
    actor: str
    action: str
    #: The listing fields the event changed (for edits), readable ('accepting new clients').
    fields: list[str]
    reason: str


def center_history(session: Session, center: Center, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """Return the audit events on ``center``, its corrections and flags, and its staff notes, newest first."""
    query = (
        select(AuditEvent)
        .where(center_events(session, center))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id)
        .limit(limit)
    )
    return [history_entry(event) for event in session.scalars(query)]


def center_events(session: Session, center: Center) -> ColumnElement[bool]:
    """Return the condition that picks the audit events about ``center``.

    Those on the listing itself, on its corrections and flags, and on its staff notes (a note's
    events name the listing in their data, so a deleted note's events are still found; never its text).
    """
    center_id = str(center.id)
    corrections = select(Correction.id).where(Correction.center_id == center.id)
    correction_ids = [str(correction_id) for correction_id in session.scalars(corrections)]
    on_center = (AuditEvent.record_type == "center") & (AuditEvent.record_id == center_id)
    on_notes = (AuditEvent.record_type == "staff_note") & or_(
        AuditEvent.after["center_id"].as_string() == center_id,
        AuditEvent.before["center_id"].as_string() == center_id,
    )
    if not correction_ids:
        return or_(on_center, on_notes)
    on_corrections = (AuditEvent.record_type == "correction") & AuditEvent.record_id.in_(correction_ids)
    return or_(on_center, on_corrections, on_notes)


def history_entry(event: AuditEvent) -> HistoryEntry:
    """Return ``event`` as a person reads it."""
    return HistoryEntry(
        occurred_at=event.occurred_at,
        actor=event.actor_label,
        action=ACTION_TEXT.get(event.action, event.action),
        fields=changed_fields(event) if event.action == "center.updated" else [],
        reason=event.reason or "",
    )


def changed_fields(event: AuditEvent) -> list[str]:
    """Return the names of the fields an edit changed, readable, in the order recorded."""
    changed: dict[str, Any] = {**(event.before or {}), **(event.after or {})}
    return [name.replace("_", " ") for name in changed]
