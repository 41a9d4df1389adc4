"""The verification queue's sections: what the research team should check next, and why."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from directory.models import (
    Center,
    Correction,
    CorrectionSource,
    CorrectionStatus,
    ListingStatus,
    VerificationStatus,
)

DUE_WITHIN_DAYS = 30
PER_PAGE = 50
PREVIEW = 10


class Section(enum.StrEnum):
    """A section of the queue (``/admin/verification?section=...``)."""

    FIRST = "first"
    DUE = "due"
    OVERDUE = "overdue"
    FLAGGED = "flagged"
    NEEDS_INFO = "needs_info"

    @property
    def title(self) -> str:
        """Return the section's heading."""
        return TITLES[self]


TITLES = {
    Section.FIRST: "Awaiting a first verification (oldest first)",
    Section.DUE: f"Re-verification due in the next {DUE_WITHIN_DAYS} days",
    Section.OVERDUE: "Re-verification overdue",
    Section.FLAGGED: "Flagged by specialists (earliest deadline first)",
    Section.NEEDS_INFO: "Waiting for information from the center",
}


@dataclass(frozen=True)
class QueueRow:
    """One listing in a section, with a staff flag when the section is about flags."""

    center: Center
    flag: Correction | None = None


@dataclass(frozen=True)
class SectionPage:
    """A page of one section: its rows and how many there are in all."""

    section: Section
    rows: list[QueueRow]
    total: int
    page: int
    last_page: int


def _open(query: Select) -> Select:
    return query.where(Center.status != ListingStatus.CLOSED)


def _query(section: Section, today: date) -> Select:
    """Return the section's select of centers (with their staff flag for ``flagged``), in queue order."""
    if section is Section.FLAGGED:
        return _open(
            select(Center, Correction)
            .join(Correction, Correction.center_id == Center.id)
            .where(Correction.source == CorrectionSource.STAFF, Correction.status == CorrectionStatus.NEW)
            .order_by(Correction.reverify_by, Center.name)
        )
    query = select(Center)
    if section is Section.FIRST:
        query = query.where(
            Center.verification_status.in_([VerificationStatus.UNVERIFIED, VerificationStatus.PENDING]),
            Center.verified_at.is_(None),
        ).order_by(Center.created_at, Center.name)
    elif section is Section.DUE:
        query = query.where(
            Center.verification_status == VerificationStatus.VERIFIED,
            Center.reverify_due_on.between(today, today + timedelta(days=DUE_WITHIN_DAYS)),
        ).order_by(Center.reverify_due_on, Center.name)
    elif section is Section.OVERDUE:
        query = query.where(
            or_(
                Center.verification_status == VerificationStatus.EXPIRED,
                and_(
                    Center.verification_status == VerificationStatus.VERIFIED,
                    Center.reverify_due_on < today,
                ),
            )
        ).order_by(Center.reverify_due_on, Center.name)
    else:
        query = query.where(Center.verification_status == VerificationStatus.NEEDS_INFO).order_by(
            Center.updated_at, Center.name
        )
    return _open(query)


def count_section(session: Session, section: Section, today: date) -> int:
    """Return how many rows ``section`` holds today."""
    return session.scalar(select(func.count()).select_from(_query(section, today).order_by(None).subquery()))


def section_page(
    session: Session, section: Section, today: date, page: int = 1, per_page: int = PER_PAGE
) -> SectionPage:
    """Return page ``page`` of ``section`` (pages past the end come back empty)."""
    total = count_section(session, section, today)
    last_page = max(1, -(-total // per_page))
    query = _query(section, today).limit(per_page).offset((page - 1) * per_page)
    if section is Section.FLAGGED:
        rows = [QueueRow(center, flag) for center, flag in session.execute(query)]
    else:
        rows = [QueueRow(center) for center in session.scalars(query)]
    return SectionPage(section, rows, total, page, last_page)
