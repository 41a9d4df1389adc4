"""Staff notes on a center: added with author and time, deleted only with a reason, always audited."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from directory.models import AuditEvent, Center, Role, StaffNote, StaffNoteDeletionError
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.staff_notes import add_staff_note, delete_staff_note, list_staff_notes
from tests.staff_accounts import make_staff


@pytest.fixture
def center(create_center):
    return create_center(name="Juniper Ketamine Clinic")


def events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_note_is_stored_with_author_and_time_and_audited_in_the_same_transaction(session, center):
    author = make_staff(session)
    note = add_staff_note(
        session, center, "  Ask for Dana at intake; the wait list is short.  ", actor=author
    )
    assert note.body == "Ask for Dana at intake; the wait list is short."
    assert note.author_id == author.id and note.created_at is not None
    [event] = events(session, "staff_note.added")
    assert event.actor_id == author.id and event.record_id == str(note.id)
    assert event.after == {"center_id": str(center.id), "author_id": str(author.id)}
    assert "Dana" not in str(event.after)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(StaffNote)) == 0
    assert events(session, "staff_note.added") == []


def test_notes_are_listed_newest_first_with_their_authors(session, center, create_center):
    first_author, second_author = make_staff(session), make_staff(session, Role.ADMIN)
    older = add_staff_note(session, center, "Older note", actor=first_author)
    newer = add_staff_note(session, center, "Newer note", actor=second_author)
    newer.created_at = older.created_at.replace(year=older.created_at.year + 1)
    add_staff_note(session, create_center(), "Another listing's note", actor=first_author)
    session.commit()
    notes = list_staff_notes(session, center)
    assert [n.body for n in notes] == ["Newer note", "Older note"]
    assert [n.author.email for n in notes] == [second_author.email, first_author.email]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write the note first."),
        ("   \n ", "Write the note first."),
        ("x" * 2001, "limited to 2,000 characters"),
        ("bad\x00byte", "NUL"),
    ],
)
def test_an_empty_or_oversized_note_is_refused_with_a_reason(session, center, body, message):
    with pytest.raises(OperationError, match=message):
        add_staff_note(session, center, body, actor=make_staff(session))
    assert session.scalar(select(func.count()).select_from(StaffNote)) == 0


def test_a_deactivated_account_cannot_write_notes(session, center):
    with pytest.raises(PermissionDenied, match="deactivated"):
        add_staff_note(session, center, "Too late", actor=make_staff(session, active=False))


def test_a_note_is_deleted_only_by_its_author_or_an_admin_with_a_reason(session, center):
    author, other, admin = make_staff(session), make_staff(session), make_staff(session, Role.ADMIN)
    note = add_staff_note(session, center, "Caller's number by mistake", actor=author)
    with pytest.raises(PermissionDenied, match="author or an admin"):
        delete_staff_note(session, note, actor=other, reason="tidy")
    with pytest.raises(OperationError, match="Say why"):
        delete_staff_note(session, note, actor=author, reason="  ")
    note_id = note.id
    delete_staff_note(session, note, actor=admin, reason="Held a caller's phone number.")
    session.commit()
    assert session.get(StaffNote, note_id) is None
    [event] = events(session, "staff_note.deleted")
    assert event.actor_id == admin.id and event.reason == "Held a caller's phone number."
    assert event.before["author_id"] == str(author.id) and "number by mistake" not in str(event.before)


def test_a_note_cannot_be_deleted_silently_through_the_session(session, center):
    note = add_staff_note(session, center, "Keep me", actor=make_staff(session))
    session.delete(note)
    with pytest.raises(StaffNoteDeletionError):
        session.flush()
    session.rollback()


def test_notes_go_with_their_listing(session, center, engine):
    add_staff_note(session, center, "Gone with the listing", actor=make_staff(session))
    session.commit()
    with engine.begin() as connection:
        connection.execute(delete(Center).where(Center.id == center.id))
    assert session.scalar(select(func.count()).select_from(StaffNote)) == 0
