"""Centers: the listings of the directory (an HSDS organization with its locations and services)."""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from directory.models.base import Base, Timestamps, UUIDPrimaryKey, enum_column
from directory.models.verification import ADVERTISER_CHECK, VerificationMixin

if TYPE_CHECKING:
    from directory.models.locations import Location, Phone, ServiceArea
    from directory.models.taxonomy import TaxonomyTerm


class ListingStatus(enum.StrEnum):
    """A listing's life cycle; only ``published`` listings appear in public search."""

    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    SUSPENDED = "suspended"
    CLOSED = "closed"


center_terms = Table(
    "center_terms",
    Base.metadata,
    Column("center_id", ForeignKey("centers.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("taxonomy_terms.id", ondelete="CASCADE"), primary_key=True),
)


class Center(UUIDPrimaryKey, Timestamps, VerificationMixin, Base):
    """A treatment center's listing."""

    __tablename__ = "centers"
    __table_args__ = (
        UniqueConstraint("source", "external_key"),
        ADVERTISER_CHECK,
        CheckConstraint(
            "cash_price_min IS NULL OR cash_price_max IS NULL OR cash_price_min <= cash_price_max",
            name="price_range_ordered",
        ),
    )

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))

    #: Only ``published`` listings are public; see ListingStatus.
    status: Mapped[ListingStatus] = mapped_column(
        enum_column(ListingStatus, "listing_status"),
        default=ListingStatus.DRAFT,
        server_default=ListingStatus.DRAFT.value,
        index=True,
    )
    accepting_new_clients: Mapped[bool | None] = mapped_column(Boolean)

    cash_price_min: Mapped[int | None] = mapped_column(Integer)
    cash_price_max: Mapped[int | None] = mapped_column(Integer)
    sliding_scale: Mapped[bool | None] = mapped_column(Boolean)
    payment_assistance: Mapped[bool | None] = mapped_column(Boolean)
    price_notes: Mapped[str | None] = mapped_column(Text)

    # What patients' guides tell them to ask a ketamine or psychedelic clinic.
    spravato_rems_certified: Mapped[bool | None] = mapped_column(Boolean)
    offers_in_clinic: Mapped[bool | None] = mapped_column(Boolean)
    offers_at_home: Mapped[bool | None] = mapped_column(Boolean)
    session_monitoring: Mapped[str | None] = mapped_column(Text)
    private_treatment_room: Mapped[bool | None] = mapped_column(Boolean)
    support_person_allowed: Mapped[bool | None] = mapped_column(Boolean)
    integration_therapy: Mapped[bool | None] = mapped_column(Boolean)
    year_opened: Mapped[int | None] = mapped_column(Integer)

    # Where an imported listing came from (HSDS ``metadata``): the dataset, its edition, the
    # record's stable key there, its raw codes, and the values the import last wrote (a field
    # that no longer holds them was edited by staff, and later imports leave it alone).
    source: Mapped[str | None] = mapped_column(String(40))
    source_edition: Mapped[str | None] = mapped_column(String(20))
    external_key: Mapped[str | None] = mapped_column(String(400))
    source_codes: Mapped[list[str] | None] = mapped_column(JSON)
    imported_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Set when a newer edition of the source no longer lists the record; never deleted for that.
    missing_from_source_since: Mapped[date | None] = mapped_column(Date)

    locations: Mapped[list[Location]] = relationship(
        back_populates="center", order_by="Location.position", cascade="all, delete-orphan"
    )
    phones: Mapped[list[Phone]] = relationship(
        back_populates="center", order_by="Phone.position", cascade="all, delete-orphan"
    )
    service_areas: Mapped[list[ServiceArea]] = relationship(
        back_populates="center", order_by="ServiceArea.state", cascade="all, delete-orphan"
    )
    terms: Mapped[list[TaxonomyTerm]] = relationship(secondary=center_terms, order_by="TaxonomyTerm.position")

    def __repr__(self) -> str:
        return f"<Center {self.slug}>"

    @validates("status")
    def _coerce_status(self, _key: str, status: ListingStatus | str) -> ListingStatus:
        """Store the enum member even when given its value, and refuse anything else."""
        return ListingStatus(status)

    @property
    def primary_location(self) -> Location | None:
        """Return the first location, the one shown on cards and used for distance."""
        return self.locations[0] if self.locations else None

    def term_codes(self) -> dict[str, list[str]]:
        """Return the center's term codes grouped by scheme."""
        grouped: dict[str, list[str]] = {}
        for term in self.terms:
            grouped.setdefault(term.scheme, []).append(term.code)
        return grouped


@event.listens_for(Center, "before_insert")
@event.listens_for(Center, "before_update")
def _enforce_advertiser_rule(_mapper: object, _connection: object, center: Center) -> None:
    """Refuse to write an unverified advertiser."""
    center.check_advertiser_rule()
