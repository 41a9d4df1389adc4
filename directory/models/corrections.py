"""Reports that a listing is wrong, and the contact behind a new listing.

Corrections come from the public (the "report incorrect information" form) or from staff: a
specialist's one-click flag ("phone does not work", ...) is a correction marked as from staff, with
a closed-list reason and a re-verification deadline. Neither is ever shown on the public site. A
correction leaves its listing unchanged until a staff member acts on it; a submission's contact is
kept apart from the listing so that it is never published and is deleted with the listing (the
audit trail, which is append-only, does not hold it).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, func
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


class CorrectionResolution(enum.StrEnum):
    """How an admin closed a report: fixed (accepted), or not reproducible or spam (rejected)."""

    FIXED = "fixed"
    NOT_REPRODUCIBLE = "not-reproducible"
    SPAM = "spam"

    @property
    def label(self) -> str:
        """Return the wording admin screens show."""
        return RESOLUTION_LABELS[self]

    @property
    def status(self) -> CorrectionStatus:
        """Return the status a report closed this way takes."""
        return CorrectionStatus.ACCEPTED if self is CorrectionResolution.FIXED else CorrectionStatus.REJECTED


RESOLUTION_LABELS: dict[CorrectionResolution, str] = {
    CorrectionResolution.FIXED: "Fixed",
    CorrectionResolution.NOT_REPRODUCIBLE: "Not reproducible",
    CorrectionResolution.SPAM: "Spam",
}


class CorrectionSource(enum.StrEnum):
    """Who reported: a person through the public form, or a staff member's flag."""

    PUBLIC = "public"
    STAFF = "staff"


class FlagReason(enum.StrEnum):
    """The closed list of dead ends a specialist can flag in one click."""

    PHONE_NOT_WORKING = "phone-not-working"
    NOT_ACCEPTING = "not-accepting"
    CLOSED = "closed"
    THERAPY_NOT_OFFERED = "therapy-not-offered"

    @property
    def label(self) -> str:
        """Return the wording staff screens show."""
        return FLAG_REASON_LABELS[self]

    @property
    def kind(self) -> CorrectionKind:
        """Return the correction kind the research team's queue files the flag under."""
        return FLAG_REASON_KINDS[self]


#: Staff screens' wording of each reason, in the order they list them.
FLAG_REASON_LABELS: dict[FlagReason, str] = {
    FlagReason.PHONE_NOT_WORKING: "Phone does not work",
    FlagReason.NOT_ACCEPTING: "Not accepting new clients",
    FlagReason.CLOSED: "Closed",
    FlagReason.THERAPY_NOT_OFFERED: "Does not offer this therapy",
}
FLAG_REASON_KINDS: dict[FlagReason, CorrectionKind] = {
    FlagReason.PHONE_NOT_WORKING: CorrectionKind.CONTACT,
    FlagReason.NOT_ACCEPTING: CorrectionKind.HOURS,
    FlagReason.CLOSED: CorrectionKind.CLOSED,
    FlagReason.THERAPY_NOT_OFFERED: CorrectionKind.SERVICES,
}

#: A staff flag has a reporting user, a reason and a deadline; a public report has none of them.
STAFF_FLAG_CHECK = CheckConstraint(
    "(source = 'public' AND reported_by IS NULL AND flag_reason IS NULL AND reverify_by IS NULL)"
    " OR (source = 'staff' AND reported_by IS NOT NULL AND flag_reason IS NOT NULL"
    " AND reverify_by IS NOT NULL AND reporter_email IS NULL)",
    name="staff_flag_fields",
)


class Correction(UUIDPrimaryKey, Base):
    """A report that something in a listing is wrong, from the public or flagged by staff."""

    __tablename__ = "corrections"
    __table_args__ = (STAFF_FLAG_CHECK,)

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
    #: How it was closed (set with ``resolved_at`` by the admin corrections screen; older rows have none).
    resolution: Mapped[CorrectionResolution | None] = mapped_column(
        enum_column(CorrectionResolution, "correction_resolution")
    )
    #: The admin's note on closing it; staff only, never public.
    resolution_note: Mapped[str | None] = mapped_column(Text)
    #: ``staff`` for a specialist's flag (CHECK ``staff_flag_fields`` binds the next three columns).
    source: Mapped[CorrectionSource] = mapped_column(
        enum_column(CorrectionSource, "correction_source"),
        default=CorrectionSource.PUBLIC,
        server_default=CorrectionSource.PUBLIC.value,
    )
    #: The staff member who flagged the listing (staff flags only).
    reported_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    flag_reason: Mapped[FlagReason | None] = mapped_column(enum_column(FlagReason, "flag_reason"))
    #: When the research team should have re-verified the listing (staff flags only).
    reverify_by: Mapped[datetime | None] = mapped_column(UTCDateTime)

    center: Mapped[Center] = relationship()

    def __repr__(self) -> str:
        return f"<Correction {self.source.value} {self.kind.value} {self.status.value}>"


class ListingSubmission(UUIDPrimaryKey, Base):
    """Who listed a center through the public form, for staff to contact while reviewing it."""

    __tablename__ = "listing_submissions"

    #: Deleted with the listing, so a rejected submission leaves no personal data behind. None once
    #: the submission was merged into another listing (``merged_into_id``) and its own was retired.
    center_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("centers.id", ondelete="CASCADE"), unique=True
    )
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    #: How staff can confirm the center offers the therapies it chose (a web address or a short
    #: note), as typed. None for submissions sent before the form asked.
    therapy_proof: Mapped[str | None] = mapped_column(Text)
    #: What an admin last asked the submitter, and when (every request is in the audit trail).
    info_requested: Mapped[str | None] = mapped_column(Text)
    info_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The existing listing this submission was merged into (a center claiming its record).
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("centers.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    center: Mapped[Center | None] = relationship(foreign_keys=[center_id])
    merged_into: Mapped[Center | None] = relationship(foreign_keys=[merged_into_id])

    def __repr__(self) -> str:
        return f"<ListingSubmission {self.center_id}>"
