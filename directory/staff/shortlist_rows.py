"""The shortlist's rows: each center as a caller hears of it, with its distance from the place searched."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from directory.models import Center, ListingStatus, Location
from directory.search import LocationError, distances_from
from directory.staff.rows import first_phones
from directory.staff.shortlist import Shortlist


@dataclass(frozen=True)
class ShortlistRow:
    """One center on the shortlist, as the page and the exports show it."""

    position: int
    center_id: str
    slug: str
    name: str
    status: str
    phone: str | None
    address: str | None
    website: str | None
    distance_miles: float | None
    note: str


@dataclass(frozen=True)
class ShortlistView:
    """The shortlist's rows in order, and the name of the place distances are measured from."""

    rows: list[ShortlistRow]
    place_label: str | None


def find_center_name(session: Session, center_id: str) -> str | None:
    """Return the name of the center with this id, or None when there is none."""
    return session.scalar(select(Center.name).where(Center.id == uuid.UUID(center_id)))


def shortlist_view(session: Session, shortlist: Shortlist) -> ShortlistView:
    """Load the shortlist's centers in shortlist order (centers no longer in the directory left out)."""
    ids = shortlist.center_ids
    centers = _centers(session, ids)
    phones = first_phones(session, [center_id for center_id in ids if center_id in centers])
    listed = [entry for entry in shortlist.entries if entry.center_id in centers]
    locations = [centers[entry.center_id].primary_location for entry in listed]
    place_label, miles = _distances(shortlist.near, locations)
    rows = [
        ShortlistRow(
            position=position,
            center_id=entry.center_id,
            slug=centers[entry.center_id].slug,
            name=centers[entry.center_id].name,
            status=ListingStatus(centers[entry.center_id].status).value,
            phone=phones.get(entry.center_id),
            address=address_text(location),
            website=centers[entry.center_id].website,
            distance_miles=distance,
            note=entry.note,
        )
        for position, (entry, location, distance) in enumerate(zip(listed, locations, miles, strict=True), 1)
    ]
    return ShortlistView(rows, place_label)


def address_text(location: Location | None) -> str | None:
    """Return a location as one line: street, city, state and ZIP."""
    if location is None:
        return None
    street = ", ".join(part for part in (location.address_1, location.address_2) if part)
    return f"{street}, {location.city}, {location.state} {location.postal_code}".strip(", ")


def _centers(session: Session, ids: list[str]) -> dict[str, Center]:
    if not ids:
        return {}
    query = (
        select(Center)
        .where(Center.id.in_([uuid.UUID(center_id) for center_id in ids]))
        .options(selectinload(Center.locations))
    )
    return {str(center.id): center for center in session.scalars(query)}


def _distances(near: str, locations: list[Location | None]) -> tuple[str | None, list[float | None]]:
    """Return the place's label and each location's miles from it (None without a place or coordinates)."""
    if not near:
        return None, [None] * len(locations)
    points = [(loc.latitude, loc.longitude) if loc else (None, None) for loc in locations]
    try:
        return distances_from(near, points)
    except LocationError:  # checked when kept; a place the ZIP table no longer knows shows no distances
        return None, [None] * len(locations)
