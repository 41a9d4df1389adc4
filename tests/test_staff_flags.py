"""Staff flags: a specialist's dead-end report lands in the research queue as a staff correction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from directory.models import (
    AuditEvent,
    Correction,
    CorrectionKind,
    CorrectionSource,
    CorrectionStatus,
    FlagReason,
    ListingStatus,
    Role,
)
from directory.operations.corrections import report_correction
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.staff_flags import (
    DEFAULT_REVERIFY_DAYS,
    flag_listing,
    open_staff_flags,
    open_staff_flags_by_center,
    reported_on,
    resolve_staff_flag,
    reverify_days_setting,
)
from tests.staff_accounts import make_staff

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def center(create_center):
    return create_center(name="Cedar Mood Clinic", status=ListingStatus.PUBLISHED)


def events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_flag_is_a_staff_correction_with_a_deadline_audited_in_the_same_transaction(session, center):
    specialist = make_staff(session)
    flag = flag_listing(
        session, center, "phone-not-working", actor=specialist, note="Rang twice: disconnected.", now=NOW
    )
    assert flag.source is CorrectionSource.STAFF and flag.status is CorrectionStatus.NEW
    assert flag.flag_reason is FlagReason.PHONE_NOT_WORKING and flag.kind is CorrectionKind.CONTACT
    assert flag.reported_by == specialist.id and flag.reporter_email is None
    assert flag.details == "Rang twice: disconnected."
    assert flag.reverify_by == NOW + timedelta(days=DEFAULT_REVERIFY_DAYS)
    [event] = events(session, "correction.flagged")
    assert event.actor_id == specialist.id and event.record_id == str(flag.id)
    assert event.after["flag_reason"] == "phone-not-working" and "disconnected" not in str(event.after)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Correction)) == 0
    assert events(session, "correction.flagged") == []


def test_the_deadline_is_configurable_in_days(session, center):
    flag = flag_listing(
        session, center, FlagReason.CLOSED, actor=make_staff(session), reverify_days=3, now=NOW
    )
    assert flag.reverify_by == NOW + timedelta(days=3)
    assert flag.kind is CorrectionKind.CLOSED
    with pytest.raises(OperationError, match="1 to 365 days"):
        flag_listing(session, center, FlagReason.NOT_ACCEPTING, actor=make_staff(session), reverify_days=0)


@pytest.mark.parametrize(
    ("reason", "note", "message"),
    [
        ("broken", "", "Choose what is wrong: phone-not-working"),
        ("closed", "x" * 1001, "limited to 1,000 characters"),
        ("closed", "bad\x00", "NUL"),
    ],
)
def test_a_bad_flag_is_refused_with_a_reason(session, center, reason, note, message):
    with pytest.raises(OperationError, match=message):
        flag_listing(session, center, reason, actor=make_staff(session), note=note)
    assert session.scalar(select(func.count()).select_from(Correction)) == 0


def test_the_same_open_flag_is_not_filed_twice(session, center):
    flag_listing(session, center, FlagReason.CLOSED, actor=make_staff(session), now=NOW)
    with pytest.raises(OperationError, match="already reported as “closed” by staff on November 30, 2026"):
        flag_listing(session, center, FlagReason.CLOSED, actor=make_staff(session))
    other = flag_listing(session, center, FlagReason.THERAPY_NOT_OFFERED, actor=make_staff(session))
    assert other.kind is CorrectionKind.SERVICES


def test_a_deactivated_account_cannot_flag(session, center):
    with pytest.raises(PermissionDenied, match="deactivated"):
        flag_listing(session, center, FlagReason.CLOSED, actor=make_staff(session, active=False))


def test_open_flags_show_until_an_admin_resolves_them(session, center, create_center):
    specialist, admin = make_staff(session), make_staff(session, Role.ADMIN)
    older = flag_listing(session, center, FlagReason.CLOSED, actor=specialist, now=NOW - timedelta(days=2))
    newer = flag_listing(session, center, FlagReason.PHONE_NOT_WORKING, actor=specialist, now=NOW)
    elsewhere = create_center()
    report_correction(
        session, center, {"kind": CorrectionKind.HOURS, "details": "Public report"}, actor="public"
    )
    session.commit()
    assert open_staff_flags(session, center) == [newer, older]
    assert reported_on(older) == "November 28, 2026"
    assert open_staff_flags_by_center(session, [center.id, str(elsewhere.id)]) == {center.id: [newer, older]}
    with pytest.raises(PermissionDenied, match="Only an admin can resolve a staff flag"):
        resolve_staff_flag(session, newer, CorrectionStatus.ACCEPTED, actor=specialist)
    resolve_staff_flag(
        session, newer, CorrectionStatus.ACCEPTED, actor=admin, reason="Number changed; updated."
    )
    session.commit()
    assert open_staff_flags(session, center) == [older]
    [event] = events(session, "correction.accepted")
    assert event.actor_id == admin.id and event.record_id == str(newer.id)


def test_resolving_a_public_report_as_a_staff_flag_is_refused(session, center):
    public = report_correction(
        session, center, {"kind": CorrectionKind.OTHER, "details": "Wrong"}, actor="public"
    )
    assert public.source is CorrectionSource.PUBLIC and public.flag_reason is None
    with pytest.raises(OperationError, match="not a staff flag"):
        resolve_staff_flag(session, public, CorrectionStatus.REJECTED, actor=make_staff(session, Role.ADMIN))


def test_the_database_keeps_staff_fields_and_source_together(session, center, engine):
    base = {"center_id": center.id, "kind": "closed", "details": "", "status": "new"}
    specialist = make_staff(session)
    session.commit()
    bad_rows = [
        {**base, "source": "staff"},
        {**base, "source": "public", "flag_reason": "closed"},
        {
            **base,
            "source": "staff",
            "flag_reason": "closed",
            "reported_by": specialist.id,
            "reverify_by": NOW,
            "reporter_email": "someone@example.org",
        },
    ]
    for row in bad_rows:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert(Correction).values(id=uuid.uuid4(), **row))


def test_the_deadline_setting_is_read_from_the_app_config_or_refused_by_name():
    assert reverify_days_setting({}) == DEFAULT_REVERIFY_DAYS == 14
    assert reverify_days_setting({"STAFF_FLAG_REVERIFY_DAYS": "7"}) == 7
    for bad in ("0", "two weeks", 400, True):
        with pytest.raises(ValueError, match="STAFF_FLAG_REVERIFY_DAYS must be a whole number of days"):
            reverify_days_setting({"STAFF_FLAG_REVERIFY_DAYS": bad})
