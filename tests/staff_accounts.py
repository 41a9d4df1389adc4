"""Staff accounts for tests of the console's operations (stored for real, with a real hash)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from directory.models import Role, User

#: A fixed hash of "not-a-real-password", computed once so that tests do not pay for scrypt.
_HASH = User(email="x@example.org", role=Role.SPECIALIST)
_HASH.set_password("not-a-real-password")
PASSWORD_HASH = _HASH.password_hash


def make_staff(session: Session, role: Role = Role.SPECIALIST, *, active: bool = True) -> User:
    """Add a staff account with a unique address and flush it."""
    user = User(
        email=f"{role.value}-{uuid.uuid4().hex[:8]}@staff.example",
        role=role,
        active=active,
        password_hash=PASSWORD_HASH,
    )
    session.add(user)
    session.flush()
    return user
