"""What staff see of open staff flags: "reported by staff on (date)" with the reason, until resolved."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from directory.models import Correction, FlagReason
from directory.operations.staff_flags import open_staff_flags_by_center, reported_on


@dataclass(frozen=True)
class FlagMark:
    """One unresolved staff flag as staff screens show it."""

    reason: str
    #: 'November 30, 2026'
    reported_on: str
    #: '2026-11-30', for ``<time datetime>``
    reported_iso: str
    note: str
    #: The research team's deadline, as a date ('December 14, 2026').
    reverify_by: str


def flag_mark(flag: Correction) -> FlagMark:
    """Return how ``flag`` reads on staff screens."""
    due = flag.reverify_by
    return FlagMark(
        reason=FlagReason(flag.flag_reason).label if flag.flag_reason else "",
        reported_on=reported_on(flag),
        reported_iso=flag.created_at.date().isoformat(),
        note=flag.details,
        reverify_by=f"{due:%B} {due.day}, {due.year}" if due else "",
    )


def flag_marks_by_center(
    session: Session, center_ids: Iterable[uuid.UUID | str]
) -> dict[str, list[FlagMark]]:
    """Return the open staff flags of many centers (a page of results) by center id string, newest first."""
    flags = open_staff_flags_by_center(session, center_ids)
    return {str(center_id): [flag_mark(flag) for flag in found] for center_id, found in flags.items()}
