"""What the public sends the staff: corrections to listings, and the contact behind a new listing.

Neither is ever shown on the public site. A correction leaves its listing unchanged until a staff
member acts on it; a submission's contact is kept apart from the listing so that it is never
published and is deleted with the listing (the audit trail, which is append-only, does not hold it).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.models.base import Base, UTCDateTime, UUIDPrimaryKey, enum_column, utcnow

if TYPE_CHECKING:
    from directory.models.centers import Center


class CorrectionKind(enum.StrEnum):
    """What a person says is wrong with a listing."""

    CONTACT = "contact"
    ADDRESS = "address"
    SERVICES = "services"
    PAYMENT = "payment"
    HOURS = "hours"
    CLOSED = "closed"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Return the wording the public form shows."""
        return CORRECTION_KIND_LABELS[self]


#: The public form's wording of each kind, in the order it lists them.
CORRECTION_KIND_LABELS: dict[CorrectionKind, str] = {
    CorrectionKind.CONTACT: "Contact details (phone, e-mail or website)",
    CorrectionKind.ADDRESS: "Address or location",
    CorrectionKind.SERVICES: "Services or therapies offered",
    CorrectionKind.PAYMENT: "Payment or insurance",
    CorrectionKind.HOURS: "Hours or availability",
    CorrectionKind.CLOSED: "Closed or no longer operating",
    CorrectionKind.OTHER: "Something else",
}


class CorrectionStatus(enum.StrEnum):
    """Where a correction stands with the staff."""

    NEW = "new"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Correction(UUIDPrimaryKey, Base):
    """A report from the public that something in a listing is wrong."""

    __tablename__ = "corrections"

    center_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CorrectionKind] = mapped_column(enum_column(CorrectionKind, "correction_kind"))
    details: Mapped[str] = mapped_column(Text)
    #: Only for staff to ask a follow-up question; never shown or published.
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    #: ``new`` until a staff member accepts or rejects it (operations.corrections.resolve_correction).
    status: Mapped[CorrectionStatus] = mapped_column(
        enum_column(CorrectionStatus, "correction_status"),
        default=CorrectionStatus.NEW,
        server_default=CorrectionStatus.NEW.value,
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    #: Set together with ``resolved_by`` when the status leaves ``new``.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    center: Mapped[Center] = relationship()

    def __repr__(self) -> str:
        return f"<Correction {self.kind.value} {self.status.value}>"


class ListingSubmission(UUIDPrimaryKey, Base):
    """Who listed a center through the public form, for staff to contact while reviewing it."""

    __tablename__ = "listing_submissions"

    #: Deleted with the listing, so a rejected submission leaves no personal data behind.
    center_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), unique=True)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())

    center: Mapped[Center] = relationship()

    def __repr__(self) -> str:
        return f"<ListingSubmission {self.center_id}>"
