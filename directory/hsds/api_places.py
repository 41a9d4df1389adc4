"""Where the HSDS API's service-at-locations are: the ``postcode`` and ``proximity`` filters.

``proximity`` is measured from the ZIP code's centroid (the one point the HSDS API defines), with
the same great-circle distance the directory's search uses.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from directory.hsds.errors import HsdsQueryError
from directory.models import Location
from search_index.geo import haversine_miles, zip_centroid


@dataclass(frozen=True)
class Place:
    """One location of a selected center: its place among the center's locations, and distance."""

    center_id: uuid.UUID
    ordinal: int
    miles: float | None


def centroid(zip5: str | None) -> tuple[float, float]:
    """Return the centroid of the ZIP code ``proximity`` is measured from; refuse none, or one unmapped."""
    if zip5 is None:
        raise HsdsQueryError(
            "proximity", "proximity needs a postcode: the distance is measured from the postcode's centre."
        )
    centre = zip_centroid(zip5)
    if centre is None:
        raise HsdsQueryError(
            "postcode", f"There is no map location for the ZIP code {zip5}; try a nearby one."
        )
    return centre


def places_of(
    session: Session,
    center_ids: Sequence[uuid.UUID],
    zip5: str | None,
    centre: tuple[float, float] | None,
    miles: float | None,
) -> list[Place]:
    """Return the locations of ``center_ids`` passing the postcode and proximity filters, in their order."""
    statement = select(
        Location.center_id, Location.position, Location.postal_code, Location.latitude, Location.longitude
    ).where(Location.center_id.in_(center_ids) if center_ids else false())
    by_center: dict[uuid.UUID, list[Any]] = {}
    for row in session.execute(statement.order_by(Location.center_id, Location.position)):
        by_center.setdefault(row.center_id, []).append(row)
    places = []
    for center_id in center_ids:
        for ordinal, row in enumerate(by_center.get(center_id, [])):
            distance = None
            if centre is not None and miles is not None:
                if row.latitude is None or row.longitude is None:
                    continue
                distance = haversine_miles(centre[0], centre[1], row.latitude, row.longitude)
                if distance > miles:
                    continue
            elif zip5 is not None and (row.postal_code or "")[:5] != zip5:
                continue
            places.append(Place(center_id, ordinal, distance))
    return places
