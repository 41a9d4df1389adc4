"""The audit trail: an append-only record of who changed what, when, and why."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from directory.models.base import Base, UTCDateTime, UUIDPrimaryKey, utcnow


class AuditTrailError(RuntimeError):
    """Raised on an attempt to change or delete an audit event."""


class AuditEvent(UUIDPrimaryKey, Base):
    """One recorded decision or change; rows are written once and never altered."""

    __tablename__ = "audit_events"

    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The staff member, or None for the system (imports, scheduled jobs).
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Who acted, as shown to people (an e-mail address, "system", "sample-data loader").
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(80), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_changes(_mapper: object, _connection: object, target: AuditEvent) -> None:
    """Keep the trail append-only at the ORM level."""
    raise AuditTrailError(f"audit event {target.id} is append-only")
