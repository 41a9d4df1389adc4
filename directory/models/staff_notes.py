"""Staff notes: internal remarks on a center, for staff eyes only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text, event, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.models.base import Base, UTCDateTime, UUIDPrimaryKey, utcnow

if TYPE_CHECKING:
    from directory.models.centers import Center
    from directory.models.users import User


class StaffNoteDeletionError(RuntimeError):
    """Raised when a staff note is deleted other than through operations.staff_notes."""


class StaffNote(UUIDPrimaryKey, Base):
    """A note on a center written by a staff member; never shown on the public site or in the API."""

    __tablename__ = "staff_notes"

    #: Notes go with their listing (a listing's own deletion is audited).
    center_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now(), index=True
    )

    center: Mapped[Center] = relationship()
    author: Mapped[User] = relationship()

    #: Set only by operations.staff_notes.delete_staff_note, which audits the deletion.
    deletion_audited = False

    def __repr__(self) -> str:
        return f"<StaffNote {self.center_id} {self.created_at:%Y-%m-%d}>"


@event.listens_for(StaffNote, "before_delete")
def _refuse_silent_deletion(_mapper: object, _connection: object, target: StaffNote) -> None:
    """Let a note go only through the operation that audits it."""
    if not target.deletion_audited:
        raise StaffNoteDeletionError(f"staff note {target.id} can only be deleted through delete_staff_note")
