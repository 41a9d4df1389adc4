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


#: Where an extension starts in a number written with one (``x12``, ``ext. 12``, ``#12``).
EXTENSION_MARK = re.compile(r"(?i)\s*(?:ext\.?|extension|x|#).*$")
NON_DIGITS = re.compile(r"\D")


def e164(number: str | None) -> str | None:
    """Return a US number as E.164 (``+1`` and ten digits), or None when it is not one.

    Punctuation and spaces are ignored, a leading ``+1`` or ``1`` is the country code, and an
    extension written into the number is left out (HSDS keeps it in ``extension``).
    """
    if not number:
        return None
    digits = NON_DIGITS.sub("", EXTENSION_MARK.sub("", number.strip()))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        return None
    return f"+1{digits}"


def tel_uri(number: str, extension: str | None = None) -> str | None:
    """Return the ``tel:`` URI of a phone number, or None when it has too few digits to dial.

    A US number is dialled in E.164 (``tel:+18015550134``); any other keeps its digits only
    (``tel:988``). ``extension`` adds ``;ext=`` with its digits.
    """
    dialled = e164(number) or NON_DIGITS.sub("", number or "")
    if len(dialled) < 3:
        return None
    digits = NON_DIGITS.sub("", extension or "")
    return f"tel:{dialled}" + (f";ext={digits}" if digits else "")


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
