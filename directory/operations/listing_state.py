"""The state machine of a listing: its status, its verification and its advertiser state.

Every allowed change is one :class:`Transition` in :data:`TRANSITIONS` (its name, the field it
moves, the states it starts from, the state it reaches, who may make it). Anything else is refused
with an :class:`OperationError` that says why, or :class:`PermissionDenied` for the wrong actor.
Each transition writes its audit event in the same transaction; nothing here commits.

Who: ``admin`` is an active admin account; ``system`` is a label such as ``"verification schedule"``
passed by a scheduled job or an import (never by a view).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from directory.models import AuditEvent, Center, ListingStatus, Role, User, VerificationStatus, utcnow
from directory.operations.audit import record_event
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.staff_roles import require_staff


class Field(enum.StrEnum):
    """The three things about a listing that change only through this module."""

    STATUS = "status"
    VERIFICATION = "verification"
    ADVERTISER = "advertiser"

    @property
    def audit_key(self) -> str:
        """Return the key of this field in audit events' before/after (the column's name where one holds
        it, as every other audited change writes it: the dashboard's backlog history reads it back)."""
        return "verification_status" if self is Field.VERIFICATION else self.value


class AdvertiserState(enum.StrEnum):
    """Whether a listing advertises now (``centers.is_advertiser``)."""

    NONE = "not advertising"
    ACTIVE = "advertising"


class Who(enum.StrEnum):
    """Who may make a transition."""

    ADMIN = "admin"
    SYSTEM = "system"


ADMIN = frozenset({Who.ADMIN})
SYSTEM = frozenset({Who.SYSTEM})
ANYONE = frozenset({Who.ADMIN, Who.SYSTEM})

L = ListingStatus
V = VerificationStatus
A = AdvertiserState
OPEN_STATUSES = frozenset({L.DRAFT, L.PENDING, L.PUBLISHED, L.SUSPENDED})


@dataclass(frozen=True)
class Transition:
    """One allowed change: ``name`` moves ``field`` from one of ``sources`` to ``target``."""

    name: str
    field: Field
    sources: frozenset[str]
    target: str
    who: frozenset[Who]
    #: Completes "Only an admin can ..." and labels the button.
    doing: str
    action: str
    reason_required: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("publish", Field.STATUS, frozenset({L.DRAFT, L.PENDING, L.SUSPENDED}), L.PUBLISHED,
               ANYONE, "publish a listing", "listing.published"),
    Transition("unpublish", Field.STATUS, frozenset({L.PUBLISHED}), L.SUSPENDED,
               ANYONE, "unpublish a listing", "listing.unpublished"),
    Transition("close", Field.STATUS, OPEN_STATUSES, L.CLOSED,
               ANYONE, "close a listing", "listing.closed", reason_required=True),
    Transition("reopen", Field.STATUS, frozenset({L.CLOSED}), L.PUBLISHED,
               ANYONE, "reopen a listing", "listing.reopened"),
    Transition("reopen_unpublished", Field.STATUS, frozenset({L.CLOSED}), L.SUSPENDED,
               ANYONE, "reopen a listing without publishing it", "listing.reopened_unpublished"),
    Transition("verify", Field.VERIFICATION, frozenset(V), V.VERIFIED,
               ADMIN, "verify a listing", "verification.verified"),
    Transition("request_info", Field.VERIFICATION,
               frozenset({V.UNVERIFIED, V.PENDING, V.EXPIRED, V.REJECTED}), V.NEEDS_INFO,
               ADMIN, "ask a listing for information", "verification.info_requested", reason_required=True),
    Transition("reject", Field.VERIFICATION,
               frozenset({V.UNVERIFIED, V.PENDING, V.NEEDS_INFO, V.EXPIRED}), V.REJECTED,
               ADMIN, "reject a verification", "verification.rejected", reason_required=True),
    Transition("revoke", Field.VERIFICATION, frozenset({V.VERIFIED}), V.REVOKED,
               ADMIN, "revoke a verification", "verification.revoked", reason_required=True),
    Transition("expire", Field.VERIFICATION, frozenset({V.VERIFIED}), V.EXPIRED,
               SYSTEM, "expire a verification", "verification.expired"),
    Transition("start_advertising", Field.ADVERTISER, frozenset({A.NONE}), A.ACTIVE,
               ADMIN, "mark a listing as an advertiser", "advertiser.started"),
    Transition("end_advertising", Field.ADVERTISER, frozenset({A.ACTIVE}), A.NONE,
               ADMIN, "end advertising early", "advertiser.ended_early", reason_required=True),
    Transition("advertising_reached_end_date", Field.ADVERTISER, frozenset({A.ACTIVE}), A.NONE,
               SYSTEM, "end advertising on its end date", "advertiser.ended_on_end_date"),
    Transition("advertising_ended_by_expiry", Field.ADVERTISER, frozenset({A.ACTIVE}), A.NONE,
               ANYONE, "end advertising when verification expires", "advertiser.ended_by_expiry"),
    Transition("advertising_ended_by_revocation", Field.ADVERTISER, frozenset({A.ACTIVE}), A.NONE,
               ANYONE, "end advertising when verification is revoked", "advertiser.ended_by_revocation"),
    Transition("advertising_ended_by_closure", Field.ADVERTISER, frozenset({A.ACTIVE}), A.NONE,
               ANYONE, "end advertising when the listing closes", "advertiser.ended_by_closure"),
)  # fmt: skip

BY_NAME: dict[str, Transition] = {transition.name: transition for transition in TRANSITIONS}

#: Refusals worth a sentence of their own: (transition, current state) → why.
REFUSALS: dict[tuple[str, str], str] = {
    ("publish", L.CLOSED): "A closed listing must be reopened before it is published.",
    ("publish", L.PUBLISHED): "This listing is already published.",
    ("unpublish", L.CLOSED): "A closed listing is already off the public directory; reopen it first.",
    ("close", L.CLOSED): "This listing is already closed.",
    ("request_info", V.VERIFIED): (
        "A verified listing stays verified until it expires or is revoked: "
        "record a new verification or revoke it instead."
    ),
    ("request_info", V.NEEDS_INFO): "This listing is already waiting for information.",
    ("reject", V.VERIFIED): "A verified listing cannot be rejected; revoke its verification instead.",
    ("start_advertising", A.ACTIVE): "This listing is already an advertiser.",
    ("end_advertising", A.NONE): "This listing is not an advertiser.",
}

#: Transitions that are internal consequences of another, never offered as a button.
CONSEQUENCES = frozenset(
    {
        "advertising_ended_by_expiry",
        "advertising_ended_by_revocation",
        "advertising_ended_by_closure",
    }
)


def current_state(center: Center, field: Field) -> str:
    """Return the listing's state in ``field``."""
    if field is Field.STATUS:
        return ListingStatus(center.status)
    if field is Field.VERIFICATION:
        return VerificationStatus(center.verification_status)
    return AdvertiserState.ACTIVE if center.is_advertiser else AdvertiserState.NONE


def refusal(center: Center, transition: Transition) -> str | None:
    """Return why ``transition`` cannot apply to ``center`` now, or None when it can."""
    state = current_state(center, transition.field)
    if state not in transition.sources:
        return REFUSALS.get((transition.name, state)) or (
            f"Cannot {transition.doing}: its {transition.field.value} is {state}; "
            f"this applies only when it is {_either(transition.sources)}."
        )
    guard = GUARDS.get(transition.name)
    return guard(center) if guard else None


def allowed_transitions(center: Center, field: Field, actor: User) -> list[Transition]:
    """Return the transitions ``actor`` may make on ``center`` in ``field`` now (the buttons to show)."""
    return [
        transition
        for transition in TRANSITIONS
        if transition.field is field
        and transition.name not in CONSEQUENCES
        and _role(actor) in transition.who
        and refusal(center, transition) is None
    ]


def apply_transition(
    session: Session,
    center: Center,
    name: str,
    *,
    actor: User | str,
    reason: str | None = None,
    today: date | None = None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Make transition ``name`` on ``center`` (with its consequences) and audit it; flush, never commit.

    ``changes`` are further columns the transition sets (dates, contract reference), recorded too.
    """
    transition = BY_NAME.get(name)
    if transition is None:
        raise OperationError(f"There is no action called {name!r}.")
    check_actor(transition, actor)
    why = refusal(center, transition)
    if why:
        raise OperationError(why)
    reason = (reason or "").strip() or None
    if transition.reason_required and reason is None:
        message = f"Give a reason to {transition.doing}."
        raise OperationError(message, {"reason": [message]})
    today = today or utcnow().date()
    was_advertiser = center.is_advertiser
    _run_consequences(session, center, transition, actor=actor, today=today)
    before = {transition.field.audit_key: current_state(center, transition.field).value}
    before |= {key: _plain(getattr(center, key)) for key in changes or {}}
    EFFECTS[transition.field](center, transition, today)
    for key, value in (changes or {}).items():
        setattr(center, key, value)
    after = {transition.field.audit_key: current_state(center, transition.field).value}
    after |= {key: _plain(value) for key, value in (changes or {}).items()}
    if transition.field is Field.VERIFICATION:
        before["is_advertiser"], after["is_advertiser"] = was_advertiser, center.is_advertiser
    event = record_event(
        session,
        actor=actor,
        action=transition.action,
        record_type="center",
        record_id=center.id,
        before=before,
        after=after,
        reason=reason,
    )
    session.flush()
    return event


def change_listing_status(
    session: Session, center: Center, target: ListingStatus, *, actor: User | str, reason: str | None = None
) -> AuditEvent:
    """Move ``center`` to listing status ``target`` by the one transition that does it; audit it."""
    target = ListingStatus(target)
    state = ListingStatus(center.status)
    for transition in TRANSITIONS:
        if transition.field is Field.STATUS and transition.target == target and state in transition.sources:
            return apply_transition(session, center, transition.name, actor=actor, reason=reason)
    if state == target:
        raise OperationError(f"This listing is already {target.value}.")
    if target in (ListingStatus.DRAFT, ListingStatus.PENDING):
        raise OperationError(f"A listing cannot go back to {target.value}; unpublish or close it instead.")
    name = {ListingStatus.PUBLISHED: "publish", ListingStatus.SUSPENDED: "unpublish"}[target]
    return apply_transition(session, center, name, actor=actor, reason=reason)


def check_actor(transition: Transition, actor: User | str) -> None:
    """Refuse an actor the transition does not admit (PermissionDenied says who may)."""
    if isinstance(actor, User):
        require_staff(actor)
    elif not actor.strip():
        raise PermissionDenied("A system action must name what is acting.")
    if _role(actor) in transition.who:
        return
    if Who.ADMIN in transition.who:
        raise PermissionDenied(f"Only an admin can {transition.doing}.")
    raise PermissionDenied(f"Only the daily verification job can {transition.doing}.")


def _role(actor: User | str) -> Who | None:
    if not isinstance(actor, User):
        return Who.SYSTEM
    return Who.ADMIN if actor.active and Role(actor.role) is Role.ADMIN else None


def _either(states: frozenset[str]) -> str:
    names = sorted(str(state) for state in states)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _run_consequences(
    session: Session, center: Center, transition: Transition, *, actor: User | str, today: date
) -> None:
    """End advertising, audited with its cause, before verification lapses or the listing closes."""
    cause = {
        "expire": "advertising_ended_by_expiry",
        "revoke": "advertising_ended_by_revocation",
        "close": "advertising_ended_by_closure",
    }.get(transition.name)
    if cause and center.is_advertiser:
        apply_transition(session, center, cause, actor=actor, today=today)


def _set_status(center: Center, transition: Transition, _today: date) -> None:
    center.status = ListingStatus(transition.target)


def _set_verification(center: Center, transition: Transition, today: date) -> None:
    center.verification_status = VerificationStatus(transition.target)
    if transition.name == "revoke":
        center.verification_revoked_on = today
    elif transition.name == "verify":
        center.verification_revoked_on = None


def _set_advertiser(center: Center, transition: Transition, today: date) -> None:
    if transition.target == AdvertiserState.ACTIVE:
        center.is_advertiser = True
        return
    center.is_advertiser = False
    if center.advertiser_ends_on is None or center.advertiser_ends_on > today:
        center.advertiser_ends_on = today


def _advertiser_guard(center: Center) -> str | None:
    status = VerificationStatus(center.verification_status)
    if status is not VerificationStatus.VERIFIED:
        return f"Only a verified listing can be an advertiser; this one is {status.value.replace('_', ' ')}."
    if ListingStatus(center.status) is ListingStatus.CLOSED:
        return "A closed listing cannot be an advertiser; reopen it first."
    return None


EFFECTS: dict[Field, Callable[[Center, Transition, date], None]] = {
    Field.STATUS: _set_status,
    Field.VERIFICATION: _set_verification,
    Field.ADVERTISER: _set_advertiser,
}
GUARDS: dict[str, Callable[[Center], str | None]] = {"start_advertising": _advertiser_guard}
