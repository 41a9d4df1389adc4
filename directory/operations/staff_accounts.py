"""Admins managing staff accounts: invitations, temporary passwords, roles, deactivation.

An invitation is a one-time link: a random token shown once to the admin (the app sends no mail),
of which only a SHA-256 digest is stored; it expires (``STAFF_INVITATION_HOURS``, default 72) and
works once. A temporary password is generated here, shown once, and must be changed at the first
sign-in (``User.must_change_password``, enforced before every staff page). The last active admin
can be neither deactivated nor demoted. Every change is audited; no password or token ever is.
Operations flush, never commit; an admin actor is checked here, a label (the command line) is the
server's operator.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from directory.config import ConfigError
from directory.models import Role, StaffInvitation, User, utcnow
from directory.operations.audit import record_event
from directory.operations.errors import OperationError
from directory.operations.staff_roles import require_admin
from directory.operations.users import check_new_password, create_user

DEFAULT_INVITATION_HOURS = 72
#: Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
#: The one answer for a token that is unknown, mistyped, used or expired (they are not told apart).
INVALID_INVITATION = (
    "This invitation link does not work: it may have been used already, have expired, or be "
    "incomplete. Ask an administrator for a new link."
)


class InvalidInvitation(OperationError):
    """An invitation token that is unknown, used, expired or for a deactivated account."""

    def __init__(self) -> None:
        super().__init__(INVALID_INVITATION)


def invitation_hours(config: Mapping[str, Any]) -> int:
    """Return how long an invitation link works, from ``STAFF_INVITATION_HOURS`` (1 to 720)."""
    value = config.get("STAFF_INVITATION_HOURS") or DEFAULT_INVITATION_HOURS
    try:
        hours = int(value)
    except (TypeError, ValueError):
        hours = 0
    if not 1 <= hours <= 720:
        raise ConfigError(
            f"STAFF_INVITATION_HOURS must be a whole number of hours from 1 to 720; it is {str(value)[:40]!r}"
        )
    return hours


def token_digest(token: str) -> str:
    """Return the stored form of an invitation token (the token has 256 random bits: no salt needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def temporary_password() -> str:
    """Return a fresh random password of 16 unambiguous characters, in groups of four."""
    characters = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(16))
    return "-".join(characters[i : i + 4] for i in range(0, 16, 4))


def _require_admin_actor(actor: User | str, doing: str) -> None:
    """Refuse a staff actor who is not an active admin; a label is the server's operator."""
    if isinstance(actor, User):
        require_admin(actor, doing)


def invite_account(
    session: Session, email: str, role: Role | str, *, actor: User | str, hours: int
) -> tuple[User, str]:
    """Create an account that has no usable password yet, and return it with its invitation token."""
    _require_admin_actor(actor, "create staff accounts")
    user = create_user(session, email, role, secrets.token_urlsafe(32), actor=actor)
    return user, issue_invitation(session, user, actor=actor, hours=hours)


def create_account_with_temporary_password(
    session: Session, email: str, role: Role | str, *, actor: User | str
) -> tuple[User, str]:
    """Create an account with a generated password it must change at first sign-in; return both."""
    _require_admin_actor(actor, "create staff accounts")
    password = temporary_password()
    user = create_user(session, email, role, password, actor=actor, must_change_password=True)
    return user, password


def issue_invitation(session: Session, user: User, *, actor: User | str, hours: int) -> str:
    """Give ``user`` a new one-time link (earlier unused ones stop working); return its token."""
    _require_admin_actor(actor, "invite staff")
    if not user.active:
        raise OperationError(f"{user.email} is deactivated. Reactivate the account before inviting it.")
    session.execute(
        delete(StaffInvitation).where(StaffInvitation.user_id == user.id, StaffInvitation.used_at.is_(None))
    )
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(hours=hours)
    session.add(
        StaffInvitation(
            user_id=user.id,
            token_digest=token_digest(token),
            created_by_id=actor.id if isinstance(actor, User) else None,
            expires_at=expires_at,
        )
    )
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.invited",
        record_type="user",
        record_id=user.id,
        after={"email": user.email, "expires_at": expires_at.isoformat(timespec="minutes")},
    )
    return token


def find_invitation(session: Session, token: str) -> StaffInvitation | None:
    """Return the usable invitation ``token`` stands for: unused, unexpired, for an active account."""
    if not token or len(token) > 200:
        return None
    invitation = session.scalar(
        select(StaffInvitation).where(StaffInvitation.token_digest == token_digest(token))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        return None
    user = session.get(User, invitation.user_id)
    return invitation if user is not None and user.active else None


def invitation_account(session: Session, invitation: StaffInvitation) -> User:
    """Return the account an invitation is for."""
    user = session.get(User, invitation.user_id)
    assert user is not None  # the foreign key cascades
    return user


def accept_invitation(session: Session, token: str, password: str) -> User:
    """Set the invited account's password and use up the link; any bad token gets one answer."""
    invitation = find_invitation(session, token)
    if invitation is None:
        raise InvalidInvitation()
    check_new_password(password)
    user = invitation_account(session, invitation)
    user.set_password(password)
    user.must_change_password = False
    invitation.used_at = utcnow()
    session.flush()
    record_event(
        session, actor=user, action="user.invitation_accepted", record_type="user", record_id=user.id
    )
    return user


def pending_invitations(session: Session) -> dict[Any, StaffInvitation]:
    """Return each account's unused, unexpired invitation, by user id."""
    query = select(StaffInvitation).where(
        StaffInvitation.used_at.is_(None), StaffInvitation.expires_at > utcnow()
    )
    return {invitation.user_id: invitation for invitation in session.scalars(query)}


def change_role(session: Session, user: User, role: Role | str, *, actor: User | str) -> bool:
    """Give ``user`` another role; refuse to demote the last active admin. Return whether it changed."""
    _require_admin_actor(actor, "change roles")
    try:
        new = Role(role)
    except ValueError as error:
        raise OperationError(f"Role must be one of: {', '.join(r.value for r in Role)}.") from error
    old = Role(user.role)
    if new is old:
        return False
    if old is Role.ADMIN and user.active:
        _refuse_losing_last_admin(session, user, "make it a specialist")
    user.role = new
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.role_changed",
        record_type="user",
        record_id=user.id,
        before={"role": old.value},
        after={"role": new.value},
    )
    return True


def deactivate_account(session: Session, user: User, *, actor: User | str) -> bool:
    """Deactivate ``user``: no sign-in, open sessions end; refuse the last active admin."""
    _require_admin_actor(actor, "deactivate staff accounts")
    if not user.active:
        return False
    if Role(user.role) is Role.ADMIN:
        _refuse_losing_last_admin(session, user, "deactivate it")
    user.active = False
    user.session_version += 1
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.deactivated",
        record_type="user",
        record_id=user.id,
        before={"active": True},
        after={"active": False},
    )
    return True


def activate_account(session: Session, user: User, *, actor: User | str) -> bool:
    """Reactivate ``user`` (sessions from before the deactivation stay ended). Return whether it changed."""
    _require_admin_actor(actor, "reactivate staff accounts")
    if user.active:
        return False
    user.active = True
    user.session_version += 1
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.activated",
        record_type="user",
        record_id=user.id,
        before={"active": False},
        after={"active": True},
    )
    return True


def _refuse_losing_last_admin(session: Session, user: User, doing: str) -> None:
    """Refuse a change that would leave no active admin (the other admins' rows are locked meanwhile)."""
    others = session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
        .with_for_update()
    ).all()
    if not others:
        raise OperationError(
            f"{user.email} is the last active admin, so you cannot {doing}: nobody could run the "
            "console afterwards. Make another account an admin first."
        )
