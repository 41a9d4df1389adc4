"""Reading the HSDS API's query parameters into plain values, each refusal naming its parameter.

Ids are UUIDs as this directory derives them (:mod:`directory.hsds.ids`). ``modified_after`` is an
ISO 8601 date or date-time; one without an offset is taken as UTC. ``postcode`` is a US ZIP code
(``84101`` or ``84101-1234``). ``proximity`` is a distance in meters, as the HSDS API defines it,
converted exactly to the directory's miles (1 mile = 1,609.344 m) and bounded as a search radius
is.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

from directory.hsds.errors import HsdsQueryError
from search_index.searching import MAX_RADIUS_MILES, MIN_RADIUS_MILES

METERS_PER_MILE = 1609.344
ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")


def parse_id(field: str, value: str | None) -> uuid.UUID | None:
    """Return ``value`` as a UUID (None when absent); raise :class:`HsdsQueryError` when it is not one."""
    if value is None or value == "":
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise HsdsQueryError(
            field, f"{field} must be an id such as 3f7b145d-84af-42d7-8fae-eaca714b02b2."
        ) from None


def parse_moment(field: str, value: str | datetime | None) -> datetime | None:
    """Return ``value`` as an aware UTC datetime (a bare date is its midnight UTC); None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise HsdsQueryError(
                    field, f"{field} must be a date or date-time such as 2025-03-04 or 2025-03-04T15:30:00Z."
                ) from None
            moment = datetime(day.year, day.month, day.day)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_postcode(value: str | None) -> str | None:
    """Return the 5-digit ZIP code of ``value`` (None when absent)."""
    if value is None or value.strip() == "":
        return None
    match = ZIP.fullmatch(value.strip())
    if match is None:
        raise HsdsQueryError("postcode", "postcode must be a US ZIP code such as 84101 or 84101-1234.")
    return match[1]


def parse_proximity(value: str | float | None) -> float | None:
    """Return a proximity in meters as miles (None when absent); refuse one outside the search's range."""
    if value is None or value == "":
        return None
    try:
        meters = float(value)
    except (TypeError, ValueError):
        meters = float("nan")
    low, high = MIN_RADIUS_MILES * METERS_PER_MILE, MAX_RADIUS_MILES * METERS_PER_MILE
    if not low <= meters <= high:  # also false for NaN
        raise HsdsQueryError(
            "proximity", f"proximity must be a distance in meters between {low:g} and {high:g}."
        )
    return meters / METERS_PER_MILE
