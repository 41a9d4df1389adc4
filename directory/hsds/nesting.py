"""Nesting one center's HSDS rows into a full service object, as ``examples/service_full.json`` shows."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from directory.hsds.layout import Layout
from directory.hsds.mapping import Row, Rows

#: Columns that link a row to the object it is nested in, left out of the nested object.
PHONE_LINKS = {"location_id", "service_id", "organization_id", "contact_id", "service_at_location_id"}


def in_layout(
    layout: Layout, resource: str, row: Row, leave_out: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Return ``row`` with ``layout``'s column order for ``resource``, without the ``leave_out`` columns."""
    return {name: row[name] for name in layout.columns(resource) if name in row and name not in leave_out}


class ServiceNester:
    """Build nested service objects, with column order from the layout and terms from the vocabulary."""

    def __init__(self, layout: Layout, vocabulary: Rows) -> None:
        self.layout = layout
        self.terms = {row["id"]: row for row in vocabulary["taxonomy_term"]}
        self.taxonomies = {row["id"]: row for row in vocabulary["taxonomy"]}

    def nest(self, rows: Rows) -> dict[str, Any]:
        """Return the one service of a center's rows with everything that belongs to it."""
        attributes: dict[str, list[Row]] = defaultdict(list)
        for attribute in rows["attribute"]:
            attributes[attribute["link_id"]].append(attribute)
        service = self.object("service", rows["service"][0], {"organization_id", "program_id"})
        service["phones"] = [self._phone(phone, attributes) for phone in rows["phone"]]
        service["service_areas"] = [
            self.object("service_area", row, {"service_id"}) for row in rows["service_area"]
        ]
        service["service_at_locations"] = [
            self._service_at_location(row, rows) for row in rows["service_at_location"]
        ]
        service["organization"] = self.object("organization", rows["organization"][0])
        service["cost_options"] = [
            self.object("cost_option", row, {"service_id"}) for row in rows["cost_option"]
        ]
        service["attributes"] = [self._attribute(row) for row in attributes[service["id"]]]
        service["metadata"] = [self.object("metadata", row, {"resource_id"}) for row in rows["metadata"]]
        return service

    def object(
        self, resource: str, row: Row, leave_out: set[str] | frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        """Return ``row`` with the layout's column order, without the linking columns."""
        return in_layout(self.layout, resource, row, leave_out)

    def _phone(self, row: Row, attributes: dict[str, list[Row]]) -> dict[str, Any]:
        phone = self.object("phone", row, PHONE_LINKS)
        if attributes[row["id"]]:
            phone["attributes"] = [self._attribute(attribute) for attribute in attributes[row["id"]]]
        return phone

    def _service_at_location(self, row: Row, rows: Rows) -> dict[str, Any]:
        nested = self.object("service_at_location", row, {"service_id", "location_id"})
        location = next(loc for loc in rows["location"] if loc["id"] == row["location_id"])
        nested["location"] = self.object("location", location, {"organization_id"})
        nested["location"]["addresses"] = [
            self.object("address", address, {"location_id"})
            for address in rows["address"]
            if address["location_id"] == location["id"]
        ]
        return nested

    def _attribute(self, row: Row) -> dict[str, Any]:
        attribute = self.object("attribute", row, {"link_id", "taxonomy_term_id"})
        attribute["taxonomy_term"] = self.term(self.terms[row["taxonomy_term_id"]])
        return attribute

    def term(self, row: Row) -> dict[str, Any]:
        """Return a term with its taxonomy as ``taxonomy_detail``, right after ``taxonomy``."""
        term: dict[str, Any] = {}
        for name, value in self.object("taxonomy_term", row, {"taxonomy_id"}).items():
            term[name] = value
            if name == "taxonomy":
                term["taxonomy_detail"] = self.object("taxonomy", self.taxonomies[row["taxonomy_id"]])
        return term
