"""Staff notes on a center: internal, with author and time, never public.

The audit trail records that a note was added or deleted, by whom and on which listing, but not
its text: a note written by mistake (say, with a caller's details) can be deleted for good.
"""

from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from directory.models import Center, StaffNote, User
from directory.operations.audit import record_event
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.staff_roles import is_admin, require_staff
from directory.schemas.fields import check_safe_text

MAX_NOTE_LENGTH = 2000


def list_staff_notes(session: Session, center: Center) -> list[StaffNote]:
    """Return the center's notes, newest first, with their authors loaded."""
    query = (
        select(StaffNote)
        .where(StaffNote.center_id == center.id)
        .options(selectinload(StaffNote.author))
        .order_by(StaffNote.created_at.desc(), StaffNote.id)
    )
    return list(session.scalars(query))


def add_staff_note(session: Session, center: Center, body: str, *, actor: User) -> StaffNote:
    """Add ``actor``'s note to ``center``; audit it. Flushes only."""
    require_staff(actor)
    text = _checked_text(body, "body", "Write the note first.")
    note = StaffNote(center_id=center.id, author_id=actor.id, body=text)
    session.add(note)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="staff_note.added",
        record_type="staff_note",
        record_id=note.id,
        after={"center_id": str(center.id), "author_id": str(actor.id)},
    )
    return note


def delete_staff_note(session: Session, note: StaffNote, *, actor: User, reason: str) -> None:
    """Delete a note (its author, or an admin) with a reason; audit it. Flushes only."""
    require_staff(actor)
    if note.author_id != actor.id and not is_admin(actor):
        raise PermissionDenied("Only the note's author or an admin can delete it.")
    why = _checked_text(reason, "reason", "Say why the note is deleted.")
    before = {
        "center_id": str(note.center_id),
        "author_id": str(note.author_id),
        "created_at": note.created_at.isoformat(),
    }
    note_id = note.id
    note.deletion_audited = True
    session.delete(note)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="staff_note.deleted",
        record_type="staff_note",
        record_id=note_id,
        before=before,
        reason=why,
    )


def _checked_text(value: str, field: str, empty: str) -> str:
    """Return the text trimmed, or raise with a message for the person writing it."""
    if not isinstance(value, str) or not value.strip():
        raise OperationError(empty, field_errors={field: [empty]})
    try:
        check_safe_text(value)
    except ValidationError as error:
        message = " ".join(error.messages)  # type: ignore[arg-type]
        raise OperationError(message, field_errors={field: [message]}) from error
    text = value.strip()
    if len(text) > MAX_NOTE_LENGTH:
        message = f"This is limited to {MAX_NOTE_LENGTH:,} characters; it has {len(text):,}."
        raise OperationError(message, field_errors={field: [message]})
    return text
