"""Mapping one HSDS service (with its organization, locations, phones …) back to ``CenterInput`` data.

A service with a ``slug`` directory-field attribute is one this directory exported: every field
comes back exactly (see ``mapping``), and any bad value is a problem that stops the import.
Other publishers' services are mapped by ``foreign``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from directory.hsds.cells import ADDRESS_COLUMNS, extension, location_data, state_code
from directory.hsds.draft import Draft, Mapped, Rejected
from directory.hsds.fields import CENTER_FIELDS, PHONE_EXTENSION, decode
from directory.hsds.foreign import map_foreign
from directory.hsds.ids import parse_uuid
from directory.hsds.index import PackageIndex
from directory.hsds.reading import Row
from directory.hsds.vocabulary import VocabularyMap
from directory.models import PhoneType
from directory.operations.taxonomy import TermKey
from directory.schemas.centers import CenterInput


class ServiceMapper:
    """Map the services of one package, given what its taxonomy terms mean."""

    def __init__(
        self, index: PackageIndex, vocabulary: VocabularyMap, available: set[TermKey], source: str
    ) -> None:
        self.index = index
        self.vocabulary = vocabulary
        #: The (scheme, code) pairs the vocabulary will hold once the import creates what is missing.
        self.available = available
        #: The ``source`` recorded on other publishers' listings.
        self.source = source

    def is_own(self, service: Row) -> bool:
        """Whether this directory exported ``service`` (it has a ``slug`` field attribute)."""
        return any(
            self.vocabulary.fields.get(row.get("taxonomy_term_id") or "") == "slug"
            for row in self.index.where("attribute", "link_id", service.get("id"))
        )

    def map(self, service: Row, choose_slug: Callable[[Row], str]) -> Mapped | Rejected:
        """Return the listing data of ``service``; other publishers' services get ``choose_slug(service)``."""
        if self.is_own(service):
            return self._own(service)
        return map_foreign(self, service, choose_slug(service))

    def field_values(self, link_id: str | None, draft: Draft) -> dict[str, Any]:
        """Return the directory fields that attributes give the record ``link_id``."""
        values: dict[str, Any] = {}
        for row in self.index.where("attribute", "link_id", link_id):
            name = self.vocabulary.fields.get(row.get("taxonomy_term_id") or "")
            if name is None:
                continue
            try:
                values[name] = decode(row.get("value") or "")
            except ValueError:
                draft.problems.append(f"{row.where('value')}: not a JSON value.")
                continue
            draft.origins[name] = row.where("value")
        return values

    def phones(self, service: Row) -> list[Row]:
        """Return the phone rows of ``service``."""
        return self.index.where("phone", "service_id", service.get("id"))

    def address(self, location: Row | None) -> Row | None:
        """Return the physical address of a location (else its first one)."""
        addresses = self.index.where("address", "location_id", location.get("id")) if location else []
        physical = [row for row in addresses if (row.get("address_type") or "physical") == "physical"]
        return (physical or addresses or [None])[0]

    def areas(self, service: Row, draft: Draft, *, strict: bool) -> list[str]:
        """Return the states of the service's areas; others are problems (``strict``) or notes."""
        states = []
        for row in self.index.where("service_area", "service_id", service.get("id")):
            state = state_code(row.get("extent")) if row.get("extent_type") in (None, "text") else None
            state = state or state_code(row.get("name"))
            if state:
                states.append(state)
            elif strict:
                draft.problems.append(f"{row.where('extent')}: not a US state code.")
            else:
                draft.notes.append(f"{row.label}: not a US state; the service area is left out.")
        return states

    def terms(self, records: list[Row], draft: Draft, *, strict: bool) -> dict[str, list[str]]:
        """Return the vocabulary terms that attributes link to ``records``, by scheme."""
        terms: dict[str, list[str]] = {}
        for record in records:
            for row in self.index.where("attribute", "link_id", record.get("id")):
                term_id = row.get("taxonomy_term_id") or ""
                if term_id in self.vocabulary.fields:
                    continue
                key = self.vocabulary.terms.get(term_id)
                if key is None or key not in self.available:
                    message = f"{row.where('taxonomy_term_id')}: no such taxonomy term in the package"
                    if strict:
                        draft.problems.append(f"{message}.")
                    else:
                        draft.notes.append(f"{message}; left out.")
                    continue
                codes = terms.setdefault(key[0], [])
                if key[1] not in codes:
                    codes.append(key[1])
        return terms

    def _own(self, service: Row) -> Mapped | Rejected:
        label = f"{service.label} ({service.get('name')})"
        draft = Draft()
        values = self.field_values(service.get("id"), draft)
        unknown = sorted(set(values) - set(CENTER_FIELDS))
        draft.problems.extend(
            f"{draft.origins[name]}: '{name}' is not a directory field." for name in unknown
        )
        draft.data.update((name, values[name]) for name in CENTER_FIELDS if name in values)
        for name, column in (
            ("name", "name"),
            ("website", "url"),
            ("email", "email"),
            ("price_notes", "fees_description"),
        ):
            draft.set(name, service.get(column), service.where(column))
        draft.set("description", service.get("description") or "", service.where("description"))
        draft.data["phones"] = [
            self._phone(row, index, draft) for index, row in enumerate(self.phones(service))
        ]
        draft.data["locations"] = self._locations(service, draft)
        draft.data["service_area_states"] = self.areas(service, draft, strict=True)
        draft.data["terms"] = self.terms([service], draft, strict=True)
        center_id = parse_uuid(service.get("organization_id"))
        if center_id is None:
            draft.problems.append(f"{service.where('organization_id')}: not a UUID.")
        data = draft.validate(CenterInput(), fallback=service.label)
        if draft.problems or data is None:
            return Rejected(label, draft.problems, own=True)
        return Mapped(label, data, own=True, center_id=center_id)

    def _phone(self, row: Row, position: int, draft: Draft) -> dict[str, Any]:
        """Return a phone; an extension HSDS cannot hold as a number comes from its attribute."""
        phone_fields = Draft()
        values = self.field_values(row.get("id"), phone_fields)
        draft.problems.extend(phone_fields.problems)
        for name in ("number", "type", "description"):
            draft.origins[f"phones.{position}.{name}"] = row.where(name)
        draft.origins[f"phones.{position}.extension"] = phone_fields.origins.get(
            PHONE_EXTENSION, row.where("extension")
        )
        return {
            "number": row.get("number"),
            "type": row.get("type") or PhoneType.VOICE.value,
            "extension": values.get(PHONE_EXTENSION) or extension(row.get("extension")),
            "description": row.get("description"),
        }

    def _locations(self, service: Row, draft: Draft) -> list[dict[str, Any]]:
        """Return the service's locations in ``service_at_location`` order (the first is the primary)."""
        locations = []
        links = self.index.where("service_at_location", "service_id", service.get("id"))
        for position, link in enumerate(links):
            location = self.index.find("location", link.get("location_id"))
            address = self.address(location)
            if location is None or address is None:
                missing = "location" if location is None else "address for this location"
                draft.problems.append(f"{link.where('location_id')}: no {missing} in the package.")
                continue
            for name, column in ADDRESS_COLUMNS.items():
                draft.origins[f"locations.{position}.{name}"] = address.where(column)
            for name in ("name", "latitude", "longitude"):
                draft.origins[f"locations.{position}.{name}"] = location.where(name)
            locations.append(location_data(location, address))
        return locations
