"""The console's result rows: phone, intake, due date and staff flags, read for a page in one query."""

from __future__ import annotations

from datetime import UTC, date, datetime

from directory.models import (
    CorrectionKind,
    CorrectionStatus,
    FlagReason,
    ListingStatus,
    Phone,
    PhoneType,
    Role,
)
from directory.operations.corrections import report_correction
from directory.operations.staff_flags import flag_listing, resolve_staff_flag
from directory.staff.rows import RowFacts, row_facts, staff_rows
from tests.staff_accounts import make_staff

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_each_row_gets_its_first_callable_phone_intake_due_date_and_open_flags(session, create_center):
    specialist, admin = make_staff(session), make_staff(session, Role.ADMIN)
    flagged = create_center(status=ListingStatus.PUBLISHED, accepting_new_clients=True)
    flagged.phones = [
        Phone(position=0, number="555-0100", type=PhoneType.FAX),
        Phone(position=1, number="555-0101", extension="12", type=PhoneType.VOICE),
        Phone(position=2, number="555-0102", type=PhoneType.HOTLINE),
    ]
    resolved = create_center(status=ListingStatus.PUBLISHED, accepting_new_clients=False)
    resolved.reverify_due_on = date(2026, 11, 1)
    quiet = create_center(status=ListingStatus.PUBLISHED)
    session.flush()
    flag_listing(session, flagged, FlagReason.CLOSED, actor=specialist, now=NOW)
    done = flag_listing(session, resolved, FlagReason.PHONE_NOT_WORKING, actor=specialist, now=NOW)
    resolve_staff_flag(session, done, CorrectionStatus.ACCEPTED, actor=admin, reason="Fixed the number.")
    report_correction(
        session, quiet, {"kind": CorrectionKind.HOURS, "details": "Public report"}, actor="public"
    )
    session.flush()
    ids = [str(flagged.id), str(resolved.id), str(quiet.id)]

    facts = row_facts(session, ids)
    assert facts[str(flagged.id)] == RowFacts("555-0101 ext. 12", True, flagged.reverify_due_on, True)
    assert facts[str(resolved.id)] == RowFacts(None, False, date(2026, 11, 1), False)
    assert facts[str(quiet.id)].flagged is False  # a public report is not a staff flag
    assert row_facts(session, []) == {}

    rows = staff_rows(session, [{"id": center_id} for center_id in ids], today=date(2026, 11, 30))
    assert [row["phone"] for row in rows] == ["555-0101 ext. 12", None, None]
    assert [len(row["staff_flags"]) for row in rows] == [1, 0, 0]
    assert rows[0]["staff_flags"][0].reported_on == "November 30, 2026"
    assert [row["overdue"] for row in rows] == [False, True, False]
