"""Staff flags: a specialist's one-click report of a dead end, for the research team's queue.

A flag is a :class:`Correction` with source ``staff``: the reporting user, a reason from the
closed list (:class:`FlagReason`), an optional note, and a re-verification deadline (now plus a
configurable number of days). Until it is resolved, staff see the listing as "reported by staff
on (date)". Only an admin resolves a flag.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Center, Correction, CorrectionSource, CorrectionStatus, FlagReason, User, utcnow
from directory.operations.audit import record_event
from directory.operations.corrections import resolve_correction
from directory.operations.errors import OperationError
from directory.operations.staff_roles import require_admin, require_staff
from directory.schemas.fields import check_safe_text

#: Days the research team has to re-verify a flagged listing (``STAFF_FLAG_REVERIFY_DAYS``).
DEFAULT_REVERIFY_DAYS = 14
MAX_REVERIFY_DAYS = 365
MAX_FLAG_NOTE_LENGTH = 1000


def reverify_days_setting(config: Mapping[str, Any]) -> int:
    """Return the app's ``STAFF_FLAG_REVERIFY_DAYS`` (default 14); raise ValueError naming a bad one."""
    raw = config.get("STAFF_FLAG_REVERIFY_DAYS", DEFAULT_REVERIFY_DAYS)
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = 0
    if isinstance(raw, bool) or not 1 <= days <= MAX_REVERIFY_DAYS:
        raise ValueError(
            f"STAFF_FLAG_REVERIFY_DAYS must be a whole number of days from 1 to {MAX_REVERIFY_DAYS}."
        )
    return days


def flag_listing(
    session: Session,
    center: Center,
    reason: FlagReason | str,
    *,
    actor: User,
    note: str = "",
    reverify_days: int = DEFAULT_REVERIFY_DAYS,
    now: datetime | None = None,
) -> Correction:
    """Flag ``center`` for the research team as ``actor``; audit it. Flushes only."""
    require_staff(actor)
    reason = _reason(reason)
    if not 1 <= reverify_days <= MAX_REVERIFY_DAYS:
        raise OperationError(f"The re-verification deadline must be 1 to {MAX_REVERIFY_DAYS} days away.")
    details = _note(note)
    already = session.scalar(
        select(Correction).where(
            Correction.center_id == center.id,
            Correction.source == CorrectionSource.STAFF,
            Correction.flag_reason == reason,
            Correction.status == CorrectionStatus.NEW,
        )
    )
    if already is not None:
        raise OperationError(
            f"{center.name} was already reported as “{reason.label.lower()}” by staff on "
            f"{reported_on(already)}; the research team has it in their queue."
        )
    created = now or utcnow()
    flag = Correction(
        center_id=center.id,
        kind=reason.kind,
        details=details,
        source=CorrectionSource.STAFF,
        reported_by=actor.id,
        flag_reason=reason,
        created_at=created,
        reverify_by=created + timedelta(days=reverify_days),
    )
    session.add(flag)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="correction.flagged",
        record_type="correction",
        record_id=flag.id,
        after={
            "center_id": str(center.id),
            "source": CorrectionSource.STAFF.value,
            "flag_reason": reason.value,
            "reverify_by": flag.reverify_by.isoformat() if flag.reverify_by else None,
            "status": CorrectionStatus.NEW.value,
        },
    )
    return flag


def open_staff_flags(session: Session, center: Center) -> list[Correction]:
    """Return the center's unresolved staff flags, newest first."""
    return open_staff_flags_by_center(session, [center.id]).get(center.id, [])


def open_staff_flags_by_center(
    session: Session, center_ids: Iterable[uuid.UUID | str]
) -> dict[uuid.UUID, list[Correction]]:
    """Return unresolved staff flags for many centers at once (a page of results), newest first."""
    ids = [i if isinstance(i, uuid.UUID) else uuid.UUID(str(i)) for i in center_ids]
    if not ids:
        return {}
    query = (
        select(Correction)
        .where(
            Correction.center_id.in_(ids),
            Correction.source == CorrectionSource.STAFF,
            Correction.status == CorrectionStatus.NEW,
        )
        .order_by(Correction.created_at.desc(), Correction.id)
    )
    flags: dict[uuid.UUID, list[Correction]] = defaultdict(list)
    for flag in session.scalars(query):
        flags[flag.center_id].append(flag)
    return dict(flags)


def reported_on(flag: Correction) -> str:
    """Return the flag's date as staff screens show it: 'November 30, 2026'."""
    return f"{flag.created_at:%B} {flag.created_at.day}, {flag.created_at.year}"


def resolve_staff_flag(
    session: Session,
    flag: Correction,
    status: CorrectionStatus,
    *,
    actor: User,
    reason: str | None = None,
) -> Correction:
    """Accept or reject a staff flag (admins only); audit it. Flushes only."""
    require_admin(actor, "resolve a staff flag")
    if flag.source is not CorrectionSource.STAFF:
        raise OperationError("This is a report from the public, not a staff flag.")
    return resolve_correction(session, flag, status, actor=actor, reason=reason)


def _reason(reason: FlagReason | str) -> FlagReason:
    try:
        return FlagReason(reason)
    except ValueError:
        choices = "; ".join(f"{r.value} ({r.label.lower()})" for r in FlagReason)
        raise OperationError(f"Choose what is wrong: {choices}.") from None


def _note(note: str) -> str:
    text = (note or "").strip()
    try:
        check_safe_text(text)
    except ValidationError as error:
        raise OperationError("The note: " + " ".join(error.messages)) from error  # type: ignore[arg-type]
    if len(text) > MAX_FLAG_NOTE_LENGTH:
        raise OperationError(
            f"The note is limited to {MAX_FLAG_NOTE_LENGTH:,} characters; it has {len(text):,}."
        )
    return text
