"""The research team's dashboard figures: pure queries, one function per group of figures.

The verification queue's sections are counted by the queue's own definitions
(``operations.verification_queue``, linked to ``/admin/verification?section=``), plus the staff flags
past their re-verification deadline. Closed listings are in no section.

The **backlog** is ``first`` plus ``overdue``. Its history is
rebuilt from what the directory already keeps, without a snapshot table: each listing's current
state, walked back through the ``before`` values of its audit events (every change of listing
status, verification status or re-verification date is audited with them, as ``save_center`` and
the expiry job do), and its creation time. Listings deleted since are not in the history; a
listing counts as awaiting a first verification in a past week when it was ``unverified`` or
``pending`` then (the queue also asks that it was never verified, which the history does not keep).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import Session

from directory.models import (
    AuditEvent,
    Center,
    Correction,
    CorrectionSource,
    CorrectionStatus,
    ListingStatus,
    ListingSubmission,
    ShortlistWeek,
    VerificationStatus,
)
from directory.operations.shortlist_counts import COUNTERS, week_start
from directory.operations.verification_queue import Section, count_section

#: Days ahead that "due soon" and "ending soon" look.
SOON_DAYS = 30
#: Weeks of history the chart and the influence table show (the current week last).
HISTORY_WEEKS = 12
#: Listing statuses outside the verification queue.
OUT_OF_QUEUE = (ListingStatus.CLOSED.value,)
#: The audit action of ``flask verification expire`` (operations.verification).
EXPIRY_ACTION = "verification.expired"


@dataclass(frozen=True)
class ListingCounts:
    """How many listings there are in each listing status and each verification status."""

    by_status: dict[str, int]
    by_verification: dict[str, int]
    #: Current advertisers (always verified listings).
    advertisers: int = 0

    @property
    def total(self) -> int:
        """Return the number of listings."""
        return sum(self.by_status.values())


@dataclass(frozen=True)
class QueueCounts:
    """The verification queue's sections, as counts."""

    first: int
    needs_info: int
    due_soon: int
    overdue: int
    flagged: int
    flagged_past_deadline: int

    @property
    def backlog(self) -> int:
        """Return the backlog: awaiting a first verification plus overdue re-verifications."""
        return self.first + self.overdue


@dataclass(frozen=True)
class BacklogPoint:
    """The backlog at the end of one ISO week (or now, for the current week)."""

    week_start: date
    as_of: datetime
    first: int
    overdue: int

    @property
    def total(self) -> int:
        """Return the backlog: awaiting a first verification plus overdue re-verifications."""
        return self.first + self.overdue


@dataclass(frozen=True)
class WaitingCounts:
    """What waits for review: free listing submissions and open corrections (staff flags among them)."""

    submissions: int
    corrections: int
    corrections_from_staff: int


@dataclass(frozen=True)
class InfluenceWeek:
    """One week of the advertising-influence figure."""

    week_start: date
    centers_added: int = 0
    advertisers_added: int = 0
    searches: int = 0
    search_results: int = 0
    search_result_advertisers: int = 0

    @property
    def shortlisted_share(self) -> float | None:
        """Return the share of shortlisted centers that were advertisers (None with no additions)."""
        return self.advertisers_added / self.centers_added if self.centers_added else None

    @property
    def results_share(self) -> float | None:
        """Return advertisers' share of those searches' results (None with no results)."""
        return self.search_result_advertisers / self.search_results if self.search_results else None


@dataclass(frozen=True)
class Influence:
    """The advertising-influence figure, week by week, and over the whole period."""

    weeks: list[InfluenceWeek] = field(default_factory=list)

    @property
    def overall(self) -> InfluenceWeek:
        """Return the period's totals as one row (its ``week_start`` is the first week's)."""
        totals = {name: sum(getattr(week, name) for week in self.weeks) for name in COUNTERS}
        return InfluenceWeek(self.weeks[0].week_start if self.weeks else date.min, **totals)


def listing_counts(session: Session) -> ListingCounts:
    """Count listings by listing status and by verification status (every status named, zeros too)."""
    by_status = {status.value: 0 for status in ListingStatus}
    for status, count in session.execute(select(Center.status, func.count()).group_by(Center.status)):
        by_status[ListingStatus(status).value] = count
    by_verification = {status.value: 0 for status in VerificationStatus}
    query = select(Center.verification_status, func.count()).group_by(Center.verification_status)
    for status, count in session.execute(query):
        by_verification[VerificationStatus(status).value] = count
    advertisers = _count(session, Center.is_advertiser.is_(True))
    return ListingCounts(by_status, by_verification, advertisers)


def queue_counts(session: Session, now: datetime) -> QueueCounts:
    """Count the verification queue's sections on ``now``'s day, as the queue itself defines them."""
    today = now.date()
    open_flag = (Correction.source == CorrectionSource.STAFF, Correction.status == CorrectionStatus.NEW)
    late = session.scalar(
        select(func.count()).select_from(Correction).where(*open_flag, Correction.reverify_by < now)
    )
    return QueueCounts(
        first=count_section(session, Section.FIRST, today),
        needs_info=count_section(session, Section.NEEDS_INFO, today),
        due_soon=count_section(session, Section.DUE, today),
        overdue=count_section(session, Section.OVERDUE, today),
        flagged=count_section(session, Section.FLAGGED, today),
        flagged_past_deadline=late or 0,
    )


def advertisers_ending(session: Session, today: date, days: int = SOON_DAYS) -> int:
    """Count current advertisers whose advertising ends within ``days`` days of ``today``."""
    return _count(
        session,
        Center.is_advertiser.is_(True),
        Center.advertiser_ends_on >= today,
        Center.advertiser_ends_on <= today + timedelta(days=days),
    )


def expiries_since(session: Session, since: datetime) -> int:
    """Count verifications the expiry job let lapse since ``since`` (its audit events)."""
    query = select(func.count()).where(AuditEvent.action == EXPIRY_ACTION, AuditEvent.occurred_at >= since)
    return session.scalar(query) or 0


def waiting_counts(session: Session) -> WaitingCounts:
    """Count pending free listing submissions and open corrections."""
    submissions = session.scalar(
        select(func.count())
        .select_from(ListingSubmission)
        .join(Center, Center.id == ListingSubmission.center_id)
        .where(Center.status == ListingStatus.PENDING)
    )
    open_corrections = dict(
        session.execute(
            select(Correction.source, func.count())
            .where(Correction.status == CorrectionStatus.NEW)
            .group_by(Correction.source)
        ).all()
    )
    from_staff = open_corrections.get(CorrectionSource.STAFF, 0)
    return WaitingCounts(
        submissions=submissions or 0,
        corrections=sum(open_corrections.values()),
        corrections_from_staff=from_staff,
    )


def backlog_history(session: Session, now: datetime, weeks: int = HISTORY_WEEKS) -> list[BacklogPoint]:
    """Return the backlog at the end of each of the last ``weeks`` ISO weeks, the current one as of now.

    Rebuilt from each listing's current state and the ``before`` values of its audit events since
    the first week ended (see the module's docstring); oldest week first.
    """
    current = week_start(now.date())
    starts = [current - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    ends = [min(now, datetime.combine(start + timedelta(days=7), time(), UTC)) for start in starts]
    columns = (Center.id, Center.created_at, Center.status, Center.verification_status)
    states = _States(session.execute(select(*columns, Center.reverify_due_on)).all())
    before_text = cast(AuditEvent.before, Text)
    events = session.execute(
        select(AuditEvent.record_id, AuditEvent.occurred_at, AuditEvent.before)
        .where(
            AuditEvent.record_type == "center",
            AuditEvent.occurred_at > ends[0],
            or_(*(before_text.like(f'%"{name}"%') for name in _States.TRACKED)),
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id)
    ).all()
    points: list[BacklogPoint] = []
    position = 0
    for start, end in reversed(list(zip(starts, ends, strict=True))):
        while position < len(events) and events[position].occurred_at > end:
            states.undo(events[position].record_id, events[position].before)
            position += 1
        day = now.date() if end == now else (end - timedelta(microseconds=1)).date()
        points.append(BacklogPoint(start, end, *states.backlog(end, day)))
    points.reverse()
    return points


class _States:
    """Every listing's backlog-relevant state as arrays, walked back one audit event at a time."""

    #: The fields the backlog depends on (an event whose ``before`` names none of them is not read).
    TRACKED = ("status", "verification_status", "reverify_due_on")
    CODES = {status.value: code for code, status in enumerate(VerificationStatus)}
    FIRST = (CODES[VerificationStatus.UNVERIFIED.value], CODES[VerificationStatus.PENDING.value])
    LAPSED = CODES[VerificationStatus.EXPIRED.value]
    VERIFIED = CODES[VerificationStatus.VERIFIED.value]
    NO_DATE = np.iinfo(np.int64).max

    def __init__(self, rows: Sequence[Any]) -> None:
        self.position = {str(row[0]): n for n, row in enumerate(rows)}
        self.created = np.array([row[1].timestamp() for row in rows], dtype=np.float64)
        self.closed = np.array([row[2] in OUT_OF_QUEUE for row in rows], dtype=bool)
        self.verification = np.array([self.CODES.get(row[3], -1) for row in rows], dtype=np.int8)
        self.due = np.array([self._ordinal(row[4]) for row in rows], dtype=np.int64)

    def undo(self, record_id: str, before: object) -> None:
        """Put back the values one change replaced, as its audit event's ``before`` recorded them."""
        n = self.position.get(record_id)
        if n is None or not isinstance(before, dict):
            return
        if "status" in before:
            self.closed[n] = before["status"] in OUT_OF_QUEUE
        if "verification_status" in before:
            self.verification[n] = self.CODES.get(before["verification_status"], -1)
        if "reverify_due_on" in before:
            self.due[n] = self._ordinal(before["reverify_due_on"])

    def backlog(self, end: datetime, day: date) -> tuple[int, int]:
        """Return (awaiting a first verification, overdue) among the listings that existed at ``end``."""
        live = (self.created <= end.timestamp()) & ~self.closed
        first = live & np.isin(self.verification, self.FIRST)
        past_due = (self.verification == self.VERIFIED) & (self.due < day.toordinal())
        overdue = live & ((self.verification == self.LAPSED) | past_due)
        return int(np.count_nonzero(first)), int(np.count_nonzero(overdue))

    @classmethod
    def _ordinal(cls, value: object) -> int:
        if isinstance(value, date):
            return value.toordinal()
        try:
            return date.fromisoformat(str(value)).toordinal() if value else cls.NO_DATE
        except ValueError:
            return cls.NO_DATE


def advertising_influence(session: Session, today: date, weeks: int = HISTORY_WEEKS) -> Influence:
    """Return the last ``weeks`` ISO weeks' shortlist counters, oldest first (weeks without any as zeros)."""
    current = week_start(today)
    starts = [current - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    stored = {
        row.week_start: row
        for row in session.scalars(select(ShortlistWeek).where(ShortlistWeek.week_start >= starts[0]))
    }
    result = []
    for start in starts:
        row = stored.get(start)
        if row is None:
            result.append(InfluenceWeek(start))
            continue
        result.append(
            InfluenceWeek(
                start,
                centers_added=row.centers_added,
                advertisers_added=row.advertisers_added,
                searches=row.searches,
                search_results=row.search_results,
                search_result_advertisers=row.search_result_advertisers,
            )
        )
    return Influence(result)


def _count(session: Session, *conditions: Any) -> int:
    return session.scalar(select(func.count()).select_from(Center).where(*conditions)) or 0
