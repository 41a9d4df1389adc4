"""The staff view of a center: the public page's listing plus what only staff see.

Listing status (any status: pending, closed, ...), the full verification record, open staff flags,
staff notes and the history of changes from the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from directory.models import Center, FlagReason, ListingStatus, StaffNote, VerificationStatus
from directory.operations.staff_flags import open_staff_flags
from directory.operations.staff_notes import list_staff_notes
from directory.public.center_presenter import (
    PUBLIC_PAGE_STATUSES,
    CenterPage,
    Fact,
    find_center,
    present_center,
)
from directory.staff.flag_marks import FlagMark, flag_mark
from directory.staff.history import HistoryEntry, center_history
from search_index import Vocabulary

#: How each listing status reads for staff.
STATUS_TEXT: dict[ListingStatus, str] = {
    ListingStatus.DRAFT: "Draft: not public",
    ListingStatus.PENDING: "Pending review: not public",
    ListingStatus.PUBLISHED: "Published",
    ListingStatus.SUSPENDED: "Suspended: not public",
    ListingStatus.CLOSED: "Closed: the public page says so",
}

#: The flag form's choices, in the order staff screens list them.
FLAG_CHOICES: list[tuple[str, str]] = [(reason.value, reason.label) for reason in FlagReason]


@dataclass
class StaffCenterPage:
    """Everything the staff center template needs."""

    public: CenterPage
    status: str
    #: Whether the public has a page for this listing (published or closed).
    has_public_page: bool
    verification: list[Fact]
    flags: list[FlagMark]
    notes: list[StaffNote]
    history: list[HistoryEntry]
    #: Messages to show next to a form: "note", "flag", or "delete:<note id>" → message.
    errors: dict[str, str] = field(default_factory=dict)
    #: What the person had typed when a form is shown again with a message.
    values: dict[str, str] = field(default_factory=dict)

    @property
    def center(self) -> Center:
        """Return the listing."""
        return self.public.center


def find_staff_center(session: Session, slug: str) -> Center | None:
    """Return the center with this slug, whatever its listing status, or None."""
    return find_center(session, slug)


def present_staff_center(
    session: Session, center: Center, vocabulary: Vocabulary, url: str
) -> StaffCenterPage:
    """Return the staff view of ``center``; ``url`` is its public page's absolute URL."""
    status = ListingStatus(center.status)
    return StaffCenterPage(
        public=present_center(session, center, vocabulary, url),
        status=STATUS_TEXT[status],
        has_public_page=status in PUBLIC_PAGE_STATUSES,
        verification=verification_record(center),
        flags=[flag_mark(flag) for flag in open_staff_flags(session, center)],
        notes=list_staff_notes(session, center),
        history=center_history(session, center),
    )


def verification_record(center: Center) -> list[Fact]:
    """Return the research team's whole record: status, when and by whom, deadlines, lapse or withdrawal."""
    status = VerificationStatus(center.verification_status)
    facts = [
        ("Verification status", status.value.capitalize()),
        ("Verified at", _when(center.verified_at)),
        ("Verified by", center.verified_by),
        ("Last edited", _when(center.updated_at)),
        ("Re-verify by", _when(center.reverify_due_on)),
        ("Lapsed", _lapsed(center) if status is VerificationStatus.EXPIRED else None),
        ("Withdrawn", _withdrawn(center) if status is VerificationStatus.REVOKED else None),
        ("License", " ".join(part for part in (center.license_number, center.license_state) if part) or None),
        ("What was checked", center.verification_notes),
        ("Advertiser", _advertiser(center)),
    ]
    return [Fact(label, value) for label, value in facts if value]


def _when(value: date | datetime | None) -> str | None:
    return f"{value:%B} {value.day}, {value.year}" if value else None


def _lapsed(center: Center) -> str:
    due = _when(center.reverify_due_on)
    return f"Yes: re-verification was due on {due}" if due else "Yes"


def _withdrawn(center: Center) -> str:
    on = _when(center.verification_revoked_on)
    return (
        f"Yes, on {on}: the research team could not confirm this listing"
        if on
        else ("Yes: the research team could not confirm this listing")
    )


def _advertiser(center: Center) -> str | None:
    if center.is_advertiser:
        since = _when(center.advertiser_starts_on)
        return f"Yes, since {since}" if since else "Yes"
    ended = _when(center.advertiser_ends_on)
    return f"No (ended {ended})" if ended else None
