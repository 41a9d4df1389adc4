"""Staff accounts: admins (the research team) and support specialists."""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, String, true
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from directory.models.base import Base, Timestamps, UUIDPrimaryKey, enum_column


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

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``, never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)
