"""The dashboard's figures with known data (run on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from directory.models import (
    Correction,
    CorrectionKind,
    CorrectionSource,
    CorrectionStatus,
    FlagReason,
    ListingStatus,
    ListingSubmission,
    ShortlistWeek,
    VerificationStatus,
)
from directory.operations.audit import record_event
from directory.operations.dashboard import (
    InfluenceWeek,
    advertisers_ending,
    advertising_influence,
    backlog_history,
    expiries_since,
    listing_counts,
    queue_counts,
    waiting_counts,
)
from tests.staff_accounts import make_staff

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()
V = VerificationStatus
S = ListingStatus


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def directory(session, create_center):
    """Eight listings, one in each corner of the queue, with corrections, flags and a submission."""
    c = create_center
    first = c(slug="first", status=S.PUBLISHED, verification_status=V.UNVERIFIED)
    submitted = c(slug="submitted", status=S.PENDING, verification_status=V.UNVERIFIED)
    session.add(
        ListingSubmission(center=submitted, contact_name="Ada Example", contact_email="a@example.org")
    )
    due = c(
        slug="due-soon",
        status=S.PUBLISHED,
        verification_status=V.VERIFIED,
        reverify_due_on=TODAY + timedelta(days=10),
        is_advertiser=True,
        advertiser_ends_on=TODAY + timedelta(days=20),
    )
    c(
        slug="past-due",
        status=S.PUBLISHED,
        verification_status=V.VERIFIED,
        reverify_due_on=TODAY - timedelta(3),
    )
    c(slug="lapsed", status=S.PUBLISHED, verification_status=V.EXPIRED, reverify_due_on=TODAY - timedelta(40))
    c(slug="closed", status=S.CLOSED, verification_status=V.UNVERIFIED)
    c(slug="needs-info", status=S.PUBLISHED, verification_status=V.NEEDS_INFO)
    c(
        slug="later",
        status=S.PUBLISHED,
        verification_status=V.VERIFIED,
        reverify_due_on=TODAY + timedelta(days=60),
        is_advertiser=True,
        advertiser_ends_on=TODAY + timedelta(days=45),
    )
    specialist = make_staff(session)
    flag = {"source": CorrectionSource.STAFF, "reported_by": specialist.id, "kind": CorrectionKind.CONTACT}
    session.add_all(
        [
            Correction(center_id=first.id, kind=CorrectionKind.HOURS, details="Closed on Mondays now."),
            Correction(
                center_id=first.id,
                details="",
                flag_reason=FlagReason.PHONE_NOT_WORKING,
                reverify_by=NOW - timedelta(days=1),
                **flag,
            ),
            Correction(
                center_id=due.id,
                details="",
                flag_reason=FlagReason.PHONE_NOT_WORKING,
                reverify_by=NOW + timedelta(days=5),
                **flag,
            ),
            Correction(
                center_id=due.id,
                kind=CorrectionKind.OTHER,
                details="Fixed already.",
                status=CorrectionStatus.ACCEPTED,
                resolved_at=NOW,
            ),
        ]
    )
    session.commit()
    return session


def test_listings_by_status_and_by_verification_status(directory):
    counts = listing_counts(directory)
    assert counts.by_status == {"draft": 0, "pending": 1, "published": 6, "suspended": 0, "closed": 1}
    assert counts.by_verification == {
        "unverified": 3,
        "pending": 0,
        "needs_info": 1,
        "verified": 3,
        "expired": 1,
        "revoked": 0,
        "rejected": 0,
    }
    assert (counts.total, counts.advertisers) == (8, 2)


def test_queue_sections_and_the_backlog(directory):
    counts = queue_counts(directory, NOW)
    assert (counts.first, counts.needs_info, counts.due_soon, counts.overdue) == (2, 1, 1, 2)
    assert (counts.flagged, counts.flagged_past_deadline) == (2, 1)
    assert counts.backlog == 4


def test_advertisers_ending_within_30_days(directory):
    assert advertisers_ending(directory, TODAY) == 1
    assert advertisers_ending(directory, TODAY, days=45) == 2
    assert advertisers_ending(directory, TODAY + timedelta(days=21)) == 1  # the later one only


def test_submissions_and_corrections_waiting(directory):
    waiting = waiting_counts(directory)
    assert (waiting.submissions, waiting.corrections, waiting.corrections_from_staff) == (1, 3, 2)


def test_backlog_history_is_rebuilt_from_created_dates_and_audit_events(session, create_center):
    verified_in_october = create_center(
        slug="verified-in-october",
        created_at=at(2026, 9, 1),
        status=S.PUBLISHED,
        verification_status=V.VERIFIED,
        reverify_due_on=date(2027, 10, 1),
    )
    create_center(slug="new-in-november", created_at=at(2026, 11, 4), verification_status=V.UNVERIFIED)
    expired_late = create_center(
        slug="expired-late",
        created_at=at(2026, 1, 1),
        status=S.PUBLISHED,
        verification_status=V.EXPIRED,
        reverify_due_on=date(2026, 11, 10),
    )
    closed = create_center(
        slug="closed-in-november",
        created_at=at(2026, 8, 1),
        status=S.CLOSED,
        verification_status=V.UNVERIFIED,
    )
    events = [
        (verified_in_october, at(2026, 10, 14), {"verification_status": "unverified"}),
        (expired_late, at(2026, 11, 18), {"verification_status": "verified", "is_advertiser": False}),
        (closed, at(2026, 11, 20), {"status": "published"}),
        (closed, at(2026, 11, 21), None),  # an event without a before: changes nothing
    ]
    for center, when, before in events:
        event = record_event(
            session,
            actor="tests",
            action="center.updated",
            record_type="center",
            record_id=center.id,
            before=before,
        )
        event.occurred_at = when
    session.commit()
    points = backlog_history(session, NOW)
    assert [p.week_start for p in points] == [date(2026, 9, 7) + timedelta(weeks=i) for i in range(12)]
    assert points[-1].as_of == NOW and points[-2].as_of == at(2026, 11, 23, 0)
    assert [p.first for p in points] == [2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 1, 1]
    assert [p.overdue for p in points] == [0] * 9 + [1, 1, 1]
    assert [p.total for p in points][-1] == queue_counts(session, NOW).backlog


def test_advertising_influence_by_week(session):
    this_week, three_ago = date(2026, 11, 23), date(2026, 11, 2)
    session.add_all(
        [
            ShortlistWeek(
                week_start=this_week,
                centers_added=8,
                advertisers_added=2,
                searches=5,
                search_results=200,
                search_result_advertisers=20,
            ),
            ShortlistWeek(
                week_start=three_ago,
                centers_added=2,
                advertisers_added=0,
                searches=1,
                search_results=0,
                search_result_advertisers=0,
            ),
            ShortlistWeek(
                week_start=date(2026, 8, 24),  # 13 weeks ago: outside the figure
                centers_added=50,
                advertisers_added=50,
                searches=1,
                search_results=50,
                search_result_advertisers=50,
            ),
        ]
    )
    session.commit()
    influence = advertising_influence(session, TODAY)
    assert len(influence.weeks) == 12 and influence.weeks[0].week_start == date(2026, 9, 7)
    assert influence.weeks[-1].shortlisted_share == 0.25 and influence.weeks[-1].results_share == 0.1
    assert influence.weeks[-4].shortlisted_share == 0.0 and influence.weeks[-4].results_share is None
    assert influence.weeks[0] == InfluenceWeek(date(2026, 9, 7))
    assert influence.weeks[0].shortlisted_share is None
    overall = influence.overall
    assert (overall.centers_added, overall.advertisers_added, overall.searches) == (10, 2, 6)
    assert overall.shortlisted_share == 0.2 and overall.results_share == 0.1


def test_expiries_are_counted_from_the_audit_trail(session, create_center):
    center = create_center(slug="lapsed-by-the-job", verification_status=V.EXPIRED)
    for when in (NOW - timedelta(days=40), NOW - timedelta(days=3), NOW - timedelta(hours=1)):
        event = record_event(
            session, actor="system", action="verification.expired", record_type="center", record_id=center.id
        )
        event.occurred_at = when
    record_event(session, actor="system", action="center.updated", record_type="center", record_id=center.id)
    session.commit()
    assert expiries_since(session, NOW - timedelta(days=30)) == 2
