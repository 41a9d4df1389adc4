"""The search change log: one row per committed change to a center's search document.

Rows are written in the same transaction as the change (see ``directory.indexing``), so a
rollback records nothing and a crash after commit loses nothing. Each node's index remembers
the last row it applied; the log is the one place every node learns of changes from.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Integer, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from directory.models.base import Base, UTCDateTime, utcnow


class SearchChange(Base):
    """A center whose search document may have changed."""

    __tablename__ = "search_changes"
    #: SQLite must never reuse an id, or a node could skip a change.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    #: No foreign key: the change that deletes a center must still be recorded.
    center_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
