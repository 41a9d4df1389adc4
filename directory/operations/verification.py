"""The verification life cycle's scheduled step: verifications past their re-verification date lapse."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Center, User, VerificationStatus
from directory.operations.audit import record_event


def expire_overdue_verifications(session: Session, today: date, *, actor: User | str) -> list[Center]:
    """Mark verified centers whose re-verification date has passed as expired; audit each one.

    Expiry ends advertiser status with it (see ``models.verification``), and the change reaches the
    search index through the change log like any other edit. Flushes, never commits.
    """
    overdue = session.scalars(
        select(Center)
        .where(Center.verification_status == VerificationStatus.VERIFIED, Center.reverify_due_on < today)
        .order_by(Center.reverify_due_on, Center.name)
    ).all()
    for center in overdue:
        was_advertiser = center.is_advertiser
        center.verification_status = VerificationStatus.EXPIRED
        record_event(
            session,
            actor=actor,
            action="verification.expired",
            record_type="center",
            record_id=center.id,
            before={"verification_status": "verified", "is_advertiser": was_advertiser},
            after={"verification_status": "expired", "is_advertiser": center.is_advertiser},
            reason=f"re-verification was due on {center.reverify_due_on.isoformat()}",
        )
    session.flush()
    return list(overdue)
