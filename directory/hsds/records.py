"""Reading the services of a package: what each belongs to, and the rows that describe it.

Every service, this directory's own or another publisher's, becomes a listing through
``foreign.map_foreign``: the export publishes what a partner needs, not every field of a
listing (see ``mapping``), so its services import like anyone's. A service this directory
exported (its id is the one ``ids.service_id`` derives from its organization's id) keeps the
organization's id as the center's id, gets its cash prices back from its ``cost_option`` rows,
and is strict: anything that would be left out of it is a problem that stops the import.
"""

from __future__ import annotations

from collections.abc import Callable

from directory.hsds.cells import state_code
from directory.hsds.draft import Draft, Mapped, Rejected
from directory.hsds.foreign import map_foreign
from directory.hsds.ids import parse_uuid, part_id, service_id
from directory.hsds.index import PackageIndex
from directory.hsds.reading import Row
from directory.hsds.vocabulary import VocabularyMap
from directory.operations.taxonomy import TermKey

USD = "USD"


class ServiceMapper:
    """Map the services of one package, given what its taxonomy terms mean."""

    def __init__(
        self, index: PackageIndex, vocabulary: VocabularyMap, available: set[TermKey], source: str
    ) -> None:
        self.index = index
        self.vocabulary = vocabulary
        #: The (scheme, code) pairs the vocabulary will hold once the import creates what is missing.
        self.available = available
        #: The ``source`` recorded on imported listings.
        self.source = source

    def is_own(self, service: Row) -> bool:
        """Whether this directory exported ``service``: its id derives from its organization's."""
        organization = parse_uuid(service.get("organization_id"))
        return organization is not None and service.get("id") == str(service_id(organization))

    def map(self, service: Row, choose_slug: Callable[[Row], str]) -> Mapped | Rejected:
        """Return the listing data of ``service`` with the slug ``choose_slug(service)``."""
        return map_foreign(self, service, choose_slug(service), own=self.is_own(service))

    def marks(self, link_id: str | None) -> dict[str, str]:
        """Return the directory marks (by code) that attributes give the record ``link_id``, with values."""
        found = {}
        for row in self.index.where("attribute", "link_id", link_id):
            mark = self.vocabulary.marks.get(row.get("taxonomy_term_id") or "")
            if mark is not None:
                found[mark] = row.get("value") or ""
        return found

    def phones(self, service: Row) -> list[Row]:
        """Return the phone rows of ``service``."""
        return self.index.where("phone", "service_id", service.get("id"))

    def prices(self, service: Row, draft: Draft) -> tuple[int | None, int | None]:
        """Return the cash price range of an exported service from its ``cost_option`` rows.

        The export writes one row (id key ``price``) for a single price, else ``lowest`` and
        ``highest`` (see ``mapping``); rows with other ids or currencies are not prices.
        """
        center_id = parse_uuid(service.get("organization_id"))
        if center_id is None:
            return None, None
        keys = {str(part_id(center_id, "cost_option", key)): key for key in ("price", "lowest", "highest")}
        low = high = None
        for row in self.index.where("cost_option", "service_id", service.get("id")):
            key = keys.get(row.get("id") or "")
            if key is None or (row.get("currency") or USD) != USD or row.get("amount") is None:
                continue
            amount = float(row.get("amount") or 0)
            if not amount.is_integer():
                draft.problems.append(f"{row.where('amount')}: not a whole number of dollars.")
                continue
            low = int(amount) if key in ("price", "lowest") else low
            high = int(amount) if key in ("price", "highest") else high
        return low, high

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
                if term_id in self.vocabulary.marks:
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
