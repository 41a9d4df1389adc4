"""Advertiser status: started by an admin for a verified listing, ended early, or ended by itself.

The moves are transitions of ``operations.listing_state``; this module adds the dates and the
contract reference, and the daily step that ends advertising on its end date.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import AuditEvent, Center, User
from directory.operations.errors import OperationError
from directory.operations.listing_state import BY_NAME, apply_transition, check_actor, refusal

CONTRACT_REF_MAX = 100


def start_advertising(
    session: Session,
    center: Center,
    *,
    actor: User,
    starts_on: date,
    ends_on: date,
    contract_ref: str,
    today: date,
) -> AuditEvent:
    """Mark a verified ``center`` as an advertiser from ``starts_on`` to ``ends_on``; audit it."""
    transition = BY_NAME["start_advertising"]
    check_actor(transition, actor)
    why = refusal(center, transition)
    if why:
        raise OperationError(why)
    contract_ref = (contract_ref or "").strip()
    problems: dict[str, list[str]] = {}
    if not contract_ref:
        problems["contract_ref"] = ["Give the contract reference."]
    elif len(contract_ref) > CONTRACT_REF_MAX:
        problems["contract_ref"] = [f"The contract reference must be at most {CONTRACT_REF_MAX} characters."]
    if starts_on > today:
        problems["starts_on"] = [
            "Advertising starts when it is marked: the start date cannot be in the future."
        ]
    if ends_on <= today:
        problems["ends_on"] = ["The end date must be after today."]
    elif ends_on <= starts_on:
        problems["ends_on"] = ["The end date must be after the start date."]
    if problems:
        raise OperationError(next(iter(problems.values()))[0], problems)
    changes = {
        "advertiser_starts_on": starts_on,
        "advertiser_ends_on": ends_on,
        "advertiser_contract_ref": contract_ref,
    }
    return apply_transition(session, center, "start_advertising", actor=actor, today=today, changes=changes)


def end_advertising(
    session: Session, center: Center, *, actor: User, reason: str | None, today: date
) -> AuditEvent:
    """End ``center``'s advertising today, before its end date, with a reason; audit it."""
    return apply_transition(session, center, "end_advertising", actor=actor, reason=reason, today=today)


def end_advertising_on_end_dates(session: Session, today: date, *, actor: str) -> list[Center]:
    """End the advertising of every listing whose end date has come; audit each one."""
    due = session.scalars(
        select(Center)
        .where(Center.is_advertiser.is_(True), Center.advertiser_ends_on <= today)
        .order_by(Center.advertiser_ends_on, Center.name)
    ).all()
    for center in due:
        apply_transition(
            session,
            center,
            "advertising_reached_end_date",
            actor=actor,
            reason=f"the advertising contract ended on {center.advertiser_ends_on.isoformat()}",
            today=today,
        )
    return list(due)


def current_advertisers(session: Session, *, today: date, ending_within: int | None = None) -> list[Center]:
    """Return the advertisers, soonest end first; only those ending within ``ending_within`` days if given."""
    query = select(Center).where(Center.is_advertiser.is_(True))
    if ending_within is not None:
        query = query.where(Center.advertiser_ends_on <= today + timedelta(days=ending_within))
    return list(session.scalars(query.order_by(Center.advertiser_ends_on, Center.name)))
