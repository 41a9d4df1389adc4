"""What the research team checked: one row per verification decision on a listing."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.models.base import Base, UTCDateTime, UUIDPrimaryKey, enum_column, utcnow

if TYPE_CHECKING:
    from directory.models.centers import Center


class VerificationDecision(enum.StrEnum):
    """A decision about a listing's verification (the transitions of ``operations.listing_state``)."""

    VERIFY = "verify"
    REQUEST_INFO = "request_info"
    REJECT = "reject"
    REVOKE = "revoke"
    EXPIRE = "expire"


class VerificationRecord(UUIDPrimaryKey, Base):
    """One decision and the evidence behind it; written once by ``operations.listing_state``."""

    __tablename__ = "verification_records"

    center_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    decision: Mapped[VerificationDecision] = mapped_column(
        enum_column(VerificationDecision, "verification_decision")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The admin who decided, or None for the system (the expiry job).
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    #: Who decided, as shown to people (an e-mail address or "verification schedule").
    decided_by_label: Mapped[str] = mapped_column(String(254))
    license_number: Mapped[str | None] = mapped_column(String(60))
    license_state: Mapped[str | None] = mapped_column(String(2))
    #: Accreditation term codes confirmed (``accreditation`` scheme).
    accreditations: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Therapy and route term codes confirmed (for example ``ketamine-assisted-therapy``, ``iv-infusion``).
    therapies_confirmed: Mapped[list[str]] = mapped_column(JSON, default=list)
    rems_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    website_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    phone_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A virtual tour or photos of the premises were seen.
    tour_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence_note: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    reason: Mapped[str | None] = mapped_column(Text)
    #: For ``verify``: the re-verification date it set.
    reverify_due_on: Mapped[date | None] = mapped_column(Date)

    center: Mapped[Center] = relationship()

    def __repr__(self) -> str:
        return f"<VerificationRecord {self.decision.value} {self.decided_at:%Y-%m-%d}>"
