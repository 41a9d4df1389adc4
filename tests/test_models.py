"""Model behaviour that is not a validation rule: the audit trail, related rows, time zones."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from directory.models import AuditEvent, AuditTrailError, Center, Phone
from directory.operations.audit import record_event


def test_audit_events_are_append_only(session):
    event = record_event(
        session, actor="system", action="center.updated", record_type="center", record_id="x", reason="test"
    )
    session.commit()
    event.reason = "rewritten"
    with pytest.raises(AuditTrailError):
        session.flush()
    session.rollback()
    session.delete(session.get(AuditEvent, event.id))
    with pytest.raises(AuditTrailError):
        session.flush()


def test_times_come_back_timezone_aware_in_utc(create_center, session):
    center = create_center(verification_status="verified", verified_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    session.commit()
    session.expire_all()
    reloaded = session.get(Center, center.id)
    assert reloaded.verified_at == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert reloaded.created_at.tzinfo is not None


def test_naive_times_are_refused(create_center, session):
    from sqlalchemy.exc import StatementError

    with pytest.raises(StatementError, match="timezone-aware"):
        create_center(verification_status="verified", verified_at=datetime(2026, 3, 1, 12))


def test_deleting_a_center_deletes_its_locations_and_phones(create_center, session):
    center = create_center()
    center.phones = [Phone(number="(801) 555-0100", position=0)]
    session.commit()
    session.delete(center)
    session.commit()
    assert session.scalar(select(Phone)) is None


def test_term_codes_group_by_scheme(vocabulary, create_center, session):
    from directory.operations.taxonomy import TermIndex

    terms = TermIndex.load(session).resolve({"therapy": ["esketamine", "tms"], "route": ["nasal-spray"]})
    center = create_center()
    center.terms = terms
    session.commit()
    assert center.term_codes() == {"therapy": ["esketamine", "tms"], "route": ["nasal-spray"]}
    assert center.primary_location.city == "Salt Lake City"
