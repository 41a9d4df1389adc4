"""Recording decisions and changes in the append-only audit trail."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from directory.models import AuditEvent, User


def record_event(
    session: Session,
    *,
    actor: User | str,
    action: str,
    record_type: str,
    record_id: uuid.UUID | str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Add one audit event; ``actor`` is a staff user or a label such as ``"sample-data loader"``."""
    event = AuditEvent(
        actor_id=actor.id if isinstance(actor, User) else None,
        actor_label=actor.email if isinstance(actor, User) else actor,
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        before=before,
        after=after,
        reason=reason,
    )
    session.add(event)
    return event
