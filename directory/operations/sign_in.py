"""Staff sign-in: checking a password with equal work for unknown addresses, and auditing sessions.

These functions never see the request and never commit: the sign-in pages commit once.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from directory.models import User
from directory.operations.audit import record_event


@cache
def _dummy_hash() -> str:
    """Return a hash of a password nobody has, to check against when an address is unknown."""
    return generate_password_hash("no account has this password")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active account ``email`` and ``password`` name, or None (same work either way)."""
    address = email.strip().lower()
    user = session.scalar(select(User).where(func.lower(User.email) == address)) if address else None
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def find_account(session: Session, email: str) -> User | None:
    """Return the account with this address, active or not, or None."""
    address = email.strip().lower()
    return session.scalar(select(User).where(func.lower(User.email) == address)) if address else None


def record_sign_in(session: Session, user: User) -> None:
    """Record that ``user`` signed in."""
    record_event(session, actor=user, action="user.signed_in", record_type="user", record_id=user.id)


def record_sign_out(session: Session, user: User) -> None:
    """Record that ``user`` signed out."""
    record_event(session, actor=user, action="user.signed_out", record_type="user", record_id=user.id)


def record_lockout(session: Session, user: User, minutes: int) -> None:
    """Record that repeated failed sign-ins locked ``user``'s account for ``minutes``."""
    record_event(
        session,
        actor="sign-in lockout",
        action="user.sign_in_locked",
        record_type="user",
        record_id=user.id,
        after={"locked_minutes": minutes},
    )
    session.flush()
