"""API tokens that partners send as ``Authorization: Bearer ...``, and their daily use counts."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from directory.models.base import Base, UTCDateTime, UUIDPrimaryKey, enum_column, utcnow


class TokenScope(enum.StrEnum):
    """What an API token may read."""

    #: What anyone may read, under the higher rate limit of a known partner.
    PUBLIC = "public"
    #: Also the staff-only filters and fields.
    STAFF = "staff"


class ApiToken(UUIDPrimaryKey, Base):
    """A named token issued by an admin; only its SHA-256 digest is kept, never the token."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, "api_token_scope"))
    #: The token's first characters, shown to tell tokens apart; too short to stand for it.
    prefix: Mapped[str] = mapped_column(String(16))
    #: SHA-256 of the token (hex): the token has 256 random bits, so no salt or slow hash is needed.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Required: the first moment the token no longer works (midnight UTC after its last day).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set once by operations.api_tokens.revoke_token; a revoked token never works again.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix} {self.name!r} {self.scope.value}>"


class ApiTokenUse(Base):
    """How many requests one token authenticated on one day (UTC)."""

    __tablename__ = "api_token_uses"

    token_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
