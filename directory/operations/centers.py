"""Creating and updating centers from validated input (``schemas.centers.CenterInput``)."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Center, Location, Phone, ServiceArea, User
from directory.operations.audit import record_event
from directory.operations.taxonomy import TermIndex
from directory.schemas.centers import CenterInput, LocationSchema, PhoneSchema

Outcome = Literal["created", "updated", "unchanged"]

#: Input fields stored as plain columns of ``centers``; the rest are related rows.
RELATED_FIELDS = ("phones", "locations", "service_area_states", "terms")
SCALAR_FIELDS = tuple(name for name in CenterInput().fields if name not in RELATED_FIELDS)
LOCATION_FIELDS = tuple(LocationSchema().fields)
PHONE_FIELDS = tuple(PhoneSchema().fields)


def center_as_input(center: Center) -> dict[str, Any]:
    """Return the center in the shape ``CenterInput().load`` produces, for comparison."""
    data = {name: getattr(center, name) for name in SCALAR_FIELDS}
    data["phones"] = [{name: getattr(p, name) for name in PHONE_FIELDS} for p in center.phones]
    data["locations"] = [{name: getattr(loc, name) for name in LOCATION_FIELDS} for loc in center.locations]
    data["service_area_states"] = [area.state for area in center.service_areas]
    data["terms"] = center.term_codes()
    return data


def comparable_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """Make two inputs comparable: terms and service areas as sorted sets."""
    result = dict(data)
    result["terms"] = {scheme: sorted(set(codes)) for scheme, codes in data["terms"].items() if codes}
    result["service_area_states"] = sorted(set(data["service_area_states"]))
    return result


def find_center(session: Session, slug: str) -> Center | None:
    """Return the center with ``slug``, if any."""
    return session.scalar(select(Center).where(Center.slug == slug))


def save_center(
    session: Session,
    data: Mapping[str, Any],
    terms: TermIndex,
    *,
    actor: User | str,
    reason: str | None = None,
    center_id: uuid.UUID | None = None,
) -> tuple[Center, Outcome]:
    """Create the center ``data`` describes, or update the one with its slug; audit any change.

    ``center_id`` is the id a new center gets (imports that carry stable ids); by default a random one.
    """
    resolved_terms = terms.resolve(data["terms"])
    center = find_center(session, data["slug"])
    if center is None:
        center = Center(id=center_id or uuid.uuid4())
        outcome: Outcome = "created"
        before = None
    else:
        current = comparable_input(center_as_input(center))
        if current == comparable_input(data):
            return center, "unchanged"
        outcome = "updated"
        before = current
    _apply(center, data, resolved_terms)
    session.add(center)
    session.flush()
    after = comparable_input(data)
    record_event(
        session,
        actor=actor,
        action=f"center.{outcome}",
        record_type="center",
        record_id=center.id,
        before=_changed_values(before, after, side=0) if before else None,
        after=_changed_values(before, after, side=1) if before else jsonable(after),
        reason=reason,
    )
    return center, outcome


def _apply(center: Center, data: Mapping[str, Any], resolved_terms: list[Any]) -> None:
    """Copy validated input onto the center and replace its related rows."""
    # Verification first: leaving ``verified`` ends advertiser status, which the input may then set.
    center.verification_status = data["verification_status"]
    for name in SCALAR_FIELDS:
        if getattr(center, name) != data[name]:
            setattr(center, name, data[name])
    center.locations = [
        Location(position=index, **location) for index, location in enumerate(data["locations"])
    ]
    center.phones = [Phone(position=index, **phone) for index, phone in enumerate(data["phones"])]
    center.service_areas = [ServiceArea(state=state) for state in dict.fromkeys(data["service_area_states"])]
    center.terms = resolved_terms


def _changed_values(before: dict[str, Any], after: dict[str, Any], *, side: int) -> dict[str, Any]:
    """Return the values of the fields that differ, from one side of the change."""
    pair = (before, after)
    return {name: jsonable(pair[side].get(name)) for name in after if before.get(name) != after.get(name)}


def jsonable(value: Any) -> Any:
    """Convert dates, enums and UUIDs, recursively, into JSON values."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
