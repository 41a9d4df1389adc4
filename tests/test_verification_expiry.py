"""Verifications lapse on their re-verification date, and advertiser status ends with them."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from directory.models import AuditEvent, Center, SearchChange, VerificationStatus

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
