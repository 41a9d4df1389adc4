"""Verifications lapse on their re-verification date, and advertiser status ends with them."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from directory.models import (
    AuditEvent,
    Center,
    SearchChange,
    VerificationDecision,
    VerificationRecord,
    VerificationStatus,
)

VERIFIED = {"verification_status": "verified", "verified_at": datetime(2025, 1, 10, tzinfo=UTC)}


def test_overdue_verifications_expire_and_end_advertising(runner, create_center, session):
    yesterday = date.today() - timedelta(days=1)
    overdue = create_center(name="Overdue Clinic", **VERIFIED, reverify_due_on=yesterday, is_advertiser=True)
    current = create_center(
        name="Current Clinic", **VERIFIED, reverify_due_on=date.today() + timedelta(days=30)
    )
    session.commit()
    result = runner.invoke(args=["verification", "expire"])
    assert result.exit_code == 0, result.output
    assert "Overdue Clinic" in result.output and "1 verification(s) expired." in result.output
    session.expire_all()
    lapsed = session.get(Center, overdue.id)
    assert lapsed.verification_status is VerificationStatus.EXPIRED
    assert lapsed.is_advertiser is False and lapsed.advertiser_ends_on == date.today()
    assert session.get(Center, current.id).verification_status is VerificationStatus.VERIFIED
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "verification.expired"))
    assert event.record_id == str(overdue.id) and event.after["is_advertiser"] is False
    assert session.scalar(select(SearchChange).where(SearchChange.center_id == overdue.id)) is not None


def test_dry_run_changes_nothing(runner, create_center, session):
    center = create_center(
        name="Overdue Clinic", **VERIFIED, reverify_due_on=date.today() - timedelta(days=3)
    )
    session.commit()
    result = runner.invoke(args=["verification", "expire", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 verification(s) would expire; nothing changed." in result.output
    session.expire_all()
    assert session.get(Center, center.id).verification_status is VerificationStatus.VERIFIED


def test_expiry_ends_advertising_with_its_own_audit_reason(runner, create_center, session):
    center = create_center(
        name="Lapsing Advertiser",
        **VERIFIED,
        reverify_due_on=date.today() - timedelta(days=1),
        is_advertiser=True,
        advertiser_ends_on=date.today() + timedelta(days=60),
    )
    session.commit()
    result = runner.invoke(args=["verification", "expire"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.record_id == str(center.id)).order_by(AuditEvent.occurred_at)
    ).all()
    assert [event.action for event in events] == ["advertiser.ended_by_expiry", "verification.expired"]
    assert session.get(Center, center.id).advertiser_ends_on == date.today()
    record = session.scalar(select(VerificationRecord).where(VerificationRecord.center_id == center.id))
    assert (
        record.decision is VerificationDecision.EXPIRE and record.decided_by_label == "verification schedule"
    )


def test_daily_job_ends_advertising_on_its_end_date(runner, create_center, session):
    center = create_center(
        name="Contract Ends Today",
        **VERIFIED,
        reverify_due_on=date.today() + timedelta(days=200),
        is_advertiser=True,
        advertiser_ends_on=date.today(),
    )
    session.commit()
    result = runner.invoke(args=["verification", "expire"])
    assert result.exit_code == 0, result.output
    assert (
        "Contract Ends Today" in result.output and "1 advertiser(s) ended on their end date." in result.output
    )
    session.expire_all()
    reloaded = session.get(Center, center.id)
    assert reloaded.is_advertiser is False and reloaded.verification_status is VerificationStatus.VERIFIED
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "advertiser.ended_on_end_date"))
    assert event.reason == f"the advertising contract ended on {date.today().isoformat()}"


def test_dry_run_names_advertising_that_would_end_and_ends_none(runner, create_center, session):
    center = create_center(
        name="Ends Today Clinic",
        **VERIFIED,
        reverify_due_on=date.today() + timedelta(days=100),
        is_advertiser=True,
        advertiser_ends_on=date.today(),
    )
    session.commit()
    result = runner.invoke(args=["verification", "expire", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Ends Today Clinic" in result.output and "1 advertiser(s) would end" in result.output
    session.expire_all()
    assert session.get(Center, center.id).is_advertiser is True
    assert session.scalar(select(AuditEvent)) is None
