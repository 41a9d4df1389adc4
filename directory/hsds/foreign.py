"""Mapping HSDS services onto listings, as far as they fit the directory.

Name, description (the organization's when the service has none), website and e-mail (the
service's, else the organization's), fee description → price notes, status (see ``mapping``),
phones (the service's, else the organization's), locations with their physical address (the
service's, else the organization's), telehealth states from text service areas, and terms from
attributes of the service or its organization. What the directory cannot hold (a non-US address
or phone, coordinates out of range, a geographic extent) is left out with a note; a service left
without a usable US address is skipped with the reason. The listing records ``source`` and the
service id as ``external_key``, which match it again on the next import. Imported listings are
never verified and never advertisers: the directory does not take another database's word for
its own checks (an ``assured_date`` is not read).

A service this directory exported (``own``) also keeps its organization's id as the center's id,
its phones' ``phone-extension`` marks and its USD ``cost_option`` amounts as cash prices, takes
its description from the service alone (the export gives a bare organization the name), and is
strict: whatever would be left out of it, or keep it out, is a problem that stops the import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marshmallow import ValidationError

from directory.hsds import marks
from directory.hsds.cells import ADDRESS_COLUMNS, extension, location_data, state_code
from directory.hsds.draft import Draft, Mapped, Rejected, first_message
from directory.hsds.ids import parse_uuid
from directory.hsds.mapping import HSDS_TO_STATUS
from directory.hsds.reading import Row
from directory.models import ListingStatus, PhoneType
from directory.schemas.centers import CenterInput, LocationSchema, PhoneSchema

if TYPE_CHECKING:
    from directory.hsds.records import ServiceMapper

PHONE_TYPES = {
    "voice": PhoneType.VOICE,
    "cell": PhoneType.VOICE,
    "fax": PhoneType.FAX,
    "text": PhoneType.TEXT,
    "sms": PhoneType.TEXT,
    "hotline": PhoneType.HOTLINE,
    "tty": PhoneType.TTY,
    "textphone": PhoneType.TTY,
}
MAX_PHONES = 10
MAX_LOCATIONS = 20


def map_foreign(mapper: ServiceMapper, service: Row, slug: str, *, own: bool = False) -> Mapped | Rejected:
    """Return the listing data of a service, or why it cannot be one (``own``: see the module docstring)."""
    label = f"{service.label} ({service.get('name')})"
    organization = mapper.index.find("organization", service.get("organization_id"))
    draft = Draft()
    draft.set("slug", slug, service.where("name"))
    draft.set("name", (service.get("name") or "")[:200], service.where("name"))
    description = service.get("description")
    if not own and not description and organization:
        description = organization.get("description")
    draft.set("description", (description or "")[:5000], service.where("description"))
    status = HSDS_TO_STATUS.get(service.get("status") or "", ListingStatus.DRAFT)
    draft.set("status", status, service.where("status"))
    fees = service.get("fees_description") or service.get("fees")
    draft.set("price_notes", fees[:2000] if fees else None, service.where("fees_description"))
    for name, column, organization_column in (("website", "url", "website"), ("email", "email", "email")):
        candidates = ((service, column), (organization, organization_column))
        draft.data[name] = _first_valid(name, [(row, col) for row, col in candidates if row], draft)
    draft.data["phones"] = _phones(mapper, service, organization, draft)
    before = len(draft.notes)
    draft.data["locations"] = _locations(mapper, service, draft)
    location_notes = draft.notes[before:]
    draft.data["service_area_states"] = mapper.areas(service, draft, strict=own)
    draft.data["terms"] = mapper.terms(
        [service, organization] if organization else [service], draft, strict=own
    )
    draft.data.update(source=mapper.source, external_key=service.get("id"))
    if own:
        draft.data["cash_price_min"], draft.data["cash_price_max"] = mapper.prices(service, draft)
    if not draft.data["locations"]:
        reasons = " ".join(location_notes) or "It has no location with an address."
        return Rejected(label, [f"no usable US address. {reasons}"], own=own)
    data = draft.validate(CenterInput(), fallback=service.label)
    if data is None:
        return Rejected(label, draft.problems, own=own)
    if own and (draft.problems or draft.notes):
        return Rejected(label, [*draft.problems, *draft.notes], own=True)
    center_id = parse_uuid(service.get("organization_id")) if own else None
    return Mapped(
        label, data, own=own, notes=[f"{label}: {note}" for note in draft.notes], center_id=center_id
    )


def _first_valid(name: str, candidates: list[tuple[Row, str]], draft: Draft) -> Any:
    """Return the first candidate cell that is a valid ``name``, noting the ones that are not."""
    schema = CenterInput(only=(name,))
    for row, column in candidates:
        value = row.get(column)
        if value is None:
            continue
        try:
            return schema.load({name: value})[name]
        except ValidationError as error:
            draft.notes.append(f"{row.where(column)}: {first_message(error.messages)} It is left out.")
    return None


def _phones(
    mapper: ServiceMapper, service: Row, organization: Row | None, draft: Draft
) -> list[dict[str, Any]]:
    rows = mapper.phones(service) or (
        mapper.index.where("phone", "organization_id", organization.get("id")) if organization else []
    )
    phones = []
    for row in rows:
        written = mapper.marks(row.get("id")).get(marks.PHONE_EXTENSION)
        phone = {
            "number": row.get("number"),
            "type": PHONE_TYPES.get((row.get("type") or "voice").lower(), PhoneType.VOICE).value,
            "extension": written or extension(row.get("extension")),
            "description": (row.get("description") or "")[:500] or None,
        }
        if draft.keep(PhoneSchema(), phone, row.where):
            phones.append(phone)
    return phones[:MAX_PHONES]


def _locations(mapper: ServiceMapper, service: Row, draft: Draft) -> list[dict[str, Any]]:
    links = mapper.index.where("service_at_location", "service_id", service.get("id"))
    rows = [mapper.index.find("location", link.get("location_id")) for link in links] or mapper.index.where(
        "location", "organization_id", service.get("organization_id")
    )
    locations = []
    for location in filter(None, rows):
        address = mapper.address(location)
        if address is None:
            draft.notes.append(f"{location.label}: no address; the location is left out.")
            continue
        data = location_data(location, address)
        data.update(
            name=data["name"][:200] if data["name"] else None,
            state=state_code(data["state"]) or data["state"],
        )

        def origin(name: str, location: Row = location, address: Row = address) -> str:
            return address.where(ADDRESS_COLUMNS[name]) if name in ADDRESS_COLUMNS else location.where(name)

        if not draft.keep(LocationSchema(), data, origin, quiet=True):
            data.update(latitude=None, longitude=None)
            if not draft.keep(LocationSchema(), data, origin):
                continue
            draft.notes.append(f"{location.label}: coordinates out of range; they are left out.")
        locations.append(data)
    return locations[:MAX_LOCATIONS]
