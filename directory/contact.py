"""How to reach a center: tel: links, the street address as text and a link to directions.

Shared by the search hit (every card) and the center page, so that both read the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from directory.models import Location, Phone

#: Phone kinds a card may show as "call this number" (a fax is never a card's phone).
CALLABLE_KINDS = ("voice", "hotline", "text", "tty")
OPENSTREETMAP_SEARCH = "https://www.openstreetmap.org/search"


def tel_uri(number: str) -> str | None:
    """Return the ``tel:`` URI of a phone number (digits only, +1 for 10-digit US numbers), or None."""
    digits = re.sub(r"\D", "", number or "")
    if len(digits) < 3:
        return None
    if len(digits) == 10:
        return f"tel:+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"tel:+{digits}"
    return f"tel:{digits}"


def phone_text(phone: Phone) -> str:
    """Return a phone as it reads on the page ('(555) 555-0123 ext. 4')."""
    return phone.number + (f" ext. {phone.extension}" if phone.extension else "")


def card_phone(phones: Iterable[Phone]) -> dict[str, str] | None:
    """Return the phone a card shows ({"text", "tel"}): the first voice line, else the first callable one."""
    usable = [phone for phone in phones if _kind(phone) in CALLABLE_KINDS and tel_uri(phone.number)]
    if not usable:
        return None
    phone = next((p for p in usable if _kind(p) == "voice"), usable[0])
    return {"text": phone_text(phone), "tel": tel_uri(phone.number) or ""}


def address_of(location: Location | None) -> dict[str, Any] | None:
    """Return a location's street address ({"lines", "city", "state", "zip", "text"}), or None."""
    if location is None or not (location.address_1 or "").strip():
        return None
    lines = [line.strip() for line in (location.address_1, location.address_2) if line and line.strip()]
    place = f"{location.city}, {location.state} {location.postal_code}".strip()
    return {
        "lines": lines,
        "city": location.city,
        "state": location.state,
        "zip": location.postal_code,
        "text": ", ".join([*lines, place]),
    }


def directions_url(address: dict[str, Any] | None) -> str | None:
    """Return an OpenStreetMap search for the address (only the center's address, never the search)."""
    if not address:
        return None
    return f"{OPENSTREETMAP_SEARCH}?{urlencode({'query': address['text']})}"


def _kind(phone: Phone) -> str:
    """Return the phone's kind as a plain string (a bulk update can leave the plain value)."""
    return getattr(phone.type, "value", phone.type) or "voice"
