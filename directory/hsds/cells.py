"""Reading the cells of HSDS rows as the values the directory's input expects."""

from __future__ import annotations

from typing import Any

from directory.hsds.reading import Row
from directory.schemas.geography import US_STATES

STATE_CODES = {name.lower(): code for code, name in US_STATES.items()} | {
    code.lower(): code for code in US_STATES
}
#: Location input fields and the address columns they come from.
ADDRESS_COLUMNS = {
    "address_1": "address_1",
    "address_2": "address_2",
    "city": "city",
    "state": "state_province",
    "postal_code": "postal_code",
    "country": "country",
}


def location_data(location: Row, address: Row) -> dict[str, Any]:
    """Return the location input of an HSDS location and its address."""
    data: dict[str, Any] = {name: address.get(column) for name, column in ADDRESS_COLUMNS.items()}
    data["country"] = data["country"] or "US"
    data.update(
        name=location.get("name"),
        latitude=number(location.get("latitude")),
        longitude=number(location.get("longitude")),
    )
    return data


def extension(value: str | None) -> str | None:
    """Return an HSDS (numeric) extension as text: ``100`` or ``100.0`` → ``100``."""
    try:
        parsed = float(value) if value is not None else None
    except ValueError:
        return value
    return str(int(parsed)) if parsed is not None and parsed.is_integer() else value


def number(value: str | None) -> float | None:
    """Return a number cell as a float."""
    return float(value) if value is not None else None


def state_code(value: str | None) -> str | None:
    """Return the USPS code of a state given by code or name (``Utah``, ``ut``), else None."""
    return STATE_CODES.get(value.strip().lower()) if value else None
