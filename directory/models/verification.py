"""Verification by the research team and advertiser status, with the rule that binds them.

The rule: only a verified center can be an advertiser; when verification lapses
or is revoked, advertiser status ends with it. It is enforced here (attribute
validation and a flush-time check) and in the database (a CHECK constraint on
``centers``), so neither a bug nor a hand-written statement can break it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, validates

from directory.models.base import UTCDateTime, enum_column, utcnow


class VerificationStatus(enum.StrEnum):
    """Where a listing stands with the research team."""

    UNVERIFIED = "unverified"
    PENDING = "pending"
    NEEDS_INFO = "needs_info"
    VERIFIED = "verified"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REJECTED = "rejected"


class AdvertiserRuleError(ValueError):
    """Raised when a center would be an advertiser without being verified."""


#: The database half of the rule; the constraint's name is ``ck_centers_advertiser_requires_verification``.
ADVERTISER_CHECK = CheckConstraint(
    "NOT is_advertiser OR verification_status = 'verified'", name="advertiser_requires_verification"
)


class VerificationMixin:
    """Columns recording what the research team checked, and advertiser status."""

    #: Set only through ``operations.listing_state``; leaving ``verified`` ends advertiser status.
    verification_status: Mapped[VerificationStatus] = mapped_column(
        enum_column(VerificationStatus, "verification_status"),
        default=VerificationStatus.UNVERIFIED,
        server_default=VerificationStatus.UNVERIFIED.value,
        index=True,
    )
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by: Mapped[str | None] = mapped_column(String(200))
    reverify_due_on: Mapped[date | None] = mapped_column(Date)
    license_number: Mapped[str | None] = mapped_column(String(60))
    license_state: Mapped[str | None] = mapped_column(String(2))
    verification_notes: Mapped[str | None] = mapped_column(Text)
    #: When verification was revoked (shown publicly as "Verification withdrawn"); cleared on verify.
    verification_revoked_on: Mapped[date | None] = mapped_column(Date)

    #: True only while verified (CHECK ``advertiser_requires_verification``).
    is_advertiser: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    advertiser_starts_on: Mapped[date | None] = mapped_column(Date)
    advertiser_ends_on: Mapped[date | None] = mapped_column(Date)
    #: The advertising contract's reference (staff only).
    advertiser_contract_ref: Mapped[str | None] = mapped_column(String(100))

    @property
    def is_verified(self) -> bool:
        """Whether the research team's verification is current."""
        return self.verification_status == VerificationStatus.VERIFIED

    @validates("verification_status")
    def _end_advertising_when_unverified(
        self, _key: str, status: VerificationStatus | str
    ) -> VerificationStatus:
        """End advertiser status as soon as verification lapses or is revoked."""
        status = VerificationStatus(status)
        if status != VerificationStatus.VERIFIED and self.is_advertiser:
            self.is_advertiser = False
            today = utcnow().date()
            if self.advertiser_ends_on is None or self.advertiser_ends_on > today:
                self.advertiser_ends_on = today
        return status

    def check_advertiser_rule(self) -> None:
        """Raise :class:`AdvertiserRuleError` if an unverified center is an advertiser."""
        if self.is_advertiser and self.verification_status != VerificationStatus.VERIFIED:
            raise AdvertiserRuleError(
                "only a verified center can be an advertiser "
                f"(verification status is {VerificationStatus(self.verification_status).value})"
            )
