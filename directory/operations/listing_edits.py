"""Admins editing what the public sees of a listing, in place (the research team's edit form).

The values are validated by ``schemas.centers.CenterInput`` (limited to :data:`EDITABLE_FIELDS`, see
:func:`listing_edit_schema`), the same rules the loader and the API apply. An edit never touches the
verification, advertiser or listing status (the state machine owns those), nor where the listing
came from. The change reaches the search index through the change log, like every ORM change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from directory.models import AuditEvent, Center, Location, Phone, ServiceArea, User
from directory.operations.audit import record_event
from directory.operations.centers import (
    RELATED_FIELDS,
    _changed_values,
    center_as_input,
    comparable_input,
)
from directory.operations.errors import OperationError
from directory.operations.staff_roles import require_admin
from directory.operations.taxonomy import TermIndex
from directory.schemas.centers import CenterInput
from search_index.geo import zip_centroid

#: The center fields the public sees, which the edit form changes (nothing about status or source).
EDITABLE_FIELDS: tuple[str, ...] = (
    "name",
    "description",
    "website",
    "email",
    "phones",
    "locations",
    "service_area_states",
    "accepting_new_clients",
    "cash_price_min",
    "cash_price_max",
    "sliding_scale",
    "payment_assistance",
    "price_notes",
    "spravato_rems_certified",
    "offers_in_clinic",
    "offers_at_home",
    "session_monitoring",
    "private_treatment_room",
    "support_person_allowed",
    "integration_therapy",
    "year_opened",
    "terms",
)


def listing_edit_schema() -> CenterInput:
    """Return the schema that validates an edit: ``CenterInput`` limited to the editable fields."""
    return CenterInput(only=EDITABLE_FIELDS)


def edit_listing(
    session: Session,
    center: Center,
    data: Mapping[str, Any],
    *,
    actor: User,
    reason: str | None = None,
) -> AuditEvent | None:
    """Apply ``listing_edit_schema().load`` output to ``center``; audit the changed fields' before and after.

    Fields missing from ``data`` keep their value. Returns the audit event, or None when nothing
    changed (and nothing is written). Raises :class:`PermissionDenied` for anyone but an admin and
    :class:`OperationError` for a field outside :data:`EDITABLE_FIELDS` or an unknown taxonomy term.
    Flushes, never commits.
    """
    require_admin(actor, "edit a listing")
    outside = sorted(set(data) - set(EDITABLE_FIELDS))
    if outside:
        raise OperationError(
            "The edit form cannot change these fields: " + ", ".join(outside) + ".",
            {name: ["This field is not edited here."] for name in outside},
        )
    data = _with_coordinates(data)
    current = center_as_input(center)
    before = {name: value for name, value in comparable_input(current).items() if name in EDITABLE_FIELDS}
    after = {
        name: value
        for name, value in comparable_input({**current, **data}).items()
        if name in EDITABLE_FIELDS
    }
    changed = [name for name in EDITABLE_FIELDS if before[name] != after[name]]
    if not changed:
        return None
    if "terms" in changed:
        center.terms = TermIndex.load(session).resolve(after["terms"])
    _apply(center, {name: data[name] for name in changed if name != "terms"})
    session.flush()
    return record_event(
        session,
        actor=actor,
        action="center.edited",
        record_type="center",
        record_id=center.id,
        before=_changed_values(before, after, side=0),
        after=_changed_values(before, after, side=1),
        reason=reason or None,
    )


def _editable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the editable fields of a whole input."""
    return {name: values[name] for name in EDITABLE_FIELDS}


def _with_coordinates(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Give each location without coordinates its ZIP code's centre (as the public form does)."""
    if "locations" not in data:
        return data
    locations = []
    for location in data["locations"]:
        if location.get("latitude") is None and location.get("longitude") is None:
            latitude, longitude = zip_centroid(location["postal_code"]) or (None, None)
            location = {**location, "latitude": latitude, "longitude": longitude}
        locations.append(location)
    return {**data, "locations": locations}


def _apply(center: Center, changes: Mapping[str, Any]) -> None:
    """Copy the changed values onto the center, replacing changed related rows as a whole."""
    for name, value in changes.items():
        if name not in RELATED_FIELDS:
            setattr(center, name, value)
    if "locations" in changes:
        center.locations = [
            Location(position=index, **location) for index, location in enumerate(changes["locations"])
        ]
    if "phones" in changes:
        center.phones = [Phone(position=index, **phone) for index, phone in enumerate(changes["phones"])]
    if "service_area_states" in changes:
        center.service_areas = [
            ServiceArea(state=state) for state in dict.fromkeys(changes["service_area_states"])
        ]
