"""Verification decisions with what was checked, and the scheduled step that lets them lapse.

The allowed moves live in ``operations.listing_state``; this module records the evidence beside
each decision (one :class:`VerificationRecord` per decision) and sets the verification columns.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import (
    Center,
    Correction,
    CorrectionStatus,
    User,
    VerificationDecision,
    VerificationRecord,
    VerificationStatus,
    utcnow,
)
from directory.operations.errors import OperationError
from directory.operations.listing_state import BY_NAME, apply_transition, check_actor, refusal
from directory.operations.staff_flags import open_staff_flags, resolve_staff_flag
from directory.schemas.geography import US_STATES

#: Months from a verification to its re-verification date (``REVERIFY_MONTHS``).
DEFAULT_REVERIFY_MONTHS = 12
MAX_REVERIFY_MONTHS = 60


def reverify_months_setting(config: Mapping[str, Any]) -> int:
    """Return the app's ``REVERIFY_MONTHS`` (default 12); raise ValueError naming a bad one."""
    raw = config.get("REVERIFY_MONTHS", DEFAULT_REVERIFY_MONTHS)
    try:
        months = int(raw)
    except (TypeError, ValueError):
        months = 0
    if isinstance(raw, bool) or not 1 <= months <= MAX_REVERIFY_MONTHS:
        raise ValueError(f"REVERIFY_MONTHS must be a whole number of months from 1 to {MAX_REVERIFY_MONTHS}.")
    return months


@dataclass(frozen=True)
class Evidence:
    """What the research team checked for one decision."""

    license_number: str | None = None
    license_state: str | None = None
    accreditations: tuple[str, ...] = ()
    therapies_confirmed: tuple[str, ...] = ()
    rems_confirmed: bool = False
    website_confirmed: bool = False
    phone_confirmed: bool = False
    tour_confirmed: bool = False
    note: str | None = None
    url: str | None = None
    problems: dict[str, list[str]] = field(default_factory=dict, compare=False)

    def checked_anything(self) -> bool:
        """Whether any check or note is recorded."""
        return bool(
            self.license_number
            or self.accreditations
            or self.therapies_confirmed
            or self.rems_confirmed
            or self.website_confirmed
            or self.phone_confirmed
            or self.tour_confirmed
            or self.note
        )


def add_months(day: date, months: int) -> date:
    """Return ``day`` moved ``months`` later, on the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def decide_verification(
    session: Session,
    center: Center,
    decision: VerificationDecision,
    *,
    actor: User | str,
    evidence: Evidence | None = None,
    reason: str | None = None,
    today: date | None = None,
    reverify_months: int = DEFAULT_REVERIFY_MONTHS,
) -> VerificationRecord:
    """Record ``decision`` on ``center`` with its evidence; audit it; flush, never commit.

    Verify sets the verification date, the verifier and the re-verification date
    (``reverify_months`` later); revoke dates the public "Verification withdrawn".
    """
    decision = VerificationDecision(decision)
    transition = BY_NAME[decision.value]
    check_actor(transition, actor)
    why = refusal(center, transition)
    if why:
        raise OperationError(why)
    evidence = evidence or Evidence()
    _check_evidence(decision, evidence)
    today = today or utcnow().date()
    changes: dict[str, Any] = {}
    due = None
    if decision is VerificationDecision.VERIFY:
        due = add_months(today, reverify_months)
        changes = {
            "verified_at": utcnow(),
            "verified_by": actor.email if isinstance(actor, User) else actor,
            "reverify_due_on": due,
        }
        if evidence.license_number:
            changes |= {"license_number": evidence.license_number, "license_state": evidence.license_state}
    apply_transition(
        session, center, decision.value, actor=actor, reason=reason, today=today, changes=changes
    )
    record = VerificationRecord(
        center_id=center.id,
        decision=decision,
        decided_by=actor.id if isinstance(actor, User) else None,
        decided_by_label=actor.email if isinstance(actor, User) else actor,
        license_number=evidence.license_number,
        license_state=evidence.license_state,
        accreditations=list(evidence.accreditations),
        therapies_confirmed=list(evidence.therapies_confirmed),
        rems_confirmed=evidence.rems_confirmed,
        website_confirmed=evidence.website_confirmed,
        phone_confirmed=evidence.phone_confirmed,
        tour_confirmed=evidence.tour_confirmed,
        evidence_note=evidence.note,
        evidence_url=evidence.url,
        reason=(reason or "").strip() or None,
        reverify_due_on=due,
    )
    session.add(record)
    session.flush()
    return record


def resolve_flags_by_decision(
    session: Session, center: Center, record: VerificationRecord, *, actor: User
) -> list[Correction]:
    """Resolve the specialists' open flags on ``center`` as checked by ``record``; audit each one."""
    flags = open_staff_flags(session, center)
    reason = f"Checked by the research team: {record.decision.value.replace('_', ' ')}"
    for flag in flags:
        resolve_staff_flag(session, flag, CorrectionStatus.ACCEPTED, actor=actor, reason=reason)
    return flags


def _check_evidence(decision: VerificationDecision, evidence: Evidence) -> None:
    """Refuse evidence that cannot be right, naming each problem."""
    problems = dict(evidence.problems)
    if evidence.license_state and evidence.license_state not in US_STATES:
        problems["license_state"] = ["Choose a US state or territory for the license."]
    if evidence.license_state and not evidence.license_number:
        problems["license_number"] = ["Give the license number for the state you chose."]
    if evidence.url and not evidence.url.startswith(("https://", "http://")):
        problems["evidence_url"] = ["The evidence link must start with https:// or http://."]
    if decision is VerificationDecision.VERIFY and not evidence.checked_anything():
        problems["evidence_note"] = ["Record what was checked: at least one confirmation or a note."]
    if problems:
        first = next(iter(problems.values()))[0]
        raise OperationError(first, problems)


def verification_records(session: Session, center: Center) -> list[VerificationRecord]:
    """Return every decision on ``center``, newest first."""
    return list(
        session.scalars(
            select(VerificationRecord)
            .where(VerificationRecord.center_id == center.id)
            .order_by(VerificationRecord.decided_at.desc())
        )
    )


def expire_overdue_verifications(session: Session, today: date, *, actor: User | str) -> list[Center]:
    """Mark verified centers whose re-verification date has passed as expired; audit each one.

    Expiry ends advertiser status with it (audited as ``advertiser.ended_by_expiry``), and the change
    reaches the search index through the change log like any other edit. Flushes, never commits.
    """
    overdue = session.scalars(
        select(Center)
        .where(Center.verification_status == VerificationStatus.VERIFIED, Center.reverify_due_on < today)
        .order_by(Center.reverify_due_on, Center.name)
    ).all()
    for center in overdue:
        reason = f"re-verification was due on {center.reverify_due_on.isoformat()}"
        decide_verification(
            session, center, VerificationDecision.EXPIRE, actor=actor, reason=reason, today=today
        )
    return list(overdue)
