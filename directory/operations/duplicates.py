"""Finding listings a new submission may duplicate: the same phone, or a similar name nearby.

"Nearby" is the same ZIP code or the same city and state as one of the submission's addresses;
"similar" compares names without case, punctuation or words every center shares ("clinic", "LLC").
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from directory.models import Center, Location, Phone

#: Words that say nothing about which center a name means.
GENERIC_WORDS = frozenset(
    {"the", "of", "and", "at", "a", "llc", "inc", "pllc", "pc", "center", "centre", "clinic", "clinics"}
)
#: How alike two names must be (0 to 1) to be offered as a possible duplicate.
SIMILAR_NAME_RATIO = 0.75
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class DuplicateCandidate:
    """A listing that may be the same center, with the reasons in words."""

    center: Center
    reasons: list[str] = field(default_factory=list)


def name_key(name: str) -> str:
    """Return ``name`` reduced to its telling words, lowercase, for comparison."""
    return " ".join(word for word in _WORD.findall(name.lower()) if word not in GENERIC_WORDS)


def similar_names(first: str, second: str) -> bool:
    """Whether two center names probably mean the same center."""
    a, b = name_key(first), name_key(second)
    if not a or not b:
        return False
    words_a, words_b = set(a.split()), set(b.split())
    if words_a <= words_b or words_b <= words_a:
        return True
    return SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME_RATIO


def find_duplicate_candidates(session: Session, center: Center, limit: int = 10) -> list[DuplicateCandidate]:
    """Return other listings with one of ``center``'s phone numbers, or a similar name in its ZIP or city."""
    found: dict[uuid.UUID, DuplicateCandidate] = {}
    numbers = [phone.number for phone in center.phones]
    if numbers:
        same_phone = session.execute(
            select(Center, Phone.number)
            .join(Phone, Phone.center_id == Center.id)
            .where(Phone.number.in_(numbers), Center.id != center.id)
            .order_by(Center.name)
        )
        for other, number in same_phone:
            _add(found, other, f"Same phone number: {number}")
    places = [
        or_(
            Location.postal_code == location.postal_code,
            and_(func.lower(Location.city) == location.city.lower(), Location.state == location.state),
        )
        for location in center.locations
    ]
    if places:
        nearby = session.scalars(
            select(Center)
            .where(Center.id.in_(select(Location.center_id).where(or_(*places))), Center.id != center.id)
            .order_by(Center.name)
        )
        for other in nearby:
            if similar_names(center.name, other.name):
                _add(found, other, f"Similar name in the same ZIP code or city: {other.name}")
    return list(found.values())[:limit]


def _add(found: dict[uuid.UUID, DuplicateCandidate], center: Center, reason: str) -> None:
    candidate = found.setdefault(center.id, DuplicateCandidate(center))
    if reason not in candidate.reasons:
        candidate.reasons.append(reason)
