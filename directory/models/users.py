"""Staff accounts: admins (the research team) and support specialists."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, false, true
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from directory.models.base import Base, Timestamps, UTCDateTime, UUIDPrimaryKey, enum_column, utcnow


class Role(enum.StrEnum):
    """What a staff member may do."""

    ADMIN = "admin"
    SPECIALIST = "specialist"


class User(UUIDPrimaryKey, Timestamps, Base):
    """A staff member who signs in; the public never has accounts."""

    __tablename__ = "users"

    #: Stored lower-case; unique.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Set by an admin's temporary password: no staff page opens until the person changes it.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Part of every session's id: raising it ends the account's open sessions (on deactivation).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``, never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class StaffInvitation(UUIDPrimaryKey, Base):
    """A one-time link that lets a staff member set their password; only the token's digest is kept."""

    __tablename__ = "staff_invitations"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token (hex); the token itself is shown once to the admin and never stored.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the link was used; a used link never works again.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
