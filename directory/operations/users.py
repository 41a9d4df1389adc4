"""Staff accounts."""

from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.models import Role, User
from directory.operations.audit import record_event
from directory.operations.errors import OperationError
from directory.schemas.fields import EmailAddress

MIN_PASSWORD_LENGTH = 12


def create_user(
    session: Session,
    email: str,
    role: Role | str,
    password: str,
    *,
    actor: User | str,
    must_change_password: bool = False,
) -> User:
    """Create an active staff account; refuse a taken e-mail or a weak password."""
    try:
        role = Role(role)
    except ValueError as error:
        choices = ", ".join(r.value for r in Role)
        raise OperationError(f"Role must be one of: {choices}.") from error
    address = _validated_email(email)
    if session.scalar(select(User.id).where(func.lower(User.email) == address)) is not None:
        raise OperationError(f"A staff account for {address} already exists.")
    check_new_password(password)
    user = User(email=address, role=role, active=True, must_change_password=must_change_password)
    user.set_password(password)
    session.add(user)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.created",
        record_type="user",
        record_id=user.id,
        after={"email": address, "role": role.value, "active": True}
        | ({"must_change_password": True} if must_change_password else {}),
    )
    return user


def _validated_email(email: str) -> str:
    """Return the normalised address, or raise with the field's message."""
    try:
        return EmailAddress(required=True).deserialize(email)
    except ValidationError as error:
        raise OperationError(f"{email!r}: {' '.join(error.messages)}") from error


def check_new_password(password: str) -> None:
    """Refuse a password too short to keep, or one holding NUL characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise OperationError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if "\x00" in password:
        raise OperationError("The password must not contain NUL characters.")


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Re-hash ``user``'s password after checking the current one; the audit trail never sees either."""
    if not user.check_password(current):
        raise OperationError("Your current password is not correct.")
    check_new_password(new)
    if new == current:
        raise OperationError("Choose a new password different from the current one.")
    user.set_password(new)
    forced = user.must_change_password
    user.must_change_password = False
    session.flush()
    record_event(
        session,
        actor=user,
        action="user.password_changed",
        record_type="user",
        record_id=user.id,
        after={"temporary_password_replaced": True} if forced else None,
    )
