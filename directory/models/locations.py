"""Where a center is and how to reach it: locations, phones and telehealth service areas."""

from __future__ import annotations

import enum
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.models.base import Base, UUIDPrimaryKey, enum_column

if TYPE_CHECKING:
    from directory.models.centers import Center


class Location(UUIDPrimaryKey, Base):
    """A physical address of a center (HSDS ``location`` with its ``address``)."""

    __tablename__ = "locations"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude_range"),
    )

    center_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    #: 0 is the primary location.
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str | None] = mapped_column(String(200))
    address_1: Mapped[str] = mapped_column(String(200))
    address_2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(2), index=True)
    postal_code: Mapped[str] = mapped_column(String(10))
    country: Mapped[str] = mapped_column(String(2), default="US")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    center: Mapped[Center] = relationship(back_populates="locations")


class PhoneType(enum.StrEnum):
    """Kinds of phone number, as in HSDS ``phone.type``."""

    VOICE = "voice"
    FAX = "fax"
    TEXT = "text"
    HOTLINE = "hotline"
    TTY = "tty"


class Phone(UUIDPrimaryKey, Base):
    """A phone number of a center."""

    __tablename__ = "phones"

    center_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str] = mapped_column(String(32))
    extension: Mapped[str | None] = mapped_column(String(10))
    type: Mapped[PhoneType] = mapped_column(enum_column(PhoneType, "phone_type"), default=PhoneType.VOICE)
    description: Mapped[str | None] = mapped_column(Text)

    center: Mapped[Center] = relationship(back_populates="phones")


class ServiceArea(Base):
    """A state where a center offers telehealth (HSDS ``service_area``)."""

    __tablename__ = "service_areas"

    center_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("centers.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(2), primary_key=True)

    center: Mapped[Center] = relationship(back_populates="service_areas")
